// BGSAVE on the fork-less snapshot engine: the cut is taken when the command runs, written in
// slices between client work, and the dump replaces dbfilename only once complete and durable.
// One background job at a time (Redis's one child); BGSAVE SCHEDULE queues one behind an AOF
// rewrite. A failed save sets rdb_last_bgsave_status:err and, with stop-writes-on-bgsave-error,
// makes write commands fail with MISCONF until a save succeeds.
// Redis equivalent: rdbSaveBackground / backgroundSaveDoneHandler in rdb.c, bgsaveCommand.

import type { Server } from '../server/server.js';
import type { Snapshot, SnapshotEngine } from '../snapshot/engine.js';
import { RdbSnapshotWriter } from './rdb/snapshot-writer.js';

export const MISCONF_RDB =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** After a failed background save, save points retry no sooner than this (Redis: 5 s). */
const BGSAVE_RETRY_DELAY_MS = 5000;

export type BackgroundJobKind = 'rdb' | 'aof';

export interface BgsaveState {
  lastStatusOk: boolean;
  /** Duration of the last background save in seconds, -1 before the first. */
  lastTimeSec: number;
  lastTryMs: number;
  /** Bytes preserved by copy-on-write during the last save (rdb_last_cow_size analog). */
  lastCowBytes: number;
  lastSliceMsMax: number;
  latestForkUsec: number;
  totalForks: number;
  scheduled: boolean;
}

export class BackgroundJobs {
  readonly #server: Server;
  readonly engine: SnapshotEngine;
  #running: { kind: BackgroundJobKind; snapshot: Snapshot; startedMs: number } | null = null;
  readonly state: BgsaveState = {
    lastStatusOk: true,
    lastTimeSec: -1,
    lastTryMs: 0,
    lastCowBytes: 0,
    lastSliceMsMax: 0,
    latestForkUsec: 0,
    totalForks: 0,
    scheduled: false,
  };
  /** Called after a successful background save with the dirty count it covered. */
  onSaved: (dirtyCovered: number) => void = () => {};

  constructor(server: Server, engine: SnapshotEngine) {
    this.#server = server;
    this.engine = engine;
  }

  get running(): BackgroundJobKind | null {
    return this.#running?.kind ?? null;
  }

  get runningSnapshot(): Snapshot | null {
    return this.#running?.snapshot ?? null;
  }

  get runningSinceMs(): number {
    return this.#running?.startedMs ?? 0;
  }

  /** Registers a job started by another module (the AOF rewrite) so they exclude each other. */
  claim(kind: BackgroundJobKind, snapshot: Snapshot): void {
    this.#running = { kind, snapshot, startedMs: Date.now() };
    this.state.totalForks++;
    this.state.latestForkUsec = snapshot.stats.startUs;
    const release = (): void => {
      if (this.#running?.snapshot === snapshot) this.#running = null;
      this.#maybeRunScheduled();
    };
    snapshot.done.then(release, release);
  }

  /**
   * Starts a background save now. Returns null when started, or Redis's error text.
   * 'reason' is logged ("Background saving started").
   */
  startBgsave(): string | null {
    if (this.#running?.kind === 'rdb') return 'ERR Background save already in progress';
    if (this.#running !== null) {
      return "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.";
    }
    const server = this.#server;
    const config = server.config;
    let writer: RdbSnapshotWriter;
    try {
      writer = new RdbSnapshotWriter(config, config.str('dir'), config.str('dbfilename'), false);
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      server.log.warning(`Can't save in background: ${message}`);
      this.state.lastStatusOk = false;
      this.state.lastTryMs = Date.now();
      return `ERR ${message}`;
    }
    const dirtyBefore = server.keyspace.dirty;
    const snapshot = this.engine.start(writer, {
      sliceBudgetMs: config.num('vesta-snapshot-slice-ms'),
      keyDelayUs: config.num('rdb-key-save-delay'),
    });
    this.claim('rdb', snapshot);
    this.state.lastTryMs = Date.now();
    server.log.notice(`Background saving started (fork-less snapshot of ${snapshot.stats.keysTotal} keys, cut in ${snapshot.stats.startUs} us)`);
    const started = Date.now();
    snapshot.done.then(
      () => {
        this.state.lastStatusOk = true;
        this.state.lastTimeSec = Math.round((Date.now() - started) / 1000);
        this.#recordStats(snapshot);
        server.log.notice('DB saved on disk');
        server.log.notice(
          `Background saving terminated with success (${writer.keysWritten} keys, ${snapshot.stats.slices} slices, max slice ${snapshot.stats.sliceMsMax.toFixed(2)} ms, ${snapshot.stats.preservedBytesPeak} bytes preserved by copy-on-write)`,
        );
        this.onSaved(dirtyBefore);
      },
      (error: unknown) => {
        this.state.lastStatusOk = false;
        this.state.lastTimeSec = Math.round((Date.now() - started) / 1000);
        this.#recordStats(snapshot);
        const message = error instanceof Error ? error.message : String(error);
        server.log.warning(`Background saving error: ${message}`);
      },
    );
    return null;
  }

  #recordStats(snapshot: Snapshot): void {
    this.state.lastCowBytes = snapshot.stats.preservedBytesPeak;
    this.state.lastSliceMsMax = snapshot.stats.sliceMsMax;
  }

  /** BGSAVE [SCHEDULE]: replies through the caller. */
  bgsaveCommandReply(schedule: boolean): { ok: string } | { error: string } {
    if (this.#running?.kind === 'rdb') return { error: 'ERR Background save already in progress' };
    if (this.#running !== null) {
      if (!schedule) return { error: this.startBgsave() ?? 'ERR' };
      this.state.scheduled = true;
      return { ok: 'Background saving scheduled' };
    }
    const error = this.startBgsave();
    return error === null ? { ok: 'Background saving started' } : { error };
  }

  /** True when a save point may fire now (not right after a failed attempt). */
  mayRetry(): boolean {
    return this.state.lastStatusOk || Date.now() - this.state.lastTryMs > BGSAVE_RETRY_DELAY_MS;
  }

  #maybeRunScheduled(): void {
    if (!this.state.scheduled || this.#running !== null) return;
    this.state.scheduled = false;
    this.startBgsave();
  }

  /** MISCONF when the last background save failed and the config says to stop writes. */
  writeDeniedReason(): string | null {
    const config = this.#server.config;
    if (this.state.lastStatusOk || !config.bool('stop-writes-on-bgsave-error')) return null;
    if (config.savePoints().length === 0) return null;
    return MISCONF_RDB;
  }

  /** Stops the running job (SHUTDOWN, FLUSHALL semantics are the caller's). */
  cancel(reason: string): void {
    this.#running?.snapshot.cancel(new Error(reason));
  }

  /** Waits for the running job, if any, to end (successfully or not). */
  async settle(): Promise<void> {
    const running = this.#running;
    if (running === null) return;
    await running.snapshot.done.catch(() => {});
  }
}
