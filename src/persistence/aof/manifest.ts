// The AOF manifest: which files make up the append-only log, in Redis 7.0's multi-part layout,
// its exact line format, the file-naming rules, and the atomic replacement of the manifest file.
// It never reads or writes AOF records (writer.ts and loader.ts do) and never decides when to
// rewrite (rewrite.ts does).
// Redis equivalent: the manifest half of aof.c (aofLoadManifestFromFile, getAofManifestAsString,
// persistAofManifest, getNewBaseFileNameAndMarkPreAsHistory, getNewIncrAofName).
//
// Layout, with the default names (appenddirname appendonlydir, appendfilename appendonly.aof):
//
//   <dir>/appendonlydir/appendonly.aof.1.base.rdb     base: RDB preamble (or .base.aof: commands)
//   <dir>/appendonlydir/appendonly.aof.1.incr.aof     incremental: RESP commands, appended
//   <dir>/appendonlydir/appendonly.aof.2.incr.aof     (one more per rewrite started)
//   <dir>/appendonlydir/appendonly.aof.manifest       the list below
//
// Manifest lines, one file each: base first, then history, then incrementals in sequence order:
//
//   file appendonly.aof.1.base.rdb seq 1 type b\n
//   file appendonly.aof.1.incr.aof seq 1 type i\n
//
// `type` is b (base), h (history: superseded, awaiting deletion) or i (incremental). A name that
// needs quoting (spaces, control bytes) is written quoted with escapes, as Redis's sdscatrepr.
// Lines starting with '#' are comments. Every line must end with '\n' and be under 1024 bytes.
// A pre-7 appendonly.aof moved into the directory keeps its name as the base ("upgrade").

import { join } from 'node:path';
import * as fs from '../../platform/fs.js';
import { splitArgs } from '../../util/split-args.js';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

export interface AofManifest {
  base: AofFileInfo | null;
  incrs: AofFileInfo[];
  history: AofFileInfo[];
  /** Highest base and incr sequence numbers handed out (names are never reused). */
  currBaseSeq: number;
  currIncrSeq: number;
}

/**
 * A manifest that cannot be used; the server refuses to start, naming the file. `message` is
 * Redis's reason; `line` and `lineText` say where, as Redis's fatal block shows them.
 */
export class AofManifestError extends Error {
  override readonly name = 'AofManifestError';
  readonly code = 'VESTA_ERR_AOF_MANIFEST';
  /** 1-based line of the manifest, or null when Redis shows none (empty file, too long line). */
  readonly line: number | null;
  /** The offending line, trimmed. */
  readonly lineText: string;

  constructor(message: string, line: number | null = null, lineText = '') {
    super(message);
    this.line = line;
    this.lineText = lineText;
  }

  /** The lines redis-server 7.0 logs for this error, each one serverLog call. */
  redisLines(): string[] {
    const lines = ['\n*** FATAL AOF MANIFEST FILE ERROR ***\n'];
    if (this.line !== null) {
      lines.push(`Reading the manifest file, at line ${String(this.line)}\n`, `>>> '${this.lineText}'\n`);
    }
    lines.push(`${this.message}\n`);
    return lines;
  }
}

/** Redis's AOF_ANNOTATION_LINE_MAX_LEN: manifest lines are shorter than this. */
const MANIFEST_LINE_MAX_BYTES = 1024;

export function emptyManifest(): AofManifest {
  return { base: null, incrs: [], history: [], currBaseSeq: 0, currIncrSeq: 0 };
}

export function cloneManifest(m: AofManifest): AofManifest {
  return {
    base: m.base === null ? null : { ...m.base },
    incrs: m.incrs.map((f) => ({ ...f })),
    history: m.history.map((f) => ({ ...f })),
    currBaseSeq: m.currBaseSeq,
    currIncrSeq: m.currIncrSeq,
  };
}

/** Names derived from appendfilename. */
export function manifestName(appendFilename: string): string {
  return `${appendFilename}.manifest`;
}

export function tempManifestName(appendFilename: string): string {
  return `temp-${appendFilename}.manifest`;
}

export function baseName(appendFilename: string, seq: number, rdbPreamble: boolean): string {
  return `${appendFilename}.${seq}.base.${rdbPreamble ? 'rdb' : 'aof'}`;
}

export function incrName(appendFilename: string, seq: number): string {
  return `${appendFilename}.${seq}.incr.aof`;
}

/** The name of the incr file used while the first rewrite of a runtime `appendonly yes` runs. */
export function tempIncrName(appendFilename: string): string {
  return `temp-${appendFilename}.incr`;
}

/** The manifest as file text, in Redis's order: base, history, incrementals. */
export function formatManifest(m: AofManifest): string {
  let text = '';
  const line = (f: AofFileInfo): string =>
    `file ${quoteIfNeeded(f.name)} seq ${f.seq} type ${f.type}\n`;
  if (m.base !== null) text += line(m.base);
  for (const f of m.history) text += line(f);
  for (const f of m.incrs) text += line(f);
  return text;
}

/**
 * Parses manifest text as Redis 7.0 does (aofLoadManifestFromFile): '#' lines are comments, a
 * line without '\n' or of 1024 bytes or more is "too long", keys are case-insensitive, `seq` is
 * read as atoll and must not be 0, `type` is its first character. Throws AofManifestError with
 * Redis's reason and line. A manifest listing no base and no incremental is valid and empty
 * (Redis then starts as if there were no AOF); an empty file is not.
 */
