// The AOF of one server: its state (off, on, waiting for the first rewrite), start-up loading
// (manifest, base, incrs; the pre-7 single-file upgrade; creating the AOF from an existing dump),
// the server hooks (propagate, beforeSleep, cron, MISCONF, shutdown), BGREWRITEAOF and automatic
// rewrites on the snapshot engine, CONFIG SET appendonly and DEBUG LOADAOF (INFO's aof_*
// fields are read in info.ts).
// Bytes are written by writer.ts, parsed by loader.ts, and bases built by rewrite.ts; this file
// decides and keeps the manifest consistent with the files on disk.
// Redis equivalent: aof.c (loadAppendOnlyFiles, startAppendOnly, stopAppendOnly,
// rewriteAppendOnlyFileBackground, backgroundRewriteDoneHandler, aofUpgradePrepare) and the
// AOF parts of serverCron and genRedisInfoString.
//
// Rewrite, step by step (a crash at any step leaves a loadable directory):
//   1. flush this turn's buffer into the current incr file;
//   2. open incr N+1 and persist a manifest listing it after the others (or, when the AOF is
//      being turned on, write to temp-<name>.incr, listed nowhere yet);
//   3. take the cut (engine.start) in the same synchronous step: everything before is in the
//      cut, everything after goes to incr N+1;
//   4. the base is written in slices to a temp file, fsynced and renamed to <name>.<b+1>.base.*;
//   5. persist the manifest: new base + incr N+1; then delete the old base and incrs.
// A failure before 5 deletes the new base and leaves the manifest as it was after step 2.

import { dirname, join } from 'node:path';
import type { Config } from '../../config/config.js';
import * as fs from '../../platform/fs.js';
import type { LogReplayer, PersistenceHost } from '../host.js';
import type { Snapshot } from '../../snapshot/engine.js';
import { snapshotOptions, type BackgroundJobs } from '../bgsave.js';
import { aofDirPath } from './aof-dir.js';
import { AofLoadError, loadAofFile } from './loader.js';
import {
  AofManifestError, baseName, cloneManifest, emptyManifest, incrName, manifestIsEmpty, manifestName,
  persistManifest, readManifest, tempIncrName, type AofFileInfo, type AofManifest,
} from './manifest.js';
import { createBaseVisitor, writeBaseNow } from './rewrite.js';
import { AofWriter, type FsyncPolicy } from './writer.js';

export type AofState = 'off' | 'on' | 'wait-rewrite';

/** After a failed rewrite, automatic and scheduled ones wait this long (Redis: 5 s, growing). */
const REWRITE_RETRY_DELAY_MS = 5000;

export const MISCONF_AOF_PREFIX = 'MISCONF Errors writing to the AOF file: ';

interface RewriteRun {
  snapshot: Snapshot;
  startedMs: number;
  base: AofFileInfo;
  /** Index in manifest.incrs of the first incr written after the cut (-1: none, AOF off). */
  firstIncrIndex: number;
  /** The temp incr file used while turning the AOF on, or null. */
  tempIncrPath: string | null;
  /** Stopped on purpose (appendonly no, shutdown): not counted as a failed rewrite. */
  cancelled?: boolean;
}

/** BGREWRITEAOF's outcome: a status line, or an error (the texts are commands/' to choose). */
export type RewriteRequestResult = 'started' | 'scheduled' | 'already-running' | 'failed';

/** DEBUG LOADAOF's outcome: done, the AOF is off, or the load error's message. */
export type ReloadAofResult = { ok: true } | { off: true } | { error: string };

export class Aof {
  state: AofState = 'off';
  manifest: AofManifest = emptyManifest();
  readonly writer: AofWriter;
  readonly #server: PersistenceHost;
  readonly #jobs: BackgroundJobs;
  readonly #newReplayer: () => LogReplayer;
  #loading = false;
  #run: RewriteRun | null = null;
  rewriteScheduled = false;
  lastRewriteOk = true;
  lastRewriteTimeSec = -1;
  rewritesStarted = 0;
  rewriteConsecutiveFailures = 0;
  #lastRewriteFailureMs = 0;
  /** aof_last_cow_size: bytes copy-on-write preserved during the last rewrite. */
  lastCowBytes = 0;
  /** aof_base_size: the AOF's size right after the last rewrite or load. */
  baseSizeBytes = 0;

