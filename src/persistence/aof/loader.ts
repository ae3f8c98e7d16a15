// Loading AOF files into the keyspace: a base (an RDB image, possibly followed by commands as
// in pre-7 hybrid files, or commands only) and incremental files of RESP commands, replayed
// through the server's executor as the AOF client (a LogReplayer from host.ts: no checks, not
// propagated again, replies discarded). Handles
// SELECT, MULTI/EXEC (an incomplete transaction at the end is discarded), #-annotations, and
// a truncated last file (aof-load-truncated). It never writes the AOF except to truncate a torn
// tail, and never decides which files to load (aof.ts reads the manifest).
// Redis equivalent: loadSingleAppendOnlyFile / loadAppendOnlyFiles in aof.c.
//
// A record:                          An annotation (skipped):
//   *<argc>\r\n                        #TS:1700000000\r\n
//   $<len>\r\n<len bytes>\r\n  (argc times)

import { basename, join } from 'node:path';
import * as fs from '../../platform/fs.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../observe/log.js';
import type { Keyspace } from '../../store/keyspace.js';
import type { LogReplayer } from '../host.js';
import { RdbDecoder, RdbError } from '../rdb/decoder.js';
import { rdbDecoderOptions } from '../rdb/load.js';
import { RDB_KEY_BYTES_MIN } from '../rdb/constants.js';
import { STRING_BYTES_MAX } from '../../limits.js';
import { rdbFailureLines } from '../load-failure.js';
import { closeWindow, type FileWindow, openWindow, refillWindow, windowBytes, windowSource } from '../file-window.js';

/** An AOF that cannot be loaded; the server refuses to start. */
export class AofLoadError extends Error {
  override readonly name = 'AofLoadError';
  readonly code = 'VESTA_ERR_AOF_LOAD';
  readonly path: string;
  readonly offset: number | null;
  /** What redis-server 7.0 logs for the same failure (each line one serverLog call). */
  readonly redisLines: readonly string[];

  constructor(path: string, offset: number | null, message: string, redisLines: readonly string[] = []) {
    super(message);
    this.path = path;
    this.offset = offset;
    this.redisLines = redisLines;
  }
}

export interface AofFileLoadResult {
  commands: number;
  keysFromRdb: number;
  /** The file's size after loading (smaller than before when a torn tail was truncated). */
  bytes: number;
}

/** What loading an AOF file needs from the server. */
export interface AofLoadTarget {
  readonly config: Config;
  readonly log: Logger;
  readonly keyspace: Keyspace;
  /** Installs a function library from the base's RDB preamble: an error text or null. */
  loadFunctionLibrary(code: string): string | null;
}

export interface AofFileLoadOptions {
  /** The window the file is read in (file-window.ts; tests make it small). */
  windowBytes?: number;
  /** Runs the file's commands (the server's executor, as the AOF client). */
  replayer: LogReplayer;
  /** This is the last file of the AOF: a torn tail may be truncated (aof-load-truncated). */
  isLast: boolean;
  loadTruncated: boolean;
  /** For messages: the manifest name redis-check-aof --fix takes. */
  manifestName: string;
}

const CHECK_AOF_HINT = 'make a backup of your AOF file, then use ./redis-check-aof --fix';

/**
 * Loads one AOF file (base or incr) into the server's keyspace. Throws AofLoadError naming the
 * file and byte offset when the file is corrupt, or truncated where that is not allowed.
 */
export function loadAofFile(server: AofLoadTarget, dir: string, name: string,
  options: AofFileLoadOptions): AofFileLoadResult {
  const path = join(dir, name);
  let file: FileWindow;
  try {
    file = openWindow(path, options.windowBytes);
  } catch (error: unknown) {
    const code = fs.errorCode(error);
    if (code === null) throw error;
    const reason = fs.describeFsError(error);
    // Redis stats the file first, opens it, then reads it: each step has its own text.
    const redisLine = code === 'ENOENT' ? `Unable to obtain the AOF file ${name} length. stat: ${reason}`
      : code === 'EISDIR' ? `Unrecoverable error reading the append only file ${name}: ${reason}`
        : `Fatal error: can't open the append log file ${name} for reading: ${reason}`;
    throw new AofLoadError(path, null, `Fatal error: can't open the append log file ${path} ` +
      `for reading: ${reason}`, [redisLine]);
  }
  try {
    let start = 0;
    let keysFromRdb = 0;
    if (file.filled >= 5 && file.buf.toString('latin1', 0, 5) === 'REDIS') {
      const rdb = loadRdbImage(server, file);
      keysFromRdb = rdb.keys;
      start = rdb.endOffset;
      server.log.notice(`Reading RDB base file on AOF loading...`);
    }
    const replay = replayCommands(options.replayer, file, start, options.manifestName);
    if (replay.tornAt === null) {
      return { commands: replay.commands, keysFromRdb, bytes: file.size };
    }
    return { commands: replay.commands, keysFromRdb, bytes: handleTornTail(server, file, replay, options) };
  } finally {
    closeWindow(file);
  }
}

