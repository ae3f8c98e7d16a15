// String commands. Values are latin1 strings; integers are 64-bit as in Redis (number in the
// safe range, bigint beyond it). Redis equivalent: t_string.c.

import type { CommandContext } from './context.js';
import { formatLongDouble, addLongDouble, parseLongDouble } from '../util/long-double.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../util/numbers.js';
import { STRING_BYTES_MAX } from '../limits.js';
import { flatCopy } from '../util/latin1.js';
import { eqIgnoreCase, int64OrReply, longOrReply } from './args.js';
import {
  NAN_OR_INFINITY,
  NOT_FLOAT,
  NOT_INTEGER,
  OFFSET_OUT_OF_RANGE,
  OVERFLOW,
  STRING_TOO_LONG,
  SYNTAX,
  WRONGTYPE,
  invalidExpire,
  wrongArity,
} from './errors.js';
import type { CommandDef } from './types.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';

/** The string at key, null when absent, or undefined after replying WRONGTYPE. */
function getStringOrReply(c: CommandContext, key: string): string | null | undefined {
  const value = c.keyspace.lookupRead(c.db, key);
  if (value === undefined) return null;
  if (typeof value !== 'string') {
    c.addReplyError(WRONGTYPE);
    return undefined;
  }
  return value;
}

function getCommand(c: CommandContext, argv: string[]): void {
  const value = getStringOrReply(c, argv[1] as string);
  if (value === undefined) return;
  c.addReplyBulkOrNull(value);
}

// ------------------------------------------------------------------------ SET family

const SET_NX = 1;
const SET_XX = 2;
const SET_GET = 4;
const SET_KEEPTTL = 8;
const SET_EX = 16;
const SET_PX = 32;
const SET_EXAT = 64;
const SET_PXAT = 128;
const SET_EXPIRE_FLAGS = SET_EX | SET_PX | SET_EXAT | SET_PXAT;

interface ExpireSpec {
  flags: number;
  /** The expire argument as given (before unit conversion), or null. */
  expireArg: string | null;
}

/**
 * Parses SET's options from argv[3..]. Returns null after replying "syntax error" for
 * conflicting or unknown options. GETEX shares the expire options (with PERSIST).
 */
