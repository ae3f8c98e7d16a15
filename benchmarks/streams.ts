// Issue 20's stream workloads, Redis and Vesta interleaved: XADD with 50 clients at pipeline 1
// (>= 0.6x), XRANGE COUNT 10 on a 10k-entry stream (>= 0.5x), a consumer-group worker loop of
// XREADGROUP COUNT 1 + XACK (>= 0.5x), and a 1M-entry stream's RSS (<= 2.5x), SAVE and load time
// (<= 2x; the load as restart time minus an empty start) through the dataset workload.

import { BenchServer, customCommandBenchmark, median, type ServerKind } from './harness.js';
import { judge, type Row, type Target } from './report.js';
import { dataset, withPair, type BenchContext, type Filler } from './workloads.js';

const KINDS: readonly ServerKind[] = ['redis', 'vesta'];
const AT_LEAST = (value: number): Target => ({ op: '>=', value });
const AT_MOST = (value: number): Target => ({ op: '<=', value });

async function fillStream(server: BenchServer, key: string, entries: number): Promise<void> {
  const conn = await server.conn();
  for (let i = 0; i < entries; i += 1000) {
    const batch: string[][] = [];
    for (let j = i; j < Math.min(entries, i + 1000); j++) batch.push(['XADD', key, `${j + 1}-0`, 'field', `value-${j}`]);
    await conn.pipeline(batch);
  }
}

/** Ten workers, each XREADGROUP COUNT 1 then XACK until the group has read every entry; ops/s. */
async function workerLoop(server: BenchServer, entries: number): Promise<number> {
  await server.call(['DEL', 'w']);
  await fillStream(server, 'w', entries);
  await server.call(['XGROUP', 'CREATE', 'w', 'g', '0']);
  const started = performance.now();
  let ops = 0;
  const worker = async (name: string): Promise<void> => {
    const conn = await server.conn();
    for (;;) {
      const reply = await conn.call(['XREADGROUP', 'GROUP', 'g', name, 'COUNT', '1', 'STREAMS', 'w', '>']);
      ops++;
      if (!Array.isArray(reply)) return;
      const stream = reply[0] as unknown[];
      const items = stream[1] as unknown[][];
      const id = items[0]?.[0];
      if (typeof id !== 'string') return;
      await conn.call(['XACK', 'w', 'g', id]);
      ops++;
    }
  };
  await Promise.all(Array.from({ length: 10 }, (_, i) => worker(`c${i}`)));
  return ops / ((performance.now() - started) / 1000);
}

function ratioRow(workload: string, values: Record<ServerKind, number[]>, target: Target): Row {
  const redis = median(values.redis);
  const vesta = median(values.vesta);
  return judge({
    group: 'streams', workload, unit: 'ops/s', redis, vesta, ratio: vesta / redis, target, targetOn: 'ratio',
    redisRounds: values.redis, vestaRounds: values.vesta,
  });
}

/** XADD, XRANGE and the worker loop, interleaved over ctx.rounds. */
export async function streamThroughput(ctx: BenchContext): Promise<Row[]> {
  const m = { xadd: { redis: [], vesta: [] }, xrange: { redis: [], vesta: [] }, worker: { redis: [], vesta: [] } } as
    Record<'xadd' | 'xrange' | 'worker', Record<ServerKind, number[]>>;
  const workerEntries = ctx.quick ? 5_000 : 20_000;
  await withPair({}, async (pair) => {
    for (const kind of KINDS) await fillStream(pair[kind], 'r', 10_000);
    for (let round = 0; round < ctx.rounds; round++) {
      for (const kind of KINDS) {
        const port = pair[kind].port;
        m.xadd[kind].push(await customCommandBenchmark(port, ctx.requests, ['XADD', 'a', '*', 'field', 'value']));
        m.xrange[kind].push(await customCommandBenchmark(port, ctx.requests, ['XRANGE', 'r', '5000', '+', 'COUNT', '10']));
        m.worker[kind].push(await workerLoop(pair[kind], workerEntries));
        ctx.log(`  streams round ${round + 1} ${kind}: xadd ${Math.round(m.xadd[kind].at(-1) ?? 0)} ` +
          `xrange ${Math.round(m.xrange[kind].at(-1) ?? 0)} worker ${Math.round(m.worker[kind].at(-1) ?? 0)}`);
      }
    }
  });
  return [
    ratioRow('XADD * p1 c50', m.xadd, AT_LEAST(0.6)),
    ratioRow('XRANGE COUNT 10 p1 c50', m.xrange, AT_LEAST(0.5)),
    ratioRow('XREADGROUP+XACK worker loop (10 workers)', m.worker, AT_LEAST(0.5)),
  ];
}

const streamFiller = (entries: number): Filler => async (server) => {
  await fillStream(server, 'big', entries);
  return entries;
};

/** A stream of ctx.datasetKeys entries: RSS per entry <= 2.5x, SAVE and load <= 2x. */
export async function streamDataset(ctx: BenchContext): Promise<Row[]> {
  const rows = await dataset(ctx, `stream of ${ctx.datasetKeys} entries`, streamFiller(ctx.datasetKeys));
  return rows.map((row) => (row.workload.endsWith('RSS per key') ? judge({ ...row, target: AT_MOST(2.5) }) : row));
}
