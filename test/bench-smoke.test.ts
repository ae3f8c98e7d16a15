// Smoke test of the benchmark harness (benchmarks/): a tiny throughput workload runs on real
// redis-server and Vesta, and the table, JSON and SVG it produces are well-formed. It asserts
// nothing about timings: the real benchmark runs only on demand (`npm run bench`).

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBench } from '../benchmarks/bench.js';
import { BenchServer, REDIS_BENCHMARK, type RespValue } from '../benchmarks/harness.js';
import { formatTable, TABLE_COLUMNS, type Row } from '../benchmarks/report.js';
import { parseWorkloadName } from '../benchmarks/profile.js';
import { requireRedis } from './helpers/servers.js';

test('a tiny throughput run produces a well-formed table, JSON and SVG', async (t) => {
  if (!requireRedis(t)) return;
  assert.ok(existsSync(REDIS_BENCHMARK), `${REDIS_BENCHMARK} is required`);
  const outDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  try {
    const result = await runBench({
      quick: true,
      only: ['throughput'],
      rounds: 1,
      requests: 500,
      tests: ['set', 'get'],
      outDir,
      log: () => {},
    });
    // 2 tests x (pipeline 1, 32) x (3 B, 1 KiB), plus the pipeline-1 geometric mean.
    assert.equal(result.rows.length, 9);
    for (const row of result.rows.filter((r) => !r.workload.startsWith('geomean'))) {
      // The reference server ran beside them (default on), so each has its ratio.
      assert.ok(row.reference !== undefined && row.reference > 0, `reference value of ${row.workload}`);
      assert.ok(Math.abs((row.referenceRatio ?? 0) - row.reference / row.redis) < 1e-9);
    }
    for (const row of result.rows) {
      assert.ok(row.redis > 0 && Number.isFinite(row.redis), `redis value of ${row.workload}`);
      assert.ok(row.vesta > 0 && Number.isFinite(row.vesta), `vesta value of ${row.workload}`);
      assert.ok(Math.abs(row.ratio - row.vesta / row.redis) < 1e-9, `ratio of ${row.workload}`);
      assert.ok(['pass', 'FAIL', 'info'].includes(row.verdict));
    }
    assertWellFormedTable(result.table, result.rows);
    assert.ok(result.jsonPath !== null);
    const saved = JSON.parse(readFileSync(result.jsonPath, 'utf8')) as { rows: Row[] };
    assert.equal(saved.rows.length, result.rows.length);
    const svg = readFileSync(join(outDir, 'latest.svg'), 'utf8');
    assert.match(svg, /^<svg [^>]*>/);
    assert.match(svg, /<\/svg>\n$/);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

// The reference server is only a yardstick if it does the work: its replies must be Redis's,
// and under appendfsync always its log must hold every write before the reply.
test('the reference Node server answers its commands as redis-server does', async (t) => {
  if (!requireRedis(t)) return;
  const big = 'v'.repeat(70_000); // spans several reads: the leftover path
  const commands = [
    ['PING'], ['PING', 'hi'], ['SET', 'k', 'v1'], ['GET', 'k'], ['GET', 'nokey'], ['SET', 'big', big],
    ['GET', 'big'], ['INCR', 'n'], ['INCR', 'n'], ['INCR', 'k'], ['SET', 'm', '9007199254740990'],
    ['INCR', 'm'], ['LPUSH', 'l', 'a', 'b'], ['LPUSH', 'l', 'c'], ['LPUSH', 'k', 'x'], ['GET', 'l'],
    ['HSET', 'h', 'f1', 'x', 'f2', 'y'], ['HSET', 'h', 'f1', 'z', 'f3', 'w'], ['HSET', 'h', 'f'],
    ['INCR', 'h'], ['SET', 'k'], ['CONFIG', 'GET', 'appendonly'], ['FLUSHALL'], ['GET', 'k'],
  ];
  const directives = ['--appendonly', 'yes', '--appendfsync', 'always'];
  const replies = new Map<string, RespValue[]>();
  for (const kind of ['redis', 'reference'] as const) {
    const server = await BenchServer.start(kind, { directives });
    try {
      const conn = await server.conn();
      const got = await conn.pipeline(commands);
      replies.set(kind, got);
      if (kind === 'reference') {
        const log = readFileSync(join(server.dir, 'reference.aof'), 'latin1');
        assert.ok(log.includes(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$70000\r\n${big}\r\n`), 'SET big logged');
        assert.ok(log.includes('*6\r\n$4\r\nHSET\r\n$1\r\nh\r\n'), 'HSET logged');
      }
    } finally {
      await server.stop();
    }
  }
  assert.deepEqual(replies.get('reference'), replies.get('redis'));
});

test('the table has a header, a rule and one aligned line per row', () => {
  const rows: Row[] = [
    {
      group: 'x', workload: 'SET p1 3B', unit: 'ops/s', redis: 100, vesta: 50, ratio: 0.5,
      target: { op: '>=', value: 0.6 }, targetOn: 'ratio', verdict: 'FAIL', redisRounds: [100],
      vestaRounds: [50], redisP50Ms: 0.4, redisP99Ms: 0.9, vestaP50Ms: 0.8, vestaP99Ms: 2,
    },
  ];
  assertWellFormedTable(formatTable(rows), rows);
});

test('profile workload names parse back into redis-benchmark settings', () => {
  assert.deepEqual(parseWorkloadName('LPUSH p32 1KiB'), {
    test: 'lpush', pipeline: 32, valueBytes: 1024, directives: [],
  });
  assert.deepEqual(parseWorkloadName('SET p1 3B aof always').directives,
    ['--appendonly', 'yes', '--appendfsync', 'always']);
  assert.throws(() => parseWorkloadName('nonsense'));
});

function assertWellFormedTable(table: string, rows: readonly Row[]): void {
  const lines = table.split('\n');
  assert.equal(lines.length, rows.length + 2);
  const header = lines[0] as string;
  for (const column of TABLE_COLUMNS) assert.ok(header.includes(column), `header has ${column}`);
  assert.match(lines[1] as string, /^-+( +-+)+$/);
  rows.forEach((row, i) => {
    const line = lines[i + 2] as string;
    assert.ok(line.startsWith(row.workload), `line ${i} starts with its workload`);
    assert.ok(line.includes(row.verdict));
    assert.ok(line.includes(`${row.ratio.toFixed(2)}x`));
    assert.ok(line.length <= header.length, 'cells fit the header width');
  });
}
