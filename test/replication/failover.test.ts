// FAILOVER between real servers, every mix of redis-server and Vesta: the master pauses
// writes, waits for its replica's ack, becomes the replica of it with PSYNC ... FAILOVER, and
// the replica promotes itself and continues the history partially (no full sync; replid2 is
// the old history; a write on the new master reaches the old one). Then TIMEOUT (abort, and
// FORCE anyway) and a target that refuses the PSYNC, with Redis's log lines.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReply } from '../helpers/resp-client.js';
import { requireRedis } from '../helpers/servers.js';
import { caughtUp, digest, info, until } from './helpers.js';
import { failoverState, freeze, logged, pair, start, type Kind } from './failover-helpers.js';

const MIXES: [Kind, Kind][] = [['vesta', 'redis'], ['redis', 'vesta'], ['vesta', 'vesta']];

for (const [masterKind, replicaKind] of MIXES) {
  test(`FAILOVER from a ${masterKind} master to its ${replicaKind} replica`, async (t) => {
    if (!requireRedis(t)) return;
    const p = await pair(masterKind, replicaKind);
    try {
      const { m, r } = p;
      const oldReplid = await info(m, 'replication', 'master_replid');
      const oldOffset = Number(await info(m, 'replication', 'master_repl_offset'));
      const fullBefore = await info(r, 'stats', 'sync_full');
      assert.equal(await m.call('FAILOVER', 'TO', '127.0.0.1', p.replica.port), '+OK\r\n');
      await until('the failover to end', async () => (await failoverState(m)) === 'no-failover');
      assert.equal((parseReply(await m.call('ROLE')) as unknown[])[0], 'slave');
      assert.equal((parseReply(await r.call('ROLE')) as unknown[])[0], 'master');
      // The history goes on: the new master's replid2 is the old one, up to the old offset.
      assert.equal(await info(r, 'replication', 'master_replid2'), oldReplid);
      assert.equal(await info(r, 'replication', 'second_repl_offset'), String(oldOffset + 1));
      await caughtUp(r, m);
      assert.equal(await info(m, 'replication', 'master_replid'), await info(r, 'replication', 'master_replid'));
      assert.equal(await info(r, 'stats', 'sync_partial_ok'), '1', 'the old master continued partially');
      assert.equal(await info(r, 'stats', 'sync_full'), fullBefore, 'no full sync');
      // Writes go to the new master and reach the old one; the old one refuses them.
      assert.equal(await r.call('SET', 'after', 'failover'), '+OK\r\n');
      assert.match(await m.call('SET', 'x', '1'), /^-READONLY/);
      await caughtUp(r, m);
      assert.equal(await m.call('GET', 'after'), '$8\r\nfailover\r\n');
      assert.equal(await digest(m), await digest(r));
      await logged(p.master, `Failover target 127.0.0.1:${p.replica.port} is synced, failing over.`);
      await logged(p.replica, 'MASTER MODE enabled (failover request from');
    } finally {
      await p.stop();
    }
  });
}

