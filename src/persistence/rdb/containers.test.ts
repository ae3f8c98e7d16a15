// Tests for the container formats: listpack, ziplist, intset, zipmap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ListpackWriter, listpackEntries } from './listpack.js';
import { ziplistEntries } from './ziplist.js';
import { encodeIntset, intsetMembers } from './intset.js';
import { zipmapEntries } from './zipmap.js';
import { RdbError } from './errors.js';
import { parseCanonicalInt64 } from './integer-string.js';
import { buildZiplist, buildZipmap } from '../../../test/fixtures/rdb/legacy-builders.js';

const latin1String = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) =>
  String.fromCharCode(c)), maxLength: 80 });
const entryString = fc.oneof(latin1String, fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  fc.constantFrom('', '0', '-0', '01', '127', '128', '-4096', '4095', '4096', '32767', '-32769',
    '8388607', '8388608', '2147483647', '-2147483649', '9223372036854775807',
    '9223372036854775808', 'x'.repeat(5000), 'y'.repeat(70000)));

function expectCorrupt(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof RdbError && e.code === 'VESTA_ERR_RDB_CORRUPT');
}

test('parseCanonicalInt64 accepts exactly the canonical int64 strings', () => {
  assert.equal(parseCanonicalInt64('0'), 0);
  assert.equal(parseCanonicalInt64('-12'), -12);
  assert.equal(parseCanonicalInt64('9223372036854775807'), 9223372036854775807n);
  assert.equal(parseCanonicalInt64('-9223372036854775808'), -9223372036854775808n);
  for (const bad of ['', '-', '-0', '01', '+1', ' 1', '1 ', '1.0', '9223372036854775808', 'abc']) {
    assert.equal(parseCanonicalInt64(bad), null, bad);
  }
});

test('listpack writer output matches the specification byte for byte', () => {
  const writer = new ListpackWriter();
  for (const s of ['a', '1', '-1', '1000', '-70000']) writer.append(s);
  const expected = Buffer.from([
    0, 0, 0, 0, 5, 0, // header (total patched below)
    0x81, 0x61, 2, // "a": 6-bit string, backlen 2
    0x01, 1, // 1: 7-bit uint
    0xdf, 0xff, 2, // -1: 13-bit int 0x1fff
    0xc3, 0xe8, 2, // 1000: 13-bit int 0x03e8
    0xf2, 0x90, 0xee, 0xfe, 4, // -70000: int24 LE
    0xff,
  ]);
  expected.writeUInt32LE(expected.length, 0);
  assert.deepEqual(Buffer.from(writer.finish()), expected);
});

test('listpack round trip, with long entries needing multi-byte backlens', () => {
  fc.assert(fc.property(fc.array(entryString, { maxLength: 40 }), (entries) => {
    const writer = new ListpackWriter();
    for (const e of entries) writer.append(e);
    const blob = Buffer.from(writer.finish());
    assert.deepEqual(listpackEntries(blob, 0), entries);
  }), { numRuns: 200 });
});

test('listpack with more than 65535 entries records an unknown count', () => {
  const writer = new ListpackWriter();
  for (let i = 0; i < 70000; i++) writer.append('e');
  const blob = Buffer.from(writer.finish());
  assert.equal(blob.readUInt16LE(4), 0xffff);
  assert.equal(listpackEntries(blob, 0).length, 70000);
});

