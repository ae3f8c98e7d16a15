// Differential tests for set commands: the same sequences to redis-server 7.0 and Vesta,
// replies compared byte for byte in RESP2 and RESP3. Intset-encoded sets reply in ascending
// numeric order in Redis, so those are compared exactly; hashtable-encoded ones only as
// collections. SPOP/SRANDMEMBER picks are random: shapes, counts and membership are compared.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { test } from 'node:test';
import { same, sequenceTests, sharedPair } from '../helpers/differential.js';
import { parseReply } from '../helpers/resp-client.js';
import { requireRedis } from '../helpers/servers.js';
import { bulkItems, sameUnordered, unorderedForm } from '../helpers/unordered.js';

const p = sharedPair();

/** `count` integer members starting at `from`, in a scrambled order. */
function integers(count: number, from = 0): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(String(from + ((i * 7919) % count)));
  return out;
}

const SEQUENCES: Record<string, (string | number)[][]> = {
  'add, remove and membership': [
    ['FLUSHALL'],
    ['SADD', 's', '3', '1', '2', '1'],
    ['SADD', 's', '2'],
    ['SMEMBERS', 's'],
    ['SCARD', 's'],
    ['SCARD', 'nokey'],
    ['SISMEMBER', 's', '1'],
    ['SISMEMBER', 's', '9'],
    ['SISMEMBER', 'nokey', '1'],
    ['SMISMEMBER', 's', '1', '9', '3'],
    ['SMISMEMBER', 'nokey', '1', '2'],
    ['SMEMBERS', 'nokey'],
    ['SREM', 's', '1', '1', '9'],
    ['SREM', 'nokey', '1'],
    ['SREM', 's', '2', '3'],
    ['EXISTS', 's'],
    ['SADD', 'b', '\0\r\n', '', '\xff'],
    ['SISMEMBER', 'b', ''],
    ['SCARD', 'b'],
    ['TYPE', 'b'],
    ['SADD', 'neg', '-5', '10', '-9223372036854775808', '9223372036854775807', '0', '-1'],
    ['SMEMBERS', 'neg'],
    ['OBJECT', 'ENCODING', 'neg'],
  ],
  'arity and wrong types': [
    ['FLUSHALL'],
    ['SET', 'str', 'x'],
    ['SADD', 's'],
    ['SADD', 's', 'x'],
    ['SREM', 's'],
    ['SMEMBERS'],
    ['SISMEMBER', 's'],
    ['SMISMEMBER', 's'],
    ['SCARD'],
    ['SPOP'],
    ['SRANDMEMBER'],
    ['SMOVE', 's', 'd'],
    ['SINTER'],
    ['SINTERCARD', '1'],
    ['SINTERSTORE', 'd'],
    ['SUNION'],
    ['SDIFFSTORE', 'd'],
    ['SSCAN', 's'],
    ['SADD', 'str', 'a'],
    ['SREM', 'str', 'a'],
    ['SMEMBERS', 'str'],
    ['SISMEMBER', 'str', 'a'],
    ['SMISMEMBER', 'str', 'a'],
    ['SCARD', 'str'],
    ['SPOP', 'str'],
    ['SPOP', 'str', '2'],
    ['SPOP', 'str', '-2'],
    ['SRANDMEMBER', 'str'],
    ['SRANDMEMBER', 'str', '2'],
    ['SSCAN', 'str', '0'],
    ['SINTER', 'str'],
    ['SINTER', 'nokey', 'str'],
    ['SINTER', 's', 'str'],
    ['SINTERCARD', '2', 'nokey', 'str'],
    ['SINTERSTORE', 'd', 'nokey', 'str'],
    ['SUNION', 's', 'str'],
    ['SUNIONSTORE', 'd', 'str'],
    ['SDIFF', 'nokey', 'str'],
    ['SDIFF', 's', 'str'],
    ['SDIFFSTORE', 'd', 'str', 's'],
    ['SMOVE', 'str', 's', 'x'],
    ['SMOVE', 'nokey', 'str', 'x'],
    ['SMOVE', 's', 'str', 'x'],
    ['SMOVE', 's', 'str', 'nothere'],
    ['SINTERSTORE', 'str', 's', 's'],
    ['TYPE', 'str'],
  ],
  'smove': [
    ['FLUSHALL'],
    ['SADD', 'a', '1', '2', 'x'],
    ['SMOVE', 'a', 'b', '1'],
    ['SMOVE', 'a', 'b', 'nothere'],
    ['SMOVE', 'nokey', 'b', '1'],
    ['SMEMBERS', 'b'],
    ['OBJECT', 'ENCODING', 'b'],
    ['SMOVE', 'a', 'a', '2'],
    ['SMOVE', 'a', 'a', 'nothere'],
    ['SMOVE', 'a', 'b', 'x'],
    ['OBJECT', 'ENCODING', 'b'],
    ['SMOVE', 'a', 'b', '2'],
    ['EXISTS', 'a'],
    ['SADD', 'c', '1'],
    ['SMOVE', 'b', 'c', '1'],
    ['SMEMBERS', 'c'],
    ['SCARD', 'b'],
    ['SADD', 'e', 'word'],
    ['SMOVE', 'e', 'f', 'word'],
    ['OBJECT', 'ENCODING', 'f'],
  ],
  'intersections': [
    ['FLUSHALL'],
    ['SADD', 'a', '5', '1', '3', '2', '4'],
    ['SADD', 'b', '4', '3', '2', '9'],
    ['SADD', 'c', '2', '3', '7', '8', '4', '11'],
    ['SINTER', 'a', 'b'],
    ['SINTER', 'a', 'b', 'c'],
    ['SINTER', 'a'],
    ['SINTER', 'a', 'nokey'],
    ['SINTER', 'a', 'a'],
    ['SINTERCARD', '2', 'a', 'b'],
    ['SINTERCARD', '3', 'a', 'b', 'c', 'LIMIT', '2'],
    ['SINTERCARD', '3', 'a', 'b', 'c', 'LIMIT', '0'],
    ['SINTERCARD', '3', 'a', 'b', 'c', 'limit', '1', 'LIMIT', '5'],
    ['SINTERCARD', '2', 'a', 'nokey'],
    ['SINTERCARD', '0', 'a'],
    ['SINTERCARD', '-1', 'a'],
    ['SINTERCARD', 'x', 'a'],
    ['SINTERCARD', '3', 'a', 'b'],
    ['SINTERCARD', '9223372036854775808', 'a'],
    ['SINTERCARD', '1', 'a', 'LIMIT'],
    ['SINTERCARD', '1', 'a', 'LIMIT', '-1'],
    ['SINTERCARD', '1', 'a', 'LIMIT', 'x'],
    ['SINTERCARD', '1', 'a', 'FOO', '1'],
    ['SINTERCARD', '1', 'a', 'b'],
    ['SINTERSTORE', 'd', 'a', 'b'],
    ['SMEMBERS', 'd'],
    ['OBJECT', 'ENCODING', 'd'],
    ['EXPIRE', 'd', '100'],
    ['SINTERSTORE', 'd', 'a', 'c'],
    ['TTL', 'd'],
    ['SINTERSTORE', 'd', 'a', 'nokey'],
    ['EXISTS', 'd'],
    ['SET', 'd', 'string'],
    ['SINTERSTORE', 'd', 'a', 'b'],
    ['TYPE', 'd'],
    ['SADD', 'w', 'x', '3', 'y'],
    ['SINTERSTORE', 'e', 'w', 'a'],
    ['OBJECT', 'ENCODING', 'e'],
    ['SINTER', 'a', 'w'],
    ['SINTERSTORE', 'a', 'a', 'b'],
    ['SMEMBERS', 'a'],
  ],
  'unions and differences': [
    ['FLUSHALL'],
    ['SADD', 'a', '5', '1', '3'],
    ['SADD', 'b', '4', '3', '2', '-7'],
    ['SADD', 'w', 'x', 'y'],
    ['SUNION', 'a', 'b'],
    ['SUNION', 'a', 'nokey', 'b'],
    ['SUNION', 'nokey'],
    ['SDIFF', 'a', 'b'],
    ['SDIFF', 'b', 'a'],
    ['SDIFF', 'a', 'nokey'],
    ['SDIFF', 'nokey', 'a'],
    ['SDIFF', 'a', 'a'],
    ['SDIFF', 'a', 'b', 'a'],
    ['SDIFF', 'a'],
    ['SUNIONSTORE', 'd', 'a', 'b'],
    ['SMEMBERS', 'd'],
    ['OBJECT', 'ENCODING', 'd'],
    ['SUNIONSTORE', 'd', 'a', 'w'],
    ['OBJECT', 'ENCODING', 'd'],
    ['SCARD', 'd'],
    ['SDIFFSTORE', 'd', 'd', 'w'],
    ['OBJECT', 'ENCODING', 'd'],
    ['SMEMBERS', 'd'],
    ['SDIFFSTORE', 'd', 'a', 'a'],
    ['EXISTS', 'd'],
    ['SUNIONSTORE', 'd', 'nokey'],
    ['EXISTS', 'd'],
    ['SADD', 'dup', '01', '1', '+1', ' 1', '1.0'],
    ['OBJECT', 'ENCODING', 'dup'],
    ['SCARD', 'dup'],
    ['SDIFFSTORE', 'r', 'dup', 'w'],
    ['OBJECT', 'ENCODING', 'r'],
    ['SDIFFSTORE', 'r2', 'a', 'w'],
    ['OBJECT', 'ENCODING', 'r2'],
    ['SMEMBERS', 'r2'],
  ],
  'spop and srandmember deterministic cases': [
    ['FLUSHALL'],
    ['SADD', 's', '30', '10', '20'],
    ['SRANDMEMBER', 's', '3'],
    ['SRANDMEMBER', 's', '100'],
    ['SRANDMEMBER', 's', '0'],
    ['SRANDMEMBER', 'nokey'],
    ['SRANDMEMBER', 'nokey', '3'],
    ['SRANDMEMBER', 'nokey', '-3'],
    ['SRANDMEMBER', 'nokey', 'x'],
    ['SRANDMEMBER', 's', 'x'],
    ['SRANDMEMBER', 's', '1', 'x'],
    ['SRANDMEMBER', 'nokey', '1', 'x'],
    ['SRANDMEMBER', 's', '-9223372036854775808'],
    ['SRANDMEMBER', 's', '9223372036854775808'],
    ['SPOP', 's', '0'],
    ['SPOP', 's', '-1'],
    ['SPOP', 's', 'x'],
    ['SPOP', 's', '9223372036854775808'],
    ['SPOP', 's', '1', 'x'],
    ['SPOP', 'nokey'],
    ['SPOP', 'nokey', '3'],
    ['SPOP', 'nokey', '0'],
    ['SPOP', 's', '3'],
    ['EXISTS', 's'],
    ['SADD', 's', '7', '-2', '5'],
    ['SPOP', 's', '9223372036854775807'],
    ['EXISTS', 's'],
    ['SADD', 'one', 'only'],
    ['SPOP', 'one'],
    ['EXISTS', 'one'],
    ['SADD', 'one', 'only'],
    ['SRANDMEMBER', 'one'],
    ['SRANDMEMBER', 'one', '1'],
    ['SRANDMEMBER', 'one', '-3'],
    ['SPOP', 'one', '1'],
    ['EXISTS', 'one'],
  ],
  'sscan of an intset': [
    ['FLUSHALL'],
    ['SADD', 's', '30', '10', '20', '100', '-3'],
    ['SSCAN', 's', '0'],
    ['SSCAN', 's', '0', 'COUNT', '1'],
    ['SSCAN', 's', '999', 'COUNT', '1'],
    ['SSCAN', 's', '0', 'MATCH', '1*'],
    ['SSCAN', 's', '0', 'COUNT', '0'],
    ['SSCAN', 's', '0', 'TYPE', 'set'],
    ['SSCAN', 's', '0', 'MATCH'],
    ['SSCAN', 's', 'x'],
    ['SSCAN', 's', '-1'],
    ['SSCAN', 'nokey', '0'],
    ['SSCAN', 'nokey', '0', 'COUNT', '0'],
    ['SSCAN', 'nokey', 'x'],
  ],
  'encoding: intset thresholds': [
    ['FLUSHALL'],
    ['SADD', 's', ...integers(512)],
    ['OBJECT', 'ENCODING', 's'],
    ['SMEMBERS', 's'],
    ['SADD', 's', '5'],
    ['OBJECT', 'ENCODING', 's'],
    ['SADD', 's', '512'],
    ['OBJECT', 'ENCODING', 's'],
    ['SREM', 's', '512', '511'],
    ['OBJECT', 'ENCODING', 's'],
    ['SADD', 'big', ...integers(513)],
    ['OBJECT', 'ENCODING', 'big'],
    ['SADD', 'w', '1', 'x'],
    ['OBJECT', 'ENCODING', 'w'],
    ['SREM', 'w', 'x'],
    ['OBJECT', 'ENCODING', 'w'],
    ['SADD', 'z', '01'],
    ['OBJECT', 'ENCODING', 'z'],
    ['SADD', 'z2', '-0'],
    ['OBJECT', 'ENCODING', 'z2'],
    ['SADD', 'z3', '9223372036854775808'],
    ['OBJECT', 'ENCODING', 'z3'],
    ['SADD', 'z4', '-9223372036854775808', '9223372036854775807'],
    ['OBJECT', 'ENCODING', 'z4'],
    ['SADD', 'z5', '1e3'],
    ['OBJECT', 'ENCODING', 'z5'],
    ['CONFIG', 'SET', 'set-max-intset-entries', '2'],
    ['SADD', 'c', '1', '2'],
    ['OBJECT', 'ENCODING', 'c'],
    ['SADD', 'c', '2'],
    ['OBJECT', 'ENCODING', 'c'],
    ['SADD', 'c', '3'],
    ['OBJECT', 'ENCODING', 'c'],
    ['SADD', 'u1', '1'],
    ['SADD', 'u2', '2', '3'],
    ['SUNIONSTORE', 'u', 'u1', 'u2'],
    ['OBJECT', 'ENCODING', 'u'],
    ['SINTERSTORE', 'i', 'u2', 'u2'],
    ['OBJECT', 'ENCODING', 'i'],
    ['CONFIG', 'SET', 'set-max-intset-entries', '0'],
    ['SADD', 'zero', '1'],
    ['OBJECT', 'ENCODING', 'zero'],
    ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
  ],
};

