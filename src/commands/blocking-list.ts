// Blocking list commands: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP. Each first tries its
// non-blocking form; when every key is empty it blocks (server/blocking.ts) and later serves
// itself from the key that became ready, replying and propagating the non-blocking form
// (BLPOP -> LPOP key, BLMOVE -> LMOVE ..., BLMPOP -> LPOP key count). Inside MULTI/EXEC they
// never block: the reply is a null (array) right away.
// Redis equivalent: the blocking half of t_list.c and serveClientBlockedOnList in blocked.c.

import { blockingDenied, timeoutOrReply } from '../server/blocking.js';
import type { CommandContext } from './context.js';
import { ListValue, ZSetValue, checkType } from './args.js';
import {
  type ListEnd,
  listEndOrReply,
  listEvent,
  listPopped,
  popEventName,
  lmoveGeneric,
  lmpopFirstNonEmpty,
  moveAndReply,
  mpopArgsOrReply,
  popRangeAndReply,
} from './list.js';
import type { CommandDef } from './types.js';

export const blockingListCommands: CommandDef[] = [
  { name: 'blpop', handler: (c, argv) => blockingPopGeneric(c, argv, 'left') },
  { name: 'brpop', handler: (c, argv) => blockingPopGeneric(c, argv, 'right') },
  { name: 'blmove', handler: blmoveCommand },
  { name: 'brpoplpush', handler: brpoplpushCommand },
  { name: 'blmpop', handler: blmpopCommand },
];

function popWord(end: ListEnd): string {
  return end === 'left' ? 'LPOP' : 'RPOP';
}

/** Replies [key, element] after popping one element from an existing list. */
function popOneWithKey(c: CommandContext, key: string, list: ListValue, end: ListEnd): void {
  c.addReplyArrayLen(2);
  c.addReplyBulk(key);
  c.addReplyBulk((end === 'left' ? list.popFront() : list.popBack()) as string);
  listPopped(c, key, list, 1);
  listEvent(c, popEventName(end), key, list);
}

function blockingPopGeneric(c: CommandContext, argv: string[], end: ListEnd): void {
  blockingPopFirstGeneric(c, argv, {
    type: 'list',
    valueClass: ListValue,
    pop: (client, key, list) => popOneWithKey(client, key, list, end),
    command: popWord(end),
  });
}

/**
 * The shape BLPOP/BRPOP and BZPOPMIN/BZPOPMAX share: pop from the first non-empty key of
 * argv[1..-1] now, or block on all of them until the timeout in the last argument. Either way
 * the pop propagates as `command key` (LPOP, ZPOPMIN, ...), in the popping client's db.
 */
export function blockingPopFirstGeneric<T extends ListValue | ZSetValue>(
  c: CommandContext,
  argv: string[],
  options: {
    type: 'list' | 'zset';
    valueClass: abstract new (...args: never[]) => T;
    pop: (client: CommandContext, key: string, value: T) => void;
    command: string;
  },
): void {
  const timeoutAtMs = timeoutOrReply(c, argv[argv.length - 1] as string);
  if (timeoutAtMs === null) return;
  const ks = c.keyspace;
  const keys = argv.slice(1, -1);
  for (const key of keys) {
    const value = ks.lookupWrite(c.db, key);
    if (!checkType(c, value, options.valueClass)) return;
    if (value === undefined) continue;
    options.pop(c, key, value as T);
    c.propagateArgv = [options.command, key];
    return;
  }
  if (blockingDenied(c)) {
    c.addReplyNullArray();
    return;
  }
  c.services.blocking.block(c, {
    keys,
    timeoutAtMs,
    type: options.type,
    serve: (served, key) => {
      options.pop(served, key, ks.lookupWrite(served.db, key) as T);
      served.services.propagation.propagate(served.dbIndex, [options.command, key]);
    },
  });
}

function blmoveCommand(c: CommandContext, argv: string[]): void {
  const from = listEndOrReply(c, argv[3] as string);
  if (from === null) return;
  const to = listEndOrReply(c, argv[4] as string);
  if (to === null) return;
  blmoveGeneric(c, argv, { from, to, timeoutText: argv[5] as string });
}

function brpoplpushCommand(c: CommandContext, argv: string[]): void {
  blmoveGeneric(c, argv, { from: 'right', to: 'left', timeoutText: argv[3] as string });
}

function blmoveGeneric(
  c: CommandContext,
  argv: string[],
  options: { from: ListEnd; to: ListEnd; timeoutText: string },
): void {
  const timeoutAtMs = timeoutOrReply(c, options.timeoutText);
  if (timeoutAtMs === null) return;
  const ks = c.keyspace;
  const sourceKey = argv[1] as string;
  const destinationKey = argv[2] as string;
  const source = ks.lookupWrite(c.db, sourceKey);
  if (!checkType(c, source, ListValue)) return;
  const { from, to } = options;
  // Redis keeps the direction words as the client typed them, except when it serves a blocked
  // client: then it writes them lower-case.
  const moveArgv = (served: boolean): string[] =>
    argv.length === 4
      ? ['RPOPLPUSH', sourceKey, destinationKey]
      : ['LMOVE', sourceKey, destinationKey, ...(served ? [from, to] : argv.slice(3, 5))];
  if (source !== undefined) {
    lmoveGeneric(c, argv, from, to);
    c.propagateArgv = moveArgv(false);
    return;
  }
  if (blockingDenied(c)) {
    c.addReplyNull();
    return;
  }
  c.services.blocking.block(c, {
    keys: [sourceKey],
    timeoutAtMs,
    type: 'list',
    serve: (served, key) => {
      // The destination's type is checked only now: it may have changed while blocked.
      const target = ks.lookupWrite(served.db, destinationKey);
      if (!checkType(served, target, ListValue)) return;
      const list = ks.lookupWrite(served.db, key) as ListValue;
      moveAndReply(served, { key, list, end: from }, { key: destinationKey, end: to });
      served.services.propagation.propagate(served.dbIndex, moveArgv(true));
    },
  });
}

function blmpopCommand(c: CommandContext, argv: string[]): void {
  const timeoutAtMs = timeoutOrReply(c, argv[1] as string);
  if (timeoutAtMs === null) return;
  const args = mpopArgsOrReply(c, argv, 2, listEndOrReply);
  if (args === null) return;
  if (lmpopFirstNonEmpty(c, args)) return;
  if (blockingDenied(c)) {
    c.addReplyNullArray();
    return;
  }
  const ks = c.keyspace;
  c.services.blocking.block(c, {
    keys: args.keys,
    timeoutAtMs,
    type: 'list',
    serve: (served, key) => {
      served.addReplyArrayLen(2);
      served.addReplyBulk(key);
      const list = ks.lookupWrite(served.db, key) as ListValue;
      const popped = popRangeAndReply(served, key, list, args);
      served.services.propagation.propagate(served.dbIndex, [popWord(args.end), key, String(popped)]);
    },
  });
}
