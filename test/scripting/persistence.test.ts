// Scripts and functions in persistence, with redis-server 7.0 on the other side: function
// libraries in RDB files (RDB_OPCODE_FUNCTION2) and AOF bases (FUNCTION LOAD preamble or RDB
// preamble) load both ways; a script's writes reach the AOF as the commands it ran inside
// MULTI/EXEC, the same command stream Redis writes; kill -9 in the middle of a script leaves
// none of its writes after a restart, a finished script all of them.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireRedis, startRedis, startVesta, tempDir, type RunningServer } from '../helpers/servers.js';
import { parseReply } from '../helpers/resp-client.js';
import { FAST, caughtUp, info, sleep, until } from '../replication/helpers.js';

// One function per library: Redis lists them in its dicts' (randomly seeded) hash order.
const LIB = "#!lua name=plib\nredis.register_function{function_name='pget', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}";
const LIB2 = "#!lua name=plib2\nredis.register_function('pset', function(keys, args) return redis.call('set', keys[1], args[1]) end)";

const CHECKS: (string | number)[][] = [
  ['FUNCTION', 'LIST', 'LIBRARYNAME', 'plib', 'WITHCODE'],
  ['FUNCTION', 'LIST', 'LIBRARYNAME', 'plib2', 'WITHCODE'],
  ['FCALL', 'pget', 1, 'k'],
  ['FCALL', 'pset', 1, 'k2', 'v2'],
  ['GET', 'k'],
];

async function run(server: RunningServer, commands: (string | number)[][]): Promise<string[]> {
  const c = await server.client();
  const replies = await c.pipeline(commands);
  c.close();
  return replies;
}

/** One side writes functions + data and saves; the other loads the file. */
async function rdbHandOff(writer: 'redis' | 'vesta', t: test.TestContext): Promise<void> {
  if (!requireRedis(t)) return;
  const dir = tempDir('fn-rdb-');
  const start = (kind: 'redis' | 'vesta'): Promise<RunningServer> =>
    (kind === 'redis' ? startRedis : startVesta)({ dir, args: ['--rdbcompression', 'yes'] });
  const first = await start(writer);
  await run(first, [['FUNCTION', 'LOAD', LIB], ['FUNCTION', 'LOAD', LIB2], ['FCALL', 'pset', 1, 'k', 'v1']]);
  const expected = await run(first, CHECKS);
  await run(first, [['DEL', 'k2'], ['SAVE']]);
  await first.stop();
  const second = await start(writer === 'redis' ? 'vesta' : 'redis');
  try {
    assert.deepEqual(await run(second, CHECKS), expected);
  } finally {
    await second.stop();
  }
}

test('functions saved in an RDB file by Vesta load into redis-server', (t) => rdbHandOff('vesta', t));
test('functions saved in an RDB file by redis-server load into Vesta', (t) => rdbHandOff('redis', t));

function aofFiles(dir: string, suffix: string): string {
  const aofDir = join(dir, 'appendonlydir');
  return readdirSync(aofDir).filter((f) => f.endsWith(suffix)).sort()
    .map((f) => readFileSync(join(aofDir, f), 'latin1')).join('');
}

/** The commands of an AOF in RESP form, as argv lists. */
function aofCommands(text: string): string[][] {
  const out: string[][] = [];
  let pos = 0;
  while (pos < text.length) {
    const eol = text.indexOf('\r\n', pos);
    const count = Number(text.slice(pos + 1, eol));
    pos = eol + 2;
    const argv: string[] = [];
    for (let i = 0; i < count; i++) {
      const lenEnd = text.indexOf('\r\n', pos);
      const length = Number(text.slice(pos + 1, lenEnd));
      argv.push(text.slice(lenEnd + 2, lenEnd + 2 + length));
      pos = lenEnd + 2 + length + 2;
    }
    out.push(argv.map((a, i) => (i === 0 ? a.toLowerCase() : a)));
  }
  return out;
}

const SCRIPTED: (string | number)[][] = [
  ['FUNCTION', 'LOAD', LIB],
  ['FUNCTION', 'LOAD', LIB2],
  ['EVAL', "redis.call('set', KEYS[1], 'a') redis.call('incr', 'n') redis.call('rpush', 'l', 'x', 'y') return 1", 1, 'k'],
  ['EVAL', "return redis.call('get', KEYS[1])", 1, 'k'],
  ['EVAL', "redis.call('select', 2) redis.call('set', 'in2', 'x') redis.call('select', 0) redis.call('del', 'n')", 0],
  ['FCALL', 'pset', 1, 'f', 'v'],
  ['FCALL_RO', 'pget', 1, 'f'],
  ['EVAL', "redis.call('set', 'e', '1') return redis.call('incr', 'l')", 0],
  ['EVAL', "redis.call('get', 'nothing') return 0", 0],
  ['SET', 'plain', '1'],
];

test("a script's writes reach the AOF as Redis writes them (MULTI, the commands, EXEC)", async (t) => {
  if (!requireRedis(t)) return;
  const args = ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'];
  const [redis, vesta] = await Promise.all([startRedis({ args }), startVesta({ args })]);
  try {
    const [expectedReplies, actualReplies] = await Promise.all([run(redis, SCRIPTED), run(vesta, SCRIPTED)]);
    assert.deepEqual(actualReplies, expectedReplies);
    await new Promise((r) => setTimeout(r, 1200));
    const expected = aofCommands(aofFiles(redis.dir, '.incr.aof'));
    const actual = aofCommands(aofFiles(vesta.dir, '.incr.aof'));
    assert.ok(expected.some((argv) => argv[0] === 'multi'), 'redis wrapped the script');
    assert.deepEqual(actual, expected);
  } finally {
    await Promise.all([redis.stop(), vesta.stop()]);
  }
});

