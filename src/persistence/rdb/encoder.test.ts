// Byte-level checks of what the encoder writes: string encodings, lengths, the choice of value
// type, chunking and the EOF checksum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferSink, encodeDumpPayload, encodeRdb, formatScore, RdbEncoder } from './encoder.js';
import { crc64 } from './crc64.js';
import { decodeRdb } from './decoder.js';
import { HashValue, ListValue, SetValue, ZSetValue, type Value } from '../../store/value/types.js';
import * as C from './constants.js';

/** The bytes of a value in DUMP form, without the 10-byte footer. */
function body(value: Value, compression = true): Buffer {
  const payload = encodeDumpPayload(value, { compression });
  return payload.subarray(0, payload.length - 10);
}

function hex(b: Buffer): string {
  return b.toString('hex');
}

test('strings that are canonical integers of up to 11 chars are int-encoded', () => {
  assert.equal(hex(body('123')), '00c07b');
  assert.equal(hex(body('-1')), '00c0ff');
  assert.equal(hex(body('1000')), '00c1e803');
  assert.equal(hex(body('100000')), '00c2a0860100');
  assert.equal(hex(body('-2147483648')), '00c200000080');
  for (const raw of ['2147483648', '012', '-0', '+1', '1 ', '']) {
    assert.equal(hex(body(raw)), '00' + hex(Buffer.from([raw.length])) + hex(Buffer.from(raw)),
      raw);
  }
});

test('length prefixes use the 6, 14, 32-bit forms at their boundaries', () => {
  const prefix = (n: number): string => hex(body('x'.repeat(n), false).subarray(1, 6));
  assert.ok(prefix(63).startsWith('3f'));
  assert.ok(prefix(64).startsWith('4040'));
  assert.ok(prefix(16383).startsWith('7fff'));
  assert.ok(prefix(16384).startsWith('8000004000'));
});

test('long compressible strings are LZF-encoded only when compression is on', () => {
  const s = 'abcdefghij'.repeat(50);
  const compressed = body(s);
  assert.equal(compressed[1], 0xc3);
  assert.ok(compressed.length < 100);
  assert.equal(body(s, false).length, 1 + 2 + 500);
  // 20 bytes is below the threshold even when compressible.
  assert.equal(body('a'.repeat(20))[1], 20);
  // Incompressible data stays raw.
  const random = Array.from({ length: 200 }, (_, i) => String.fromCharCode((i * 7919) % 251))
    .join('');
  assert.notEqual(body(random)[1], 0xc3);
});

test('value types are chosen as Redis 7.0 chooses them', () => {
  const hash = new HashValue([['f', 'v']]);
  assert.equal(body(hash)[0], C.RDB_TYPE_HASH_LISTPACK);
  hash.hashtable = true;
  assert.equal(body(hash)[0], C.RDB_TYPE_HASH);
  const ints = new SetValue(['1', '-2', '9223372036854775807']);
  assert.equal(body(ints)[0], C.RDB_TYPE_SET_INTSET);
  ints.hashtable = true;
  assert.equal(body(ints)[0], C.RDB_TYPE_SET);
  assert.equal(body(new SetValue(['1', 'a']))[0], C.RDB_TYPE_SET);
  assert.equal(body(new SetValue(['01']))[0], C.RDB_TYPE_SET);
  const zset = new ZSetValue();
  zset.add('a', 1);
  assert.equal(body(zset)[0], C.RDB_TYPE_ZSET_LISTPACK);
  zset.skiplist = true;
  assert.equal(body(zset)[0], C.RDB_TYPE_ZSET_2);
  assert.equal(body(ListValue.from(['a']))[0], C.RDB_TYPE_LIST_QUICKLIST_2);
});

test('small values have the exact bytes of Redis 7.0 DUMP output', () => {
  // Listpack hash {f1: v1}: type 16, then a 15-byte listpack string.
  assert.equal(hex(body(new HashValue([['f1', 'v1']]))),
    '10' + '0f' + '0f000000' + '0200' + '826631' + '03' + '827631' + '03' + 'ff');
  // Intset {1, 2}: 16-bit members.
  assert.equal(hex(body(new SetValue(['2', '1']))),
    '0b' + '0c' + '02000000' + '02000000' + '0100' + '0200');
});

