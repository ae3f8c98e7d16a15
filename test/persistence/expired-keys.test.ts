// Keys past their expire time that are not deleted yet (active expiry off, nobody read them):
// Redis 7.0 writes them into SAVE/BGSAVE dumps, the AOF rewrite (command form and RDB
// preamble) and the full-sync payload; loading, a master drops them from a dump, a replica
// keeps them, and an AOF preamble always keeps them. Each case runs on redis-server and on
// Vesta and compares what redis-check-rdb / the AOF base / the loaded keyspace show.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseReply, type RespClient } from '../helpers/resp-client.js';
import { freePort, requireBinary, requireRedis, startRedis, startVesta, tempDir,
  type RunningServer } from '../helpers/servers.js';
import { until, sleep, info } from '../replication/helpers.js';
import { aofDirWith } from '../helpers/aof-dir.js';

const CHECK_RDB = '/usr/bin/redis-check-rdb';

type Start = (options: { args?: string[]; dir?: string }) => Promise<RunningServer>;
const KINDS: [string, Start][] = [['redis-server', startRedis], ['Vesta', startVesta]];

/** Two keys in db 0 and one in db 3 whose expire passed (not deleted), and two live ones. */
async function writeExpired(c: RespClient): Promise<void> {
  assert.equal(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), '+OK\r\n');
  const replies = await c.pipeline([
    ['SET', 'gone', 'v', 'PX', 30], ['HSET', 'gone-hash', 'f', 'v'], ['PEXPIRE', 'gone-hash', 30],
    ['SET', 'live', 'v'], ['SET', 'later', 'v', 'EX', 100000],
    ['SELECT', 3], ['RPUSH', 'gone-list', 'a'], ['PEXPIRE', 'gone-list', 30], ['SELECT', 0],
  ]);
  for (const r of replies) assert.ok(!r.startsWith('-'), r);
  await sleep(100);
}

/** The summary lines redis-check-rdb prints for a dump: keys read, expires, already expired. */
function checkRdb(path: string): string[] {
  const r = spawnSync(CHECK_RDB, [path], { encoding: 'latin1' });
  return r.stdout.split('\n').filter((l) => l.startsWith('[info]'));
}

async function keyspaceLine(c: RespClient): Promise<string> {
  return (parseReply(await c.call('INFO', 'keyspace')) as string).trim();
}

async function withBoth(fn: (s: RunningServer, name: string) => Promise<string[]>): Promise<string[][]> {
  const out: string[][] = [];
  for (const [name, start] of KINDS) {
    const server = await start({});
    try {
      out.push(await fn(server, name));
    } finally {
      await server.stop();
    }
  }
  return out;
}

test('SAVE and BGSAVE write keys past their expire time, as Redis does', async (t) => {
  if (!requireRedis(t) || !requireBinary(t, CHECK_RDB)) return;
  const [redis, vesta] = await withBoth(async (s) => {
    const c = await s.client();
    await writeExpired(c);
    assert.equal(await c.call('SAVE'), '+OK\r\n');
    const afterSave = checkRdb(join(s.dir, 'dump.rdb'));
    await c.call('SET', 'live2', 'v');
    assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
    await until('the BGSAVE to finish', async () => (await info(c, 'persistence', 'rdb_bgsave_in_progress')) === '0');
    const afterBgsave = checkRdb(join(s.dir, 'dump.rdb'));
    // Saving deleted nothing.
    const keyspace = await keyspaceLine(c);
    c.close();
    return [...afterSave, ...afterBgsave, keyspace];
  });
  assert.deepEqual(vesta, redis);
  assert.ok(redis?.includes('[info] 3 already expired'), String(redis));
});

test('the AOF rewrite writes keys past their expire time (commands and RDB preamble)', async (t) => {
  if (!requireRedis(t) || !requireBinary(t, CHECK_RDB)) return;
  const [redis, vesta] = await withBoth(async (s) => {
    const c = await s.client();
    await c.call('CONFIG', 'SET', 'aof-use-rdb-preamble', 'no');
    await c.call('CONFIG', 'SET', 'appendonly', 'yes');
    await until('the first rewrite', async () => (await info(c, 'persistence', 'aof_rewrite_in_progress')) === '0' &&
      (await info(c, 'persistence', 'aof_rewrite_scheduled')) === '0');
    await writeExpired(c);
    const rewrite = async (): Promise<string> => {
      assert.match(await c.call('BGREWRITEAOF'), /^\+Background append only file rewriting/);
      await until('the rewrite', async () => (await info(c, 'persistence', 'aof_rewrite_in_progress')) === '0');
      const dir = join(s.dir, 'appendonlydir');
      const base = readdirSync(dir).find((f) => f.includes('.base.'));
      assert.ok(base !== undefined);
      return join(dir, base);
    };
    // The command form: the keys and their PEXPIREAT, whatever the exact times.
    const text = readFileSync(await rewrite(), 'latin1');
    const commands = text.split('\r\n').filter((l, i, all) => i > 0 && all[i - 1]?.startsWith('$'))
      .map((l) => (/^\d{13}$/.test(l) ? '<ms>' : l)).join(' ');
    await c.call('CONFIG', 'SET', 'aof-use-rdb-preamble', 'yes');
    const preamble = checkRdb(await rewrite());
    c.close();
    return [...sortedCommands(commands), ...preamble];
  });
  assert.deepEqual(vesta, redis);
  assert.ok(redis?.includes('PEXPIREAT gone <ms>'), String(redis));
});

