// Loading a dump into the keyspace: at start-up (appendonly no) and for DEBUG RELOAD. Streams the
// decoder's events into the keyspace through its write path (Keyspace.add / setExpire), drops keys
// whose expire time has passed, logs what Redis logs, and keeps the INFO loading_* progress up to
// date. A dump that cannot be read completely is never half-used at start-up: the error names the
// file, the byte offset and the cause, and the server refuses to start. It never writes files.
// Redis equivalent: rdb.c, rdbLoad / rdbLoadRio (load side) and loadDataFromDisk in server.c.

import { join } from 'node:path';
import { assert } from '../../assert.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../observe/log.js';
import * as fs from '../../platform/fs.js';
import type { Database, Keyspace } from '../../store/keyspace.js';
import { RdbDecoder, type RdbDecoderOptions, type RdbEvent } from './decoder.js';
import type { RdbSource } from './reader.js';
import { closeWindow, type FileWindow, openWindow, slideWindow, windowBytes, windowSource } from '../file-window.js';
import { describeKey, RdbError } from './errors.js';
import { delayMicroseconds } from './save.js';
import { RDB_KEY_BYTES_MIN } from './constants.js';
import type { DumpReplInfo } from './repl-info.js';

/** A dump that could not be loaded. `offset` is null when the file could not even be read. */
export class RdbLoadError extends Error {
  override readonly name = 'RdbLoadError';
  readonly code = 'VESTA_ERR_RDB_LOAD';
  readonly path: string;
  readonly offset: number | null;

  constructor(path: string, offset: number | null, cause: string, origin?: unknown) {
    super(`Failed loading RDB file ${path}` + (offset === null ? '' : ` at offset ${offset}`) +
      `: ${cause}`, { cause: origin });
    this.path = path;
    this.offset = offset;
  }
}

/** What INFO persistence shows while a load runs (loading_* fields). Updated in place. */
export interface LoadingProgress {
  startSec: number;
  totalBytes: number;
  loadedBytes: number;
  /** used-mem from the dump's aux fields (loading_rdb_used_mem). */
  rdbUsedMemBytes: number;
}

export interface RdbLoadResult {
  keysLoaded: number;
  keysExpired: number;
  /** RDB format version of the file. */
  version: number;
  seconds: number;
}

export interface RdbLoadOptions {
  /** DEBUG RELOAD MERGE: a key already present is replaced; otherwise it is an error. */
  allowDuplicates?: boolean;
  /** Kept up to date while loading, for INFO. */
  progress?: LoadingProgress;
  /** The whole dump's size when the load starts with its first bytes only (a stream). */
  expectedBytes?: number;
  /** The window a dump file is read in (file-window.ts; tests make it small). */
  windowBytes?: number;
}

/** What the loader needs from the server. */
export interface RdbLoadTarget {
  config: Config;
  keyspace: Keyspace;
  log: Logger;
  loading: boolean;
  /** Where the dump's replication fields are recorded (the server's; absent: dropped). */
  readonly replInfo?: DumpReplInfo;
  /** Installs one function library from the file (replacing a same-named one); error or null. */
  loadFunctionLibrary?(code: string): string | null;
}

/** Time slice of one step of an asynchronous load, between event-loop turns. */
const LOAD_SLICE_MS = 20;
/** Progress is logged at most this often on large files. */
const PROGRESS_LOG_INTERVAL_MS = 5000;

