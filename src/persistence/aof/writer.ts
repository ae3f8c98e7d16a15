// Appending to the current incremental AOF file: the command encoding (RESP arrays, SELECT when
// the db changes, #TS annotations), the in-memory buffer of one event-loop turn (aof_buf), the
// write in beforeSleep, the three appendfsync policies, and write/fsync error handling. It never
// chooses file names or touches the manifest (aof.ts and rewrite.ts do), and never runs commands.
// Redis equivalent: feedAppendOnlyFile, catAppendOnlyGenericCommand, flushAppendOnlyFile and
// the fsync half of bio.c.
//
// Durability contract, per policy (see docs/DURABILITY.md):
//   always    beforeSleep writes the turn's buffer, then fsyncs it inline while fsyncs are
//             fast (the replies then go out at once), or else returns a promise that resolves
//             only after an fsync that started after that write completed. The server holds
//             every reply of the turn until then ("log before reply"). Those fsyncs run on the
//             libuv pool; while one runs, later turns keep executing and queue behind it, so
//             one fsync covers every client of one or more turns (group commit).
//   everysec  write every turn; cron starts an fsync off the main thread once a second. While
//             an fsync has been pending, writes are postponed up to 2 s, then done anyway and
//             counted in aof_delayed_fsync, as Redis does.
//   no        write every turn; the kernel decides when data reaches the disk.
// A write error never lets a reply out: the turn's replies are held until a retry (in cron)
// has written (and, under always, fsynced) the data. A partial write is truncated away so the
// file never ends in half a command. Meanwhile writes are refused with MISCONF.

import { assert } from '../../assert.js';
import type { Logger } from '../../observe/log.js';
import * as fs from '../../platform/fs.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** Redis: a pending fsync postpones writes for at most this long (everysec). */
const POSTPONE_WRITE_MAX_MS = 2000;
/** Redis's AOF_WRITE_LOG_ERROR_RATE: repeated write errors are logged this often at most. */
const WRITE_ERROR_LOG_INTERVAL_MS = 30_000;

export interface AofWriterOptions {
  log: Logger;
  policy(): FsyncPolicy;
  timestampsEnabled(): boolean;
  /** no-appendfsync-on-rewrite while a rewrite runs: skip fsyncs. */
  fsyncSuspended(): boolean;
  /** A background job (BGSAVE, rewrite) runs: names the aof-write-active-child event. */
  childActive?(): boolean;
  /** Reports a duration to the latency monitor (aof-write, aof-fsync-always, ...). */
  latency?(event: string, durationMs: number): void;
  /**
   * appendfsync always: an fsync at most this slow (µs) runs inline, on the main thread, as
   * Redis does; a slower one moves the fsyncs to the libuv pool. 0: always off the main thread.
   */
  inlineFsyncMaxUs?(): number;
}

/** After an fsync too slow to run inline, fsyncs stay on the pool at least this long. */
const INLINE_RETRY_AFTER_MS = 1000;

/** Past this many unsynced bytes the writer stops keeping a copy (see #pending). */
const PENDING_MAX_BYTES = 64 * 1024 * 1024;

/** An fsync slower than this is logged with its duration. */
const SLOW_FSYNC_LOG_MS = 1000;

/** Encodes one command as the RESP array Redis logs. Strings are latin1 (one char per byte). */
export function encodeCommand(argv: readonly string[]): string {
  let text = `*${argv.length}\r\n`;
  for (const arg of argv) text += `$${arg.length}\r\n${arg}\r\n`;
  return text;
}

