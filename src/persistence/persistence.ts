// RDB persistence policy for one server: when to save (SAVE, save points in cron, SHUTDOWN,
// FLUSHALL, DEBUG RELOAD), loading at start-up, the state INFO persistence reports, and the
// MISCONF refusal after a failed background save. The file work is in rdb/save.ts and
// rdb/load.ts; this file decides and records, and never touches bytes or files itself. It
// returns results (SAVE's success, DEBUG RELOAD's outcome); commands/persistence.ts replies.
// Redis equivalent: rdb.c (rdbSave, the save half of saveCommand), serverCron's save-point check,
// prepareForShutdown, flushallCommand's save, debug.c's DEBUG RELOAD, and the persistence part
// of genRedisInfoString (server.c).

import type { InfoFields } from '../observe/info.js';
import * as fs from '../platform/fs.js';
import { rdbFilePath, RdbLoadError, rdbLoad, rdbLoadSync, type LoadingProgress,
  type RdbLoadResult } from './rdb/load.js';
import { RdbSaveError, rdbSaveSync } from './rdb/save.js';
import type { Aof } from './aof/aof.js';
import { aofEnabledInfoFields, aofInfoFields } from './aof/info.js';
import type { BackgroundJobs } from './bgsave.js';
import type { PersistenceHost } from './host.js';

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed background save, wait this long. */
const BGSAVE_RETRY_DELAY_SEC = 5;

/** Redis's shared.bgsaveerr, the MISCONF reply to writes after a failed background save. */
const MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to " +
  'persist to disk. Commands that may modify the data set are disabled, because this instance ' +
  'is configured to report errors during writes if RDB snapshotting fails ' +
  '(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the ' +
  'RDB error.';

/**
 * The RDB state of one server: what INFO persistence reports and what the save policy reads.
 * The background-save fields are set by the snapshot engine (issue 5), which owns BGSAVE.
 */
export class RdbState {
  /** Unix seconds of the last successful save (LASTSAVE); server start until then. */
  lastSaveSec = Math.floor(Date.now() / 1000);
  /** Unix seconds of the last background save attempt (save-point retry delay). */
  lastBgsaveTrySec = 0;
  lastBgsaveStatus: 'ok' | 'err' = 'ok';
  lastBgsaveTimeSec = -1;
  /** Performance-clock ms when the running background save started, or null when none runs. */
  bgsaveStartedMs: number | null = null;
  /** Save attempts, synchronous and background (rdb_saves). */
  saves = 0;
  /** Keys written / to write by the running save (current_save_keys_*). */
  saveKeysProcessed = 0;
  saveKeysTotal = 0;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  readonly loading: LoadingProgress = { startSec: 0, totalBytes: 0, loadedBytes: 0,
    rdbUsedMemBytes: 0 };
  /**
   * True when the dump on disk was made only to feed a replica (replication sets it), so
   * rdb-del-sync-files may delete it when no persistence is configured.
   */
  dumpMadeForReplication = false;

  get bgsaveInProgress(): boolean {
    return this.bgsaveStartedMs !== null;
  }
}

/** DEBUG RELOAD's options (commands/ parses them). */
export interface ReloadOptions {
  /** MERGE: keys already present are replaced instead of being an error. */
  merge: boolean;
  /** Empty the dataset first (not with NOFLUSH). */
  flush: boolean;
  /** Save first (not with NOSAVE). */
  save: boolean;
}

/** DEBUG RELOAD's outcome: done, the save before failed, or the load failed (see the log). */
export type ReloadResult = 'ok' | 'save-failed' | 'load-failed';

/**
 * RDB persistence of one server: cron save points, shutdown and FLUSHALL saves, SAVE, DEBUG
 * RELOAD, the MISCONF refusal, start-up loading. Results are returned; commands/ replies.
 */
export class RdbPersistence {
  readonly state: RdbState;
  readonly #host: PersistenceHost;
  readonly #jobs: BackgroundJobs;

  constructor(host: PersistenceHost, state: RdbState, jobs: BackgroundJobs) {
    this.#host = host;
    this.state = state;
    this.#jobs = jobs;
    this.#installHooks();
  }

