// Hash commands. Replies, error texts and the listpack -> hashtable conversion follow Redis 7.0:
// a hash converts, once and for good, when a field or value longer than hash-max-listpack-value
// is written (even over an existing field) or when it grows past hash-max-listpack-entries.
// A listpack hash replies in insertion order, which is also a Map's order, so small hashes
// match Redis byte for byte.
// Never touches the keyspace maps directly: every write goes through lookupWrite/add/delete.
// Redis equivalent: t_hash.c.

import type { CommandContext } from './context.js';
import type { Config } from '../config/config.js';
import { HashValue } from '../store/value/types.js';
import {
  addLongDouble,
  formatLongDouble,
  isFiniteLongDouble,
  parseLongDouble,
} from '../util/long-double.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../util/numbers.js';
import { eqIgnoreCase, int64OrReply } from './args.js';
import { addCollection, collectionChanged } from './collection-write.js';
import {
  HASH_VALUE_NOT_FLOAT,
  HASH_VALUE_NOT_INTEGER,
  NAN_OR_INFINITY,
  NOT_FLOAT,
  OVERFLOW,
  SYNTAX,
  VALUE_NAN_OR_INFINITY,
  VALUE_OUT_OF_RANGE,
  WRONGTYPE,
  wrongArity,
} from './errors.js';
import {
  randomCountOrReply,
  randomDistinctMembers,
  randomMember,
  randomMembersWithRepeats,
} from './random-pick.js';
import { matches, parseCursorOrReply, parseScanOptionsOrReply, scanStep } from './scan.js';
import type { CommandDef } from './types.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';

export const hashCommands: CommandDef[] = [
  { name: 'hset', handler: (c, argv) => hsetGeneric(c, argv, false) },
  { name: 'hmset', handler: (c, argv) => hsetGeneric(c, argv, true) },
  { name: 'hsetnx', handler: hsetnxCommand },
  { name: 'hget', handler: hgetCommand },
  { name: 'hmget', handler: hmgetCommand },
  { name: 'hgetall', handler: (c, argv) => hgetallGeneric(c, argv, true, true) },
  { name: 'hkeys', handler: (c, argv) => hgetallGeneric(c, argv, true, false) },
  { name: 'hvals', handler: (c, argv) => hgetallGeneric(c, argv, false, true) },
  { name: 'hdel', handler: hdelCommand },
  { name: 'hexists', handler: hexistsCommand },
  { name: 'hlen', handler: hlenCommand },
  { name: 'hstrlen', handler: hstrlenCommand },
  { name: 'hincrby', handler: hincrbyCommand },
  { name: 'hincrbyfloat', handler: hincrbyfloatCommand },
  { name: 'hrandfield', handler: hrandfieldCommand },
  { name: 'hscan', handler: hscanCommand },
];

// ------------------------------------------------------------------------------ writes

function hsetGeneric(c: CommandContext, argv: string[], legacy: boolean): void {
  if (argv.length % 2 === 1) {
    c.addReplyError(wrongArity(legacy ? 'hmset' : 'hset'));
    return;
  }
  const key = argv[1] as string;
  const target = hashWriteOrCreate(c, key);
  if (target === null) return;
  const hash = target.hash;
  const limits = hashLimits(c);
  convertForArguments(hash, argv, 2, limits);
  let added = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (hashSet(hash, argv[i] as string, argv[i + 1] as string, limits)) added++;
  }
  const changes = (argv.length - 2) / 2;
  if (target.created) addCollection(c, key, hash, changes);
  else collectionChanged(c, key, changes, false);
  notifyKeyspaceEvent(c, NOTIFY.hash, 'hset', key);
  if (legacy) c.addReplyOk();
  else c.addReplyLongLong(added);
}

function hsetnxCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const field = argv[2] as string;
  const target = hashWriteOrCreate(c, key);
  if (target === null) return;
  const hash = target.hash;
  if (hash.has(field)) {
    c.addReplyLongLong(0);
    return;
  }
  const limits = hashLimits(c);
  convertForArguments(hash, argv, 2, limits);
  hashSet(hash, field, argv[3] as string, limits);
  if (target.created) addCollection(c, key, hash, 1);
  else collectionChanged(c, key, 1, false);
  notifyKeyspaceEvent(c, NOTIFY.hash, 'hset', key);
  c.addReplyLongLong(1);
}

function hdelCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const hash = c.keyspace.lookupWrite(c.db, key);
  if (hash === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  if (!(hash instanceof HashValue)) {
    c.addReplyError(WRONGTYPE);
    return;
  }
  let deleted = 0;
  for (let i = 2; i < argv.length && hash.size > 0; i++) {
    if (hash.delete(argv[i] as string)) deleted++;
  }
  collectionChanged(c, key, deleted, hash.size === 0);
  if (deleted !== 0) {
    notifyKeyspaceEvent(c, NOTIFY.hash, 'hdel', key);
    if (hash.size === 0) notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
  }
  c.addReplyLongLong(deleted);
}

function hincrbyCommand(c: CommandContext, argv: string[]): void {
  const increment = int64OrReply(c, argv[3] as string);
  if (increment === null) return;
  const key = argv[1] as string;
  const field = argv[2] as string;
  const target = hashWriteOrCreate(c, key);
  if (target === null) return;
  const stored = target.hash.get(field);
  let current: bigint = 0n;
  if (stored !== undefined) {
    const parsed = parseInt64(stored);
    if (parsed === null) {
      c.addReplyError(HASH_VALUE_NOT_INTEGER);
      return;
    }
    current = BigInt(parsed);
  }
  const sum = current + BigInt(increment);
  if (sum > INT64_MAX || sum < INT64_MIN) {
    c.addReplyError(OVERFLOW);
    return;
  }
  hashSet(target.hash, field, String(sum), hashLimits(c));
  if (target.created) addCollection(c, key, target.hash, 1);
  else collectionChanged(c, key, 1, false);
  notifyKeyspaceEvent(c, NOTIFY.hash, 'hincrby', key);
  c.addReplyLongLong(sum);
}

/** Long double arithmetic as INCRBYFLOAT; propagated as HSET of the result (deterministic). */
function hincrbyfloatCommand(c: CommandContext, argv: string[]): void {
  const increment = parseLongDouble(argv[3] as string);
  if (increment === null) {
    c.addReplyError(NOT_FLOAT);
    return;
  }
  if (!isFiniteLongDouble(increment)) {
    c.addReplyError(VALUE_NAN_OR_INFINITY);
    return;
  }
  const key = argv[1] as string;
  const field = argv[2] as string;
  const target = hashWriteOrCreate(c, key);
  if (target === null) return;
  const stored = target.hash.get(field);
  const current = parseLongDouble(stored ?? '0');
  if (current === null) {
    c.addReplyError(HASH_VALUE_NOT_FLOAT);
    return;
  }
  const sum = addLongDouble(current, increment);
  if (sum === null) {
    c.addReplyError(NAN_OR_INFINITY);
    return;
  }
  const text = formatLongDouble(sum);
  hashSet(target.hash, field, text, hashLimits(c));
  if (target.created) addCollection(c, key, target.hash, 1);
  else collectionChanged(c, key, 1, false);
  c.propagateArgv = ['HSET', key, field, text];
  notifyKeyspaceEvent(c, NOTIFY.hash, 'hincrbyfloat', key);
  c.addReplyBulk(text);
}

// ------------------------------------------------------------------------------ reads

function hgetCommand(c: CommandContext, argv: string[]): void {
  const hash = hashReadOrReply(c, argv[1] as string);
  if (hash === null) return;
  c.addReplyBulkOrNull(hash?.get(argv[2] as string));
}

function hmgetCommand(c: CommandContext, argv: string[]): void {
  const hash = hashReadOrReply(c, argv[1] as string);
  if (hash === null) return;
  c.addReplyArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.addReplyBulkOrNull(hash?.get(argv[i] as string));
}

