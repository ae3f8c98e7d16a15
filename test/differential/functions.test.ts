// Differential corpus for Redis functions: FUNCTION LOAD / LIST / DELETE / FLUSH / DUMP /
// RESTORE / STATS / HELP and FCALL / FCALL_RO, against redis-server 7.0 and Vesta in RESP2 and
// RESP3, replies compared byte for byte.

import test from 'node:test';
import assert from 'node:assert/strict';
import { requireRedis } from '../helpers/servers.js';
import { sequenceTests, sharedPair } from '../helpers/differential.js';
import { parseReply } from '../helpers/resp-client.js';

const p = sharedPair();

const lib = (name: string, body: string): string => `#!lua name=${name}\n${body}`;
const load = (code: string, ...opts: string[]): string[] => ['FUNCTION', 'LOAD', ...opts, code];

const LIB1 = lib('lib1', [
  "redis.register_function('f1', function(keys, args) return redis.call('set', keys[1], args[1]) end)",
  "redis.register_function{function_name='f2', callback=function(keys, args) return #keys end, flags={'no-writes'}, description='desc'}",
  "redis.register_function{function_name='f3', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}}",
].join('\n'));

const REGISTER_ERRORS = [
  "redis.register_function('f')",
  "redis.register_function('f', 1)",
  "redis.register_function{function_name='f', callback=function() end, bogus=1}",
  "redis.register_function{function_name='f', callback=function() end, flags='no-writes'}",
  "error('hi')",
  'return redis.setresp(3)',
  "redis.register_function('f', function() return 1 end)\nredis.register_function('f', function() return 1 end)",
  "redis.register_function('f', function() return 1 end) local y = math.random()",
  "redis.register_function('f', function() return 1 end) local y = redis.sha1hex('a')",
  "redis.register_function('f', function() return 1 end) x = 1",
  "redis.register_function{'f', function() return 1 end}",
  "redis.register_function('f', function() return 1 end, 3)",
  "redis.register_function{function_name='f'}",
  "redis.register_function{callback=function() end}",
  "redis.register_function{function_name='f', callback=function() end, flags={3}}",
  "redis.register_function('bad name', function() return 1 end)",
  "redis.register_function('f9', function() return 1 end)\nredis.call('ping')",
  // Load-time code past 500 ms: "FUNCTION LOAD timeout" (Vesta used to spin forever).
  "redis.register_function('f', function() return 1 end)\nlocal n = 0\nwhile true do n = n + 1 end",
  'local x = +',
  '',
  "redis.log(redis.LOG_WARNING, 'loading') redis.register_function('ok', function() return redis.REDIS_VERSION end)",
];

