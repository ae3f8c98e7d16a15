// BGREWRITEAOF, automatic rewrites, CONFIG SET appendonly and INFO persistence's aof_* fields,
// compared with redis-server 7.0 where the reply or the field list is observable: the same
// command sequence (a slow BGSAVE, BGREWRITEAOF scheduled behind it, a second BGREWRITEAOF while
// one runs, BGSAVE while a rewrite runs) must get byte-identical replies from both.

import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseReply, type RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';

async function infoLines(c: RespClient): Promise<string[]> {
  const text = parseReply(await c.call('INFO', 'persistence')) as string;
  return text.split('\r\n').filter((l) => l.includes(':'));
}

async function field(c: RespClient, name: string): Promise<string> {
  const line = (await infoLines(c)).find((l) => l.startsWith(name + ':'));
  assert.ok(line !== undefined, `INFO persistence has ${name}`);
  return line.slice(name.length + 1);
}

async function waitFor(c: RespClient, name: string, value: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await field(c, name)) !== value) {
    assert.ok(Date.now() < deadline, `${name} never became ${value}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function onBoth<T>(args: string[], run: (c: RespClient, s: RunningServer) => Promise<T>):
  Promise<{ redis: T; vesta: T }> {
  const redis = await startRedis({ args });
  const vesta = await startVesta({ args });
  try {
    const rc = await redis.client();
    const vc = await vesta.client();
    const result = { redis: await run(rc, redis), vesta: await run(vc, vesta) };
    rc.close();
    vc.close();
    return result;
  } finally {
    await redis.stop();
    await vesta.stop();
  }
}

test('INFO persistence lists the aof_* fields of Redis 7.0 in the same order', async (t) => {
  if (!requireRedis(t)) return;
  for (const appendonly of ['yes', 'no']) {
    const names = await onBoth(['--appendonly', appendonly], async (c) =>
      (await infoLines(c)).map((l) => l.slice(0, l.indexOf(':'))).filter((n) => n.startsWith('aof_')));
    assert.deepEqual(names.vesta, names.redis, `appendonly ${appendonly}`);
  }
});

test('BGREWRITEAOF replies like Redis: scheduled behind BGSAVE, refused while running', async (t) => {
  if (!requireRedis(t)) return;
  const replies = await onBoth(['--appendonly', 'yes'], async (c) => {
    const out: string[] = [];
    const fill: (string | number)[][] = [];
    for (let i = 0; i < 300; i++) fill.push(['SET', `k${i}`, i]);
    await c.pipeline(fill);
    await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '3000');
    out.push(await c.call('BGSAVE'));
    out.push(await c.call('BGREWRITEAOF'));
    out.push(await c.call('BGREWRITEAOF'));
    out.push(`scheduled:${await field(c, 'aof_rewrite_scheduled')}`);
    out.push(`pending:${await field(c, 'aof_pending_rewrite')}`);
    await waitFor(c, 'rdb_bgsave_in_progress', '0');
    await waitFor(c, 'aof_rewrite_in_progress', '1');
    out.push(await c.call('BGREWRITEAOF'));
    out.push(await c.call('BGSAVE'));
    await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '0');
    await waitFor(c, 'aof_rewrite_in_progress', '0');
    out.push(`status:${await field(c, 'aof_last_bgrewrite_status')}`);
    out.push(`rewrites:${await field(c, 'aof_rewrites')}`);
    out.push(await c.call('BGREWRITEAOF'));
    await waitFor(c, 'aof_rewrite_in_progress', '0');
    out.push(`rewrites:${await field(c, 'aof_rewrites')}`);
    out.push(await c.call('DBSIZE'));
    return out;
  });
  assert.deepEqual(replies.vesta, replies.redis);
  assert.equal(replies.vesta[1], '+Background append only file rewriting scheduled\r\n');
});

test('automatic rewrite follows auto-aof-rewrite-percentage and auto-aof-rewrite-min-size',
  async () => {
    const vesta = await startVesta({ args: ['--appendonly', 'yes', '--auto-aof-rewrite-min-size',
      '16kb', '--auto-aof-rewrite-percentage', '100'] });
    try {
      const c = await vesta.client();
      const value = 'x'.repeat(200);
      // Below the minimum size: no rewrite however large the growth.
      for (let i = 0; i < 40; i++) await c.call('SET', `k${i % 5}`, value);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await field(c, 'aof_rewrites'), '0');
      for (let i = 0; i < 60; i++) await c.call('SET', `k${i % 5}`, value);
      await waitFor(c, 'aof_rewrites', '1');
      await waitFor(c, 'aof_rewrite_in_progress', '0');
      // The rewrite compacted 100 SETs of 5 keys into a small base.
      const base = Number(await field(c, 'aof_base_size'));
      assert.ok(base < 4096, `base ${base} bytes`);
      const manifest = readFileSync(join(vesta.dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
      assert.match(manifest, /^file appendonly\.aof\.2\.base\.rdb seq 2 type b\nfile appendonly\.aof\.2\.incr\.aof seq 2 type i\n$/);
      c.close();
    } finally {
      await vesta.stop();
    }
  });

test('CONFIG SET appendonly no stops logging; yes again rebuilds the AOF from the dataset',
  async () => {
    const vesta = await startVesta({ args: ['--appendonly', 'yes'] });
    try {
      const c = await vesta.client();
      await c.call('SET', 'a', '1');
      const incr = join(vesta.dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
      const size = statSync(incr).size;
      assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'no'), '+OK\r\n');
      assert.equal(await field(c, 'aof_enabled'), '0');
      assert.equal((await infoLines(c)).some((l) => l.startsWith('aof_current_size:')), false);
      await c.call('SET', 'b', '2');
      assert.equal(statSync(incr).size, size, 'nothing logged while off');
      assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
      await waitFor(c, 'aof_rewrite_in_progress', '0');
      await c.call('SET', 'c', '3');
      assert.equal(await c.call('DEBUG', 'LOADAOF'), '+OK\r\n');
      assert.equal(await c.call('MGET', 'a', 'b', 'c'), '*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
      c.close();
    } finally {
      await vesta.stop();
    }
  });

test('CONFIG SET appendonly no during a rewrite stops it without counting a failure, as Redis',
  async (t) => {
    if (!requireRedis(t)) return;
    const replies = await onBoth(['--appendonly', 'yes'], async (c) => {
      const out: string[] = [];
      const fill: (string | number)[][] = [];
      for (let i = 0; i < 300; i++) fill.push(['SET', `k${i}`, i]);
      await c.pipeline(fill);
      await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '3000');
      out.push(await c.call('BGREWRITEAOF'));
      out.push(await c.call('CONFIG', 'SET', 'appendonly', 'no'));
      await waitFor(c, 'aof_rewrite_in_progress', '0');
      for (const name of ['aof_enabled', 'aof_last_bgrewrite_status', 'aof_rewrites',
        'aof_rewrites_consecutive_failures', 'aof_rewrite_scheduled']) {
        out.push(`${name}:${await field(c, name)}`);
      }
      return out;
    });
    assert.deepEqual(replies.vesta, replies.redis);
  });
