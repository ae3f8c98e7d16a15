// Every command module's handlers, for the command table. Adding a command module means adding
// it here; table.ts asserts each handler matches a Redis 7.0 command spec.

import { aclCommands } from './acl.js';
import { bitfieldCommands } from './bitfield.js';
import { bitmapCommands } from './bitmap.js';
import { blockingListCommands } from './blocking-list.js';
import { blockingZsetCommands } from './blocking-zset.js';
import { clientUnblockCommands } from './client-unblock.js';
import { clientTrackingCommands } from './client-tracking.js';
import { clientPauseCommands } from './client-pause.js';
import { connectionCommands } from './connection.js';
import { geoCommands } from './geo.js';
import { dumpCommands } from './dump.js';
import { functionCommands } from './function.js';
import { hashCommands } from './hash.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { keyspaceCommands } from './keyspace.js';
import { lcsCommands } from './lcs.js';
import { listCommands } from './list.js';
import { memoryCommands } from './memory.js';
import { migrateCommands } from './migrate.js';
import { observeCommands } from './observe.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { replicationCommands } from './replication.js';
import { serverCommands } from './server.js';
import { scriptingCommands } from './scripting.js';
import { setCommands } from './set.js';
import { sortCommands } from './sort.js';
import { stringCommands } from './string.js';
import { streamCommands } from './stream.js';
import { streamGroupCommands } from './stream-group.js';
import { streamInfoCommands } from './stream-info.js';
import { streamReadCommands } from './stream-read.js';
import { transactionCommands } from './transaction.js';
import type { CommandDef } from './types.js';
import { zsetCommands } from './zset.js';

export function allCommandDefs(): CommandDef[] {
  return [
    ...aclCommands,
    ...bitfieldCommands,
    ...bitmapCommands,
    ...blockingListCommands,
    ...blockingZsetCommands,
    ...clientUnblockCommands,
    ...clientTrackingCommands,
    ...clientPauseCommands,
    ...connectionCommands,
    ...dumpCommands,
    ...geoCommands,
    ...functionCommands,
    ...hashCommands,
    ...hyperloglogCommands,
    ...keyspaceCommands,
    ...lcsCommands,
    ...listCommands,
    ...memoryCommands,
    ...migrateCommands,
    ...observeCommands,
    ...persistenceCommands,
    ...pubsubCommands,
    ...replicationCommands,
    ...serverCommands,
    ...scriptingCommands,
    ...setCommands,
    ...sortCommands,
    ...stringCommands,
    ...streamCommands,
    ...streamGroupCommands,
    ...streamInfoCommands,
    ...streamReadCommands,
    ...transactionCommands,
    ...zsetCommands,
  ];
}
