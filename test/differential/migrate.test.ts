// MIGRATE between real servers: redis-server and Vesta each migrate the same keys to a third
// server (a redis-server, then a Vesta) and must give the same replies and leave the same data
// on both ends; COPY, REPLACE, KEYS, AUTH, AUTH2, NOKEY, errors from the target, a target that
// never answers (timeout) and one that is not there, and argument errors.

import assert from 'node:assert/strict';
import { createServer, type Server as NetServer } from 'node:net';
import { after, before, test } from 'node:test';
import type { RespClient } from '../helpers/resp-client.js';
import { freePort, haveRedis, requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';

interface Setup {
  sources: { redis: RunningServer; vesta: RunningServer };
  clients: { redis: RespClient; vesta: RespClient };
  /** Migration targets: one redis-server and one Vesta, each with a password set for AUTH tests. */
  targets: RunningServer[];
  targetClients: RespClient[];
  silent: NetServer;
  silentPort: number;
}

let setup: Setup | null = null;

before(async () => {
  if (!haveRedis()) return;
  const [redis, vesta, t1, t2] = await Promise.all([
    startRedis(), startVesta(), startRedis(), startVesta(),
  ]);
  const silent = createServer(() => undefined); // accepts connections, never answers
  const silentPort = await freePort();
  await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
  const clients = { redis: await redis.client(), vesta: await vesta.client() };
  const targetClients = [await t1.client(), await t2.client()];
  for (const tc of targetClients) {
    await tc.pipeline([['ACL', 'SETUSER', 'mover', 'on', '>mpw', '~*', '+@all'], ['CONFIG', 'SET', 'requirepass', 'pw'], ['AUTH', 'pw']]);
  }
  setup = { sources: { redis, vesta }, clients, targets: [t1, t2], targetClients, silent, silentPort };
});

after(async () => {
  if (setup === null) return;
  setup.silent.close();
  for (const c of [setup.clients.redis, setup.clients.vesta, ...setup.targetClients]) c.close();
  await Promise.all([setup.sources.redis.stop(), setup.sources.vesta.stop(), ...setup.targets.map((t) => t.stop())]);
});

/** Runs the same commands on both sources (each migrating into its own db of the target). */
async function both(commands: (dbIndex: number) => string[][]): Promise<void> {
  const s = setup as Setup;
  const [expected, actual] = await Promise.all([
    s.clients.redis.pipeline(commands(1)),
    s.clients.vesta.pipeline(commands(2)),
  ]);
  const list = commands(1);
  for (let i = 0; i < list.length; i++) {
    assert.equal(actual[i], expected[i], `reply to ${JSON.stringify(list[i])} differs (redis ${JSON.stringify(expected[i])}, vesta ${JSON.stringify(actual[i])})`);
  }
}

/** The target's view of db 1 (redis's migrations) and db 2 (Vesta's) must match. */
async function sameOnTarget(target: RespClient, commands: string[][]): Promise<void> {
  const read = (db: number): Promise<string[]> => target.pipeline([['SELECT', String(db)], ...commands]);
  const [fromRedis, fromVesta] = await Promise.all([read(1), read(2)]);
  assert.deepEqual(fromVesta, fromRedis);
}

for (const [index, name] of [[0, 'redis-server'], [1, 'Vesta']] as const) {
  test(`MIGRATE to ${name}: moves, copies, replaces and authenticates as redis-server does`, async (t) => {
    if (!requireRedis(t)) return;
    const s = setup as Setup;
    const target = s.targets[index] as RunningServer;
    const tc = s.targetClients[index] as RespClient;
    await tc.pipeline([['SELECT', '1'], ['FLUSHDB'], ['SELECT', '2'], ['FLUSHDB']]);
    const port = String(target.port);
    await both((db) => [
      ['FLUSHALL'],
      ['SET', 'a', 'one'],
      ['RPUSH', 'l', 'x', 'y'],
      ['HSET', 'h', 'f', 'v'],
      ['SET', 'ttl', 'v', 'PX', '500000'],
      ['ZADD', 'z', '1', 'm'],
      ['MIGRATE', '127.0.0.1', port, 'a', String(db), '2000', 'AUTH', 'pw'],
      ['EXISTS', 'a'],
      ['MIGRATE', '127.0.0.1', port, '', String(db), '2000', 'COPY', 'AUTH2', 'mover', 'mpw', 'KEYS', 'l', 'h', 'missing'],
      ['EXISTS', 'l', 'h'],
      ['MIGRATE', '127.0.0.1', port, 'l', String(db), '2000', 'AUTH', 'pw'],
      ['EXISTS', 'l'],
      ['MIGRATE', '127.0.0.1', port, 'l', String(db), '2000', 'REPLACE', 'AUTH', 'pw'],
      ['EXISTS', 'l'],
      ['MIGRATE', '127.0.0.1', port, '', String(db), '2000', 'AUTH', 'pw', 'KEYS', 'ttl', 'z'],
      ['MIGRATE', '127.0.0.1', port, 'missing', String(db), '2000', 'AUTH', 'pw'],
      ['MIGRATE', '127.0.0.1', port, 'h', String(db), '2000', 'AUTH', 'wrong'],
      ['MIGRATE', '127.0.0.1', port, 'h', String(db), '2000'],
      ['EXISTS', 'h'],
      ['MIGRATE', '127.0.0.1', port, 'h', '99', '2000', 'AUTH', 'pw'],
      ['MIGRATE', '127.0.0.1', port, 'h', String(db), '2000', 'AUTH', 'pw', 'FOO'],
      ['MIGRATE', '127.0.0.1', port, 'h', String(db), 'x', 'AUTH', 'pw'],
      ['MIGRATE', '127.0.0.1', port, 'h', 'x', '2000'],
      ['MIGRATE', '127.0.0.1', port, 'h', String(db), '2000', 'KEYS', 'a'],
      ['MIGRATE', '127.0.0.1', port, 'h', String(db), '2000', 'AUTH'],
      ['DBSIZE'],
    ]);
    await sameOnTarget(tc, [['GET', 'a'], ['LRANGE', 'l', '0', '-1'], ['HGETALL', 'h'], ['ZRANGE', 'z', '0', '-1'], ['GET', 'ttl'], ['DBSIZE']]);
    const ttls = await tc.pipeline([['SELECT', '2'], ['PTTL', 'ttl']]);
    const ttl = Number(String(ttls[1]).slice(1));
    assert.ok(ttl > 400_000 && ttl <= 500_000, `the TTL travels with the key (${ttl})`);
  });
}

test('MIGRATE reports a target that never answers and one that is not there as redis-server does', async (t) => {
  if (!requireRedis(t)) return;
  const s = setup as Setup;
  const closedPort = String(await freePort());
  await both(() => [
    ['SET', 'k', 'v'],
    ['MIGRATE', '127.0.0.1', String(s.silentPort), 'k', '0', '300'],
    ['MIGRATE', '127.0.0.1', closedPort, 'k', '0', '300'],
    ['EXISTS', 'k'],
  ]);
});