export class AofWriter {
  /** Commands of this turn not yet written (Redis's aof_buf), latin1. */
  buffer = '';
  /** Bytes of every file of the AOF (base and incrs), for aof_current_size. */
  totalBytes = 0;
  /** aof_delayed_fsync. */
  delayedFsyncs = 0;
  readonly #options: AofWriterOptions;
  #fd: number | null = null;
  #path = '';
  /** Size of the current incr file as far as we have written it successfully. */
  #fileBytes = 0;
  #selectedDb = -1;
  #lastTimestampSec = 0;
  #truncateNeeded = false;
  /** A command was appended since the last beforeSleep (its replies must wait for the log). */
  #appendedThisTurn = false;
  #error: { from: 'write' | 'fsync'; text: string } | null = null;
  #lastErrorLogMs = 0;
  #postponedSinceMs = 0;
  /** Bytes written since the last fsync started (everysec decides on it). */
  #unsyncedBytes = 0;
  #lastFsyncMs = Date.now();
  #fsyncRunning = false;
  /** always: until then fsyncs run on the pool (the last inline one was too slow). */
  #poolUntilMs = 0;
  /** Moving average of inline fsync durations (ms): one slow outlier should not decide. */
  #inlineAvgMs = 0;
  /** Resolvers waiting for an fsync that starts after their data was written. */
  #fsyncWaiters: (() => void)[] = [];
  /** Turns whose write failed: resolved once their data is written (and fsynced if always). */
  #writeWaiters: (() => void)[] = [];
  /** Descriptors of files switched away from: fsynced with the next fsync, then closed. */
  #retired: number[] = [];
  /** Offset of the current file up to which an fsync succeeded. */
  #durableBytes = 0;
  /**
   * appendfsync always: what was written to the current file past #durableBytes, kept until an
   * fsync covers it. After a failed fsync Linux may have dropped those dirty pages and report
   * the error only once, so a later fsync that succeeds proves nothing about them: the file is
   * cut back to #durableBytes and these bytes are written again before the retry. Valid only
   * while it holds every such byte (#pendingValid); bounded by PENDING_MAX_BYTES.
   */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #pendingValid = true;
  /** An fsync failed: #pending must be written again before an fsync can count. */
  #redoNeeded = false;

  constructor(options: AofWriterOptions) {
    this.#options = options;
  }

  get isOpen(): boolean {
    return this.#fd !== null;
  }

  get path(): string {
    return this.#path;
  }

  get fileBytes(): number {
    return this.#fileBytes;
  }

  /** aof_last_write_status: null when ok, else the strerror text for MISCONF. */
  get errorText(): string | null {
    return this.#error?.text ?? null;
  }

  /** aof_pending_bio_fsync. */
  get fsyncPending(): boolean {
    return this.#fsyncRunning;
  }