function hgetallGeneric(c: CommandContext, argv: string[], fields: boolean, values: boolean): void {
  const hash = hashReadOrReply(c, argv[1] as string);
  if (hash === null) return;
  const size = hash?.size ?? 0;
  if (fields && values) c.addReplyMapLen(size);
  else c.addReplyArrayLen(size);
  if (hash === undefined) return;
  let out = '';
  for (const [field, value] of hash) {
    if (fields) out += '$' + field.length + '\r\n' + field + '\r\n';
    if (values) out += '$' + value.length + '\r\n' + value + '\r\n';
  }
  c.addReplyRaw(out);
}

function hexistsCommand(c: CommandContext, argv: string[]): void {
  const hash = hashReadOrReply(c, argv[1] as string);
  if (hash === null) return;
  c.addReplyLongLong(hash?.has(argv[2] as string) === true ? 1 : 0);
}

function hlenCommand(c: CommandContext, argv: string[]): void {
  const hash = hashReadOrReply(c, argv[1] as string);
  if (hash === null) return;
  c.addReplyLongLong(hash?.size ?? 0);
}

function hstrlenCommand(c: CommandContext, argv: string[]): void {
  const hash = hashReadOrReply(c, argv[1] as string);
  if (hash === null) return;
  c.addReplyLongLong(hash?.get(argv[2] as string)?.length ?? 0);
}

// ------------------------------------------------------------------------------ HRANDFIELD

/**
 * HRANDFIELD key [count [WITHVALUES]]. The count is checked before the key is looked up, and
 * WITHVALUES halves its range (the reply has two entries per pick). In RESP3 each pick with
 * values is a [field, value] pair.
 */
function hrandfieldCommand(c: CommandContext, argv: string[]): void {
  if (argv.length === 2) {
    const hash = hashReadOrReply(c, argv[1] as string);
    if (hash === null) return;
    if (hash === undefined) c.addReplyNull();
    else c.addReplyBulk(randomMember(hash));
    return;
  }
  const count = randomCountOrReply(c, argv[2] as string);
  if (count === null) return;
  if (argv.length > 4 || (argv.length === 4 && !eqIgnoreCase(argv[3] as string, 'WITHVALUES'))) {
    c.addReplyError(SYNTAX);
    return;
  }
  const withValues = argv.length === 4;
  if (withValues && (count > HALF_LONG_MAX || count < -HALF_LONG_MAX)) {
    c.addReplyError(VALUE_OUT_OF_RANGE);
    return;
  }
  const hash = hashReadOrReply(c, argv[1] as string);
  if (hash === null) return;
  if (hash === undefined || count === 0n) {
    c.addReplyArrayLen(0);
    return;
  }
  replyRandomFields(c, hash, pickFields(hash, count), withValues);
}

/** WITHVALUES doubles the reply, so Redis halves the count's range. */
const HALF_LONG_MAX = 9223372036854775807n / 2n;

/** The fields a counted HRANDFIELD returns: repeats for a negative count, else distinct. */
function pickFields(hash: HashValue, count: bigint): string[] {
  const size = BigInt(hash.size);
  if (count < 0n) return randomMembersWithRepeats(hash, Number(-count));
  if (count === 1n) return [randomMember(hash)];
  if (count >= size) return Array.from(hash.keys());
  return randomDistinctMembers(hash, Number(count));
}

function replyRandomFields(c: CommandContext, hash: HashValue, picks: string[], withValues: boolean): void {
  const pairs = withValues && c.resp === 3;
  c.addReplyArrayLen(withValues && !pairs ? picks.length * 2 : picks.length);
  let out = '';
  for (const field of picks) {
    if (pairs) out += '*2\r\n';
    out += '$' + field.length + '\r\n' + field + '\r\n';
    if (withValues) {
      const value = hash.get(field) as string;
      out += '$' + value.length + '\r\n' + value + '\r\n';
    }
  }
  c.addReplyRaw(out);
}

