// Model-based property test of the sorted set (skip list and packed arrays): random adds,
// updates, removes and rank-range deletes are applied both to ZSetValue and to a naive sorted
// array, and after every step ranks, nodeAtRank, forward and backward links, score ranges and
// lex ranges must agree with the model.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ZSetValue,
  compareMembers,
  lexGteMin,
  lexLteMax,
  scoreGteMin,
  scoreLteMax,
  type LexRange,
  type ScoreRange,
} from './zset.js';

type Entry = [string, number];

type Op =
  | { kind: 'add'; member: string; score: number }
  | { kind: 'remove'; member: string }
  | { kind: 'deleteRange'; start: number; end: number };

const MEMBERS = ['', 'a', 'aa', 'ab', 'b', 'ba', 'c', 'd', 'e', 'f', '\u00ff', 'z\u0000'];
const SCORES = [-Infinity, -2, -1.5, 0, 1, 1.1, 2, 3, Infinity];

const memberArb = fc.constantFrom(...MEMBERS);
const scoreArb = fc.constantFrom(...SCORES);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('add' as const), member: memberArb, score: scoreArb }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), member: memberArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deleteRange' as const),
      start: fc.integer({ min: -2, max: 14 }),
      end: fc.integer({ min: -2, max: 14 }),
    }),
  },
);

function compareEntries(a: Entry, b: Entry): number {
  return a[1] - b[1] || compareMembers(a[0], b[0]);
}

function applyToModel(model: Entry[], op: Op): Entry[] {
  switch (op.kind) {
    case 'add': {
      const next = model.filter(([m]) => m !== op.member);
      next.push([op.member, op.score]);
      return next.sort(compareEntries);
    }
    case 'remove':
      return model.filter(([m]) => m !== op.member);
    case 'deleteRange': {
      const first = Math.max(0, op.start);
      const last = Math.min(model.length - 1, op.end);
      return model.filter((_, i) => i < first || i > last);
    }
  }
}

function applyToZset(zset: ZSetValue, op: Op, model: Entry[]): void {
  switch (op.kind) {
    case 'add':
      assert.equal(zset.add(op.member, op.score), !model.some(([m]) => m === op.member));
      return;
    case 'remove':
      assert.equal(
        zset.remove(op.member),
        model.some(([m]) => m === op.member),
      );
      return;
    case 'deleteRange': {
      const first = Math.max(0, op.start);
      const last = Math.min(model.length - 1, op.end);
      const expected = model.filter((_, i) => i >= first && i <= last);
      const removed = zset
        .deleteRangeByRank(op.start, op.end)
        .map((n): Entry => [n.member, n.score]);
      assert.deepEqual(removed, expected);
    }
  }
}

function checkStructure(zset: ZSetValue, model: Entry[]): void {
  assert.equal(zset.size, model.length);
  assert.deepEqual(Array.from(zset), model);
  const backward: Entry[] = [];
  for (let node = zset.last(); node !== null; node = node.backward) {
    backward.push([node.member, node.score]);
  }
  assert.deepEqual(backward.reverse(), model);
  const forward: Entry[] = [];
  for (let node = zset.first(); node !== null; node = ZSetValue.next(node)) {
    forward.push([node.member, node.score]);
  }
  assert.deepEqual(forward, model);
  model.forEach(([member, score], rank) => {
    assert.equal(zset.rank(member), rank);
    assert.equal(zset.score(member), score);
    const node = zset.nodeAtRank(rank);
    assert.equal(node?.member, member);
  });
  assert.equal(zset.nodeAtRank(model.length), null);
  assert.equal(zset.nodeAtRank(-1), null);
}

function checkScoreRange(zset: ZSetValue, model: Entry[], range: ScoreRange): void {
  const inside = model.filter(([, s]) => scoreGteMin(s, range) && scoreLteMax(s, range));
  assert.equal(zset.firstInScoreRange(range)?.member, inside[0]?.[0]);
  assert.equal(zset.lastInScoreRange(range)?.member, inside[inside.length - 1]?.[0]);
}

function checkLexRange(zset: ZSetValue, model: Entry[], range: LexRange): void {
  // Lex ranges are meaningful when every score is equal: check them on that sub-model.
  if (model.some(([, s]) => s !== model[0]?.[1])) return;
  const inside = model.filter(([m]) => lexGteMin(m, range) && lexLteMax(m, range));
  assert.equal(zset.firstInLexRange(range)?.member, inside[0]?.[0]);
  assert.equal(zset.lastInLexRange(range)?.member, inside[inside.length - 1]?.[0]);
}

const scoreRangeArb: fc.Arbitrary<ScoreRange> = fc.record({
  min: scoreArb,
  max: scoreArb,
  minExclusive: fc.boolean(),
  maxExclusive: fc.boolean(),
});

const lexBoundArb = fc.oneof(
  fc.record({ value: memberArb, infinite: fc.constant(null) }),
  fc.record({
    value: fc.constant(null),
    infinite: fc.constantFrom('neg' as const, 'pos' as const),
  }),
);
const lexRangeArb: fc.Arbitrary<LexRange> = fc
  .tuple(lexBoundArb, lexBoundArb, fc.boolean(), fc.boolean())
  .map(([min, max, minExclusive, maxExclusive]) => ({
    min: min.value,
    max: max.value,
    minExclusive,
    maxExclusive,
    minInfinite: min.infinite,
    maxInfinite: max.infinite,
  }));

// Both representations: packed (the encoding flag false, small) and the skip list (flag set
// first), and after the ops each converts to the other.
test('skip list and packed arrays match a sorted-array model (ranks, links, ranges)', () => {
  fc.assert(
    fc.property(
      fc.array(opArb, { maxLength: 80 }),
      fc.array(scoreRangeArb, { minLength: 1, maxLength: 4 }),
      fc.array(lexRangeArb, { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      (ops, scoreRanges, lexRanges, skiplist) => {
        const zset = new ZSetValue();
        zset.skiplist = skiplist;
        let model: Entry[] = [];
        for (const op of ops) {
          applyToZset(zset, op, model);
          model = applyToModel(model, op);
          checkStructure(zset, model);
          for (const range of scoreRanges) checkScoreRange(zset, model, range);
        }
        for (const range of lexRanges) checkLexRange(zset, model, range);
        zset.skiplist = !skiplist;
        checkStructure(zset, model);
        checkStructure(zset.clone(), model);
        for (const range of lexRanges) checkLexRange(zset, model, range);
      },
    ),
    { numRuns: 300 },
  );
});

test('lex ranges on equal scores match the model', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(memberArb),
      fc.array(lexRangeArb, { minLength: 1 }),
      (members, ranges) => {
        const zset = new ZSetValue();
        for (const member of members) zset.add(member, 0);
        const model = members.map((m): Entry => [m, 0]).sort(compareEntries);
        for (const range of ranges) checkLexRange(zset, model, range);
      },
    ),
    { numRuns: 300 },
  );
});

test('deleteRangeByRank on a large set keeps spans right', () => {
  const zset = new ZSetValue();
  const model: Entry[] = [];
  for (let i = 0; i < 2000; i++) {
    zset.add(`m${i}`, i % 97);
    model.push([`m${i}`, i % 97]);
  }
  model.sort(compareEntries);
  const removed = zset.deleteRangeByRank(500, 1499);
  assert.equal(removed.length, 1000);
  const rest = model.filter((_, i) => i < 500 || i > 1499);
  checkStructure(zset, rest);
});
