// Differential tests for bitmaps and bitfields: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
// BITFIELD, BITFIELD_RO on redis-server 7.0 and Vesta, replies compared byte for byte in RESP2
// and RESP3, plus generated BITFIELD sequences (fast-check).

import { test } from 'node:test';
import fc from 'fast-check';
import { same, sequenceTests, sharedPair } from '../helpers/differential.js';
import { requireRedis } from '../helpers/servers.js';

const p = sharedPair();

const SEQUENCES: Record<string, (string | number)[][]> = {
  'setbit and getbit': [
    ['FLUSHALL'],
    ['SETBIT', 'b', '7', '1'],
    ['SETBIT', 'b', '7', '1'],
    ['GET', 'b'],
    ['GETBIT', 'b', '7'],
    ['GETBIT', 'b', '6'],
    ['GETBIT', 'b', '100000'],
    ['GETBIT', 'missing', '3'],
    ['SETBIT', 'b', '100', '0'],
    ['STRLEN', 'b'],
    ['SETBIT', 'b', '0', '1'],
    ['GET', 'b'],
    ['SETBIT', 'b', '-1', '1'],
    ['SETBIT', 'b', '4294967296', '1'],
    ['SETBIT', 'b', 'x', '1'],
    ['SETBIT', 'b', '1', '2'],
    ['SETBIT', 'b', '1', '-1'],
    ['SETBIT', 'b', '1', 'on'],
    ['GETBIT', 'b', '-1'],
    ['GETBIT', 'b', '4294967296'],
    ['OBJECT', 'ENCODING', 'b'],
    ['SET', 'n', '12'],
    ['OBJECT', 'ENCODING', 'n'],
    ['SETBIT', 'n', '0', '0'],
    ['OBJECT', 'ENCODING', 'n'],
    ['GET', 'n'],
    ['LPUSH', 'l', 'x'],
    ['SETBIT', 'l', '1', '1'],
    ['GETBIT', 'l', '1'],
    ['SETBIT', 'b'],
    ['GETBIT', 'b'],
  ],
  'bitcount': [
    ['FLUSHALL'],
    ['SET', 's', 'foobar'],
    ['BITCOUNT', 's'],
    ['BITCOUNT', 's', '0', '0'],
    ['BITCOUNT', 's', '1', '1'],
    ['BITCOUNT', 's', '1', '-2'],
    ['BITCOUNT', 's', '-100', '100'],
    ['BITCOUNT', 's', '-100', '-200'],
    ['BITCOUNT', 's', '-2', '-5'],
    ['BITCOUNT', 's', '5', '1'],
    ['BITCOUNT', 's', '5', '30', 'BIT'],
    ['BITCOUNT', 's', '5', '30', 'bit'],
    ['BITCOUNT', 's', '0', '-1', 'BYTE'],
    ['BITCOUNT', 's', '-7', '-3', 'BIT'],
    ['BITCOUNT', 's', '3', '3', 'BIT'],
    ['BITCOUNT', 's', '0', '-1', 'bits'],
    ['BITCOUNT', 's', '0'],
    ['BITCOUNT', 's', 'a', 'b'],
    ['BITCOUNT', 's', '0', '9223372036854775807'],
    ['BITCOUNT', 's', '-9223372036854775808', '-1'],
    // Past Vesta's 64 KiB counting slice, with ranges that start and end inside words and slices.
    ['SET', 'big', Array.from({ length: 200_003 }, (_, i) => String.fromCharCode((i * 37 + 11) & 255)).join('')],
    ['BITCOUNT', 'big'],
    ['BITCOUNT', 'big', '1', '-2'],
    ['BITCOUNT', 'big', '65535', '65537'],
    ['BITCOUNT', 'big', '3', '131075'],
    ['BITCOUNT', 'big', '13', '1048579', 'BIT'],
    ['BITCOUNT', 'big', '524287', '524289', 'BIT'],
    ['BITCOUNT', 'big', '-5', '-1'],
    ['BITCOUNT', 'missing', '1', 'x'],
    ['BITCOUNT', 'missing'],
    ['SET', 'e', ''],
    ['BITCOUNT', 'e'],
    ['BITCOUNT', 'e', '0', '-1'],
    ['HSET', 'h', 'f', 'v'],
    ['BITCOUNT', 'h'],
  ],
  'bitpos': [
    ['FLUSHALL'],
    ['SET', 's', '\xff\xf0\x00'],
    ['BITPOS', 's', '0'],
    ['BITPOS', 's', '1'],
    ['BITPOS', 's', '1', '1'],
    ['BITPOS', 's', '1', '2'],
    ['BITPOS', 's', '0', '0', '0'],
    ['BITPOS', 's', '1', '2', '-1'],
    ['BITPOS', 's', '1', '-100', '-200'],
    ['BITPOS', 's', '0', '3', '7', 'BIT'],
    ['BITPOS', 's', '0', '12', '15', 'BIT'],
    ['BITPOS', 's', '1', '7', '15', 'BIT'],
    ['BITPOS', 's', '1', '17', '23', 'BIT'],
    ['BITPOS', 's', '0', '-5', '-1', 'bit'],
    ['BITPOS', 's', '1', '0', '-1', 'byte'],
    ['BITPOS', 's', '1', '0', '-1', 'nibble'],
    ['BITPOS', 's', '2'],
    ['BITPOS', 's', 'x'],
    ['BITPOS', 's', '1', 'x'],
    ['BITPOS', 's', '1', '0', 'y'],
    ['SET', 'ones', '\xff\xff'],
    ['BITPOS', 'ones', '0'],
    ['BITPOS', 'ones', '0', '0'],
    ['BITPOS', 'ones', '0', '0', '-1'],
    ['BITPOS', 'ones', '0', '1', '1', 'BIT'],
    ['BITPOS', 'ones', '1', '5', '3'],
    ['SET', 'zeros', '\x00\x00\x00'],
    ['BITPOS', 'zeros', '1'],
    ['BITPOS', 'zeros', '0'],
    ['BITPOS', 'zeros', '0', '1', '1', 'BIT'],
    ['BITPOS', 'missing', '1'],
    ['BITPOS', 'missing', '0'],
    ['BITPOS', 'missing', '3'],
    ['SET', 'e', ''],
    ['BITPOS', 'e', '0'],
    ['BITPOS', 'e', '1'],
    ['RPUSH', 'l', 'x'],
    ['BITPOS', 'l', '1'],
    ['BITPOS', 's', '1', '0', '1', 'BIT', 'extra'],
  ],
  'bitop': [
    ['FLUSHALL'],
    ['SET', 'a', 'foobar'],
    ['SET', 'b', 'abcdef'],
    ['SET', 'c', '\x01\x02'],
    ['BITOP', 'AND', 'd', 'a', 'b'],
    ['GET', 'd'],
    ['BITOP', 'or', 'd', 'a', 'c'],
    ['GET', 'd'],
    ['BITOP', 'XOR', 'd', 'a', 'b', 'c'],
    ['GET', 'd'],
    ['BITOP', 'AND', 'd', 'a', 'c', 'missing'],
    ['GET', 'd'],
    ['OBJECT', 'ENCODING', 'd'],
    ['BITOP', 'NOT', 'd', 'c'],
    ['GET', 'd'],
    ['BITOP', 'NOT', 'd', 'a', 'b'],
    ['BITOP', 'NOT', 'd'],
    ['BITOP', 'NAND', 'd', 'a'],
    ['BITOP', 'AND', 'd', 'missing1', 'missing2'],
    ['EXISTS', 'd'],
    ['SET', 'd', 'x'],
    ['EXPIRE', 'd', '100'],
    ['BITOP', 'OR', 'd', 'a'],
    ['TTL', 'd'],
    ['LPUSH', 'l', 'x'],
    ['BITOP', 'OR', 'd', 'a', 'l'],
    ['GET', 'd'],
    ['BITOP', 'OR', 'l', 'a'],
    ['TYPE', 'l'],
    ['BITOP', 'AND', 'd'],
  ],
  'bitfield': [
    ['FLUSHALL'],
    ['BITFIELD', 'f', 'SET', 'i8', '0', '100', 'GET', 'i8', '0'],
    ['BITFIELD', 'f', 'INCRBY', 'i8', '0', '100'],
    ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '0', '100'],
    ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', '0', '100'],
    ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '0', '-1000'],
    ['BITFIELD', 'f', 'INCRBY', 'u2', '100', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'u2', '102', '1'],
    ['BITFIELD', 'f', 'GET', 'u4', '0', 'GET', 'i4', '4', 'GET', 'u63', '0', 'GET', 'i64', '0'],
    ['BITFIELD', 'f', 'SET', 'u8', '#2', '255', 'GET', 'u8', '#2', 'GET', 'u8', '16'],
    ['BITFIELD', 'f', 'SET', 'i64', '0', '-9223372036854775808', 'INCRBY', 'i64', '0', '-1'],
    ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '-1'],
    ['BITFIELD', 'f', 'SET', 'i64', '0', '9223372036854775807', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '1'],
    ['BITFIELD', 'f', 'SET', 'u63', '0', '-1', 'GET', 'u63', '0'],
    ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '256', 'SET', 'u8', '0', '-1', 'SET', 'i8', '0', '-129'],
    ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'SET', 'u8', '0', '256', 'SET', 'i8', '0', '-129', 'GET', 'i8', '0'],
    ['BITFIELD', 'f', 'SET', 'u1', '3', '1', 'SET', 'i1', '5', '1', 'GET', 'i1', '5', 'GET', 'u1', '5'],
    ['GET', 'f'],
    ['BITFIELD', 'f'],
    ['BITFIELD', 'missing', 'GET', 'u8', '0', 'GET', 'i16', '100'],
    ['EXISTS', 'missing'],
    ['BITFIELD', 'new', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '10'],
    ['EXISTS', 'new'],
    ['GET', 'new'],
    ['BITFIELD', 'f', 'GET', 'u64', '0'],
    ['BITFIELD', 'f', 'GET', 'i65', '0'],
    ['BITFIELD', 'f', 'GET', 'i0', '0'],
    ['BITFIELD', 'f', 'GET', 'I8', '0'],
    ['BITFIELD', 'f', 'GET', 'x8', '0'],
    ['BITFIELD', 'f', 'GET', 'u8', '-1'],
    ['BITFIELD', 'f', 'GET', 'u8', '#-1'],
    ['BITFIELD', 'f', 'GET', 'u8', '#'],
    ['BITFIELD', 'f', 'GET', 'u8', '4294967296'],
    ['BITFIELD', 'f', 'SET', 'u8', '0', 'x'],
    ['BITFIELD', 'f', 'SET', 'u8', '0'],
    ['BITFIELD', 'f', 'GET', 'u8'],
    ['BITFIELD', 'f', 'OVERFLOW', 'BAD'],
    ['BITFIELD', 'f', 'OVERFLOW'],
    ['BITFIELD', 'f', 'FOO', 'u8', '0'],
    ['BITFIELD', 'f', 'overflow', 'wrap', 'incrby', 'u8', '0', '1', 'get', 'u8', '0'],
    ['BITFIELD_RO', 'f', 'GET', 'u8', '0', 'GET', 'i8', '#1'],
    ['BITFIELD_RO', 'f', 'SET', 'u8', '0', '1'],
    ['BITFIELD_RO', 'f', 'OVERFLOW', 'SAT', 'GET', 'u8', '0'],
    ['BITFIELD_RO', 'f', 'INCRBY', 'u8', '0', 'x'],
    ['BITFIELD_RO', 'f'],
    ['SADD', 's', 'm'],
    ['BITFIELD', 's', 'GET', 'u8', '0'],
    ['BITFIELD', 's', 'SET', 'u8', '0', '1'],
    ['BITFIELD_RO', 's', 'GET', 'u8', '0'],
  ],
};

