// Every command module's handlers, for the command table. Adding a command module means adding
// it here; table.ts asserts each handler matches a Redis 7.0 command spec.

import { aclCommands } from './acl.js';
import { blockingListCommands } from './blocking-list.js';
import { blockingZsetCommands } from './blocking-zset.js';
import { clientUnblockCommands } from './client-unblock.js';
import { clientTrackingCommands } from './client-tracking.js';
import { clientPauseCommands } from './client-pause.js';
import { connectionCommands } from './connection.js';
import { hashCommands } from './hash.js';
import { keyspaceCommands } from './keyspace.js';
import { listCommands } from './list.js';
import { observeCommands } from './observe.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { replicationCommands } from './replication.js';
import { serverCommands } from './server.js';
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
    ...clientTrackingCommands,
    ...clientPauseCommands,
    ...connectionCommands,
    ...hashCommands,
    ...keyspaceCommands,
    ...listCommands,
    ...observeCommands,
    ...persistenceCommands,
    ...pubsubCommands,
    ...replicationCommands,
    ...serverCommands,
    ...setCommands,
    ...stringCommands,
    ...transactionCommands,
    ...zsetCommands,
  ];
}
