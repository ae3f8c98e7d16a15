// List commands (non-blocking): LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET
// LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP. A list that becomes empty is deleted; a list
// key created here wakes clients blocked on it (the keyspace's keyReady hook). The blocking
// forms live in blocking-list.ts and share the pop/move helpers exported here.
// Redis equivalent: t_list.c (the non-blocking half). OBJECT ENCODING is always "quicklist".

import type { CommandContext } from './context.js';
import { ListValue, checkType, eqIgnoreCase, int64OrReply, longOrReply } from './args.js';
import { INDEX_OUT_OF_RANGE, MUST_BE_POSITIVE, NO_SUCH_KEY, SYNTAX, wrongArity, COUNT_NOT_POSITIVE, NUMKEYS_NOT_POSITIVE } from './errors.js';
import type { CommandDef } from './types.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';

export type ListEnd = 'left' | 'right';

export const listCommands: CommandDef[] = [
  { name: 'lpush', handler: (c, argv) => pushGeneric(c, argv, 'left', false) },
  { name: 'rpush', handler: (c, argv) => pushGeneric(c, argv, 'right', false) },
  { name: 'lpushx', handler: (c, argv) => pushGeneric(c, argv, 'left', true) },
  { name: 'rpushx', handler: (c, argv) => pushGeneric(c, argv, 'right', true) },
  { name: 'lpop', handler: (c, argv) => popGeneric(c, argv, 'left') },
  { name: 'rpop', handler: (c, argv) => popGeneric(c, argv, 'right') },
  { name: 'llen', handler: llenCommand },
  { name: 'lrange', handler: lrangeCommand },
  { name: 'lindex', handler: lindexCommand },
  { name: 'lset', handler: lsetCommand },
  { name: 'linsert', handler: linsertCommand },
  { name: 'lrem', handler: lremCommand },
  { name: 'ltrim', handler: ltrimCommand },
  { name: 'lpos', handler: lposCommand },
  { name: 'lmove', handler: lmoveCommand },
  { name: 'rpoplpush', handler: (c, argv) => lmoveGeneric(c, argv, 'right', 'left') },
  { name: 'lmpop', handler: lmpopCommand },
];

// ------------------------------------------------------------------ shared helpers

/** LEFT / RIGHT (any case), or null after replying a syntax error. */
export function listEndOrReply(c: CommandContext, text: string): ListEnd | null {
  if (eqIgnoreCase(text, 'LEFT')) return 'left';
  if (eqIgnoreCase(text, 'RIGHT')) return 'right';
  c.addReplyError(SYNTAX);
  return null;
}

function pop(list: ListValue, end: ListEnd): string {
  return (end === 'left' ? list.popFront() : list.popBack()) as string;
}

function push(list: ListValue, end: ListEnd, value: string): void {
  if (end === 'left') list.pushFront(value);
  else list.pushBack(value);
}

/** The keyspace events of a change to `key`'s list: `event`, then `del` if it emptied the list. */
export function listEvent(c: CommandContext, event: string, key: string, list: ListValue): void {
  notifyKeyspaceEvent(c, NOTIFY.list, event, key);
  if (list.length === 0) notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
}

export function popEventName(end: ListEnd): string {
  return end === 'left' ? 'lpop' : 'rpop';
}

/**
 * After popping `count` elements from an existing list: announces the change, or deletes the
 * key when the list is now empty (Redis never keeps an empty list).
 */
export function listPopped(c: CommandContext, key: string, list: ListValue, count: number): void {
  const ks = c.keyspace;
  if (list.length === 0) {
    ks.delete(c.db, key);
    if (count > 1) ks.dirty += count - 1;
  } else {
    ks.modified(c.db, key, count);
  }
}

/** Pops up to `count` elements from `key` (an existing list) and replies them as an array. */
export function popRangeAndReply(
  c: CommandContext,
  key: string,
  list: ListValue,
  options: { end: ListEnd; count: number },
): number {
  const { end, count } = options;
  const n = Math.min(count, list.length);
  c.addReplyArrayLen(n);
  for (let i = 0; i < n; i++) c.addReplyBulk(pop(list, end));
  listPopped(c, key, list, n);
  listEvent(c, popEventName(end), key, list);
  return n;
}

