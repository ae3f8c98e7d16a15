// The workloads of issues 9, 5 and 6, each run on Redis and Vesta INTERLEAVED (Redis, Vesta,
// Redis, Vesta, ...) with the medians of the rounds compared. Every function starts the servers
// it needs with identical directives and stops them by pid before returning, even on failure.

import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  BenchServer, median, runRedisBenchmark, sleep, type BenchmarkLine, type ServerKind,
  type StartOptions,
} from './harness.js';
import { geometricMean, judge, type Row, type Target } from './report.js';

export interface BenchContext {
  quick: boolean;
  rounds: number;
  /** redis-benchmark requests per test at pipeline 1 (pipeline 32 uses 10x). */
  requests: number;
  /** Keys for the dataset, BGSAVE and rewrite workloads. */
  datasetKeys: number;
  mixedKeys: number;
  /** redis-benchmark tests, lower case: set,get,incr,lpush,hset. */
  tests: string[];
  /**
   * Run node-reference.ts (issue 9's minimal Node RESP server) as a third interleaved server in
   * the throughput workloads: its ratio shows what the bare runtime reaches at that moment.
   */
  reference: boolean;
  log(message: string): void;
}

const KINDS: readonly ServerKind[] = ['redis', 'vesta'];
const AT_LEAST = (value: number): Target => ({ op: '>=', value });
const AT_MOST = (value: number): Target => ({ op: '<=', value });

/** Starts both servers with the same options, runs `body`, always stops both. */
export async function withPair<T>(
  options: StartOptions,
  body: (pair: Record<ServerKind, BenchServer>) => Promise<T>,
): Promise<T> {
  const redis = await BenchServer.start('redis', options);
  let vesta: BenchServer | null = null;
  try {
    vesta = await BenchServer.start('vesta', options);
    return await body({ redis, vesta });
  } finally {
    await redis.stop();
    await vesta?.stop();
  }
}

// ------------------------------------------------------------------------ throughput

export interface ThroughputConfig {
  pipeline: number;
  valueBytes: number;
  /** Extra directives (appendonly...), and a label suffix for them. */
  directives?: string[];
  label?: string;
}

export function throughputName(test: string, config: ThroughputConfig): string {
  const size = config.valueBytes >= 1024 ? `${config.valueBytes / 1024}KiB` : `${config.valueBytes}B`;
  return `${test.toUpperCase()} p${config.pipeline} ${size}${config.label ?? ''}`;
}

/** redis-benchmark -c 50 over ctx.tests, one config; rows per test. */
export async function throughput(
  ctx: BenchContext,
  config: ThroughputConfig,
  tests: string[],
  targetFor: (test: string) => Target | null,
): Promise<Row[]> {
  const runs: Record<ServerKind, BenchmarkLine[][]> = { redis: [], vesta: [] };
  const referenceRuns: BenchmarkLine[][] = [];
  const measure = async (server: BenchServer, label: string): Promise<BenchmarkLine[]> => {
    await server.call(['FLUSHALL']);
    const lines = await runRedisBenchmark({
      port: server.port,
      tests,
      clients: 50,
      requests: config.pipeline > 1 ? ctx.requests * 10 : ctx.requests,
      pipeline: config.pipeline,
      valueBytes: config.valueBytes,
      keyspace: 100_000,
    });
    ctx.log(`  ${throughputName('', config).trim()} ${label}: ` +
      lines.map((l) => `${l.test} ${Math.round(l.opsPerSec)}`).join(' '));
    return lines;
  };
  await withPair({ directives: config.directives ?? [] }, async (pair) => {
    const reference = ctx.reference
      ? await BenchServer.start('reference', { directives: config.directives ?? [] })
      : null;
    try {
      for (let round = 0; round < ctx.rounds; round++) {
        for (const kind of KINDS) runs[kind].push(await measure(pair[kind], `round ${round + 1} ${kind}`));
        if (reference !== null) referenceRuns.push(await measure(reference, `round ${round + 1} reference`));
      }
    } finally {
      await reference?.stop();
    }
  });
  return tests.map((test) => {
    const pick = (kind: ServerKind): BenchmarkLine[] =>
      runs[kind].map((lines) => lines.find((l) => l.test === test.toUpperCase()))
        .filter((l): l is BenchmarkLine => l !== undefined);
    const [r, v] = [pick('redis'), pick('vesta')];
    const redis = median(r.map((l) => l.opsPerSec));
    const vesta = median(v.map((l) => l.opsPerSec));
    const ref = referenceRuns.map((lines) => lines.find((l) => l.test === test.toUpperCase()))
      .filter((l): l is BenchmarkLine => l !== undefined).map((l) => l.opsPerSec);
    return judge({
      ...(ref.length > 0 ? { reference: median(ref), referenceRatio: median(ref) / redis, referenceRounds: ref } : {}),
      group: 'throughput',
      workload: throughputName(test, config),
      unit: 'ops/s',
      redis,
      vesta,
      ratio: vesta / redis,
      target: targetFor(test),
      targetOn: 'ratio',
      redisP50Ms: median(r.map((l) => l.p50Ms)),
      redisP99Ms: median(r.map((l) => l.p99Ms)),
      vestaP50Ms: median(v.map((l) => l.p50Ms)),
      vestaP99Ms: median(v.map((l) => l.p99Ms)),
      redisRounds: r.map((l) => l.opsPerSec),
      vestaRounds: v.map((l) => l.opsPerSec),
    });
  });
}