test('ZSET_2 is written highest score first with binary doubles', () => {
  const zset = new ZSetValue();
  zset.add('low', -1.5);
  zset.add('high', 10);
  zset.skiplist = true;
  const b = body(zset);
  assert.equal(b[1], 2); // count
  assert.equal(b.subarray(2, 7).toString('latin1'), '\x04high');
  assert.equal(b.readDoubleLE(7), 10);
  assert.equal(b.subarray(15, 19).toString('latin1'), '\x03low');
  assert.equal(b.readDoubleLE(19), -1.5);
});

test('non-integer scores are written as text strtod reads back exactly', () => {
  assert.equal(formatScore(Infinity), 'inf');
  assert.equal(formatScore(-Infinity), '-inf');
  assert.equal(formatScore(-0), '-0');
  assert.equal(formatScore(0.1), '0.1');
  assert.equal(Number(formatScore(1e300)), 1e300);
});

test('chunk size changes nothing but the chunking; chunks are never reused', () => {
  const big = 'q'.repeat(100_000);
  const entries = [
    { key: 'a', value: 'x'.repeat(3000), expireAtMs: 5 },
    { key: 'b', value: big, expireAtMs: null },
    { key: 'c', value: ListValue.from(Array.from({ length: 500 }, (_, i) => `e${i}`)),
      expireAtMs: null },
  ];
  const aux = { ctimeSec: 1, usedMemBytes: 2, aofBase: false };
  const reference = encodeRdb([{ db: 0, entries }], aux, { compression: false });
  const small = encodeRdb([{ db: 0, entries }], aux, { compression: false, chunkBytes: 64 });
  assert.deepEqual(small, reference);
  const sink = new BufferSink();
  const encoder = new RdbEncoder(sink, { chunkBytes: 64 });
  encoder.writeHeader();
  for (let i = 0; i < 100; i++) encoder.writeKey(`k${i}`, `v${i}`, null);
  const snapshots = sink.chunks.map((c) => Buffer.from(c));
  encoder.writeEof();
  sink.chunks.slice(0, snapshots.length).forEach((c, i) => assert.deepEqual(c, snapshots[i]));
  assert.equal(encoder.bytesWritten, sink.toBuffer().length);
});

test('EOF carries the CRC-64 of everything before it, or zeros when checksums are off', () => {
  const aux = { ctimeSec: 1700000000, usedMemBytes: 1 << 20, aofBase: false };
  const dump = encodeRdb([{ db: 0, entries: [{ key: 'k', value: 'v', expireAtMs: null }] }], aux);
  assert.equal(dump.subarray(0, 9).toString('latin1'), 'REDIS0010');
  assert.equal(dump[dump.length - 9], C.RDB_OPCODE_EOF);
  assert.equal(dump.readBigUInt64LE(dump.length - 8), crc64(0n, dump.subarray(0, -8)));
  const off = encodeRdb([], aux, { checksum: false });
  assert.equal(off.readBigUInt64LE(off.length - 8), 0n);
  const auxEvents = [...decodeRdb(dump)].filter((e) => e.kind === 'aux')
    .map((e) => [e.key, e.value]);
  assert.deepEqual(auxEvents, [['redis-ver', '7.0.15'], ['redis-bits', '64'],
    ['ctime', '1700000000'], ['used-mem', String(1 << 20)], ['aof-base', '0']]);
});

test('the encoder refuses misuse and empty collections (programmer errors)', () => {
  const encoder = new RdbEncoder(new BufferSink());
  assert.throws(() => encoder.writeKey('k', 'v', null), /before header/);
  encoder.writeHeader();
  assert.throws(() => encoder.writeKey('k', new HashValue(), null), /empty hash/);
  encoder.writeEof();
  assert.throws(() => encoder.writeEof(), /after EOF/);
});
