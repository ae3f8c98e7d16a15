// MULTI / EXEC / DISCARD / WATCH / UNWATCH. Queued commands were checked (arity, existence) when
// queued; EXEC runs them back to back with no other client in between, and propagates them to
// the AOF wrapped in MULTI/EXEC so a crash can never log half a transaction.
// Redis equivalent: multi.c.

import { assert } from '../assert.js';
import { executeCommand, Outcome } from '../server/dispatch.js';
import { ClientFlag, type Client, type QueuedCommand } from '../server/client.js';
import type { CommandDef } from './types.js';

function multiCommand(c: Client): void {
  if (c.has(ClientFlag.multi)) {
    c.addReplyError('ERR MULTI calls can not be nested');
    return;
  }
  c.flags |= ClientFlag.multi;
  c.queue = [];
  c.addReplyOk();
}

export function discardTransaction(c: Client): void {
  c.queue = [];
  c.flags &= ~(ClientFlag.multi | ClientFlag.dirtyCas | ClientFlag.dirtyExec);
  c.server.watches.unwatchAll(c);
}

function discardCommand(c: Client): void {
  if (!c.has(ClientFlag.multi)) {
    c.addReplyError('ERR DISCARD without MULTI');
    return;
  }
  discardTransaction(c);
  c.addReplyOk();
}

function execCommand(c: Client): void {
  if (!c.has(ClientFlag.multi)) {
    c.addReplyError('ERR EXEC without MULTI');
    return;
  }
  const server = c.server;
  server.keyspace.now = Date.now();
  if (c.has(ClientFlag.dirtyExec)) {
    discardTransaction(c);
    c.addReplyError('EXECABORT Transaction discarded because of previous errors.');
    return;
  }
  if (c.has(ClientFlag.dirtyCas) || server.watches.anyWatchedKeyExpired(c)) {
    discardTransaction(c);
    c.addReplyNullArray();
    return;
  }
  const queue = c.queue;
  server.watches.unwatchAll(c);
  c.addReplyArrayLen(queue.length);
  server.beginPropagationBlock();
  // Every queued command passed the executor's checks when it was queued, and the write
  // refusals (MISCONF...) were applied to EXEC as a whole, as Redis does: ClientFlag.exec tells
  // executeCommand to run them without checking (or queueing) again.
  c.flags |= ClientFlag.exec;
  runQueued(c, queue, 0);
}

/**
 * Runs the transaction's commands from `from` on. A script among them that goes past
 * busy-reply-threshold suspends (other clients get -BUSY, SCRIPT KILL works, as in Redis):
 * the rest of the queue then runs when it ended, and EXEC ends after the last command.
 */
function runQueued(c: Client, queue: QueuedCommand[], from: number): void {
  const server = c.server;
  let done = false;
  try {
    for (let i = from; i < queue.length; i++) {
      const outcome = executeCommand(server, c, (queue[i] as QueuedCommand).argv);
      // Skipping one would make the reply shorter than the array length already sent.
      assert(outcome === Outcome.ran, 'a queued command resolves to a handler');
      const execution = server.scripting?.execution ?? null;
      if (execution !== null && execution.busy && execution.caller === c) {
        execution.whenDone(() => {
          runQueued(c, queue, i + 1);
          if (!c.has(ClientFlag.closeAsap)) server.processInputBuffer(c);
        });
        return;
      }
    }
    done = true;
  } finally {
    // An exception ends the transaction too; a suspension leaves it open.
    if (done || server.scripting?.execution?.caller !== c) {
      c.flags &= ~ClientFlag.exec;
      server.endPropagationBlock();
      discardTransaction(c);
    }
  }
}

function watchCommand(c: Client, argv: string[]): void {
  if (c.has(ClientFlag.multi)) {
    c.addReplyError('ERR WATCH inside MULTI is not allowed');
    return;
  }
  for (let i = 1; i < argv.length; i++) c.server.watches.watch(c, c.db, argv[i] as string);
  c.addReplyOk();
}

function unwatchCommand(c: Client): void {
  c.server.watches.unwatchAll(c);
  c.flags &= ~ClientFlag.dirtyCas;
  c.addReplyOk();
}

export const transactionCommands: CommandDef[] = [
  { name: 'multi', admin: multiCommand },
  { name: 'exec', admin: execCommand },
  { name: 'discard', admin: discardCommand },
  { name: 'watch', admin: watchCommand },
  { name: 'unwatch', admin: unwatchCommand },
];
