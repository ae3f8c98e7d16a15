// Deletions by expiry and eviction reach the AOF (and replicas) as UNLINK when
// lazyfree-lazy-expire / lazyfree-lazy-eviction are on, as Redis's propagateDeletion writes
// them, and as DEL when off. Expiry is compared with redis-server 7.0 through the commands in
// each server's incr AOF; eviction is checked on Vesta (its memory figures differ from Redis's).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';

/** The command names in the server's incr AOF files, in order (SELECT left out). */
function aofCommands(server: RunningServer): string[] {
  const dir = join(server.dir, 'appendonlydir');
  const names: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.incr.aof')).sort()) {
    const text = readFileSync(join(dir, file), 'latin1');
    // Each command is *N\r\n$len\r\nNAME\r\n...: the first bulk after an array header.
    for (const m of text.matchAll(/\*\d+\r\n\$\d+\r\n([^\r]*)\r\n/g)) {
      const name = (m[1] as string).toUpperCase();
      if (name !== 'SELECT') names.push(name);
    }
  }
  return names;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function expiryScript(server: RunningServer): Promise<string[]> {
  const c = await server.client();
  try {
    for (const [lazy, tag] of [['yes', 'a'], ['no', 'b']] as const) {
      assert.equal(await c.call('CONFIG', 'SET', 'lazyfree-lazy-expire', lazy), '+OK\r\n');
      await c.call('SET', `${tag}1`, 'v');
      await c.call('EXPIRE', `${tag}1`, '0'); // deleted by the command itself
      await c.call('SET', `${tag}2`, 'v');
      await c.call('GETEX', `${tag}2`, 'EXAT', '1');
      await c.call('SET', `${tag}3`, 'v', 'PX', '1');
      await sleep(20);
      assert.equal(await c.call('GET', `${tag}3`), '$-1\r\n'); // lazy expiry on access
      await c.call('SET', `${tag}4`, 'v', 'PX', '1');
      const deadline = Date.now() + 5000; // active expiry
      while ((await c.call('DBSIZE')) !== ':0\r\n' && Date.now() < deadline) await sleep(20);
      assert.equal(await c.call('DBSIZE'), ':0\r\n');
    }
  } finally {
    c.close();
  }
  return aofCommands(server).filter((name) => name === 'DEL' || name === 'UNLINK');
}

test('deletions by expiry are logged as UNLINK with lazyfree-lazy-expire, DEL without, as Redis', async (t) => {
  if (!requireRedis(t)) return;
  const args = ['--appendonly', 'yes', '--appendfsync', 'always'];
  const [redis, vesta] = await Promise.all([startRedis({ args }), startVesta({ args })]);
  try {
    const expected = await expiryScript(redis);
    const actual = await expiryScript(vesta);
    assert.deepEqual(expected, ['UNLINK', 'UNLINK', 'UNLINK', 'UNLINK', 'DEL', 'DEL', 'DEL', 'DEL']);
    assert.deepEqual(actual, expected);
  } finally {
    await Promise.all([redis.stop(), vesta.stop()]);
  }
});

test('evictions are logged as UNLINK with lazyfree-lazy-eviction, DEL without', async () => {
  for (const lazy of ['yes', 'no']) {
    const vesta = await startVesta({
      args: ['--appendonly', 'yes', '--maxmemory-policy', 'allkeys-random', '--lazyfree-lazy-eviction', lazy],
    });
    const c = await vesta.client();
    try {
      const info = await c.call('INFO', 'memory');
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1]);
      assert.equal(await c.call('CONFIG', 'SET', 'maxmemory', String(used + 2 * 1024 * 1024)), '+OK\r\n');
      const value = 'v'.repeat(1000);
      for (let i = 0; i < 20_000; i++) {
        await c.call('SET', `k${i}`, value);
        if (i % 500 === 0 && /evicted_keys:[1-9]/.test(await c.call('INFO', 'stats'))) break;
      }
      assert.match(await c.call('INFO', 'stats'), /evicted_keys:[1-9]/);
      const names = aofCommands(vesta);
      const want = lazy === 'yes' ? 'UNLINK' : 'DEL';
      const other = lazy === 'yes' ? 'DEL' : 'UNLINK';
      assert.ok(names.includes(want), `${lazy}: ${want} logged`);
      assert.ok(!names.includes(other), `${lazy}: no ${other}`);
    } finally {
      c.close();
      await vesta.stop();
    }
  }
});
