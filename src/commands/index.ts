// Every command module's handlers, for the command table. Adding a command module means adding
// it here; table.ts asserts each handler matches a Redis 7.0 command spec.

import { connectionCommands } from './connection.js';
import { keyspaceCommands } from './keyspace.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { serverCommands } from './server.js';
import { stringCommands } from './string.js';
import { transactionCommands } from './transaction.js';
import type { CommandDef } from './types.js';
import { zsetCommands } from './zset.js';

export function allCommandDefs(): CommandDef[] {
  return [
    ...connectionCommands,
    ...keyspaceCommands,
    ...persistenceCommands,
    ...pubsubCommands,
    ...serverCommands,
    ...stringCommands,
    ...transactionCommands,
    ...zsetCommands,
  ];
}
