// Background-job workloads: BGSAVE of a large dataset under a SET load (issue 5) and
// BGREWRITEAOF with and without the RDB preamble plus AOF load at start (issue 6). Redis
// forks for both; Vesta runs them fork-less on its main thread, so the measures that matter
// are each server's throughput and p99 during the job relative to its own idle figures, and the
// extra memory the job costs.

import { rmSync } from 'node:fs';
import {
  BenchServer, median, sleep, type ServerKind,
} from './harness.js';
import { SetLoad } from './load.js';
import { judge, type Row, type Target } from './report.js';
import { withPair, type BenchContext } from './workloads.js';

const KINDS: readonly ServerKind[] = ['redis', 'vesta'];
const POLL_MS = 20;

interface BgsaveRound {
  idleOps: number;
  duringOps: number;
  idleP99Ms: number;
  duringP99Ms: number;
  saveMs: number;
  datasetRss: number;
  /** Peak (process RSS + children's RSS) during the save minus RSS before it. */
  peakExtraRss: number;
  /** Redis's own copy-on-write measure (rdb_last_cow_size); 0 for Vesta. */
  cowBytes: number;
  /** Vesta: main-thread time of the snapshot's slices (vesta_snapshot_scan_ms); 0 for Redis. */
  scanMs: number;
}

/** BGSAVE of ctx.datasetKeys keys while 50 connections SET random existing keys. */
export async function bgsaveUnderLoad(ctx: BenchContext): Promise<Row[]> {
  ctx.log(`BGSAVE of ${ctx.datasetKeys} keys under a SET load`);
  const results: Record<ServerKind, BgsaveRound[]> = { redis: [], vesta: [] };
  await withPair({}, async (pair) => {
    const emptyRss = { redis: pair.redis.rssBytes(), vesta: pair.vesta.rssBytes() };
    for (const kind of KINDS) await pair[kind].call(['DEBUG', 'POPULATE', String(ctx.datasetKeys)]);
    await sleep(500);
    for (let round = 0; round < ctx.rounds; round++) {
      for (const kind of KINDS) {
        const result = await bgsaveRound(ctx, pair[kind], emptyRss[kind]);
        results[kind].push(result);
        ctx.log(`  round ${round + 1} ${kind}: idle ${Math.round(result.idleOps)} ops/s ` +
          `p99 ${result.idleP99Ms.toFixed(2)} ms; during ${Math.round(result.duringOps)} ops/s ` +
          `p99 ${result.duringP99Ms.toFixed(2)} ms; save ${Math.round(result.saveMs)} ms; ` +
          `extra RSS ${mb(result.peakExtraRss)} MB of ${mb(result.datasetRss)} MB` +
          (kind === 'vesta' ? `; scan ${Math.round(result.scanMs)} ms on the main thread` : ''));
      }
    }
  });
  const med = (kind: ServerKind, f: (r: BgsaveRound) => number): number => median(results[kind].map(f));
  const own = (name: string, unit: string, f: (r: BgsaveRound) => number, target: Target | null): Row => {
    const redis = med('redis', f);
    const vesta = med('vesta', f);
    return judge({
      group: 'bgsave', workload: `BGSAVE ${name}`, unit, redis, vesta, ratio: vesta / redis,
      target, targetOn: 'vesta',
      redisRounds: results.redis.map(f), vestaRounds: results.vesta.map(f),
    });
  };
  const saveRedis = med('redis', (r) => r.saveMs);
  const saveVesta = med('vesta', (r) => r.saveMs);
  return [
    own('throughput during / idle', 'x', (r) => r.duringOps / r.idleOps, { op: '>=', value: 0.7 }),
    own('p99 during / idle p99', 'x', (r) => r.duringP99Ms / r.idleP99Ms, { op: '<=', value: 2 }),
    own('peak extra RSS / dataset RSS', 'x', (r) => r.peakExtraRss / r.datasetRss,
      { op: '<=', value: 0.1 }),
    own('CoW (rdb_last_cow_size) / dataset RSS', 'x', (r) => r.cowBytes / r.datasetRss, null),
    judge({
      group: 'bgsave', workload: 'BGSAVE time under load', unit: 'ms', redis: saveRedis,
      vesta: saveVesta, ratio: saveVesta / saveRedis, target: { op: '<=', value: 2 },
      targetOn: 'ratio', redisRounds: results.redis.map((r) => r.saveMs),
      vestaRounds: results.vesta.map((r) => r.saveMs),
    }),
  ];
}

