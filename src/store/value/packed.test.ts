// Hashes, sets and lists switch between packed entries (one string) and a Map/Set/deque at
// PACKED_ENTRIES_MAX entries and PACKED_ENTRY_BYTES_MAX bytes. Random operations around both
// limits must behave exactly like a Map, a Set or an array (order included), and clones must
// not share changes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { HashValue } from './hash.js';
import { ListValue } from './list.js';
import { PACKED_ENTRIES_MAX, PACKED_ENTRY_BYTES_MAX } from './packed.js';
import { SetValue } from './set.js';

/** Short strings, strings at the entry limit, one past it, and binary ones. */
const textArb = fc.oneof(
  { weight: 6, arbitrary: fc.nat(40).map((n) => `f${n}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '\u0000', '\u00ff', '\r\n') },
  { weight: 1, arbitrary: fc.integer({ min: PACKED_ENTRY_BYTES_MAX - 1, max: PACKED_ENTRY_BYTES_MAX + 1 })
    .map((n) => String.fromCharCode(0xfe).repeat(n)) },
);

test('hash: random operations match a Map across the packed limits', () => {
  const opArb = fc.oneof(
    fc.tuple(fc.constant('set' as const), textArb, textArb),
    fc.tuple(fc.constant('del' as const), textArb, fc.constant('')),
    fc.tuple(fc.constant('fill' as const), fc.nat(PACKED_ENTRIES_MAX + 10), fc.constant('')),
    fc.tuple(fc.constant('convert' as const), fc.constant(''), fc.constant('')),
    fc.tuple(fc.constant('clone' as const), fc.constant(''), fc.constant('')),
  );
  fc.assert(fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
    let hash = new HashValue();
    let model = new Map<string, string>();
    for (const [op, a, b] of ops) {
      if (op === 'set') {
        hash.set(a, b);
        model.set(a, b);
      } else if (op === 'del') {
        assert.equal(hash.delete(a), model.delete(a));
      } else if (op === 'fill') {
        for (let i = 0; i < Number(a); i++) {
          hash.set(`x${i}`, `${i}`);
          model.set(`x${i}`, `${i}`);
        }
      } else if (op === 'convert') {
        hash.hashtable = true;
      } else {
        const copy = hash.clone();
        copy.set('clone-only', '1');
        assert.equal(hash.has('clone-only'), model.has('clone-only'));
        hash = copy;
        model = new Map(model).set('clone-only', '1');
      }
      assert.equal(hash.size, model.size);
    }
    assert.deepEqual([...hash], [...model]);
    assert.deepEqual([...hash.keys()], [...model.keys()]);
    assert.deepEqual([...hash.values()], [...model.values()]);
    for (const [field, value] of model) {
      assert.equal(hash.get(field), value);
      assert.equal(hash.has(field), true);
    }
    const visited: [string, string][] = [];
    hash.forEach((value, field) => visited.push([field, value]));
    assert.deepEqual(visited, [...model]);
    const pairs = [...model].flat();
    assert.deepEqual([...(HashValue.fromPairs(pairs) as HashValue)], [...model]);
    if (model.size > 0) assert.equal(HashValue.fromPairs([...pairs, pairs[0] as string, 'dup']), null);
  }), { numRuns: 300 });
});

test('set: random operations match a Set across the packed limits', () => {
  const opArb = fc.oneof(
    fc.tuple(fc.constant('add' as const), textArb),
    fc.tuple(fc.constant('del' as const), textArb),
    fc.tuple(fc.constant('fill' as const), fc.nat(PACKED_ENTRIES_MAX + 10).map(String)),
    fc.tuple(fc.constant('clone' as const), fc.constant('')),
  );
  fc.assert(fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
    let set = new SetValue();
    let model = new Set<string>();
    for (const [op, a] of ops) {
      if (op === 'add') {
        set.add(a);
        model.add(a);
      } else if (op === 'del') {
        assert.equal(set.delete(a), model.delete(a));
      } else if (op === 'fill') {
        for (let i = 0; i < Number(a); i++) {
          set.add(`m${i}`);
          model.add(`m${i}`);
        }
      } else {
        const copy = set.clone();
        copy.add('clone-only');
        assert.equal(set.has('clone-only'), model.has('clone-only'));
        set = copy;
        model = new Set(model).add('clone-only');
      }
      assert.equal(set.size, model.size);
    }
    assert.deepEqual([...set], [...model]);
    for (const member of model) assert.equal(set.has(member), true);
    const members = [...model];
    assert.deepEqual([...(SetValue.fromMembers(members) as SetValue)], members);
    if (members.length > 0) assert.equal(SetValue.fromMembers([...members, members[0] as string]), null);
  }), { numRuns: 300 });
});

test('list: random operations match an array across the packed limits', () => {
  const opArb = fc.oneof(
    fc.tuple(fc.constantFrom('pushBack' as const, 'pushFront' as const), textArb, fc.nat()),
    fc.tuple(fc.constantFrom('popBack' as const, 'popFront' as const), fc.constant(''), fc.nat()),
    fc.tuple(fc.constantFrom('set' as const, 'insert' as const, 'remove' as const), textArb, fc.nat()),
    fc.tuple(fc.constant('fill' as const), fc.constant(''), fc.nat(PACKED_ENTRIES_MAX + 10)),
    fc.tuple(fc.constant('drain' as const), fc.constant(''), fc.nat(PACKED_ENTRIES_MAX + 10)),
    fc.tuple(fc.constant('clone' as const), fc.constant(''), fc.nat()),
  );
  fc.assert(fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
    let list = new ListValue();
    let model: string[] = [];
    for (const [op, text, n] of ops) {
      if (op === 'pushBack') {
        list.pushBack(text);
        model.push(text);
      } else if (op === 'pushFront') {
        list.pushFront(text);
        model.unshift(text);
      } else if (op === 'popBack') {
        assert.equal(list.popBack(), model.pop());
      } else if (op === 'popFront') {
        assert.equal(list.popFront(), model.shift());
      } else if (op === 'fill') {
        for (let i = 0; i < n; i++) {
          list.pushBack(`e${i}`);
          model.push(`e${i}`);
        }
      } else if (op === 'drain') {
        for (let i = 0; i < n && model.length > 0; i++) assert.equal(list.popFront(), model.shift());
      } else if (op === 'clone') {
        const copy = list.clone();
        copy.pushBack('clone-only');
        assert.equal(list.length, model.length);
        list = copy;
        model = [...model, 'clone-only'];
      } else if (model.length > 0) {
        const index = n % model.length;
        if (op === 'set') {
          list.set(index, text);
          model[index] = text;
        } else if (op === 'insert') {
          list.insertAt(index, text);
          model.splice(index, 0, text);
        } else {
          list.removeAt(index);
          model.splice(index, 1);
        }
      }
      assert.equal(list.length, model.length);
    }
    assert.deepEqual(list.toArray(), model);
    assert.deepEqual([...list], model);
    for (let i = 0; i < model.length; i++) assert.equal(list.at(i), model[i]);
    assert.equal(list.at(model.length), undefined);
    if (model.length > 2) assert.deepEqual(list.range(1, model.length - 2), model.slice(1, -1));
    list.replaceAll(model.slice(1));
    assert.deepEqual(list.toArray(), model.slice(1));
  }), { numRuns: 300 });
});
