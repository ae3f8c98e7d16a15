// INFO replication on a replica in the middle of a full sync, next to redis-server 7.0: both
// follow a fake master that sends part of a payload and stalls. master_sync_total_bytes is the
// announced length (0 for an `$EOF:` payload), master_sync_read_bytes counts the payload bytes
// read (those that came with the header too), master_sync_left_bytes is their difference
// (negative for an `$EOF:` payload) and master_sync_perc the share read.

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { parseReply } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { fakeMaster, info, until } from './helpers.js';

const PARTIAL = 'REDIS0010' + 'z'.repeat(991);

for (const header of ['$EOF:' + 'ab'.repeat(20), '$4000']) {
  test(`a replica stalled in a ${header.startsWith('$EOF') ? 'diskless' : 'length-prefixed'} payload shows Redis 7.0's master_sync_* fields`, async (t) => {
    if (!requireRedis(t)) return;
    // Header and the first bytes in one write, then more bytes later.
    const master = await fakeMaster((socket: Socket) => {
      socket.write(`${header}\r\n${PARTIAL.slice(0, 400)}`, 'latin1');
      setTimeout(() => socket.write(PARTIAL.slice(400), 'latin1'), 300);
    });
    const seen: string[][] = [];
    try {
      for (const start of [startRedis, startVesta]) {
        const replica: RunningServer = await start({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
        try {
          const r = await replica.client();
          // A wrong count shows in the comparison below rather than as a timeout here.
          await until('the payload to arrive', async () => (await info(r, 'replication', 'master_sync_read_bytes')) === '1000', 3000)
            .catch(() => undefined);
          const text = parseReply(await r.call('INFO', 'replication')) as string;
          seen.push(text.split('\r\n').filter((l) => /^master_(sync|link)/.test(l) && !l.includes('seconds')));
          r.close();
        } finally {
          await replica.stop();
        }
      }
    } finally {
      master.server.close();
    }
    assert.ok(seen[0]?.includes('master_sync_in_progress:1'), String(seen[0]));
    assert.deepEqual(seen[1], seen[0]);
  });
}
