// Replication between Vesta and redis-server 7.0, both directions: full sync of a dataset with
// every type, the live stream (expiries, MULTI, FLUSHALL, SELECT), a partial resync after
// CLIENT KILL TYPE replica, with DEBUG DIGEST equal after each step; READONLY, ROLE and the
// INFO fields a replica shows.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReply } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { caughtUp, digest, FAST, info, until, writeDataset, writeStream } from './helpers.js';

type Start = (options: { args?: string[] }) => Promise<RunningServer>;

const pairs: [string, Start, Start][] = [
  ['Vesta master, redis-server replica', startVesta, startRedis],
  ['redis-server master, Vesta replica', startRedis, startVesta],
];

for (const [name, startMaster, startReplica] of pairs) {
  test(`${name}: full sync, live stream, partial resync`, async (t) => {
    if (!requireRedis(t)) return;
    const master = await startMaster({ args: FAST });
    let replica: RunningServer | null = null;
    try {
      const m = await master.client();
      await writeDataset(m, 'a', 120);
      replica = await startReplica({ args: [...FAST, '--replicaof', '127.0.0.1', String(master.port)] });
      const r = await replica.client();
      await caughtUp(m, r);
      assert.equal(await digest(r), await digest(m), 'digest after the full sync');
      assert.equal(await info(m, 'stats', 'sync_full'), '1');

      await writeStream(m, 'b');
      await writeDataset(m, 'c', 40);
      await caughtUp(m, r);
      assert.equal(await digest(r), await digest(m), 'digest after the live stream');
      assert.match(await r.call('SET', 'x', '1'), /^-READONLY You can't write against a read only replica\.\r\n$/);
      const role = parseReply(await r.call('ROLE')) as unknown[];
      assert.deepEqual(role.slice(0, 4), ['slave', '127.0.0.1', master.port, 'connected']);
      assert.equal(await info(r, 'replication', 'role'), 'slave');
      assert.equal(await info(r, 'replication', 'master_host'), '127.0.0.1');

      // The link drops; the replica continues from its offset.
      assert.equal(await m.call('CLIENT', 'KILL', 'TYPE', 'replica'), ':1\r\n');
      await writeDataset(m, 'd', 30);
      await until('the replica to reconnect', async () => (await info(m, 'stats', 'sync_partial_ok')) === '1');
      await caughtUp(m, r);
      assert.equal(await info(m, 'stats', 'sync_full'), '1', 'no second full sync');
      assert.equal(await digest(r), await digest(m), 'digest after the partial resync');

      // FLUSHALL reaches the replica too.
      await m.call('FLUSHALL');
      await m.call('SET', 'after', 'flush');
      await caughtUp(m, r);
      assert.equal(await r.call('DBSIZE'), ':1\r\n');
      assert.equal(await digest(r), await digest(m));
      m.close();
      r.close();
    } finally {
      await replica?.stop();
      await master.stop();
    }
  });
}

test('a chain of Vesta replicas (master -> replica -> sub-replica) keeps one history', async (t) => {
  if (!requireRedis(t)) return;
  const master = await startVesta({ args: FAST });
  const mid = await startVesta({ args: [...FAST, '--replicaof', '127.0.0.1', String(master.port)] });
  const leaf = await startVesta({ args: [...FAST, '--replicaof', '127.0.0.1', String(mid.port)] });
  try {
    const m = await master.client();
    const r1 = await mid.client();
    const r2 = await leaf.client();
    await writeDataset(m, 'a', 80);
    await caughtUp(m, r1);
    await caughtUp(r1, r2);
    assert.equal(await digest(r2), await digest(m));
    await writeStream(m, 'b');
    await caughtUp(m, r1);
    await caughtUp(r1, r2);
    assert.equal(await digest(r2), await digest(m));
    // Offsets and IDs are the master's all along the chain.
    assert.equal(await info(r2, 'replication', 'master_replid'), await info(m, 'replication', 'master_replid'));
    assert.equal(await info(r2, 'replication', 'master_repl_offset'), await info(m, 'replication', 'master_repl_offset'));
    // The middle link drops: partial resync, the sub-replica stays attached.
    await m.call('CLIENT', 'KILL', 'TYPE', 'replica');
    await m.call('SET', 'late', 'write');
    await until('the middle replica to resync', async () => (await info(m, 'stats', 'sync_partial_ok')) === '1');
    await caughtUp(m, r1);
    await caughtUp(r1, r2);
    assert.equal(await r2.call('GET', 'late'), '$5\r\nwrite\r\n');
    assert.equal(await info(r1, 'stats', 'sync_full'), '1', 'the sub-replica did not need a new full sync');
    // Promoting the middle node: the leaf continues partially with the new history.
    assert.equal(await r1.call('REPLICAOF', 'NO', 'ONE'), '+OK\r\n');
    assert.equal(await info(r1, 'replication', 'master_replid2'), await info(m, 'replication', 'master_replid'));
    await r1.call('SET', 'promoted', '1');
    await until('the leaf to resync with the promoted node', async () => (await info(r1, 'stats', 'sync_partial_ok')) !== '0');
    await caughtUp(r1, r2);
    assert.equal(await r2.call('GET', 'promoted'), '$1\r\n1\r\n');
    assert.equal(await info(r1, 'stats', 'sync_full'), '1');
    for (const c of [m, r1, r2]) c.close();
  } finally {
    await leaf.stop();
    await mid.stop();
    await master.stop();
  }
});
