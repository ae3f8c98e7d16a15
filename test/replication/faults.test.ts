// Replication under faults: a Vesta replica restarted with its own dump continues partially
// (replid and offset in the dump's aux fields); WAIT; a replica or master paused with SIGSTOP
// past repl-timeout; kill -9 of the replica or the master during a full sync and while streaming.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { requireRedis, startVesta, tempDir } from '../helpers/servers.js';
import { caughtUp, digest, FAST, info, sleep, until, writeDataset } from './helpers.js';

test('a Vesta replica restarted with its own dump resyncs partially', async (t) => {
  if (!requireRedis(t)) return;
  const master = await startVesta({ args: FAST });
  const dir = tempDir('vesta-replica-');
  const replicaArgs = [...FAST, '--save', '3600', '1', '--replicaof', '127.0.0.1', String(master.port)];
  try {
    const m = await master.client();
    await writeDataset(m, 'a', 60);
    await m.pipeline([['SELECT', 3], ['SET', 'in3', 'x']]);
    let replica = await startVesta({ dir, args: replicaArgs });
    let r = await replica.client();
    await caughtUp(m, r);
    r.close();
    await replica.stop();
    // Written while the replica is down; the stream continues in db 3.
    await m.call('SET', 'in3-later', 'y');
    replica = await startVesta({ dir, args: replicaArgs });
    r = await replica.client();
    await caughtUp(m, r);
    assert.equal(await info(m, 'stats', 'sync_partial_ok'), '1', 'the restarted replica continued');
    assert.equal(await info(m, 'stats', 'sync_full'), '1');
    assert.equal(await r.call('SELECT', '3'), '+OK\r\n');
    assert.equal(await r.call('GET', 'in3-later'), '$1\r\ny\r\n');
    assert.equal(await digest(r), await digest(m));
    r.close();
    m.close();
    await replica.stop();
  } finally {
    await master.stop();
  }
});

test('WAIT counts acknowledging replicas; a replica paused past repl-timeout is dropped and resyncs', async (t) => {
  if (!requireRedis(t)) return;
  const master = await startVesta({ args: [...FAST, '--repl-timeout', '2'] });
  const replica = await startVesta({ args: [...FAST, '--repl-timeout', '2', '--replicaof', '127.0.0.1', String(master.port)] });
  try {
    const m = await master.client();
    const r = await replica.client();
    await caughtUp(m, r);
    await m.call('SET', 'k', '1');
    assert.equal(await m.call('WAIT', '1', '5000'), ':1\r\n');
    assert.equal(await m.call('WAIT', '2', '100'), ':1\r\n', 'times out with the count reached');
    assert.match(await r.call('WAIT', '1', '10'), /^-ERR WAIT cannot be used with replica instances/);
    replica.process.kill('SIGSTOP');
    await m.call('SET', 'k', '2');
    assert.equal(await m.call('WAIT', '1', '200'), ':0\r\n');
    await until('the master to drop the silent replica', async () => (await info(m, 'replication', 'connected_slaves')) === '0', 10_000);
    await m.call('SET', 'k', '3');
    replica.process.kill('SIGCONT');
    await caughtUp(m, r);
    assert.equal(await r.call('GET', 'k'), '$1\r\n3\r\n');
    assert.equal(await info(m, 'stats', 'sync_partial_ok'), '1');
    // The master paused: the replica times out its link, then continues when it comes back.
    master.process.kill('SIGSTOP');
    await until('the replica to see its link down', async () => (await info(r, 'replication', 'master_link_status')) === 'down', 10_000);
    assert.equal(await r.call('GET', 'k'), '$1\r\n3\r\n', 'stale data is served');
    assert.equal(await r.call('CONFIG', 'SET', 'replica-serve-stale-data', 'no'), '+OK\r\n');
    assert.equal(await r.call('GET', 'k'),
      "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n");
    assert.match(await r.call('INFO', 'replication'), /master_link_status:down/);
    await r.call('CONFIG', 'SET', 'replica-serve-stale-data', 'yes');
    master.process.kill('SIGCONT');
    await m.call('SET', 'k', '4');
    await caughtUp(m, r);
    assert.equal(await r.call('GET', 'k'), '$1\r\n4\r\n');
    m.close();
    r.close();
  } finally {
    replica.process.kill('SIGCONT');
    master.process.kill('SIGCONT');
    await replica.stop();
    await master.stop();
  }
});

