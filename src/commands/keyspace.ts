// Key-level commands: existence, deletion, renaming, copying, expiry, scanning, databases.
// Redis equivalent: db.c and expire.c (the command halves).

import type { CommandContext } from './context.js';
import type { Database } from '../store/keyspace.js';
import { cloneValue, typeName, HashValue, ListValue, SetValue, type Value } from '../store/value/types.js';
import { globMatch } from '../util/glob.js';
import { parseInt64 } from '../util/numbers.js';
import { eqIgnoreCase, longOrReply } from './args.js';
import { DB_INDEX, NO_SUCH_KEY, NOT_INTEGER, SAME_OBJECT, SYNTAX, invalidExpire } from './errors.js';
import { matches, parseCursorOrReply, parseScanOptionsOrReply, scanStep } from './scan.js';
import type { CommandDef } from './types.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import { objectEncoding } from './encoding.js';

/** DEL (lazy when lazyfree-lazy-user-del is on) and UNLINK (always lazy). */
function delGeneric(c: CommandContext, argv: string[], lazy: boolean): void {
  const ks = c.keyspace;
  const db = c.db;
  const free = lazy ? 'async' : 'sync';
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i] as string;
    if (db.expires.size !== 0) ks.expireIfNeeded(db, key);
    if (ks.delete(db, key, free)) {
      deleted++;
      notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
    }
  }
  c.addReplyLongLong(deleted);
}

function delCommand(c: CommandContext, argv: string[]): void {
  delGeneric(c, argv, c.config.bool('lazyfree-lazy-user-del'));
}

function unlinkCommand(c: CommandContext, argv: string[]): void {
  delGeneric(c, argv, true);
}

function existsCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  let count = 0;
  for (let i = 1; i < argv.length; i++) if (ks.lookupRead(c.db, argv[i] as string) !== undefined) count++;
  c.addReplyLongLong(count);
}

function touchCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  let count = 0;
  for (let i = 1; i < argv.length; i++) {
    if (ks.peek(c.db, argv[i] as string) !== undefined) count++;
    else notifyKeyspaceEvent(c, NOTIFY.keyMiss, 'keymiss', argv[i] as string);
  }
  c.addReplyLongLong(count);
}

function typeCommand(c: CommandContext, argv: string[]): void {
  const value = c.keyspace.peek(c.db, argv[1] as string);
  if (value === undefined) notifyKeyspaceEvent(c, NOTIFY.keyMiss, 'keymiss', argv[1] as string);
  c.addReplyStatus(value === undefined ? 'none' : typeName(value));
}

function keysCommand(c: CommandContext, argv: string[]): void {
  const pattern = argv[1] as string;
  const ks = c.keyspace;
  const db = c.db;
  const now = ks.now;
  const out: string[] = [];
  for (const key of db.dict.keys()) {
    if (pattern !== '*' && !globMatch(pattern, key)) continue;
    const when = db.expires.size === 0 ? undefined : db.expires.get(key);
    if (when !== undefined && when <= now) continue;
    out.push(key);
  }
  c.addReplyBulks(out);
}

function scanCommand(c: CommandContext, argv: string[]): void {
  const cursor = parseCursorOrReply(c, argv[1] as string);
  if (cursor === null) return;
  const options = parseScanOptionsOrReply(c, argv, 2, true);
  if (options === null) return;
  const ks = c.keyspace;
  const db = c.db;
  const found: string[] = [];
  const type = options.type?.toLowerCase() ?? null;
  // Bounded by the slots in use when the scan began: keys added later may or may not be seen.
  const iterate = (): Iterator<[string, Value]> => db.dict.entries(true);
  const next = scanStep(c.services.scanCursors, cursor, { target: db.dict, makeIterator: iterate, count: options.count }, (entry) => {
    const [key, value] = entry;
    if (!matches(options.pattern, key)) return;
    if (type !== null && typeName(value) !== type) return;
    found.push(key);
  });
  // Keys that expired or were deleted are filtered at reply time, as Redis does.
  const alive = found.filter((key) => ks.peek(db, key) !== undefined);
  c.addReplyArrayLen(2);
  c.addReplyBulk(next);
  c.addReplyBulks(alive);
}

export function randomKey(db: Database): string | undefined {
  return db.dict.randomKey();
}

