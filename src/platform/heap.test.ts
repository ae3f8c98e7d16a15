// The young-generation growth rule (heap.ts) as a state machine: growth only under traffic
// (scavenges in many separate turns), never past the cap, and again whenever V8 has shrunk the
// semi-space below the cap while traffic goes on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GrowthRule, SEMI_SPACE_CAP_BYTES, SEMI_SPACE_CAP_MAX_BYTES, SEMI_SPACE_CAP_MIN_BYTES, semiSpaceCapBytes,
} from './heap.js';

const MiB = 1024 * 1024;

/** Feeds `turns` scavenge turns `gapMs` apart from `startMs` with a constant heap (`old` 100 MiB unless given). */
function feed(
  rule: GrowthRule, time: { startMs: number; turns: number; gapMs: number }, heap: { semi: number; old?: number },
): boolean[] {
  const { startMs, turns, gapMs } = time;
  const { semi, old = 100 * MiB } = heap;
  const out: boolean[] = [];
  for (let i = 0; i < turns; i++) {
    out.push(rule.onScavengeTurn(startMs + i * gapMs, () => ({ semiSpaceBytes: semi, oldBytes: old })));
  }
  return out;
}

test('a few scavenge turns are not traffic; many within a second are', () => {
  const rule = new GrowthRule();
  const decisions = feed(rule, { startMs: 0, turns: 12, gapMs: 10 }, { semi: 1 * MiB });
  assert.deepEqual(decisions.slice(0, 7), [false, false, false, false, false, false, false]);
  assert.deepEqual(decisions.slice(7), [true, true, true, true, true]);
  assert.equal(rule.traffic, true);
});

test('turns spread over more than the window never count as traffic', () => {
  const rule = new GrowthRule();
  assert.ok(feed(rule, { startMs: 0, turns: 30, gapMs: 200 }, { semi: 1 * MiB }).every((grow) => !grow));
  assert.equal(rule.traffic, false);
});

test('growth stops at the cap and resumes when V8 has shrunk the young generation', () => {
  const rule = new GrowthRule();
  assert.equal(feed(rule, { startMs: 0, turns: 10, gapMs: 10 }, { semi: 2 * MiB }).at(-1), true);
  assert.ok(feed(rule, { startMs: 100, turns: 20, gapMs: 10 }, { semi: SEMI_SPACE_CAP_BYTES }).every((grow) => !grow), 'at the cap');
  // A full GC shrank the semi-space (after FLUSHALL of a large heap, say): traffic goes on.
  assert.ok(feed(rule, { startMs: 300, turns: 5, gapMs: 10 }, { semi: 1 * MiB }).every((grow) => grow), 'below the cap again');
});

test('the semi-space size is read only under traffic', () => {
  const rule = new GrowthRule();
  let reads = 0;
  for (let i = 0; i < 3; i++) rule.onScavengeTurn(i * 10, () => (reads++, { semiSpaceBytes: MiB, oldBytes: 0 }));
  assert.equal(reads, 0);
});

test('the cap grows with the old generation, from 1 MiB (no growth) up to V8\'s 16 MiB', () => {
  assert.equal(semiSpaceCapBytes(0), SEMI_SPACE_CAP_MIN_BYTES);
  assert.equal(semiSpaceCapBytes(19 * MiB), MiB); // a 300k-entry stream: no growth
  assert.equal(semiSpaceCapBytes(32 * MiB), 2 * MiB);
  assert.equal(semiSpaceCapBytes(63 * MiB), 2 * MiB);
  assert.equal(semiSpaceCapBytes(64 * MiB), SEMI_SPACE_CAP_BYTES);
  assert.equal(semiSpaceCapBytes(400 * MiB), 4 * MiB); // the mixed 1M-key bench dataset
  assert.equal(semiSpaceCapBytes(512 * MiB), 8 * MiB);
  assert.equal(semiSpaceCapBytes(1024 * MiB), 16 * MiB);
  assert.equal(semiSpaceCapBytes(64 * 1024 * MiB), SEMI_SPACE_CAP_MAX_BYTES);
  const rule = new GrowthRule();
  feed(rule, { startMs: 0, turns: 10, gapMs: 10 }, { semi: MiB });
  assert.deepEqual(feed(rule, { startMs: 95, turns: 1, gapMs: 10 }, { semi: MiB, old: 20 * MiB }), [false]);
  assert.deepEqual(feed(rule, { startMs: 100, turns: 1, gapMs: 10 }, { semi: 4 * MiB, old: 100 * MiB }), [false]);
  assert.deepEqual(feed(rule, { startMs: 110, turns: 1, gapMs: 10 }, { semi: 4 * MiB, old: 1200 * MiB }), [true]);
  assert.deepEqual(feed(rule, { startMs: 120, turns: 1, gapMs: 10 }, { semi: 16 * MiB, old: 1200 * MiB }), [false]);
});
