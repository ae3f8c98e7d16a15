// Persistence commands: SAVE and LASTSAVE. Thin handlers over persistence/persistence.ts, which
// owns the save policy and state; BGSAVE joins them with the snapshot engine (issue 5).
// Redis equivalent: saveCommand and lastsaveCommand in rdb.c.

import type { Client } from '../server/client.js';
import { rdbState, saveSync } from '../persistence/persistence.js';
import { aofOf } from '../persistence/aof/aof.js';
import type { CommandDef } from './types.js';

/** SAVE: a synchronous save; "-ERR" (exactly, as Redis) when it fails, see the log. */
function saveCommand(c: Client): void {
  if (rdbState(c.server).bgsaveInProgress) {
    c.addReplyError('ERR Background save already in progress');
    return;
  }
  if (saveSync(c.server)) c.addReplyOk();
  else c.addReplyError('ERR');
}

/** LASTSAVE: Unix time of the last successful save (server start before any). */
function lastsaveCommand(c: Client): void {
  c.addReplyLongLong(rdbState(c.server).lastSaveSec);
}

/** BGREWRITEAOF: compacts the AOF in the background (persistence/aof/aof.ts). */
function bgrewriteaofCommand(c: Client): void {
  const aof = aofOf(c.server);
  if (aof === undefined) c.addReplyError('ERR AOF is not available on this server');
  else aof.bgrewriteaofCommand(c);
}

export const persistenceCommands: CommandDef[] = [
  { name: 'bgrewriteaof', handler: bgrewriteaofCommand },
  { name: 'save', handler: saveCommand },
  { name: 'lastsave', handler: lastsaveCommand },
];
