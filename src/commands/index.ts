// Every command module's handlers, for the command table. Adding a command module means adding
// it here; table.ts asserts each handler matches a Redis 7.0 command spec.

import { aclCommands } from './acl.js';
import { blockingListCommands } from './blocking-list.js';
import { blockingZsetCommands } from './blocking-zset.js';
import { clientUnblockCommands } from './client-unblock.js';
import { connectionCommands } from './connection.js';
import { functionCommands } from './function.js';
import { hashCommands } from './hash.js';
import { keyspaceCommands } from './keyspace.js';
import { listCommands } from './list.js';
import { observeCommands } from './observe.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { serverCommands } from './server.js';
import { scriptingCommands } from './scripting.js';
import { setCommands } from './set.js';
import { stringCommands } from './string.js';
import { transactionCommands } from './transaction.js';
import type { CommandDef } from './types.js';
import { zsetCommands } from './zset.js';

export function allCommandDefs(): CommandDef[] {
  return [
    ...aclCommands,
    ...blockingListCommands,
    ...blockingZsetCommands,
    ...clientUnblockCommands,
    ...connectionCommands,
    ...functionCommands,
    ...hashCommands,
    ...keyspaceCommands,
    ...listCommands,
    ...observeCommands,
    ...persistenceCommands,
    ...pubsubCommands,
    ...serverCommands,
    ...scriptingCommands,
    ...setCommands,
    ...stringCommands,
    ...transactionCommands,
    ...zsetCommands,
  ];
}
