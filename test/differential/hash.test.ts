// Differential tests for hash commands: the same sequences to redis-server 7.0 and Vesta,
// replies compared byte for byte in RESP2 and RESP3. Listpack-encoded hashes reply in insertion
// order in Redis, so those are compared exactly; hashtable-encoded ones only as collections.
// HRANDFIELD picks are random: shapes, counts and membership are compared instead of bytes.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { test } from 'node:test';
import { same, sequenceTests, sharedPair } from '../helpers/differential.js';
import { parseReply } from '../helpers/resp-client.js';
import { requireRedis } from '../helpers/servers.js';
import { sameUnordered, unorderedForm } from '../helpers/unordered.js';

const p = sharedPair();

const LONG_64 = 'v'.repeat(64);
const LONG_65 = 'v'.repeat(65);

/** HSET arguments for `count` fields f0..f(count-1). */
function fields(count: number, prefix = 'f'): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`${prefix}${i}`, `${i}`);
  return out;
}

const SEQUENCES: Record<string, (string | number)[][]> = {
  'set, get and read commands': [
    ['FLUSHALL'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', 'hello'],
    ['HSET', 'h', 'a', '10', 'd', '4'],
    ['HGET', 'h', 'a'],
    ['HGET', 'h', 'zz'],
    ['HGET', 'nokey', 'a'],
    ['HMGET', 'h', 'a', 'zz', 'c'],
    ['HMGET', 'nokey', 'a', 'b'],
    ['HGETALL', 'h'],
    ['HKEYS', 'h'],
    ['HVALS', 'h'],
    ['HGETALL', 'nokey'],
    ['HKEYS', 'nokey'],
    ['HVALS', 'nokey'],
    ['HLEN', 'h'],
    ['HLEN', 'nokey'],
    ['HEXISTS', 'h', 'a'],
    ['HEXISTS', 'h', 'zz'],
    ['HEXISTS', 'nokey', 'a'],
    ['HSTRLEN', 'h', 'c'],
    ['HSTRLEN', 'h', 'a'],
    ['HSTRLEN', 'h', 'zz'],
    ['HSTRLEN', 'nokey', 'a'],
    ['HMSET', 'h', 'e', '5', 'a', '11'],
    ['HGETALL', 'h'],
    ['HSET', 'bin', '\0\r\n', '\xff\x00', '', ''],
    ['HGETALL', 'bin'],
    ['HGET', 'bin', ''],
    ['OBJECT', 'ENCODING', 'h'],
    ['TYPE', 'h'],
  ],
  'delete and empty keys': [
    ['FLUSHALL'],
    ['HSET', 'h', 'a', '1', 'b', '2'],
    ['HDEL', 'h', 'a', 'a', 'zz'],
    ['HDEL', 'nokey', 'a'],
    ['EXISTS', 'h'],
    ['HDEL', 'h', 'b', 'c'],
    ['EXISTS', 'h'],
    ['HGETALL', 'h'],
    ['HSET', 'h', 'x', '1', 'y', '2', 'z', '3'],
    ['HDEL', 'h', 'y'],
    ['HSET', 'h', 'y', 'again'],
    ['HGETALL', 'h'],
  ],
  'arity and wrong types': [
    ['FLUSHALL'],
    ['SET', 's', 'x'],
    ['HSET', 'h', 'a'],
    ['HSET', 'h', 'a', 'b', 'c'],
    ['HMSET', 'h', 'a', 'b', 'c'],
    ['HMSET', 'h', 'a'],
    ['HSETNX', 'h', 'a'],
    ['HGET', 'h'],
    ['HMGET', 'h'],
    ['HDEL', 'h'],
    ['HGETALL'],
    ['HGETALL', 'h', 'x'],
    ['HINCRBY', 'h', 'a'],
    ['HRANDFIELD'],
    ['HSCAN', 'h'],
    ['HSET', 's', 'a', '1'],
    ['HMSET', 's', 'a', '1'],
    ['HSETNX', 's', 'a', '1'],
    ['HGET', 's', 'a'],
    ['HMGET', 's', 'a'],
    ['HGETALL', 's'],
    ['HKEYS', 's'],
    ['HVALS', 's'],
    ['HDEL', 's', 'a'],
    ['HEXISTS', 's', 'a'],
    ['HLEN', 's'],
    ['HSTRLEN', 's', 'a'],
    ['HINCRBY', 's', 'a', '1'],
    ['HINCRBY', 's', 'a', 'x'],
    ['HINCRBYFLOAT', 's', 'a', '1'],
    ['HINCRBYFLOAT', 's', 'a', 'inf'],
    ['HRANDFIELD', 's'],
    ['HRANDFIELD', 's', '1'],
    ['HRANDFIELD', 's', 'x'],
    ['HSCAN', 's', '0'],
    ['HSCAN', 's', '0', 'COUNT', '0'],
    ['HSET', 'h', 'a', '1'],
    ['GET', 'h'],
    ['SADD', 'h', 'm'],
  ],
  'hsetnx': [
    ['FLUSHALL'],
    ['HSETNX', 'h', 'a', '1'],
    ['HSETNX', 'h', 'a', '2'],
    ['HGET', 'h', 'a'],
    ['HSETNX', 'h', 'b', '3'],
    ['HGETALL', 'h'],
  ],
  'hincrby': [
    ['FLUSHALL'],
    ['HINCRBY', 'h', 'n', '5'],
    ['HINCRBY', 'h', 'n', '-7'],
    ['HINCRBY', 'h', 'n', 'x'],
    ['HINCRBY', 'h', 'n', '1.5'],
    ['HINCRBY', 'h', 'n', '9223372036854775808'],
    ['HSET', 'h', 'big', '9223372036854775806', 'small', '-9223372036854775807'],
    ['HINCRBY', 'h', 'big', '1'],
    ['HINCRBY', 'h', 'big', '1'],
    ['HINCRBY', 'h', 'small', '-1'],
    ['HINCRBY', 'h', 'small', '-1'],
    ['HINCRBY', 'h', 'small', '9223372036854775807'],
    ['HSET', 'h', 's', 'abc', 'z', '01', 'sp', ' 1', 'f', '1.0', 'e', ''],
    ['HINCRBY', 'h', 's', '1'],
    ['HINCRBY', 'h', 'z', '1'],
    ['HINCRBY', 'h', 'sp', '1'],
    ['HINCRBY', 'h', 'f', '1'],
    ['HINCRBY', 'h', 'e', '1'],
    ['HINCRBY', 'h', 'n', '0'],
    ['HGETALL', 'h'],
    ['HINCRBY', 'new', 'f', '-3'],
    ['HGETALL', 'new'],
  ],
  'hincrbyfloat': [
    ['FLUSHALL'],
    ['HINCRBYFLOAT', 'h', 'f', '10.5'],
    ['HINCRBYFLOAT', 'h', 'f', '0.1'],
    ['HINCRBYFLOAT', 'h', 'f', '-5'],
    ['HINCRBYFLOAT', 'h', 'f', '1e3'],
    ['HINCRBYFLOAT', 'h', 'f', 'abc'],
    ['HINCRBYFLOAT', 'h', 'f', ''],
    ['HINCRBYFLOAT', 'h', 'f', 'inf'],
    ['HINCRBYFLOAT', 'h', 'f', '-inf'],
    ['HINCRBYFLOAT', 'h', 'f', 'nan'],
    ['HINCRBYFLOAT', 'h', 'f', '0x10'],
    ['HINCRBYFLOAT', 'h', 'g', '3'],
    ['HINCRBYFLOAT', 'h', 'g', '-3'],
    ['HSET', 'h', 's', 'abc', 'i', '9223372036854775807', 'sp', ' 1', 'x', '1e4932'],
    ['HINCRBYFLOAT', 'h', 's', '1'],
    ['HINCRBYFLOAT', 'h', 'sp', '1'],
    ['HINCRBYFLOAT', 'h', 'i', '1'],
    ['HINCRBYFLOAT', 'h', 'x', '1e4932'],
    ['HINCRBYFLOAT', 'h', 'x', '-1e4932'],
    ['HINCRBYFLOAT', 'new', 'f', '1e-20'],
    ['HGETALL', 'h'],
    ['HGETALL', 'new'],
    ['OBJECT', 'ENCODING', 'h'],
  ],
  'encoding: entry threshold': [
    ['FLUSHALL'],
    ['HSET', 'h', ...fields(512)],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h', 'f0', 'again'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h', 'f512', 'x'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HDEL', 'h', 'f512', 'f511', 'f510'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'big', ...fields(513)],
    ['OBJECT', 'ENCODING', 'big'],
    ['HLEN', 'big'],
    ['HSETNX', 'nx', 'a', '1'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '2'],
    ['HSET', 'small', 'a', '1', 'b', '2'],
    ['OBJECT', 'ENCODING', 'small'],
    ['HSETNX', 'small', 'c', '3'],
    ['OBJECT', 'ENCODING', 'small'],
    ['HINCRBY', 'i', 'a', '1'],
    ['HINCRBY', 'i', 'b', '1'],
    ['HINCRBY', 'i', 'c', '1'],
    ['OBJECT', 'ENCODING', 'i'],
    ['HINCRBYFLOAT', 'fl', 'a', '1'],
    ['HINCRBYFLOAT', 'fl', 'b', '1'],
    ['HINCRBYFLOAT', 'fl', 'c', '1'],
    ['OBJECT', 'ENCODING', 'fl'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '0'],
    ['HSET', 'zero', 'a', '1'],
    ['OBJECT', 'ENCODING', 'zero'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
  ],
  'encoding: value threshold': [
    ['FLUSHALL'],
    ['HSET', 'h', 'f', LONG_64],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h', LONG_64, 'v'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h', 'f', LONG_65],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'k', LONG_65, 'v'],
    ['OBJECT', 'ENCODING', 'k'],
    ['HSET', 'nx', 'f', 'v'],
    ['HSETNX', 'nx', 'f', LONG_65],
    ['OBJECT', 'ENCODING', 'nx'],
    ['HSET', 'nx2', 'f', 'v'],
    ['HSETNX', 'nx2', LONG_65, 'v'],
    ['OBJECT', 'ENCODING', 'nx2'],
    ['HINCRBY', 'i', LONG_65, '1'],
    ['OBJECT', 'ENCODING', 'i'],
    ['HINCRBY', 'i64', LONG_64, '1'],
    ['OBJECT', 'ENCODING', 'i64'],
    ['HINCRBYFLOAT', 'fl', 'f', '1e70'],
    ['HGET', 'fl', 'f'],
    ['OBJECT', 'ENCODING', 'fl'],
    ['HINCRBYFLOAT', 'fl2', LONG_65, '1'],
    ['OBJECT', 'ENCODING', 'fl2'],
    ['HMSET', 'm', 'a', '1', 'b', LONG_65],
    ['OBJECT', 'ENCODING', 'm'],
    ['HDEL', 'm', 'b'],
    ['OBJECT', 'ENCODING', 'm'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '0'],
    ['HSET', 'z', '', ''],
    ['OBJECT', 'ENCODING', 'z'],
    ['HSET', 'z2', 'a', ''],
    ['OBJECT', 'ENCODING', 'z2'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '64'],
  ],
  'hrandfield deterministic cases': [
    ['FLUSHALL'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
    ['HRANDFIELD', 'h', '3'],
    ['HRANDFIELD', 'h', '100'],
    ['HRANDFIELD', 'h', '3', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '100', 'withvalues'],
    ['HRANDFIELD', 'h', '0'],
    ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
    ['HRANDFIELD', 'nokey'],
    ['HRANDFIELD', 'nokey', '5'],
    ['HRANDFIELD', 'nokey', '-5', 'WITHVALUES'],
    ['HRANDFIELD', 'nokey', 'x'],
    ['HRANDFIELD', 'h', 'x'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUE'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
    ['HRANDFIELD', 'nokey', '1', 'x'],
    ['HRANDFIELD', 'h', '-9223372036854775808'],
    ['HRANDFIELD', 'h', '9223372036854775808'],
    ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'nokey', '4611686018427387904', 'WITHVALUES'],
    ['HSET', 'one', 'only', 'v'],
    ['HRANDFIELD', 'one'],
    ['HRANDFIELD', 'one', '1', 'WITHVALUES'],
    ['HRANDFIELD', 'one', '-3', 'WITHVALUES'],
    ['HRANDFIELD', 'one', '-3'],
    ['HRANDFIELD', 'one', '4611686018427387903', 'WITHVALUES'],
  ],
  'hscan of a listpack hash': [
    ['FLUSHALL'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'ab', '3', 'c', '4'],
    ['HSCAN', 'h', '0'],
    ['HSCAN', 'h', '0', 'COUNT', '1'],
    ['HSCAN', 'h', '12345', 'COUNT', '1'],
    ['HSCAN', 'h', '0', 'MATCH', 'a*'],
    ['HSCAN', 'h', '0', 'MATCH', 'zz*', 'COUNT', '2'],
    ['HSCAN', 'h', '0', 'COUNT', '0'],
    ['HSCAN', 'h', '0', 'COUNT', '-1'],
    ['HSCAN', 'h', '0', 'COUNT', 'x'],
    ['HSCAN', 'h', '0', 'TYPE', 'hash'],
    ['HSCAN', 'h', '0', 'NOVALUES'],
    ['HSCAN', 'h', '0', 'MATCH'],
    ['HSCAN', 'h', 'x'],
    ['HSCAN', 'h', '-1'],
    ['HSCAN', 'h', '18446744073709551615'],
    ['HSCAN', 'h', '18446744073709551616'],
    ['HSCAN', 'nokey', '0'],
    ['HSCAN', 'nokey', '0', 'COUNT', '0'],
    ['HSCAN', 'nokey', 'x'],
    ['HSCAN', 'h', '+1'],
    ['HSCAN', 'h', ''],
    ['HSCAN', 'h', '+'],
    ['HSCAN', 'h', '-'],
    ['HSCAN', 'h', '-0'],
    ['HSCAN', 'h', '007'],
    ['HSCAN', 'h', ' 1'],
    ['HSCAN', 'h', '1 '],
    ['HSCAN', 'h', '-18446744073709551615'],
    ['HSCAN', 'h', '-18446744073709551616'],
  ],
};

sequenceTests(p, SEQUENCES);

for (const resp of [2, 3]) {
  test(`hashtable-encoded hashes compared as collections (RESP${resp})`, async (t) => {
    if (!requireRedis(t)) return;
    await same(p(), [
      ['HELLO', resp],
      ['FLUSHALL'],
      ['HSET', 'h', ...fields(600)],
      ['HSET', 'l', 'f', LONG_65, 'g', '1'],
    ]);
    await sameUnordered(p(), [['HGETALL', 'h'], ['HGETALL', 'l']], true);
    await sameUnordered(p(), [['HKEYS', 'h'], ['HVALS', 'h'], ['HRANDFIELD', 'h', '1000']]);
    await sameUnordered(p(), [['HRANDFIELD', 'h', '1000', 'WITHVALUES']], resp === 2);
    await same(p(), [['HELLO', 2]]);
  });
}

test('hrandfield random picks: shapes, counts and membership', async (t) => {
  if (!requireRedis(t)) return;
  const small = ['HSET', 'small', ...fields(5)];
  const big = ['HSET', 'big', ...fields(700)];
  await same(p(), [['FLUSHALL'], small, big]);
  for (const resp of [2, 3]) {
    await same(p(), [['HELLO', resp]]);
    for (const key of ['small', 'big']) {
      const size = key === 'small' ? 5 : 700;
      for (const count of [1, 2, 3, 4, -1, -3, -20, 200, -2000]) {
        for (const withValues of [false, true]) {
          const command = ['HRANDFIELD', key, String(count), ...(withValues ? ['WITHVALUES'] : [])];
          await checkRandomFields(command, size, resp, withValues);
        }
      }
      const [single] = await p().vestaClient.pipeline([['HRANDFIELD', key]]);
      assert.match(single as string, /^\$\d+\r\nf\d+\r\n$/);
    }
  }
  await same(p(), [['HELLO', 2]]);
});

/** Compares the shape of a random HRANDFIELD reply with Redis's, and checks its contents. */
async function checkRandomFields(
  command: string[],
  size: number,
  resp: number,
  withValues: boolean,
): Promise<void> {
  const [expected, actual] = await Promise.all([
    p().redisClient.pipeline([command]),
    p().vestaClient.pipeline([command]),
  ]);
  const header = (reply: string): string => reply.slice(0, reply.indexOf('\r\n'));
  assert.equal(header(actual[0] as string), header(expected[0] as string), JSON.stringify(command));
  const count = Number(command[2]);
  const parsed = parseReply(actual[0] as string) as unknown[];
  const picks: [string, string | undefined][] = [];
  if (withValues && resp === 3) {
    for (const item of parsed) picks.push(item as [string, string]);
  } else {
    for (let i = 0; i < parsed.length; i += withValues ? 2 : 1) {
      picks.push([parsed[i] as string, withValues ? (parsed[i + 1] as string) : undefined]);
    }
  }
  assert.equal(picks.length, count < 0 ? -count : Math.min(count, size));
  for (const [field, value] of picks) {
    assert.match(field, /^f\d+$/);
    assert.ok(Number(field.slice(1)) < size);
    if (withValues) assert.equal(value, field.slice(1));
  }
  if (count > 0) assert.equal(new Set(picks.map((x) => x[0])).size, picks.length, 'distinct picks');
}

test('hscan iterates a hashtable hash completely, with MATCH', async (t) => {
  if (!requireRedis(t)) return;
  await same(p(), [['FLUSHALL'], ['HSET', 'h', ...fields(1000)]]);
  for (const [match, expectedCount] of [[null, 1000], ['f1*', 111]] as const) {
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const filter = match === null ? [] : ['MATCH', match];
      const command = ['HSCAN', 'h', cursor, 'COUNT', '50', ...filter];
      const [reply] = await p().vestaClient.pipeline([command]);
      const [next, items] = parseReply(reply as string) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) {
        seen.set(items[i] as string, items[i + 1] as string);
      }
      cursor = next;
      calls++;
    } while (cursor !== '0' && calls < 1000);
    assert.equal(cursor, '0');
    assert.equal(seen.size, expectedCount);
    assert.ok(calls > 10, 'a hashtable hash is iterated in steps');
    for (const [field, value] of seen) assert.equal(value, field.slice(1));
  }
  // Redis returns a missing key's and a listpack's scan in one step too; both servers agree.
  await same(p(), [['HSCAN', 'h', '0', 'COUNT', '0'], ['HSCAN', 'h', 'abc']]);
});

