// What persistence needs from the server it runs in, as structural types: the config, the log,
// the keyspace, the loading flag, a few counters, event-loop hooks, INFO fields, and a way to
// replay a logged command. persistence/ never imports server/ or commands/ (tidy checks): the
// server satisfies PersistenceHost as it is, and the composition root (src/compose.ts) hands
// in the command replayer built on the server's executor. Redis equivalent: none (Redis's
// persistence reads the global `server`); this is the seam that keeps the layers apart.

import type { Config } from '../config/config.js';
import type { InfoFields } from '../observe/info.js';
import type { Logger } from '../observe/log.js';
import type { Keyspace } from '../store/keyspace.js';
import type { DumpReplInfo } from './rdb/repl-info.js';

/** Event-loop work persistence plugs into the server (a subset of the server's hooks). */
export interface PersistenceHooks {
  /** Runs before replies are written; may return a promise that holds the replies back. */
  beforeSleep?(): Promise<void> | null;
  cron?(): void;
  /** A write command changed the dataset: log it. */
  propagate?(dbIndex: number, argv: readonly string[]): void;
  /** Which commands `propagate` takes: 1 the AOF's, 2 the replicas' (scripts' redis.set_repl). */
  propagateTarget?: number;
  /** Whether `propagate` takes commands now (Redis's shouldPropagate); absent: always. */
  propagateActive?(): boolean;
  /** Reason to refuse write commands now (MISCONF), or null. */
  writeDeniedReason?(): string | null;
  /** FLUSHALL happened: Redis saves right away when save points are configured. */
  afterFlushAll?(): void;
  /** CONFIG RESETSTAT: zero the counters INFO shows that persistence owns. */
  resetStats?(): void;
  /** Shutdown: save if configured. Throwing aborts a SHUTDOWN without NOSAVE. */
  shutdown?(options: { save: boolean | null }): Promise<void>;
  /** After listeners are closed and clients dropped; release files and locks. */
  closed?(): Promise<void> | void;
}

export interface PersistenceHost {
  readonly config: Config;
  readonly log: Logger;
  readonly keyspace: Keyspace;
  /** The replication fields of dumps: what saves record, what the last load found. */
  readonly replInfo: DumpReplInfo;
  /** True while the dataset loads: clients get -LOADING, cron skips saves. */
  loading: boolean;
  /** LATENCY events (aof-write, rdb-slice...). */
  readonly latency: { addSampleIfNeeded(event: string, ms: number): void };
  /** INFO stats' latest_fork_usec / total_forks, set when a background job starts. */
  readonly forkStats: { latestForkUsec: number; totalForks: number };
  /** Commands processed so far: background jobs pace themselves while clients are served. */
  readonly stats: { readonly commandsProcessed: number };
  addHooks(hooks: PersistenceHooks): void;
  /** Adds fields to an INFO section (persistence adds the whole Persistence section). */
  addInfoFields(section: string, provider: () => InfoFields): void;
  /** The function libraries' code, saved in RDB files and AOF bases before the keys. */
  functionCodes(): string[];
  /** Installs a library read from a file (replacing a same-named one): an error text or null. */
  loadFunctionLibrary(code: string): string | null;
}

/** How replaying one logged command ended (see LogReplayer). */
export type ReplayOutcome = 'ran' | 'unknown' | 'arity';

/**
 * Runs the commands of an AOF, one at a time, as Redis's fake AOF client does: through the
 * server's executor with no checks, no propagation, replies discarded. One per file loaded.
 */
export interface LogReplayer {
  run(argv: string[]): ReplayOutcome;
  /** The command's full name for messages ("config|set"), or argv[0] when unknown. */
  commandName(argv: readonly string[]): string;
}
