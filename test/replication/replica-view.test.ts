// What a replica shows of its master and of expiry, next to a redis-server 7.0 replica of the
// same master: the master client in CLIENT LIST (flags=M) and CLIENT KILL TYPE master (the link
// resyncs partially); keys expired by the replica's clock read as missing but stay until the
// master's DEL, also when they arrive in a full-sync payload; repl-backlog-ttl on a master and
// on a replica, on both servers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReply, type RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { caughtUp, digest, FAST, info, sleep, until } from './helpers.js';

type Start = (options: { args?: string[] }) => Promise<RunningServer>;

/** CLIENT LIST TYPE master as field maps, one per line. */
async function masterClients(client: RespClient): Promise<Map<string, string>[]> {
  const text = parseReply(await client.call('CLIENT', 'LIST', 'TYPE', 'master')) as string;
  return text.split('\n').filter((l) => l !== '').map((line) => {
    const fields = new Map<string, string>();
    for (const pair of line.split(' ')) {
      const at = pair.indexOf('=');
      fields.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return fields;
  });
}

/** A redis-server master with one redis-server replica and one Vesta replica. */
async function group(t: { after: (fn: () => Promise<void>) => void }, masterArgs: string[] = []): Promise<{
  master: RunningServer; m: RespClient; replicas: [string, RunningServer, RespClient][];
}> {
  const master = await startRedis({ args: [...FAST, ...masterArgs] });
  const replicas: [string, RunningServer, RespClient][] = [];
  t.after(async () => {
    for (const [, server] of replicas) await server.stop();
    await master.stop();
  });
  for (const [name, start] of [['redis-server', startRedis], ['Vesta', startVesta]] as [string, Start][]) {
    const server = await start({ args: [...FAST, '--replicaof', '127.0.0.1', String(master.port)] });
    replicas.push([name, server, await server.client()]);
  }
  return { master, m: await master.client(), replicas };
}

test('the master client: CLIENT LIST flags=M, INFO connected_clients, CLIENT KILL TYPE master resyncs partially', async (t) => {
  if (!requireRedis(t)) return;
  const { master, m, replicas } = await group(t);
  for (const [, , r] of replicas) await caughtUp(m, r);
  await m.call('SET', 'a', '1');
  for (const [, , r] of replicas) await caughtUp(m, r);
  const seen: Record<string, string>[] = [];
  for (const [name, , r] of replicas) {
    const list = await masterClients(r);
    assert.equal(list.length, 1, `${name}: one master client`);
    const fields = list[0] as Map<string, string>;
    const pick = Object.fromEntries(['addr', 'name', 'flags', 'db', 'sub', 'multi', 'user'].map((f) => [f, fields.get(f) ?? '?']));
    seen.push(pick);
    // The master's last command: the SET, or a PING sent since (repl-ping-replica-period 1).
    assert.match(fields.get('cmd') ?? '', /^(set|ping)$/, name);
    assert.equal(pick['addr'], `127.0.0.1:${master.port}`, name);
    assert.equal(pick['flags'], 'M', name);
    assert.equal(await info(r, 'clients', 'connected_clients'), '2', `${name}: us and the master`);
  }
  assert.deepEqual(seen[1], seen[0], 'Vesta shows its master client as redis-server does');
  for (const [name, , r] of replicas) {
    assert.equal(await r.call('CLIENT', 'KILL', 'TYPE', 'master'), ':1\r\n', name);
  }
  await m.call('SET', 'b', '2');
  await until('both replicas to resync', async () => (await info(m, 'stats', 'sync_partial_ok')) === '2');
  assert.equal(await info(m, 'stats', 'sync_full'), '2', 'no new full sync');
  for (const [name, , r] of replicas) {
    await caughtUp(m, r);
    assert.equal(await r.call('GET', 'b'), '$1\r\n2\r\n', name);
    assert.equal((await masterClients(r)).length, 1, `${name}: a master client again`);
  }
  m.close();
  for (const [, , r] of replicas) r.close();
});

/** The reads a client of a replica makes on `key`, expired by the clock but not yet deleted. */
async function readsOfExpired(r: RespClient, key: string): Promise<string[]> {
  return r.pipeline([
    ['GET', key], ['EXISTS', key], ['TTL', key], ['TYPE', key], ['STRLEN', key],
    ['KEYS', '*'], ['DBSIZE'], ['RANDOMKEY'], ['OBJECT', 'ENCODING', key],
  ]);
}

test('a replica does not expire keys itself: reads answer nil, the key stays until the master DELs it', async (t) => {
  if (!requireRedis(t)) return;
  const { m, replicas } = await group(t);
  await m.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  await m.call('SET', 'gone', 'v', 'PX', '200');
  for (const [, , r] of replicas) await caughtUp(m, r);
  await sleep(300);
  const replies = [];
  for (const [, , r] of replicas) replies.push(await readsOfExpired(r, 'gone'));
  assert.deepEqual(replies[1], replies[0], 'Vesta answers as the redis-server replica');
  assert.equal(replies[0]?.[6], ':1\r\n', 'the key is still there (DBSIZE)');
  // The master touches it: it expires there and the DEL reaches the replicas.
  assert.equal(await m.call('GET', 'gone'), '$-1\r\n');
  for (const [name, , r] of replicas) {
    await caughtUp(m, r);
    assert.equal(await r.call('DBSIZE'), ':0\r\n', name);
  }
});

for (const [masterName, startMaster] of [['redis-server', startRedis], ['Vesta', startVesta]] as [string, Start][]) {
  test(`a full sync from a ${masterName} master keeps keys already expired on the replica until the DEL`, async (t) => {
    if (!requireRedis(t)) return;
    const master = await startMaster({ args: FAST });
    const replicas: RunningServer[] = [];
    try {
      const m = await master.client();
      await m.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
      await m.pipeline([['SET', 'keep', '1'], ['SET', 'gone', 'v', 'PX', '100'], ['HSET', 'gone-h', 'f', 'v'], ['PEXPIRE', 'gone-h', '100']]);
      await sleep(250);
      const answers: string[][] = [];
      for (const start of [startRedis, startVesta]) {
        const replica = await start({ args: [...FAST, '--replicaof', '127.0.0.1', String(master.port)] });
        replicas.push(replica);
        const r = await replica.client();
        await caughtUp(m, r);
        answers.push(await r.pipeline([['DBSIZE'], ['GET', 'gone'], ['EXISTS', 'gone-h'], ['GET', 'keep']]));
        r.close();
      }
      assert.deepEqual(answers[1], answers[0], 'the Vesta replica loads the payload as the redis-server replica');
      assert.equal(answers[0]?.[0], ':3\r\n', 'expired keys are in the replica (DBSIZE)');
      await m.pipeline([['GET', 'gone'], ['HGET', 'gone-h', 'f']]);
      for (const replica of replicas) {
        const r = await replica.client();
        await caughtUp(m, r);
        assert.equal(await r.call('DBSIZE'), ':1\r\n', `${replica.kind} after the master's DELs`);
        assert.equal(await digest(r), await digest(m));
        r.close();
      }
      m.close();
    } finally {
      for (const replica of replicas) await replica.stop();
      await master.stop();
    }
  });
}

for (const [name, start] of [['redis-server', startRedis], ['Vesta', startVesta]] as [string, Start][]) {
  test(`repl-backlog-ttl on ${name}: a master frees its backlog (new replid), a replica keeps it`, async (t) => {
    if (!requireRedis(t)) return;
    const ttl = ['--repl-backlog-ttl', '1'];
    const master = await start({ args: [...FAST, ...ttl] });
    const replica = await start({ args: [...FAST, ...ttl, '--replicaof', '127.0.0.1', String(master.port)] });
    let replicaStopped = false;
    try {
      const m = await master.client();
      const r = await replica.client();
      await m.call('SET', 'k', 'v');
      await caughtUp(m, r);
      const replid = await info(m, 'replication', 'master_replid');
      const offset = await info(m, 'replication', 'master_repl_offset');
      assert.equal(await info(m, 'replication', 'repl_backlog_active'), '1');
      // The replica loses its master: it keeps its backlog past the TTL.
      assert.equal(await r.call('CONFIG', 'SET', 'repl-timeout', '1'), '+OK\r\n');
      await replica.stop();
      replicaStopped = true;
      await until('the master to free its backlog', async () => (await info(m, 'replication', 'repl_backlog_active')) === '0', 10_000);
      assert.notEqual(await info(m, 'replication', 'master_replid'), replid, 'a new history');
      assert.equal(await info(m, 'replication', 'master_replid2'), '0'.repeat(40));
      assert.equal(await info(m, 'replication', 'master_repl_offset'), offset, 'the offset stays');
      m.close();
      r.close();
    } finally {
      if (!replicaStopped) await replica.stop();
      await master.stop();
    }
  });

  test(`repl-backlog-ttl on ${name}: a replica whose master is gone keeps its backlog`, async (t) => {
    if (!requireRedis(t)) return;
    const ttl = ['--repl-backlog-ttl', '1'];
    const master = await start({ args: [...FAST, ...ttl] });
    const replica = await start({ args: [...FAST, ...ttl, '--replicaof', '127.0.0.1', String(master.port)] });
    try {
      const m = await master.client();
      const r = await replica.client();
      await m.call('SET', 'k', 'v');
      await caughtUp(m, r);
      m.close();
      await master.stop();
      await sleep(3000);
      assert.equal(await info(r, 'replication', 'repl_backlog_active'), '1');
      r.close();
    } finally {
      await replica.stop();
    }
  });
}
