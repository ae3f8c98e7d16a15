// CLIENT PAUSE, CLIENT UNPAUSE (the pause itself is server/pause.ts) and CLIENT NO-EVICT.
// Redis equivalent: the pause and no-evict branches of clientCommand in networking.c.

import type { Client } from '../server/client.js';
import { PauseType } from '../server/pause.js';
import { parseInt64 } from '../util/numbers.js';
import { SYNTAX, TIMEOUT_NEGATIVE, TIMEOUT_NOT_INTEGER, unknownSubcommandOrArity } from './errors.js';
import { noEvict } from './client-info.js';
import type { CommandDef } from './types.js';


function clientPauseCommand(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    c.addReplyError(unknownSubcommandOrArity(argv[1] as string, 'CLIENT'));
    return;
  }
  let type: number = PauseType.all;
  if (argv.length === 4) {
    const mode = (argv[3] as string).toLowerCase();
    if (mode === 'write') type = PauseType.write;
    else if (mode !== 'all') {
      c.addReplyError('ERR CLIENT PAUSE mode must be WRITE or ALL');
      return;
    }
  }
  const timeout = parseInt64(argv[2] as string);
  if (timeout === null) {
    c.addReplyError(TIMEOUT_NOT_INTEGER);
    return;
  }
  if (timeout < 0) {
    c.addReplyError(TIMEOUT_NEGATIVE);
    return;
  }
  // Redis 7.0 adds the time without a range check: an end past 2^63 wraps negative, so the
  // pause is over at once.
  const end = BigInt.asIntN(64, BigInt(timeout) + BigInt(Date.now()));
  c.server.pause.pause(Number(end), type);
  c.addReplyOk();
}

function clientUnpauseCommand(c: Client): void {
  c.server.pause.unpause();
  c.addReplyOk();
}

function clientNoEvictCommand(c: Client, argv: string[]): void {
  const mode = (argv[2] as string).toLowerCase();
  if (mode === 'on') noEvict.add(c);
  else if (mode === 'off') noEvict.delete(c);
  else {
    c.addReplyError(SYNTAX);
    return;
  }
  c.addReplyOk();
}

export const clientPauseCommands: CommandDef[] = [
  { name: 'client|pause', admin: clientPauseCommand },
  { name: 'client|unpause', admin: clientUnpauseCommand },
  { name: 'client|no-evict', admin: clientNoEvictCommand },
];