for (const preamble of ['yes', 'no']) {
  for (const writer of ['vesta', 'redis'] as const) {
    test(`an AOF rewritten by ${writer} (aof-use-rdb-preamble ${preamble}) brings its functions to the other`, async (t) => {
      if (!requireRedis(t)) return;
      const dir = tempDir('fn-aof-');
      const args = ['--appendonly', 'yes', '--aof-use-rdb-preamble', preamble];
      const start = (kind: 'redis' | 'vesta'): Promise<RunningServer> =>
        (kind === 'redis' ? startRedis : startVesta)({ dir, args });
      const first = await start(writer);
      await run(first, [['FUNCTION', 'LOAD', LIB], ['FUNCTION', 'LOAD', LIB2], ['FCALL', 'pset', 1, 'k', 'v1'], ['BGREWRITEAOF']]);
      await new Promise((r) => setTimeout(r, 1500));
      if (preamble === 'no') assert.match(aofFiles(dir, '.base.aof'), /FUNCTION\r\n\$4\r\nLOAD/i);
      const expected = await run(first, CHECKS);
      await run(first, [['DEL', 'k2']]);
      await first.stop();
      const second = await start(writer === 'redis' ? 'vesta' : 'redis');
      try {
        assert.deepEqual(await run(second, CHECKS), expected);
      } finally {
        await second.stop();
      }
    });
  }
}

test('kill -9 during a script leaves none of its writes; a finished script leaves all', async (t) => {
  if (!requireRedis(t)) return;
  const dir = tempDir('fn-kill-');
  const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--busy-reply-threshold', '50'];
  const vesta = await startVesta({ dir, args });
  const done = await run(vesta, [['EVAL', "redis.call('set', 'a', '1') redis.call('set', 'b', '2') return 1", 0]]);
  assert.deepEqual(done, [':1\r\n']);
  const c = await vesta.client();
  const pending = c.call('EVAL', "redis.call('set', 'c', '3') redis.call('incr', 'a') while true do end", 0).catch(() => 'closed');
  await new Promise((r) => setTimeout(r, 500));
  // The script is suspended past the threshold (other clients are refused) when it dies.
  const probe = await vesta.client();
  assert.match(await probe.call('PING'), /^-BUSY /);
  probe.close();
  await vesta.kill();
  await pending;
  c.close();
  const restarted = await startVesta({ dir, args });
  try {
    const replies = await run(restarted, [['MGET', 'a', 'b', 'c']]);
    assert.deepEqual(parseReply(replies[0] as string), ['1', '2', null]);
  } finally {
    await restarted.stop();
  }
});

// redis.set_repl: REPL_NONE writes reach neither the AOF nor replicas, REPL_AOF only the AOF,
// REPL_REPLICA only replicas; MULTI/EXEC wrap each stream when the script propagated two or more.
const SET_REPL = [
  "redis.set_repl(redis.REPL_NONE) redis.call('set', 'none', '1')",
  "redis.set_repl(redis.REPL_AOF) redis.call('set', 'aof', '1')",
  "redis.set_repl(redis.REPL_REPLICA) redis.call('set', 'replica', '1')",
  "redis.set_repl(redis.REPL_SLAVE) redis.call('incr', 'replica2')",
  "redis.set_repl(redis.REPL_ALL) redis.call('set', 'all', '1')",
  'return 1',
].join('\n');
const SET_REPL_RUN: (string | number)[][] = [
  ['EVAL', SET_REPL, 0],
  ['EVAL', "redis.set_repl(redis.REPL_AOF) redis.call('set', 'aofonly', '2')", 0],
  ['EVAL', "redis.set_repl(redis.REPL_NONE) redis.call('set', 'nowhere', '2')", 0],
  ['SET', 'plain', '1'],
  ['KEYS', '*'],
];

async function setReplStreams(kind: 'redis' | 'vesta'): Promise<{ replies: string[]; aof: string[][]; replica: string[] }> {
  const master = await (kind === 'redis' ? startRedis : startVesta)({ args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'] });
  const replica = await startRedis({ args: [...FAST, '--replicaof', '127.0.0.1', String(master.port)] });
  try {
    const m = await master.client();
    const r = await replica.client();
    await until('the replica link', async () => (await info(r, 'replication', 'master_link_status')) === 'up');
    const replies = await m.pipeline(SET_REPL_RUN);
    await caughtUp(m, r);
    const keys = (parseReply(await r.call('KEYS', '*')) as string[]).sort();
    m.close();
    r.close();
    await sleep(1200);
    return { replies, aof: aofCommands(aofFiles(master.dir, '.incr.aof')), replica: keys };
  } finally {
    await Promise.all([master.stop(), replica.stop()]);
  }
}

test('redis.set_repl decides what reaches the AOF and the replicas, as in Redis', async (t) => {
  if (!requireRedis(t)) return;
  const [expected, actual] = await Promise.all([setReplStreams('redis'), setReplStreams('vesta')]);
  assert.deepEqual(expected.replica, ['all', 'plain', 'replica', 'replica2']);
  assert.ok(expected.aof.some((argv) => argv[1] === 'aofonly'));
  assert.deepEqual(actual.replies.slice(0, 4), expected.replies.slice(0, 4));
  assert.deepEqual(actual.replica, expected.replica);
  assert.deepEqual(actual.aof, expected.aof);
});