test('listpack reader rejects bad headers, counts, backlens and terminators', () => {
  const writer = new ListpackWriter();
  writer.append('hello');
  writer.append('12');
  const good = Buffer.from(writer.finish());
  const mutate = (f: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(good);
    f(b);
    return b;
  };
  expectCorrupt(() => listpackEntries(mutate((b) => b.writeUInt32LE(99, 0)), 0));
  expectCorrupt(() => listpackEntries(mutate((b) => b.writeUInt16LE(3, 4)), 0));
  expectCorrupt(() => listpackEntries(mutate((b) => { b[b.length - 1] = 0; }), 0));
  expectCorrupt(() => listpackEntries(mutate((b) => { b[12] = 9; }), 0)); // backlen of "hello"
  expectCorrupt(() => listpackEntries(mutate((b) => { b[6] = 0xf5; }), 0)); // bad encoding
  expectCorrupt(() => listpackEntries(good.subarray(0, 5), 0));
  const error = (() => {
    try {
      listpackEntries(mutate((b) => { b[6] = 0xf5; }), 1000);
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.ok(error instanceof RdbError && error.offset === 1006);
});

test('container readers survive random corruption (RdbError or a result, nothing else)', () => {
  const writer = new ListpackWriter();
  for (const e of ['a', 'bb', '300', '-5', 'x'.repeat(200)]) writer.append(e);
  const samples = [Buffer.from(writer.finish()), buildZiplist(['a', '300', 'x'.repeat(300), '7']),
    encodeIntset([1, 70000, -3]), buildZipmap(['f', 'v', 'field2', 'x'.repeat(300)], 2)];
  const readers = [listpackEntries, ziplistEntries, intsetMembers, zipmapEntries];
  fc.assert(fc.property(fc.nat(3), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1,
    maxLength: 4 }), fc.nat(), (which, flips, cut) => {
    const blob = Buffer.from(samples[which] as Buffer);
    for (const [at, byte] of flips) blob[at % blob.length] = byte;
    const truncated = cut % 3 === 0 ? blob.subarray(0, cut % blob.length) : blob;
    try {
      (readers[which] as (b: Buffer, o: number) => string[])(truncated, 0);
    } catch (e) {
      assert.ok(e instanceof RdbError, String(e));
    }
  }), { numRuns: 3000 });
});

test('ziplist reader decodes every encoding', () => {
  const entries = ['', 'a', 'x'.repeat(100), 'y'.repeat(20000), '0', '12', '13', '-128', '127',
    '300', '-32768', '8388607', '-8388608', '2147483647', '-2147483648', '9007199254740991',
    '-9007199254740991', 'z'.repeat(253), 'w'];
  assert.deepEqual(ziplistEntries(buildZiplist(entries), 0), entries);
  assert.deepEqual(ziplistEntries(buildZiplist([]), 0), []);
});

test('ziplist reader rejects a broken prevlen chain and zltail', () => {
  const good = buildZiplist(['a', 'b', 'c']);
  const badPrev = Buffer.from(good);
  badPrev[13] = 7; // prevlen of the second entry
  expectCorrupt(() => ziplistEntries(badPrev, 0));
  const badTail = Buffer.from(good);
  badTail.writeUInt32LE(10, 4);
  expectCorrupt(() => ziplistEntries(badTail, 0));
  const badEncoding = Buffer.from(good);
  badEncoding[11] = 0xff;
  expectCorrupt(() => ziplistEntries(badEncoding, 0));
});

test('intset round trip picks the narrowest width and rejects disorder', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.oneof(fc.integer({ min: -40000, max: 40000 }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })), {
    selector: (v) => BigInt(v), maxLength: 50,
  }), (values) => {
    const blob = encodeIntset(values);
    const members = intsetMembers(blob, 0);
    const expected = values.map((v) => BigInt(v)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map(String);
    assert.deepEqual(members, expected);
  }));
  assert.equal(encodeIntset([1, 2]).readUInt32LE(0), 2);
  assert.equal(encodeIntset([1, 40000]).readUInt32LE(0), 4);
  assert.equal(encodeIntset([1, 2 ** 40]).readUInt32LE(0), 8);
  const unordered = encodeIntset([1, 2]);
  unordered.writeInt16LE(5, 8);
  expectCorrupt(() => intsetMembers(unordered, 0));
  const badWidth = encodeIntset([1]);
  badWidth.writeUInt32LE(3, 0);
  expectCorrupt(() => intsetMembers(badWidth, 0));
});

test('zipmap reader handles free space and long lengths', () => {
  const pairs = ['f1', 'v1', 'x'.repeat(300), 'y'.repeat(400), '', ''];
  assert.deepEqual(zipmapEntries(buildZipmap(pairs, 3), 0), pairs);
  const truncated = buildZipmap(pairs).subarray(0, 10);
  expectCorrupt(() => zipmapEntries(truncated, 0));
});