sequenceTests(p, SEQUENCES);

for (const resp of [2, 3]) {
  test(`hashtable-encoded sets compared as collections (RESP${resp})`, async (t) => {
    if (!requireRedis(t)) return;
    await same(p(), [
      ['HELLO', resp],
      ['FLUSHALL'],
      ['SADD', 'big', ...integers(600)],
      ['SADD', 'w', 'x', 'y', '1', '2', '3'],
      ['SADD', 'v', 'y', '3', 'z'],
    ]);
    await sameUnordered(p(), [
      ['SMEMBERS', 'big'],
      ['SMEMBERS', 'w'],
      ['SINTER', 'w', 'v'],
      ['SINTER', 'big', 'w'],
      ['SUNION', 'w', 'v'],
      ['SUNION', 'big', 'w'],
      ['SDIFF', 'w', 'v'],
      ['SDIFF', 'big', 'w'],
      ['SRANDMEMBER', 'big', '1000'],
      ['SRANDMEMBER', 'w', '5'],
      ['SSCAN', 'w', '0'],
    ]);
    await same(p(), [
      ['SINTERCARD', '2', 'big', 'w'],
      ['SINTERSTORE', 'd', 'big', 'w'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SDIFFSTORE', 'd', 'big', 'w'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SCARD', 'd'],
      ['HELLO', 2],
    ]);
  });
}

