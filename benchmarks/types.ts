// The workloads of issue 21, Redis and Vesta interleaved, medians compared, through
// redis-benchmark's custom-command mode with 50 clients at pipeline 1: SETBIT and BITCOUNT on a
// 12.5 KB bitmap (target >= 0.6x Redis), PFADD and PFCOUNT of one key (>= 0.6x), GEOSEARCH
// returning about 100 of 10,000 points (>= 0.5x).

import { BenchServer, customCommandBenchmark, median, type ServerKind } from './harness.js';
import { judge, type Row } from './report.js';
import type { BenchContext } from './workloads.js';

interface TypeWorkload {
  label: string;
  setup: string[][];
  command: string[];
  range: number;
  target: number;
}

async function runWorkload(ctx: BenchContext, w: TypeWorkload): Promise<Row> {
  const servers: Record<ServerKind, BenchServer> = {
    redis: await BenchServer.start('redis', {}),
    vesta: await BenchServer.start('vesta', {}),
  };
  try {
    for (const kind of ['redis', 'vesta'] as const) for (const cmd of w.setup) await servers[kind].call(cmd);
    const results: Record<ServerKind, number[]> = { redis: [], vesta: [] };
    for (let round = 0; round < ctx.rounds; round++) {
      for (const kind of ['redis', 'vesta'] as const) {
        const ops = await customCommandBenchmark(servers[kind].port, ctx.requests, w.command, w.range);
        results[kind].push(ops);
        ctx.log(`${w.label} ${kind} round ${round + 1}: ${ops.toFixed(0)} ops/s`);
      }
    }
    const redis = median(results.redis);
    const vesta = median(results.vesta);
    return judge({ group: 'types', workload: w.label, unit: 'ops/s', redis, vesta, ratio: vesta / redis,
      target: { op: '>=', value: w.target }, targetOn: 'ratio', redisRounds: results.redis, vestaRounds: results.vesta });
  } finally {
    await servers.redis.stop();
    await servers.vesta.stop();
  }
}

/** 10,000 points spread over about 1 degree around (13.4, 38.1), in GEOADD batches. */
function geoSetup(): string[][] {
  const batches: string[][] = [];
  for (let b = 0; b < 10; b++) {
    const cmd = ['GEOADD', 'geo'];
    for (let i = 0; i < 1000; i++) {
      const n = b * 1000 + i;
      cmd.push(String(13 + ((n * 7919) % 10000) / 10000), String(37.6 + ((n * 104729) % 10000) / 10000), `p${n}`);
    }
    batches.push(cmd);
  }
  return batches;
}

export async function typesThroughput(ctx: BenchContext): Promise<Row[]> {
  const workloads: TypeWorkload[] = [
    // redis-benchmark's __rand_int__ is zero-padded, which no bit offset accepts: the random part
    // is the key (100 bitmaps of 12.5 KB), the offset alternates between two bits per key.
    { label: 'SETBIT 12.5 KB bitmaps c50 p1', setup: [], command: ['SETBIT', 'bm:__rand_int__', '99999', '1'], range: 100, target: 0.6 },
    { label: 'BITCOUNT 12.5 KB bitmap c50 p1', setup: [['SETBIT', 'bm', '99999', '1']], command: ['BITCOUNT', 'bm'], range: 1, target: 0.6 },
    { label: 'PFADD one key c50 p1', setup: [], command: ['PFADD', 'hll', 'el:__rand_int__'], range: 1_000_000, target: 0.6 },
    {
      label: 'PFCOUNT one key c50 p1',
      setup: [['PFADD', 'hll', ...Array.from({ length: 5000 }, (_, i) => `e${i}`)]],
      command: ['PFCOUNT', 'hll'], range: 1, target: 0.6,
    },
    {
      label: 'GEOSEARCH 100 results c50 p1', setup: geoSetup(),
      // About one point per km2: a 5.6 km radius holds about 100 of them.
      command: ['GEOSEARCH', 'geo', 'FROMLONLAT', '13.5', '38.1', 'BYRADIUS', '5.6', 'km', 'ASC'],
      range: 1, target: 0.5,
    },
  ];
  const rows: Row[] = [];
  for (const w of workloads) rows.push(await runWorkload(ctx, w));
  return rows;
}
