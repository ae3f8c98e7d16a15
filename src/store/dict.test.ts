// The keyspace hash table against a Map as the model: random sets, deletes, pins and reserves
// must leave the same keys and values, slots must not move while pinned, keys inserted while
// pinned must land at or past the slotEnd pin() saw, walks must see every key present
// throughout exactly once, and colliding keys must switch the table to the strong hash.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Dict, fastHash, strongHash } from './dict.js';

const keyArb = fc.oneof(
  fc.constantFrom('', 'a', 'b', 'c', 'key:1', 'key:2', 'key:3', '\u0000', '\u00ff\u0000x'),
  fc.string({ minLength: 0, maxLength: 6 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')),
  fc.nat(300).map((n) => `k${n}`),
);

type Op =
  | { op: 'set'; key: string; value: number }
  | { op: 'del'; key: string }
  | { op: 'pin' }
  | { op: 'unpin' }
  | { op: 'reserve'; count: number }
  | { op: 'bulk'; from: number; count: number; del: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('set' as const), key: keyArb, value: fc.integer() }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('del' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('pin' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('unpin' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reserve' as const), count: fc.nat(500) }) },
  // Many keys at once: growth, then (deleting) compaction.
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bulk' as const), from: fc.nat(1000), count: fc.nat(400), del: fc.boolean() }) },
);

function sameAsModel(dict: Dict<number>, model: Map<string, number>): void {
  assert.equal(dict.size, model.size);
  for (const [key, value] of model) {
    assert.equal(dict.get(key), value, `get ${JSON.stringify(key)}`);
    assert.ok(dict.slotOf(key) >= 0 && dict.slotOf(key) < dict.slotEnd);
    assert.equal(dict.keyAt(dict.slotOf(key)), key);
  }
  const seen = new Map<string, number>();
  for (const [key, value] of dict) {
    assert.ok(!seen.has(key), `walk saw ${JSON.stringify(key)} twice`);
    seen.set(key, value);
  }
  assert.deepEqual([...seen].sort(), [...model].sort());
  const viaForEach: string[] = [];
  dict.forEach((_v, k) => viaForEach.push(k));
  assert.deepEqual(viaForEach, [...dict.keys()]);
}

test('dict: random operations match a Map; pinned slots stay put and new keys go past slotEnd', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
      const dict = new Dict<number>();
      const model = new Map<string, number>();
      let pins = 0;
      // While pinned: the slot of every key present at the (outermost) pin, and slotEnd then.
      let pinnedSlots: Map<string, number> | null = null;
      let pinnedEnd = 0;
      const setOne = (key: string, value: number): void => {
        const added = dict.set(key, value);
        assert.equal(added, !model.has(key));
        if (added && pinnedSlots !== null) assert.ok(dict.slotOf(key) >= pinnedEnd, 'key added while pinned reuses no slot');
        model.set(key, value);
      };
      const delOne = (key: string): void => {
        assert.equal(dict.delete(key), model.delete(key));
        assert.equal(dict.has(key), false);
        pinnedSlots?.delete(key);
      };
      for (const op of ops) {
        if (op.op === 'set') setOne(op.key, op.value);
        else if (op.op === 'del') delOne(op.key);
        else if (op.op === 'bulk') {
          for (let i = op.from; i < op.from + op.count; i++) {
            if (op.del) delOne(`b${i}`);
            else setOne(`b${i}`, i);
          }
        } else if (op.op === 'reserve') dict.reserve(op.count);
        else if (op.op === 'pin') {
          dict.pin();
          if (pins++ === 0) {
            pinnedSlots = new Map([...model.keys()].map((k) => [k, dict.slotOf(k)]));
            pinnedEnd = dict.slotEnd;
          }
        } else if (pins > 0) {
          dict.unpin();
          if (--pins === 0) pinnedSlots = null;
        }
        if (pinnedSlots !== null) {
          for (const [key, slot] of pinnedSlots) assert.equal(dict.slotOf(key), slot, 'a pinned key moved');
        }
      }
      sameAsModel(dict, model);
      while (pins-- > 0) dict.unpin();
      sameAsModel(dict, model);
    }),
    { numRuns: 400 },
  );
});