test('spop with a count: what stays is re-encoded when most of the set is popped', async (t) => {
  if (!requireRedis(t)) return;
  // 600 integers are a hashtable; popping 590 keeps 10 (10 * 5 <= 590), which Redis stores in
  // a new set: an intset again. Popping 10 of 600 removes them in place: still a hashtable.
  await same(p(), [['FLUSHALL'], ['SADD', 'a', ...integers(600)], ['SADD', 'b', ...integers(600)]]);
  const [poppedA] = await both([['SPOP', 'a', '590']]);
  assert.equal(bulkItems(poppedA as string).length, 590);
  await same(p(), [['SCARD', 'a'], ['OBJECT', 'ENCODING', 'a']]);
  await both([['SPOP', 'b', '10']]);
  await same(p(), [['SCARD', 'b'], ['OBJECT', 'ENCODING', 'b']]);
  // The popped members are gone and the rest remain.
  const [rest] = await p().vestaClient.pipeline([['SMEMBERS', 'a']]);
  const remaining = new Set(bulkItems(rest as string));
  for (const member of bulkItems(poppedA as string)) assert.ok(!remaining.has(member));
  assert.equal(remaining.size + 590, 600);
});

test('spop and srandmember random picks: shapes, counts and membership', async (t) => {
  if (!requireRedis(t)) return;
  for (const resp of [2, 3]) {
    for (const [key, members] of [
      ['small', integers(5)],
      ['words', ['a', 'b', 'c', 'd', 'e']],
      ['big', integers(700)],
    ] as const) {
      await same(p(), [['HELLO', resp], ['DEL', key], ['SADD', key, ...members]]);
      const universe = new Set<string>(members);
      for (const count of [1, 2, 3, 4, -1, -3, -20, 200, -2000]) {
        const expectedCount = count < 0 ? -count : Math.min(count, universe.size);
        const command = ['SRANDMEMBER', key, String(count)];
        await checkRandomMembers(command, universe, expectedCount, count > 0);
      }
      const [single] = await p().vestaClient.pipeline([['SRANDMEMBER', key]]);
      assert.ok(universe.has(parseReply(single as string) as string));
      for (const count of [1, 2]) {
        const command = ['SPOP', key, String(count)];
        const popped = await checkRandomMembers(command, universe, count, true);
        for (const member of popped) universe.delete(member);
        await same(p(), [['SCARD', key]]);
        const [ismember] = await p().vestaClient.pipeline([['SMISMEMBER', key, ...popped]]);
        const flags = parseReply(ismember as string) as number[];
        assert.ok(!flags.includes(1), 'popped members are gone');
      }
      const [one] = await both([['SPOP', key]]);
      assert.ok(universe.delete(parseReply(one as string) as string));
      await same(p(), [['SCARD', key]]);
    }
  }
  await same(p(), [['HELLO', 2]]);
});