  #installHooks(): void {
    const host = this.#host;
    const state = this.state;
    const stopWrites = host.config.boolCell('stop-writes-on-bgsave-error');
    host.addHooks({
      cron: () => this.#cron(),
      shutdown: async ({ save }) => {
        await this.#stopBackgroundSave('shutting down');
        this.#saveOnShutdown(save);
      },
      afterFlushAll: () => this.#saveAfterFlushAll(),
      resetStats: () => {
        // CONFIG RESETSTAT zeroes rdb_saves and the fork counters, as in Redis.
        state.saves = 0;
        this.#jobs.state.totalForks = 0;
        this.#jobs.state.latestForkUsec = 0;
      },
      writeDeniedReason: () => {
        // The cheap test first: every write command asks.
        const refuse = state.lastBgsaveStatus === 'err' && stopWrites.value &&
          host.config.savePoints().length > 0;
        return refuse ? MISCONF : null;
      },
    });
  }

  // -------------------------------------------------------------------------------------------
  // Saving.

  /**
   * A synchronous save of the whole dataset to dir/dbfilename (SAVE, SHUTDOWN, FLUSHALL). Logs
   * the outcome as Redis does and records it; true on success. File errors are reported, never
   * thrown; the previous dump is then untouched.
   */
  saveSync(options: { counted: boolean } = { counted: true }): boolean {
    const host = this.#host;
    const state = this.state;
    if (options.counted) state.saves++;
    const started = performance.now();
    const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(3)} seconds`;
    host.log.verbose('Synchronous save started');
    try {
      rdbSaveSync(host);
    } catch (error: unknown) {
      if (!(error instanceof RdbSaveError)) throw error;
      host.log.warning(error.message);
      host.log.warning(`Synchronous save failed after ${elapsed()}`);
      return false;
    }
    // Redis's exact line, which operators grep for; the duration is Vesta's own, at verbose.
    host.log.notice('DB saved on disk');
    host.log.verbose(`Synchronous save took ${elapsed()}`);
    host.keyspace.dirty = 0;
    state.lastSaveSec = Math.floor(Date.now() / 1000);
    state.lastBgsaveStatus = 'ok';
    return true;
  }

  /**
   * What a save point runs: BGSAVE on the fork-less snapshot engine (bgsave.ts records the
   * outcome here: rdb_last_bgsave_status, the MISCONF state, the retry delay). True if started.
   */
  triggerBackgroundSave(): boolean {
    const result = this.#jobs.startBgsave();
    if (typeof result === 'object') {
      this.#host.log.warning(`Background save not started: ERR ${result.failed}`);
    } else if (result !== 'started') {
      this.#host.log.warning(`Background save not started: ${result}`);
    }
    return result === 'started';
  }

  /** A running BGSAVE is abandoned (its temp file removed) before a synchronous save replaces it. */
  async #stopBackgroundSave(reason: string): Promise<void> {
    const jobs = this.#jobs;
    if (jobs.running !== 'rdb') return;
    this.#host.log.notice(`Stopping the background save in progress: ${reason}`);
    jobs.cancel(reason);
    await jobs.settle();
  }

  /** serverCron's part: save points, and rdb-del-sync-files. */
  #cron(): void {
    const host = this.#host;
    const state = this.state;
    if (host.loading || state.bgsaveInProgress || this.#jobs.running !== null) return;
    const nowSec = Math.floor(Date.now() / 1000);
    const dirty = host.keyspace.dirty;
    const retryAllowed = state.lastBgsaveStatus === 'ok' ||
      nowSec - state.lastBgsaveTrySec > BGSAVE_RETRY_DELAY_SEC;
    for (const point of host.config.savePoints()) {
      if (dirty >= point.changes && nowSec - state.lastSaveSec > point.seconds && retryAllowed) {
        host.log.notice(`${point.changes} changes in ${point.seconds} seconds. Saving...`);
        this.triggerBackgroundSave();
        break;
      }
    }
    this.#removeRdbUsedToSyncReplicas();
  }

  /**
   * rdb-del-sync-files: with no persistence configured, a dump that only existed to feed a
   * replica is deleted. Replication (a later issue) sets dumpMadeForReplication.
   */
  #removeRdbUsedToSyncReplicas(): void {
    const host = this.#host;
    const state = this.state;
    const config = host.config;
    if (!state.dumpMadeForReplication || !config.bool('rdb-del-sync-files')) return;
    if (config.savePoints().length > 0 || config.bool('appendonly')) return;
    state.dumpMadeForReplication = false;
    host.log.notice('Removing the RDB file used to feed replicas in a persistence-less instance');
    try {
      fs.unlinkIfExistsSync(rdbFilePath(config));
    } catch (error: unknown) {
      if (fs.errorCode(error) === null) throw error;
      host.log.warning(`Unable to remove the RDB file: ${fs.describeFsError(error)}`);
    }
  }

  /**
   * SHUTDOWN: save first when save points are configured (or SHUTDOWN SAVE), unless NOSAVE. A
   * failed save throws, which aborts the shutdown ("Errors trying to SHUTDOWN").
   */
  #saveOnShutdown(save: boolean | null): void {
    const host = this.#host;
    if (save === false) return;
    if (save !== true && host.config.savePoints().length === 0) return;
    if (host.loading) {
      // A partial dataset must never replace the dump being loaded.
      host.log.warning('Not saving the final RDB snapshot: the dataset is still loading.');
      return;
    }
    host.log.notice('Saving the final RDB snapshot before exiting.');
    if (!this.saveSync()) {
      host.log.warning("Error trying to save the DB, can't exit.");
      throw new RdbSaveError("Error trying to save the DB, can't exit.", null);
    }
  }

  /**
   * FLUSHALL with save points saves the (now empty) dataset right away, as Redis does, so a
   * restart cannot bring the flushed keys back. Redis counts the FLUSHALL itself as one change
   * after that save, hence dirty = 1.
   */
  #saveAfterFlushAll(): void {
    if (this.#host.config.savePoints().length === 0) return;
    // Redis kills a running background save first: its dump would resurrect flushed keys.
    this.#jobs.cancelIf('rdb', 'FLUSHALL');
    // As Redis 7.0: the dump is written and rdb_changes_since_last_save is 0 after it, but
    // rdb_saves counts SAVE and BGSAVE only.
    this.saveSync({ counted: false });
  }

  // -------------------------------------------------------------------------------------------
  // Loading.

  /** Start-up load of dir/dbfilename. Missing file: empty start. Corrupt: throws RdbLoadError. */
  async loadAtStartup(): Promise<void> {
    const host = this.#host;
    const started = performance.now();
    let result: RdbLoadResult | null;
    try {
      result = await rdbLoad(host, { progress: this.state.loading });
    } catch (error: unknown) {
      if (!(error instanceof RdbLoadError)) throw error;
      // Logged (with Redis's lines for the same damage) by the caller, attach.ts.
      throw new RdbLoadError(error.path, error.offset, `${causeOf(error)}. Vesta refuses to ` +
        'start rather than run with an empty or partial dataset and later save it over this ' +
        'file: repair or move the file (redis-check-rdb shows the problem)', error);
    }
    if (result === null) return;
    recordLoad(this.state, result);
    host.log.notice(`DB loaded from disk: ${((performance.now() - started) / 1000).toFixed(3)} ` +
      'seconds');
  }

  /**
   * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the dataset, load the dump back, all
   * inside one command. The dirty counter is what the save left (loading adds no changes).
   */
  reload(options: ReloadOptions): ReloadResult {
    const host = this.#host;
    if (options.save && !this.saveSync()) return 'save-failed';
    const keyspace = host.keyspace;
    const dirty = keyspace.dirty;
    if (options.flush) keyspace.flushAll();
    keyspace.dirty = dirty;
    let result: RdbLoadResult | null = null;
    try {
      result = rdbLoadSync(host, { allowDuplicates: options.merge, progress: this.state.loading });
      if (result === null) {
        host.log.warning(`Failed loading RDB file ${rdbFilePath(host.config)}: ` +
          'No such file or directory');
      }
    } catch (error: unknown) {
      if (!(error instanceof RdbLoadError)) throw error;
      host.log.warning(error.message);
    }
    if (result === null) return 'load-failed';
    recordLoad(this.state, result);
    host.log.warning('DB reloaded by DEBUG RELOAD');
    return 'ok';
  }
}

function causeOf(error: RdbLoadError): string {
  const prefix = `Failed loading RDB file ${error.path}` +
    (error.offset === null ? '' : ` at offset ${error.offset}`) + ': ';
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

function recordLoad(state: RdbState, result: RdbLoadResult): void {
  state.lastLoadKeysLoaded = result.keysLoaded;
  state.lastLoadKeysExpired = result.keysExpired;
}

// ---------------------------------------------------------------------------------------------
// INFO persistence, field for field in Redis 7.0's order.
// ---------------------------------------------------------------------------------------------

/** The Persistence section; `server` is the host, the rest what persistence runs. */
export function persistenceInfo(server: PersistenceHost, parts: { state: RdbState;
  jobs: BackgroundJobs; aof: Aof }): InfoFields {
  const { state, jobs, aof } = parts;
  const bgsaveRunningSec = state.bgsaveStartedMs === null ? -1
    : Math.floor((performance.now() - state.bgsaveStartedMs) / 1000);
  const fields: InfoFields = [
    ['loading', server.loading ? 1 : 0],
    ['async_loading', 0],
    ['current_cow_peak', jobs.runningSnapshot?.stats.preservedBytesPeak ?? 0],
    ['current_cow_size', jobs.runningSnapshot?.stats.preservedBytes ?? 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', jobs.runningSnapshot?.stats.keysDone ?? 0],
    ['current_save_keys_total', state.saveKeysTotal],
    ['rdb_changes_since_last_save', server.keyspace.dirty],
    ['rdb_bgsave_in_progress', state.bgsaveInProgress ? 1 : 0],
    ['rdb_last_save_time', state.lastSaveSec],
    ['rdb_last_bgsave_status', state.lastBgsaveStatus],
    ['rdb_last_bgsave_time_sec', state.lastBgsaveTimeSec],
    ['rdb_current_bgsave_time_sec', bgsaveRunningSec],
    ['rdb_saves', state.saves],
    ['rdb_last_cow_size', jobs.state.lastCowBytes],
    ['rdb_last_load_keys_expired', state.lastLoadKeysExpired],
    ['rdb_last_load_keys_loaded', state.lastLoadKeysLoaded],
    ...aofInfoFields(aof),
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
    ...aofEnabledInfoFields(aof),
  ];
  if (server.loading) fields.push(...loadingInfoFields(state.loading));
  // Vesta's own: what the fork-less snapshot engine preserved by copy-on-write and how long
  // its longest slice held the event loop, for the running job or else the last one.
  const running = jobs.runningSnapshot?.stats;
  fields.push(
    ['vesta_snapshot_preserved_bytes', running?.preservedBytes ?? 0],
    ['vesta_snapshot_preserved_bytes_peak', running?.preservedBytesPeak ?? jobs.state.lastCowBytes],
    ['vesta_snapshot_slice_max_ms', (running?.sliceMsMax ?? jobs.state.lastSliceMsMax).toFixed(3)],
    ['vesta_snapshot_scan_ms', Math.round(running?.scanMs ?? jobs.state.lastScanMs)],
    ['vesta_snapshot_cut_usec', running?.startUs ?? jobs.state.latestForkUsec],
  );
  return fields;
}

/** The loading_* block, with Redis's percentage and ETA arithmetic. */
function loadingInfoFields(p: LoadingProgress): InfoFields {
  const perc = p.totalBytes === 0 ? 0 : (p.loadedBytes / (p.totalBytes + 1)) * 100;
  const remainingBytes = p.totalBytes === 0 ? 1 : p.totalBytes - p.loadedBytes;
  const elapsedSec = Math.floor(Date.now() / 1000) - p.startSec;
  const etaSec = elapsedSec === 0 ? 1
    : Math.floor((elapsedSec * remainingBytes) / (p.loadedBytes + 1));
  return [
    ['loading_start_time', p.startSec],
    ['loading_total_bytes', p.totalBytes],
    ['loading_rdb_used_mem', p.rdbUsedMemBytes],
    ['loading_loaded_bytes', p.loadedBytes],
    ['loading_loaded_perc', perc.toFixed(2)],
    ['loading_eta_seconds', etaSec],
  ];
}
