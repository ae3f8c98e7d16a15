// DEBUG CHANGE-REPL-ID against redis-server 7.0: a new master_replid, master_replid2 cleared
// (and second_repl_offset -1), also after REPLICAOF NO ONE had set a secondary ID; the
// wrong-arity error is Redis's.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReply, type RespClient } from '../helpers/resp-client.js';
import { freePort, requireRedis, startRedis, startVesta } from '../helpers/servers.js';

async function replInfo(c: RespClient): Promise<Map<string, string>> {
  const text = parseReply(await c.call('INFO', 'replication')) as string;
  return new Map(text.split('\r\n').filter((l) => l.includes(':')).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1)] as [string, string];
  }));
}

const ZERO = '0'.repeat(40);

test('DEBUG CHANGE-REPL-ID: new replid, replid2 cleared, as Redis 7.0', async (t) => {
  if (!requireRedis(t)) return;
  const unusedPort = await freePort();
  const seen: unknown[][] = [];
  for (const start of [startRedis, startVesta]) {
    const server = await start();
    const c = await server.client();
    try {
      const log: unknown[] = [];
      const first = await replInfo(c);
      // A master that was a replica has a secondary ID: the history it came from.
      await c.call('REPLICAOF', '127.0.0.1', unusedPort);
      await c.call('REPLICAOF', 'NO', 'ONE');
      const promoted = await replInfo(c);
      log.push(promoted.get('master_replid2') !== ZERO, promoted.get('master_replid') !== first.get('master_replid'));
      log.push(await c.call('DEBUG', 'CHANGE-REPL-ID'));
      const changed = await replInfo(c);
      log.push(/^[0-9a-f]{40}$/.test(changed.get('master_replid') ?? ''));
      log.push(changed.get('master_replid') !== promoted.get('master_replid'));
      log.push(changed.get('master_replid2'), changed.get('second_repl_offset'));
      log.push(await c.call('DEBUG', 'CHANGE-REPL-ID', 'extra'));
      log.push(await c.call('DEBUG', 'change-repl-id'));
      log.push((await replInfo(c)).get('master_replid') !== changed.get('master_replid'));
      seen.push(log);
    } finally {
      c.close();
      await server.stop();
    }
  }
  assert.deepEqual(seen[1], seen[0]);
  assert.equal(seen[0]?.[0], true, 'redis had a secondary ID after REPLICAOF NO ONE');
});