/** Sends the same commands to both servers (random ones: replies differ); Vesta's replies. */
async function both(commands: string[][]): Promise<string[]> {
  const [actual] = await Promise.all([
    p().vestaClient.pipeline(commands),
    p().redisClient.pipeline(commands),
  ]);
  return actual as string[];
}

/** Compares the shape of a random reply with Redis's, checks its size and membership. */
async function checkRandomMembers(
  command: string[],
  universe: Set<string>,
  expectedCount: number,
  distinct: boolean,
): Promise<string[]> {
  const [expected, actual] = await Promise.all([
    p().redisClient.pipeline([command]),
    p().vestaClient.pipeline([command]),
  ]);
  const header = (reply: string): string => reply.slice(0, reply.indexOf('\r\n'));
  assert.equal(header(actual[0] as string), header(expected[0] as string), JSON.stringify(command));
  const picks = bulkItems(actual[0] as string);
  assert.equal(picks.length, expectedCount, JSON.stringify(command));
  for (const member of picks) assert.ok(universe.has(member), `${member} is a member`);
  if (distinct) assert.equal(new Set(picks).size, picks.length, 'distinct picks');
  return picks;
}

test('sscan iterates a hashtable set completely, with MATCH', async (t) => {
  if (!requireRedis(t)) return;
  await same(p(), [['FLUSHALL'], ['SADD', 's', ...integers(1000)]]);
  for (const [match, expectedCount] of [[null, 1000], ['1*', 111]] as const) {
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const filter = match === null ? [] : ['MATCH', match];
      const command = ['SSCAN', 's', cursor, 'COUNT', '50', ...filter];
      const [reply] = await p().vestaClient.pipeline([command]);
      const [next, items] = parseReply(reply as string) as [string, string[]];
      for (const item of items) seen.add(item);
      cursor = next;
      calls++;
    } while (cursor !== '0' && calls < 1000);
    assert.equal(cursor, '0');
    assert.equal(seen.size, expectedCount);
    assert.ok(calls > 10, 'a hashtable set is iterated in steps');
  }
});