async function bgsaveRound(ctx: BenchContext, server: BenchServer, emptyRss: number): Promise<BgsaveRound> {
  const load = new SetLoad({ keyspace: ctx.datasetKeys, valueBytes: 12 });
  const idleMs = ctx.quick ? 1500 : 3000;
  await load.start(server.port, 50);
  await sleep(500); // warm-up, not counted
  const idleFrom = performance.now();
  await sleep(idleMs);
  const rssBefore = server.rssBytes();
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, server.rssBytes() + server.childrenRssBytes());
  }, POLL_MS);
  const saveFrom = performance.now();
  try {
    await server.call(['BGSAVE']);
    await waitForInfo(server, 'persistence', (info) => info.get('rdb_bgsave_in_progress') === '0');
  } finally {
    clearInterval(sampler);
  }
  const saveTo = performance.now();
  await load.stop();
  const info = await server.info('persistence');
  const idle = load.window(idleFrom, saveFrom);
  const during = load.window(saveFrom, saveTo);
  return {
    idleOps: idle.opsPerSec,
    duringOps: during.opsPerSec,
    idleP99Ms: idle.p99Ms,
    duringP99Ms: during.p99Ms,
    saveMs: saveTo - saveFrom,
    datasetRss: rssBefore - emptyRss,
    peakExtraRss: peak - rssBefore,
    cowBytes: Number(info.get('rdb_last_cow_size') ?? 0),
    scanMs: Number(info.get('vesta_snapshot_scan_ms') ?? 0),
  };
}

/** Polls INFO <section> every POLL_MS until `done` holds. */
export async function waitForInfo(
  server: BenchServer, section: string, done: (info: Map<string, string>) => boolean,
): Promise<void> {
  for (;;) {
    if (done(await server.info(section))) return;
    await sleep(POLL_MS);
  }
}

// ------------------------------------------------------------------------ AOF rewrite

const rewriteIdle = (info: Map<string, string>): boolean =>
  info.get('aof_rewrite_in_progress') === '0' && info.get('aof_rewrite_scheduled') === '0';

/**
 * BGREWRITEAOF of ctx.datasetKeys keys with the preamble (time), then AOF load at start with
 * the preamble and, after a rewrite without it, without the preamble.
 */
export async function aofRewrite(ctx: BenchContext): Promise<Row[]> {
  ctx.log(`BGREWRITEAOF and AOF load of ${ctx.datasetKeys} keys`);
  const directives = ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'yes'];
  const perKind = (): Record<ServerKind, number[]> => ({ redis: [], vesta: [] });
  const m = { rewrite: perKind(), load: perKind(), rewritePlain: perKind(), loadPlain: perKind() };
  const servers: Record<ServerKind, BenchServer | null> = { redis: null, vesta: null };
  const dirs: string[] = [];
  try {
    for (const kind of KINDS) {
      const server = await BenchServer.start(kind, { directives });
      servers[kind] = server;
      dirs.push(server.dir);
      await waitForInfo(server, 'persistence', rewriteIdle);
      await server.call(['DEBUG', 'POPULATE', String(ctx.datasetKeys)]);
    }
    await rewriteRounds(ctx, servers, m.rewrite);
    await restartRounds(ctx, servers, directives, m.load);
    const plain = ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'];
    for (const kind of KINDS) await servers[kind]?.call(['CONFIG', 'SET', 'aof-use-rdb-preamble', 'no']);
    await rewriteRounds(ctx, servers, m.rewritePlain);
    await restartRounds(ctx, servers, plain, m.loadPlain);
  } finally {
    for (const kind of KINDS) await servers[kind]?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  const row = (workload: string, values: Record<ServerKind, number[]>, target: Target | null): Row => {
    const redis = median(values.redis);
    const vesta = median(values.vesta);
    return judge({
      group: 'aof-rewrite', workload, unit: 'ms', redis, vesta, ratio: vesta / redis, target,
      targetOn: 'ratio', redisRounds: values.redis, vestaRounds: values.vesta,
    });
  };
  return [
    row('BGREWRITEAOF (preamble) time', m.rewrite, { op: '<=', value: 2 }),
    row('AOF load at start (preamble)', m.load, { op: '<=', value: 2 }),
    row('BGREWRITEAOF (no preamble) time', m.rewritePlain, null),
    row('AOF load at start (no preamble)', m.loadPlain, { op: '<=', value: 2 }),
  ];
}

async function rewriteRounds(
  ctx: BenchContext, servers: Record<ServerKind, BenchServer | null>, out: Record<ServerKind, number[]>,
): Promise<void> {
  for (let round = 0; round < ctx.rounds; round++) {
    for (const kind of KINDS) {
      const server = servers[kind] as BenchServer;
      const started = performance.now();
      await server.call(['BGREWRITEAOF']);
      await waitForInfo(server, 'persistence', rewriteIdle);
      out[kind].push(performance.now() - started);
    }
  }
}

async function restartRounds(
  ctx: BenchContext, servers: Record<ServerKind, BenchServer | null>, directives: string[],
  out: Record<ServerKind, number[]>,
): Promise<void> {
  for (let round = 0; round < ctx.rounds; round++) {
    for (const kind of KINDS) {
      const old = servers[kind] as BenchServer;
      await old.stop({ keepDir: true });
      servers[kind] = null;
      const server = await BenchServer.start(kind, { dir: old.dir, directives });
      servers[kind] = server;
      out[kind].push(server.startupMs);
    }
  }
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