function randomkeyCommand(c: CommandContext): void {
  const ks = c.keyspace;
  const db = c.db;
  // A master deletes the expired keys it draws, so the loop ends. A replica only hides them:
  // when every key has an expire they may all be expired by its clock, and after 100 draws it
  // answers the last one drawn, as Redis's dbRandomKey does on a replica.
  const replica = c.config.str('replicaof') !== '';
  const allVolatile = db.dict.size === db.expires.size;
  for (let tries = 1; tries <= 1_000_000; tries++) {
    const key = randomKey(db);
    if (key === undefined) break;
    if (ks.peek(db, key) !== undefined || (replica && allVolatile && tries >= 100)) {
      c.addReplyBulk(key);
      return;
    }
  }
  c.addReplyNull();
}

function renameGeneric(c: CommandContext, argv: string[], nx: boolean): void {
  const ks = c.keyspace;
  const db = c.db;
  const source = argv[1] as string;
  const target = argv[2] as string;
  const value = ks.lookupWrite(db, source);
  if (value === undefined) {
    c.addReplyError(NO_SUCH_KEY);
    return;
  }
  if (source === target) {
    if (nx) c.addReplyLongLong(0);
    else c.addReplyOk();
    return;
  }
  const expire = ks.getExpire(db, source);
  if (ks.peek(db, target) !== undefined) {
    if (nx) {
      c.addReplyLongLong(0);
      return;
    }
    ks.delete(db, target);
  }
  const forced = typeof value === 'string' ? c.services.stringEncodings.forced(db, source, value) : null;
  // The value lives on under the target: nothing to free (Redis holds a reference across it).
  ks.delete(db, source, 'sync');
  ks.add(db, target, value);
  if (expire !== undefined) ks.setExpire(db, target, expire);
  if (typeof value === 'string') c.services.stringEncodings.carry(forced, db, target, value);
  notifyKeyspaceEvent(c, NOTIFY.generic, 'rename_from', source);
  notifyKeyspaceEvent(c, NOTIFY.generic, 'rename_to', target);
  if (nx) c.addReplyLongLong(1);
  else c.addReplyOk();
}

function dbIndexOrReply(c: CommandContext, text: string, error = DB_INDEX): Database | null {
  const index = parseInt64(text);
  if (index === null) {
    c.addReplyError(NOT_INTEGER);
    return null;
  }
  const dbs = c.keyspace.dbs;
  if (typeof index === 'bigint' || index < 0 || index >= dbs.length) {
    c.addReplyError(error);
    return null;
  }
  return dbs[index] as Database;
}

function copyCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  let target = c.db;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i] as string;
    if (eqIgnoreCase(opt, 'REPLACE')) replace = true;
    else if (eqIgnoreCase(opt, 'DB') && i + 1 < argv.length) {
      const db = dbIndexOrReply(c, argv[++i] as string);
      if (db === null) return;
      target = db;
    } else {
      c.addReplyError(SYNTAX);
      return;
    }
  }
  const source = argv[1] as string;
  const destination = argv[2] as string;
  if (source === destination && target === c.db) {
    c.addReplyError(SAME_OBJECT);
    return;
  }
  const value = ks.lookupRead(c.db, source);
  if (value === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  const expire = ks.getExpire(c.db, source);
  if (ks.peek(target, destination) !== undefined) {
    if (!replace) {
      c.addReplyLongLong(0);
      return;
    }
    ks.delete(target, destination);
  }
  const forced = typeof value === 'string' ? c.services.stringEncodings.forced(c.db, source, value) : null;
  const copy = cloneValue(value);
  // A copied list keeps its quicklist fill (see LazyFree.listFills).
  if (value instanceof ListValue && copy instanceof ListValue) ks.lazyfree.listFills.set(copy, ks.lazyfree.fillOf(value));
  ks.add(target, destination, copy);
  if (expire !== undefined) ks.setExpire(target, destination, expire);
  if (typeof value === 'string') c.services.stringEncodings.carry(forced, target, destination, value);
  c.services.keyspaceEvents.notify(NOTIFY.generic, 'copy_to', destination, target.id);
  c.addReplyLongLong(1);
}

function moveCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  const target = dbIndexOrReply(c, argv[2] as string);
  if (target === null) return;
  if (target === c.db) {
    c.addReplyError(SAME_OBJECT);
    return;
  }
  const key = argv[1] as string;
  const value = ks.lookupWrite(c.db, key);
  if (value === undefined || ks.peek(target, key) !== undefined) {
    c.addReplyLongLong(0);
    return;
  }
  const expire = ks.getExpire(c.db, key);
  const forced = typeof value === 'string' ? c.services.stringEncodings.forced(c.db, key, value) : null;
  // The value lives on in the target db: nothing to free (Redis holds a reference across it).
  ks.delete(c.db, key, 'sync');
  ks.add(target, key, value);
  if (expire !== undefined) ks.setExpire(target, key, expire);
  if (typeof value === 'string') c.services.stringEncodings.carry(forced, target, key, value);
  notifyKeyspaceEvent(c, NOTIFY.generic, 'move_from', key);
  c.services.keyspaceEvents.notify(NOTIFY.generic, 'move_to', key, target.id);
  c.addReplyLongLong(1);
}

// ------------------------------------------------------------------------ expiry

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

function parseExpireFlagsOrReply(c: CommandContext, argv: string[]): number | null {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = (argv[i] as string).toUpperCase();
    if (opt === 'NX') flags |= EXPIRE_NX;
    else if (opt === 'XX') flags |= EXPIRE_XX;
    else if (opt === 'GT') flags |= EXPIRE_GT;
    else if (opt === 'LT') flags |= EXPIRE_LT;
    else {
      c.addReplyError(`ERR Unsupported option ${argv[i] as string}`);
      return null;
    }
  }
  if ((flags & EXPIRE_NX) !== 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) !== 0) {
    c.addReplyError('ERR NX and XX, GT or LT options at the same time are not compatible');
    return null;
  }
  if ((flags & EXPIRE_GT) !== 0 && (flags & EXPIRE_LT) !== 0) {
    c.addReplyError('ERR GT and LT options at the same time are not compatible');
    return null;
  }
  return flags;
}

/**
 * EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: 'unitSeconds' scales the argument, 'relative' adds now.
 * A time in the past deletes the key. Propagated as PEXPIREAT (or DEL) so replay is exact.
 */
interface ExpireVariant {
  relative: boolean;
  unitSeconds: boolean;
  /** The command's name in its error texts. */
  name: string;
}

function expireGeneric(c: CommandContext, argv: string[], variant: ExpireVariant): void {
  const { relative, unitSeconds, name } = variant;
  const ks = c.keyspace;
  const db = c.db;
  const key = argv[1] as string;
  // Redis 7.0 checks the NX/XX/GT/LT options before it parses the time.
  const flags = parseExpireFlagsOrReply(c, argv);
  if (flags === null) return;
  const parsed = parseInt64(argv[2] as string);
  if (parsed === null) {
    c.addReplyError(NOT_INTEGER);
    return;
  }
  let when = BigInt(parsed);
  const LIMIT = 9223372036854775807n;
  if (unitSeconds) {
    if (when > LIMIT / 1000n || when < -LIMIT / 1000n) {
      c.addReplyError(invalidExpire(name));
      return;
    }
    when *= 1000n;
  }
  if (relative) {
    if (when > LIMIT - BigInt(ks.now)) {
      c.addReplyError(invalidExpire(name));
      return;
    }
    when += BigInt(ks.now);
  }
  if (ks.lookupWrite(db, key) === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  const whenMs = Number(when);
  const current = ks.getExpire(db, key);
  if (flags !== 0) {
    // Every given condition must hold; no TTL counts as an infinite one for GT and LT.
    const ok =
      ((flags & EXPIRE_NX) === 0 || current === undefined) &&
      ((flags & EXPIRE_XX) === 0 || current !== undefined) &&
      ((flags & EXPIRE_GT) === 0 || (current !== undefined && whenMs > current)) &&
      ((flags & EXPIRE_LT) === 0 || current === undefined || whenMs < current);
    if (!ok) {
      c.addReplyLongLong(0);
      return;
    }
  }
  // A time in the past deletes the key, but not while loading (the AOF's later commands were
  // logged against a keyspace holding it) nor on a replica (its master decides): there the
  // expire is set and the key expires as usual (Redis's checkAlreadyExpired).
  if (whenMs <= ks.now && !c.services.isLoading() && !c.services.isReplica()) {
    ks.delete(db, key, ks.lazyExpire ? 'async' : 'sync');
    // Redis logs a deletion by expiry as UNLINK when lazyfree-lazy-expire is on.
    c.propagateArgv = [c.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key];
    notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
  } else {
    ks.setExpire(db, key, whenMs);
    c.propagateArgv = ['PEXPIREAT', key, String(whenMs)];
    notifyKeyspaceEvent(c, NOTIFY.generic, 'expire', key);
  }
  c.addReplyLongLong(1);
}

function ttlGeneric(c: CommandContext, argv: string[], ms: boolean, absolute: boolean): void {
  const ks = c.keyspace;
  const key = argv[1] as string;
  if (ks.lookupRead(c.db, key) === undefined) {
    c.addReplyLongLong(-2);
    return;
  }
  const when = ks.getExpire(c.db, key);
  if (when === undefined) {
    c.addReplyLongLong(-1);
    return;
  }
  if (absolute) {
    c.addReplyLongLong(ms ? when : Math.floor(when / 1000));
    return;
  }
  const remaining = Math.max(0, when - ks.now);
  c.addReplyLongLong(ms ? remaining : Math.floor((remaining + 500) / 1000));
}

function persistCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  const key = argv[1] as string;
  if (ks.lookupWrite(c.db, key) === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  const removed = ks.removeExpire(c.db, key);
  if (removed) notifyKeyspaceEvent(c, NOTIFY.generic, 'persist', key);
  c.addReplyLongLong(removed ? 1 : 0);
}

// ------------------------------------------------------------------------ databases

function selectCommand(c: CommandContext, argv: string[]): void {
  const index = parseInt64(argv[1] as string);
  if (index === null) {
    c.addReplyError(NOT_INTEGER);
    return;
  }
  if (typeof index === 'bigint' || index < 0 || index >= c.keyspace.dbs.length) {
    c.addReplyError(DB_INDEX);
    return;
  }
  c.dbIndex = index;
  c.addReplyOk();
}

function swapdbCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  const a = parseInt64(argv[1] as string);
  if (a === null) {
    c.addReplyError('ERR invalid first DB index');
    return;
  }
  const b = parseInt64(argv[2] as string);
  if (b === null) {
    c.addReplyError('ERR invalid second DB index');
    return;
  }
  const count = ks.dbs.length;
  if (typeof a === 'bigint' || typeof b === 'bigint' || a < 0 || b < 0 || a >= count || b >= count) {
    c.addReplyError(DB_INDEX);
    return;
  }
  if (a !== b) ks.swapDb(ks.db(a), ks.db(b));
  else ks.dirty++;
  c.addReplyOk();
}

