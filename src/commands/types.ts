// What a command handler is, and the flags dispatch reads. Handlers are synchronous: no await
// between reading and writing the keyspace, so a handler sees a keyspace nobody else changes.

import type { Client } from '../server/client.js';

export type Handler = (c: Client, argv: string[]) => void;

export interface CommandDef {
  /** Lower-case name, or "parent|sub" for a subcommand. */
  name: string;
  handler: Handler;
}
