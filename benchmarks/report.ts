// Benchmark results: the row model, verdicts against the issues' targets, the printed table,
// and the JSON and SVG files under bench/results/. Never runs a server or a workload.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One measured line. `ratio` is always Vesta ÷ Redis of the medians (throughput: higher is
 * better; times, sizes and memory: lower is better). When `targetOn` is 'vesta', the target
 * applies to Vesta's own value (e.g. throughput during BGSAVE ÷ Vesta's idle throughput) and the
 * Redis column shows Redis's same measure for comparison.
 */
export interface Row {
  group: string;
  workload: string;
  unit: string;
  redis: number;
  vesta: number;
  ratio: number;
  target: Target | null;
  targetOn: 'ratio' | 'vesta';
  verdict: 'pass' | 'FAIL' | 'info';
  /** Latency beside throughput rows (ms), medians over rounds. */
  redisP50Ms?: number;
  redisP99Ms?: number;
  vestaP50Ms?: number;
  vestaP99Ms?: number;
  /** Every round's value, for the JSON. */
  redisRounds: number[];
  vestaRounds: number[];
  /**
   * Throughput rows with the reference server (node-reference.ts) beside: its median, its ratio
   * to Redis (the bare runtime's figure for this workload) and its rounds.
   */
  reference?: number;
  referenceRatio?: number;
  referenceRounds?: number[];
}

export interface Target {
  op: '>=' | '<=';
  value: number;
}

export function judge(row: Omit<Row, 'verdict'>): Row {
  if (row.target === null) return { ...row, verdict: 'info' };
  const measured = row.targetOn === 'ratio' ? row.ratio : row.vesta;
  const ok = row.target.op === '>=' ? measured >= row.target.value : measured <= row.target.value;
  return { ...row, verdict: Number.isFinite(measured) && ok ? 'pass' : 'FAIL' };
}

export const TABLE_COLUMNS = [
  'workload', 'unit', 'redis', 'vesta', 'ratio', 'target', 'verdict', 'node ref',
  'redis p50/p99 ms', 'vesta p50/p99 ms',
] as const;

/** The fixed-width text table printed at the end of a run (one header line, a rule, rows). */
export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.workload,
    r.unit,
    formatNumber(r.redis),
    formatNumber(r.vesta),
    formatRatio(r.ratio),
    r.target === null ? '-' : `${r.targetOn === 'vesta' ? 'vesta ' : ''}${r.target.op} ${r.target.value}`,
    r.verdict,
    r.referenceRatio === undefined ? '' : formatRatio(r.referenceRatio),
    formatLatency(r.redisP50Ms, r.redisP99Ms),
    formatLatency(r.vestaP50Ms, r.vestaP99Ms),
  ]);
  const all = [[...TABLE_COLUMNS], ...cells];
  const widths = TABLE_COLUMNS.map((_, i) => Math.max(...all.map((line) => (line[i] ?? '').length)));
  const render = (line: string[]): string =>
    line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [render([...TABLE_COLUMNS]), rule, ...cells.map(render)].join('\n');
}

/** Geometric mean of the ratios of the rows selected. */
export function geometricMean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toString();
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}

function formatLatency(p50: number | undefined, p99: number | undefined): string {
  if (p50 === undefined || p99 === undefined) return '';
  return `${p50.toFixed(3)}/${p99.toFixed(3)}`;
}

/** Writes <stamp>.json and <stamp>.svg (and latest.*) under dir; returns the JSON path. */
export function writeResults(dir: string, meta: Record<string, unknown>, rows: readonly Row[]): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify({ ...meta, rows }, null, 2);
  const svg = renderSvg(rows);
  const jsonPath = join(dir, `${stamp}.json`);
  writeFileSync(jsonPath, json);
  writeFileSync(join(dir, `${stamp}.svg`), svg);
  writeFileSync(join(dir, 'latest.json'), json);
  writeFileSync(join(dir, 'latest.svg'), svg);
  return jsonPath;
}

/**
 * A horizontal bar chart of each row's ratio (Vesta ÷ Redis) on a log scale, with the target
 * drawn as a tick; green when the row passes, red when it fails, grey for info rows.
 */
export function renderSvg(rows: readonly Row[]): string {
  const rowHeight = 18;
  const labelWidth = 300;
  const chartWidth = 420;
  const top = 30;
  const height = top + rows.length * rowHeight + 30;
  const width = labelWidth + chartWidth + 80;
  const minLog = Math.log10(0.05);
  const maxLog = Math.log10(20);
  const x = (v: number): number => {
    const clamped = Math.min(Math.max(Math.log10(Math.max(v, 1e-9)), minLog), maxLog);
    return labelWidth + ((clamped - minLog) / (maxLog - minLog)) * chartWidth;
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `font-family="monospace" font-size="11">`,
    `<text x="4" y="16" font-size="13">Vesta ÷ Redis (log scale; 1x line; tick = target)</text>`,
    `<line x1="${x(1)}" y1="${top - 6}" x2="${x(1)}" y2="${height - 24}" stroke="#888"/>`,
  ];
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const value = row.targetOn === 'vesta' ? row.vesta : row.ratio;
    const color = row.verdict === 'pass' ? '#3a3' : row.verdict === 'FAIL' ? '#c33' : '#999';
    parts.push(`<text x="4" y="${y + 12}">${escapeXml(row.workload)}</text>`);
    if (Number.isFinite(value)) {
      const [a, b] = [x(1), x(value)];
      parts.push(`<rect x="${Math.min(a, b)}" y="${y + 3}" width="${Math.max(1, Math.abs(b - a))}" ` +
        `height="${rowHeight - 6}" fill="${color}"/>`);
      parts.push(`<text x="${labelWidth + chartWidth + 6}" y="${y + 12}">${value.toFixed(2)}x</text>`);
    }
    if (row.target !== null) {
      const tx = x(row.target.value);
      parts.push(`<line x1="${tx}" y1="${y + 1}" x2="${tx}" y2="${y + rowHeight - 1}" stroke="#000" ` +
        `stroke-width="2"/>`);
    }
  });
  for (const tick of [0.1, 0.5, 1, 2, 10]) {
    parts.push(`<text x="${x(tick) - 8}" y="${height - 10}">${tick}x</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
