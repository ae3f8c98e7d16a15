// Wires persistence (RDB now; AOF and the snapshot engine as they land) into a server: loading
// at start, save points, SAVE/BGSAVE, shutdown saves, INFO persistence.
// Redis equivalent: the persistence parts of server.c's main/serverCron/prepareForShutdown.

import type { Server } from '../server/server.js';
import { SnapshotEngine } from '../snapshot/engine.js';
import { Aof } from './aof/aof.js';
import { BackgroundJobs } from './bgsave.js';
import { logLoadFailure } from './load-failure.js';
import { attachRdb, rdbState } from './persistence.js';

export interface Persistence {
  /** Loads the dataset from disk (AOF or RDB per config). Throws when the files are unusable. */
  load(): Promise<void>;
}

export function attachPersistence(server: Server): Persistence {
  const rdb = attachRdb(server);
  // One snapshot engine and one background job at a time, shared by BGSAVE and BGREWRITEAOF.
  const engine = new SnapshotEngine(server.keyspace);
  // Every slice of a background save or rewrite holds the event loop: LATENCY's rdb-slice.
  engine.onSlice = (ms) => server.latency.addSampleIfNeeded('rdb-slice', ms);
  const jobs = new BackgroundJobs(server, engine, rdbState(server));
  const aof = new Aof(server, jobs);
  return {
    // appendonly yes: the AOF (falling back to an existing dump when there is no AOF yet).
    load: async () => {
      try {
        await aof.loadAtStartup(() => rdb.load());
      } catch (error: unknown) {
        logLoadFailure(server.log, error);
        throw error;
      }
    },
  };
}
