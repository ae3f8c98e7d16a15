// The scripting workloads of issue 19, Redis and Vesta interleaved, medians compared:
// EVALSHA of a two-command script (INCR + EXPIRE) with 50 clients at pipeline 1 (target
// >= 0.6x Redis) and a script looping 100 redis.call (>= 0.3x), both through redis-benchmark's
// custom-command mode; and BullMQ adding (addBulk, 500 at a time) and processing 5,000 jobs with
// one worker of concurrency 50 (>= 0.5x), in jobs per second from the first add to the last
// completion. Each workload runs once unrecorded on both servers before its rounds.

import { BenchServer, customCommandBenchmark, median, type ServerKind } from './harness.js';
import { judge, type Row } from './report.js';
import type { BenchContext } from './workloads.js';

const INCR_EXPIRE = "redis.call('incr', KEYS[1]) return redis.call('expire', KEYS[1], 100)";
const LOOP_100 = "local n = 0 for i = 1, 100 do n = n + redis.call('incr', KEYS[1]) end return n";

async function scriptWorkload(ctx: BenchContext, label: string, body: string, requests: number,
  target: number): Promise<Row> {
  const servers: Record<ServerKind, BenchServer> = {
    redis: await BenchServer.start('redis', {}),
    vesta: await BenchServer.start('vesta', {}),
  };
  try {
    const shas: Record<ServerKind, string> = { redis: '', vesta: '' };
    for (const kind of ['redis', 'vesta'] as const) shas[kind] = String(await servers[kind].call(['SCRIPT', 'LOAD', body]));
    const results: Record<ServerKind, number[]> = { redis: [], vesta: [] };
    // One unrecorded run each first: a server that has just started is not what the rows are
    // about, and Vesta's JIT and heap sizing would otherwise be measured in round 1.
    for (const kind of ['redis', 'vesta'] as const) {
      await customCommandBenchmark(servers[kind].port, requests, ['EVALSHA', shas[kind], '1', 'key:__rand_int__'], 10000);
    }
    for (let round = 0; round < ctx.rounds; round++) {
      for (const kind of ['redis', 'vesta'] as const) {
        const ops = await customCommandBenchmark(servers[kind].port, requests, ['EVALSHA', shas[kind], '1', 'key:__rand_int__'], 10000);
        results[kind].push(ops);
        ctx.log(`${label} ${kind} round ${round + 1}: ${ops.toFixed(0)} ops/s`);
      }
    }
    const redis = median(results.redis);
    const vesta = median(results.vesta);
    return judge({ group: 'scripting', workload: label, unit: 'ops/s', redis, vesta, ratio: vesta / redis,
      target: { op: '>=', value: target }, targetOn: 'ratio', redisRounds: results.redis, vestaRounds: results.vesta });
  } finally {
    await servers.redis.stop();
    await servers.vesta.stop();
  }
}

const BULL_JOBS = 5000;

/** One BullMQ round on a server: jobs/s for adding and processing BULL_JOBS jobs. */
async function bullRound(port: number, round: number): Promise<number> {
  const { Queue, Worker } = await import('bullmq');
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const name = `bench${round}`;
  const queue = new Queue(name, { connection });
  let done = 0;
  let finish: () => void = () => {};
  const all = new Promise<void>((resolve) => { finish = resolve; });
  const worker = new Worker(name, async (job) => job.data.n as number, {
    connection, concurrency: 50, removeOnComplete: { count: 100 },
  });
  worker.on('completed', () => {
    if (++done === BULL_JOBS) finish();
  });
  await worker.waitUntilReady();
  const start = performance.now();
  for (let i = 0; i < BULL_JOBS; i += 500) {
    await queue.addBulk(Array.from({ length: 500 }, (_, j) => ({ name: 'j', data: { n: i + j } })));
  }
  await all;
  const seconds = (performance.now() - start) / 1000;
  await worker.close();
  await queue.close();
  return BULL_JOBS / seconds;
}

async function bullmqWorkload(ctx: BenchContext): Promise<Row> {
  const servers: Record<ServerKind, BenchServer> = {
    redis: await BenchServer.start('redis', {}),
    vesta: await BenchServer.start('vesta', {}),
  };
  try {
    const results: Record<ServerKind, number[]> = { redis: [], vesta: [] };
    // An unrecorded round each first (the client library and both servers warm up).
    for (const kind of ['redis', 'vesta'] as const) await bullRound(servers[kind].port, -1);
    for (let round = 0; round < ctx.rounds; round++) {
      for (const kind of ['redis', 'vesta'] as const) {
        const rate = await bullRound(servers[kind].port, round);
        results[kind].push(rate);
        ctx.log(`BullMQ 5000 jobs ${kind} round ${round + 1}: ${rate.toFixed(0)} jobs/s`);
      }
    }
    const redis = median(results.redis);
    const vesta = median(results.vesta);
    return judge({ group: 'scripting', workload: 'BullMQ add+process 5000 jobs', unit: 'jobs/s', redis, vesta,
      ratio: vesta / redis, target: { op: '>=', value: 0.5 }, targetOn: 'ratio', redisRounds: results.redis,
      vestaRounds: results.vesta });
  } finally {
    await servers.redis.stop();
    await servers.vesta.stop();
  }
}

export async function scriptingThroughput(ctx: BenchContext): Promise<Row[]> {
  const requests = Math.max(2000, Math.floor(ctx.requests / 2));
  return [
    await scriptWorkload(ctx, 'EVALSHA incr+expire c50 p1', INCR_EXPIRE, requests, 0.6),
    await scriptWorkload(ctx, 'EVALSHA 100x redis.call c50 p1', LOOP_100, Math.max(1000, Math.floor(requests / 10)), 0.3),
    await bullmqWorkload(ctx),
  ];
}
