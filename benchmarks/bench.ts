// `npm run bench [-- --quick] [-- --only=throughput,aof,dataset,bgsave,rewrite,replication,streams,scripting,types]
// [-- --rounds=N] [-- --requests=N] [-- --keys=N] [-- --tests=set,get] [-- --profile[=<workload>]]
// [-- --out=<dir>] [-- --no-reference]`: Vesta against redis-server 7.0 side by side, with issue
// 9's minimal Node server (node-reference.ts) interleaved in the throughput workloads unless
// --no-reference. Prints the table, writes JSON and SVG under bench/results/. Every figure is a
// ratio of medians of interleaved rounds; the machine is shared, so absolute numbers mean little.
// BENCH_REFERENCE_BIN=<other build>/dist/bin/vesta-server.js puts another Vesta build in the
// reference slot (harness.ts), for an interleaved A/B of two builds.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { aofRewrite, bgsaveUnderLoad } from './background.js';
import { haveRedisTools } from './harness.js';
import { profileWorkload } from './profile.js';
import { replicationWorkloads } from './replication.js';
import { streamDataset, streamThroughput } from './streams.js';
import { scriptingThroughput } from './scripting.js';
import { typesThroughput } from './types.js';
import { formatTable, writeResults, type Row } from './report.js';
import {
  aofThroughput, dataset, mixedFiller, populateFiller, throughputMatrix, type BenchContext,
} from './workloads.js';

export const GROUPS = ['throughput', 'aof', 'dataset', 'bgsave', 'rewrite', 'replication', 'streams', 'scripting', 'types'] as const;
export type Group = (typeof GROUPS)[number];

export interface BenchOptions {
  quick: boolean;
  only: readonly Group[];
  rounds?: number;
  requests?: number;
  datasetKeys?: number;
  mixedKeys?: number;
  tests?: string[];
  /** Interleave node-reference.ts in the throughput workloads (default true). */
  reference?: boolean;
  /** Where JSON/SVG go; null writes nothing. */
  outDir: string | null;
  log(message: string): void;
}

export interface BenchResult {
  rows: Row[];
  table: string;
  jsonPath: string | null;
}

/** Runs the selected groups and returns the rows and the printed table. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const ctx: BenchContext = {
    quick: options.quick,
    rounds: options.rounds ?? (options.quick ? 3 : 5),
    requests: options.requests ?? (options.quick ? 20_000 : 100_000),
    datasetKeys: options.datasetKeys ?? (options.quick ? 300_000 : 1_000_000),
    mixedKeys: options.mixedKeys ?? (options.quick ? 50_000 : 1_000_000),
    tests: options.tests ?? ['set', 'get', 'incr', 'lpush', 'hset'],
    reference: options.reference ?? true,
    log: options.log,
  };
  const rows: Row[] = [];
  const started = Date.now();
  for (const group of options.only) {
    if (group === 'throughput') rows.push(...(await throughputMatrix(ctx)));
    if (group === 'aof') rows.push(...(await aofThroughput(ctx)));
    if (group === 'dataset') {
      const dataRounds = { ...ctx, rounds: Math.min(ctx.rounds, 3) };
      rows.push(...(await dataset(dataRounds, `populate ${ctx.datasetKeys}`, populateFiller(ctx.datasetKeys))));
      rows.push(...(await dataset(dataRounds, `mixed ${ctx.mixedKeys}`, mixedFiller(ctx.mixedKeys))));
    }
    if (group === 'bgsave') rows.push(...(await bgsaveUnderLoad({ ...ctx, rounds: Math.min(ctx.rounds, 3) })));
    if (group === 'rewrite') rows.push(...(await aofRewrite({ ...ctx, rounds: Math.min(ctx.rounds, 3) })));
    if (group === 'replication') rows.push(...(await replicationWorkloads({ ...ctx, rounds: Math.min(ctx.rounds, 3) })));
    if (group === 'streams') {
      rows.push(...(await streamThroughput(ctx)));
      rows.push(...(await streamDataset({ ...ctx, rounds: Math.min(ctx.rounds, 3) })));
    }
    if (group === 'scripting') rows.push(...(await scriptingThroughput(ctx)));
    if (group === 'types') rows.push(...(await typesThroughput(ctx)));
  }
  const table = formatTable(rows);
  const meta = {
    date: new Date().toISOString(),
    quick: ctx.quick,
    rounds: ctx.rounds,
    requests: ctx.requests,
    datasetKeys: ctx.datasetKeys,
    mixedKeys: ctx.mixedKeys,
    durationSec: Math.round((Date.now() - started) / 1000),
    node: process.version,
    reference: ctx.reference,
  };
  const jsonPath = options.outDir === null ? null : writeResults(options.outDir, meta, rows);
  return { rows, table, jsonPath };
}

async function main(argv: string[]): Promise<number> {
  if (!haveRedisTools()) {
    console.error('redis-server and redis-benchmark are required (/usr/bin)');
    return 1;
  }
  const flag = (name: string): string | undefined =>
    argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const value = (name: string): string | undefined => flag(name)?.split('=').slice(1).join('=');
  const quick = flag('quick') !== undefined;
  const outDir = resolve(value('out') ?? join('bench', 'results'));
  const log = (message: string): void => console.log(message);
  const rounds = value('rounds');
  const requests = value('requests');
  const keys = value('keys');
  const tests = value('tests');
  const profile = flag('profile');
  if (profile !== undefined) {
    const name = value('profile') ?? worstThroughputRow(outDir) ?? 'SET p1 3B';
    await profileWorkload(name, { quick, outDir, log });
    return 0;
  }
  const only = (value('only')?.split(',') ?? [...GROUPS]) as Group[];
  for (const group of only) {
    if (!GROUPS.includes(group)) throw new Error(`unknown group ${group}; one of ${GROUPS.join(',')}`);
  }
  const result = await runBench({
    quick, only, outDir, log,
    ...(rounds !== undefined ? { rounds: Number(rounds) } : {}),
    ...(requests !== undefined ? { requests: Number(requests) } : {}),
    ...(keys !== undefined ? { datasetKeys: Number(keys), mixedKeys: Number(keys) } : {}),
    ...(tests !== undefined ? { tests: tests.split(',') } : {}),
    reference: flag('no-reference') === undefined,
  });
  console.log('');
  console.log(result.table);
  if (result.jsonPath !== null) console.log(`\nresults: ${result.jsonPath} (and .svg)`);
  return 0;
}

/** The throughput row with the lowest ratio in the last results, if any. */
function worstThroughputRow(outDir: string): string | null {
  try {
    const last = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as { rows: Row[] };
    const rows = last.rows.filter((r) => /^\w+ p\d+ /.test(r.workload) && Number.isFinite(r.ratio));
    rows.sort((a, b) => a.ratio - b.ratio);
    return rows[0]?.workload ?? null;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]).endsWith(join('benchmarks', 'bench.js'))) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