/**
 * The window's next bytes for a read at `keepFrom` that needs `minBytes`; null at the end of
 * the file. A read error is the file's load error.
 */
function refill(file: FileWindow, keepFrom: number, minBytes: number): Buffer | null {
  try {
    return refillWindow(file, keepFrom, minBytes);
  } catch (error: unknown) {
    throw readError(file, error);
  }
}

/** A failed read of the file as its load error (anything else as it is). */
function readError(file: FileWindow, error: unknown): Error {
  if (fs.errorCode(error) === null) return error instanceof Error ? error : new Error(String(error));
  const reason = fs.describeFsError(error);
  return new AofLoadError(file.path, file.next, `Unrecoverable error reading the append only file ` +
    `${file.path}: ${reason}`, [`Unrecoverable error reading the append only file ${basename(file.path)}: ${reason}`]);
}

/** A torn last command: refuses or truncates the file as configured; returns the bytes kept. */
function handleTornTail(server: AofLoadTarget, file: FileWindow, replay: ReplayResult,
  options: AofFileLoadOptions): number {
  const path = file.path;
  const validBytes = replay.tornAt ?? file.size;
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (replay.incompleteMulti) {
    server.log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
  }
  if (!options.isLast) {
    throw new AofLoadError(path, validBytes, `Unexpected end of file reading the append only ` +
      `file ${name} at offset ${validBytes}, and it is not the last file of the AOF: ` +
      `${CHECK_AOF_HINT} ${options.manifestName}`, options.loadTruncated
      ? [...truncationLines(name, validBytes), 'Fatal error: the truncated file is not the last file']
      : [unexpectedEofLine(name)]);
  }
  if (!options.loadTruncated) {
    throw new AofLoadError(path, validBytes, `Unexpected end of file reading the append only ` +
      `file ${name} (last valid command ends at offset ${validBytes}). You can: 1) Make a ` +
      `backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) ` +
      `Alternatively you can set the 'aof-load-truncated' configuration option to yes and ` +
      `restart the server.`, [unexpectedEofLine(name)]);
  }
  const [shortRead = '', truncating = '', loadedAnyway = ''] = truncationLines(name, validBytes);
  server.log.warning(shortRead);
  server.log.warning(truncating);
  try {
    fs.truncateSync(path, validBytes);
  } catch (error: unknown) {
    if (fs.errorCode(error) === null) throw error;
    throw new AofLoadError(path, validBytes, `Error truncating the AOF file ${name}: ` +
      fs.describeFsError(error));
  }
  server.log.warning(loadedAnyway);
  return validBytes;
}

/** Redis's three lines for a torn tail it truncates (aof-load-truncated yes). */
function truncationLines(name: string, validBytes: number): string[] {
  return [`!!! Warning: short read while loading the AOF file ${name}!!!`,
    `!!! Truncating the AOF ${name} at offset ${String(validBytes)} !!!`,
    `AOF ${name} loaded anyway because aof-load-truncated is enabled`];
}

/** Redis's line for a torn AOF it may not truncate. */
function unexpectedEofLine(name: string): string {
  return `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup ` +
    `of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you ` +
    `can set the 'aof-load-truncated' configuration option to yes and restart the server.`;
}

/** Redis's line for a record that is not RESP. */
function badFormatLine(path: string): string {
  return `Bad file format reading the append only file ${basename(path)}: ${CHECK_AOF_HINT} <filename.manifest>`;
}