// ------------------------------------------------------------------------------ random sequences

const RUNS = Number(process.env['VESTA_RANDOM_RUNS'] ?? 100);

const KEYS = ['s1', 's2', 's3'];
const MEMBERS = [
  '1',
  '2',
  '3',
  '10',
  '-5',
  '007',
  'a',
  'b',
  '',
  '9223372036854775807',
  '-9223372036854775808',
];
const INTSET_MAX = 4;

const keyArb = fc.constantFrom(...KEYS);
const memberArb = fc.constantFrom(...MEMBERS);
const keysArb = fc.array(keyArb, { minLength: 1, maxLength: 3 });
const membersArb = fc.array(memberArb, { minLength: 1, maxLength: 4 });
const commandArb: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: fc.tuple(keyArb, membersArb).map(([k, ms]) => ['SADD', k, ...ms]), weight: 4 },
  fc.tuple(keyArb, membersArb).map(([k, ms]) => ['SREM', k, ...ms]),
  fc.tuple(keyArb, memberArb).map(([k, m]) => ['SISMEMBER', k, m]),
  fc.tuple(keyArb, memberArb, memberArb).map(([k, m, n]) => ['SMISMEMBER', k, m, n]),
  keyArb.map((k) => ['SCARD', k]),
  fc.tuple(keyArb, keyArb, memberArb).map(([a, b, m]) => ['SMOVE', a, b, m]),
  keyArb.map((k) => ['SMEMBERS', k]),
  keysArb.map((ks) => ['SINTER', ...ks]),
  fc
    .tuple(keysArb, fc.constantFrom('0', '1', '2'))
    .map(([ks, l]) => ['SINTERCARD', String(ks.length), ...ks, 'LIMIT', l]),
  fc.tuple(keyArb, keysArb).map(([d, ks]) => ['SINTERSTORE', d, ...ks]),
  keysArb.map((ks) => ['SUNION', ...ks]),
  fc.tuple(keyArb, keysArb).map(([d, ks]) => ['SUNIONSTORE', d, ...ks]),
  keysArb.map((ks) => ['SDIFF', ...ks]),
  fc.tuple(keyArb, keysArb).map(([d, ks]) => ['SDIFFSTORE', d, ...ks]),
  keyArb.map((k) => ['SRANDMEMBER', k, '100']),
  keyArb.map((k) => ['SPOP', k, '100']),
  keyArb.map((k) => ['SSCAN', k, '0', 'COUNT', '100']),
  keyArb.map((k) => ['OBJECT', 'ENCODING', k]),
  keyArb.map((k) => ['DEL', k]),
  keyArb.map((k) => ['SET', k, 'str']),
);