function parseSetOptions(c: CommandContext, argv: string[], start: number, getex: boolean): ExpireSpec | null {
  let flags = 0;
  let expireArg: string | null = null;
  for (let i = start; i < argv.length; i++) {
    const opt = (argv[i] as string).toUpperCase();
    const next = argv[i + 1];
    const noExpire = (flags & (SET_EXPIRE_FLAGS | SET_KEEPTTL)) === 0;
    if (!getex && opt === 'NX' && (flags & SET_XX) === 0) flags |= SET_NX;
    else if (!getex && opt === 'XX' && (flags & SET_NX) === 0) flags |= SET_XX;
    else if (!getex && opt === 'GET') flags |= SET_GET;
    else if (!getex && opt === 'KEEPTTL' && noExpire) flags |= SET_KEEPTTL;
    else if (getex && opt === 'PERSIST' && noExpire) flags |= SET_KEEPTTL;
    else if (opt === 'EX' && noExpire && next !== undefined) {
      flags |= SET_EX;
      expireArg = next;
      i++;
    } else if (opt === 'PX' && noExpire && next !== undefined) {
      flags |= SET_PX;
      expireArg = next;
      i++;
    } else if (opt === 'EXAT' && noExpire && next !== undefined) {
      flags |= SET_EXAT;
      expireArg = next;
      i++;
    } else if (opt === 'PXAT' && noExpire && next !== undefined) {
      flags |= SET_PXAT;
      expireArg = next;
      i++;
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  return { flags, expireArg };
}

/**
 * Converts an expire option to an absolute unix time in ms. Replies and returns null for a
 * non-integer, non-positive or overflowing value, with `command` named in the error.
 */
export function expireAtMsOrReply(
  c: CommandContext,
  flags: number,
  arg: string,
  command: string,
): number | null {
  const parsed = parseInt64(arg);
  if (parsed === null) {
    c.addReplyError(NOT_INTEGER);
    return null;
  }
  const value = BigInt(parsed);
  if (value <= 0n) {
    c.addReplyError(invalidExpire(command));
    return null;
  }
  const unitSeconds = (flags & (SET_EX | SET_EXAT)) !== 0;
  if (unitSeconds && value > INT64_MAX / 1000n) {
    c.addReplyError(invalidExpire(command));
    return null;
  }
  let ms = unitSeconds ? value * 1000n : value;
  if ((flags & (SET_EX | SET_PX)) !== 0) ms += BigInt(c.keyspace.now);
  if (ms > INT64_MAX) {
    c.addReplyError(invalidExpire(command));
    return null;
  }
  // Times beyond 2^53 ms (year 285,000) are kept as the nearest double; they never fire.
  return Number(ms);
}

function setCommand(c: CommandContext, argv: string[]): void {
  const spec = parseSetOptions(c, argv, 3, false);
  if (spec === null) return;
  let expireAtMs: number | null = null;
  if (spec.expireArg !== null) {
    expireAtMs = expireAtMsOrReply(c, spec.flags, spec.expireArg, 'set');
    if (expireAtMs === null) return;
  }
  setGeneric(c, argv[1] as string, argv[2] as string, spec.flags, expireAtMs);
}

/**
 * The common body of SET, SETNX, SETEX, PSETEX and GETSET: 'flags' are the SET_* options,
 * 'expireAtMs' an absolute time or null. Replies OK / null, or the old value with SET_GET.
 */
// eslint-disable-next-line max-params -- SET's hot path (Redis's setGenericCommand); positional arguments spare an object per SET
function setGeneric(c: CommandContext, key: string, value: string, flags: number, expireAtMs: number | null): void {
  const ks = c.keyspace;
  const db = c.db;
  let old: string | null = null;
  if ((flags & SET_GET) !== 0) {
    const current = getStringOrReply(c, key);
    if (current === undefined) return;
    old = current;
  }
  // The lookup (which also expires the key lazily, as Redis's lookupKeyWrite) is only needed
  // for NX/XX/KEEPTTL or when the db has expires: a plain SET on a db without expires skips it,
  // saving a hash lookup on the hottest write path (profiled at 28% of SET with pipelining).
  const lookup = (flags & (SET_NX | SET_XX | SET_KEEPTTL)) !== 0 || db.expires.size !== 0;
  const exists = lookup && ks.peek(db, key) !== undefined;
  if (((flags & SET_NX) !== 0 && exists) || ((flags & SET_XX) !== 0 && !exists)) {
    if ((flags & SET_GET) !== 0) c.addReplyBulkOrNull(old);
    else c.addReplyNull();
    return;
  }
  ks.setKey(db, key, value, (flags & SET_KEEPTTL) !== 0);
  c.services.stringEncodings.unmark(db, key);
  if (expireAtMs !== null) {
    ks.setExpire(db, key, expireAtMs);
    ks.dirty--; // SET with an expire counts as one change, as in Redis
    c.propagateArgv = ['SET', key, value, 'PXAT', String(expireAtMs)];
  }
  notifyKeyspaceEvent(c, NOTIFY.string, 'set', key);
  if (expireAtMs !== null) notifyKeyspaceEvent(c, NOTIFY.generic, 'expire', key);
  if ((flags & SET_GET) !== 0) c.addReplyBulkOrNull(old);
  else c.addReplyOk();
}

function setnxCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  const key = argv[1] as string;
  if (ks.peek(c.db, key) !== undefined) {
    c.addReplyLongLong(0);
    return;
  }
  ks.setKey(c.db, key, argv[2] as string);
  c.services.stringEncodings.unmark(c.db, key);
  notifyKeyspaceEvent(c, NOTIFY.string, 'set', key);
  c.addReplyLongLong(1);
}

function setexGeneric(c: CommandContext, argv: string[], flag: number, name: string): void {
  const expireAtMs = expireAtMsOrReply(c, flag, argv[2] as string, name);
  if (expireAtMs === null) return;
  setGeneric(c, argv[1] as string, argv[3] as string, 0, expireAtMs);
}

function getsetCommand(c: CommandContext, argv: string[]): void {
  setGeneric(c, argv[1] as string, argv[2] as string, SET_GET, null);
  if (c.propagateArgv === null) c.propagateArgv = ['SET', argv[1] as string, argv[2] as string];
}

function getdelCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const value = getStringOrReply(c, key);
  if (value === undefined) return;
  if (value !== null) {
    c.keyspace.delete(c.db, key, 'sync');
    notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
  }
  c.addReplyBulkOrNull(value);
}

function getexCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const spec = parseSetOptions(c, argv, 2, true);
  if (spec === null) return;
  // Redis 7.0 looks the key up (null, WRONGTYPE) before it validates the expire time.
  const value = getStringOrReply(c, key);
  if (value === undefined) return;
  if (value === null) {
    c.addReplyNull();
    return;
  }
  let expireAtMs: number | null = null;
  if (spec.expireArg !== null) {
    expireAtMs = expireAtMsOrReply(c, spec.flags, spec.expireArg, 'getex');
    if (expireAtMs === null) return;
  }
  const ks = c.keyspace;
  if (expireAtMs !== null) {
    // A time in the past deletes the key, but not while loading nor on a replica: there the
    // expire is set (Redis's checkAlreadyExpired, as for PEXPIREAT in keyspace.ts).
    if (expireAtMs <= ks.now && !c.services.isLoading() && !c.services.isReplica()) {
      ks.delete(c.db, key, ks.lazyExpire ? 'async' : 'sync');
      c.propagateArgv = [c.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key];
      notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
    } else {
      ks.setExpire(c.db, key, expireAtMs);
      c.propagateArgv = ['PEXPIREAT', key, String(expireAtMs)];
      notifyKeyspaceEvent(c, NOTIFY.generic, 'expire', key);
    }
  } else if ((spec.flags & SET_KEEPTTL) !== 0 && ks.removeExpire(c.db, key)) {
    c.propagateArgv = ['PERSIST', key];
    notifyKeyspaceEvent(c, NOTIFY.generic, 'persist', key);
  }
  c.addReplyBulk(value);
}

function mgetCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  const db = c.db;
  c.addReplyArrayLen(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const value = ks.lookupRead(db, argv[i] as string);
    c.addReplyBulkOrNull(typeof value === 'string' ? value : null);
  }
}

function msetGeneric(c: CommandContext, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) {
    c.addReplyError(wrongArity(nx ? 'msetnx' : 'mset'));
    return;
  }
  const ks = c.keyspace;
  const db = c.db;
  if (nx) {
    for (let i = 1; i < argv.length; i += 2) {
      if (ks.peek(db, argv[i] as string) !== undefined) {
        c.addReplyLongLong(0);
        return;
      }
    }
  }
  for (let i = 1; i < argv.length; i += 2) {
    ks.setKey(db, argv[i] as string, argv[i + 1] as string);
    c.services.stringEncodings.unmark(db, argv[i] as string);
    notifyKeyspaceEvent(c, NOTIFY.string, 'set', argv[i] as string);
  }
  if (nx) c.addReplyLongLong(1);
  else c.addReplyOk();
}

// ------------------------------------------------------------------------ numbers

/** INCR/DECR/INCRBY/DECRBY: adds `delta` with 64-bit overflow checks. */
function incrDecr(c: CommandContext, key: string, delta: number | bigint): void {
  const ks = c.keyspace;
  const db = c.db;
  const current = ks.lookupWrite(db, key);
  let base: number | bigint = 0;
  if (current !== undefined) {
    if (typeof current !== 'string') {
      c.addReplyError(WRONGTYPE);
      return;
    }
    const parsed = parseInt64(current);
    if (parsed === null) {
      c.addReplyError(NOT_INTEGER);
      return;
    }
    base = parsed;
  }
  let result: number | bigint;
  if (typeof base === 'number' && typeof delta === 'number') {
    result = base + delta;
    if (!Number.isSafeInteger(result)) result = BigInt(base) + BigInt(delta);
  } else {
    result = BigInt(base) + BigInt(delta);
  }
  if (typeof result === 'bigint') {
    if (result > INT64_MAX || result < INT64_MIN) {
      c.addReplyError(OVERFLOW);
      return;
    }
  }
  const text = String(result);
  if (current === undefined) ks.add(db, key, text);
  else ks.setKey(db, key, text, true);
  c.services.stringEncodings.unmark(db, key);
  notifyKeyspaceEvent(c, NOTIFY.string, 'incrby', key);
  c.addReplyLongLong(result);
}

