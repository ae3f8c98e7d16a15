// Blocking sorted-set pops: BZPOPMIN BZPOPMAX BZMPOP. Like the blocking list commands: pop
// right away when a key has members, otherwise block (server/blocking.ts) and serve from the
// key a ZADD (or any zset creation) made ready; served pops propagate as ZPOPMIN/ZPOPMAX key
// [count]. Inside MULTI/EXEC they reply a null array instead of blocking.
// Redis equivalent: bzpopminCommand, bzmpopCommand and friends in t_zset.c, and
// serveClientBlockedOnSortedSet in blocked.c.

import { assert } from '../assert.js';
import { blockingDenied, timeoutOrReply } from '../server/blocking.js';
import type { CommandContext } from './context.js';
import { ZSetValue, checkType, eqIgnoreCase } from './args.js';
import { SYNTAX } from './errors.js';
import { zsetEvent } from './zset-common.js';
import { blockingPopFirstGeneric } from './blocking-list.js';
import { mpopArgsOrReply } from './list.js';
import type { CommandDef } from './types.js';

type ZEnd = 'min' | 'max';

export const blockingZsetCommands: CommandDef[] = [
  { name: 'bzpopmin', handler: (c, argv) => bzpopGeneric(c, argv, 'min') },
  { name: 'bzpopmax', handler: (c, argv) => bzpopGeneric(c, argv, 'max') },
  { name: 'bzmpop', handler: bzmpopCommand },
];

function popWord(end: ZEnd): string {
  return end === 'min' ? 'ZPOPMIN' : 'ZPOPMAX';
}

/** Removes the lowest or highest member of a non-empty zset. */
function popOne(zset: ZSetValue, end: ZEnd): [string, number] {
  const node = end === 'min' ? zset.first() : zset.last();
  assert(node !== null, 'pop from an empty zset');
  const popped: [string, number] = [node.member, node.score];
  zset.remove(node.member);
  return popped;
}

/** Announces `count` removals from an existing zset, deleting the key when it is now empty. */
function zsetPopped(c: CommandContext, key: string, zset: ZSetValue, count: number): void {
  const ks = c.keyspace;
  if (zset.size === 0) {
    ks.delete(c.db, key);
    if (count > 1) ks.dirty += count - 1;
  } else {
    ks.modified(c.db, key, count);
  }
}

/** BZPOPMIN's reply: [key, member, score]. */
function popOneWithKey(c: CommandContext, key: string, zset: ZSetValue, end: ZEnd): void {
  const [member, score] = popOne(zset, end);
  zsetPopped(c, key, zset, 1);
  zsetEvent(c, end === 'min' ? 'zpopmin' : 'zpopmax', key, zset);
  c.addReplyArrayLen(3);
  c.addReplyBulk(key);
  c.addReplyBulk(member);
  c.addReplyDouble(score);
}

/** BZMPOP's reply: [key, [[member, score]...]]; returns how many were popped. */
function popRangeWithKey(
  c: CommandContext,
  key: string,
  zset: ZSetValue,
  options: { end: ZEnd; count: number },
): number {
  const { end, count } = options;
  const n = Math.min(count, zset.size);
  c.addReplyArrayLen(2);
  c.addReplyBulk(key);
  c.addReplyArrayLen(n);
  for (let i = 0; i < n; i++) {
    const [member, score] = popOne(zset, end);
    c.addReplyArrayLen(2);
    c.addReplyBulk(member);
    c.addReplyDouble(score);
  }
  zsetPopped(c, key, zset, n);
  zsetEvent(c, end === 'min' ? 'zpopmin' : 'zpopmax', key, zset);
  return n;
}

function bzpopGeneric(c: CommandContext, argv: string[], end: ZEnd): void {
  blockingPopFirstGeneric(c, argv, {
    type: 'zset',
    valueClass: ZSetValue,
    pop: (client, key, zset) => popOneWithKey(client, key, zset, end),
    command: popWord(end),
  });
}

function zEndOrReply(c: CommandContext, text: string): ZEnd | null {
  if (eqIgnoreCase(text, 'MIN')) return 'min';
  if (eqIgnoreCase(text, 'MAX')) return 'max';
  c.addReplyError(SYNTAX);
  return null;
}

function bzmpopCommand(c: CommandContext, argv: string[]): void {
  const timeoutAtMs = timeoutOrReply(c, argv[1] as string);
  if (timeoutAtMs === null) return;
  const args = mpopArgsOrReply(c, argv, 2, zEndOrReply);
  if (args === null) return;
  const ks = c.keyspace;
  for (const key of args.keys) {
    const value = ks.lookupWrite(c.db, key);
    if (!checkType(c, value, ZSetValue)) return;
    if (value === undefined) continue;
    const popped = popRangeWithKey(c, key, value as ZSetValue, args);
    c.propagateArgv = [popWord(args.end), key, String(popped)];
    return;
  }
  if (blockingDenied(c)) {
    c.addReplyNullArray();
    return;
  }
  c.services.blocking.block(c, {
    keys: args.keys,
    timeoutAtMs,
    type: 'zset',
    serve: (served, key) => {
      const zset = ks.lookupWrite(served.db, key) as ZSetValue;
      const popped = popRangeWithKey(served, key, zset, args);
      served.services.propagation.propagate(served.dbIndex, [popWord(args.end), key, String(popped)]);
    },
  });
}