test('dict: a walk sees every key present throughout exactly once while keys come and go', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(400)), { maxLength: 300 }), fc.boolean(), (steps, bounded) => {
      const dict = new Dict<number>();
      for (let i = 0; i < 300; i++) dict.set(`k${i}`, i);
      // Keys never deleted during the walk; a deleted and re-added key may be seen again, as in
      // a Map walk or a Redis SCAN.
      const throughout = new Set([...dict.keys()]);
      const iterator = bounded ? dict.keys(true) : dict.keys();
      const seen = new Set<string>();
      const see = (key: string): void => {
        assert.ok(!(throughout.has(key) && seen.has(key)), `${key} seen twice`);
        seen.add(key);
      };
      for (const [add, n] of steps) {
        const next = iterator.next();
        if (next.done === true) break;
        see(next.value);
        // Deletes may compact the table: the walk must still end and never repeat a key.
        if (add) dict.set(`k${n}`, n);
        else if (dict.delete(`k${n}`)) throughout.delete(`k${n}`);
      }
      for (let next = iterator.next(); next.done !== true; next = iterator.next()) see(next.value);
      for (const key of throughout) assert.ok(seen.has(key), `${key} was present throughout but not seen`);
    }),
    { numRuns: 300 },
  );
});

test('dict: randomKey returns live keys and covers them all', () => {
  const dict = new Dict<number>();
  assert.equal(dict.randomKey(), undefined);
  for (let i = 0; i < 1000; i++) dict.set(`r${i}`, i);
  for (let i = 0; i < 1000; i += 2) dict.delete(`r${i}`);
  const seen = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const key = dict.randomKey() as string;
    assert.ok(dict.has(key));
    seen.add(key);
  }
  assert.equal(seen.size, 500);
  // Sparse but pinned (no compaction): the fallback walk still finds the one key left.
  const sparse = new Dict<number>();
  for (let i = 0; i < 4096; i++) sparse.set(`s${i}`, i);
  sparse.pin();
  for (let i = 0; i < 4095; i++) sparse.delete(`s${i}`);
  assert.equal(sparse.randomKey(() => 0), 's4095');
  sparse.unpin();
  assert.equal(sparse.randomKey(), 's4095');
});

test('dict: keys crafted to share a bucket switch the table to the strong hash', () => {
  // 32 slots once 24 keys are in; find keys whose fast hash lands in one bucket of 32.
  const crafted: string[] = [];
  for (let i = 0; crafted.length < 40; i++) {
    const key = `x${i}`;
    if ((fastHash(key) & 31) === 0) crafted.push(key);
  }
  const dict = new Dict<number>();
  crafted.slice(0, 20).forEach((key, i) => dict.set(key, i));
  assert.equal(dict.strongHash, false);
  crafted.slice(20).forEach((key, i) => dict.set(key, 20 + i));
  assert.equal(dict.strongHash, true, 'long chain seen at insert');
  crafted.forEach((key, i) => assert.equal(dict.get(key), i));
  for (const key of crafted.slice(0, 30)) assert.ok(dict.delete(key));
  crafted.slice(30).forEach((key, i) => assert.equal(dict.get(key), 30 + i));
  assert.equal(dict.size, 10);
  // The strong hash spreads what the fast one piled up.
  const buckets = new Set(crafted.map((key) => strongHash(key) & 31));
  assert.ok(buckets.size > 12, `strong hash buckets: ${buckets.size}`);
});

test('dict: reserve sizes the table once; growth and compaction keep every key', () => {
  const dict = new Dict<string>();
  dict.reserve(100_000);
  const end = dict.slotEnd;
  for (let i = 0; i < 100_000; i++) dict.set(`key:${i}`, `v${i}`);
  assert.equal(end, 0);
  assert.equal(dict.size, 100_000);
  for (let i = 0; i < 99_000; i++) dict.delete(`key:${i}`);
  assert.ok(dict.slotEnd < 10_000, `compacted: slotEnd ${dict.slotEnd}`);
  for (let i = 99_000; i < 100_000; i++) assert.equal(dict.get(`key:${i}`), `v${i}`);
});
