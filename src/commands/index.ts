// Every command module's handlers, for the command table. Adding a command module means adding
// it here; table.ts asserts each handler matches a Redis 7.0 command spec.

import { connectionCommands } from './connection.js';
import { hashCommands } from './hash.js';
import { keyspaceCommands } from './keyspace.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { serverCommands } from './server.js';
import { setCommands } from './set.js';
import { stringCommands } from './string.js';
import { transactionCommands } from './transaction.js';
import type { CommandDef } from './types.js';
import { zsetCommands } from './zset.js';

export function allCommandDefs(): CommandDef[] {
  return [
    ...connectionCommands,
    ...hashCommands,
    ...keyspaceCommands,
    ...persistenceCommands,
    ...pubsubCommands,
    ...serverCommands,
    ...setCommands,
    ...stringCommands,
    ...transactionCommands,
    ...zsetCommands,
  ];
}
