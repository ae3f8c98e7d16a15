// The embedding API: run Vesta inside a Node program.
//
//   import { startServer } from 'vestadb';
//   const vesta = await startServer({ port: 0, save: '', appendonly: false });
//   // ... connect with any Redis client to 127.0.0.1:vesta.port ...
//   await vesta.close();

import { configFromObject } from './config/parse.js';
import { startFromConfig, type StartOptions } from './main.js';
import type { Server } from './server/server.js';

export type Directives = Readonly<Record<string, string | number | boolean | readonly string[]>>;

export interface VestaHandle {
  /** The TCP port listened on (resolved when `port: 0` asked for a free one). */
  readonly port: number;
  readonly host: string;
  readonly server: Server;
  /** Stops accepting, closes clients, saves if configured (or per `save`), releases files. */
  close(options?: { save?: boolean }): Promise<void>;
}

/**
 * Starts a server in this process with redis.conf directives given as an object, e.g.
 * `{ port: 0, dir: '/tmp/vesta', appendonly: false, save: '' }`. Logging is off unless
 * `log` is set ('config' honours logfile/stdout; a function receives each line).
 */
export async function startServer(directives: Directives = {}, options: StartOptions = {}): Promise<VestaHandle> {
  const config = configFromObject(directives);
  const server = await startFromConfig(config, { log: options.log ?? false });
  const host = config.bind()[0]?.replace(/^-/, '') ?? '127.0.0.1';
  return {
    port: server.ports[0] ?? config.num('port'),
    host,
    server,
    close: async (closeOptions = {}) => {
      await server.shutdown({ save: closeOptions.save ?? null, reason: 'Embedded host requested shutdown' });
    },
  };
}

export type { Server };
export { Config } from './config/config.js';
