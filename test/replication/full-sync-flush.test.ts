// What a replica's full sync empties, next to redis-server 7.0: the dataset and the function
// libraries are replaced by the master's (a library of the replica's own is gone), and clients
// with CLIENT TRACKING on get the flush invalidation (a null key), as for FLUSHALL; with
// repl-diskless-load disabled and swapdb alike, from a diskless and a disk-backed payload (both
// carry the master's libraries).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReply, type RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { caughtUp, FAST, sleep } from './helpers.js';

type Start = (options: { args?: string[] }) => Promise<RunningServer>;

const lib = (name: string, fn: string, value = name): string => `#!lua name=${name}
redis.register_function{function_name='${fn}', callback=function() return '${value}' end, flags={'no-writes'}}`;

async function libraryNames(c: RespClient): Promise<string[]> {
  const list = parseReply(await c.call('FUNCTION', 'LIST')) as unknown[][];
  return list.map((entry) => String(entry[1])).sort();
}

async function scenario(start: Start, load: string, disklessSync: string): Promise<unknown[]> {
  const master = await start({ args: [...FAST, '--repl-diskless-sync', disklessSync] });
  const replica = await start({ args: [...FAST, '--repl-diskless-load', load] });
  const m = await master.client();
  const r = await replica.client();
  const tracked = await replica.client();
  try {
    await m.call('FUNCTION', 'LOAD', lib('masterlib', 'mf'));
    await m.call('SET', 'k', 'master');
    await r.call('FUNCTION', 'LOAD', lib('ownlib', 'of'));
    // The same library name with other code: the master's wins.
    await r.call('FUNCTION', 'LOAD', lib('masterlib', 'mf', 'replica'));
    await r.call('SET', 'k', 'own');
    await tracked.call('HELLO', '3');
    await tracked.call('CLIENT', 'TRACKING', 'ON');
    assert.equal(await tracked.call('GET', 'k'), '$3\r\nown\r\n');
    await r.call('REPLICAOF', '127.0.0.1', String(master.port));
    await caughtUp(m, r);
    await sleep(200);
    return [await libraryNames(r), await r.call('FCALL_RO', 'mf', '0'), await r.call('GET', 'k'), tracked.pushes];
  } finally {
    m.close();
    r.close();
    tracked.close();
    await replica.stop();
    await master.stop();
  }
}

for (const [load, disklessSync] of [['disabled', 'yes'], ['swapdb', 'yes'], ['disabled', 'no']] as const) {
  const name = `a full sync (repl-diskless-sync ${disklessSync}, repl-diskless-load ${load}) replaces the functions and invalidates tracked keys, as Redis 7.0`;
  test(name, async (t) => {
    if (!requireRedis(t)) return;
    const redis = await scenario(startRedis, load, disklessSync);
    const vesta = await scenario(startVesta, load, disklessSync);
    assert.deepEqual(redis[0], ['masterlib'], 'redis: only the master\'s library');
    assert.deepEqual(vesta, redis);
  });
}
