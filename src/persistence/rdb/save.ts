// Writing dump files: the crash-safe file protocol (temp file, fsync, rename over the target,
// fsync of the directory) and the synchronous whole-dataset save behind SAVE, SHUTDOWN and
// FLUSHALL. Every file operation goes through platform/fs.ts. This file never decides *when* to
// save (persistence.ts does) and never encodes values itself (encoder.ts does).
// Redis equivalent: rdb.c, rdbSave / rdbSaveRio / rdbSaveInternal.
//
// The file protocol, and why a crash at any moment leaves either the old or the new dump:
//
//   open  <dir>/temp-<pid>-<n>.rdb   (O_CREAT|O_EXCL: never reuse another writer's file)
//   write chunk, write chunk, ...    (the target is untouched so far)
//   fsync temp file                  (the new bytes are on disk before the name points at them)
//   rename temp -> <dir>/<dbfilename> (atomic: readers see the old file or the new one)
//   fsync <dir>                       (the rename itself survives a power loss)
//
// Any failure before the rename leaves the old dump intact; abort() then removes the temp file.

import { join } from 'node:path';
import { assert } from '../../assert.js';
import type { Config } from '../../config/config.js';
import type { Keyspace } from '../../store/keyspace.js';
import * as fs from '../../platform/fs.js';
import { RdbEncoder, type RdbAuxInfo, type RdbEncoderOptions, type RdbSink } from './encoder.js';
import type { DumpReplInfo } from './repl-info.js';

/** rdb-save-incremental-fsync: fsync every this many bytes so the kernel never holds much. */
const INCREMENTAL_FSYNC_BYTES = 4 * 1024 * 1024;

let tempFileCounter = 0;

/** Why a save failed, with Redis's log text in `message` and the fs error as `cause`. */
export class RdbSaveError extends Error {
  override readonly name = 'RdbSaveError';
  readonly code = 'VESTA_ERR_RDB_SAVE';
  /** The errno-style code of the underlying failure (ENOSPC, EIO, ...), or null. */
  readonly fsCode: string | null;

  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.fsCode = fs.errorCode(cause);
  }
}

/**
 * One dump being written to disk, chunk by chunk. It is an RdbSink, so an RdbEncoder can write
 * straight into it; it can equally be fed from a snapshot engine between event-loop turns, as
 * long as each write() call happens on the main thread (writes are synchronous).
 *
 * Life cycle: RdbFileWriter.create() -> write()* -> commit() or abort(). After either, the
 * writer is finished and every method but abort() asserts. abort() is safe to call at any time,
 * any number of times, and never throws for file-system errors (it is the cleanup path).
 *
 * Failures: create() throws RdbSaveError when the temp file cannot be created; write() and
 * commit() throw RdbSaveError on ENOSPC/EIO/... and the caller must then call abort(). Until
 * commit() has renamed the file, the previous dump at the target path is untouched.
 */
export class RdbFileWriter implements RdbSink {
  /** write() is synchronous: the encoder may reuse the chunk's buffer. */
  readonly borrowsChunks = true;
  /** The final path (dir/dbfilename). */
  readonly targetPath: string;
  /** The temp file being written, in the same directory. */
  readonly tempPath: string;
  readonly #dir: string;
  readonly #incrementalFsync: boolean;
  /** Incremental fsyncs run on the libuv pool instead of blocking the main thread. */
  readonly #background: boolean;
  /** The incremental fsync running on the pool (background writers), and its failure. */
  #poolSync: Promise<void> | null = null;
  #poolSyncError: Error | null = null;
  #fd: number | null;
  #bytesWritten = 0;
  #bytesSinceFsync = 0;
  #finished = false;

  private constructor(dir: string, targetName: string, incrementalFsync: boolean, background: boolean) {
    this.#dir = dir;
    this.targetPath = join(dir, targetName);
    this.tempPath = join(dir, `temp-${process.pid}-${++tempFileCounter}.rdb`);
    this.#incrementalFsync = incrementalFsync;
    this.#background = background;
    this.#fd = null;
  }