/** `SELECT n ...` groups of a rewritten AOF, each command as one string, sorted per group. */
function sortedCommands(words: string): string[] {
  const out: string[] = [];
  const verbs = new Set(['SELECT', 'SET', 'PEXPIREAT', 'RPUSH', 'HSET', 'HMSET']);
  let current: string[] = [];
  for (const word of words.split(' ')) {
    if (verbs.has(word) && current.length > 0) {
      out.push(current.join(' '));
      current = [];
    }
    current.push(word);
  }
  if (current.length > 0) out.push(current.join(' '));
  // Key order within a db is the dict's; compare as sets, db boundaries kept.
  const groups: string[][] = [];
  for (const cmd of out) {
    if (cmd.startsWith('SELECT')) groups.push([cmd]);
    else groups[groups.length - 1]?.push(cmd);
  }
  return groups.flatMap((g) => [g[0] as string, ...g.slice(1).sort()]);
}

test('loading a dump: a master drops expired keys, a replica keeps them; an AOF preamble keeps them', async (t) => {
  if (!requireRedis(t)) return;
  // One dump with expired keys, made by redis-server.
  const source = await startRedis({});
  const dump = join(tempDir('expired-dump-'), 'dump.rdb');
  try {
    const c = await source.client();
    await writeExpired(c);
    await c.call('SAVE');
    c.close();
    copyFileSync(join(source.dir, 'dump.rdb'), dump);
  } finally {
    await source.stop();
  }
  const deadPort = String(await freePort());
  const results: string[][] = [];
  for (const [, start] of KINDS) {
    const seen: string[] = [];
    for (const role of ['master', 'replica']) {
      const dir = tempDir('expired-load-');
      copyFileSync(dump, join(dir, 'dump.rdb'));
      const args = role === 'replica' ? ['--replicaof', '127.0.0.1', deadPort] : [];
      const s = await start({ dir, args });
      try {
        const c = await s.client();
        seen.push(`${role}: ${await c.call('DBSIZE')}`);
        c.close();
      } finally {
        await s.stop();
      }
    }
    // The same keys as an AOF preamble: loaded, then expired by the active cycle.
    const dir = tempDir('expired-aof-');
    mkdirSync(join(dir, 'appendonlydir'));
    copyFileSync(dump, join(dir, 'appendonlydir', 'appendonly.aof.1.base.rdb'));
    writeFileSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), '');
    writeFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'),
      'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    const s = await start({ dir, args: ['--appendonly', 'yes'] });
    try {
      const c = await s.client();
      await until('active expiry', async () => (await c.call('DBSIZE')) === ':2\r\n');
      seen.push(`aof preamble expired_keys: ${await info(c, 'stats', 'expired_keys')}`);
      c.close();
    } finally {
      await s.stop();
    }
    seen.push(`aof commands expired_keys: ${await loadAofCommands(start)}`);
    results.push(seen);
  }
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[0], ['master: :2\r\n', 'replica: :4\r\n', 'aof preamble expired_keys: 3',
    'aof commands expired_keys: 1']);
});

/**
 * An AOF whose commands set an expire in the past: loading keeps the key (no DEL while
 * loading, Redis's checkAlreadyExpired), then the active cycle expires it (expired_keys).
 */
async function loadAofCommands(start: Start): Promise<string> {
  const dir = aofDirWith('expired-aof-cmd-',
    [['SELECT', '0'], ['SET', 'gone', 'v'], ['PEXPIREAT', 'gone', '1000'], ['SET', 'live', 'v']]);
  const s = await start({ dir, args: ['--appendonly', 'yes'] });
  try {
    const c = await s.client();
    await until('active expiry', async () => (await c.call('DBSIZE')) === ':1\r\n');
    const expired = await info(c, 'stats', 'expired_keys');
    c.close();
    return expired;
  } finally {
    await s.stop();
  }
}

test('the full-sync payload carries keys past their expire time; the replica keeps them', async (t) => {
  if (!requireRedis(t)) return;
  const counts: string[] = [];
  for (const [, startMaster] of KINDS) {
    const master = await startMaster({ args: ['--repl-diskless-sync-delay', '0'] });
    let replica: RunningServer | null = null;
    try {
      const m = await master.client();
      await writeExpired(m);
      replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
      const r = await replica.client();
      await until('the full sync', async () => (await info(r, 'replication', 'master_link_status')) === 'up');
      counts.push(await r.call('DBSIZE'));
      m.close();
      r.close();
    } finally {
      await replica?.stop();
      await master.stop();
    }
  }
  assert.deepEqual(counts, [':4\r\n', ':4\r\n']);
});