  constructor(server: PersistenceHost, jobs: BackgroundJobs, newReplayer: () => LogReplayer) {
    this.#server = server;
    this.#jobs = jobs;
    this.#newReplayer = newReplayer;
    const config = server.config;
    this.writer = new AofWriter({
      log: server.log,
      policy: () => config.str('appendfsync') as FsyncPolicy,
      timestampsEnabled: () => config.bool('aof-timestamp-enabled'),
      fsyncSuspended: () => config.bool('no-appendfsync-on-rewrite') && jobs.running !== null,
      childActive: () => jobs.running !== null,
      latency: (event, ms) => server.latency.addSampleIfNeeded(event, ms),
      inlineFsyncMaxUs: () => config.num('vesta-aof-inline-fsync-max-us'),
    });
    this.#installHooks();
  }

  /** The AOF directory's real path (an absolute appenddirname, or one inside dir). */
  get dirPath(): string {
    return aofDirPath(this.#config.str('dir'), this.#config.str('appenddirname'));
  }

  get rewriteInProgress(): boolean {
    return this.#run !== null;
  }

  /** When the running rewrite started (Date.now() ms), or null when none runs. */
  get rewriteStartedMs(): number | null {
    return this.#run?.startedMs ?? null;
  }

  get #config(): Config {
    return this.#server.config;
  }

