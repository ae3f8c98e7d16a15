// vesta-check-aof: checks an append-only log the way the server will load it: a multi-part
// directory through its manifest (parsed by persistence/aof/manifest: base as RDB or commands,
// then the incr files in order), or one file (an old-style appendonly.aof, possibly with an RDB
// preamble). Records are read with the loader's own parseRecord (persistence/aof/loader) and an
// RDB base with the loader's decoder (via check-rdb), so the tool and the server agree.
// It reports the last valid offset of every file. --fix truncates a damaged *tail* of the last
// file (after confirmation); damage followed by further valid commands is corruption in the
// middle, which it names and refuses to "fix" (truncating would silently drop those commands;
// redis-check-aof --fix does truncate there). --truncate-to-timestamp cuts the last file at the
// first #TS:<unix-seconds> annotation later than the given time (point-in-time recovery).
// Redis equivalent: redis-check-aof.c.

import { basename, dirname, join } from 'node:path';
import { parseRecord } from '../persistence/aof/loader.js';
import { AofManifestError, parseManifest } from '../persistence/aof/manifest.js';
import * as fs from '../platform/fs.js';
import { checkRdbBuffer, formatRdbReport, type RdbCheckReport } from './check-rdb.js';
import { fileError, ToolError } from './tool-error.js';

/** The check of one AOF file held in memory. */
export interface AofFileCheck {
  name: string;
  sizeBytes: number;
  /** Bytes from the start that load cleanly (Redis's ok_up_to). */
  validBytes: number;
  commands: number;
  /** The RDB preamble's check, when the file starts with one. */
  rdb: RdbCheckReport | null;
  /**
   * The first problem. `tail`: nothing loadable follows it (a torn or zero-filled end, or an
   * unfinished MULTI), so truncating to validBytes loses nothing that could be loaded.
   */
  error: { offset: number; message: string; tail: boolean } | null;
  /** With truncateToTimestamp: where the first later #TS annotation starts, else null. */
  cutOffset: number | null;
}

/** Checks one file's bytes. `truncateToTimestamp`: Unix seconds, or null. */
export function checkAofData(name: string, data: Buffer, truncateToTimestamp: number | null):
  AofFileCheck {
  const check: AofFileCheck = { name, sizeBytes: data.length, validBytes: 0, commands: 0,
    rdb: null, error: null, cutOffset: null };
  let start = 0;
  if (data.length >= 5 && data.toString('latin1', 0, 5) === 'REDIS') {
    const rdb = checkRdbBuffer(data, name);
    check.rdb = rdb;
    if (rdb.error !== null || rdb.endOffset === null) {
      check.error = { offset: rdb.error?.offset ?? data.length, tail: false,
        message: `the RDB preamble is damaged: ${rdb.error?.message ?? 'incomplete'}` };
      return check;
    }
    start = rdb.endOffset;
  }
  walkCommands(check, data, start, truncateToTimestamp);
  return check;
}

/** Walks RESP records from `start`, filling validBytes, commands, error and cutOffset. */
function walkCommands(check: AofFileCheck, data: Buffer, start: number,
  truncateToTimestamp: number | null): void {
  let pos = start;
  let multiAt: number | null = null;
  check.validBytes = start;
  while (pos < data.length) {
    if (data[pos] === 0x23 /* '#' */) {
      const nl = data.indexOf(0x0a, pos);
      if (nl < 0) break;
      const ts = /^#TS:([0-9]{1,15})\r?$/.exec(data.toString('latin1', pos, nl));
      if (ts !== null && truncateToTimestamp !== null && check.cutOffset === null &&
        Number(ts[1]) > truncateToTimestamp) {
        check.cutOffset = pos;
      }
      pos = nl + 1;
      if (multiAt === null) check.validBytes = pos;
      continue;
    }
    const parsed = parseRecord(data, pos);
    if ('torn' in parsed) break;
    if ('bad' in parsed) {
      check.error = { offset: parsed.offset, message: parsed.bad,
        tail: !hasRecordAfter(data, parsed.offset + 1) };
      if (multiAt !== null) check.validBytes = multiAt;
      return;
    }
    const command = (parsed.argv[0] as string).toLowerCase();
    if (command === 'multi') multiAt ??= pos;
    else if (command === 'exec') multiAt = null;
    check.commands++;
    pos = parsed.end;
    if (multiAt === null) check.validBytes = pos;
  }
  if (pos < data.length) {
    // A length digit flipped upwards also reads as "torn": it is a tail only if nothing
    // loadable follows.
    check.error = { offset: pos, message: `unexpected end of file (${data.length - pos} bytes ` +
      'of an unfinished command)', tail: !hasRecordAfter(data, pos + 1) };
  } else if (multiAt !== null) {
    check.error = { offset: multiAt, message: 'reached the end of the file inside MULTI ' +
      '(no EXEC)', tail: true };
  }
}