export function parseManifest(text: string): AofManifest {
  if (text.length === 0) throw new AofManifestError('Found an empty AOF manifest');
  const m = emptyManifest();
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline + 1;
    const raw = text.slice(start, Math.min(end, start + MANIFEST_LINE_MAX_BYTES));
    start = end;
    lineNumber++;
    if (raw.startsWith('#')) continue;
    if (!raw.includes('\n')) throw new AofManifestError('The AOF manifest file contains too long line');
    parseManifestLine(m, raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''), lineNumber);
  }
  return m;
}

/** True when the manifest names nothing to load (Redis's AOF_NOT_EXIST). */
export function manifestIsEmpty(m: AofManifest): boolean {
  return m.base === null && m.incrs.length === 0;
}

/** Redis's atoll: optional sign, leading digits, anything after ignored. */
function atoll(text: string): number {
  const match = /^[ \t]*([+-]?[0-9]{1,15})/.exec(text);
  return match === null ? 0 : Number(match[1]);
}

function parseManifestLine(m: AofManifest, line: string, lineNumber: number): void {
  const fail = (reason: string): AofManifestError => new AofManifestError(reason, lineNumber, line);
  const argv = line === '' ? null : splitArgs(line);
  if (argv === null || argv.length < 6 || argv.length % 2 !== 0) throw fail('Invalid AOF manifest file format');
  let name: string | null = null;
  let seq = 0;
  let type = '';
  for (let i = 0; i < argv.length; i += 2) {
    const key = (argv[i] as string).toLowerCase();
    const value = argv[i + 1] as string;
    if (key === 'file') {
      name = value;
      if (name.includes('/')) throw fail("File can't be a path, just a filename");
    } else if (key === 'seq') seq = atoll(value);
    else if (key === 'type') type = value.charAt(0);
    // Unknown keys are ignored, as Redis does, for forward compatibility.
  }
  if (name === null || name === '' || seq === 0 || type === '') throw fail('Invalid AOF manifest file format');
  if (type === 'b') {
    if (m.base !== null) throw fail('Found duplicate base file information');
    m.base = { name, seq, type };
    m.currBaseSeq = seq;
  } else if (type === 'h') {
    m.history.push({ name, seq, type });
  } else if (type === 'i') {
    if (seq <= m.currIncrSeq) throw fail('Found a non-monotonic sequence number');
    m.incrs.push({ name, seq, type });
    m.currIncrSeq = seq;
  } else {
    throw fail('Unknown AOF file type');
  }
}

/**
 * Reads <dir>/<appendfilename>.manifest. Null when the file does not exist; throws
 * AofManifestError when it cannot be parsed, and the fs error when it cannot be read.
 */
export function readManifest(dir: string, appendFilename: string): AofManifest | null {
  let data: Buffer;
  try {
    data = fs.readFileSync(join(dir, manifestName(appendFilename)));
  } catch (error: unknown) {
    if (fs.errorCode(error) === 'ENOENT') return null;
    throw error;
  }
  return parseManifest(data.toString('latin1'));
}

/**
 * Replaces the manifest atomically: temp file, fsync, rename over the manifest, fsync of the
 * directory. A crash at any point leaves the old or the new manifest, never a mix. Throws the
 * fs error, and then the old manifest is in place and no temp file is left: when only the
 * directory fsync fails, the rename is undone, because every caller's error path deletes the
 * files the new manifest names (test/crash/faults.test.ts showed a manifest naming a deleted
 * incr file, refused at the next start).
 */
export function persistManifest(dir: string, appendFilename: string, m: AofManifest): void {
  const temp = join(dir, tempManifestName(appendFilename));
  const path = join(dir, manifestName(appendFilename));
  let previous: Buffer | null = null;
  try {
    previous = fs.readFileSync(path);
  } catch (error: unknown) {
    if (fs.errorCode(error) !== 'ENOENT') throw error;
  }
  try {
    fs.writeFileDurableSync(temp, Buffer.from(formatManifest(m), 'latin1'));
    fs.renameSync(temp, path);
  } catch (error: unknown) {
    if (fs.errorCode(error) !== null) ignoreFsError(() => fs.unlinkIfExistsSync(temp));
    throw error;
  }
  try {
    fs.fsyncDirSync(dir);
  } catch (error: unknown) {
    if (fs.errorCode(error) === null) throw error;
    const old = previous;
    ignoreFsError(() => {
      if (old === null) {
        fs.unlinkIfExistsSync(path);
        return;
      }
      fs.writeFileDurableSync(temp, old);
      fs.renameSync(temp, path);
    });
    ignoreFsError(() => fs.unlinkIfExistsSync(temp));
    throw error;
  }
}

/** Runs a cleanup step, ignoring file-system errors (which carry a code) only. */
function ignoreFsError(step: () => unknown): void {
  try {
    step();
  } catch (error: unknown) {
    if (fs.errorCode(error) === null) throw error;
  }
}

/** Quotes a file name the way Redis's sdscatrepr does when it contains unsafe bytes. */
function quoteIfNeeded(name: string): string {
  if (name !== '' && !/[\s"'\\\x00-\x1f\x7f-\xff]/.test(name)) return name;
  let out = '"';
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    const c = name[i] as string;
    if (c === '\\' || c === '"') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\x07') out += '\\a';
    else if (c === '\b') out += '\\b';
    else if (ch < 0x20 || ch >= 0x7f) out += '\\x' + ch.toString(16).padStart(2, '0');
    else out += c;
  }
  return out + '"';
}