  /**
   * Creates the temp file for a dump that will replace `dir/targetName`. `incrementalFsync`
   * fsyncs every 4 MiB (rdb-save-incremental-fsync). A `background` writer (BGSAVE, AOF
   * rewrite: fed in slices between client work) runs those fsyncs on the libuv pool, so a slice
   * never blocks in one (a 4 MiB fsync is milliseconds to tens of them), and commits with
   * commitAsync.
   */
  static create(dir: string, targetName: string, incrementalFsync = false,
    background = false): RdbFileWriter {
    const writer = new RdbFileWriter(dir, targetName, incrementalFsync, background);
    try {
      writer.#fd = fs.openSync(writer.tempPath, 'createExclusive');
    } catch (error: unknown) {
      throw new RdbSaveError(`Failed opening the temp RDB file ${baseName(writer.tempPath)} ` +
        `(in server root dir ${dir}) for saving: ${fs.describeFsError(error)}`, error);
    }
    return writer;
  }

  /** Bytes handed to write() so far. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Appends a chunk to the temp file (synchronously, looping over short writes). */
  write(chunk: Buffer): void {
    const fd = this.#openFd();
    try {
      fs.writeAllSync(fd, chunk);
      this.#bytesWritten += chunk.length;
      this.#bytesSinceFsync += chunk.length;
      if (this.#incrementalFsync && this.#bytesSinceFsync >= INCREMENTAL_FSYNC_BYTES) {
        if (this.#poolSyncError !== null) throw this.#poolSyncError;
        if (!this.#background) {
          fs.fsyncSync(fd);
          this.#bytesSinceFsync = 0;
        } else if (this.#poolSync === null) {
          // One at a time; writes go on meanwhile (an fsync covers what was written before it).
          this.#bytesSinceFsync = 0;
          this.#poolSync = fs.fsync(fd).then(
            () => { this.#poolSync = null; },
            (error: unknown) => {
              this.#poolSync = null;
              this.#poolSyncError = error instanceof Error ? error : new Error(String(error));
            },
          );
        }
      }
    } catch (error: unknown) {
      throw new RdbSaveError(`Write error saving DB on disk: ${fs.describeFsError(error)}`, error);
    }
  }

  /** fsync, close, rename over the target, fsync the directory. Then the dump is durable. */
  commit(): void {
    const fd = this.#openFd();
    try {
      fs.fsyncSync(fd);
    } catch (error: unknown) {
      throw writeError(error);
    }
    this.#closeAndPublish(fd, () => true);
  }

  /**
   * commit() for background saves: the file's fsync (the slow part, seconds for a big dump)
   * runs on the libuv pool so clients keep being served; rename and the directory fsync are
   * quick and stay synchronous, so the switch to the new dump is a single step. If
   * `stillWanted()` turned false meanwhile (FLUSHALL, SHUTDOWN), the dump is not published.
   */
  async commitAsync(stillWanted: () => boolean = () => true): Promise<void> {
    const fd = this.#openFd();
    try {
      if (this.#poolSync !== null) await this.#poolSync;
      if (this.#poolSyncError !== null) throw this.#poolSyncError;
      await fs.fsync(fd);
    } catch (error: unknown) {
      throw writeError(error);
    }
    this.#closeAndPublish(fd, stillWanted);
  }

  /** After the file's fsync: close, rename over the target, fsync the directory. */
  #closeAndPublish(fd: number, stillWanted: () => boolean): void {
    try {
      this.#fd = null;
      fs.closeSync(fd);
    } catch (error: unknown) {
      throw writeError(error);
    }
    if (!stillWanted()) {
      throw new RdbSaveError('Background save cancelled before it completed', null);
    }
    try {
      fs.renameSync(this.tempPath, this.targetPath);
    } catch (error: unknown) {
      throw new RdbSaveError(`Error moving temp DB file ${baseName(this.tempPath)} on the final ` +
        `destination ${baseName(this.targetPath)} (in server root dir ${this.#dir}): ` +
        fs.describeFsError(error), error);
    }
    this.#finished = true;
    try {
      fs.fsyncDirSync(this.#dir);
    } catch (error: unknown) {
      // The new dump is in place; only the durability of the rename is in doubt. Redis 7.0
      // reports this as a failed save too, so the caller keeps counting changes as unsaved.
      throw new RdbSaveError(`Failed to fsync the directory ${this.#dir} after saving: ` +
        fs.describeFsError(error), error);
    }
  }

  /** Closes and removes the temp file. Never throws for file-system errors. */
  abort(): void {
    if (this.#finished) return;
    this.#finished = true;
    const fd = this.#fd;
    this.#fd = null;
    ignoreFsError(() => fs.unlinkIfExistsSync(this.tempPath));
    if (fd === null) return;
    // A pool fsync may still use the descriptor: close it only after (no fd reuse under it).
    const close = (): void => ignoreFsError(() => fs.closeSync(fd));
    if (this.#poolSync === null) close();
    else void this.#poolSync.then(close, close);
  }

  #openFd(): number {
    assert(!this.#finished && this.#fd !== null, 'RdbFileWriter used after commit or abort');
    return this.#fd;
  }
}

/** What a finished save reports. */
export interface RdbSaveStats {
  keysSaved: number;
  bytesWritten: number;
}

/** What rdbSaveSync needs from the server: config, data and time. */
export interface RdbSaveSource {
  config: Config;
  keyspace: Keyspace;
  /** The replication fields to record (the server's; absent: none). */
  readonly replInfo?: DumpReplInfo;
  /** The function libraries' code, saved before the keys. */
  functionCodes?(): string[];
}

/**
 * SAVE: writes every database to dir/dbfilename and makes it durable, keys past their expire
 * time included (as Redis). Throws RdbSaveError (after cleaning up the temp file) on any file error; the
 * previous dump is then untouched. Blocks the event loop for the whole save, as SAVE does.
 * rdb-key-save-delay adds a busy delay per key (tests use it to make saves slow).
 */
export function rdbSaveSync(server: RdbSaveSource, aofBase = false): RdbSaveStats {
  const config = server.config;
  const writer = RdbFileWriter.create(config.str('dir'), config.str('dbfilename'),
    config.bool('rdb-save-incremental-fsync'));
  try {
    const encoder = new RdbEncoder(writer, rdbEncoderOptions(config));
    encoder.writeHeader();
    encoder.writeDefaultAux(rdbAuxInfo(aofBase));
    if (!aofBase) server.replInfo?.writeAux((name, value) => encoder.writeAux(name, value));
    for (const code of server.functionCodes?.() ?? []) encoder.writeFunction(code);
    const keysSaved = writeDatabases(encoder, server.keyspace, config.num('rdb-key-save-delay'));
    encoder.writeEof();
    writer.commit();
    return { keysSaved, bytesWritten: writer.bytesWritten };
  } catch (error: unknown) {
    writer.abort();
    throw error;
  }
}

/** The encoder settings the config asks for (rdbcompression, rdbchecksum). */
export function rdbEncoderOptions(config: Config): RdbEncoderOptions {
  return {
    compression: config.bool('rdbcompression'),
    checksum: config.bool('rdbchecksum'),
  };
}

/** The aux fields of a dump made now. used-mem is the JS heap in use. */
export function rdbAuxInfo(aofBase: boolean): RdbAuxInfo {
  const memory = process.memoryUsage();
  return {
    ctimeSec: Math.floor(Date.now() / 1000),
    usedMemBytes: memory.heapUsed + memory.external,
    aofBase,
  };
}

/**
 * SELECTDB, RESIZEDB and every key of each non-empty database, keys past their expire time
 * but not deleted yet included (Redis writes them; a master loading the dump drops them).
 * Returns the number of keys written.
 */
function writeDatabases(encoder: RdbEncoder, keyspace: Keyspace, keyDelayUs: number): number {
  let keysSaved = 0;
  for (const db of keyspace.dbs) {
    if (db.dict.size === 0) continue;
    encoder.writeSelectDb(db.id);
    encoder.writeResizeDb(db.dict.size, db.expires.size);
    const expires = db.expires;
    db.dict.forEach((value, key) => {
      const expireAtMs = expires.size === 0 ? null : (expires.get(key) ?? null);
      encoder.writeKey(key, value, expireAtMs);
      keysSaved++;
      if (keyDelayUs !== 0) delayMicroseconds(keyDelayUs);
    });
  }
  return keysSaved;
}

/**
 * Busy-waits, as Redis's debugDelay does for rdb-key-save-delay and key-load-delay: positive
 * values are microseconds, negative values nanoseconds.
 */
export function delayMicroseconds(delay: number): void {
  const ms = delay > 0 ? delay / 1000 : -delay / 1_000_000;
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Spinning on purpose: the delay must block the event loop like the real save work.
  }
}

function writeError(error: unknown): RdbSaveError {
  return new RdbSaveError(`Write error saving DB on disk: ${fs.describeFsError(error)}`, error);
}

function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

/** Runs a cleanup step, ignoring file-system errors (which carry a code) only. */
function ignoreFsError(step: () => unknown): void {
  try {
    step();
  } catch (error: unknown) {
    if (fs.errorCode(error) === null) throw error;
  }
}