/** Applies the RDB image at the start of the file; returns the key count and where it ends. */
function loadRdbImage(server: AofLoadTarget, file: FileWindow): { keys: number;
  endOffset: number } {
  const path = file.path;
  const config = server.config;
  const keyspace = server.keyspace;
  const source = windowSource(file, (error) => readError(file, error));
  const decoder = new RdbDecoder(windowBytes(file), rdbDecoderOptions(config), source);
  let db = keyspace.db(0);
  let version = 0;
  let keys = 0;
  try {
    for (let event = decoder.next(); event !== null; event = decoder.next()) {
      switch (event.kind) {
        case 'header':
          version = event.version;
          break;
        case 'selectdb': {
          const next = keyspace.dbs[event.db];
          if (next === undefined) {
            throw new AofLoadError(path, event.offset, `the AOF base ${path} selects DB ` +
              `${event.db} ` +
              `but this server has ${keyspace.dbs.length} databases (raise "databases")`);
          }
          db = next;
          break;
        }
        case 'key':
          // The base is the first file loaded, into an empty keyspace (start-up, or DEBUG
          // LOADAOF right after its flush), so keys skip the write hooks (see loadKey). Keys
          // past their expire time are kept, as Redis loads an AOF preamble: the commands
          // after it were logged against that exact keyspace; they expire afterwards.
          keyspace.loadKey(db, event.key, event.value, event.expireAtMs);
          keys++;
          break;
        case 'function': {
          const error = server.loadFunctionLibrary(event.code);
          if (error !== null) {
            throw new AofLoadError(path, event.offset, `a function library in the AOF base ${path} ` +
              `failed to load: ${error}`);
          }
          break;
        }
        case 'warning':
          server.log.warning(`AOF base ${path}: ${event.message}`);
          break;
        case 'eof':
          return { keys, endOffset: event.offset + 1 + (version >= 5 ? 8 : 0) };
        case 'resizedb':
          keyspace.reserve(db, Math.min(event.keyCount,
            Math.floor((file.size - event.offset) / RDB_KEY_BYTES_MIN)));
          break;
        case 'aux':
        case 'module-aux':
          break; // metadata an AOF base needs nothing from
      }
    }
  } catch (error: unknown) {
    if (!(error instanceof RdbError)) throw error;
    throw new AofLoadError(path, error.offset, `Bad file format reading the append only file ` +
      `${path} at offset ${error.offset}: the RDB preamble is corrupt (${error.message}): ` +
      `${CHECK_AOF_HINT}`, rdbFailureLines(error));
  }
  throw new AofLoadError(path, file.size,
    `Unexpected end of file in the RDB preamble of ${path}`);
}

interface ReplayResult {
  commands: number;
  /** Offset of the end of the last whole command (or before an unfinished MULTI), or null. */
  tornAt: number | null;
  incompleteMulti: boolean;
}

export type Parsed =
  | { argv: string[]; end: number }
  | { torn: true }
  | { bad: string; offset: number };

/**
 * Parses one record at `pos` (which holds '*'). Exported for vesta-check-aof (src/tools/
 * check-aof.ts), so the checker and the loader read records the same way.
 */
export function parseRecord(data: Buffer, pos: number): Parsed {
  const header = readNumberLine(data, pos, 0x2a /* '*' */);
  if ('torn' in header || 'bad' in header) return header;
  if (header.value < 1) return { bad: `invalid argument count ${header.value}`, offset: pos };
  const argv: string[] = [];
  let p = header.end;
  for (let i = 0; i < header.value; i++) {
    const bulk = readNumberLine(data, p, 0x24 /* '$' */);
    if ('torn' in bulk || 'bad' in bulk) return bulk;
    if (bulk.value < 0 || bulk.value > STRING_BYTES_MAX) {
      return { bad: `invalid bulk length ${bulk.value}`, offset: p };
    }
    const from = bulk.end;
    const to = from + bulk.value;
    if (to + 2 > data.length) return { torn: true };
    if (data[to] !== 0x0d || data[to + 1] !== 0x0a) {
      return { bad: 'expected \\r\\n after a bulk string', offset: to };
    }
    argv.push(data.toString('latin1', from, to));
    p = to + 2;
  }
  return { argv, end: p };
}

/** Bytes a header line ("*<count>\r\n", "$<length>\r\n") may take before its newline, at most. */
const HEADER_LINE_MAX = 32;

