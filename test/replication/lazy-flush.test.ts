// replica-lazy-flush: a replica's full sync drops its old dataset in the background (counted in
// INFO lazyfreed_objects as its keys) when the directive is on, and always with
// repl-diskless-load swapdb (Redis 7.0 discards the old dataset in the background whatever
// the directive says). A redis-server replica and a Vesta replica of the same redis-server
// master, each holding the same old keys, must count the same.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { FAST, caughtUp, info, sleep } from './helpers.js';

/** lazyfreed_objects once lazyfree_pending_objects is 0. */
async function lazyfreed(client: RespClient): Promise<number> {
  for (let i = 0; i < 400; i++) {
    if ((await info(client, 'memory', 'lazyfree_pending_objects')) === '0') {
      return Number(await info(client, 'memory', 'lazyfreed_objects'));
    }
    await sleep(5);
  }
  throw new Error('lazyfree_pending_objects never went back to 0');
}

/** Old keys on the replica: 40 strings and a big hash in db 0, 9 strings in db 3. */
const OLD_KEYS: (string | number)[][] = [
  ['MSET', ...Array.from({ length: 40 }, (_, i) => [`old${i}`, i]).flat()],
  ['HSET', 'oldhash', ...Array.from({ length: 200 }, (_, i) => [`f${i}`, i]).flat()],
  ['SELECT', 3],
  ['MSET', ...Array.from({ length: 9 }, (_, i) => [`old${i}`, i]).flat()],
  ['SELECT', 0],
];

const CASES: { load: string; lazy: string; expected: number }[] = [
  { load: 'disabled', lazy: 'no', expected: 0 },
  { load: 'disabled', lazy: 'yes', expected: 50 },
  { load: 'swapdb', lazy: 'no', expected: 50 },
];

test('a full sync frees the old dataset in the background as redis-server does', async (t) => {
  if (!requireRedis(t)) return;
  const master = await startRedis({ args: FAST });
  const servers: RunningServer[] = [master];
  try {
    const m = await master.client();
    await m.pipeline([['SET', 'new', 'v'], ['RPUSH', 'newlist', 'a', 'b']]);
    for (const c of CASES) {
      const args = ['--repl-diskless-load', c.load, '--replica-lazy-flush', c.lazy];
      const replicas = await Promise.all([startRedis({ args }), startVesta({ args })]);
      servers.push(...replicas);
      const counts: number[] = [];
      for (const replica of replicas) {
        const r = await replica.client();
        const replies = await r.pipeline([...OLD_KEYS, ['REPLICAOF', '127.0.0.1', master.port]]);
        for (const reply of replies) assert.ok(!reply.startsWith('-'), reply);
        await caughtUp(m, r);
        assert.equal(await r.call('DBSIZE'), ':2\r\n');
        counts.push(await lazyfreed(r));
        r.close();
      }
      assert.deepEqual(counts, [c.expected, c.expected],
        `repl-diskless-load ${c.load}, replica-lazy-flush ${c.lazy}: lazyfreed_objects (redis, vesta)`);
      await Promise.all(replicas.map((s) => s.stop()));
    }
    m.close();
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
});
