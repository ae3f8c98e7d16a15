// Per-node copy-on-write of streams: a clone (COPY, a snapshot's preserved state) shares the node
// objects with the original; a change on either side copies only the node it touches, and
// neither side sees the other's appends, deletions or trims.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatId, type StreamId } from './stream-id.js';
import { StreamValue } from './stream.js';

const LIMITS = { maxBytes: 4096, maxEntries: 4 };

function id(ms: number, seq = 0): StreamId {
  return { ms: BigInt(ms), seq: BigInt(seq) };
}

function filled(n: number): StreamValue {
  const s = new StreamValue();
  for (let i = 1; i <= n; i++) s.append(id(i), ['f', `v${i}`], LIMITS);
  s.entriesAdded = BigInt(n);
  return s;
}

function contents(s: StreamValue): string[] {
  const out: string[] = [];
  s.scan(id(0), { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n }, false, (e) => {
    out.push(`${formatId(e.id)}:${e.fields.join(',')}`);
    return true;
  });
  return out;
}

test('a stream clone shares its nodes until one side changes one', () => {
  const live = filled(40); // 10 nodes of 4
  const before = contents(live);
  const nodesBefore = live.nodes();
  const cut = live.clone();
  assert.equal(cut.nodes().length, 10);
  for (const [i, n] of cut.nodes().entries()) assert.equal(n, nodesBefore[i], `node ${i} shared`);

  assert.equal(live.delete(id(18)), true); // in the 5th node
  live.append(id(41), ['f', 'v41'], LIMITS); // a new node
  assert.equal(live.trim({ maxlen: 33, approx: false, limit: 0 }), 7); // the 1st node goes, the 2nd is cut
  assert.equal(live.length, 33);

  assert.deepEqual(contents(cut), before, 'the clone is the stream as of the cut');
  for (const [i, n] of cut.nodes().entries()) assert.equal(n, nodesBefore[i], `clone's node ${i} untouched`);
  const shared = live.nodes().filter((n) => nodesBefore.includes(n)).length;
  // Of the 9 nodes left from before, only the trimmed one and the one with the deletion were copied.
  assert.equal(shared, 7);
  assert.equal(contents(live).length, 33);
  assert.ok(!contents(live).some((e) => e.startsWith('18-0:')));

  // The clone changes without touching the live stream either.
  const liveNow = contents(live);
  assert.equal(cut.delete(id(40)), true);
  cut.append(id(100), ['x', 'y'], LIMITS);
  assert.deepEqual(contents(live), liveNow);
  assert.deepEqual(contents(cut), [...before.filter((e) => !e.startsWith('40-0:')), '100-0:x,y']);
});

type Op = { op: 'add' } | { op: 'del'; at: number } | { op: 'trim'; maxlen: number } | { op: 'clone' };

test('streams and their clones never see each other\'s changes (random operations)', () => {
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.constant<Op>({ op: 'add' }) },
    { weight: 3, arbitrary: fc.nat(60).map((at): Op => ({ op: 'del', at })) },
    { weight: 1, arbitrary: fc.nat(40).map((maxlen): Op => ({ op: 'trim', maxlen })) },
    { weight: 1, arbitrary: fc.constant<Op>({ op: 'clone' }) },
  );
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(3), opArb), { maxLength: 120 }), (ops) => {
    // Up to four streams, each with a model: a plain list of its entries.
    const streams: { s: StreamValue; model: string[]; next: number }[] = [{ s: filled(10), model: [], next: 11 }];
    (streams[0] as { model: string[] }).model = contents((streams[0] as { s: StreamValue }).s);
    for (const [which, op] of ops) {
      const t = streams[which % streams.length] as { s: StreamValue; model: string[]; next: number };
      if (op.op === 'add') {
        t.s.append(id(t.next), ['f', `v${t.next}`], LIMITS);
        t.model.push(`${t.next}-0:f,v${t.next}`);
        t.next++;
      } else if (op.op === 'del') {
        const deleted = t.s.delete(id(op.at));
        const i = t.model.findIndex((e) => e.startsWith(`${op.at}-0:`));
        assert.equal(deleted, i >= 0);
        if (i >= 0) t.model.splice(i, 1);
      } else if (op.op === 'trim') {
        t.s.trim({ maxlen: op.maxlen, approx: false, limit: 0 });
        if (t.model.length > op.maxlen) t.model.splice(0, t.model.length - op.maxlen);
      } else if (streams.length < 4) streams.push({ s: t.s.clone(), model: t.model.slice(), next: t.next });
      for (const x of streams) assert.deepEqual(contents(x.s), x.model);
    }
  }), { numRuns: 200 });
});