test('kill -9 of a replica during a full sync: the master goes on and the next replica syncs', async (t) => {
  if (!requireRedis(t)) return;
  // 40 us per key makes the 4000-key snapshot last ~0.3 s per db pass.
  const master = await startVesta({ args: [...FAST, '--rdb-key-save-delay', '100'] });
  try {
    const m = await master.client();
    await writeDataset(m, 'a', 2000);
    const doomed = await startVesta({ args: [...FAST, '--replicaof', '127.0.0.1', String(master.port)] });
    await until('the sync to start', async () => /state=(send_bulk|wait_bgsave)/.test(await info(m, 'replication', 'slave0')));
    await doomed.kill();
    assert.equal(await m.call('SET', 'during', 'sync'), '+OK\r\n', 'the master serves meanwhile');
    await until('the master to forget it', async () => (await info(m, 'replication', 'connected_slaves')) === '0');
    await until('the snapshot to end', async () => (await info(m, 'persistence', 'rdb_bgsave_in_progress')) === '0');
    await m.call('CONFIG', 'SET', 'rdb-key-save-delay', '0');
    const replica = await startVesta({ args: [...FAST, '--replicaof', '127.0.0.1', String(master.port)] });
    const r = await replica.client();
    await caughtUp(m, r);
    assert.equal(await digest(r), await digest(m));
    r.close();
    m.close();
    await replica.stop();
  } finally {
    await master.stop();
  }
});

test('kill -9 of the master during a full sync and while streaming: the replica keeps its data and waits', async (t) => {
  if (!requireRedis(t)) return;
  const master = await startVesta({ args: [...FAST, '--rdb-key-save-delay', '200'] });
  const port = master.port;
  const replica = await startVesta({ args: [...FAST, '--repl-timeout', '2'] });
  try {
    const m = await master.client();
    await writeDataset(m, 'a', 1500);
    const r = await replica.client();
    await r.call('SET', 'own', 'data');
    await r.call('REPLICAOF', '127.0.0.1', String(port));
    await until('the sync to start', async () => (await info(r, 'replication', 'master_sync_in_progress')) === '1');
    await master.kill();
    await sleep(300);
    assert.equal(await r.call('PING'), '+PONG\r\n');
    assert.equal(await info(r, 'replication', 'master_link_status'), 'down');
    assert.equal(await r.call('GET', 'own'), '$4\r\ndata\r\n', 'a failed transfer leaves the old dataset');
    // A new master on the same port: the replica syncs with it, then loses it mid-stream.
    const second = await startVesta({ port, args: FAST });
    const m2 = await second.client();
    await writeDataset(m2, 'b', 100);
    await caughtUp(m2, r);
    assert.equal(await digest(r), await digest(m2));
    // Writes in flight when the master dies (sent on a raw socket, replies never read).
    const writer = connect({ port, host: '127.0.0.1' });
    writer.on('error', () => undefined);
    writer.write(Array.from({ length: 2000 }, (_, i) => `*3\r\n$3\r\nSET\r\n$${`w${i}`.length}\r\nw${i}\r\n$1\r\n1\r\n`).join(''));
    await until('some writes to reach the replica', async () => (await r.call('GET', 'w0')) === '$1\r\n1\r\n');
    await second.kill();
    writer.destroy();
    await until('the link to go down', async () => (await info(r, 'replication', 'master_link_status')) === 'down');
    assert.equal(await r.call('GET', 'w0'), '$1\r\n1\r\n', 'the replica keeps what it applied');
    assert.equal(parseRole(await r.call('ROLE')), 'connect');
    r.close();
    m.close();
    m2.close();
  } finally {
    await replica.stop();
    await master.stop();
  }
});

function parseRole(reply: string): string {
  return reply.split('\r\n')[7] ?? '';
}
