// Persistence commands: SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF, and DEBUG RELOAD / LOADAOF
// (reached through DEBUG). Argument parsing and replies live here; persistence/ (the server's
// `persistence` services) does the work and returns results.
// Redis equivalent: saveCommand, bgsaveCommand, lastsaveCommand in rdb.c,
// bgrewriteaofCommand in aof.c, and DEBUG RELOAD / LOADAOF in debug.c.

import type { Client } from '../server/client.js';
import type { BgsaveStart } from '../persistence/bgsave.js';
import { SYNTAX } from './errors.js';
import type { CommandDef } from './types.js';

const BGSAVE_IN_PROGRESS = 'ERR Background save already in progress';

/** SAVE: a synchronous save; "-ERR" (exactly, as Redis) when it fails, see the log. */
function saveCommand(c: Client): void {
  const p = c.server.persistence;
  if (p === null) {
    c.addReplyError('ERR SAVE is not available on this server');
    return;
  }
  if (p.rdb.state.bgsaveInProgress) {
    c.addReplyError(BGSAVE_IN_PROGRESS);
    return;
  }
  if (p.rdb.saveSync()) c.addReplyOk();
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
  const p = c.server.persistence;
  if (p === null) {
    c.addReplyError('ERR BGSAVE is not available on this server');
    return;
  }
  replyBgsave(c, p.jobs.requestBgsave(schedule));
}

function replyBgsave(c: Client, result: BgsaveStart): void {
  if (typeof result === 'object') c.addReplyError(`ERR ${result.failed}`);
  else if (result === 'started') c.addReplyStatus('Background saving started');
  else if (result === 'scheduled') c.addReplyStatus('Background saving scheduled');
  else if (result === 'already-running') c.addReplyError(BGSAVE_IN_PROGRESS);
  else {
    c.addReplyError("ERR Another child process is active (AOF?): can't BGSAVE right now. Use " +
      'BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.');
  }
}

/** LASTSAVE: Unix time of the last successful save (server start before any). */
function lastsaveCommand(c: Client): void {
  const p = c.server.persistence;
  c.addReplyLongLong(p === null ? Math.floor(c.server.startedAtMs / 1000) : p.rdb.state.lastSaveSec);
}

/** BGREWRITEAOF: compacts the AOF in the background (persistence/aof/aof.ts). */
function bgrewriteaofCommand(c: Client): void {
  const p = c.server.persistence;
  if (p === null) {
    c.addReplyError('ERR AOF is not available on this server');
    return;
  }
  const result = p.aof.requestRewrite();
  if (result === 'already-running') {
    c.addReplyError('ERR Background append only file rewriting already in progress');
  } else if (result === 'scheduled') {
    c.addReplyStatus('Background append only file rewriting scheduled');
  } else if (result === 'started') {
    c.addReplyStatus('Background append only file rewriting started');
  } else {
    c.addReplyError("ERR Can't execute an AOF background rewriting. Please check the server " +
      'logs for more information.');
  }
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, flush, load the dump back. */
export function debugReloadCommand(c: Client, argv: string[]): void {
  const options = { merge: false, flush: true, save: true };
  for (let i = 2; i < argv.length; i++) {
    const option = (argv[i] as string).toLowerCase();
    if (option === 'merge') options.merge = true;
    else if (option === 'noflush') options.flush = false;
    else if (option === 'nosave') options.save = false;
    else {
      c.addReplyError('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
      return;
    }
  }
  const p = c.server.persistence;
  if (p === null) {
    c.addReplyError('ERR DEBUG RELOAD needs persistence, which is not enabled');
    return;
  }
  const result = p.rdb.reload(options);
  if (result === 'ok') c.addReplyOk();
  else if (result === 'save-failed') c.addReplyError('ERR');
  else c.addReplyError('ERR Error trying to load the RDB dump, check server logs.');
}

/** DEBUG LOADAOF: flush the AOF, empty the dataset, load the AOF back. */
export function debugLoadAofCommand(c: Client): void {
  const result = c.server.persistence?.aof.reloadFromDisk() ?? { off: true as const };
  if ('ok' in result) c.addReplyOk();
  else if ('error' in result) c.addReplyError(`ERR Error loading the AOF: ${result.error}`);
  // Redis 7.0 exits here (appendonly no and no AOF in the directory): refused instead.
  else c.addReplyError('ERR DEBUG LOADAOF found no AOF to load (appendonly is no and the AOF directory has no manifest)');
}

export const persistenceCommands: CommandDef[] = [
  { name: 'bgrewriteaof', admin: bgrewriteaofCommand },
  { name: 'save', admin: saveCommand },
  { name: 'bgsave', admin: bgsaveCommand },
  { name: 'lastsave', admin: lastsaveCommand },
];
