// Replication workloads (issue 22): master SET throughput (50 clients, pipeline 1) with one
// replica attached; the replica's lag under that load (p50/p99, in ms behind the master's
// offset); a full sync of ctx.datasetKeys keys (time from REPLICAOF to the link up) and the
// master's SET throughput during the sync relative to idle. Redis forks for the sync's RDB;
// Vesta cuts it with the fork-less snapshot engine on its main thread.

import { BenchServer, median, quantile, runRedisBenchmark, sleep, type ServerKind } from './harness.js';
import { SetLoad } from './load.js';
import { judge, type Row } from './report.js';
import type { BenchContext } from './workloads.js';

const KINDS: readonly ServerKind[] = ['redis', 'vesta'];
const FAST_SYNC = ['--repl-diskless-sync-delay', '0'];

async function offset(server: BenchServer, field: string): Promise<number> {
  return Number((await server.info('replication')).get(field) ?? 'NaN');
}

async function linkUp(replica: BenchServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await replica.info('replication')).get('master_link_status') !== 'up') {
    if (Date.now() > deadline) throw new Error(`${replica.kind} replica did not sync in time`);
    await sleep(10);
  }
}

/** Samples both offsets every 20 ms; lag = time since the master was at the replica's offset. */
function sampleLag(master: BenchServer, replica: BenchServer): { stop: () => Promise<number[]> } {
  const history: { ms: number; offset: number }[] = [];
  const lags: number[] = [];
  let running = true;
  const loop = (async (): Promise<void> => {
    while (running) {
      const now = performance.now();
      history.push({ ms: now, offset: await offset(master, 'master_repl_offset') });
      const applied = await offset(replica, 'slave_repl_offset');
      let at = now;
      for (let i = history.length - 1; i >= 0; i--) {
        const h = history[i] as { ms: number; offset: number };
        if (h.offset <= applied) break;
        at = h.ms;
      }
      lags.push(Math.max(0, performance.now() - at));
      await sleep(20);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return lags;
    },
  };
}

interface Round { ops: number; lagP50: number; lagP99: number; syncMs: number; idleOps: number; duringOps: number }

async function round(ctx: BenchContext, kind: ServerKind): Promise<Round> {
  const master = await BenchServer.start(kind, { directives: FAST_SYNC });
  const replica = await BenchServer.start(kind, { directives: FAST_SYNC });
  try {
    await replica.call(['REPLICAOF', '127.0.0.1', String(master.port)]);
    await linkUp(replica, 60_000);
    const lag = sampleLag(master, replica);
    const [line] = await runRedisBenchmark({
      port: master.port, tests: ['set'], clients: 50, requests: ctx.requests, pipeline: 1,
      valueBytes: 3, keyspace: 100_000,
    });
    const lags = (await lag.stop()).sort((a, b) => a - b);
    // Full sync of the dataset under a SET load on the master.
    await replica.call(['REPLICAOF', 'NO', 'ONE']);
    await replica.call(['FLUSHALL']);
    await master.call(['DEBUG', 'POPULATE', String(ctx.datasetKeys)]);
    const load = new SetLoad({ keyspace: ctx.datasetKeys, valueBytes: 3 });
    await load.start(master.port, 50);
    await sleep(1000);
    const syncStart = performance.now();
    await replica.call(['REPLICAOF', '127.0.0.1', String(master.port)]);
    // Changing master makes a replica's replid differ: a full sync. Wait for the link.
    await sleep(50);
    await linkUp(replica, 600_000);
    const syncEnd = performance.now();
    await load.stop();
    return {
      ops: line?.opsPerSec ?? Number.NaN,
      lagP50: quantile(lags, 0.5),
      lagP99: quantile(lags, 0.99),
      syncMs: syncEnd - syncStart,
      idleOps: load.window(syncStart - 1000, syncStart).opsPerSec,
      duringOps: load.window(syncStart, syncEnd).opsPerSec,
    };
  } finally {
    await replica.stop();
    await master.stop();
  }
}

export async function replicationWorkloads(ctx: BenchContext): Promise<Row[]> {
  ctx.log(`replication: SET with one replica, lag, full sync of ${ctx.datasetKeys} keys`);
  const results: Record<ServerKind, Round[]> = { redis: [], vesta: [] };
  for (let i = 0; i < ctx.rounds; i++) {
    for (const kind of KINDS) {
      const r = await round(ctx, kind);
      results[kind].push(r);
      ctx.log(`  round ${i + 1} ${kind}: SET ${Math.round(r.ops)} ops/s, lag p50 ${r.lagP50.toFixed(1)} ms ` +
        `p99 ${r.lagP99.toFixed(1)} ms, full sync ${Math.round(r.syncMs)} ms, master ${Math.round(r.duringOps)} ops/s ` +
        `during vs ${Math.round(r.idleOps)} idle`);
    }
  }
  const row = (workload: string, unit: string, f: (r: Round) => number, target: Row['target'], targetOn: Row['targetOn']): Row => {
    const redis = median(results.redis.map(f));
    const vesta = median(results.vesta.map(f));
    return judge({
      group: 'replication', workload, unit, redis, vesta, ratio: vesta / redis, target, targetOn,
      redisRounds: results.redis.map(f), vestaRounds: results.vesta.map(f),
    });
  };
  return [
    row('SET p1 c50 with 1 replica', 'ops/s', (r) => r.ops, { op: '>=', value: 0.6 }, 'ratio'),
    row('replica lag p50 under SET load', 'ms', (r) => r.lagP50, null, 'vesta'),
    row('replica lag p99 under SET load', 'ms', (r) => r.lagP99, null, 'vesta'),
    row(`full sync of ${ctx.datasetKeys} keys under load`, 'ms', (r) => r.syncMs, { op: '<=', value: 2 }, 'ratio'),
    row('master throughput during full sync / idle', 'x', (r) => r.duringOps / r.idleOps, { op: '>=', value: 0.7 }, 'vesta'),
  ];
}
