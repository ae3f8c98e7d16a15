// Differential tests for lazy freeing: the same deletions, overwrites, expiries, evictions and
// flushes on redis-server 7.0 and Vesta, replies compared byte for byte, and after every step
// INFO's lazyfreed_objects compared once lazyfree_pending_objects is back to 0 on both. Values
// sit just below and just above Redis's threshold (a free effort of 64: quicklist nodes of a
// list, elements of a hashtable hash/set and a skiplist zset, radix nodes and groups of a
// stream), and each case also checks the count Redis's rules give (lazyfree.c, db.c).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { same, sharedPair, type Pair } from '../helpers/differential.js';
import type { RespClient } from '../helpers/resp-client.js';
import { requireRedis } from '../helpers/servers.js';

const p = sharedPair();

type Command = (string | number)[];

/** lazyfreed_objects once lazyfree_pending_objects is 0. */
async function lazyfreed(client: RespClient): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const info = await client.call('INFO', 'memory');
    const pending = /lazyfree_pending_objects:(\d+)/.exec(info);
    const freed = /lazyfreed_objects:(\d+)/.exec(info);
    assert.ok(pending !== null && freed !== null, `INFO memory lacks the lazyfree fields: ${info}`);
    if (pending[1] === '0') return Number(freed[1]);
    await sleep(5);
  }
  throw new Error('lazyfree_pending_objects never went back to 0');
}

/** In a step's commands: wait this long (for keys to expire) before the rest. */
const PAUSE = { pauseMs: 20 };

/**
 * Runs `commands` on both servers (replies compared), then checks that lazyfreed_objects grew
 * by the same amount on both, and by `expected` on Redis.
 */
async function step(pair: Pair, label: string, commands: (Command | typeof PAUSE)[], expected: number): Promise<void> {
  const [redisBefore, vestaBefore] = await Promise.all([lazyfreed(pair.redisClient), lazyfreed(pair.vestaClient)]);
  let batch: Command[] = [];
  for (const command of [...commands, PAUSE]) {
    if (!Array.isArray(command)) {
      await same(pair, batch, label);
      await sleep(command.pauseMs);
      batch = [];
    } else {
      batch.push(command);
    }
  }
  const [redisAfter, vestaAfter] = await Promise.all([lazyfreed(pair.redisClient), lazyfreed(pair.vestaClient)]);
  assert.equal(redisAfter - redisBefore, expected, `${label}: redis-server freed ${redisAfter - redisBefore} in the background`);
  assert.equal(vestaAfter - vestaBefore, redisAfter - redisBefore, `${label}: lazyfreed_objects grew by ` +
    `${vestaAfter - vestaBefore} on Vesta, ${redisAfter - redisBefore} on redis-server`);
}

/** Small encodings end at 16 elements; a list node holds 2 elements (so n elements: n/2 nodes). */
const RESET: Command[] = [
  ['CONFIG', 'SET', 'lazyfree-lazy-user-del', 'no'],
  ['CONFIG', 'SET', 'lazyfree-lazy-user-flush', 'no'],
  ['CONFIG', 'SET', 'lazyfree-lazy-server-del', 'no'],
  ['CONFIG', 'SET', 'lazyfree-lazy-expire', 'no'],
  ['CONFIG', 'SET', 'lazyfree-lazy-eviction', 'no'],
  ['CONFIG', 'SET', 'list-max-listpack-size', '2'],
  ['CONFIG', 'SET', 'hash-max-listpack-entries', '16'],
  ['CONFIG', 'SET', 'set-max-intset-entries', '16'],
  ['CONFIG', 'SET', 'zset-max-listpack-entries', '16'],
  ['CONFIG', 'SET', 'stream-node-max-entries', '1'],
  ['CONFIG', 'SET', 'maxmemory', '0'],
  ['SCRIPT', 'FLUSH', 'SYNC'],
  ['FUNCTION', 'FLUSH', 'SYNC'],
  ['FLUSHALL', 'SYNC'],
  ['CONFIG', 'RESETSTAT'],
];

function range(n: number, prefix = ''): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

const list = (key: string, n: number): Command => ['RPUSH', key, ...range(n, 'e')];
const hash = (key: string, n: number): Command => ['HSET', key, ...range(n, 'f').flatMap((f) => [f, 'v'])];
const set = (key: string, n: number): Command => ['SADD', key, ...range(n)];
const zset = (key: string, n: number): Command => ['ZADD', key, ...range(n, 'm').flatMap((m, i) => [i, m])];
/** A stream of n entries, one per macro node (stream-node-max-entries 1). */
const stream = (key: string, n: number): Command[] =>
  range(n).map((_, i) => ['XADD', key, `${i + 1}-1`, 'f', 'v']);