/** Whether a complete record starts anywhere at or after `from` (a "\n*" boundary). */
function hasRecordAfter(data: Buffer, from: number): boolean {
  let at = data.indexOf('\n*', from, 'latin1');
  while (at >= 0) {
    const parsed = parseRecord(data, at + 1);
    if ('argv' in parsed) return true;
    at = data.indexOf('\n*', at + 1, 'latin1');
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The command-line flow: what redis-check-aof does, with the refusal for mid-file damage.
// ---------------------------------------------------------------------------------------------

export interface AofCheckOptions {
  fix: boolean;
  truncateToTimestamp: number | null;
  /** Asks the operator; resolves true for yes. Not called when `yes` is set. */
  confirm: (question: string) => Promise<boolean>;
  yes: boolean;
  out: (line: string) => void;
}

/** One file of the log, in load order. */
interface LogFile {
  name: string;
  path: string;
  kind: 'BASE' | 'INCR' | 'single';
}

/** Checks `path` (a manifest, an AOF directory or a single .aof file); returns the exit code. */
export async function checkAofPath(path: string, options: AofCheckOptions): Promise<number> {
  const files = resolveFiles(path, options.out);
  const checks: AofFileCheck[] = [];
  for (const file of files) {
    const check = checkAofData(file.name, readLogFile(file.path), options.truncateToTimestamp);
    checks.push(check);
    if (check.rdb !== null) options.out(formatRdbReport(check.rdb).trimEnd());
    options.out(`AOF analyzed: filename=${file.name}, size=${check.sizeBytes}, ` +
      `ok_up_to=${check.validBytes}, diff=${check.sizeBytes - check.validBytes}`);
    // A cut before the damage removes it: point-in-time recovery wins.
    if (check.cutOffset !== null && (check.error === null || check.error.offset >= check.cutOffset)) {
      return truncateToTimestamp(files, checks, options);
    }
    if (check.error !== null) {
      options.out(`[offset ${check.error.offset}] ${check.error.message}`);
      return handleDamage(files, checks, options);
    }
    options.out(`${file.kind === 'single' ? 'AOF' : `${file.kind} AOF`} ${file.name} is valid`);
  }
  if (options.truncateToTimestamp !== null) {
    options.out(`Truncate nothing: no #TS annotation after ${options.truncateToTimestamp}`);
  }
  options.out(files.length === 1 && files[0]?.kind === 'single' ? 'AOF is valid'
    : 'All AOF files and manifest are valid');
  return 0;
}

/** The files to check, in load order, from a manifest, a directory or a single file. */
function resolveFiles(path: string, out: (line: string) => void): LogFile[] {
  const stat = statOrThrow(path);
  let manifestPath = path;
  if (stat.isDirectory()) {
    const manifests = (fs.readdirSync(path) ?? []).filter((n) => n.endsWith('.manifest') &&
      !n.startsWith('temp-'));
    if (manifests.length !== 1) {
      throw new ToolError(`${path} is a directory without exactly one *.manifest file`);
    }
    manifestPath = join(path, manifests[0] as string);
  } else if (!path.endsWith('.manifest')) {
    out('Start checking Old-Style AOF');
    return [{ name: path, path, kind: 'single' }];
  }
  out('Start checking Multi Part AOF');
  const dir = dirname(manifestPath);
  let manifest;
  try {
    manifest = parseManifest(readLogFile(manifestPath).toString('latin1'));
  } catch (error: unknown) {
    if (!(error instanceof AofManifestError)) throw error;
    throw new ToolError(`${basename(manifestPath)}: ${error.message}`);
  }
  const files: LogFile[] = [];
  if (manifest.base !== null) {
    files.push({ name: manifest.base.name, path: join(dir, manifest.base.name), kind: 'BASE' });
  }
  for (const incr of manifest.incrs) {
    files.push({ name: incr.name, path: join(dir, incr.name), kind: 'INCR' });
  }
  return files;
}

function statOrThrow(path: string): NonNullable<ReturnType<typeof fs.statSync>> {
  let stat;
  try {
    stat = fs.statSync(path);
  } catch (error: unknown) {
    throw fileError('open', path, error, 1);
  }
  if (stat === null) throw new ToolError(`cannot open ${path}: No such file or directory`);
  return stat;
}

function readLogFile(path: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (error: unknown) {
    throw fileError('read', path, error, 1);
  }
}

/** The last checked file has an error: report, and with --fix truncate a damaged tail. */
async function handleDamage(files: LogFile[], checks: AofFileCheck[], options: AofCheckOptions):
  Promise<number> {
  const index = checks.length - 1;
  const check = checks[index] as AofFileCheck;
  const file = files[index] as LogFile;
  const isLast = index === files.length - 1;
  if (!check.error?.tail) {
    options.out(`AOF ${file.name} is corrupt at offset ${check.error?.offset ?? 0}, with valid ` +
      'commands after the damage. Not fixable by truncation: that would drop those commands. ' +
      'Restore the file from a backup, or cut it by hand if losing them is acceptable.');
    return 1;
  }
  if (!isLast) {
    options.out(`AOF ${file.name} is damaged at offset ${check.validBytes} but it is not the ` +
      'last file of the AOF: only the last file can be truncated.');
    return 1;
  }
  if (!options.fix) {
    options.out(`AOF ${file.name} is not valid. Use the --fix option to try fixing it.`);
    return 1;
  }
  const question = `This will shrink the AOF ${file.name} from ${check.sizeBytes} bytes, with ` +
    `${check.sizeBytes - check.validBytes} bytes, to ${check.validBytes} bytes`;
  return await truncateFile(file, check.validBytes, question, options);
}

async function truncateToTimestamp(files: LogFile[], checks: AofFileCheck[],
  options: AofCheckOptions): Promise<number> {
  const index = checks.length - 1;
  const check = checks[index] as AofFileCheck;
  const file = files[index] as LogFile;
  if (index !== files.length - 1) {
    options.out(`Failed to truncate AOF ${file.name} to timestamp ` +
      `${options.truncateToTimestamp ?? 0}: the cut point (offset ${check.cutOffset ?? 0}) is ` +
      'not in the last file.');
    return 1;
  }
  const question = `This will truncate the AOF ${file.name} from ${check.sizeBytes} bytes to ` +
    `${check.cutOffset ?? 0} bytes (timestamp ${options.truncateToTimestamp ?? 0})`;
  return await truncateFile(file, check.cutOffset ?? 0, question, options);
}

async function truncateFile(file: LogFile, length: number, question: string,
  options: AofCheckOptions): Promise<number> {
  options.out(question);
  if (!options.yes && !(await options.confirm('Continue? [y/N]: '))) {
    options.out('Nothing changed.');
    return 1;
  }
  try {
    fs.truncateSync(file.path, length);
  } catch (error: unknown) {
    throw fileError('truncate', file.path, error, 1);
  }
  options.out(`Successfully truncated AOF ${file.name} to ${length} bytes`);
  return 0;
}