/** Commands whose reply order follows the walked sets' encodings. */
const ORDER_BY_KEYS = new Set(['SMEMBERS', 'SINTER', 'SRANDMEMBER', 'SPOP', 'SSCAN']);
/** Commands whose reply walks a result set: ordered exactly when that result is an intset. */
const ORDER_BY_RESULT = new Set(['SUNION', 'SDIFF']);

const sequenceArb = fc.array(commandArb, { minLength: 1, maxLength: 40, size: 'medium' });

for (const resp of [2, 3]) {
  test(`random set command sequences match redis (RESP${resp})`, async (t) => {
    if (!requireRedis(t)) return;
    await same(p(), [
      ['HELLO', String(resp)],
      ['CONFIG', 'SET', 'set-max-intset-entries', String(INTSET_MAX)],
    ]);
    try {
      await fc.assert(
        fc.asyncProperty(sequenceArb, async (commands) => {
          await compareSequence([['FLUSHALL'], ...commands]);
        }),
        { numRuns: RUNS },
      );
    } finally {
      await same(p(), [['CONFIG', 'SET', 'set-max-intset-entries', '512'], ['HELLO', '2']]);
    }
  });
}

/**
 * Sends a sequence with OBJECT ENCODING of every key an order-dependent read walks; the read
 * must match byte for byte when Redis says they are all intsets (or missing), and as a
 * collection otherwise. SUNION/SDIFF replies are exact when their result is an intset.
 */