  get #fileName(): string {
    return this.#config.str('appendfilename');
  }

  #installHooks(): void {
    const server = this.#server;
    server.addHooks({
      propagate: (dbIndex, argv) => {
        if (this.state !== 'off' && !this.#loading && this.writer.isOpen) {
          this.writer.append(dbIndex, argv);
        }
      },
      beforeSleep: () => (this.state === 'off' ? null : this.writer.beforeSleep()),
      cron: () => this.#cron(),
      writeDeniedReason: () => {
        const text = this.writer.errorText;
        return this.state !== 'off' && text !== null ? MISCONF_AOF_PREFIX + text : null;
      },
      resetStats: () => {
        // CONFIG RESETSTAT zeroes aof_rewrites and aof_delayed_fsync, as in Redis.
        this.rewritesStarted = 0;
        this.writer.delayedFsyncs = 0;
      },
      shutdown: () => this.#shutdown(),
      closed: () => this.writer.close(),
    });
    this.#config.onApply('appendonly', (value) => {
      if (value === true && this.state === 'off') return this.#startAppendOnly();
      if (value === false && this.state !== 'off') this.#stopAppendOnly();
      return undefined;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Start-up.

  /**
   * Loads the dataset at start-up. With appendonly no, runs `loadRdb`. With appendonly yes,
   * loads the AOF; when there is none, loads the dump (if any) and creates the AOF from it.
   * Throws AofLoadError / AofManifestError (naming file and offset) when the AOF is unusable.
   */
  async loadAtStartup(loadRdb: () => Promise<void>): Promise<void> {
    if (!this.#config.bool('appendonly')) {
      await loadRdb();
      return;
    }
    const dir = this.dirPath;
    this.#upgradeIfNeeded();
    const read = this.#readManifestOrThrow();
    // A manifest naming no base and no incremental is Redis's "no AOF" (its history goes).
    const manifest = read !== null && manifestIsEmpty(read) ? null : read;
    this.state = 'on';
    if (manifest === null) {
      const dumpPath = join(this.#config.str('dir'), this.#config.str('dbfilename'));
      if (fs.statSync(dumpPath) !== null) {
        this.#server.log.notice('No AOF found: loading the RDB file and creating the AOF from it');
        await loadRdb();
      }
      fs.mkdirSync(dir);
      // Clients wait (-LOADING) until the AOF exists: a write accepted while the first base is
      // fsynced and renamed would be in neither the base nor an incr file, and lost on restart.
      this.#server.loading = true;
      try {
        await this.#createFromDataset();
      } finally {
        this.#server.loading = false;
      }
      return;
    }
    this.manifest = manifest;
    const started = performance.now();
    this.#loadFiles(manifest);
    this.#server.log.notice(`DB loaded from append only file: ` +
      `${((performance.now() - started) / 1000).toFixed(3)} seconds`);
    this.#openLastIncr();
    this.#deleteHistoryAndTemps();
  }

  #readManifestOrThrow(): AofManifest | null {
    try {
      return readManifest(this.dirPath, this.#fileName);
    } catch (error: unknown) {
      if (!(error instanceof AofManifestError) && fs.errorCode(error) === null) throw error;
      const path = join(this.dirPath, manifestName(this.#fileName));
      const reason = error instanceof AofManifestError ? error.message : fs.describeFsError(error);
      const where = error instanceof AofManifestError && error.line !== null ? ` (line ${String(error.line)})` : '';
      const redisLines = error instanceof AofManifestError ? error.redisLines()
        : [`Fatal error: can't open the AOF manifest ${manifestName(this.#fileName)} for reading: ${reason}`];
      throw new AofLoadError(path, null, `Can't load the AOF manifest ${path}${where}: ${reason}`, redisLines);
    }
  }

  /**
   * A pre-7 dir/appendonly.aof and no manifest: move it into the directory as the base, as
   * Redis 7.0 does. The manifest is written first, so a crash between the two steps is
   * completed on the next start (the base is then found in the old place and moved).
   */
  #upgradeIfNeeded(): void {
    const dir = this.dirPath;
    const name = this.#fileName;
    const oldPath = join(this.#config.str('dir'), name);
    if (fs.statSync(oldPath) === null) return;
    if (fs.statSync(join(dir, manifestName(name))) === null) {
      fs.mkdirSync(dir);
      const m = emptyManifest();
      m.base = { name, seq: 1, type: 'b' };
      m.currBaseSeq = 1;
      persistManifest(dir, name, m);
    } else {
      // Only an interrupted upgrade is completed; otherwise the old file is not ours to move.
      const existing = readManifestQuiet(dir, name);
      if (existing?.base?.name !== name || fs.statSync(join(dir, name)) !== null) return;
    }
    moveAcrossDirs(oldPath, dir, name);
    this.#server.log.notice(`Successfully migrated an old-style AOF into the AOF directory ` +
      `'${this.#config.str('appenddirname')}'.`);
  }

  #loadFiles(manifest: AofManifest): void {
    const server = this.#server;
    const keyspace = server.keyspace;
    const files = [...(manifest.base === null ? [] : [manifest.base]), ...manifest.incrs];
    const dirtyBefore = keyspace.dirty;
    const activeExpireBefore = keyspace.activeExpire;
    server.loading = true;
    keyspace.activeExpire = false;
    this.#loading = true;
    let total = 0;
    try {
      for (const [i, file] of files.entries()) {
        const result = loadAofFile(server, this.dirPath, file.name, {
          replayer: this.#newReplayer(),
          isLast: i === files.length - 1,
          loadTruncated: this.#config.bool('aof-load-truncated'),
          manifestName: manifestName(this.#fileName),
        });
        total += result.bytes;
        server.log.notice(`DB loaded from ${file.type === 'b' ? 'base' : 'incr'} file ` +
          `${file.name}: ${result.commands} commands, ${result.keysFromRdb} keys from RDB`);
      }
    } finally {
      this.#loading = false;
      server.loading = false;
      keyspace.activeExpire = activeExpireBefore;
      keyspace.dirty = dirtyBefore;
    }
    this.writer.totalBytes = total;
    this.baseSizeBytes = total;
  }

  /** Appends to the last incr file; creates one (and lists it) when the manifest has none. */
  #openLastIncr(): void {
    const last = this.manifest.incrs[this.manifest.incrs.length - 1];
    if (last !== undefined) {
      const path = join(this.dirPath, last.name);
      const fd = fs.openSync(path, 'append');
      this.writer.switchTo(fd, path, fs.fstatSizeSync(fd));
      return;
    }
    this.#openNewIncr();
  }

  /** Opens incr N+1, lists it in the manifest (persisted) and makes it the current file. */
  #openNewIncr(): void {
    const m = cloneManifest(this.manifest);
    const seq = m.currIncrSeq + 1;
    const name = incrName(this.#fileName, seq);
    const path = join(this.dirPath, name);
    const fd = fs.openSync(path, 'appendTruncate');
    try {
      m.incrs.push({ name, seq, type: 'i' });
      m.currIncrSeq = seq;
      persistManifest(this.dirPath, this.#fileName, m);
    } catch (error: unknown) {
      fs.closeSync(fd);
      fs.unlinkIfExistsSync(path);
      throw error;
    }
    this.manifest = m;
    this.writer.switchTo(fd, path, 0);
  }

  /** The first AOF of a dataset (start-up without an AOF): base now, incr, manifest. */
  async #createFromDataset(): Promise<void> {
    const seq = this.manifest.currBaseSeq + 1;
    const name = baseName(this.#fileName, seq, this.#config.bool('aof-use-rdb-preamble'));
    const visitor = createBaseVisitor(this.#config, this.dirPath, name,
      this.#server.functionCodes());
    await writeBaseNow(this.#server.keyspace, visitor);
    const m = cloneManifest(this.manifest);
    m.base = { name, seq, type: 'b' };
    m.currBaseSeq = seq;
    this.manifest = m;
    this.#openNewIncr();
    this.writer.totalBytes = visitor.bytes();
    this.baseSizeBytes = visitor.bytes();
    this.#server.log.notice(`Creating AOF base file ${name} on server start`);
  }

  /** Removes history files (unless aof-disable-auto-gc) and temp files of interrupted work. */
  #deleteHistoryAndTemps(): void {
    const names = fs.readdirSync(this.dirPath) ?? [];
    for (const name of names) {
      if (name.startsWith('temp-')) removeQuietly(join(this.dirPath, name));
    }
    if (this.#config.bool('aof-disable-auto-gc') || this.manifest.history.length === 0) return;
    const m = cloneManifest(this.manifest);
    const history = m.history;
    m.history = [];
    persistManifest(this.dirPath, this.#fileName, m);
    this.manifest = m;
    for (const f of history) {
      removeQuietly(join(this.dirPath, f.name));
      this.#server.log.notice(`Removing the history file ${f.name} in the background`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Rewrite.

  /** BGREWRITEAOF: starts a rewrite now, or schedules it behind the running background job. */
  requestRewrite(): RewriteRequestResult {
    if (this.#run !== null) return 'already-running';
    if (this.#jobs.running !== null) {
      this.rewriteScheduled = true;
      return 'scheduled';
    }
    return this.startRewrite() ? 'started' : 'failed';
  }

  /** Starts a background rewrite now; false (logged) when it could not start. */
  startRewrite(): boolean {
    if (this.#run !== null || this.#jobs.running !== null) return false;
    this.rewriteScheduled = false;
    const config = this.#config;
    try {
      fs.mkdirSync(this.dirPath);
      const switched = this.#switchIncrForRewrite();
      const seq = this.manifest.currBaseSeq + 1;
      const name = baseName(this.#fileName, seq, config.bool('aof-use-rdb-preamble'));
      const visitor = createBaseVisitor(config, this.dirPath, name,
        this.#server.functionCodes());
      const snapshot = this.#jobs.engine.start(visitor, snapshotOptions(this.#server));
      this.#jobs.claim('aof', snapshot);
      const run: RewriteRun = { snapshot, startedMs: Date.now(), base: { name, seq, type: 'b' },
        ...switched };
      this.#run = run;
      this.rewritesStarted++;
      this.#server.log.notice(`Background append only file rewriting started (fork-less ` +
        `snapshot of ${snapshot.stats.keysTotal} keys)`);
      snapshot.done.then(
        () => this.#rewriteDone(run, () => visitor.bytes()),
        (error: unknown) => this.#rewriteFailed(run, error),
      );
      return true;
    } catch (error: unknown) {
      const fsFailure = error instanceof Error && 'fsCode' in error;
      if (!fsFailure && fs.errorCode(error) === null) throw error;
      const message = error instanceof Error ? error.message : String(error);
      this.#server.log.warning(`Can't rewrite append only file in background: ${message}`);
      this.#noteFailure();
      if (this.state === 'wait-rewrite' && this.writer.isOpen) {
        const temp = this.writer.path;
        this.writer.close();
        removeQuietly(temp);
      }
      return false;
    }
  }

  /** Steps 1-2 of the rewrite: where writes after the cut go. */
  #switchIncrForRewrite(): { firstIncrIndex: number; tempIncrPath: string | null } {
    if (this.state === 'off') return { firstIncrIndex: -1, tempIncrPath: null };
    if (!this.writer.flush(true)) throw Object.assign(new Error('the AOF buffer could not be ' +
      'written'), { fsCode: 'EIO' });
    // The incr before the cut must be durable before a manifest lists a later one: otherwise a
    // power loss can leave it torn while not the last file (refused at start) or leave later
    // commands without earlier ones (test/crash/crash-states.test.ts found both).
    this.writer.flushAndSyncNow();
    if (this.state === 'wait-rewrite') {
      const path = join(this.dirPath, tempIncrName(this.#fileName));
      const fd = fs.openSync(path, 'appendTruncate');
      this.writer.switchTo(fd, path, 0);
      return { firstIncrIndex: -1, tempIncrPath: path };
    }
    const incrs = this.manifest.incrs;
    const last = incrs[incrs.length - 1];
    // An empty current incr holds nothing from before the cut: it can serve as the new one.
    if (last === undefined || this.writer.fileBytes > 0 || this.writer.buffer !== '') {
      this.#openNewIncr();
    }
    return { firstIncrIndex: this.manifest.incrs.length - 1, tempIncrPath: null };
  }

  #rewriteDone(run: RewriteRun, baseBytes: () => number): void {
    if (this.#run !== run) return;
    this.#run = null;
    try {
      this.#installNewBase(run, baseBytes());
    } catch (error: unknown) {
      if (fs.errorCode(error) === null) throw error;
      removeQuietly(join(this.dirPath, run.base.name));
      this.#rewriteFailed(run, error);
      return;
    }
    this.lastRewriteOk = true;
    this.rewriteConsecutiveFailures = 0;
    this.lastCowBytes = run.snapshot.stats.preservedBytesPeak;
    this.lastRewriteTimeSec = Math.round((Date.now() - run.startedMs) / 1000);
    this.#server.log.notice('Background AOF rewrite terminated with success in ' +
      `${((Date.now() - run.startedMs) / 1000).toFixed(3)} seconds`);
    this.#server.log.notice('Background AOF rewrite finished successfully');
  }

  /** Step 5: the manifest names the new base and the post-cut incr; old files go. */
  #installNewBase(run: RewriteRun, baseBytes: number): void {
    const m = cloneManifest(this.manifest);
    const old: AofFileInfo[] = [...(m.base === null ? [] : [m.base]), ...m.history];
    let kept: AofFileInfo[] = [];
    if (run.tempIncrPath !== null) {
      const seq = m.currIncrSeq + 1;
      const name = incrName(this.#fileName, seq);
      fs.renameSync(run.tempIncrPath, join(this.dirPath, name));
      kept = [{ name, seq, type: 'i' }];
      m.currIncrSeq = seq;
      old.push(...m.incrs);
    } else if (run.firstIncrIndex >= 0) {
      old.push(...m.incrs.slice(0, run.firstIncrIndex));
      kept = m.incrs.slice(run.firstIncrIndex);
    } else {
      old.push(...m.incrs);
    }
    m.base = run.base;
    m.currBaseSeq = run.base.seq;
    m.incrs = kept;
    const keepHistory = this.#config.bool('aof-disable-auto-gc');
    m.history = keepHistory ? old.map((f) => ({ ...f, type: 'h' as const })) : [];
    persistManifest(this.dirPath, this.#fileName, m);
    this.manifest = m;
    if (run.tempIncrPath !== null && this.state === 'wait-rewrite') {
      const last = kept[0];
      if (last !== undefined) this.writer.renamed(join(this.dirPath, last.name));
      this.state = 'on';
    }
    if (!keepHistory) for (const f of old) removeQuietly(join(this.dirPath, f.name));
    const incrBytes = this.state === 'off' ? 0 : this.writer.fileBytes;
    this.writer.totalBytes = baseBytes + incrBytes;
    this.baseSizeBytes = this.writer.totalBytes;
  }

  #rewriteFailed(run: RewriteRun, error: unknown): void {
    if (this.#run === run) this.#run = null;
    if (run.cancelled === true) {
      // Redis kills the child with SIGUSR1 here, which does not count as a failure.
      this.#server.log.warning('Background AOF rewrite terminated by signal');
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.#server.log.warning(`Background AOF rewrite terminated with error after ` +
      `${((Date.now() - run.startedMs) / 1000).toFixed(3)} seconds: ${message}`);
    this.lastRewriteTimeSec = Math.round((Date.now() - run.startedMs) / 1000);
    this.#noteFailure();
    if (run.tempIncrPath !== null && this.state === 'wait-rewrite') {
      // Writes since the cut are only in the temp incr: drop it; the retry takes a new cut.
      this.writer.close();
      removeQuietly(run.tempIncrPath);
      this.rewriteScheduled = true;
    }
  }

  #noteFailure(): void {
    this.lastRewriteOk = false;
    this.rewriteConsecutiveFailures++;
    this.#lastRewriteFailureMs = Date.now();
  }

  // -------------------------------------------------------------------------------------------
  // cron, CONFIG SET appendonly, shutdown, DEBUG LOADAOF.

  #cron(): void {
    if (this.state !== 'off') this.writer.cron();
    if (this.#jobs.running !== null || this.#server.loading) return;
    const mayRetry = Date.now() - this.#lastRewriteFailureMs >= REWRITE_RETRY_DELAY_MS;
    if (this.rewriteScheduled && mayRetry) {
      this.startRewrite();
      return;
    }
    const percent = this.#config.num('auto-aof-rewrite-percentage');
    const current = this.writer.totalBytes;
    if (this.state !== 'on' || percent <= 0 || !mayRetry) return;
    if (current <= this.#config.num('auto-aof-rewrite-min-size')) return;
    const base = this.baseSizeBytes > 0 ? this.baseSizeBytes : 1;
    const growth = Math.floor((current * 100) / base) - 100;
    if (growth >= percent) {
      this.#server.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
      this.startRewrite();
    }
  }

  /** CONFIG SET appendonly yes: log from now on, starting with a rewrite of the live dataset. */
  #startAppendOnly(): string | undefined {
    this.state = 'wait-rewrite';
    if (this.#jobs.running !== null) {
      this.rewriteScheduled = true;
      this.#server.log.notice('AOF was enabled but there is already another background ' +
        'operation. An AOF background was scheduled to start when possible.');
      return undefined;
    }
    if (!this.startRewrite()) {
      this.state = 'off';
      return 'Unable to turn on AOF. Check server logs.';
    }
    return undefined;
  }

  /** CONFIG SET appendonly no: flush, fsync, close; a running rewrite is abandoned. */
  #stopAppendOnly(): void {
    const run = this.#run;
    if (run !== null) {
      this.#run = null;
      run.cancelled = true;
      run.snapshot.cancel(new Error('AOF turned off'));
      if (run.tempIncrPath !== null) removeQuietly(run.tempIncrPath);
      this.#server.log.notice('Killing running AOF rewrite child');
    }
    this.rewriteScheduled = false;
    this.#flushOnShutdown();
    this.writer.close();
    this.state = 'off';
  }

  /**
   * SHUTDOWN: a running rewrite is abandoned (its temp base removed); the AOF is flushed and
   * fsynced. While the AOF is being turned on, its first base is written now from the live
   * dataset, so the restart does not load the old, stale AOF.
   */
  async #shutdown(): Promise<void> {
    const run = this.#run;
    if (run !== null) {
      this.#run = null;
      run.cancelled = true;
      run.snapshot.cancel(new Error('server shutting down'));
    }
    if (this.state === 'wait-rewrite') {
      if (this.writer.isOpen) {
        const temp = this.writer.path;
        this.writer.close();
        removeQuietly(temp);
      }
      const m = cloneManifest(this.manifest);
      const old = [...(m.base === null ? [] : [m.base]), ...m.history, ...m.incrs];
      m.base = null;
      m.incrs = [];
      m.history = [];
      this.manifest = m;
      this.#server.log.warning('Writing initial AOF before exiting.');
      fs.mkdirSync(this.dirPath);
      await this.#createFromDataset();
      for (const f of old) removeQuietly(join(this.dirPath, f.name));
      this.state = 'on';
    }
    this.#flushOnShutdown();
  }

  #flushOnShutdown(): void {
    if (this.state === 'off' || !this.writer.isOpen) return;
    try {
      this.writer.flushAndSyncNow();
    } catch (error: unknown) {
      if (fs.errorCode(error) === null && !(error instanceof Error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      this.#server.log.warning(`Error writing the AOF buffer on shutdown: ${message}`);
    }
  }

  /** DEBUG LOADAOF: flush, empty the dataset, load the AOF again. */
  reloadFromDisk(): ReloadAofResult {
    if (this.state !== 'on') return { off: true };
    this.#flushOnShutdown();
    const keyspace = this.#server.keyspace;
    keyspace.flushAll();
    try {
      const manifest = this.#readManifestOrThrow();
      if (manifest !== null) {
        this.manifest = manifest;
        this.#loadFiles(manifest);
      }
    } catch (error: unknown) {
      if (!(error instanceof AofLoadError)) throw error;
      this.#server.log.warning(error.message);
      return { error: error.message };
    }
    this.writer.refreshFileBytes();
    keyspace.dirty = 0;
    this.#server.log.warning('Append Only File loaded by DEBUG LOADAOF');
    return { ok: true };
  }

}

/**
 * Moves `source` to `dir/name` and fsyncs both directories. An absolute AOF directory may be on
 * another filesystem (EXDEV): then the file is copied to a temp name, fsynced, renamed into
 * place, and only then is the source removed; a crash leaves the source in place and the
 * upgrade is completed (or the base found) on the next start.
 */
function moveAcrossDirs(source: string, dir: string, name: string): void {
  const target = join(dir, name);
  try {
    fs.renameSync(source, target);
  } catch (error: unknown) {
    if (fs.errorCode(error) !== 'EXDEV') throw error;
    const temp = join(dir, `temp-upgrade-${name}`);
    fs.copyFileDurableSync(source, temp);
    fs.renameSync(temp, target);
    fs.fsyncDirSync(dir);
    fs.unlinkSync(source);
  }
  fs.fsyncDirSync(dir);
  fs.fsyncDirSync(dirname(source));
}

function readManifestQuiet(dir: string, name: string): AofManifest | null {
  try {
    return readManifest(dir, name);
  } catch (error: unknown) {
    if (error instanceof AofManifestError) return null;
    throw error;
  }
}

function removeQuietly(path: string): void {
  try {
    fs.unlinkIfExistsSync(path);
  } catch (error: unknown) {
    if (fs.errorCode(error) === null) throw error;
  }
}