sequenceTests(p, SEQUENCES);

/** A BITFIELD operation drawn over every width, both signs and all three overflow policies. */
const fieldOp = fc.oneof(
  fc.tuple(fc.constantFrom('GET'), fc.boolean(), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 80 })),
  fc.tuple(
    fc.constantFrom('SET', 'INCRBY'),
    fc.boolean(),
    fc.integer({ min: 1, max: 64 }),
    fc.integer({ min: 0, max: 80 }),
    fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.bigInt({ min: -300n, max: 300n }),
      fc.constantFrom(2n ** 63n - 1n, -(2n ** 63n), 0n, -1n, 1n),
    ),
  ),
  fc.tuple(fc.constantFrom('OVERFLOW'), fc.constantFrom('WRAP', 'SAT', 'FAIL')),
);

function opArgs(op: readonly unknown[]): string[] {
  if (op[0] === 'OVERFLOW') return ['OVERFLOW', String(op[1])];
  const signed = op[1] as boolean;
  const bits = signed ? (op[2] as number) : Math.min(op[2] as number, 63);
  const type = `${signed ? 'i' : 'u'}${String(bits)}`;
  const base = [String(op[0]), type, String(op[3])];
  return op.length > 4 ? [...base, String(op[4])] : base;
}

test('generated BITFIELD sequences match redis-server', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(fieldOp, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), async (calls) => {
      const commands: string[][] = [['DEL', 'bf']];
      for (const ops of calls) commands.push(['BITFIELD', 'bf', ...ops.flatMap((op) => opArgs(op))]);
      commands.push(['GET', 'bf']);
      await same(pair, commands);
    }),
    { numRuns: 200 },
  );
});