/**
 * Moves one element from `source` (an existing, non-empty list) to the `destination` key,
 * whose type the caller has checked, and replies it. Returns the element.
 */
export function moveAndReply(
  c: CommandContext,
  source: { key: string; list: ListValue; end: ListEnd },
  destination: { key: string; end: ListEnd },
): string {
  const ks = c.keyspace;
  const value = pop(source.list, source.end);
  const target = ks.lookupWrite(c.db, destination.key);
  if (target === undefined) {
    const created = new ListValue();
    created.pushBack(value);
    // The source is deleted before the destination is created, as Redis orders it when the
    // source had one element; neither key can be the other here (a source == destination
    // list is never empty after the push).
    listPopped(c, source.key, source.list, 1);
    ks.add(c.db, destination.key, created);
  } else {
    push(target as ListValue, destination.end, value);
    ks.modified(c.db, destination.key);
    if (target !== source.list) listPopped(c, source.key, source.list, 1);
  }
  // Redis's order: the push on the destination (after its `new`), then the source's pop and del.
  notifyKeyspaceEvent(c, NOTIFY.list, destination.end === 'left' ? 'lpush' : 'rpush', destination.key);
  listEvent(c, popEventName(source.end), source.key, source.list);
  c.addReplyBulk(value);
  return value;
}

// ------------------------------------------------------------------ push and pop

function pushGeneric(c: CommandContext, argv: string[], end: ListEnd, onlyIfExists: boolean): void {
  const ks = c.keyspace;
  const key = argv[1] as string;
  const value = ks.lookupWrite(c.db, key);
  if (!checkType(c, value, ListValue)) return;
  const count = argv.length - 2;
  if (value === undefined) {
    if (onlyIfExists) {
      c.addReplyLongLong(0);
      return;
    }
    const list = new ListValue();
    for (let i = 2; i < argv.length; i++) push(list, end, argv[i] as string);
    ks.add(c.db, key, list);
    if (count > 1) ks.dirty += count - 1;
    notifyKeyspaceEvent(c, NOTIFY.list, end === 'left' ? 'lpush' : 'rpush', key);
    c.addReplyLongLong(list.length);
    return;
  }
  const list = value as ListValue;
  for (let i = 2; i < argv.length; i++) push(list, end, argv[i] as string);
  ks.modified(c.db, key, count);
  notifyKeyspaceEvent(c, NOTIFY.list, end === 'left' ? 'lpush' : 'rpush', key);
  c.addReplyLongLong(list.length);
}

function popGeneric(c: CommandContext, argv: string[], end: ListEnd): void {
  if (argv.length > 3) {
    c.addReplyError(wrongArity(argv[0]?.toLowerCase() ?? ''));
    return;
  }
  const key = argv[1] as string;
  let count = -1;
  if (argv.length === 3) {
    const parsed = int64OrReply(c, argv[2] as string, MUST_BE_POSITIVE);
    if (parsed === null) return;
    if (parsed < 0) {
      c.addReplyError(MUST_BE_POSITIVE);
      return;
    }
    count = typeof parsed === 'bigint' ? Number.MAX_SAFE_INTEGER : parsed;
  }
  const value = c.keyspace.lookupWrite(c.db, key);
  if (value === undefined) {
    if (count >= 0) c.addReplyNullArray();
    else c.addReplyNull();
    return;
  }
  if (!checkType(c, value, ListValue)) return;
  const list = value as ListValue;
  if (count < 0) {
    c.addReplyBulk(pop(list, end));
    listPopped(c, key, list, 1);
    listEvent(c, popEventName(end), key, list);
    return;
  }
  if (count === 0) {
    c.addReplyArrayLen(0);
    return;
  }
  popRangeAndReply(c, key, list, { end, count });
}

// ------------------------------------------------------------------ reads

/** The list at `key` for reading: undefined when missing, null after a WRONGTYPE reply. */
function readList(c: CommandContext, key: string): ListValue | undefined | null {
  const value = c.keyspace.lookupRead(c.db, key);
  if (!checkType(c, value, ListValue)) return null;
  return value as ListValue | undefined;
}

function llenCommand(c: CommandContext, argv: string[]): void {
  const list = readList(c, argv[1] as string);
  if (list === null) return;
  c.addReplyLongLong(list?.length ?? 0);
}