function dbsizeCommand(c: CommandContext): void {
  c.addReplyLongLong(c.db.dict.size);
}

/**
 * The flush mode of FLUSHALL/FLUSHDB [ASYNC|SYNC]: true for async (no flag: as
 * lazyfree-lazy-user-flush says), null after a syntax error reply.
 */
function flushAsyncOrReply(c: CommandContext, argv: string[]): boolean | null {
  if (argv.length === 1) return c.config.bool('lazyfree-lazy-user-flush');
  const opt = (argv[1] as string).toUpperCase();
  if (argv.length === 2 && (opt === 'ASYNC' || opt === 'SYNC')) return opt === 'ASYNC';
  c.addReplyError(SYNTAX);
  return null;
}

function flushdbCommand(c: CommandContext, argv: string[]): void {
  const async = flushAsyncOrReply(c, argv);
  if (async === null) return;
  // dirty grows by the keys removed (none: unchanged), and the command is logged regardless.
  c.keyspace.flushDb(c.db, async);
  c.forcePropagate = true;
  c.services.tracking.flushed(async);
  c.addReplyOk();
}

function flushallCommand(c: CommandContext, argv: string[]): void {
  const async = flushAsyncOrReply(c, argv);
  if (async === null) return;
  c.keyspace.flushAll(async);
  c.forcePropagate = true;
  c.services.tracking.flushed(async);
  c.services.afterFlushAll();
  c.addReplyOk();
}

// ------------------------------------------------------------------------ OBJECT

function objectEncodingCommand(c: CommandContext, argv: string[]): void {
  const value = c.keyspace.peek(c.db, argv[2] as string);
  if (value === undefined) {
    c.addReplyNull();
    return;
  }
  const key = argv[2] as string;
  const ks = c.keyspace;
  const forced = typeof value === 'string' ? c.services.stringEncodings.forced(c.db, key, value) : null;
  c.addReplyBulk(forced ?? objectEncoding(value, c.config));
}