// ------------------------------------------------------------------------------ random sequences

const RUNS = Number(process.env['VESTA_RANDOM_RUNS'] ?? 100);

const KEYS = ['h1', 'h2', 'h3'];
const FIELDS = ['a', 'b', 'c', 'd', 'e', 'f', '\0\r\n', 'long-field-name'];
const VALUES = [
  '',
  'v',
  '0',
  '1',
  '-1',
  '42',
  '007',
  '3.5',
  '1e3',
  'long-value-xyz',
  '9223372036854775807',
];
const UNORDERED = new Set(['HGETALL', 'HKEYS', 'HVALS', 'HRANDFIELD', 'HSCAN']);

const keyArb = fc.constantFrom(...KEYS);
const fieldArb = fc.constantFrom(...FIELDS);
const valueArb = fc.constantFrom(...VALUES);
const commandArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(keyArb, fc.array(fc.tuple(fieldArb, valueArb), { minLength: 1, maxLength: 4 }))
    .map(([k, pairs]) => ['HSET', k, ...pairs.flat()]),
  fc.tuple(keyArb, fieldArb, valueArb).map(([k, f, v]) => ['HSETNX', k, f, v]),
  fc
    .tuple(keyArb, fc.array(fieldArb, { minLength: 1, maxLength: 3 }))
    .map(([k, fs]) => ['HDEL', k, ...fs]),
  fc.tuple(keyArb, fieldArb).map(([k, f]) => ['HGET', k, f]),
  fc.tuple(keyArb, fieldArb, fieldArb).map(([k, f, g]) => ['HMGET', k, f, g]),
  fc.tuple(keyArb, fieldArb).map(([k, f]) => ['HEXISTS', k, f]),
  fc.tuple(keyArb, fieldArb).map(([k, f]) => ['HSTRLEN', k, f]),
  fc.tuple(keyArb, fieldArb, fc.constantFrom('1', '-5', '100', 'x', '9223372036854775807'))
    .map(([k, f, n]) => ['HINCRBY', k, f, n]),
  fc.tuple(keyArb, fieldArb, fc.constantFrom('1.5', '-0.25', '1e2', 'inf', 'x', '3'))
    .map(([k, f, n]) => ['HINCRBYFLOAT', k, f, n]),
  keyArb.map((k) => ['HLEN', k]),
  keyArb.map((k) => ['HGETALL', k]),
  keyArb.map((k) => ['HKEYS', k]),
  keyArb.map((k) => ['HVALS', k]),
  keyArb.map((k) => ['HRANDFIELD', k, '100', 'WITHVALUES']),
  keyArb.map((k) => ['HSCAN', k, '0', 'COUNT', '100']),
  keyArb.map((k) => ['OBJECT', 'ENCODING', k]),
  keyArb.map((k) => ['DEL', k]),
  keyArb.map((k) => ['SET', k, 'str']),
  keyArb.map((k) => ['EXISTS', k]),
);