function lrangeCommand(c: CommandContext, argv: string[]): void {
  const start = longOrReply(c, argv[2] as string);
  if (start === null) return;
  const stop = longOrReply(c, argv[3] as string);
  if (stop === null) return;
  const list = readList(c, argv[1] as string);
  if (list === null) return;
  if (list === undefined) {
    c.addReplyArrayLen(0);
    return;
  }
  const length = list.length;
  let first = start < 0 ? length + start : start;
  let last = stop < 0 ? length + stop : stop;
  if (first < 0) first = 0;
  if (first > last || first >= length) {
    c.addReplyArrayLen(0);
    return;
  }
  if (last >= length) last = length - 1;
  c.addReplyArrayLen(last - first + 1);
  for (let i = first; i <= last; i++) c.addReplyBulk(list.at(i) as string);
}

function lindexCommand(c: CommandContext, argv: string[]): void {
  const list = readList(c, argv[1] as string);
  if (list === null) return;
  if (list === undefined) {
    c.addReplyNull();
    return;
  }
  const index = longOrReply(c, argv[2] as string);
  if (index === null) return;
  c.addReplyBulkOrNull(list.at(index < 0 ? list.length + index : index));
}

function lposCommand(c: CommandContext, argv: string[]): void {
  const options = lposOptionsOrReply(c, argv);
  if (options === null) return;
  const list = readList(c, argv[1] as string);
  if (list === null) return;
  if (list === undefined) {
    if (options.count !== null) c.addReplyArrayLen(0);
    else c.addReplyNull();
    return;
  }
  const element = argv[2] as string;
  const length = list.length;
  const fromTail = options.rank < 0;
  let skip = Math.abs(options.rank) - 1;
  const want = options.count ?? 1;
  const found: number[] = [];
  const limit = options.maxlen === 0 ? length : Math.min(options.maxlen, length);
  for (let step = 0; step < limit; step++) {
    const index = fromTail ? length - 1 - step : step;
    if (list.at(index) !== element) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    found.push(index);
    if (want !== 0 && found.length === want) break;
  }
  if (options.count === null) {
    if (found.length === 0) c.addReplyNull();
    else c.addReplyLongLong(found[0] as number);
    return;
  }
  c.addReplyArrayLen(found.length);
  for (const index of found) c.addReplyLongLong(index);
}

interface LposOptions {
  rank: number;
  count: number | null;
  maxlen: number;
}

const RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
  'or use negative to start from the end of the list';

