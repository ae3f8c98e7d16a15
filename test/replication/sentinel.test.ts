// Redis Sentinel (redis-server --sentinel, 7.0) fails over a Vesta group of one master and two
// replicas while an ioredis client in sentinel mode keeps writing: Sentinel's INFO parsing,
// hello messages over pub/sub, and its promotion block (MULTI, SLAVEOF NO ONE, CONFIG REWRITE,
// CLIENT KILL TYPE normal/pubsub, EXEC) all run against Vesta. Writes acknowledged by WAIT 1
// must survive; writes acknowledged without WAIT that are lost are counted and reported.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { RespClient, parseReply } from '../helpers/resp-client.js';
import { freePort, REDIS_SERVER, requireRedis, startVesta, tempDir, type RunningServer } from '../helpers/servers.js';
import { FAST, sleep, until } from './helpers.js';

async function startSentinel(masterPort: number): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const dir = tempDir('sentinel-');
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, [
    `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
    `sentinel monitor mymaster 127.0.0.1 ${masterPort} 2`,
    'sentinel down-after-milliseconds mymaster 1000',
    'sentinel failover-timeout mymaster 10000',
    'sentinel parallel-syncs mymaster 2', '',
  ].join('\n'));
  const child = spawn(REDIS_SERVER, [conf, '--sentinel'], { stdio: 'ignore' });
  await until('the sentinel to listen', async () => {
    try {
      const c = await RespClient.connect(port);
      c.close();
      return true;
    } catch {
      return false;
    }
  });
  return { port, child };
}

async function sentinelMaster(port: number): Promise<Map<string, string>> {
  const c = await RespClient.connect(port);
  const flat = parseReply(await c.call('SENTINEL', 'MASTER', 'mymaster')) as string[];
  c.close();
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i] as string, flat[i + 1] as string);
  return fields;
}

/**
 * One command on a connection of its own, again on a new one if it was closed: Sentinel ends
 * normal clients (CLIENT KILL TYPE normal) of the instances it reconfigures.
 */
async function retried(server: RunningServer, argv: string[]): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const c = await server.client();
    try {
      return await c.call(...argv);
    } catch (error: unknown) {
      if (attempt >= 5) throw error;
    } finally {
      c.close();
    }
  }
}

// eslint-disable-next-line max-lines-per-function -- one failover scenario whose steps read in the order they happen
test('Sentinel fails a Vesta group over; writes acknowledged by WAIT 1 survive', async (t) => {
  if (!requireRedis(t)) return;
  const master = await startVesta({ args: FAST });
  const replicaArgs = [...FAST, '--replicaof', '127.0.0.1', String(master.port)];
  const replicas = [await startVesta({ args: replicaArgs }), await startVesta({ args: replicaArgs })];
  const sentinels: ChildProcess[] = [];
  let client: Redis | null = null;
  try {
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await startSentinel(master.port);
      sentinels.push(s.child);
      ports.push(s.port);
    }
    await until('the sentinels to find the replicas and each other', async () => {
      const m = await sentinelMaster(ports[0] as number);
      return m.get('num-slaves') === '2' && m.get('num-other-sentinels') === '2';
    }, 30_000);
    client = new Redis({
      sentinels: ports.map((port) => ({ host: '127.0.0.1', port })),
      name: 'mymaster',
      sentinelRetryStrategy: () => 100,
      retryStrategy: () => 100,
      maxRetriesPerRequest: 2,
    });
    // Refused connections to the dead master are expected until Sentinel switches.
    client.on('error', () => undefined);
    const acked: number[] = [];
    let waitAckedUpTo = -1;
    let failed = 0;
    let failedOver = false;
    let afterFailover = 0;
    const deadline = Date.now() + 40_000;
    let killed = false;
    for (let i = 0; Date.now() < deadline && afterFailover < 50; i++) {
      try {
        await client.set(`k${i}`, String(i));
        acked.push(i);
        if (i % 5 === 0 && (await client.wait(1, 500)) >= 1) waitAckedUpTo = acked.length - 1;
        if (failedOver) afterFailover++;
      } catch {
        failed++;
      }
      if (!killed && acked.length >= 200) {
        killed = true;
        await master.kill();
      }
      if (killed && !failedOver && i % 10 === 0) {
        const m = await sentinelMaster(ports[0] as number);
        failedOver = m.get('port') !== String(master.port);
      }
    }
    assert.ok(failedOver, 'Sentinel promoted a replica');
    const promotedPort = Number((await sentinelMaster(ports[0] as number)).get('port'));
    const promoted = replicas.find((r) => r.port === promotedPort);
    assert.ok(promoted !== undefined, 'the new master is one of the Vesta replicas');
    assert.equal((parseReply(await retried(promoted, ['ROLE'])) as unknown[])[0], 'master');
    const lost: number[] = [];
    for (let j = 0; j < acked.length; j++) {
      const i = acked[j] as number;
      if ((await retried(promoted, ['EXISTS', `k${i}`])) !== ':1\r\n') lost.push(j);
    }
    const lostWaited = lost.filter((j) => j <= waitAckedUpTo);
    t.diagnostic(`writes acknowledged: ${acked.length}, failed: ${failed}, lost without WAIT: ${lost.length - lostWaited.length}, lost after WAIT 1: ${lostWaited.length}`);
    assert.deepEqual(lostWaited, [], 'no write acknowledged by WAIT 1 is lost');
    assert.ok(afterFailover >= 50, 'the client kept writing after the failover');
    // The other replica follows the new master.
    const other = replicas.find((r) => r !== promoted);
    await until('the other replica to follow the new master', async () => {
      const role = parseReply(await retried(other!, ['ROLE'])) as unknown[];
      return role[0] === 'slave' && role[2] === promotedPort && role[3] === 'connected';
    }, 20_000);
    await sleep(10);
  } finally {
    client?.disconnect();
    for (const s of sentinels) s.kill('SIGKILL');
    for (const r of replicas) await r.stop();
    await master.stop();
  }
});
