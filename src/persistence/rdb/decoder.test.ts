// Decoder tests: formats only older Redis versions write, opcodes, refusals, and corruption
// (every truncation point and random byte flips must end in RdbError, never a crash or a hang).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeDumpPayload, decodeRdb, RdbError, type RdbErrorCode, type RdbEvent } from
  './decoder.js';
import { encodeDumpPayload, encodeRdb } from './encoder.js';
import { crc64 } from './crc64.js';
import { encodeIntset } from './intset.js';
import * as C from './constants.js';
import { HashValue, ListValue, SetValue, ZSetValue, type Value } from '../../store/value/types.js';
import { buildRdb, buildZiplist, buildZipmap, rdbKey, rdbLength, rdbString } from
  '../../../test/fixtures/rdb/legacy-builders.js';

const sum = (b: Buffer): bigint => crc64(0n, b);

function keysOf(dump: Buffer): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const e of decodeRdb(dump)) if (e.kind === 'key') out.set(e.key, e.value);
  return out;
}

function expectError(dump: Buffer, code: RdbErrorCode, message?: RegExp): RdbError {
  let caught: unknown = null;
  try {
    for (const _ of decodeRdb(dump)) { /* drain */ }
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof RdbError, `expected RdbError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (message) assert.match(caught.message, message);
  return caught;
}

test('loads the encodings of Redis 2.6 to 6.2: ziplist, zipmap, quicklist 1, text doubles', () => {
  const dump = buildRdb(9, [
    rdbKey(C.RDB_TYPE_LIST_ZIPLIST, 'lzl', rdbString(buildZiplist(['a', '1', '-70000']))),
    rdbKey(C.RDB_TYPE_LIST_QUICKLIST, 'lql', rdbLength(3), rdbString(buildZiplist(['a', '1'])),
      rdbString(buildZiplist([])), rdbString(buildZiplist(['b']))),
    rdbKey(C.RDB_TYPE_HASH_ZIPLIST, 'hzl', rdbString(buildZiplist(['f', 'v', 'n', '5']))),
    rdbKey(C.RDB_TYPE_HASH_ZIPMAP, 'hzm', rdbString(buildZipmap(['f', 'v', 'g', 'w'], 2))),
    rdbKey(C.RDB_TYPE_ZSET_ZIPLIST, 'zzl', rdbString(buildZiplist(['a', '1', 'b', '2.5',
      'c', 'inf']))),
    rdbKey(C.RDB_TYPE_ZSET, 'zold', rdbLength(3), rdbString('a'), Buffer.from([254]),
      rdbString('b'), Buffer.from([3]), Buffer.from('1.5'), rdbString('c'), Buffer.from([255])),
    rdbKey(C.RDB_TYPE_LIST, 'lold', rdbLength(2), rdbString('x'), rdbString('y')),
    rdbKey(C.RDB_TYPE_SET, 'sold', rdbLength(2), rdbString('1'), rdbString('2')),
    rdbKey(C.RDB_TYPE_HASH, 'hold', rdbLength(1), rdbString('f'), rdbString('v')),
    rdbKey(C.RDB_TYPE_SET_INTSET, 'sis', rdbString(encodeIntset([3, 1]))),
  ], sum);
  const keys = keysOf(dump);
  assert.deepEqual((keys.get('lzl') as ListValue).toArray(), ['a', '1', '-70000']);
  assert.deepEqual((keys.get('lql') as ListValue).toArray(), ['a', '1', 'b']);
  assert.deepEqual([...(keys.get('hzl') as HashValue)], [['f', 'v'], ['n', '5']]);
  assert.deepEqual([...(keys.get('hzm') as HashValue)], [['f', 'v'], ['g', 'w']]);
  assert.deepEqual([...(keys.get('zzl') as ZSetValue)], [['a', 1], ['b', 2.5], ['c', Infinity]]);
  assert.deepEqual([...(keys.get('zold') as ZSetValue)], [['c', -Infinity], ['b', 1.5],
    ['a', Infinity]]);
  assert.deepEqual((keys.get('lold') as ListValue).toArray(), ['x', 'y']);
  const sold = keys.get('sold') as SetValue;
  assert.deepEqual([...sold], ['1', '2']);
  assert.equal(sold.hashtable, false); // all integers, few: Redis 7.0 loads it as an intset
  assert.deepEqual([...(keys.get('hold') as HashValue)], [['f', 'v']]);
  assert.deepEqual([...(keys.get('sis') as SetValue)], ['1', '3']);
});

test('encoding flags after load follow Redis 7.0 (thresholds configurable)', () => {
  const pairs = (n: number, valueBytes: number): string[] =>
    Array.from({ length: n }, (_, i) => [`f${i}`, 'v'.repeat(valueBytes)]).flat();
  const dump = buildRdb(9, [
    rdbKey(C.RDB_TYPE_HASH_ZIPLIST, 'zl-long', rdbString(buildZiplist(pairs(2, 100)))),
    rdbKey(C.RDB_TYPE_HASH_ZIPMAP, 'zm-long', rdbString(buildZipmap(pairs(2, 100)))),
    rdbKey(C.RDB_TYPE_HASH, 'plain-long', rdbLength(1), rdbString('f'),
      rdbString('v'.repeat(65))),
    rdbKey(C.RDB_TYPE_HASH_ZIPLIST, 'zl-many', rdbString(buildZiplist(pairs(5, 1)))),
  ], sum);
  const flags = (options: { hashMaxListpackEntries?: number }): boolean[] => {
    const out: boolean[] = [];
    for (const e of decodeRdb(dump, options)) {
      if (e.kind === 'key') out.push((e.value as HashValue).hashtable);
    }
    return out;
  };
  assert.deepEqual(flags({}), [false, true, true, false]);
  assert.deepEqual(flags({ hashMaxListpackEntries: 4 }), [false, true, true, true]);
});

test('opcodes: seconds expire, LRU/LFU hints, RESIZEDB, module aux and FUNCTION2', () => {
  const moduleId = Buffer.alloc(9);
  moduleId[0] = 0x81;
  // Name "abcdefghi" in 6-bit characters (a=26), encoding version 1.
  let id = 0n;
  for (const ch of 'abcdefghi') id = (id << 6n) | BigInt(ch.charCodeAt(0) - 97 + 26);
  moduleId.writeBigUInt64BE((id << 10n) | 1n, 1);
  const moduleAux = Buffer.concat([Buffer.from([C.RDB_OPCODE_MODULE_AUX]), moduleId,
    rdbLength(C.RDB_MODULE_OPCODE_UINT), rdbLength(2),
    rdbLength(C.RDB_MODULE_OPCODE_STRING), rdbString('payload'),
    rdbLength(C.RDB_MODULE_OPCODE_DOUBLE), Buffer.alloc(8),
    rdbLength(C.RDB_MODULE_OPCODE_EOF)]);
  const expire = Buffer.alloc(5);
  expire[0] = C.RDB_OPCODE_EXPIRETIME;
  expire.writeInt32LE(2000000000, 1);
  const dump = buildRdb(9, [
    Buffer.concat([Buffer.from([C.RDB_OPCODE_RESIZEDB]), rdbLength(1), rdbLength(1)]),
    moduleAux,
    Buffer.concat([Buffer.from([C.RDB_OPCODE_FUNCTION2]), rdbString('#!lua name=lib\n')]),
    Buffer.concat([expire, Buffer.from([C.RDB_OPCODE_IDLE]), rdbLength(77),
      Buffer.from([C.RDB_OPCODE_FREQ, 9]), rdbKey(C.RDB_TYPE_STRING, 'k', rdbString('v'))]),
    rdbKey(C.RDB_TYPE_STRING, 'plain', rdbString('w')),
  ], sum);
  const events = [...decodeRdb(dump)];
  const kinds = events.map((e) => e.kind);
  assert.deepEqual(kinds, ['header', 'resizedb', 'module-aux', 'function', 'key', 'key', 'eof']);
  const [, , moduleEvent, functionEvent, key, plain] = events as RdbEvent[];
  assert.ok(moduleEvent?.kind === 'module-aux' && moduleEvent.moduleName === 'abcdefghi');
  assert.ok(functionEvent?.kind === 'function' && functionEvent.code === '#!lua name=lib\n');
  assert.ok(key?.kind === 'key');
  assert.equal(key.expireAtMs, 2000000000 * 1000);
  assert.equal(key.lruIdleSec, 77);
  assert.equal(key.lfuFreq, 9);
  assert.ok(plain?.kind === 'key' && plain.expireAtMs === null && plain.lfuFreq === null);
});

test('truncated streams, modules and unknown types are refused with the type and offset', () => {
  // A stream value cut after its node count: the metadata that must follow is missing.
  const stream = buildRdb(10, [rdbKey(C.RDB_TYPE_STREAM_LISTPACKS_2, 'events', rdbLength(0))], sum);
  expectError(stream, 'VESTA_ERR_RDB_CORRUPT');
  const moduleKey = buildRdb(10, [rdbKey(C.RDB_TYPE_MODULE_2, 'm', rdbLength(0))], sum);
  expectError(moduleKey, 'VESTA_ERR_RDB_UNSUPPORTED', /module keys/);
  const unknown = buildRdb(10, [rdbKey(42, 'x')], sum);
  expectError(unknown, 'VESTA_ERR_RDB_UNKNOWN_TYPE', /^Unknown RDB value type 42 at offset 9$/);
  const preGa = buildRdb(10, [Buffer.from([C.RDB_OPCODE_FUNCTION_PRE_GA])], sum);
  expectError(preGa, 'VESTA_ERR_RDB_UNSUPPORTED', /release candidate/);
});

test('header, version and checksum problems have their own errors', () => {
  expectError(Buffer.from('RODIS0010\xff', 'latin1'), 'VESTA_ERR_RDB_HEADER');
  expectError(buildRdb(11, [], sum), 'VESTA_ERR_RDB_VERSION', /version 11/);
  expectError(buildRdb(5, [], sum), 'VESTA_ERR_RDB_VERSION');
  const bad = buildRdb(10, [rdbKey(0, 'k', rdbString('v'))], () => 0x1234n);
  expectError(bad, 'VESTA_ERR_RDB_CHECKSUM',
    /^Bad RDB checksum: expected 0x0000000000001234, got 0x[0-9a-f]{16}/);
  // Stored 0 means "checksum disabled": not verified; verification can also be turned off.
  assert.equal(keysOf(buildRdb(10, [rdbKey(0, 'k', rdbString('v'))], null)).get('k'), 'v');
  const events = [...decodeRdb(bad, { verifyChecksum: false })];
  assert.ok(events.at(-1)?.kind === 'eof');
  expectError(Buffer.from('REDIS0010', 'latin1'), 'VESTA_ERR_RDB_EOF',
    /^Unexpected EOF reading RDB file at offset 9$/);
});

test('duplicates, NaN scores and empty keys are handled as Redis 7.0 does', () => {
  expectError(buildRdb(10, [rdbKey(C.RDB_TYPE_SET, 's', rdbLength(2), rdbString('a'),
    rdbString('a'))], sum), 'VESTA_ERR_RDB_CORRUPT', /duplicate set member/);
  expectError(buildRdb(10, [rdbKey(C.RDB_TYPE_HASH, 'h', rdbLength(2), rdbString('a'),
    rdbString('1'), rdbString('a'), rdbString('2'))], sum), 'VESTA_ERR_RDB_CORRUPT',
  /duplicate hash field/);
  expectError(buildRdb(10, [rdbKey(C.RDB_TYPE_ZSET, 'z', rdbLength(1), rdbString('a'),
    Buffer.from([253]))], sum), 'VESTA_ERR_RDB_CORRUPT', /NaN/);
  const empty = buildRdb(10, [rdbKey(C.RDB_TYPE_SET, 'e', rdbLength(0)),
    rdbKey(C.RDB_TYPE_STRING, 'k', rdbString('v'))], sum);
  const events = [...decodeRdb(empty)];
  assert.deepEqual(events.map((e) => e.kind), ['header', 'warning', 'key', 'eof']);
});

test('a huge count is refused before anything is sized from it', () => {
  const dump = buildRdb(10, [rdbKey(C.RDB_TYPE_LIST, 'l', rdbLength(0xffffffff))], sum);
  expectError(dump, 'VESTA_ERR_RDB_EOF', /count 4294967295 exceeds/);
  const lzf = Buffer.concat([Buffer.from([0]), rdbString('k'), Buffer.from([0xc3]),
    rdbLength(2), rdbLength(100_000_000), Buffer.from([0, 0x41])]);
  expectError(buildRdb(10, [lzf], sum), 'VESTA_ERR_RDB_CORRUPT', /LZF/);
});

function sampleDump(checksum: boolean): Buffer {
  const zset = new ZSetValue();
  zset.add('a', 1.5);
  zset.add('b', -2);
  const skip = new ZSetValue();
  skip.add('x', 3);
  skip.skiplist = true;
  const hash = new HashValue([['f', 'v'], ['g', '12']]);
  const table = new HashValue([['f', 'v']]);
  table.hashtable = true;
  const entries = [
    { key: 'str', value: 'hello', expireAtMs: 1700000000000 },
    { key: 'int', value: '12345', expireAtMs: null },
    { key: 'lzf', value: 'abc'.repeat(20), expireAtMs: null },
    { key: 'hash', value: hash, expireAtMs: null },
    { key: 'table', value: table, expireAtMs: null },
    { key: 'set', value: new SetValue(['1', '2']), expireAtMs: null },
    { key: 'sset', value: new SetValue(['a']), expireAtMs: null },
    { key: 'zset', value: zset, expireAtMs: null },
    { key: 'skip', value: skip, expireAtMs: null },
    { key: 'list', value: ListValue.from(['a', 'b', '3']), expireAtMs: null },
  ];
  return encodeRdb([{ db: 0, entries }, { db: 3, entries: [entries[0] as never] }],
    { ctimeSec: 1, usedMemBytes: 1, aofBase: false }, { checksum });
}

function drain(dump: Buffer): unknown {
  try {
    for (const _ of decodeRdb(dump)) { /* drain */ }
    return null;
  } catch (e) {
    return e;
  }
}

test('every truncation point of a small dump is detected as RdbError', () => {
  for (const checksum of [true, false]) {
    const dump = sampleDump(checksum);
    assert.equal(drain(dump), null);
    for (let length = 0; length < dump.length; length++) {
      const error = drain(dump.subarray(0, length));
      assert.ok(error instanceof RdbError, `truncated at ${length}: ${String(error)}`);
    }
  }
});

test('every single-byte flip of a checksummed dump is detected as RdbError', () => {
  const dump = sampleDump(true);
  for (let at = 0; at < dump.length; at++) {
    for (const mask of [0x01, 0x80, 0xff]) {
      const copy = Buffer.from(dump);
      copy[at] = (copy[at] as number) ^ mask;
      const error = drain(copy);
      assert.ok(error instanceof RdbError, `flip ${mask} at ${at}: ${String(error)}`);
    }
  }
});

test('random corruption without a checksum gives RdbError or a result, nothing else', () => {
  const dump = sampleDump(false);
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(dump.length - 1), fc.nat(255)), {
    minLength: 1, maxLength: 6 }), (flips) => {
    const copy = Buffer.from(dump);
    for (const [at, byte] of flips) copy[at] = byte;
    const error = drain(copy);
    assert.ok(error === null || error instanceof RdbError, String(error));
  }), { numRuns: 5000 });
});

test('DUMP payloads round trip and are verified', () => {
  const list = ListValue.from(['a', 'b']);
  const payload = encodeDumpPayload(list);
  assert.deepEqual((decodeDumpPayload(payload) as ListValue).toArray(), ['a', 'b']);
  const bad = Buffer.from(payload);
  bad[1] = (bad[1] as number) ^ 1;
  assert.throws(() => decodeDumpPayload(bad), (e: unknown) => e instanceof RdbError &&
    e.code === 'VESTA_ERR_RDB_CHECKSUM');
  const newer = Buffer.from(payload);
  newer.writeUInt16LE(11, newer.length - 10);
  assert.throws(() => decodeDumpPayload(newer), (e: unknown) => e instanceof RdbError &&
    e.code === 'VESTA_ERR_RDB_VERSION');
});