function lposOptionsOrReply(c: CommandContext, argv: string[]): LposOptions | null {
  const options: LposOptions = { rank: 1, count: null, maxlen: 0 };
  for (let i = 3; i < argv.length; i += 2) {
    const name = argv[i] as string;
    const text = argv[i + 1];
    if (text === undefined) {
      c.addReplyError(SYNTAX);
      return null;
    }
    if (eqIgnoreCase(name, 'RANK')) {
      const rank = int64OrReply(c, text);
      if (rank === null) return null;
      if (rank === 0) {
        c.addReplyError(RANK_ZERO);
        return null;
      }
      // 7.0 negates the rank in 64-bit arithmetic: LLONG_MIN stays negative, so the first
      // match from the tail is taken. Other out-of-safe-range ranks can never match.
      if (rank === -(2n ** 63n)) options.rank = -1;
      else if (typeof rank === 'bigint') options.rank = rank > 0n ? 2 ** 53 : -(2 ** 53);
      else options.rank = rank;
    } else if (eqIgnoreCase(name, 'COUNT') || eqIgnoreCase(name, 'MAXLEN')) {
      const upper = name.toUpperCase();
      const value = nonNegativeOrReply(c, text, `ERR ${upper} can't be negative`);
      if (value === null) return null;
      if (upper === 'COUNT') options.count = value;
      else options.maxlen = value;
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  return options;
}

/** A count in [0, LLONG_MAX]; both parse errors and negatives reply `error`. */
function nonNegativeOrReply(c: CommandContext, text: string, error: string): number | null {
  const value = int64OrReply(c, text, error);
  if (value === null) return null;
  if (value < 0) {
    c.addReplyError(error);
    return null;
  }
  return typeof value === 'bigint' ? Number.MAX_SAFE_INTEGER : value;
}

// ------------------------------------------------------------------ in-place writes

/** The list at `key` for writing: undefined when missing, null after a WRONGTYPE reply. */
function writeList(c: CommandContext, key: string): ListValue | undefined | null {
  const value = c.keyspace.lookupWrite(c.db, key);
  if (!checkType(c, value, ListValue)) return null;
  return value as ListValue | undefined;
}

function lsetCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const list = writeList(c, key);
  if (list === null) return;
  if (list === undefined) {
    c.addReplyError(NO_SUCH_KEY);
    return;
  }
  const index = longOrReply(c, argv[2] as string);
  if (index === null) return;
  const position = index < 0 ? list.length + index : index;
  if (position < 0 || position >= list.length) {
    c.addReplyError(INDEX_OUT_OF_RANGE);
    return;
  }
  list.set(position, argv[3] as string);
  c.keyspace.modified(c.db, key);
  notifyKeyspaceEvent(c, NOTIFY.list, 'lset', key);
  c.addReplyOk();
}

function linsertCommand(c: CommandContext, argv: string[]): void {
  const where = argv[2] as string;
  let after: boolean;
  if (eqIgnoreCase(where, 'AFTER')) after = true;
  else if (eqIgnoreCase(where, 'BEFORE')) after = false;
  else {
    c.addReplyError(SYNTAX);
    return;
  }
  const key = argv[1] as string;
  const list = writeList(c, key);
  if (list === null) return;
  if (list === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  const pivot = argv[3] as string;
  let index = -1;
  for (let i = 0; i < list.length; i++) {
    if (list.at(i) === pivot) {
      index = i;
      break;
    }
  }
  if (index < 0) {
    c.addReplyLongLong(-1);
    return;
  }
  list.insertAt(after ? index + 1 : index, argv[4] as string);
  c.keyspace.modified(c.db, key);
  notifyKeyspaceEvent(c, NOTIFY.list, 'linsert', key);
  c.addReplyLongLong(list.length);
}

function lremCommand(c: CommandContext, argv: string[]): void {
  const count = longOrReply(c, argv[2] as string);
  if (count === null) return;
  const key = argv[1] as string;
  const list = writeList(c, key);
  if (list === null) return;
  if (list === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  const element = argv[3] as string;
  const limit = count === 0 ? Infinity : Math.abs(count);
  if (limit === 1) {
    // LREM key ±1 element (a queue dropping one finished job): no copy of the whole list
    const index = list.indexOf(element, count < 0);
    if (index >= 0) {
      list.removeAt(index);
      listPopped(c, key, list, 1);
      listEvent(c, 'lrem', key, list);
    }
    c.addReplyLongLong(index >= 0 ? 1 : 0);
    return;
  }
  const items = list.toArray();
  const keep = new Array<boolean>(items.length).fill(true);
  let removed = 0;
  for (let step = 0; step < items.length && removed < limit; step++) {
    const index = count < 0 ? items.length - 1 - step : step;
    if (items[index] === element) {
      keep[index] = false;
      removed++;
    }
  }
  if (removed !== 0) {
    list.replaceAll(items.filter((_, i) => keep[i]));
    listPopped(c, key, list, removed);
    listEvent(c, 'lrem', key, list);
  }
  c.addReplyLongLong(removed);
}

function ltrimCommand(c: CommandContext, argv: string[]): void {
  const start = longOrReply(c, argv[2] as string);
  if (start === null) return;
  const stop = longOrReply(c, argv[3] as string);
  if (stop === null) return;
  const key = argv[1] as string;
  const list = writeList(c, key);
  if (list === null) return;
  if (list === undefined) {
    c.addReplyOk();
    return;
  }
  const length = list.length;
  let first = start < 0 ? length + start : start;
  let last = stop < 0 ? length + stop : stop;
  if (first < 0) first = 0;
  let removeFront: number;
  let removeBack: number;
  if (first > last || first >= length) {
    removeFront = length;
    removeBack = 0;
  } else {
    if (last >= length) last = length - 1;
    removeFront = first;
    removeBack = length - last - 1;
  }
  for (let i = 0; i < removeFront; i++) list.popFront();
  for (let i = 0; i < removeBack; i++) list.popBack();
  // Redis signals the key even when nothing was trimmed (WATCH sees LTRIM as a write).
  const ks = c.keyspace;
  if (list.length === 0) {
    ks.delete(c.db, key);
    if (length > 1) ks.dirty += length - 1;
  } else {
    ks.modified(c.db, key, removeFront + removeBack);
  }
  listEvent(c, 'ltrim', key, list);
  c.addReplyOk();
}

// ------------------------------------------------------------------ moves and multi-pops

function lmoveCommand(c: CommandContext, argv: string[]): void {
  const from = listEndOrReply(c, argv[3] as string);
  if (from === null) return;
  const to = listEndOrReply(c, argv[4] as string);
  if (to === null) return;
  lmoveGeneric(c, argv, from, to);
}

/** LMOVE / RPOPLPUSH once the ends are known; null reply when the source is empty. */
export function lmoveGeneric(c: CommandContext, argv: string[], from: ListEnd, to: ListEnd): void {
  const sourceKey = argv[1] as string;
  const destinationKey = argv[2] as string;
  const source = writeList(c, sourceKey);
  if (source === null) return;
  if (source === undefined) {
    c.addReplyNull();
    return;
  }
  const target = c.keyspace.lookupWrite(c.db, destinationKey);
  if (!checkType(c, target, ListValue)) return;
  moveAndReply(c, { key: sourceKey, list: source, end: from }, { key: destinationKey, end: to });
}

export interface MpopArgs {
  keys: string[];
  end: ListEnd;
  count: number;
}

/**
 * Parses `numkeys key... LEFT|RIGHT [COUNT n]` starting at argv[numkeysIndex] (LMPOP, BLMPOP;
 * ZMPOP-style callers pass their own end words). Replies Redis 7.0's errors and returns null.
 */
export function mpopArgsOrReply<End>(
  c: CommandContext,
  argv: string[],
  numkeysIndex: number,
  endOrReply: (c: CommandContext, text: string) => End | null,
): { keys: string[]; end: End; count: number } | null {
  const numkeys = int64OrReply(c, argv[numkeysIndex] as string, NUMKEYS);
  if (numkeys === null) return null;
  if (numkeys <= 0) {
    c.addReplyError(NUMKEYS);
    return null;
  }
  const endIndex = numkeysIndex + 1 + Number(numkeys);
  const endText = argv[endIndex];
  if (typeof numkeys === 'bigint' || endText === undefined) {
    c.addReplyError(SYNTAX);
    return null;
  }
  const end = endOrReply(c, endText);
  if (end === null) return null;
  let count: number | null = null;
  for (let i = endIndex + 1; i < argv.length; i += 2) {
    const text = argv[i + 1];
    if (count !== null || text === undefined || !eqIgnoreCase(argv[i] as string, 'COUNT')) {
      c.addReplyError(SYNTAX);
      return null;
    }
    const parsed = int64OrReply(c, text, COUNT_NOT_POSITIVE);
    if (parsed === null) return null;
    if (parsed <= 0) {
      c.addReplyError(COUNT_NOT_POSITIVE);
      return null;
    }
    count = typeof parsed === 'bigint' ? Number.MAX_SAFE_INTEGER : parsed;
  }
  return { keys: argv.slice(numkeysIndex + 1, endIndex), end, count: count ?? 1 };
}

const NUMKEYS = NUMKEYS_NOT_POSITIVE;

function lmpopCommand(c: CommandContext, argv: string[]): void {
  const args = mpopArgsOrReply(c, argv, 1, listEndOrReply);
  if (args === null) return;
  if (!lmpopFirstNonEmpty(c, args)) c.addReplyNullArray();
}

/**
 * Pops from the first non-empty list among args.keys and replies [key, [elements]]; propagates
 * as LPOP/RPOP key count. False when every key is missing (nothing replied); WRONGTYPE on the
 * first existing non-list key counts as handled.
 */
export function lmpopFirstNonEmpty(c: CommandContext, args: MpopArgs): boolean {
  for (const key of args.keys) {
    const list = writeList(c, key);
    if (list === null) return true;
    if (list === undefined) continue;
    c.addReplyArrayLen(2);
    c.addReplyBulk(key);
    const popped = popRangeAndReply(c, key, list, args);
    c.propagateArgv = [args.end === 'left' ? 'LPOP' : 'RPOP', key, String(popped)];
    return true;
  }
  return false;
}