const SEQUENCES: Record<string, (string | number)[][]> = {
  'function load and metadata errors': [
    ['FUNCTION', 'FLUSH'],
    load('return 1'),
    load('#!lua\nreturn 1'),
    load('#!lua name=\nreturn 1'),
    load('#!lua name=a b\nreturn 1'),
    load('#!lua name=x foo=bar\nreturn 1'),
    load('#!lua name=x name=y\nreturn 1'),
    load('#!js name=x\nreturn 1'),
    load('#!lua name=x'),
    load('#!lua name=a-b\nreturn 1'),
    load('#!lua  name=spaced\nredis.register_function(\'sp\', function() return 1 end)'),
    load(lib('lib1', 'return 1')),
    ['FUNCTION', 'LOAD', 'foo', LIB1],
    ['FUNCTION', 'LOAD', 'REPLACE'],
    ...REGISTER_ERRORS.map((body) => load(lib('regerr', body), 'REPLACE')),
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'regerr'],
    ['FUNCTION', 'FLUSH'],
  ],
  'function lifecycle': [
    ['FUNCTION', 'FLUSH'],
    ['FLUSHALL'],
    load(LIB1),
    load(LIB1),
    load(lib('lib2', "redis.register_function('f1', function() return 1 end)")),
    load(lib('lib2', "redis.register_function('g1', function() return 'g' end)")),
    // Redis lists libraries and functions in its dicts' (randomly seeded) hash order: only
    // one-function listings are comparable byte for byte.
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'lib2'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'lib2', 'WITHCODE'],
    ['FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'li?2'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'nomatch'],
    ['FUNCTION', 'LIST', 'foo'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME'],
    ['FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'a', 'LIBRARYNAME', 'b'],
    ['FUNCTION', 'STATS'],
    ['FCALL', 'f1', 1, 'k', 'v'],
    ['GET', 'k'],
    ['FCALL', 'f2', 2, 'a', 'b'],
    ['FCALL', 'f3', 1, 'k'],
    ['FCALL_RO', 'f1', 1, 'k', 'v'],
    ['FCALL_RO', 'f2', 0],
    ['FCALL_RO', 'f3', 1, 'k'],
    ['FCALL', 'g1', 0],
    ['FCALL', 'nope', 0],
    ['FCALL', 'f1', -1],
    ['FCALL', 'f1', 5],
    ['FCALL', 'f1', 'x'],
    ['FCALL', 'f2'],
    ['EVAL', "return redis.call('fcall', 'f2', 0)", 0],
    load(lib('lib2', "redis.register_function('g2', function() return 'g2' end)"), 'REPLACE'),
    ['FCALL', 'g1', 0],
    ['FCALL', 'g2', 0],
    ['FUNCTION', 'DELETE', 'lib2'],
    ['FUNCTION', 'DELETE', 'lib2'],
    ['FUNCTION', 'DELETE'],
    ['FCALL', 'g2', 0],
    ['FUNCTION', 'FLUSH', 'foo'],
    ['FUNCTION', 'FLUSH', 'ASYNC'],
    ['FUNCTION', 'LIST'],
    ['FUNCTION', 'STATS'],
    ['FUNCTION', 'STATS', 'x'],
    ['FUNCTION', 'HELP'],
    ['FUNCTION', 'KILL'],
    ['FUNCTION', 'NOPE'],
  ],
  'functions at run time': [
    ['FUNCTION', 'FLUSH'],
    load(lib('rt', [
      "redis.register_function('globals', function() return {type(math), type(string), type(cjson), type(redis.call)} end)",
      "redis.register_function('setglobal', function() x = 1 end)",
      "redis.register_function('readglobal', function() return undefined_thing end)",
      "redis.register_function('err', function() error('fn err') end)",
      "redis.register_function('callerr', function() return redis.call('nope') end)",
      "redis.register_function('resp3', function() redis.setresp(3) return redis.call('hgetall', 'nohash') end)",
      "redis.register_function('args', function(keys, args) return {keys, args} end)",
    ].join('\n'))),
    ['FCALL', 'globals', 0],
    ['FCALL', 'setglobal', 0],
    ['FCALL', 'readglobal', 0],
    ['FCALL', 'err', 0],
    ['FCALL', 'callerr', 0],
    ['FCALL', 'resp3', 0],
    ['FCALL', 'args', 2, 'k1', 'k2', 'a1'],
    ['FUNCTION', 'FLUSH'],
  ],
  'function restore errors': [
    ['FUNCTION', 'RESTORE', 'xx'],
    ['FUNCTION', 'RESTORE', '\xf5'],
    ['FUNCTION', 'RESTORE', 'x', 'foo'],
    ['FUNCTION', 'RESTORE', 'x', 'FLUSH', 'extra'],
  ],
};

sequenceTests(p, SEQUENCES);

// Vesta's LZF compressor is not liblzf's (same format, other bytes), so payloads are compared
// uncompressed; compressed ones must still restore on the other server.
test('FUNCTION DUMP payloads are byte-identical and restore on the other server', async (t) => {
  if (!requireRedis(t)) return;
  const { redisClient, vestaClient } = p();
  for (const client of [redisClient, vestaClient]) await client.pipeline([['CONFIG', 'SET', 'rdbcompression', 'no']]);
  // One library: Redis dumps libraries in its dict's hash order.
  const setup = [['FUNCTION', 'FLUSH'], load(lib('other', "redis.register_function('o1', function() return 'o' end)\n-- " + 'x'.repeat(200)))];
  await redisClient.pipeline(setup);
  await vestaClient.pipeline(setup);
  const [fromRedis] = await redisClient.pipeline([['FUNCTION', 'DUMP']]);
  const [fromVesta] = await vestaClient.pipeline([['FUNCTION', 'DUMP']]);
  assert.equal(fromVesta, fromRedis);
  const payload = (fromRedis as string).split('\r\n').slice(1, -1).join('\r\n');
  for (const policy of [[], ['APPEND'], ['REPLACE'], ['FLUSH']]) {
    const cmds = [['FUNCTION', 'RESTORE', payload, ...policy], ['FCALL', 'o1', 0], ['FUNCTION', 'LIST', 'WITHCODE']];
    const expected = await redisClient.pipeline(cmds);
    const actual = await vestaClient.pipeline(cmds);
    assert.deepEqual(actual, expected, `RESTORE ${policy.join(' ')}`);
  }
  const flushThenRestore = [['FUNCTION', 'FLUSH'], ['FUNCTION', 'RESTORE', payload], ['FCALL', 'o1', 0]];
  assert.deepEqual(await vestaClient.pipeline(flushThenRestore), await redisClient.pipeline(flushThenRestore));
  // Compressed payloads, each restored on the other server.
  for (const client of [redisClient, vestaClient]) await client.pipeline([['CONFIG', 'SET', 'rdbcompression', 'yes']]);
  const payloadOf = (reply: string | undefined): string => (reply as string).split('\r\n').slice(1, -1).join('\r\n');
  const [redisDump] = await redisClient.pipeline([['FUNCTION', 'DUMP']]);
  const [vestaDump] = await vestaClient.pipeline([['FUNCTION', 'DUMP']]);
  const cross = (dump: string | undefined) => [['FUNCTION', 'FLUSH'], ['FUNCTION', 'RESTORE', payloadOf(dump)], ['FCALL', 'o1', 0], ['FUNCTION', 'LIST', 'WITHCODE']];
  assert.deepEqual(await vestaClient.pipeline(cross(redisDump)), await redisClient.pipeline(cross(vestaDump)));
});

/**
 * FUNCTION LIST with its libraries and each library's functions sorted by name: Redis walks
 * its dicts in siphash order with a seed random per process (two redis-server runs list the
 * same libraries in different orders), so only the contents are comparable.
 */
function sortedListing(reply: string): string {
  const byName = (a: unknown, b: unknown): number => {
    const name = (x: unknown): string => String((x as unknown[])[1]);
    return name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0;
  };
  const libs = (parseReply(reply) as unknown[][]).map((lib) => lib.map((v, i) =>
    lib[i - 1] === 'functions' ? [...(v as unknown[])].sort(byName) : v));
  return JSON.stringify(libs.sort(byName));
}

test('several libraries: FUNCTION LIST, STATS and a DUMP restored across servers agree as sets', async (t) => {
  if (!requireRedis(t)) return;
  const { redisClient, vestaClient } = p();
  const setup = [['FUNCTION', 'FLUSH'], ...['alpha', 'beta', 'gamma', 'delta', 'eps'].map((name) =>
    load(lib(name, ['a', 'b', 'c'].map((f) => `redis.register_function('${name}_${f}', function() return '${f}' end)`).join('\n'))))];
  await redisClient.pipeline(setup);
  await vestaClient.pipeline(setup);
  const queries = [['FUNCTION', 'LIST'], ['FUNCTION', 'LIST', 'WITHCODE'], ['FUNCTION', 'LIST', 'LIBRARYNAME', '*a*']];
  const expected = await redisClient.pipeline(queries);
  const actual = await vestaClient.pipeline(queries);
  assert.equal((parseReply(expected[0] as string) as unknown[]).length, 5);
  assert.deepEqual(actual.map(sortedListing), expected.map(sortedListing));
  assert.deepEqual(await vestaClient.pipeline([['FUNCTION', 'STATS']]), await redisClient.pipeline([['FUNCTION', 'STATS']]));
  // Each server's DUMP restores on the other with the same libraries.
  const payloadOf = (reply: string | undefined): string => (reply as string).split('\r\n').slice(1, -1).join('\r\n');
  const [redisDump] = await redisClient.pipeline([['FUNCTION', 'DUMP']]);
  const [vestaDump] = await vestaClient.pipeline([['FUNCTION', 'DUMP']]);
  const restore = (dump: string | undefined) => [['FUNCTION', 'RESTORE', payloadOf(dump), 'FLUSH'], ['FUNCTION', 'LIST', 'WITHCODE'], ['FCALL', 'gamma_b', 0]];
  const onVesta = await vestaClient.pipeline(restore(redisDump));
  const onRedis = await redisClient.pipeline(restore(vestaDump));
  assert.deepEqual([onVesta[0], sortedListing(onVesta[1] as string), onVesta[2]], [onRedis[0], sortedListing(onRedis[1] as string), onRedis[2]]);
  assert.equal(sortedListing(onVesta[1] as string), sortedListing(expected[1] as string));
});