async function reset(pair: Pair): Promise<void> {
  await same(pair, RESET, 'reset');
}

test('UNLINK frees in the background only above a free effort of 64, counted once per value', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  // 128 elements in 2-element nodes: 64 nodes, freed on the spot; 129: 65 nodes.
  await step(pair, 'list of 64 nodes', [list('l', 128), ['OBJECT', 'ENCODING', 'l'], ['UNLINK', 'l']], 0);
  await step(pair, 'list of 65 nodes', [list('l', 129), ['UNLINK', 'l']], 1);
  await step(pair, 'hashtable hash of 64', [hash('h', 64), ['OBJECT', 'ENCODING', 'h'], ['UNLINK', 'h']], 0);
  await step(pair, 'hashtable hash of 65', [hash('h', 65), ['UNLINK', 'h']], 1);
  await step(pair, 'hashtable set of 64', [set('s', 64), ['OBJECT', 'ENCODING', 's'], ['UNLINK', 's']], 0);
  await step(pair, 'hashtable set of 65', [set('s', 65), ['UNLINK', 's']], 1);
  await step(pair, 'skiplist zset of 64', [zset('z', 64), ['OBJECT', 'ENCODING', 'z'], ['UNLINK', 'z']], 0);
  await step(pair, 'skiplist zset of 65', [zset('z', 65), ['UNLINK', 'z']], 1);
  // Small encodings and strings are one allocation whatever their size.
  await step(pair, 'listpack hash, intset, big string', [
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'], ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
    hash('h', 300), set('s', 300), ['SET', 'str', 'x'.repeat(100000)],
    ['OBJECT', 'ENCODING', 'h'], ['OBJECT', 'ENCODING', 's'], ['UNLINK', 'h', 's', 'str', 'missing'],
  ], 0);
  await step(pair, 'several big values in one UNLINK', [
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '16'], ['CONFIG', 'SET', 'set-max-intset-entries', '16'],
    hash('h', 100), set('s', 100), list('l', 300), ['UNLINK', 'h', 's', 'l'],
  ], 3);
});

test('a list counts quicklist nodes as list-max-listpack-size fills them (bytes or entries)', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  // -2: 8 KiB nodes. 100-byte elements: 79 per node (Redis assumes 8 bytes of overhead per
  // entry): 64 nodes hold 5056.
  const big = (n: number): Command => ['RPUSH', 'l', ...range(n).map((i) => 'x'.repeat(96) + String(i).padStart(4, '0'))];
  await step(pair, '8 KiB nodes, 64 of them', [['CONFIG', 'SET', 'list-max-listpack-size', '-2'], big(5056), ['UNLINK', 'l']], 0);
  await step(pair, '8 KiB nodes, 65 of them', [big(5057), ['UNLINK', 'l']], 1);
  // -1: 4 KiB nodes, integers (stored in 1 to 9 bytes) between 200-byte strings.
  const mixed = (n: number): Command =>
    ['RPUSH', 'l', ...range(n).map((_, i) => (i % 2 === 1 ? String(i * 1000003) : 'y'.repeat(200)))];
  await step(pair, '4 KiB nodes, 64 of them', [['CONFIG', 'SET', 'list-max-listpack-size', '-1'], mixed(2432), ['UNLINK', 'l']], 0);
  await step(pair, '4 KiB nodes, 65 of them', [mixed(2433), ['UNLINK', 'l']], 1);
  // SORT ... STORE makes its list with quicklist's default fill (-2), whatever the directive
  // says, and COPY keeps it: 300 short elements stay in one node.
  await step(pair, 'a SORT ... STORE list', [['CONFIG', 'SET', 'list-max-listpack-size', '2'], list('l', 300),
    ['SORT', 'l', 'ALPHA', 'STORE', 's'], ['RPUSH', 's', ...range(100)], ['COPY', 's', 'c'], ['UNLINK', 's', 'c', 'l']], 1);
  await step(pair, '5 entries per node, pushed at the head', [['CONFIG', 'SET', 'list-max-listpack-size', '5'],
    ['LPUSH', 'l', ...range(320)], ['UNLINK', 'l'], ['LPUSH', 'l', ...range(321)], ['UNLINK', 'l']], 1);
});