test('generated SETBIT / BITCOUNT / BITPOS sequences match redis-server', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  const index = fc.integer({ min: -40, max: 40 }).map(String);
  const command = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 200 }), fc.constantFrom('0', '1')).map(([o, v]) => ['SETBIT', 'bm', String(o), v]),
    fc.tuple(index, index, fc.constantFrom('BYTE', 'BIT')).map(([s, e, u]) => ['BITCOUNT', 'bm', s, e, u]),
    fc.tuple(fc.constantFrom('0', '1'), index, index, fc.constantFrom('BYTE', 'BIT')).map(([b, s, e, u]) => [
      'BITPOS', 'bm', b, s, e, u,
    ]),
    fc.tuple(fc.constantFrom('0', '1'), index).map(([b, s]) => ['BITPOS', 'bm', b, s]),
    fc.constantFrom<string[]>(['BITPOS', 'bm', '0'], ['BITPOS', 'bm', '1'], ['BITCOUNT', 'bm']),
    fc.constantFrom('AND', 'OR', 'XOR', 'NOT').map((op) => (op === 'NOT' ? ['BITOP', op, 'bm2', 'bm'] : ['BITOP', op, 'bm2', 'bm', 'bm2'])),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
      await same(pair, [['DEL', 'bm', 'bm2'], ...commands, ['GET', 'bm'], ['GET', 'bm2']]);
    }),
    { numRuns: 60 },
  );
});
