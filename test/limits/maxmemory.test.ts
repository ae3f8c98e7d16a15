// maxmemory: the OOM error text against redis-server 7.0 (noeviction, denyoom commands only,
// EXEC with a write), and Vesta's eviction by policy: memory held near the limit, the right
// keys chosen (volatile-* only keys with a TTL, volatile-ttl nearest expiry first, LRU keeps
// recently read keys), evictions propagated to the AOF as DEL and counted in INFO.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { same, startPair } from '../helpers/differential.js';
import { requireRedis, startVesta } from '../helpers/servers.js';
import type { RespClient } from '../helpers/resp-client.js';

async function info(c: RespClient, field: string): Promise<number> {
  const text = await c.call('INFO', 'all');
  const m = new RegExp(`\\r\\n${field}:(\\d+)`).exec(text);
  assert.ok(m !== null, field);
  return Number(m[1]);
}

test('noeviction: OOM for denyoom commands only, with Redis\'s text', async (t) => {
  if (!requireRedis(t)) return;
  const pair = await startPair();
  try {
    await same(pair, [
      ['SET', 'k', 'v'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'k2', 'v'],
      ['GET', 'k'],
      ['DEL', 'k'],
      ['LPUSH', 'l', 'a'],
      ['MULTI'],
      ['SET', 'x', 'y'],
      ['EXEC'],
      ['MULTI'],
      ['GET', 'k'],
      ['EXEC'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['SET', 'k3', 'v'],
    ]);
  } finally {
    await pair.stop();
  }
});

/** Starts Vesta with maxmemory = its idle used_memory + headroom, and the given policy. */
async function startLimited(policy: string, headroomBytes: number, extra: string[] = []) {
  const vesta = await startVesta({ args: extra });
  const c = await vesta.client();
  const base = await info(c, 'used_memory');
  const maxBytes = base + headroomBytes;
  assert.equal(await c.call('CONFIG', 'SET', 'maxmemory', String(maxBytes)), '+OK\r\n');
  assert.equal(await c.call('CONFIG', 'SET', 'maxmemory-policy', policy), '+OK\r\n');
  return { vesta, c, maxBytes };
}

/** Writes `keys.count` keys named `prefix<i>` with `keys.valueBytes`-byte values (with a TTL when `keys.ttl`). */
async function fill(c: RespClient, prefix: string, keys: { count: number; valueBytes: number; ttl?: boolean }): Promise<void> {
  const { count, valueBytes, ttl = false } = keys;
  const value = 'v'.repeat(valueBytes);
  for (let i = 0; i < count; i += 500) {
    const batch: (string | number)[][] = [];
    for (let j = i; j < Math.min(count, i + 500); j++) {
      batch.push(ttl ? ['SET', `${prefix}${j}`, value, 'EX', 1000 + j] : ['SET', `${prefix}${j}`, value]);
    }
    const replies = await c.pipeline(batch);
    for (const r of replies) assert.equal(r, '+OK\r\n');
  }
}

test('allkeys-lru: memory held near maxmemory, recently read keys survive, DEL in the AOF', async () => {
  const { vesta, c, maxBytes } = await startLimited('allkeys-lru', 24 * 1024 * 1024, ['--appendonly', 'yes']);
  try {
    await fill(c, 'hot:', { count: 200, valueBytes: 1000 });
    const written = 60_000;
    const value = 'v'.repeat(1000);
    for (let i = 0; i < written; i += 500) {
      const batch: (string | number)[][] = [];
      for (let j = i; j < i + 500; j++) batch.push(['SET', `cold:${j}`, value]);
      // Keep the hot keys recently used: the clock has one-second resolution, as Redis's.
      for (let h = 0; h < 200; h += 10) batch.push(['GET', `hot:${h}`]);
      await c.pipeline(batch);
      if (i % 20_000 === 0) await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    const used = await info(c, 'used_memory');
    const evicted = await info(c, 'evicted_keys');
    const dbsize = Number((await c.call('DBSIZE')).slice(1));
    assert.ok(evicted > 0, 'some keys were evicted');
    assert.ok(dbsize < written, `dbsize ${dbsize} < ${written}`);
    // The JS heap holds garbage until the next GC, so allow a margin over the limit.
    assert.ok(used < maxBytes * 1.5, `used ${used} within 1.5 x maxmemory ${maxBytes}`);
    let hotLeft = 0;
    for (let h = 0; h < 200; h += 10) if ((await c.call('EXISTS', `hot:${h}`)) === ':1\r\n') hotLeft++;
    assert.ok(hotLeft >= 15, `recently read keys mostly kept (${hotLeft}/20)`);
    const dir = join(vesta.dir, 'appendonlydir');
    const incr = readdirSync(dir).find((f) => f.includes('.incr.'));
    assert.ok(incr !== undefined);
    const aof = readFileSync(join(dir, incr), 'latin1');
    assert.match(aof, /\*2\r\n\$3\r\nDEL\r\n\$\d+\r\ncold:\d+\r\n/, 'evictions logged as DEL');
  } finally {
    c.close();
    await vesta.stop();
  }
});

test('volatile-ttl and volatile-random evict only keys with a TTL; then OOM', async () => {
  for (const policy of ['volatile-ttl', 'volatile-random', 'volatile-lru', 'volatile-lfu']) {
    const { vesta, c } = await startLimited(policy, 16 * 1024 * 1024);
    try {
      await fill(c, 'keep:', { count: 2000, valueBytes: 1000 });
      await fill(c, 'ttl:', { count: 20_000, valueBytes: 1000, ttl: true });
      assert.ok((await info(c, 'evicted_keys')) > 0, `${policy}: evicted`);
      assert.equal(await c.call('EXISTS', ...Array.from({ length: 2000 }, (_, i) => `keep:${i}`)), ':2000\r\n');
      if (policy === 'volatile-ttl') {
        // The TTLs grow with the index: the survivors are the latest-expiring keys. Eviction
        // samples keys (maxmemory-samples, as Redis), so a few early-expiring ones survive it:
        // 4-8% of the first 1000 in 8 runs here. One key (ttl:0) was asserted before, which
        // failed about one run in six.
        const exists = async (from: number): Promise<number> =>
          Number((await c.call('EXISTS', ...Array.from({ length: 1000 }, (_, i) => `ttl:${from + i}`))).slice(1));
        const early = await exists(0);
        assert.ok(early <= 200, `${early} of the 1000 earliest-expiring keys survived`);
        assert.equal(await exists(19_000), 1000, 'the 1000 latest-expiring keys all survive');
      }
      // With every volatile key gone, writes get OOM.
      const value = 'v'.repeat(100_000);
      let oom = '';
      for (let i = 0; i < 2000 && oom === ''; i++) {
        const r = await c.call('SET', `more:${i}`, value);
        if (r.startsWith('-OOM')) oom = r;
      }
      assert.equal(oom, "-OOM command not allowed when used memory > 'maxmemory'.\r\n", policy);
    } finally {
      c.close();
      await vesta.stop();
    }
  }
});

// Redis's performEvictions fails (OOM) when it runs out of keys to evict while still over the
// limit, even if it evicted some on the way; only its time limit lets a command through over.
test('a write that evicts the last evictable key but stays over maxmemory gets OOM', async () => {
  const { vesta, c } = await startLimited('volatile-lru', 4 * 1024 * 1024);
  try {
    assert.equal(await c.call('SET', 'vol', 'x', 'EX', '1000'), '+OK\r\n');
    const value = 'v'.repeat(1000);
    let reply = '';
    for (let i = 0; i < 100_000; i++) {
      reply = await c.call('SET', `keep:${i}`, value);
      if (await c.call('EXISTS', 'vol') === ':0\r\n') break;
      assert.equal(reply, '+OK\r\n', `write ${i} before any eviction`);
    }
    assert.equal(reply, "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
    assert.equal(await info(c, 'evicted_keys'), 1);
  } finally {
    c.close();
    await vesta.stop();
  }
});

test('allkeys-random and allkeys-lfu keep memory bounded', async () => {
  for (const policy of ['allkeys-random', 'allkeys-lfu']) {
    const { vesta, c, maxBytes } = await startLimited(policy, 16 * 1024 * 1024);
    try {
      await fill(c, 'k:', { count: 60_000, valueBytes: 1000 });
      assert.ok((await info(c, 'evicted_keys')) > 0, policy);
      const used = await info(c, 'used_memory');
      assert.ok(used < maxBytes * 1.5, `${policy}: used ${used} vs max ${maxBytes}`);
    } finally {
      c.close();
      await vesta.stop();
    }
  }
});
