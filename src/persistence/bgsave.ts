// BGSAVE on the fork-less snapshot engine: the cut is taken when the command runs, written in
// slices between client work, and the dump replaces dbfilename only once complete and durable.
// One background job at a time (Redis's one child); BGSAVE SCHEDULE queues one behind an AOF
// rewrite. A failed save sets rdb_last_bgsave_status:err and, with stop-writes-on-bgsave-error,
// makes write commands fail with MISCONF until a save succeeds.
// Redis equivalent: rdbSaveBackground / backgroundSaveDoneHandler in rdb.c, bgsaveCommand.

import type { PersistenceHost } from './host.js';
import type { Snapshot, SnapshotEngine, SnapshotOptions } from '../snapshot/engine.js';
import type { RdbState } from './persistence.js';
import { RdbSnapshotWriter } from './rdb/snapshot-writer.js';

export type BackgroundJobKind = 'rdb' | 'aof';

/**
 * How a BGSAVE request ended: started, already running, blocked by another job (the AOF
 * rewrite), scheduled behind it (BGSAVE SCHEDULE), or failed to start (the reason).
 */
export type BgsaveStart = 'started' | 'already-running' | 'other-job' | 'scheduled' |
  { failed: string };

/**
 * What the engine measured about background jobs (the save status, times and counters that
 * INFO persistence shows live in RdbState, persistence.ts).
 */
export interface BgsaveState {
  /** Bytes preserved by copy-on-write during the last save (rdb_last_cow_size analog). */
  lastCowBytes: number;
  lastSliceMsMax: number;
  lastScanMs: number;
  latestForkUsec: number;
  totalForks: number;
  scheduled: boolean;
}

export class BackgroundJobs {
  readonly #server: PersistenceHost;
  readonly engine: SnapshotEngine;
  #running: { kind: BackgroundJobKind; snapshot: Snapshot; startedMs: number } | null = null;
  readonly state: BgsaveState = {
    lastCowBytes: 0,
    lastSliceMsMax: 0,
    lastScanMs: 0,
    latestForkUsec: 0,
    totalForks: 0,
    scheduled: false,
  };
  readonly #rdb: RdbState;

  constructor(server: PersistenceHost, engine: SnapshotEngine, rdb: RdbState) {
    this.#server = server;
    this.engine = engine;
    this.#rdb = rdb;
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
    this.#server.forkStats.totalForks = this.state.totalForks;
    this.#server.forkStats.latestForkUsec = snapshot.stats.startUs;
    const release = (): void => {
      if (this.#running?.snapshot === snapshot) this.#running = null;
      this.#maybeRunScheduled();
    };
    snapshot.done.then(release, release);
  }

  /**
   * Starts a background save now: the cut is taken before this returns. The outcome of the
   * save is recorded in RdbState when it ends.
   */
  startBgsave(): BgsaveStart {
    if (this.#running?.kind === 'rdb') return 'already-running';
    if (this.#running !== null) return 'other-job';
    const server = this.#server;
    const config = server.config;
    const rdb = this.#rdb;
    rdb.lastBgsaveTrySec = Math.floor(Date.now() / 1000);
    rdb.saves++;
    let writer: RdbSnapshotWriter;
    try {
      writer = new RdbSnapshotWriter(config, { dir: config.str('dir'), name: config.str('dbfilename') },
        { aofBase: false, functionCodes: server.functionCodes(), replInfo: server.replInfo });
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      server.log.warning(`Can't save in background: ${message}`);
      rdb.lastBgsaveStatus = 'err';
      return { failed: message };
    }
    const dirtyBefore = server.keyspace.dirty;
    const snapshot = this.engine.start(writer, snapshotOptions(server));
    this.claim('rdb', snapshot);
    rdb.bgsaveStartedMs = performance.now();
    rdb.saveKeysTotal = snapshot.stats.keysTotal;
    server.log.notice(
      `Background saving started (fork-less snapshot of ${snapshot.stats.keysTotal} keys, cut in ${snapshot.stats.startUs} us)`,
    );
    const finish = (ok: boolean): void => {
      const startedMs = rdb.bgsaveStartedMs ?? performance.now();
      rdb.lastBgsaveTimeSec = Math.round((performance.now() - startedMs) / 1000);
      rdb.bgsaveStartedMs = null;
      rdb.saveKeysProcessed = 0;
      rdb.saveKeysTotal = 0;
      rdb.lastBgsaveStatus = ok ? 'ok' : 'err';
      this.#recordStats(snapshot);
    };
    const startedMs = performance.now();
    const elapsed = (): string => `${((performance.now() - startedMs) / 1000).toFixed(3)} seconds`;
    snapshot.done.then(
      () => {
        finish(true);
        // Changes made while the save ran are not in the dump; they stay counted (Redis:
        // dirty = dirty - dirty_before_bgsave).
        server.keyspace.dirty = Math.max(0, server.keyspace.dirty - dirtyBefore);
        rdb.lastSaveSec = Math.floor(Date.now() / 1000);
        server.log.notice('DB saved on disk');
        server.log.notice(
          `Background saving terminated with success in ${elapsed()} (${writer.keysWritten} keys, ${snapshot.stats.slices} slices taking ${Math.round(snapshot.stats.scanMs)} ms, max slice ${snapshot.stats.sliceMsMax.toFixed(2)} ms, ${snapshot.stats.preservedBytesPeak} bytes preserved by copy-on-write)`,
        );
      },
      (error: unknown) => {
        finish(false);
        const message = error instanceof Error ? error.message : String(error);
        server.log.warning(`Background saving error after ${elapsed()}: ${message}`);
      },
    );
    return 'started';
  }

  #recordStats(snapshot: Snapshot): void {
    this.state.lastCowBytes = snapshot.stats.preservedBytesPeak;
    this.state.lastSliceMsMax = snapshot.stats.sliceMsMax;
    this.state.lastScanMs = snapshot.stats.scanMs;
  }

  /** BGSAVE [SCHEDULE]: with `schedule`, a save blocked by another job runs after it. */
  requestBgsave(schedule: boolean): BgsaveStart {
    if (schedule && this.#running !== null && this.#running.kind !== 'rdb') {
      this.state.scheduled = true;
      return 'scheduled';
    }
    return this.startBgsave();
  }

  #maybeRunScheduled(): void {
    if (!this.state.scheduled || this.#running !== null) return;
    this.state.scheduled = false;
    this.startBgsave();
  }

  /** Cancels the running job if it is of `kind` (its temp file is removed when it stops). */
  cancelIf(kind: BackgroundJobKind, reason: string): void {
    if (this.#running?.kind === kind) this.#running.snapshot.cancel(new Error(reason));
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

/**
 * Slice budget, pacing and the test delay for a background job, from the config. Pacing
 * applies while clients are being served: commandsProcessed moved since the last slice.
 */
export function snapshotOptions(server: PersistenceHost): SnapshotOptions {
  const config = server.config;
  let lastCommands = server.stats.commandsProcessed;
  return {
    sliceBudgetMs: config.num('vesta-snapshot-slice-ms'),
    keyDelayUs: config.num('rdb-key-save-delay'),
    cpuShare: config.num('vesta-snapshot-cpu-percent') / 100,
    clientsActive: () => {
      const now = server.stats.commandsProcessed;
      const active = now !== lastCommands;
      lastCommands = now;
      return active;
    },
  };
}