async function compareSequence(commands: string[][]): Promise<void> {
  const sent: string[][] = [];
  const probes: number[] = [];
  for (const command of commands) {
    const name = command[0] as string;
    let keys: string[] = [];
    if (name === 'SINTER') keys = command.slice(1);
    else if (ORDER_BY_KEYS.has(name)) keys = [command[1] as string];
    for (const key of keys) sent.push(['OBJECT', 'ENCODING', key]);
    probes.push(keys.length);
    sent.push(command);
  }
  const [expected, actual] = await Promise.all([
    p().redisClient.pipeline(sent),
    p().vestaClient.pipeline(sent),
  ]);
  let index = 0;
  for (let i = 0; i < commands.length; i++) {
    const command = commands[i] as string[];
    const probeCount = probes[i] as number;
    let compact = true;
    for (let j = 0; j < probeCount; j++, index++) {
      const message = `reply to OBJECT ENCODING differs in ${JSON.stringify(sent)}`;
      assert.equal(actual[index], expected[index], message);
      if ((expected[index] as string).includes('hashtable')) compact = false;
    }
    const reply = expected[index] as string;
    if (ORDER_BY_RESULT.has(command[0] as string)) compact = isIntsetReply(reply);
    const message = `reply to ${JSON.stringify(command)} differs in ${JSON.stringify(sent)}`;
    if (compact) assert.equal(actual[index], reply, message);
    else assert.equal(unorderedForm(actual[index] as string), unorderedForm(reply), message);
    index++;
  }
}

/** Whether a set reply lists a set Redis would keep as an intset (so it walked it sorted). */
function isIntsetReply(reply: string): boolean {
  if (reply.startsWith('-')) return true;
  const members = bulkItems(reply);
  const int64 = (m: string): boolean =>
    /^(0|-?[1-9][0-9]{0,18})$/.test(m) && BigInt.asIntN(64, BigInt(m)) === BigInt(m);
  return members.length <= INTSET_MAX && members.every(int64);
}