/** The persistence-off matrix: pipeline 1 and 32, 3 B and 1 KiB, plus the p1 geometric mean. */
export async function throughputMatrix(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const pipeline of [1, 32]) {
    for (const valueBytes of [3, 1024]) {
      ctx.log(`throughput pipeline ${pipeline}, ${valueBytes} B values`);
      rows.push(...(await throughput(ctx, { pipeline, valueBytes }, ctx.tests, () => AT_LEAST(0.6))));
    }
  }
  const p1 = rows.filter((r) => r.workload.includes(' p1 '));
  if (p1.length > 0) {
    rows.push(judge({
      group: 'throughput',
      workload: 'geomean p1 (all tests, sizes)',
      unit: 'ops/s',
      redis: geometricMean(p1.map((r) => r.redis)),
      vesta: geometricMean(p1.map((r) => r.vesta)),
      ratio: geometricMean(p1.map((r) => r.ratio)),
      target: AT_LEAST(0.62),
      targetOn: 'ratio',
      redisRounds: [],
      vestaRounds: [],
    }));
  }
  return rows;
}

/** SET and INCR with appendonly yes under everysec (>= 0.6) and always (>= 1.0). */
export async function aofThroughput(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const tests = ['set', 'incr'];
  for (const policy of ['everysec', 'always'] as const) {
    ctx.log(`throughput with appendonly yes, appendfsync ${policy}`);
    const config: ThroughputConfig = {
      pipeline: 1,
      valueBytes: 3,
      directives: ['--appendonly', 'yes', '--appendfsync', policy],
      label: ` aof ${policy}`,
    };
    const target = AT_LEAST(policy === 'always' ? 1.0 : 0.6);
    rows.push(...(await throughput(ctx, config, tests, () => target)));
  }
  return rows;
}

// ------------------------------------------------------------------------ datasets

export type Filler = (server: BenchServer) => Promise<number>;

export const populateFiller = (keys: number): Filler => async (server) => {
  await server.call(['DEBUG', 'POPULATE', String(keys)]);
  return keys;
};

/**
 * A mixed dataset: 40% strings, then hashes, lists, sets and sorted sets (15% each) of 8
 * elements, small enough for the compact encodings. Sent pipelined, 1000 commands at a time.
 */
export const mixedFiller = (keys: number): Filler => async (server) => {
  const conn = await server.conn();
  let batch: string[][] = [];
  const flush = async (): Promise<void> => {
    if (batch.length > 0) await conn.pipeline(batch);
    batch = [];
  };
  for (let i = 0; i < keys; i++) {
    batch.push(mixedCommand(i));
    if (batch.length === 1000) await flush();
  }
  await flush();
  return keys;
};

