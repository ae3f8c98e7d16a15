// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's wait in a blocking command, with
// the timeout reply or an UNBLOCKED error. Replies 1 when that client was blocked on keys or
// in WAIT.
// Redis equivalent: the "unblock" branch of clientCommand in networking.c.

import type { Client } from '../server/client.js';
import { eqIgnoreCase, int64OrReply } from './args.js';
import type { CommandDef } from './types.js';
import { unknownSubcommandOrArity } from './errors.js';

export const clientUnblockCommands: CommandDef[] = [
  { name: 'client|unblock', admin: clientUnblockCommand },
];

function clientUnblockCommand(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    const sub = argv[1] as string;
    c.addReplyError(
      unknownSubcommandOrArity(sub, 'CLIENT'),
    );
    return;
  }
  const id = int64OrReply(c, argv[2] as string);
  if (id === null) return;
  let error = false;
  if (argv.length === 4) {
    const reason = argv[3] as string;
    if (eqIgnoreCase(reason, 'ERROR')) error = true;
    else if (!eqIgnoreCase(reason, 'TIMEOUT')) {
      c.addReplyError('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      return;
    }
  }
  const target = typeof id === 'number' ? c.server.clients.get(id) : undefined;
  const unblocked = target !== undefined && (c.server.blocking.unblockByRequest(target, error) ||
    (c.server.replication?.unblockWait(target, error) ?? false));
  c.addReplyLongLong(unblocked ? 1 : 0);
}