function incrCommand(c: CommandContext, argv: string[]): void {
  incrDecr(c, argv[1] as string, 1);
}

function decrCommand(c: CommandContext, argv: string[]): void {
  incrDecr(c, argv[1] as string, -1);
}

function incrbyCommand(c: CommandContext, argv: string[]): void {
  const delta = int64OrReply(c, argv[2] as string);
  if (delta === null) return;
  incrDecr(c, argv[1] as string, delta);
}

function decrbyCommand(c: CommandContext, argv: string[]): void {
  const delta = int64OrReply(c, argv[2] as string);
  if (delta === null) return;
  if (typeof delta === 'bigint' && delta === INT64_MIN) {
    c.addReplyError('ERR decrement would overflow');
    return;
  }
  incrDecr(c, argv[1] as string, typeof delta === 'bigint' ? -delta : -delta);
}

function incrbyfloatCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  const db = c.db;
  const key = argv[1] as string;
  const current = ks.lookupWrite(db, key);
  if (current !== undefined && typeof current !== 'string') {
    c.addReplyError(WRONGTYPE);
    return;
  }
  const base = parseLongDouble(current ?? '0');
  const incr = parseLongDouble(argv[2] as string);
  if (base === null || incr === null) {
    c.addReplyError(NOT_FLOAT);
    return;
  }
  const sum = addLongDouble(base, incr);
  if (sum === null) {
    c.addReplyError(NAN_OR_INFINITY);
    return;
  }
  const text = formatLongDouble(sum);
  if (current === undefined) ks.add(db, key, text);
  else ks.setKey(db, key, text, true);
  // A fresh string object, never re-encoded as an integer.
  c.services.stringEncodings.mark(db, key, text, text.length <= 44 ? 'embstr' : 'raw');
  c.propagateArgv = ['SET', key, text, 'KEEPTTL'];
  notifyKeyspaceEvent(c, NOTIFY.string, 'incrbyfloat', key);
  c.addReplyBulk(text);
}

// ------------------------------------------------------------------------ ranges

/** APPEND results up to this long are flattened every time (a copy of at most 4 KiB). */
const APPEND_FLATTEN_ALWAYS_BYTES = 4096;
/** Longer ones on about one APPEND in this many: the chain stays short, the copy amortized. */
const APPEND_FLATTEN_EVERY = 32;

/**
 * An APPEND's result without a long chain of V8 cons strings behind it: 100 APPENDs of 10
 * bytes to each of 20k keys took 190 MB of heap for 19 MB of data unflattened. Redis's sds
 * grows by doubling instead; flattening a large string on every APPEND would be quadratic.
 */
function flattenAppended(value: string): string {
  if (value.length <= APPEND_FLATTEN_ALWAYS_BYTES || Math.random() * APPEND_FLATTEN_EVERY < 1) {
    return flatCopy(value);
  }
  return value;
}

function appendCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  const db = c.db;
  const key = argv[1] as string;
  const current = ks.lookupWrite(db, key);
  if (current === undefined) {
    ks.add(db, key, argv[2] as string);
    notifyKeyspaceEvent(c, NOTIFY.string, 'append', key);
    c.addReplyLongLong((argv[2] as string).length);
    return;
  }
  if (typeof current !== 'string') {
    c.addReplyError(WRONGTYPE);
    return;
  }
  const total = current.length + (argv[2] as string).length;
  if (total > c.config.num('proto-max-bulk-len') || total > STRING_BYTES_MAX) {
    c.addReplyError(STRING_TOO_LONG);
    return;
  }
  const appended = flattenAppended(current + (argv[2] as string));
  ks.setKey(db, key, appended, true);
  // APPEND to an existing key changes the object in place: Redis leaves it raw.
  c.services.stringEncodings.mark(db, key, appended, 'raw');
  notifyKeyspaceEvent(c, NOTIFY.string, 'append', key);
  c.addReplyLongLong(total);
}

