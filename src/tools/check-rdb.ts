// vesta-check-rdb: walks a whole dump with the server's own RDB decoder (persistence/rdb/decoder,
// the one the loader uses, so the tool and the server cannot disagree about what is valid),
// verifies the checksum, and reports what it saw: version, aux fields, databases, key counts per
// type, expires, size; or the offset and cause of the first error. With `stats` it also reports
// the biggest keys and the dump bytes by type and by key prefix (the rdb-tools use case).
// It only reads the file. Redis equivalent: redis-check-rdb.c.
//
// Offsets. Vesta reports the offset where the failing item *starts* (the type byte of a key,
// the first byte of the checksum, the end of the file for a truncated read); redis-check-rdb
// reports how many bytes it had consumed when it noticed. So for a bad checksum Redis says
// <file size> and Vesta says <file size - 8>; for a truncated file both name the end region.

import { RdbDecoder, type RdbEvent } from '../persistence/rdb/decoder.js';
import { closeWindow, type FileWindow, openWindow, windowBytes, windowSource } from '../persistence/file-window.js';
import { describeKey, RdbError } from '../persistence/rdb/errors.js';
import { typeName, type TypeName, type Value } from '../store/value/types.js';
import { fileError } from './tool-error.js';

export interface RdbCheckOptions {
  /** Collect the biggest keys and the bytes by type and prefix. */
  stats?: boolean;
  /** How many biggest keys to list (default 10). */
  topKeys?: number;
  /** "Now" for counting already-expired keys (tests). */
  nowMs?: number;
}

export interface DbSummary {
  keys: number;
  expires: number;
  byType: Record<TypeName, number>;
}

export interface RdbCheckError {
  code: string;
  message: string;
  offset: number;
  /** The last record read completely before the error, for context. */
  lastRecord: string | null;
}

export interface KeyStat {
  db: number;
  key: string;
  type: TypeName;
  /** Elements (fields, members, entries); 1 for a string. */
  elements: number;
  /** Bytes the key's record takes in the dump. */
  bytes: number;
}

export interface RdbStats {
  biggest: KeyStat[];
  bytesByType: Record<TypeName, number>;
  /** Prefix (key up to and including the first ':' '.' '/' or '|', or '(none)') → bytes, keys. */
  byPrefix: Map<string, { bytes: number; keys: number }>;
}

export interface RdbCheckReport {
  path: string;
  sizeBytes: number;
  version: number | null;
  aux: { key: string; value: string; offset: number }[];
  /** What the walk saw, in file order, for the report: aux fields, db switches, warnings. */
  log: { offset: number; text: string }[];
  dbs: Map<number, DbSummary>;
  keys: number;
  expires: number;
  alreadyExpired: number;
  functions: number;
  warnings: { message: string; offset: number }[];
  /** 'ok' verified, 'absent' stored as zero (rdbchecksum no). */
  checksum: 'ok' | 'absent' | null;
  /** Offset just past the dump's last byte (after the checksum), when the walk completed. */
  endOffset: number | null;
  error: RdbCheckError | null;
  stats: RdbStats | null;
}

/**
 * Reads and checks the dump at `path`, a window at a time as the server loads it (a dump of
 * any size, in 1 MiB of memory); throws ToolError when it cannot be read.
 */
export function checkRdbFile(path: string, options: RdbCheckOptions = {}): RdbCheckReport {
  let file: FileWindow;
  try {
    file = openWindow(path);
  } catch (error: unknown) {
    throw fileError('read', path, error);
  }
  try {
    const source = windowSource(file, (error) => fileError('read', path, error));
    return checkRdbDecoder(new RdbDecoder(windowBytes(file), { verifyChecksum: true }, source), file.size, path, options);
  } finally {
    closeWindow(file);
  }
}

/**
 * Checks a dump held in memory. `data` may continue after the dump (an AOF with an RDB
 * preamble): the walk stops at the checksum and `endOffset` says where the dump ended.
 */
export function checkRdbBuffer(data: Buffer, path: string, options: RdbCheckOptions = {}):
  RdbCheckReport {
  return checkRdbDecoder(new RdbDecoder(data, { verifyChecksum: true }), data.length, path, options);
}

