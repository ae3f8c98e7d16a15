// The hooks other modules (persistence, blocking, the data-dir lock, metrics) plug into the
// server's event loop and lifecycle. Redis equivalent: the calls beforeSleep(), serverCron(),
// freeClient() and prepareForShutdown() make into the other subsystems.

import type { Client } from './client.js';

/** Work other modules (persistence, pub/sub, blocking) plug into the event loop. */
export interface ServerHooks {
  /** Runs before replies are written; may return a promise that holds the replies back. */
  beforeSleep?(): Promise<void> | null;
  cron?(): void;
  /** A write command changed the dataset: log it (AOF) / send it (replicas). */
  propagate?(dbIndex: number, argv: readonly string[]): void;
  /** Which commands `propagate` takes: 1 the AOF's, 2 the replicas' (scripts' redis.set_repl). */
  propagateTarget?: number;
  /** Whether `propagate` takes commands now (Redis's shouldPropagate); absent: always. */
  propagateActive?(): boolean;
  /** Reason to refuse write commands now (MISCONF), or null. */
  writeDeniedReason?(): string | null;
  /** Reason to refuse commands without the `stale` flag (a replica's MASTERDOWN), or null. */
  staleDeniedReason?(): string | null;
  clientClosed?(c: Client): void;
  /** FLUSHALL happened: Redis saves right away when save points are configured. */
  afterFlushAll?(): void;
  /** Extra per-client cleanup for RESET (pub/sub, blocking). */
  resetClient?(c: Client): void;
  /** CONFIG RESETSTAT: zero the counters INFO shows that this module owns. */
  resetStats?(): void;
  /** Shutdown: save if configured. Throwing aborts a SHUTDOWN without NOSAVE. */
  shutdown?(options: { save: boolean | null }): Promise<void>;
  /** After listeners are closed and clients dropped; release files and locks. */
  closed?(): Promise<void> | void;
}