function strlenCommand(c: CommandContext, argv: string[]): void {
  const value = getStringOrReply(c, argv[1] as string);
  if (value === undefined) return;
  c.addReplyLongLong(value === null ? 0 : value.length);
}

function getrangeCommand(c: CommandContext, argv: string[]): void {
  const start = longOrReply(c, argv[2] as string);
  if (start === null) return;
  const end = longOrReply(c, argv[3] as string);
  if (end === null) return;
  const value = getStringOrReply(c, argv[1] as string);
  if (value === undefined) return;
  if (value === null) {
    c.addReplyBulk('');
    return;
  }
  const length = value.length;
  // Redis: both negative and start > end gives "", then negatives count from the end.
  if (start < 0 && end < 0 && start > end) {
    c.addReplyBulk('');
    return;
  }
  let from = start < 0 ? length + start : start;
  let to = end < 0 ? length + end : end;
  if (from < 0) from = 0;
  if (to < 0) to = 0;
  if (to >= length) to = length - 1;
  if (from > to || length === 0) {
    c.addReplyBulk('');
    return;
  }
  c.addReplyBulk(value.slice(from, to + 1));
}

function setrangeCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  const db = c.db;
  const key = argv[1] as string;
  const patch = argv[3] as string;
  const offset = longOrReply(c, argv[2] as string);
  if (offset === null) return;
  if (offset < 0) {
    c.addReplyError(OFFSET_OUT_OF_RANGE);
    return;
  }
  const current = ks.lookupWrite(db, key);
  if (current !== undefined && typeof current !== 'string') {
    c.addReplyError(WRONGTYPE);
    return;
  }
  const base = current ?? '';
  if (patch.length === 0) {
    c.addReplyLongLong(base.length);
    return;
  }
  const total = offset + patch.length;
  if (total > c.config.num('proto-max-bulk-len') || total > STRING_BYTES_MAX) {
    c.addReplyError(STRING_TOO_LONG);
    return;
  }
  const padded = base.length < offset ? base + '\0'.repeat(offset - base.length) : base;
  const next = padded.slice(0, offset) + patch + padded.slice(offset + patch.length);
  if (current === undefined) ks.add(db, key, next);
  else ks.setKey(db, key, next, true);
  c.services.stringEncodings.mark(db, key, next, 'raw');
  notifyKeyspaceEvent(c, NOTIFY.string, 'setrange', key);
  c.addReplyLongLong(next.length);
}

export const stringCommands: CommandDef[] = [
  { name: 'get', handler: getCommand },
  { name: 'set', handler: setCommand },
  { name: 'setnx', handler: setnxCommand },
  { name: 'setex', handler: (c, argv) => setexGeneric(c, argv, SET_EX, 'setex') },
  { name: 'psetex', handler: (c, argv) => setexGeneric(c, argv, SET_PX, 'psetex') },
  { name: 'getset', handler: getsetCommand },
  { name: 'getdel', handler: getdelCommand },
  { name: 'getex', handler: getexCommand },
  { name: 'mget', handler: mgetCommand },
  { name: 'mset', handler: (c, argv) => msetGeneric(c, argv, false) },
  { name: 'msetnx', handler: (c, argv) => msetGeneric(c, argv, true) },
  { name: 'incr', handler: incrCommand },
  { name: 'decr', handler: decrCommand },
  { name: 'incrby', handler: incrbyCommand },
  { name: 'decrby', handler: decrbyCommand },
  { name: 'incrbyfloat', handler: incrbyfloatCommand },
  { name: 'append', handler: appendCommand },
  { name: 'strlen', handler: strlenCommand },
  { name: 'getrange', handler: getrangeCommand },
  { name: 'substr', handler: getrangeCommand },
  { name: 'setrange', handler: setrangeCommand },
];

export { SET_EX, SET_PX, SET_EXAT, SET_PXAT };