function objectRefcountCommand(c: CommandContext, argv: string[]): void {
  const value = c.keyspace.peek(c.db, argv[2] as string);
  if (value === undefined) {
    c.addReplyNull();
    return;
  }
  // Redis shares the integers 0..9999 (refcount INT_MAX) unless an LRU/LFU policy is set.
  const policy = c.config.str('maxmemory-policy');
  const shared =
    typeof value === 'string' &&
    !policy.includes('lru') &&
    !policy.includes('lfu') &&
    /^(0|[1-9][0-9]{0,3})$/.test(value);
  c.addReplyLongLong(shared ? 2147483647 : 1);
}

function objectIdletimeCommand(c: CommandContext, argv: string[]): void {
  const value = c.keyspace.peek(c.db, argv[2] as string);
  if (value === undefined) {
    c.addReplyNull();
    return;
  }
  if (c.config.str('maxmemory-policy').includes('lfu')) {
    c.addReplyError(
      'ERR An LRU maxmemory policy is not selected, no access time is tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    return;
  }
  // Vesta does not keep a per-key access clock (it would cost 8+ bytes per key); see docs.
  c.addReplyLongLong(0);
}

function objectFreqCommand(c: CommandContext, argv: string[]): void {
  const value = c.keyspace.peek(c.db, argv[2] as string);
  if (value === undefined) {
    c.addReplyNull();
    return;
  }
  if (!c.config.str('maxmemory-policy').includes('lfu')) {
    c.addReplyError(
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    return;
  }
  c.addReplyLongLong(0);
}

function objectHelpCommand(c: CommandContext): void {
  const lines = [
    'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'ENCODING <key>',
    '    Return the kind of internal representation used in order to store the value',
    '    associated with a <key>.',
    'FREQ <key>',
    '    Return the access frequency index of the <key>. The returned integer is',
    '    proportional to the logarithm of the recent access frequency of the key.',
    'IDLETIME <key>',
    '    Return the idle time of the <key>, that is the approximated number of',
    '    seconds elapsed since the last access to the key.',
    'REFCOUNT <key>',
    '    Return the number of references of the value associated with the specified',
    '    <key>.',
    'HELP',
    '    Prints this help.',
  ];
  c.addReplyArrayLen(lines.length);
  for (const line of lines) c.addReplyStatus(line);
}

export const keyspaceCommands: CommandDef[] = [
  { name: 'del', handler: delCommand },
  { name: 'unlink', handler: unlinkCommand },
  { name: 'exists', handler: existsCommand },
  { name: 'touch', handler: touchCommand },
  { name: 'type', handler: typeCommand },
  { name: 'keys', handler: keysCommand },
  { name: 'scan', handler: scanCommand },
  { name: 'randomkey', handler: randomkeyCommand },
  { name: 'rename', handler: (c, argv) => renameGeneric(c, argv, false) },
  { name: 'renamenx', handler: (c, argv) => renameGeneric(c, argv, true) },
  { name: 'copy', handler: copyCommand },
  { name: 'move', handler: moveCommand },
  { name: 'expire', handler: (c, argv) => expireGeneric(c, argv, { relative: true, unitSeconds: true, name: 'expire' }) },
  { name: 'pexpire', handler: (c, argv) => expireGeneric(c, argv, { relative: true, unitSeconds: false, name: 'pexpire' }) },
  { name: 'expireat', handler: (c, argv) => expireGeneric(c, argv, { relative: false, unitSeconds: true, name: 'expireat' }) },
  { name: 'pexpireat', handler: (c, argv) => expireGeneric(c, argv, { relative: false, unitSeconds: false, name: 'pexpireat' }) },
  { name: 'ttl', handler: (c, argv) => ttlGeneric(c, argv, false, false) },
  { name: 'pttl', handler: (c, argv) => ttlGeneric(c, argv, true, false) },
  { name: 'expiretime', handler: (c, argv) => ttlGeneric(c, argv, false, true) },
  { name: 'pexpiretime', handler: (c, argv) => ttlGeneric(c, argv, true, true) },
  { name: 'persist', handler: persistCommand },
  { name: 'select', handler: selectCommand },
  { name: 'swapdb', handler: swapdbCommand },
  { name: 'dbsize', handler: dbsizeCommand },
  { name: 'flushdb', handler: flushdbCommand },
  { name: 'flushall', handler: flushallCommand },
  { name: 'object|encoding', handler: objectEncodingCommand },
  { name: 'object|refcount', handler: objectRefcountCommand },
  { name: 'object|idletime', handler: objectIdletimeCommand },
  { name: 'object|freq', handler: objectFreqCommand },
  { name: 'object|help', handler: objectHelpCommand },
];

export { HashValue, ListValue, SetValue, longOrReply };