const sequenceArb = fc.array(commandArb, { minLength: 1, maxLength: 40, size: 'medium' });

for (const resp of [2, 3]) {
  test(`random hash command sequences match redis (RESP${resp})`, async (t) => {
    if (!requireRedis(t)) return;
    // Small thresholds so that conversions to hashtable happen within a few commands.
    const setup = [
      ['HELLO', String(resp)],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '4'],
      ['CONFIG', 'SET', 'hash-max-listpack-value', '8'],
    ];
    await same(p(), setup);
    try {
      await fc.assert(
        fc.asyncProperty(sequenceArb, async (commands) => {
          await compareSequence([['FLUSHALL'], ...commands], resp);
        }),
        { numRuns: RUNS },
      );
    } finally {
      await same(p(), [
        ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
        ['CONFIG', 'SET', 'hash-max-listpack-value', '64'],
        ['HELLO', '2'],
      ]);
    }
  });
}

/**
 * Sends a sequence with an OBJECT ENCODING before each order-dependent read; that read must
 * match byte for byte when Redis says the hash is a listpack, and as a collection otherwise.
 */
async function compareSequence(commands: string[][], resp: number): Promise<void> {
  const sent: string[][] = [];
  for (const command of commands) {
    if (UNORDERED.has(command[0] as string)) {
      sent.push(['OBJECT', 'ENCODING', command[1] as string]);
    }
    sent.push(command);
  }
  const [expected, actual] = await Promise.all([
    p().redisClient.pipeline(sent),
    p().vestaClient.pipeline(sent),
  ]);
  for (let i = 0; i < sent.length; i++) {
    const command = sent[i] as string[];
    const message = `reply to ${JSON.stringify(command)} differs in ${JSON.stringify(sent)}`;
    const ordered =
      !UNORDERED.has(command[0] as string) || !/hashtable/.test(expected[i - 1] as string);
    if (ordered) {
      assert.equal(actual[i], expected[i], message);
    } else {
      // Field/value pairs stay together; RESP3 HRANDFIELD WITHVALUES nests them already.
      const name = command[0] as string;
      const pairs = name === 'HGETALL' || name === 'HSCAN' || (name === 'HRANDFIELD' && resp === 2);
      const actualForm = unorderedForm(actual[i] as string, pairs);
      assert.equal(actualForm, unorderedForm(expected[i] as string, pairs), message);
    }
  }
}