/** Reads "<prefix><digits>\r\n" at pos. */
function readNumberLine(data: Buffer, pos: number, prefix: number):
  { value: number; end: number } | { torn: true } | { bad: string; offset: number } {
  if (pos >= data.length) return { torn: true };
  if (data[pos] !== prefix) {
    return { bad: `expected '${String.fromCharCode(prefix)}', got '${describeByte(data[pos])}'`,
      offset: pos };
  }
  // A header line is short: no newline in its first 33 bytes is corruption, not a tear. Only
  // those bytes are looked at, so the answer is the same whether `data` is the whole file or
  // a window of it that holds them.
  const limit = Math.min(data.length, pos + HEADER_LINE_MAX + 1);
  let nl = -1;
  for (let i = pos + 1; i < limit; i++) {
    if (data[i] === 0x0a) {
      nl = i;
      break;
    }
  }
  if (nl < 0) {
    if (data.length - pos > HEADER_LINE_MAX) return { bad: 'header line without a newline', offset: pos };
    return { torn: true };
  }
  const text = data.toString('latin1', pos + 1, nl - 1);
  if (data[nl - 1] !== 0x0d || !/^-?[0-9]{1,18}$/.test(text)) {
    return { bad: `invalid ${prefix === 0x2a ? 'argument count' : 'bulk length'} line`,
      offset: pos };
  }
  return { value: Number(text), end: nl + 1 };
}

function describeByte(byte: number | undefined): string {
  if (byte === undefined) return 'EOF';
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16)}`;
}

/**
 * Replays every command of the file from offset `start`. Throws AofLoadError on corruption.
 * A record the window cuts off is parsed again once the window holds more of it (refill).
 */
function replayCommands(replayer: LogReplayer, file: FileWindow, start: number,
  manifest: string): ReplayResult {
  const path = file.path;
  let data = windowBytes(file);
  let pos = start;
  let commands = 0;
  let multi: string[][] | null = null;
  let beforeMulti = 0;
  while (pos < file.size) {
    const at = pos - file.base;
    let parsed: Parsed | null = null;
    if (data[at] === 0x23 /* '#' */) {
      const nl = data.indexOf(0x0a, at);
      if (nl >= 0) {
        pos = file.base + nl + 1;
        continue;
      }
    } else {
      parsed = parseRecord(data, at);
    }
    if (parsed === null || 'torn' in parsed) {
      // Cut off by the window's end, or the file's: more of it, or a torn tail.
      const more = refill(file, pos, file.base + file.filled - pos + 1);
      if (more === null) return tornResult(commands, pos, multi === null ? null : beforeMulti);
      data = more;
      continue;
    }
    if ('bad' in parsed) {
      const offset = file.base + parsed.offset;
      throw new AofLoadError(path, offset, `Bad file format reading the append only file ` +
        `${path} at offset ${offset} (${parsed.bad}): ${CHECK_AOF_HINT} ${manifest}`, [badFormatLine(path)]);
    }
    const argv = parsed.argv;
    const name = (argv[0] as string).toLowerCase();
    if (name === 'multi') {
      multi = [];
      beforeMulti = pos;
    } else if (name === 'exec') {
      if (multi !== null) for (const queued of multi) runCommand(replayer, path, pos, queued);
      multi = null;
    } else if (multi !== null) {
      multi.push(argv);
    } else {
      runCommand(replayer, path, pos, argv);
    }
    commands++;
    pos = file.base + parsed.end;
  }
  if (multi !== null) return { commands, tornAt: beforeMulti, incompleteMulti: true };
  return { commands, tornAt: null, incompleteMulti: false };
}

/** A replay that stopped at a torn record at `pos`, or inside a MULTI begun at `multiAt`. */
function tornResult(commands: number, pos: number, multiAt: number | null): ReplayResult {
  return { commands, tornAt: multiAt ?? pos, incompleteMulti: multiAt !== null };
}

/** Runs one logged command; an unknown command or a wrong arity makes the file corrupt. */
function runCommand(replayer: LogReplayer, path: string, offset: number, argv: string[]): void {
  const outcome = replayer.run(argv);
  if (outcome === 'unknown') {
    throw new AofLoadError(path, offset, `Unknown command '${(argv[0] as string).slice(0, 128)}' ` +
      `reading the append only file ${path} at offset ${offset}`,
    [`Unknown command '${(argv[0] as string).slice(0, 128)}' reading the append only file ${basename(path)}`]);
  }
  if (outcome === 'arity') {
    throw new AofLoadError(path, offset, `Bad file format reading the append only file ${path} ` +
      `at offset ${offset} (wrong number of arguments for '${replayer.commandName(argv)}'): ` +
      CHECK_AOF_HINT,
    [badFormatLine(path)]);
  }
}