function checkRdbDecoder(decoder: RdbDecoder, sizeBytes: number, path: string, options: RdbCheckOptions):
  RdbCheckReport {
  const report = emptyReport(path, sizeBytes, options.stats === true);
  const walk = new Walk(report, options);
  try {
    for (const event of decoder.events()) walk.event(event);
  } catch (error: unknown) {
    if (!(error instanceof RdbError)) throw error;
    walk.finishPending(error.offset);
    report.error = { code: error.code, message: error.message, offset: error.offset,
      lastRecord: walk.lastRecord };
    return report;
  }
  if (report.endOffset !== null) walk.finishPending(report.endOffset);
  if (report.stats !== null) sortBiggest(report.stats, options.topKeys ?? 10);
  return report;
}

function emptyReport(path: string, sizeBytes: number, withStats: boolean): RdbCheckReport {
  return {
    path, sizeBytes, version: null, aux: [], log: [], dbs: new Map(), keys: 0, expires: 0,
    alreadyExpired: 0, functions: 0, warnings: [], checksum: null, endOffset: null, error: null,
    stats: withStats ? { biggest: [], bytesByType: zeroByType(), byPrefix: new Map() } : null,
  };
}

function zeroByType(): Record<TypeName, number> {
  return { string: 0, list: 0, set: 0, zset: 0, hash: 0, stream: 0 };
}

/** Folds decoder events into the report. A key's size is known when the next record starts. */
class Walk {
  readonly #report: RdbCheckReport;
  readonly #nowMs: number;
  #pending: KeyStat | null = null;
  #pendingOffset = 0;
  lastRecord: string | null = null;

  constructor(report: RdbCheckReport, options: RdbCheckOptions) {
    this.#report = report;
    this.#nowMs = options.nowMs ?? Date.now();
  }

  event(event: RdbEvent): void {
    const report = this.#report;
    if (event.kind !== 'key') this.finishPending(event.offset);
    switch (event.kind) {
      case 'header':
        report.version = event.version;
        break;
      case 'aux':
        report.aux.push({ key: event.key, value: event.value, offset: event.offset });
        report.log.push({ offset: event.offset,
          text: `AUX FIELD ${printable(event.key)} = '${printable(event.value)}'` });
        break;
      case 'selectdb':
        this.#db(event.db);
        report.log.push({ offset: event.offset, text: `Selecting DB ID ${event.db}` });
        break;
      case 'key':
        this.#key(event);
        break;
      case 'function':
        report.functions++;
        break;
      case 'warning':
        report.warnings.push({ message: event.message, offset: event.offset });
        report.log.push({ offset: event.offset, text: `WARNING ${event.message}` });
        break;
      case 'eof':
        report.checksum = event.checksumVerified ? 'ok' : 'absent';
        report.endOffset = event.offset + 1 + (report.version !== null && report.version >= 5
          ? 8 : 0);
        break;
      case 'resizedb':
      case 'module-aux':
        break;
    }
    if (event.kind !== 'key' && event.kind !== 'resizedb') {
      this.lastRecord = `${event.kind} at offset ${event.offset}`;
    }
  }

  /** Closes the size of the key record that started before `offset`. */
  finishPending(offset: number): void {
    const stats = this.#report.stats;
    const pending = this.#pending;
    if (stats === null || pending === null) return;
    pending.bytes = Math.max(0, offset - this.#pendingOffset);
    stats.bytesByType[pending.type] += pending.bytes;
    const prefix = keyPrefix(pending.key);
    const entry = stats.byPrefix.get(prefix) ?? { bytes: 0, keys: 0 };
    entry.bytes += pending.bytes;
    entry.keys++;
    stats.byPrefix.set(prefix, entry);
    stats.biggest.push(pending);
    // Bounded: keep only the largest few while walking a big dump.
    if (stats.biggest.length > 1000) sortBiggest(stats, 100);
    this.#pending = null;
  }

  #db(db: number): DbSummary {
    let summary = this.#report.dbs.get(db);
    if (summary === undefined) {
      summary = { keys: 0, expires: 0, byType: zeroByType() };
      this.#report.dbs.set(db, summary);
    }
    return summary;
  }

  #key(event: Extract<RdbEvent, { kind: 'key' }>): void {
    this.finishPending(event.offset);
    const report = this.#report;
    const type = typeName(event.value);
    const summary = this.#db(event.db);
    summary.keys++;
    summary.byType[type]++;
    report.keys++;
    if (event.expireAtMs !== null) {
      summary.expires++;
      report.expires++;
      if (event.expireAtMs < this.#nowMs) report.alreadyExpired++;
    }
    this.lastRecord = `key '${describeKey(event.key)}' (${type}, db ${event.db}) at offset ` +
      `${event.offset}`;
    if (report.stats !== null) {
      this.#pending = { db: event.db, key: event.key, type, elements: elementCount(event.value),
        bytes: 0 };
      this.#pendingOffset = event.offset;
    }
  }
}