function mixedCommand(i: number): string[] {
  const slot = i % 20;
  const elements = [0, 1, 2, 3, 4, 5, 6, 7];
  if (slot < 8) return ['SET', `m:str:${i}`, `value-${i}-${'x'.repeat(i % 24)}`];
  if (slot < 11) return ['HSET', `m:hash:${i}`, ...elements.flatMap((e) => [`field${e}`, `v${i * e}`])];
  if (slot < 14) return ['RPUSH', `m:list:${i}`, ...elements.map((e) => `item-${e}-${i}`)];
  if (slot < 17) return ['SADD', `m:set:${i}`, ...elements.map((e) => `member-${e}-${i}`)];
  return ['ZADD', `m:zset:${i}`, ...elements.flatMap((e) => [String(e * 1.5), `z-${e}-${i}`])];
}

/**
 * For one dataset: RSS per key, SAVE time, dump size and the load time, interleaved over
 * ctx.rounds. The load is judged as the restart on the same dir (spawn to first +PONG) minus an
 * empty start measured just before it; both starts are reported too.
 */
export async function dataset(ctx: BenchContext, name: string, fill: Filler): Promise<Row[]> {
  ctx.log(`dataset ${name}`);
  const perKind = (): Record<ServerKind, number[]> => ({ redis: [], vesta: [] });
  const m = { rss: perKind(), save: perKind(), size: perKind(), load: perKind(), loadOnly: perKind(), empty: perKind() };
  const servers: Record<ServerKind, BenchServer | null> = { redis: null, vesta: null };
  const dirs: string[] = [];
  try {
    for (const kind of KINDS) {
      const server = await BenchServer.start(kind);
      servers[kind] = server;
      dirs.push(server.dir);
      const emptyRss = server.rssBytes();
      const keys = await fill(server);
      await sleep(1000);
      m.rss[kind].push((server.rssBytes() - emptyRss) / keys);
    }
    for (let round = 0; round < ctx.rounds; round++) {
      for (const kind of KINDS) {
        const server = servers[kind] as BenchServer;
        const started = performance.now();
        await server.call(['SAVE']);
        m.save[kind].push(performance.now() - started);
        m.size[kind].push(statSync(join(server.dir, 'dump.rdb')).size);
      }
    }
    for (let round = 0; round < ctx.rounds; round++) {
      for (const kind of KINDS) {
        const old = servers[kind] as BenchServer;
        await old.stop({ keepDir: true });
        servers[kind] = null;
        // An empty start right before the loaded one, so the difference is the load itself
        // measured under the same machine conditions (Node alone takes ~90 ms to reach user
        // code here, Redis 30 ms to answer PING: the process start-up is its own row).
        const empty = await BenchServer.start(kind);
        m.empty[kind].push(empty.startupMs);
        await empty.stop();
        const server = await BenchServer.start(kind, { dir: old.dir });
        servers[kind] = server;
        m.load[kind].push(server.startupMs);
        m.loadOnly[kind].push(server.startupMs - empty.startupMs);
      }
    }
  } finally {
    for (const kind of KINDS) await servers[kind]?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  return [
    datasetRow(name, 'RSS per key', 'B/key', m.rss, AT_MOST(2)),
    datasetRow(name, 'SAVE time', 'ms', m.save, AT_MOST(2)),
    datasetRow(name, 'dump size', 'bytes', m.size, AT_MOST(1.1)),
    datasetRow(name, 'load (start with data - empty start)', 'ms', m.loadOnly, AT_MOST(2)),
    datasetRow(name, 'start with data (spawn to PONG)', 'ms', m.load, null),
    datasetRow(name, 'start, empty (process start-up)', 'ms', m.empty, null),
  ];
}

function datasetRow(
  name: string, what: string, unit: string, values: Record<ServerKind, number[]>,
  target: Target | null,
): Row {
  const redis = median(values.redis);
  const vesta = median(values.vesta);
  return judge({
    group: 'dataset', workload: `${name}: ${what}`, unit, redis, vesta, ratio: vesta / redis,
    target, targetOn: 'ratio', redisRounds: values.redis, vestaRounds: values.vesta,
  });
}
