// What a command handler is, and the flags dispatch reads. Handlers are synchronous: no await
// between reading and writing the keyspace, so a handler sees a keyspace nobody else changes.
// A data command's handler gets a CommandContext (commands/context.ts: the keyspace, config,
// replies and named services, not the server); an admin command's gets the Client itself,
// whose `server` is the whole server (only the files tidy allows register `admin` handlers).

import type { Client } from '../server/client.js';
import type { CommandContext } from './context.js';

export type { CommandContext, CommandServices } from './context.js';

export type Handler = (c: CommandContext, argv: string[]) => void;

/** An admin command's handler: it manages the server itself (CONFIG, CLIENT, DEBUG...). */
export type AdminHandler = (c: Client, argv: string[]) => void;

export type CommandDef =
  | {
    /** Lower-case name, or "parent|sub" for a subcommand. */
    name: string;
    handler: Handler;
  }
  | {
    name: string;
    /** Registered only from the admin files test/tidy.test.ts lists. */
    admin: AdminHandler;
  };

/** The handler dispatch calls: either kind takes the Client (which satisfies CommandContext). */
export type AnyHandler = (c: Client, argv: string[]) => void;