test('a stream counts its radix tree nodes and groups times the first group\'s PEL', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  // 31 macro nodes make a radix tree of 64 nodes; 32 make 66.
  await step(pair, 'stream of 31 nodes', [...stream('x', 31), ['XINFO', 'STREAM', 'x'], ['UNLINK', 'x']], 0);
  await step(pair, 'stream of 32 nodes', [...stream('x', 32), ['UNLINK', 'x']], 1);
  // 10 nodes: 22 radix nodes. 4 groups whose first (by name) has 10 pending: 22 + 4 * 11.
  const groups = (pendingInFirst: boolean): Command[] => [
    ...stream('x', 10),
    ...['a', 'b', 'c', 'd'].map((g): Command => ['XGROUP', 'CREATE', 'x', g, '0']),
    ...(pendingInFirst ? ['a'] : ['b', 'c', 'd']).map((g): Command =>
      ['XREADGROUP', 'GROUP', g, 'c', 'COUNT', 10, 'STREAMS', 'x', '>']),
  ];
  await step(pair, 'first group with a PEL', [...groups(true), ['UNLINK', 'x']], 1);
  // Only the first group's PEL is looked at: 22 + 4 * 1.
  await step(pair, 'PELs only in later groups', [...groups(false), ['UNLINK', 'x']], 0);
});

test('DEL frees lazily only with lazyfree-lazy-user-del', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  await step(pair, 'DEL, lazy-user-del no', [hash('h', 100), list('l', 200), ['DEL', 'h', 'l']], 0);
  await step(pair, 'DEL, lazy-user-del yes', [['CONFIG', 'SET', 'lazyfree-lazy-user-del', 'yes'],
    hash('h', 100), list('l', 200), zset('z', 10), ['DEL', 'h', 'l', 'z']], 2);
});

test('FLUSHALL/FLUSHDB ASYNC count the keys of the emptied dbs; lazyfree-lazy-user-flush picks the default', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  const fill: Command[] = [['MSET', 'a', 1, 'b', 2, 'c', 3], ['SELECT', 1], set('s', 100), ['SELECT', 0]];
  await step(pair, 'FLUSHALL ASYNC', [...fill, ['FLUSHALL', 'ASYNC']], 4);
  await step(pair, 'FLUSHDB ASYNC', [...fill, ['FLUSHDB', 'ASYNC'], ['DBSIZE']], 3);
  await step(pair, 'FLUSHALL, lazy-user-flush no', [...fill, ['FLUSHALL']], 0);
  await step(pair, 'FLUSHALL ASYNC of nothing', [['FLUSHALL', 'ASYNC']], 0);
  await step(pair, 'FLUSHALL, lazy-user-flush yes', [['CONFIG', 'SET', 'lazyfree-lazy-user-flush', 'yes'],
    ...fill, ['FLUSHALL']], 4);
  await step(pair, 'FLUSHDB, lazy-user-flush yes', [...fill, ['FLUSHDB']], 3);
  await step(pair, 'FLUSHALL SYNC, lazy-user-flush yes', [...fill, ['FLUSHALL', 'SYNC']], 0);
});

test('SCRIPT FLUSH and FUNCTION FLUSH free more than 64 scripts or functions in the background', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  const scripts = (n: number): Command[] => range(n).map((i): Command => ['SCRIPT', 'LOAD', `return ${i}`]);
  await step(pair, '64 scripts', [...scripts(64), ['SCRIPT', 'FLUSH', 'ASYNC']], 0);
  await step(pair, '65 scripts', [...scripts(64), ['EVAL', 'return 1000', 0], ['SCRIPT', 'FLUSH', 'ASYNC']], 65);
  await step(pair, '65 scripts, sync', [...scripts(65), ['SCRIPT', 'FLUSH']], 0);
  const library = (n: number): Command => ['FUNCTION', 'LOAD',
    `#!lua name=lib\n${range(n).map((i) => `redis.register_function('f${i}', function() return 1 end)`).join('\n')}`];
  await step(pair, '64 functions', [library(64), ['FUNCTION', 'FLUSH', 'ASYNC']], 0);
  await step(pair, '65 functions', [library(65), ['FUNCTION', 'FLUSH', 'ASYNC']], 65);
  await step(pair, 'default modes with lazy-user-flush yes', [['CONFIG', 'SET', 'lazyfree-lazy-user-flush', 'yes'],
    library(70), ['FUNCTION', 'FLUSH'], ...scripts(66), ['SCRIPT', 'FLUSH']], 136);
});