for (const kind of ['redis', 'vesta'] as const) {
  test(`${kind}: FAILOVER without TO picks the replica that caught up; writes wait meanwhile`, async (t) => {
    if (!requireRedis(t)) return;
    const p = await pair(kind, 'redis');
    const writer = await p.master.client();
    try {
      freeze(p.replica, true);
      assert.equal(await p.m.call('SET', 'unacked', '1'), '+OK\r\n');
      assert.equal(await p.m.call('FAILOVER'), '+OK\r\n');
      assert.equal(await failoverState(p.m), 'waiting-for-sync');
      // Writes are paused (CLIENT UNPAUSE does not end it); reads go on.
      const held = writer.call('SET', 'held', '1');
      assert.equal(await p.m.call('CLIENT', 'UNPAUSE'), '+OK\r\n');
      assert.equal(await p.m.call('GET', 'unacked'), '$1\r\n1\r\n');
      const early = await Promise.race([held, new Promise((r) => setTimeout(() => r('waiting'), 300))]);
      assert.equal(early, 'waiting');
      freeze(p.replica, false);
      await until('the failover to end', async () => (await failoverState(p.m)) === 'no-failover');
      // The held write ran on what is now a replica.
      assert.match(await held, /^-READONLY/);
      assert.equal((parseReply(await p.r.call('ROLE')) as unknown[])[0], 'master');
      assert.equal(await p.r.call('GET', 'unacked'), '$1\r\n1\r\n');
      await logged(p.master, 'FAILOVER requested to any replica.');
    } finally {
      freeze(p.replica, false);
      writer.close();
      await p.stop();
    }
  });

  test(`${kind}: FAILOVER TIMEOUT aborts when the replica never catches up; with FORCE it fails over`, async (t) => {
    if (!requireRedis(t)) return;
    const p = await pair(kind, 'redis');
    const target = ['TO', '127.0.0.1', p.replica.port] as const;
    try {
      freeze(p.replica, true);
      await p.m.call('SET', 'unacked', '1');
      assert.equal(await p.m.call('FAILOVER', ...target, 'TIMEOUT', 300), '+OK\r\n');
      await until('the timeout', async () => (await failoverState(p.m)) === 'no-failover');
      assert.equal((parseReply(await p.m.call('ROLE')) as unknown[])[0], 'master');
      assert.equal(await p.m.call('SET', 'writable', '1'), '+OK\r\n');
      await logged(p.master, `FAILOVER to 127.0.0.1:${p.replica.port} aborted: Replica never caught up before timeout`);

      assert.equal(await p.m.call('FAILOVER', ...target, 'TIMEOUT', 200, 'FORCE'), '+OK\r\n');
      await until('the forced failover', async () => (await failoverState(p.m)) === 'failover-in-progress');
      assert.equal((parseReply(await p.m.call('ROLE')) as unknown[])[0], 'slave');
      await logged(p.master, `FAILOVER to 127.0.0.1:${p.replica.port} time out exceeded, failing over.`);
      freeze(p.replica, false);
      await until('the failover to end', async () => (await failoverState(p.m)) === 'no-failover');
      assert.equal((parseReply(await p.r.call('ROLE')) as unknown[])[0], 'master');
      await caughtUp(p.r, p.m);
      assert.equal(await p.r.call('GET', 'writable'), '$1\r\n1\r\n');
      assert.equal(await digest(p.m), await digest(p.r));
    } finally {
      freeze(p.replica, false);
      await p.stop();
    }
  });

  test(`${kind}: a target that refuses PSYNC ... FAILOVER leaves the master a master`, async (t) => {
    if (!requireRedis(t)) return;
    const p = await pair(kind, kind);
    try {
      assert.equal(await p.r.call('ACL', 'SETUSER', 'default', '-psync'), '+OK\r\n');
      assert.equal(await p.m.call('FAILOVER', 'TO', '127.0.0.1', p.replica.port), '+OK\r\n');
      await logged(p.master, `FAILOVER to 127.0.0.1:${p.replica.port} aborted: Failover target rejected psync request`);
      await until('the failover to end', async () => (await failoverState(p.m)) === 'no-failover');
      assert.equal((parseReply(await p.m.call('ROLE')) as unknown[])[0], 'master');
      assert.equal(await p.r.call('ACL', 'SETUSER', 'default', '+psync'), '+OK\r\n');
      assert.equal(await p.m.call('SET', 'again', '1'), '+OK\r\n');
      await caughtUp(p.m, p.r);
      assert.equal(await p.r.call('GET', 'again'), '$1\r\n1\r\n');
    } finally {
      await p.stop();
    }
  });
}

for (const kind of ['redis', 'vesta'] as const) {
  test(`${kind}: the old master's other replicas go on replicating from it, chained`, async (t) => {
    if (!requireRedis(t)) return;
    const p = await pair(kind, kind);
    const other = await start('redis', ['--replicaof', '127.0.0.1', String(p.master.port)]);
    const o = await other.client();
    try {
      await caughtUp(p.m, o);
      await until('both replicas online', async () => (await info(p.m, 'replication', 'slave1')).includes('state=online,'));
      assert.equal(await p.m.call('FAILOVER', 'TO', '127.0.0.1', p.replica.port), '+OK\r\n');
      await until('the failover to end', async () => (await failoverState(p.m)) === 'no-failover');
      assert.equal(await p.r.call('SET', 'through', 'chain'), '+OK\r\n');
      await caughtUp(p.r, p.m);
      await caughtUp(p.m, o);
      assert.equal(await o.call('GET', 'through'), '$5\r\nchain\r\n');
      assert.equal(await info(o, 'replication', 'master_port'), String(p.master.port));
      assert.equal(await info(o, 'replication', 'master_replid'), await info(p.r, 'replication', 'master_replid'));
      assert.equal(await info(o, 'stats', 'sync_full'), '0');
      assert.equal(await info(p.m, 'stats', 'sync_full'), '2', 'no full sync after the two first ones');
    } finally {
      o.close();
      await other.stop();
      await p.stop();
    }
  });
}