/** The decoder settings the config asks for: rdbchecksum, and the encodings' thresholds. */
export function rdbDecoderOptions(config: Config): RdbDecoderOptions {
  return {
    verifyChecksum: config.bool('rdbchecksum'),
    hashMaxListpackEntries: config.num('hash-max-listpack-entries'),
    hashMaxListpackValue: config.num('hash-max-listpack-value'),
    zsetMaxListpackEntries: config.num('zset-max-listpack-entries'),
    zsetMaxListpackValue: config.num('zset-max-listpack-value'),
    setMaxIntsetEntries: config.num('set-max-intset-entries'),
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** dir/dbfilename. */
export function rdbFilePath(config: Config): string {
  return join(config.str('dir'), config.str('dbfilename'));
}

/**
 * Loads dir/dbfilename synchronously (DEBUG RELOAD). Returns null when there is no file.
 * Throws RdbLoadError when the file is unreadable, corrupt or inconsistent; keys read before
 * the problem stay loaded (the caller decides; at start-up the process exits).
 */
export function rdbLoadSync(target: RdbLoadTarget, options: RdbLoadOptions = {}):
  RdbLoadResult | null {
  const loader = RdbLoader.open(target, options, false);
  if (loader === null) return null;
  try {
    while (!loader.step(Infinity)) {
      // step(Infinity) only returns false if it was interrupted, which it never is.
    }
  } finally {
    loader.finish();
  }
  return loader.result();
}

/**
 * Loads dir/dbfilename at start-up, into the empty keyspace, in time slices, so the server
 * answers INFO and replies -LOADING to other commands meanwhile. Keys go in through
 * Keyspace.loadKey (no write hooks: nothing can observe a keyspace that is still loading).
 * Same contract as rdbLoadSync.
 */
export async function rdbLoad(target: RdbLoadTarget, options: RdbLoadOptions = {}):
  Promise<RdbLoadResult | null> {
  assert(target.keyspace.dbs.every((db) => db.dict.size === 0), 'start-up load into keys');
  const loader = RdbLoader.open(target, options, true);
  if (loader === null) return null;
  try {
    while (!loader.step(LOAD_SLICE_MS)) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    loader.finish();
  }
  return loader.result();
}

/**
 * Loads a dump held in memory (a replica's full sync from its master) into the keyspace,
 * synchronously, through Keyspace.loadKey: the caller emptied the keyspace first.
 */
export function rdbLoadBufferSync(target: RdbLoadTarget, data: Buffer, name: string):
  RdbLoadResult {
  const loader = RdbLoader.fromBuffer(target, name, data);
  try {
    while (!loader.step(Infinity)) {
      // step(Infinity) only returns false if it was interrupted, which it never is.
    }
  } finally {
    loader.finish();
  }
  return loader.result();
}

/** Bytes of a stream kept past the last cut-off item before it is decoded again, at least. */
const STREAM_RETRY_BYTES_MIN = 4096;
/** The window a streamed dump is decoded in, unless one item needs more. */
const STREAM_WINDOW_BYTES = 1024 * 1024;

/**
 * A dump loaded while it arrives (a replica's full sync): append() keeps each read, advance()
 * loads the complete items within the bytes known to be the dump's, end() loads the rest once
 * the dump's length is known. Keys go in through Keyspace.loadKey, so `target.keyspace` is
 * one nobody else sees yet (the caller swaps it in). A failure is kept and thrown by end(), so
 * the outcome is the one a load of the whole dump after the transfer would have had. An item
 * cut off by the end of the bytes so far is decoded again once the bytes after its start have
 * doubled: a big value costs O(its size) in retries, not O(size^2 / read size).
 */
export class RdbStreamLoad {
  readonly #target: RdbLoadTarget;
  readonly #name: string;
  readonly #expectedBytes: number;
  #loader: RdbLoader | null = null;
  /**
   * A window of the dump: its bytes from offset #base, #filled of them. The bytes before the
   * next item are dropped when room is needed (they are checksummed first), so the window
   * holds about one read plus the item being read, not the whole dump: memory stays flat, and
   * the pages are reused (first touches of fresh memory cost ~11 us a page on a VM: a doubling
   * buffer took ~200 ms of a 1M-key sync in page faults and copies).
   */
  #buf: Buffer;
  #base = 0;
  #filled = 0;
  /** advance() decodes again once this many bytes are known to be the dump's. */
  #retryAt = 0;
  #done = false;
  #failure: Error | null = null;

  /**
   * `expectedBytes`: the dump's size if known, else a guess (it bounds RESIZEDB's table sizing).
   * `windowBytes`: the window's size to start with (tests make it tiny).
   */
  constructor(target: RdbLoadTarget, name: string, expectedBytes: number, windowBytes = STREAM_WINDOW_BYTES) {
    this.#target = target;
    this.#name = name;
    this.#expectedBytes = expectedBytes;
    // Grown only for an item larger than the window: no memory is taken for a size the master only claims.
    this.#buf = Buffer.allocUnsafe(Math.max(1, Math.min(expectedBytes + 1024, windowBytes)));
  }

  /** Keeps one read of the payload (it may run past the dump's end). */
  append(chunk: Buffer): void {
    if (this.#failure !== null || this.#done) return;
    if (this.#filled + chunk.length > this.#buf.length) this.#makeRoom(chunk.length);
    chunk.copy(this.#buf, this.#filled);
    this.#filled += chunk.length;
  }

  /** Loads the complete items within the first `limit` bytes received (all known to be the dump's). */
  advance(limit: number): void {
    if (this.#failure !== null || this.#done || limit < this.#retryAt) return;
    this.#run(Math.min(limit, this.#base + this.#filled), true);
  }

  /** The dump is the first `length` bytes received: loads the rest; throws the first failure. */
  end(length: number): RdbLoadResult {
    if (this.#failure === null && !this.#done) {
      const received = this.#base + this.#filled;
      if (length > received) this.#failure = new RdbLoadError(this.#name, received, 'payload shorter than announced');
      else this.#run(length, false);
    }
    this.#loader?.finish();
    if (this.#failure !== null) throw this.#failure;
    const loader = this.#loader;
    assert(loader !== null && this.#done, 'stream load ended without its EOF');
    return loader.result();
  }

  /** The transfer failed: the loader's state is restored (the caller drops the keyspace). */
  abort(): void {
    this.#loader?.finish();
    this.#done = true;
  }

  /** Room for `bytes` more: the decoded bytes leave the window, and it grows if that is not enough. */
  #makeRoom(bytes: number): void {
    const loader = this.#loader;
    const decoded = loader === null ? 0 : loader.offset - this.#base;
    if (decoded > 0) loader?.release();
    this.#buf = slideWindow(this.#buf, decoded, this.#filled, this.#filled - decoded + bytes);
    this.#filled -= decoded;
    this.#base += decoded;
  }

  #run(limit: number, partial: boolean): void {
    const data = this.#buf.subarray(0, limit - this.#base);
    try {
      let loader = this.#loader;
      if (loader === null) {
        loader = RdbLoader.fromBuffer(this.#target, this.#name, data, Math.max(this.#expectedBytes, limit));
        this.#loader = loader;
      } else {
        loader.grow(data, this.#base);
      }
      this.#done = loader.step(Infinity, partial);
      if (!this.#done) {
        if (!partial) throw new RdbLoadError(this.#name, limit, 'the payload ends before its EOF item');
        this.#retryAt = limit + Math.max(STREAM_RETRY_BYTES_MIN, limit - loader.offset);
      }
    } catch (error: unknown) {
      this.#failure = error instanceof Error ? error : new Error(String(error));
    }
  }
}

/**
 * One load in progress. open() reads the file and sets the server's loading state; step()
 * applies events for a time budget; finish() restores the state whatever happened.
 */
class RdbLoader {
  readonly #target: RdbLoadTarget;
  readonly #path: string;
  readonly #decoder: RdbDecoder;
  /** Keys go in through Keyspace.loadKey (start-up) rather than setKey (DEBUG RELOAD). */
  readonly #intoEmpty: boolean;
  readonly #allowDuplicates: boolean;
  readonly #progress: LoadingProgress;
  readonly #keyDelay: number;
  readonly #startMs = performance.now();
  readonly #dirtyBefore: number;
  readonly #activeExpireBefore: boolean;
  /**
   * Keys already expired are dropped by a master only: a replica (`replicaof` set) keeps them
   * until its master's DEL arrives, as Redis 7.0's rdbLoad does (iAmMaster()).
   */
  readonly #dropExpired: boolean;
  #db: Database;
  /** The dump's bytes (a window of them while it arrives, see grow()), from dump offset #base. */
  #data: Buffer;
  #base = 0;
  /** The file read a window at a time (open()); null for bytes in memory. */
  #file: FileWindow | null = null;
  #version = 0;
  #keysLoaded = 0;
  #keysExpired = 0;
  #nowMs = Date.now();
  #lastProgressLogMs = performance.now();
  #done = false;

  private constructor(target: RdbLoadTarget, file: { path: string; data: Buffer; source?: RdbSource },
    options: RdbLoadOptions, intoEmpty: boolean) {
    const { path, data } = file;
    this.#target = target;
    this.#intoEmpty = intoEmpty;
    this.#path = path;
    this.#allowDuplicates = options.allowDuplicates ?? false;
    const config = target.config;
    this.#decoder = new RdbDecoder(data, rdbDecoderOptions(config), file.source ?? null);
    this.#data = data;
    this.#keyDelay = config.num('key-load-delay');
    this.#progress = options.progress ?? { startSec: 0, totalBytes: 0, loadedBytes: 0,
      rdbUsedMemBytes: 0 };
    this.#progress.startSec = Math.floor(Date.now() / 1000);
    this.#progress.totalBytes = options.expectedBytes ?? data.length;
    this.#progress.loadedBytes = 0;
    this.#progress.rdbUsedMemBytes = 0;
    this.#db = target.keyspace.db(0);
    this.#dirtyBefore = target.keyspace.dirty;
    this.#activeExpireBefore = target.keyspace.activeExpire;
    this.#dropExpired = config.str('replicaof') === '';
    target.loading = true;
    target.keyspace.activeExpire = false;
  }

  /**
   * Opens the file, read a window at a time as the decoder goes (file-window.ts); null when it
   * does not exist. Throws RdbLoadError when it can't be read.
   */
  static open(target: RdbLoadTarget, options: RdbLoadOptions, intoEmpty: boolean):
    RdbLoader | null {
    const path = rdbFilePath(target.config);
    let file: FileWindow;
    try {
      file = openWindow(path, options.windowBytes);
    } catch (error: unknown) {
      const code = fs.errorCode(error);
      if (code === 'ENOENT') return null;
      if (code === null) throw error;
      throw new RdbLoadError(path, null, fs.describeFsError(error), error);
    }
    const source = windowSource(file, (error) => (fs.errorCode(error) === null ? asError(error)
      : new RdbLoadError(path, file.next, fs.describeFsError(error), error)));
    const loader = new RdbLoader(target, { path, data: windowBytes(file), source },
      { ...options, expectedBytes: file.size }, intoEmpty);
    loader.#file = file;
    return loader;
  }

  /** A load of bytes in memory (all of them, or the first ones: grow()), into an emptied keyspace. */
  static fromBuffer(target: RdbLoadTarget, name: string, data: Buffer, expectedBytes?: number): RdbLoader {
    return new RdbLoader(target, { path: name, data }, expectedBytes === undefined ? {} : { expectedBytes }, true);
  }

  /** Where the next item of the dump starts. */
  get offset(): number {
    return this.#decoder.offset;
  }

  /**
   * More of the dump arrived: `data` holds it from dump offset `base` (at or before the next
   * item; partial step()s go on in it).
   */
  grow(data: Buffer, base = 0): void {
    this.#data = data;
    this.#base = base;
    this.#decoder.resumeAt(data, this.#decoder.offset, base);
  }

  /** The bytes before the next item may leave the window given to grow() (see RdbDecoder#release). */
  release(): void {
    this.#decoder.release(this.#decoder.offset);
  }

  /**
   * Applies events for up to budgetMs; true when the whole dump has been loaded. With
   * `partial` (the dump's first bytes only), an item cut off by their end is left for the
   * next call (after grow()) and the call returns false.
   */
  step(budgetMs: number, partial = false): boolean {
    const started = performance.now();
    let count = 0;
    while (!this.#done) {
      let event: RdbEvent | null;
      const at = this.#decoder.offset;
      try {
        event = this.#decoder.next();
      } catch (error: unknown) {
        if (!(error instanceof RdbError)) throw error;
        if (partial && error.code === 'VESTA_ERR_RDB_EOF') {
          this.#decoder.resumeAt(this.#data, at, this.#base);
          return false;
        }
        throw new RdbLoadError(this.#path, error.offset, `${error.message} (${error.code})`,
          error);
      }
      assert(event !== null, 'RDB decoder ended without an EOF event');
      this.#apply(event);
      if (++count % 32 === 0 && performance.now() - started >= budgetMs) {
        this.#logProgress();
        return false;
      }
    }
    return this.#done;
  }

  /** Restores the server's normal state; the dirty counter ignores the keys loaded. */
  finish(): void {
    if (this.#file !== null) {
      closeWindow(this.#file);
      this.#file = null;
    }
    const keyspace = this.#target.keyspace;
    keyspace.dirty = this.#dirtyBefore;
    keyspace.activeExpire = this.#activeExpireBefore;
    this.#target.loading = false;
  }

  result(): RdbLoadResult {
    return {
      keysLoaded: this.#keysLoaded,
      keysExpired: this.#keysExpired,
      version: this.#version,
      seconds: (performance.now() - this.#startMs) / 1000,
    };
  }

  #apply(event: RdbEvent): void {
    this.#progress.loadedBytes = event.offset;
    switch (event.kind) {
      case 'header':
        this.#version = event.version;
        return;
      case 'aux':
        this.#applyAux(event.key, event.value);
        return;
      case 'selectdb': {
        const db = this.#target.keyspace.dbs[event.db];
        if (db === undefined) {
          throw new RdbLoadError(this.#path, event.offset, `the file selects DB ${event.db} but ` +
            `this server is configured for ${this.#target.keyspace.dbs.length} databases ` +
            '(raise "databases")');
        }
        this.#db = db;
        return;
      }
      case 'resizedb':
        this.#target.keyspace.reserve(this.#db, Math.min(event.keyCount,
          Math.floor((this.#progress.totalBytes - event.offset) / RDB_KEY_BYTES_MIN)));
        return;
      case 'key':
        this.#applyKey(event.key, event.value, event.expireAtMs, event.offset);
        return;
      case 'function': {
        const load = this.#target.loadFunctionLibrary;
        const error = load === undefined ? 'this server cannot load function libraries'
          : load.call(this.#target, event.code);
        if (error !== null) {
          throw new RdbLoadError(this.#path, event.offset, `a function library failed to load: ${error}`);
        }
        return;
      }
      case 'module-aux':
        this.#target.log.warning(`Skipping module aux data of module '${event.moduleName}' at ` +
          `offset ${event.offset}: Vesta does not support modules`);
        return;
      case 'warning':
        this.#target.log.warning(`RDB ${this.#path}: ${event.message}`);
        return;
      case 'eof':
        this.#finishEof(event.checksum);
        return;
    }
  }

  #applyKey(key: string, value: RdbEventValue, expireAtMs: number | null, offset: number): void {
    if (expireAtMs !== null && this.#dropExpired && expireAtMs < (this.#nowMs = Date.now())) {
      this.#keysExpired++;
      return;
    }
    const keyspace = this.#target.keyspace;
    const db = this.#db;
    // MERGE replaces the existing key, as Redis. A start-up load (the hot path) tells a
    // duplicate by loadKey's result, one hash lookup per key.
    let added: boolean;
    if (this.#intoEmpty) {
      added = keyspace.loadKey(db, key, value, expireAtMs);
    } else {
      added = !db.dict.has(key);
      keyspace.setKeySync(db, key, value);
      if (expireAtMs !== null) keyspace.setExpire(db, key, expireAtMs);
    }
    if (!added && !this.#allowDuplicates) {
      throw new RdbLoadError(this.#path, offset, `duplicated key '${describeKey(key)}' in ` +
        `DB ${db.id}`);
    }
    this.#keysLoaded++;
    if (this.#keyDelay !== 0) delayMicroseconds(this.#keyDelay);
  }

  #applyAux(key: string, value: string): void {
    const log = this.#target.log;
    if (key === 'redis-ver') {
      log.notice(`Loading RDB produced by version ${value}`);
    } else if (key === 'ctime') {
      const ageSec = Math.max(0, Math.floor(Date.now() / 1000) - Number.parseInt(value, 10));
      log.notice(`RDB age ${Number.isFinite(ageSec) ? ageSec : 0} seconds`);
    } else if (key === 'repl-id') {
      this.#target.replInfo?.recordLoaded({ replId: value });
    } else if (key === 'repl-offset') {
      this.#target.replInfo?.recordLoaded({ offset: Number.parseInt(value, 10) });
    } else if (key === 'repl-stream-db') {
      this.#target.replInfo?.recordLoaded({ streamDb: Number.parseInt(value, 10) });
    } else if (key === 'used-mem') {
      const bytes = Number.parseInt(value, 10);
      if (Number.isFinite(bytes)) {
        this.#progress.rdbUsedMemBytes = bytes;
        log.notice(`RDB memory usage when created ${(bytes / (1024 * 1024)).toFixed(2)} Mb`);
      }
    }
  }

  #finishEof(checksum: bigint): void {
    this.#done = true;
    this.#progress.loadedBytes = this.#progress.totalBytes;
    if (checksum === 0n && this.#target.config.bool('rdbchecksum')) {
      this.#target.log.warning('RDB file was saved with checksum disabled: no check performed.');
    }
    this.#target.log.notice(`Done loading RDB, keys loaded: ${this.#keysLoaded}, keys expired: ` +
      `${this.#keysExpired}.`);
  }

  #logProgress(): void {
    const now = performance.now();
    if (now - this.#lastProgressLogMs < PROGRESS_LOG_INTERVAL_MS) return;
    this.#lastProgressLogMs = now;
    const p = this.#progress;
    const percent = p.totalBytes === 0 ? 0 : (p.loadedBytes / p.totalBytes) * 100;
    this.#target.log.notice(`Loading RDB: ${percent.toFixed(2)}% (${p.loadedBytes} of ` +
      `${p.totalBytes} bytes), ${this.#keysLoaded} keys loaded`);
  }
}

type RdbEventValue = Extract<RdbEvent, { kind: 'key' }>['value'];