test('lazyfree-lazy-server-del: overwrites and implicit deletions of big values', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  const overwrites: Command[] = [
    ['MSET', 'str', 'a', 'str2', 'b'], ['RPUSH', 'n', 3, 1, 2],
    hash('h', 100), ['SET', 'h', 'v'], // SET over a big hash
    set('s', 100), ['RENAME', 'str', 's'], // RENAME over a big set
    list('src', 200), ['RENAME', 'src', 'dst'], // the value moves on: nothing freed
    ['MOVE', 'dst', 1], // moves on too
    zset('z', 100), ['COPY', 'str2', 'z', 'REPLACE'], // COPY over a big zset
    set('u', 100), ['SUNIONSTORE', 'u', 'nothing'], // an empty result deletes the destination
    // The whole set: SUNION's copy it replies from, then the set itself.
    set('p', 100), ['EVAL', "return #redis.call('SPOP', KEYS[1], 1000)", 1, 'p'],
    list('sorted', 200), ['SORT', 'n', 'STORE', 'sorted'], // SORT STORE over a big list
    ['SELECT', 1], ['FLUSHDB'], ['SELECT', 0],
  ];
  await step(pair, 'server deletions, lazy-server-del no', overwrites, 0);
  await step(pair, 'server deletions, lazy-server-del yes', [['CONFIG', 'SET', 'lazyfree-lazy-server-del', 'yes'],
    ['FLUSHALL'], ...overwrites], 7);
  await step(pair, 'RESTORE REPLACE over a big hash', [hash('r', 100), ['SET', 'src', 'x'],
    ['EVAL', "return redis.call('RESTORE', KEYS[1], 0, redis.call('DUMP', KEYS[2]), 'REPLACE')", 2, 'r', 'src']], 1);
  // The result set SUNION and SDIFF reply from is freed as a server deletion too (SINTER
  // builds none): a union of 80 and a difference of 90 count, a difference of 60 does not.
  await step(pair, 'SUNION and SDIFF replies', [set('a', 60), ['SADD', 'b', ...range(20, 'x')],
    ['EVAL', "return {#redis.call('SUNION', 'a', 'b'), #redis.call('SDIFF', 'a', 'nothing'), #redis.call('SINTER', 'a', 'a')}", 0],
    ['SADD', 'a', ...range(30, 'y')], ['EVAL', "return #redis.call('SDIFF', 'a', 'b')", 0]], 2);
  // SPOP of most of a set keeps the rest in a new set and drops the old one (the popped).
  await step(pair, 'SPOP of most of a set', [set('p', 100),
    ['EVAL', "return #redis.call('SPOP', KEYS[1], 90)", 1, 'p'], ['SCARD', 'p']], 1);
  // SORT holds the value it sorts: storing into the same key frees nothing lazily.
  await step(pair, 'SORT into itself', [list('l', 200), ['SORT', 'l', 'ALPHA', 'STORE', 'l'],
    ['SORT', 'l', 'BY', 'nosort', 'STORE', 'l'], ['LLEN', 'l'], ['SORT', 'l', 'LIMIT', 0, 0, 'STORE', 'l']], 0);
  await step(pair, 'small values are freed on the spot', [hash('h', 10), ['SET', 'h', 'v'], list('l', 20), ['SET', 'l', 'v']], 0);
});

test('lazyfree-lazy-expire: expired keys and EXPIRE in the past', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  await step(pair, 'EXPIRE 0, lazy-expire no', [hash('h', 100), ['EXPIRE', 'h', 0]], 0);
  await step(pair, 'EXPIRE 0, lazy-expire yes', [['CONFIG', 'SET', 'lazyfree-lazy-expire', 'yes'],
    hash('h', 100), ['EXPIRE', 'h', 0], list('l', 200), ['PEXPIREAT', 'l', 1]], 2);
  // Touching them expires them (or the active cycle already did): freed in the background.
  await step(pair, 'keys that expire', [hash('h', 100), set('s', 100), set('small', 5),
    ['PEXPIRE', 'h', 1], ['PEXPIRE', 's', 1], ['PEXPIRE', 'small', 1], PAUSE, ['EXISTS', 'h', 's', 'small']], 2);
  await step(pair, 'keys that expire, lazy-expire no', [['CONFIG', 'SET', 'lazyfree-lazy-expire', 'no'],
    hash('h', 100), ['PEXPIRE', 'h', 1], PAUSE, ['EXISTS', 'h']], 0);
});

