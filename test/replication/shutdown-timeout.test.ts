// SHUTDOWN on a master whose replica has not acknowledged its stream waits up to
// shutdown-timeout seconds with writes paused (Redis 7.0's prepareForShutdown), unless NOW;
// SHUTDOWN ABORT cancels the wait and the waiting client gets an error. The same scenario runs
// on a redis-server pair and on a Vesta pair; what the clients see must be the same, and both
// must log Redis's lines.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RespClient } from '../helpers/resp-client.js';
import { requireRedis, type RunningServer } from '../helpers/servers.js';
import { freeze, logged, pair, type Kind } from './failover-helpers.js';
import { info, until } from './helpers.js';

const KINDS: readonly Kind[] = ['redis', 'vesta'];

async function exited(server: RunningServer): Promise<void> {
  await until(`${server.kind} to exit (log: ${server.output().slice(-600)})`, async () => server.process.exitCode !== null);
}

/** A reply, or the text "closed" when the server closed the connection instead. */
function settle(reply: Promise<string>): Promise<string> {
  return reply.catch(() => 'closed');
}

/** What a frozen replica's master does with SHUTDOWN, ABORT, a held write and a read. */
async function abortScenario(kind: Kind): Promise<string[]> {
  const p = await pair(kind, kind);
  const seen: string[] = [];
  const extra: RespClient[] = [];
  try {
    const shutter = await p.master.client();
    const writer = await p.master.client();
    extra.push(shutter, writer);
    freeze(p.replica, true);
    seen.push(await p.m.call('SET', 'a', '1'));
    const shutdown = settle(shutter.call('SHUTDOWN'));
    await logged(p.master, 'Waiting for replicas before shutting down.');
    const write = settle(writer.call('SET', 'b', '2'));
    await until('SHUTDOWN and the write to be blocked', async () => (await info(p.m, 'clients', 'blocked_clients')) === '2');
    seen.push(await p.m.call('GET', 'a'));
    seen.push(await p.m.call('SHUTDOWN', 'ABORT'));
    seen.push(await shutdown, await write);
    seen.push(await p.m.call('SHUTDOWN', 'ABORT'));
    seen.push(await p.m.call('GET', 'b'));
    await logged(p.master, 'Shutdown manually aborted.');
    // Now let it time out: one second, then the master exits and reports its lagging replica.
    seen.push(await p.m.call('CONFIG', 'SET', 'shutdown-timeout', '1'));
    const last = await p.master.client();
    extra.push(last);
    const final = settle(last.call('SHUTDOWN', 'NOSAVE'));
    await exited(p.master);
    seen.push(await final);
    assert.match(p.master.output(), /Lagging replica \S+ reported offset \d+ behind master, lag=\d+, state=online\./, kind);
    assert.ok(p.master.output().includes('0 of 1 replicas are in sync when shutting down.'), kind);
    return seen;
  } finally {
    for (const c of extra) c.close();
    freeze(p.replica, false);
    await p.stop();
  }
}

test('SHUTDOWN waits for a lagging replica with writes paused; ABORT cancels; the timeout exits', async (t) => {
  if (!requireRedis(t)) return;
  const [redis, vesta] = [await abortScenario(KINDS[0] as Kind), await abortScenario(KINDS[1] as Kind)];
  assert.deepEqual(vesta, redis);
  // What Redis does, so the comparison above compares something.
  assert.equal(redis[2], '+OK\r\n', 'SHUTDOWN ABORT answers OK while a shutdown waits');
  assert.equal(redis[3], '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
});

/** The replica resumes: the waiting SHUTDOWN completes with every replica in sync. */
async function catchUpScenario(kind: Kind, now: boolean): Promise<string> {
  const p = await pair(kind, kind);
  try {
    const shutter = await p.master.client();
    freeze(p.replica, true);
    await p.m.call('SET', 'a', '1');
    const reply = settle(shutter.call('SHUTDOWN', 'NOSAVE', ...(now ? ['NOW'] : [])));
    if (!now) {
      await logged(p.master, 'Waiting for replicas before shutting down.');
      freeze(p.replica, false);
    }
    await exited(p.master);
    shutter.close();
    return `${await reply} ${now ? '0' : '1'} of 1 in sync: ${String(p.master.output().includes(`${now ? 0 : 1} of 1 replicas are in sync when shutting down.`))}`;
  } finally {
    freeze(p.replica, false);
    await p.stop();
  }
}

test('SHUTDOWN completes once the replica catches up; SHUTDOWN NOW does not wait', async (t) => {
  if (!requireRedis(t)) return;
  for (const now of [false, true]) {
    const redis = await catchUpScenario('redis', now);
    const vesta = await catchUpScenario('vesta', now);
    assert.equal(vesta, redis, `NOW ${String(now)}`);
    assert.ok(redis.endsWith('true'), redis);
  }
});
