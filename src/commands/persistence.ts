// Persistence commands: SAVE and LASTSAVE. Thin handlers over persistence/persistence.ts, which
// owns the save policy and state; BGSAVE joins them with the snapshot engine (issue 5).
// Redis equivalent: saveCommand and lastsaveCommand in rdb.c.

import type { Client } from '../server/client.js';
import { rdbState, saveSync } from '../persistence/persistence.js';
import { backgroundJobsOf } from '../persistence/bgsave.js';
import { SYNTAX } from './errors.js';
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

/** BGSAVE [SCHEDULE]: a point-in-time dump written in the background (persistence/bgsave.ts). */
function bgsaveCommand(c: Client, argv: string[]): void {
  let schedule = false;
  if (argv.length === 2) {
    if ((argv[1] as string).toUpperCase() !== 'SCHEDULE') {
      c.addReplyError(SYNTAX);
      return;
    }
    schedule = true;
  } else if (argv.length > 2) {
    c.addReplyError(SYNTAX);
    return;
  }
  const jobs = backgroundJobsOf(c.server);
  if (jobs === undefined) {
    c.addReplyError('ERR BGSAVE is not available on this server');
    return;
  }
  const result = jobs.bgsaveCommandReply(schedule);
  if ('ok' in result) c.addReplyStatus(result.ok);
  else c.addReplyError(result.error);
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
  { name: 'bgsave', handler: bgsaveCommand },
  { name: 'lastsave', handler: lastsaveCommand },
];
