// Wires persistence (RDB now; AOF and the snapshot engine as they land) into a server: loading
// at start, save points, SAVE/BGSAVE, shutdown saves, INFO persistence.
// Redis equivalent: the persistence parts of server.c's main/serverCron/prepareForShutdown.

import type { Server } from '../server/server.js';
import { attachRdb } from './persistence.js';

export interface Persistence {
  /** Loads the dataset from disk (AOF or RDB per config). Throws when the files are unusable. */
  load(): Promise<void>;
}

export function attachPersistence(server: Server): Persistence {
  const rdb = attachRdb(server);
  return {
    load: async () => {
      // TODO(issue 6): with appendonly yes the AOF (with its RDB preamble) is loaded instead.
      if (!server.config.bool('appendonly')) await rdb.load();
    },
  };
}
