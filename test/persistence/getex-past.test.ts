// GETEX key EXAT/PXAT with a time already past, next to redis-server 7.0: a master deletes the
// key, but while loading (the AOF's later commands were logged against a keyspace holding it)
// and on a replica (its master decides) the expire is set instead, as for PEXPIREAT (Redis's
// checkAlreadyExpired): an AOF whose GETEX is followed by PERSIST keeps the key, and a writable
// replica's key stays until it expires as usual.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aofDirWith } from '../helpers/aof-dir.js';
import { freePort, requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { info, until } from '../replication/helpers.js';

type Start = (options: { args?: string[]; dir?: string }) => Promise<RunningServer>;
const KINDS: [string, Start][] = [['redis-server', startRedis], ['Vesta', startVesta]];

/** Loads an AOF with GETEX ... PXAT/EXAT in the past; what the keyspace holds after. */
async function loadAof(start: Start): Promise<string[]> {
  const dir = aofDirWith('getex-aof-', [
    ['SELECT', '0'],
    ['SET', 'kept', 'v1'], ['GETEX', 'kept', 'PXAT', '1000'], ['PERSIST', 'kept'],
    ['SET', 'gone', 'v2'], ['GETEX', 'gone', 'EXAT', '1'],
    ['SET', 'live', 'v3'],
  ]);
  const s = await start({ dir, args: ['--appendonly', 'yes'] });
  try {
    const c = await s.client();
    // `gone` was kept with its past expire, then the active cycle expires it.
    await until('active expiry', async () => (await c.call('DBSIZE')) !== ':3\r\n');
    const seen = [await c.call('GET', 'kept'), await c.call('TTL', 'kept'), await info(c, 'stats', 'expired_keys')];
    c.close();
    return seen;
  } finally {
    await s.stop();
  }
}

/** A writable replica (of a master that is not there) runs GETEX ... PXAT in the past. */
async function onReplica(start: Start, deadPort: string): Promise<string[]> {
  const s = await start({ args: ['--replicaof', '127.0.0.1', deadPort, '--replica-read-only', 'no'] });
  try {
    const c = await s.client();
    const seen = [
      await c.call('SET', 'k', 'v'), await c.call('GETEX', 'k', 'PXAT', '1000'),
      // The key is there (DBSIZE) with its expire; reads treat it as expired.
      await c.call('DBSIZE'), await c.call('GET', 'k'),
      await c.call('SET', 'e', 'v'), await c.call('GETEX', 'e', 'EXAT', '1'), await c.call('DBSIZE'),
      // A time in the future is an expire as anywhere.
      await c.call('SET', 'f', 'v'), await c.call('GETEX', 'f', 'EXAT', '99999999999'), await c.call('EXPIRETIME', 'f'),
    ];
    c.close();
    return seen;
  } finally {
    await s.stop();
  }
}

test('GETEX EXAT/PXAT in the past while loading the AOF sets the expire (as Redis 7.0)', async (t) => {
  if (!requireRedis(t)) return;
  const results: string[][] = [];
  for (const [, start] of KINDS) results.push(await loadAof(start));
  assert.deepEqual(results[0], ['$2\r\nv1\r\n', ':-1\r\n', '1'], 'redis: PERSIST found the key');
  assert.deepEqual(results[1], results[0]);
});

test('GETEX EXAT/PXAT in the past on a writable replica sets the expire (as Redis 7.0)', async (t) => {
  if (!requireRedis(t)) return;
  const deadPort = String(await freePort());
  const results: string[][] = [];
  for (const [, start] of KINDS) results.push(await onReplica(start, deadPort));
  assert.equal(results[0]?.[2], ':1\r\n', 'redis: the key is still there');
  assert.deepEqual(results[1], results[0]);
});