  /**
   * Makes `fd` (already open for append on `path`, `bytes` long) the file new commands go to.
   * Whatever is buffered must have been flushed into the previous file by the caller; the
   * previous descriptor is fsynced by the next fsync and then closed.
   */
  switchTo(fd: number, path: string, bytes: number): void {
    assert(this.buffer === '', 'AOF buffer flushed before switching files');
    if (this.#fd !== null) this.#retired.push(this.#fd);
    this.#fd = fd;
    this.#path = path;
    this.#fileBytes = bytes;
    // The caller fsynced the previous file (flushAndSyncNow) and opens this one as it is.
    this.#durableBytes = bytes;
    this.#dropPending(true);
    this.#redoNeeded = false;
    this.#selectedDb = -1;
    this.#lastTimestampSec = 0;
    this.#truncateNeeded = false;
  }

  /** The current file was renamed (temp incr -> incr N): only the name changes. */
  renamed(path: string): void {
    this.#path = path;
  }

  /** Re-reads the current file's size (after DEBUG LOADAOF may have truncated it). */
  refreshFileBytes(): void {
    if (this.#fd !== null) this.#fileBytes = fs.fstatSizeSync(this.#fd);
  }

  /** Adds one propagated command to the buffer (SELECT first when the db changes). */
  append(dbIndex: number, argv: readonly string[]): void {
    let text = '';
    if (this.#options.timestampsEnabled()) {
      const nowSec = Math.floor(Date.now() / 1000);
      if (nowSec > this.#lastTimestampSec) {
        text += `#TS:${nowSec}\r\n`;
        this.#lastTimestampSec = nowSec;
      }
    }
    if (dbIndex >= 0 && dbIndex !== this.#selectedDb) {
      text += encodeCommand(['SELECT', String(dbIndex)]);
      this.#selectedDb = dbIndex;
    }
    this.buffer += text + encodeCommand(argv);
    this.#appendedThisTurn = true;
  }

  /**
   * The beforeSleep step: write the turn's buffer; under always, return the promise the
   * replies must wait for. Null when replies may go out now.
   */
  beforeSleep(): Promise<void> | null {
    const appended = this.#appendedThisTurn;
    this.#appendedThisTurn = false;
    if (this.buffer === '' || this.#fd === null) return null;
    if (!this.flush(false)) {
      // Only replies of turns that added to the unwritten buffer wait; others (reads, MISCONF
      // refusals) go out while the disk is failing.
      if (this.#error === null || !appended) return null;
      return new Promise((resolve) => this.#writeWaiters.push(resolve));
    }
    return appended ? this.#fsyncGate() : null;
  }

  /** The promise for "data written so far is durable", per policy; null when none is needed. */
  #fsyncGate(): Promise<void> | null {
    if (this.#options.policy() !== 'always' || this.#options.fsyncSuspended()) return null;
    if (this.#fsyncInline()) return null;
    return new Promise((resolve) => {
      this.#fsyncWaiters.push(resolve);
      this.#startFsync();
    });
  }

  /**
   * appendfsync always on a fast disk: fsync here, on the main thread, and let the replies go
   * out now. A 0.1-0.2 ms fsync costs less inline than the pool round trip plus holding and
   * releasing every reply of the turn (measured: SET -c 50 went from 0.63-0.69x Redis to
   * 0.75-0.8x). When the moving average of inline fsyncs exceeds vesta-aof-inline-fsync-max-us
   * (a busy disk), fsyncs go to the pool for a second, where they overlap the next turns
   * instead of stalling every client. Returns false when the caller must take the pool path
   * (or the inline fsync failed: its replies then wait, like the pool's, for a later fsync).
   */
  #fsyncInline(): boolean {
    const maxMs = (this.#options.inlineFsyncMaxUs?.() ?? 0) / 1000;
    if (maxMs <= 0 || this.#fd === null) return false;
    if (this.#fsyncRunning || this.#fsyncWaiters.length > 0 || this.#error !== null) return false;
    const now = Date.now();
    if (now < this.#poolUntilMs) return false;
    const fd = this.#fd;
    if (!this.#redo(fd)) return false;
    const started = performance.now();
    try {
      this.#syncNow(fd);
    } catch (error: unknown) {
      if (fs.errorCode(error) === null) throw error;
      this.#poolUntilMs = now + INLINE_RETRY_AFTER_MS;
      this.#fsyncFailed(fd, error);
      return false;
    }
    const ms = performance.now() - started;
    this.#fsyncDone(ms);
    this.#inlineAvgMs += (ms - this.#inlineAvgMs) * 0.1;
    if (this.#inlineAvgMs > maxMs) {
      this.#poolUntilMs = Date.now() + INLINE_RETRY_AFTER_MS;
      this.#inlineAvgMs = 0;
    }
    return true;
  }

  /**
   * Writes the buffer to the current file. Returns true when the buffer is empty afterwards.
   * `force` skips everysec's postponement (shutdown, file switches).
   */
  flush(force: boolean): boolean {
    if (this.buffer === '') return true;
    if (this.#fd === null) return false;
    if (!force && this.#postpone()) return false;
    if (!this.#write(this.#fd)) return false;
    this.#postponedSinceMs = 0;
    return true;
  }

  /** everysec with an fsync still running: wait up to 2 s before writing anyway. */
  #postpone(): boolean {
    if (this.#options.policy() !== 'everysec' || !this.#fsyncRunning) return false;
    const now = Date.now();
    if (this.#postponedSinceMs === 0) {
      this.#postponedSinceMs = now;
      return true;
    }
    if (now - this.#postponedSinceMs < POSTPONE_WRITE_MAX_MS) return true;
    this.delayedFsyncs++;
    this.#options.log.notice('Asynchronous AOF fsync is taking too long (disk is busy?). ' +
      'Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.');
    return false;
  }

  #write(fd: number): boolean {
    if (this.#truncateNeeded) {
      try {
        fs.ftruncateSync(fd, this.#fileBytes);
        this.#truncateNeeded = false;
      } catch (error: unknown) {
        this.#recordError('write', error);
        return false;
      }
    }
    const data = Buffer.from(this.buffer, 'latin1');
    const started = performance.now();
    try {
      fs.writeAllSync(fd, data);
    } catch (error: unknown) {
      if (fs.errorCode(error) === null) throw error;
      this.#undoPartialWrite(fd);
      this.#recordError('write', error);
      return false;
    } finally {
      this.#writeLatency(performance.now() - started);
    }
    this.buffer = '';
    this.#fileBytes += data.length;
    this.totalBytes += data.length;
    this.#unsyncedBytes += data.length;
    this.#keepPending(data);
    if (this.#error?.from === 'write') this.#clearError();
    return true;
  }

  /** Under always, keeps a written chunk until an fsync covers it (see #pending). */
  #keepPending(data: Buffer): void {
    if (!this.#pendingValid) return;
    if (this.#options.policy() !== 'always' || this.#pendingBytes + data.length > PENDING_MAX_BYTES) {
      this.#dropPending(false);
      return;
    }
    this.#pending.push(data);
    this.#pendingBytes += data.length;
  }

  #dropPending(valid: boolean): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#pendingValid = valid;
  }

  /** An fsync of `fd` started when the file was `coveredEnd` bytes long has succeeded. */
  #fsyncCovered(fd: number, coveredEnd: number): void {
    if (fd !== this.#fd || coveredEnd <= this.#durableBytes) return;
    let drop = coveredEnd - this.#durableBytes;
    this.#durableBytes = coveredEnd;
    if (!this.#pendingValid) {
      // Tracking resumes once nothing unsynced is missing from #pending.
      if (this.#fileBytes === coveredEnd && this.#options.policy() === 'always') this.#dropPending(true);
      return;
    }
    let n = 0;
    while (drop > 0 && n < this.#pending.length) {
      const chunk = this.#pending[n] as Buffer;
      if (chunk.length > drop) {
        this.#pending[n] = chunk.subarray(drop);
        this.#pendingBytes -= drop;
        break;
      }
      drop -= chunk.length;
      this.#pendingBytes -= chunk.length;
      n++;
    }
    if (n > 0) this.#pending.splice(0, n);
  }

  #fsyncFailed(fd: number, error: unknown): void {
    if (fd === this.#fd) this.#redoNeeded = true;
    this.#unsyncedBytes += 1; // still unsynced: everysec retries
    this.#recordError('fsync', error);
  }

  /**
   * Before an fsync after a failed one: cut the file back to what is known durable and write
   * the rest again, so the fsync that follows really covers it. False (the error recorded) when
   * that fails; the caller retries later. Without a complete copy (not under always, or over
   * PENDING_MAX_BYTES) the bytes cannot be rewritten: logged, and the retry proceeds as is.
   */
  #redo(fd: number): boolean {
    if (!this.#redoNeeded) return true;
    if (!this.#pendingValid) {
      this.#redoNeeded = false;
      this.#options.log.warning('AOF fsync failed earlier and the unsynced bytes were not kept ' +
        '(not under appendfsync always, or too many): they are fsynced again as they are.');
      return true;
    }
    try {
      fs.ftruncateSync(fd, this.#durableBytes);
      for (const chunk of this.#pending) fs.writeAllSync(fd, chunk);
    } catch (error: unknown) {
      this.#recordError('fsync', error);
      return false;
    }
    assert(this.#durableBytes + this.#pendingBytes === this.#fileBytes,
      'AOF bytes kept for a rewrite after an fsync error match the file');
    this.#redoNeeded = false;
    this.#options.log.notice(`AOF: wrote the ${this.#pendingBytes} bytes not known durable ` +
      'again after the failed fsync.');
    return true;
  }

  /** Latency events of one write, named as Redis names them (by what else was going on). */
  #writeLatency(ms: number): void {
    const report = this.#options.latency;
    if (report === undefined) return;
    report('aof-write', ms);
    if (this.#fsyncRunning) report('aof-write-pending-fsync', ms);
    else if (this.#options.childActive?.() === true) report('aof-write-active-child', ms);
    else report('aof-write-alone', ms);
  }

  /**
   * After a failed write: cut the file back to its last whole command. If even that fails, keep
   * what reached the file and drop it from the buffer (the rest completes it later), as Redis.
   */
  #undoPartialWrite(fd: number): void {
    let size: number;
    try {
      size = fs.fstatSizeSync(fd);
    } catch (error: unknown) {
      if (fs.errorCode(error) === null) throw error;
      this.#truncateNeeded = true;
      return;
    }
    if (size === this.#fileBytes) return;
    this.#options.log.warning(`Short write while writing to the AOF file: (nwritten=` +
      `${size - this.#fileBytes}, expected=${this.buffer.length})`);
    try {
      fs.ftruncateSync(fd, this.#fileBytes);
    } catch (error: unknown) {
      if (fs.errorCode(error) === null) throw error;
      this.#options.log.warning('Could not remove short write from the append-only file. ' +
        'Redis may refuse to load the AOF the next time it starts. ftruncate: ' +
        fs.describeFsError(error));
      const written = size - this.#fileBytes;
      this.#dropPending(false); // those bytes reached the file without a copy in #pending
      this.buffer = this.buffer.slice(written);
      this.#fileBytes = size;
      this.totalBytes += written;
      this.#unsyncedBytes += written;
    }
  }

  #recordError(from: 'write' | 'fsync', error: unknown): void {
    if (fs.errorCode(error) === null) throw error;
    const text = fs.describeFsError(error);
    this.#error = { from, text };
    const now = Date.now();
    if (now - this.#lastErrorLogMs >= WRITE_ERROR_LOG_INTERVAL_MS) {
      this.#lastErrorLogMs = now;
      const what = from === 'write' ? 'Error writing to the AOF file'
        : 'Error syncing the AOF file';
      this.#options.log.warning(`${what}: ${text}`);
    }
  }

  #clearError(): void {
    this.#error = null;
    this.#lastErrorLogMs = 0;
    this.#options.log.warning('AOF write error looks solved, Redis can write again.');
  }

  /** Starts an fsync of the current (and retired) files unless one is running. */
  #startFsync(): void {
    if (this.#fsyncRunning || this.#fd === null) return;
    if (!this.#redo(this.#fd)) return; // waiters stay queued; cron retries
    const fd = this.#fd;
    const coveredEnd = this.#fileBytes;
    const waiters = this.#fsyncWaiters;
    this.#fsyncWaiters = [];
    const retired = this.#retired;
    this.#retired = [];
    const fds = [...retired, fd];
    this.#fsyncRunning = true;
    this.#unsyncedBytes = 0;
    const started = Date.now();
    const startedMono = performance.now();
    fsyncAll(fds).then(
      () => {
        this.#fsyncRunning = false;
        this.#lastFsyncMs = started;
        this.#fsyncDone(performance.now() - startedMono);
        this.#fsyncCovered(fd, coveredEnd);
        for (const old of retired) closeQuietly(old);
        if (this.#error?.from === 'fsync') this.#clearError();
        for (const resolve of waiters) resolve();
        if (this.#fsyncWaiters.length > 0) this.#startFsync();
        else if (this.buffer !== '' && this.#postponedSinceMs !== 0) this.flush(false);
      },
      (error: unknown) => {
        this.#fsyncRunning = false;
        this.#retired.unshift(...retired);
        this.#fsyncWaiters.unshift(...waiters);
        this.#fsyncFailed(fd, error);
      },
    );
  }

  /** Under always every reply of the turn waited for this fsync: a latency event. */
  #fsyncDone(ms: number): void {
    if (this.#options.policy() === 'always') this.#options.latency?.('aof-fsync-always', ms);
    if (ms >= SLOW_FSYNC_LOG_MS) {
      this.#options.log.warning(`AOF fsync took ${Math.round(ms)} ms (disk is busy?): ` +
        'replies waiting for it under appendfsync always were delayed as long.');
    }
  }

  /** serverCron's part: retry after errors, everysec fsync, postponed writes. */
  cron(): void {
    if (this.#fd === null) return;
    if (this.buffer !== '' || this.#writeWaiters.length > 0) {
      if (this.flush(false) && this.#writeWaiters.length > 0) this.#releaseWriteWaiters();
    }
    if (this.#fsyncWaiters.length > 0 && this.#error?.from !== 'write') this.#startFsync();
    if (this.#options.policy() === 'everysec' && !this.#options.fsyncSuspended() &&
      (this.#unsyncedBytes > 0 || this.#retired.length > 0) &&
      Date.now() - this.#lastFsyncMs >= 1000) {
      this.#startFsync();
    }
  }

  #releaseWriteWaiters(): void {
    const waiters = this.#writeWaiters;
    this.#writeWaiters = [];
    const gate = this.#fsyncGate();
    if (gate === null) for (const resolve of waiters) resolve();
    else void gate.then(() => {
      for (const resolve of waiters) resolve();
    });
  }

  /**
   * Shutdown and file switches: write everything and fsync synchronously. Throws the fs error
   * (the caller logs it; the data may then be incomplete on disk).
   */
  flushAndSyncNow(): void {
    if (this.#fd === null) return;
    if (!this.flush(true)) throw new Error(this.#error?.text ?? 'AOF flush failed');
    const fd = this.#fd;
    if (!this.#redo(fd)) throw new Error(this.#error?.text ?? 'AOF rewrite after an fsync error failed');
    this.#syncNow(fd);
    if (this.#error?.from === 'fsync') this.#clearError();
    for (const resolve of this.#fsyncWaiters.splice(0)) resolve();
    if (this.#writeWaiters.length > 0) this.#releaseWriteWaiters();
  }

  /**
   * fdatasync of the retired files and `fd` on the main thread, then what every successful
   * fsync settles (durable offset, retired files closed, everysec's clock). Throws the fs
   * error with the rewrite of the unsynced bytes marked as needed.
   */
  #syncNow(fd: number): void {
    const coveredEnd = this.#fileBytes;
    try {
      for (const retired of this.#retired) fs.fdatasyncSync(retired);
      fs.fdatasyncSync(fd);
    } catch (error: unknown) {
      if (fs.errorCode(error) !== null && fd === this.#fd) this.#redoNeeded = true;
      throw error;
    }
    this.#fsyncCovered(fd, coveredEnd);
    for (const retired of this.#retired.splice(0)) closeQuietly(retired);
    this.#unsyncedBytes = 0;
    this.#lastFsyncMs = Date.now();
  }

  /** Closes every descriptor (after flushAndSyncNow at shutdown, or when the AOF is turned off). */
  close(): void {
    for (const fd of this.#retired.splice(0)) closeQuietly(fd);
    if (this.#fd !== null) closeQuietly(this.#fd);
    this.#fd = null;
    this.#path = '';
    this.buffer = '';
    this.#error = null;
    for (const resolve of this.#fsyncWaiters.splice(0)) resolve();
    for (const resolve of this.#writeWaiters.splice(0)) resolve();
  }
}

async function fsyncAll(fds: number[]): Promise<void> {
  for (const fd of fds) await fs.fdatasync(fd);
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch (error: unknown) {
    if (fs.errorCode(error) === null) throw error;
  }
}
