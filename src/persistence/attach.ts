// Builds persistence for one server: the RDB policy, the background-job coordinator on one
// fork-less snapshot engine, and the AOF; installs their hooks and the INFO Persistence section.
// Returns them as services for the composition root (src/compose.ts) to hang on the server,
// where commands/ reach them. Redis equivalent: the persistence parts of server.c's
// main/initServer/serverCron/prepareForShutdown.

import { SnapshotEngine } from '../snapshot/engine.js';
import { Aof } from './aof/aof.js';
import { BackgroundJobs } from './bgsave.js';
import type { LogReplayer, PersistenceHost } from './host.js';
import { persistenceInfo, RdbPersistence, RdbState } from './persistence.js';

/** Persistence's services: what commands/ (SAVE, BGSAVE, BGREWRITEAOF, DEBUG) call. */
export interface Persistence {
  readonly rdb: RdbPersistence;
  readonly jobs: BackgroundJobs;
  readonly aof: Aof;
  /** Loads the dataset from disk (AOF or RDB per config). Throws when the files are unusable. */
  load(): Promise<void>;
}

export interface PersistenceOptions {
  /** A fresh replayer for each AOF file loaded (the server's executor as the AOF client). */
  newReplayer: () => LogReplayer;
}

export function attachPersistence(host: PersistenceHost, options: PersistenceOptions): Persistence {
  const state = new RdbState();
  // One snapshot engine and one background job at a time, shared by BGSAVE and BGREWRITEAOF.
  const engine = new SnapshotEngine(host.keyspace);
  // Every slice of a background save or rewrite holds the event loop: LATENCY's rdb-slice.
  engine.onSlice = (ms) => host.latency.addSampleIfNeeded('rdb-slice', ms);
  const jobs = new BackgroundJobs(host, engine, state);
  const rdb = new RdbPersistence(host, state, jobs);
  const aof = new Aof(host, jobs, options.newReplayer);
  host.addInfoFields('persistence', () => persistenceInfo(host, { state, jobs, aof }));
  return {
    rdb,
    jobs,
    aof,
    // appendonly yes: the AOF (falling back to an existing dump when there is no AOF yet).
    load: () => aof.loadAtStartup(() => rdb.loadAtStartup()),
  };
}
