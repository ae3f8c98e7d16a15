// The young-generation growth rule (heap.ts) as a state machine: growth only under traffic
// (scavenges in many separate turns), never past the cap, and again whenever V8 has shrunk the
// semi-space below the cap while traffic goes on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrowthRule, SEMI_SPACE_CAP_BYTES, SEMI_SPACE_CAP_MAX_BYTES, semiSpaceCapBytes } from './heap.js';

const MiB = 1024 * 1024;

/** Feeds `turns` scavenge turns `gapMs` apart from `startMs` with a constant semi-space size. */
function feed(
  rule: GrowthRule, startMs: number, turns: number, gapMs: number, semi: number, old = 100 * MiB,
): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < turns; i++) {
    out.push(rule.onScavengeTurn(startMs + i * gapMs, () => ({ semiSpaceBytes: semi, oldBytes: old })));
  }
  return out;
}

test('a few scavenge turns are not traffic; many within a second are', () => {
  const rule = new GrowthRule();
  const decisions = feed(rule, 0, 12, 10, 1 * MiB);
  assert.deepEqual(decisions.slice(0, 7), [false, false, false, false, false, false, false]);
  assert.deepEqual(decisions.slice(7), [true, true, true, true, true]);
  assert.equal(rule.traffic, true);
});

test('turns spread over more than the window never count as traffic', () => {
  const rule = new GrowthRule();
  assert.ok(feed(rule, 0, 30, 200, 1 * MiB).every((grow) => !grow));
  assert.equal(rule.traffic, false);
});

test('growth stops at the cap and resumes when V8 has shrunk the young generation', () => {
  const rule = new GrowthRule();
  assert.equal(feed(rule, 0, 10, 10, 2 * MiB).at(-1), true);
  assert.ok(feed(rule, 100, 20, 10, SEMI_SPACE_CAP_BYTES).every((grow) => !grow), 'at the cap');
  // A full GC shrank the semi-space (after FLUSHALL of a large heap, say): traffic goes on.
  assert.ok(feed(rule, 300, 5, 10, 1 * MiB).every((grow) => grow), 'below the cap again');
});

test('the semi-space size is read only under traffic', () => {
  const rule = new GrowthRule();
  let reads = 0;
  for (let i = 0; i < 3; i++) rule.onScavengeTurn(i * 10, () => (reads++, { semiSpaceBytes: MiB, oldBytes: 0 }));
  assert.equal(reads, 0);
});

test('the cap grows with the old generation, from 4 MiB up to V8\'s 16 MiB', () => {
  assert.equal(semiSpaceCapBytes(0), SEMI_SPACE_CAP_BYTES);
  assert.equal(semiSpaceCapBytes(400 * MiB), 4 * MiB); // the mixed 1M-key bench dataset
  assert.equal(semiSpaceCapBytes(512 * MiB), 8 * MiB);
  assert.equal(semiSpaceCapBytes(1024 * MiB), 16 * MiB);
  assert.equal(semiSpaceCapBytes(64 * 1024 * MiB), SEMI_SPACE_CAP_MAX_BYTES);
  const rule = new GrowthRule();
  feed(rule, 0, 10, 10, MiB);
  assert.deepEqual(feed(rule, 100, 1, 10, 4 * MiB, 100 * MiB), [false]);
  assert.deepEqual(feed(rule, 110, 1, 10, 4 * MiB, 1200 * MiB), [true]);
  assert.deepEqual(feed(rule, 120, 1, 10, 16 * MiB, 1200 * MiB), [false]);
});