// ------------------------------------------------------------------------------ HSCAN

/**
 * HSCAN key cursor [MATCH pattern] [COUNT count]. A listpack hash is returned whole with
 * cursor 0 whatever the cursor, as Redis does; a hashtable one is iterated with server-side
 * cursors. The cursor is parsed before the key is looked up, the options after.
 */
function hscanCommand(c: CommandContext, argv: string[]): void {
  const cursor = parseCursorOrReply(c, argv[2] as string);
  if (cursor === null) return;
  const hash = hashReadOrReply(c, argv[1] as string);
  if (hash === null) return;
  if (hash === undefined) {
    c.addReplyRaw('*2\r\n$1\r\n0\r\n*0\r\n');
    return;
  }
  const options = parseScanOptionsOrReply(c, argv, 3, false);
  if (options === null) return;
  const found: string[] = [];
  const visit = (entry: [string, string]): void => {
    if (!matches(options.pattern, entry[0])) return;
    found.push(entry[0], entry[1]);
  };
  let next = '0';
  if (hash.hashtable) {
    next = scanStep(c.services.scanCursors, cursor, { target: hash, makeIterator: () => hash.entries(), count: options.count }, visit);
  } else {
    for (const entry of hash) visit(entry);
  }
  c.addReplyArrayLen(2);
  c.addReplyBulk(next);
  c.addReplyBulks(found);
}

// ------------------------------------------------------------------------------ helpers

interface HashLimits {
  entriesMax: number;
  valueBytesMax: number;
}

/** hash-max-listpack-entries/-value as live config cells: one server's (CommandServices#hashLimits). */
export interface HashLimitCells {
  readonly entries: { readonly value: number };
  readonly value: { readonly value: number };
}

/** Made once per server, by the Server's constructor. */
export function hashLimitCells(config: Config): HashLimitCells {
  return { entries: config.numCell('hash-max-listpack-entries'), value: config.numCell('hash-max-listpack-value') };
}

function hashLimits(c: CommandContext): HashLimits {
  const cells = c.services.hashLimits;
  return { entriesMax: cells.entries.value, valueBytesMax: cells.value.value };
}

/** The hash for reading: undefined when missing, null after replying WRONGTYPE. */
function hashReadOrReply(c: CommandContext, key: string): HashValue | undefined | null {
  const value = c.keyspace.lookupRead(c.db, key);
  if (value === undefined || value instanceof HashValue) return value;
  c.addReplyError(WRONGTYPE);
  return null;
}

/**
 * The hash for writing, or a new empty one (`created`: the caller adds it to the keyspace
 * once filled); null after replying WRONGTYPE.
 */
function hashWriteOrCreate(c: CommandContext, key: string): { hash: HashValue; created: boolean } | null {
  const value = c.keyspace.lookupWrite(c.db, key);
  if (value === undefined) return { hash: new HashValue(), created: true };
  if (value instanceof HashValue) return { hash: value, created: false };
  c.addReplyError(WRONGTYPE);
  return null;
}

/** Converts a listpack hash when any argument from argv[start] on is too long for it. */
function convertForArguments(
  hash: HashValue,
  argv: string[],
  start: number,
  limits: HashLimits,
): void {
  if (hash.hashtable) return;
  for (let i = start; i < argv.length; i++) {
    if ((argv[i] as string).length > limits.valueBytesMax) {
      hash.hashtable = true;
      return;
    }
  }
}

/** Sets one field, converting the encoding as Redis's hashTypeSet does; true when new. */
function hashSet(hash: HashValue, field: string, value: string, limits: HashLimits): boolean {
  const longest = Math.max(field.length, value.length);
  if (!hash.hashtable && longest > limits.valueBytesMax) hash.hashtable = true;
  const sizeBefore = hash.size;
  hash.set(field, value);
  if (!hash.hashtable && hash.size > limits.entriesMax) hash.hashtable = true;
  return hash.size !== sizeBefore;
}
