// The composition root: builds a Server and wires its services (persistence, replication,
// MIGRATE's link cache; the scripting engine next) as explicit fields, so no module keeps
// state about a server on the side. The only file that knows both the server and the layers
// below it that must not know the server (persistence/ gets a PersistenceHost and a command
// replayer built here on the executor). The Server's constructor wires the services it owns,
// and the narrow set data commands see (Server#services, commands/context.ts).
// Redis equivalent: initServer() in server.c.

import type { Config } from './config/config.js';
import type { Logger } from './observe/log.js';
import type { LogReplayer, ReplayOutcome } from './persistence/host.js';
import { attachPersistence } from './persistence/attach.js';
import { AOF_CALLER } from './server/caller.js';
import { executeCommand, findCommand, Outcome } from './server/dispatch.js';
import { Server } from './server/server.js';
import { attachReplication } from './replication/replication.js';
import { MigrateLinks } from './commands/migrate.js';

/** A server with its services wired. */
export function composeServer(config: Config, log: Logger): Server {
  const server = new Server(config, log);
  server.persistence = attachPersistence(server, { newReplayer: () => aofReplayer(server) });
  server.replication = attachReplication(server);
  server.migrateLinks = new MigrateLinks();
  return server;
}

/** Replays logged commands through the executor as Redis's fake AOF client (AOF_CALLER). */
export function aofReplayer(server: Server): LogReplayer {
  const c = server.createInternalClient(AOF_CALLER);
  return {
    run: (argv): ReplayOutcome => {
      const outcome = executeCommand(server, c, argv);
      if (outcome === Outcome.unknown) return 'unknown';
      return outcome === Outcome.arity ? 'arity' : 'ran';
    },
    commandName: (argv) => findCommand(server, argv)?.fullName ?? (argv[0] as string),
  };
}
