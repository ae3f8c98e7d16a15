// Differential testing: the same command streams go to a real redis-server 7.0 and to Vesta,
// and every reply is compared byte for byte. Start both once per test file.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RespClient } from './resp-client.js';
import { haveRedis, requireRedis, startRedis, startVesta, type RunningServer, type StartOptions } from './servers.js';

export interface Pair {
  redis: RunningServer;
  vesta: RunningServer;
  redisClient: RespClient;
  vestaClient: RespClient;
  stop(): Promise<void>;
}

export async function startPair(options: StartOptions = {}): Promise<Pair> {
  const started = await Promise.allSettled([startRedis(options), startVesta(options)]);
  const [redisStart, vestaStart] = started;
  if (redisStart.status === 'rejected' || vestaStart.status === 'rejected') {
    // Stop the one that did start: a live child would keep the test process (and CI) waiting.
    for (const one of started) if (one.status === 'fulfilled') await one.value.stop();
    throw redisStart.status === 'rejected' ? redisStart.reason : (vestaStart as PromiseRejectedResult).reason;
  }
  const [redis, vesta] = [redisStart.value, vestaStart.value];
  const [redisClient, vestaClient] = await Promise.all([redis.client(), vesta.client()]);
  return {
    redis,
    vesta,
    redisClient,
    vestaClient,
    stop: async () => {
      redisClient.close();
      vestaClient.close();
      await Promise.all([redis.stop(), vesta.stop()]);
    },
  };
}

/**
 * Starts one Redis/Vesta pair for the whole test file (when Redis is installed) and stops it
 * after the last test; returns an accessor for the tests. Each test still calls requireRedis(t)
 * first, so a missing Redis is a visible skip (or a failure under VESTA_REQUIRE_REDIS=1).
 */
export function sharedPair(options: StartOptions = {}): () => Pair {
  let pair: Pair | null = null;
  before(async () => {
    if (haveRedis()) pair = await startPair(options);
  });
  after(async () => {
    await pair?.stop();
  });
  return () => {
    if (pair === null) throw new Error('pair not started');
    return pair;
  };
}

/**
 * One test per named command sequence and protocol: the sequence runs on both servers in RESP2
 * and in RESP3 (after HELLO 3, switched back to 2 afterwards) with byte-identical replies.
 */
export function sequenceTests(p: () => Pair, sequences: Record<string, (string | number)[][]>): void {
  for (const [name, commands] of Object.entries(sequences)) {
    for (const resp of [2, 3]) {
      test(`${name} (RESP${resp})`, async (t) => {
        if (!requireRedis(t)) return;
        const hello: (string | number)[][] = resp === 3 ? [['HELLO', 3]] : [];
        await same(p(), hello.concat(commands), name);
        if (resp === 3) await same(p(), [['HELLO', 2]]);
      });
    }
  }
}

/**
 * Starts a redis-server and a vesta-server once for the file (when Redis is installed) and stops
 * them after the last test; for tests that drive several connections per server themselves.
 */
export function sharedServers(): () => { redis: RunningServer; vesta: RunningServer } {
  let servers: { redis: RunningServer; vesta: RunningServer } | null = null;
  before(async () => {
    if (!haveRedis()) return;
    const [redis, vesta] = await Promise.all([startRedis(), startVesta()]);
    servers = { redis, vesta };
  });
  after(async () => {
    await Promise.all([servers?.redis.stop(), servers?.vesta.stop()]);
  });
  return () => {
    if (servers === null) throw new Error('servers not started');
    return servers;
  };
}

/** Sends each command to both and asserts identical reply bytes. */
export async function same(pair: Pair, commands: (string | number)[][], label = ''): Promise<void> {
  const [expected, actual] = await Promise.all([
    pair.redisClient.pipeline(commands),
    pair.vestaClient.pipeline(commands),
  ]);
  for (let i = 0; i < commands.length; i++) {
    // Client ids depend on how many connections each server has seen; mask them in HELLO.
    const mask = String(commands[i]?.[0]).toUpperCase() === 'HELLO' ? maskClientId : (x: string) => x;
    assert.equal(
      mask(actual[i] as string),
      mask(expected[i] as string),
      `${label} reply to ${JSON.stringify(commands[i])} differs (redis ${JSON.stringify(expected[i])}, vesta ${JSON.stringify(actual[i])})`,
    );
  }
}

/** Like same(), but compares replies as unordered collections (SMEMBERS, KEYS, HGETALL...). */
export function sortedReply(reply: string): string {
  const lines = reply.split('\r\n');
  const header = lines.shift();
  const items: string[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) items.push(`${lines[i]}\r\n${lines[i + 1]}`);
  items.sort();
  return [header, ...items].join('\r\n') + '\r\n';
}

function maskClientId(reply: string): string {
  return reply.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
}