test('lazyfree-lazy-eviction: evicted big values', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  // Both servers use more than 1 byte: any write evicts every key first.
  const evictAll: Command[] = [hash('h', 100), set('s', 100), ['SET', 'k', 'v'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random'], ['CONFIG', 'SET', 'maxmemory', 1],
    ['SET', 'x', 'y'], ['CONFIG', 'SET', 'maxmemory', 0], ['DBSIZE']];
  await step(pair, 'eviction, lazy-eviction no', evictAll, 0);
  await step(pair, 'eviction, lazy-eviction yes', [['CONFIG', 'SET', 'lazyfree-lazy-eviction', 'yes'], ...evictAll], 2);
  await same(pair, [['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']]);
});

test('an async flush frees a tracking table of more than 64 radix nodes, counted as its keys', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  const [redisTracker, vestaTracker] = await Promise.all([pair.redis.client(), pair.vesta.client()]);
  try {
    const track = async (keys: string[]): Promise<void> => {
      const commands: Command[] = [['CLIENT', 'TRACKING', 'ON'], ...keys.map((k): Command => ['GET', k])];
      const [r, v] = await Promise.all([redisTracker.pipeline(commands), vestaTracker.pipeline(commands)]);
      assert.deepEqual(v, r);
    };
    // 40 keys in 81 radix nodes: counted; 10 keys in 12 nodes: not.
    await track(Array.from({ length: 40 }, (_, i) => `${String.fromCharCode(65 + i)}x`));
    await step(pair, 'FLUSHDB ASYNC, 40 tracked keys', [['SET', 'a', 1], ['FLUSHDB', 'ASYNC']], 41);
    await track(range(10, 't'));
    await step(pair, 'FLUSHALL ASYNC, 10 tracked keys', [['SET', 'a', 1], ['FLUSHALL', 'ASYNC']], 1);
    await track(range(70, 'k'));
    await step(pair, 'FLUSHALL SYNC, 70 tracked keys', [['FLUSHALL', 'SYNC']], 0);
  } finally {
    redisTracker.close();
    vestaTracker.close();
  }
});

test('CONFIG RESETSTAT zeroes lazyfreed_objects', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  await step(pair, 'one freed', [hash('h', 100), ['UNLINK', 'h']], 1);
  await same(pair, [['CONFIG', 'RESETSTAT']]);
  const [r, v] = await Promise.all([lazyfreed(pair.redisClient), lazyfreed(pair.vestaClient)]);
  assert.equal(r, 0);
  assert.equal(v, 0);
});

test('DEBUG OBJECT reports the quicklist node layout redis-server has', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await reset(pair);
  const layout = async (client: RespClient): Promise<string> => {
    const reply = await client.call('DEBUG', 'OBJECT', 'l');
    return /ql_nodes:\d+ ql_avg_node:\S+ ql_listpack_max:\S+/.exec(reply)?.[0] ?? reply;
  };
  const builds: [string, Command[]][] = [
    ['-2, 100-byte elements', [['CONFIG', 'SET', 'list-max-listpack-size', '-2'], ['RPUSH', 'l', ...range(1000, 'x'.repeat(97))]]],
    ['-3, integers and strings', [['CONFIG', 'SET', 'list-max-listpack-size', '-3'],
      ['RPUSH', 'l', ...range(3000).map((_, i) => (i % 3 === 0 ? 'z'.repeat(i % 300) : String(i * 7919 - 10000)))]]],
    ['7 per node, at the head', [['CONFIG', 'SET', 'list-max-listpack-size', '7'], ['LPUSH', 'l', ...range(789)]]],
    ['a SORT ... STORE list', [['CONFIG', 'SET', 'list-max-listpack-size', '1'], ['RPUSH', 'src', ...range(50)],
      ['SORT', 'src', 'STORE', 'l']]],
  ];
  for (const [label, commands] of builds) {
    await same(pair, [['DEL', 'l'], ...commands], label);
    const [r, v] = await Promise.all([layout(pair.redisClient), layout(pair.vestaClient)]);
    assert.equal(v, r, `${label}: DEBUG OBJECT's quicklist fields`);
  }
});
