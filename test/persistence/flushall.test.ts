// FLUSHALL and FLUSHDB against redis-server 7.0: with save points FLUSHALL writes dump.rdb at
// once (synchronously) and leaves rdb_changes_since_last_save at 0 without counting in
// rdb_saves; with `save ""` it writes nothing and the removed keys count as changes; an empty
// FLUSHALL/FLUSHDB changes nothing but is still logged to the AOF.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseReply, type RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';

async function persistence(c: RespClient, names: string[]): Promise<string[]> {
  const text = parseReply(await c.call('INFO', 'persistence')) as string;
  return text.split('\r\n').filter((l) => names.includes(l.slice(0, l.indexOf(':'))));
}

/** Runs `body` on a fresh redis-server, then on a fresh Vesta, with the same directives. */
async function onBoth<T>(args: string[], body: (c: RespClient, s: RunningServer) => Promise<T>):
  Promise<{ redis: T; vesta: T }> {
  const out: T[] = [];
  for (const start of [startRedis, startVesta]) {
    const server = await start({ args });
    try {
      const c = await server.client();
      out.push(await body(c, server));
      c.close();
    } finally {
      await server.stop();
    }
  }
  return { redis: out[0] as T, vesta: out[1] as T };
}

test('FLUSHALL with save points saves at once: dump.rdb written, no changes left, rdb_saves kept', async (t) => {
  if (!requireRedis(t)) return;
  const seen = await onBoth(['--save', '3600 1'], async (c, s) => {
    const log: unknown[] = [];
    await c.pipeline([['SET', 'a', '1'], ['SET', 'b', '2'], ['SAVE'], ['SET', 'c', '3']]);
    rmSync(join(s.dir, 'dump.rdb'));
    log.push(await persistence(c, ['rdb_changes_since_last_save', 'rdb_saves']));
    const lastSave = Number(/rdb_last_save_time:(\d+)/.exec(parseReply(await c.call('INFO', 'persistence')) as string)?.[1]);
    // rdb_last_save_time has a one-second resolution: make the new save's time differ.
    await new Promise((r) => setTimeout(r, 1100));
    log.push(await c.call('FLUSHALL'));
    log.push(existsSync(join(s.dir, 'dump.rdb')));
    log.push(await persistence(c, ['rdb_changes_since_last_save', 'rdb_saves']));
    const info = parseReply(await c.call('INFO', 'persistence')) as string;
    log.push(Number(/rdb_last_save_time:(\d+)/.exec(info)?.[1]) > lastSave);
    // An empty FLUSHALL saves again; the dump it writes holds no keys.
    log.push(await c.call('FLUSHALL'));
    log.push(await persistence(c, ['rdb_changes_since_last_save', 'rdb_saves']));
    return log;
  });
  assert.deepEqual(seen.vesta, seen.redis);
  assert.equal(seen.redis[2], true, 'redis wrote dump.rdb');
});

test('FLUSHALL and FLUSHDB with save "": nothing written, removed keys count as changes', async (t) => {
  if (!requireRedis(t)) return;
  const seen = await onBoth([], async (c, s) => {
    const log: unknown[] = [];
    await c.pipeline([['SET', 'a', '1'], ['SET', 'b', '2'], ['SELECT', '1'], ['SET', 'c', '3'], ['SELECT', '0']]);
    log.push(await c.call('FLUSHALL'));
    log.push(await persistence(c, ['rdb_changes_since_last_save', 'rdb_saves']));
    log.push(await c.call('FLUSHALL'));
    log.push(await c.call('FLUSHALL', 'ASYNC'));
    log.push(await persistence(c, ['rdb_changes_since_last_save']));
    await c.pipeline([['SET', 'a', '1'], ['SET', 'b', '2']]);
    log.push(await c.call('FLUSHDB'));
    log.push(await c.call('FLUSHDB', 'SYNC'));
    log.push(await persistence(c, ['rdb_changes_since_last_save']));
    log.push(existsSync(join(s.dir, 'dump.rdb')));
    return log;
  });
  assert.deepEqual(seen.vesta, seen.redis);
});

test('an empty FLUSHALL or FLUSHDB is still written to the AOF', async (t) => {
  if (!requireRedis(t)) return;
  const seen = await onBoth(['--appendonly', 'yes'], async (c, s) => {
    await c.pipeline([['FLUSHALL'], ['FLUSHALL'], ['FLUSHDB'], ['SET', 'k', 'v']]);
    // The SET's reply came after the log write (appendfsync everysec writes before replying).
    const aofDir = join(s.dir, 'appendonlydir');
    const incr = readdirSync(aofDir).find((f) => f.endsWith('.incr.aof'));
    assert.ok(incr !== undefined);
    return readFileSync(join(aofDir, incr), 'latin1');
  });
  assert.equal(seen.vesta, seen.redis);
  assert.match(seen.redis, /flushall\r\n\*1\r\n\$8\r\nflushall\r\n\*1\r\n\$7\r\nflushdb/i);
});

// Operators and scripts grep the log for Redis's exact line after SAVE (and FLUSHALL's save).
test('SAVE logs "DB saved on disk" exactly as redis-server does', async (t) => {
  if (!requireRedis(t)) return;
  const [redis, vesta] = await Promise.all([startRedis(), startVesta()]);
  try {
    const lines: string[][] = [];
    for (const server of [redis, vesta]) {
      const c = await server.client();
      assert.equal(await c.call('SAVE'), '+OK\r\n');
      c.close();
      const deadline = Date.now() + 5000;
      while (!server.output().includes('DB saved on disk') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // "pid:M dd Mon yyyy hh:mm:ss.mmm * DB saved on disk": the text after the level mark.
      lines.push(server.output().split('\n').filter((l) => l.includes('DB saved')).map((l) => l.replace(/^.*? [*#.-] /, '')));
    }
    assert.deepEqual(lines[0], ['DB saved on disk']);
    assert.deepEqual(lines[1], lines[0]);
  } finally {
    await Promise.all([redis.stop(), vesta.stop()]);
  }
});
