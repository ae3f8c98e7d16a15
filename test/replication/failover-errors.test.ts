// FAILOVER's argument and state errors, byte for byte against redis-server in the same state:
// a master without replicas, a master with one (a redis-server replica in both runs), the
// replica itself, and a master waiting for its stopped replica (FAILOVER again, REPLICAOF,
// FAILOVER ABORT). PSYNC ... FAILOVER sent to a master and with a wrong replid too.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RespClient } from '../helpers/resp-client.js';
import { requireRedis } from '../helpers/servers.js';
import { failoverState, freeze, pair, start, type Kind } from './failover-helpers.js';

type Step = (string | number)[];

/** Replies of `steps` on `c`, each with its command for the assertion message. */
async function run(c: RespClient, steps: Step[]): Promise<string[]> {
  const out: string[] = [];
  for (const step of steps) out.push(`${step.join(' ')} -> ${await c.call(...step)}`);
  return out;
}

const NO_REPLICAS: Step[] = [
  ['FAILOVER'], ['FAILOVER', 'ABORT'], ['FAILOVER', 'abort', 'x'], ['FAILOVER', 'TO'], ['FAILOVER', 'TO', 'h'],
  ['FAILOVER', 'TO', 'h', 'x'], ['FAILOVER', 'TO', 'h', '1'], ['FAILOVER', 'TIMEOUT'], ['FAILOVER', 'TIMEOUT', '0'],
  ['FAILOVER', 'TIMEOUT', '-1'], ['FAILOVER', 'TIMEOUT', 'x'], ['FAILOVER', 'TIMEOUT', '99999999999999999999'],
  ['FAILOVER', 'FORCE'], ['FAILOVER', 'TIMEOUT', '10', 'TIMEOUT', '10'], ['FAILOVER', 'TO', 'h', '1', 'TO', 'h', '2'],
  ['FAILOVER', 'foo'], ['FAILOVER', 'ABORT', 'TIMEOUT', '10'], ['FAILOVER', 'FORCE', 'FORCE'],
  ['FAILOVER', 'TIMEOUT', '0', 'foo'], ['FAILOVER', 'foo', 'TIMEOUT', '0'], ['PSYNC', 'x', '1', 'FAILOVER'],
];

function withReplica(port: number): Step[] {
  return [
    ['FAILOVER', 'FORCE'], ['FAILOVER', 'TO', '127.0.0.1', port, 'FORCE'], ['FAILOVER', 'TIMEOUT', '100', 'FORCE'],
    ['FAILOVER', 'TO', '127.0.0.1', 9], ['FAILOVER', 'TO', 'localhost', port], ['FAILOVER', 'TO', '127.0.0.1', port, 'TIMEOUT', '0'],
    ['FAILOVER', 'TO', '127.0.0.1', '99999999999999999999'], ['FAILOVER', 'ABORT'], ['FAILOVER', 'ABORT', 'ABORT'],
  ];
}

const ON_REPLICA: Step[] = [
  ['FAILOVER'], ['FAILOVER', 'ABORT'], ['FAILOVER', 'TO', 'h', '1'], ['PSYNC', 'not-my-replid', '1', 'FAILOVER'],
];

/** A master waiting for its stopped replica (a write it never acknowledged). */
function waiting(port: number): Step[] {
  return [
    ['SET', 'unacked', '1'], ['FAILOVER', 'TO', '127.0.0.1', port, 'TIMEOUT', '60000'], ['INFO_STATE'],
    ['FAILOVER'], ['FAILOVER', 'TO', '127.0.0.1', port], ['FAILOVER', 'TIMEOUT', 'x'], ['REPLICAOF', 'NO', 'ONE'],
    ['REPLICAOF', '127.0.0.1', '1'], ['FAILOVER', 'ABORT', 'x'], ['PSYNC', 'x', '1', 'FAILOVER'],
    ['PSYNC', '?', '-1'], ['GET', 'unacked'], ['FAILOVER', 'ABORT'], ['INFO_STATE'], ['FAILOVER', 'ABORT'],
  ];
}

async function transcript(kind: Kind): Promise<string[]> {
  const out: string[] = [];
  const lone = await start(kind);
  try {
    const c = await lone.client();
    out.push(...(await run(c, NO_REPLICAS)));
    c.close();
  } finally {
    await lone.stop();
  }
  const p = await pair(kind, 'redis');
  try {
    out.push(...(await run(p.m, withReplica(p.replica.port))));
    out.push(...(await run(p.r, ON_REPLICA)));
    freeze(p.replica, true);
    for (const step of waiting(p.replica.port)) {
      if (step[0] === 'INFO_STATE') out.push(`state: ${await failoverState(p.m)}`);
      else out.push(...(await run(p.m, [step])));
    }
  } finally {
    freeze(p.replica, false);
    await p.stop();
  }
  // The replica's port is in the commands echoed, not in the replies.
  return out.map((line) => line.replaceAll(` ${p.replica.port} `, ' <replica-port> '));
}

test('FAILOVER argument and state errors are the same as redis-server, byte for byte', async (t) => {
  if (!requireRedis(t)) return;
  const redis = await transcript('redis');
  const vesta = await transcript('vesta');
  assert.deepEqual(vesta, redis);
  // The transcript went through the states it is meant to check.
  assert.ok(redis.includes('state: waiting-for-sync'), redis.join('\n'));
  assert.ok(redis.includes('FAILOVER -> -ERR FAILOVER already in progress.\r\n'), redis.join('\n'));
});