function elementCount(value: Value): number {
  if (typeof value === 'string') return 1;
  if ('length' in value) return value.length;
  return value.size;
}

const PREFIX_SEPARATORS = /[:./|]/;

function keyPrefix(key: string): string {
  const match = PREFIX_SEPARATORS.exec(key);
  return match === null ? '(none)' : key.slice(0, match.index + 1);
}

function sortBiggest(stats: RdbStats, keep: number): void {
  stats.biggest.sort((a, b) => b.bytes - a.bytes);
  stats.biggest.length = Math.min(stats.biggest.length, keep);
}

// ---------------------------------------------------------------------------------------------
// Report text. The [offset N] lines follow redis-check-rdb's layout so operators recognise it.
// ---------------------------------------------------------------------------------------------

/** The human report, ending in "RDB looks OK" or the error block. */
export function formatRdbReport(report: RdbCheckReport): string {
  const lines = [`[offset 0] Checking RDB file ${report.path} (${report.sizeBytes} bytes)`];
  if (report.version !== null) lines.push(`[offset 5] RDB format version ${report.version}`);
  for (const entry of report.log) lines.push(`[offset ${entry.offset}] ${entry.text}`);
  if (report.error !== null) {
    lines.push('--- RDB ERROR DETECTED ---', `[offset ${report.error.offset}] ` +
      report.error.message);
    lines.push(`[additional info] last valid record: ${report.error.lastRecord ?? 'none'}`);
  } else if (report.endOffset !== null) {
    lines.push(`[offset ${report.endOffset}] ` + (report.checksum === 'ok' ? 'Checksum OK'
      : 'No checksum stored (rdbchecksum no): contents not verified by CRC'));
    if (report.endOffset < report.sizeBytes) {
      lines.push(`[offset ${report.endOffset}] WARNING ${report.sizeBytes - report.endOffset} ` +
        'bytes after the end of the dump are ignored');
    }
    lines.push(`[offset ${report.endOffset}] RDB looks OK`);
  }
  lines.push(...summaryLines(report));
  if (report.stats !== null && report.error === null) lines.push(...statsLines(report.stats));
  return lines.join('\n') + '\n';
}

function summaryLines(report: RdbCheckReport): string[] {
  const lines = [`[info] ${report.keys} keys read`, `[info] ${report.expires} expires`,
    `[info] ${report.alreadyExpired} already expired`];
  if (report.functions > 0) lines.push(`[info] ${report.functions} function libraries`);
  const dbs = [...report.dbs.entries()].sort((a, b) => a[0] - b[0]);
  for (const [db, summary] of dbs) {
    const types = (Object.entries(summary.byType) as [TypeName, number][])
      .filter(([, count]) => count > 0).map(([type, count]) => `${type} ${count}`).join(', ');
    lines.push(`[info] db ${db}: ${summary.keys} keys (${types || 'none'}), ` +
      `${summary.expires} with expire`);
  }
  return lines;
}

function statsLines(stats: RdbStats): string[] {
  const lines = ['[stats] bytes in the dump by type:'];
  for (const [type, bytes] of Object.entries(stats.bytesByType)) {
    if (bytes > 0) lines.push(`[stats]   ${type.padEnd(6)} ${bytes}`);
  }
  lines.push('[stats] biggest keys (bytes in the dump):');
  for (const k of stats.biggest) {
    lines.push(`[stats]   ${String(k.bytes).padStart(10)}  db ${k.db}  ${k.type.padEnd(6)} ` +
      `${String(k.elements).padStart(8)} elements  '${describeKey(k.key)}'`);
  }
  lines.push('[stats] bytes by key prefix (top 20):');
  const prefixes = [...stats.byPrefix.entries()].sort((a, b) => b[1].bytes - a[1].bytes);
  for (const [prefix, { bytes, keys }] of prefixes.slice(0, 20)) {
    lines.push(`[stats]   ${String(bytes).padStart(10)}  ${String(keys).padStart(8)} keys  ` +
      `'${describeKey(prefix)}'`);
  }
  return lines;
}

function printable(text: string): string {
  return describeKey(text.length > 200 ? text.slice(0, 200) : text);
}
