// Set commands. Replies, error texts and encodings follow Redis 7.0, whose sets are an intset
// (only integers, at most set-max-intset-entries of them) or a hashtable. An intset replies in
// ascending numeric order, so every reply that walks an intset-encoded set (SMEMBERS, SSCAN,
// SINTER over an intset, SUNION/SDIFF results that stay intsets...) is sorted here to match
// Redis byte for byte; hashtable order is Redis's hash order, which nobody can rely on.
// Never touches the keyspace maps directly: every write goes through lookupWrite/add/setKey/delete.
// Redis equivalent: t_set.c.

import type { CommandContext } from './context.js';
import { SetValue } from '../store/value/types.js';
import { LAZYFREE_THRESHOLD } from '../store/lazyfree.js';
import { parseInt64 } from '../util/numbers.js';
import { eqIgnoreCase } from './args.js';
import { addCollection, collectionChanged } from './collection-write.js';
import {
  LIMIT_NEGATIVE,
  MUST_BE_POSITIVE,
  NUMKEYS_NOT_POSITIVE,
  NUMKEYS_TOO_MANY,
  SYNTAX,
  WRONGTYPE,
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

export const setCommands: CommandDef[] = [
  { name: 'sadd', handler: saddCommand },
  { name: 'srem', handler: sremCommand },
  { name: 'smembers', handler: (c, argv) => sinterGeneric(c, argv.slice(1), null) },
  { name: 'sismember', handler: sismemberCommand },
  { name: 'smismember', handler: smismemberCommand },
  { name: 'scard', handler: scardCommand },
  { name: 'spop', handler: spopCommand },
  { name: 'srandmember', handler: srandmemberCommand },
  { name: 'smove', handler: smoveCommand },
  { name: 'sinter', handler: (c, argv) => sinterGeneric(c, argv.slice(1), null) },
  { name: 'sintercard', handler: sintercardCommand },
  { name: 'sinterstore', handler: (c, argv) => sinterGeneric(c, argv.slice(2), argv[1] as string) },
  { name: 'sunion', handler: (c, argv) => sunionDiffGeneric(c, argv.slice(1), null, 'union') },
  { name: 'sdiff', handler: (c, argv) => sunionDiffGeneric(c, argv.slice(1), null, 'diff') },
  {
    name: 'sunionstore',
    handler: (c, argv) => sunionDiffGeneric(c, argv.slice(2), argv[1] as string, 'union'),
  },
  {
    name: 'sdiffstore',
    handler: (c, argv) => sunionDiffGeneric(c, argv.slice(2), argv[1] as string, 'diff'),
  },
  { name: 'sscan', handler: sscanCommand },
];

// ------------------------------------------------------------------------------ writes

function saddCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const value = c.keyspace.lookupWrite(c.db, key);
  if (value !== undefined && !(value instanceof SetValue)) {
    c.addReplyError(WRONGTYPE);
    return;
  }
  const set = value ?? new SetValue();
  const intsetMax = intsetEntriesMax(c);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (setAdd(set, argv[i] as string, intsetMax)) added++;
  if (value === undefined) addCollection(c, key, set, added);
  else collectionChanged(c, key, added, false);
  if (added !== 0) notifyKeyspaceEvent(c, NOTIFY.set, 'sadd', key);
  c.addReplyLongLong(added);
}

function sremCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const set = setWriteOrReply(c, key);
  if (set === null) return;
  if (set === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  let removed = 0;
  for (let i = 2; i < argv.length && set.size > 0; i++) {
    if (set.delete(argv[i] as string)) removed++;
  }
  collectionChanged(c, key, removed, set.size === 0);
  if (removed !== 0) setEvent(c, 'srem', key, set);
  c.addReplyLongLong(removed);
}

/**
 * SMOVE source destination member. A missing source answers 0 before any type check; the
 * same key as source and destination only answers membership.
 */
function smoveCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  const sourceKey = argv[1] as string;
  const targetKey = argv[2] as string;
  const member = argv[3] as string;
  const source = ks.lookupWrite(c.db, sourceKey);
  const target = ks.lookupWrite(c.db, targetKey);
  if (source === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  if (!(source instanceof SetValue) || (target !== undefined && !(target instanceof SetValue))) {
    c.addReplyError(WRONGTYPE);
    return;
  }
  if (source === target) {
    c.addReplyLongLong(source.has(member) ? 1 : 0);
    return;
  }
  if (!source.delete(member)) {
    c.addReplyLongLong(0);
    return;
  }
  collectionChanged(c, sourceKey, 1, source.size === 0);
  setEvent(c, 'srem', sourceKey, source);
  const set = target ?? new SetValue();
  const added = setAdd(set, member, intsetEntriesMax(c));
  if (target === undefined) addCollection(c, targetKey, set, 1);
  else collectionChanged(c, targetKey, added ? 1 : 0, false);
  if (added) notifyKeyspaceEvent(c, NOTIFY.set, 'sadd', targetKey);
  c.addReplyLongLong(1);
}

/** The events of a removal from `key`'s set: `event`, then `del` if the set is now empty. */
function setEvent(c: CommandContext, event: string, key: string, set: SetValue): void {
  notifyKeyspaceEvent(c, NOTIFY.set, event, key);
  if (set.size === 0) notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
}

// ------------------------------------------------------------------------------ reads

function sismemberCommand(c: CommandContext, argv: string[]): void {
  const set = setReadOrReply(c, argv[1] as string);
  if (set === null) return;
  c.addReplyLongLong(set?.has(argv[2] as string) === true ? 1 : 0);
}

function smismemberCommand(c: CommandContext, argv: string[]): void {
  const set = setReadOrReply(c, argv[1] as string);
  if (set === null) return;
  c.addReplyArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    c.addReplyLongLong(set?.has(argv[i] as string) === true ? 1 : 0);
  }
}

function scardCommand(c: CommandContext, argv: string[]): void {
  const set = setReadOrReply(c, argv[1] as string);
  if (set === null) return;
  c.addReplyLongLong(set?.size ?? 0);
}

// ------------------------------------------------------------------------------ SPOP

/**
 * SPOP key [count]. Propagated deterministically: SREM of the popped members, or DEL when the
 * whole set was popped (Redis 7.0 sends the SREMs in batches of 1024; one SREM has the same
 * effect on replay).
 */
function spopCommand(c: CommandContext, argv: string[]): void {
  if (argv.length > 3) {
    c.addReplyError(SYNTAX);
    return;
  }
  if (argv.length === 3) {
    spopWithCount(c, argv);
    return;
  }
  const key = argv[1] as string;
  const set = setWriteOrReply(c, key);
  if (set === null) return;
  if (set === undefined) {
    c.addReplyNull();
    return;
  }
  const member = randomMember(set);
  set.delete(member);
  collectionChanged(c, key, 1, set.size === 0);
  setEvent(c, 'spop', key, set);
  c.propagateArgv = ['SREM', key, member];
  c.addReplyBulk(member);
}

/** How much larger the popped part must be than what stays before the set is rebuilt. */
const SPOP_MOVE_STRATEGY_MUL = 5;

function spopWithCount(c: CommandContext, argv: string[]): void {
  const parsed = parseInt64(argv[2] as string);
  if (parsed === null || parsed < 0) {
    c.addReplyError(MUST_BE_POSITIVE);
    return;
  }
  const key = argv[1] as string;
  const set = setWriteOrReply(c, key);
  if (set === null) return;
  if (set === undefined || parsed === 0) {
    c.addReplySetLen(0);
    return;
  }
  if (parsed >= set.size) {
    const members = membersInOrder(set);
    replyMembers(c, members, 'set');
    // Redis replies through SUNION's code, whose result set (a copy built from an intset up)
    // is freed as a server deletion, and then deletes the set itself.
    const ks = c.keyspace;
    if (ks.lazyServerDel && set.size > LAZYFREE_THRESHOLD && (set.size > intsetEntriesMax(c) || !allIntegers(set))) {
      ks.lazyfree.defer(members, 1);
    }
    ks.delete(c.db, key);
    notifyKeyspaceEvent(c, NOTIFY.set, 'spop', key);
    notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
    c.propagateArgv = ['DEL', key];
    return;
  }
  const count = Number(parsed);
  const remaining = set.size - count;
  let popped: string[];
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    popped = randomDistinctMembers(set, count);
    for (const member of popped) set.delete(member);
  } else {
    // Redis keeps `remaining` random members in a new set and returns the old one, so what
    // stays is re-encoded from scratch (a hashtable of integers can become an intset again).
    const kept = new Set(randomDistinctMembers(set, remaining));
    popped = [];
    for (const member of membersInOrder(set)) if (!kept.has(member)) popped.push(member);
    for (const member of popped) set.delete(member);
    // The old set, holding what is popped, is overwritten by the new one (a server deletion).
    const ks = c.keyspace;
    if (ks.lazyServerDel && set.hashtable && popped.length > LAZYFREE_THRESHOLD) ks.lazyfree.defer(popped, 1);
    set.hashtable = set.size > intsetEntriesMax(c) || !allIntegers(set);
  }
  collectionChanged(c, key, count, false);
  notifyKeyspaceEvent(c, NOTIFY.set, 'spop', key);
  c.propagateArgv = ['SREM', key, ...popped];
  replyMembers(c, popped, 'set');
}

// ------------------------------------------------------------------------------ SRANDMEMBER

function srandmemberCommand(c: CommandContext, argv: string[]): void {
  if (argv.length > 3) {
    c.addReplyError(SYNTAX);
    return;
  }
  if (argv.length === 2) {
    const set = setReadOrReply(c, argv[1] as string);
    if (set === null) return;
    if (set === undefined) c.addReplyNull();
    else c.addReplyBulk(randomMember(set));
    return;
  }
  const count = randomCountOrReply(c, argv[2] as string);
  if (count === null) return;
  const set = setReadOrReply(c, argv[1] as string);
  if (set === null) return;
  if (set === undefined || count === 0n) {
    c.addReplyArrayLen(0);
    return;
  }
  let picks: string[];
  if (count < 0n) picks = randomMembersWithRepeats(set, Number(-count));
  else if (count === 1n) picks = [randomMember(set)];
  else if (count >= BigInt(set.size)) picks = membersInOrder(set);
  else picks = randomDistinctMembers(set, Number(count));
  replyMembers(c, picks, 'array');
}

// ------------------------------------------------------------------------------ algebra

/**
 * SINTER / SMEMBERS / SINTERSTORE (target non-null). Every key is type-checked even after a
 * missing one; any missing key makes the result empty. The smallest set is walked in its own
 * order (sorted for an intset) and each member checked against the others.
 */
function sinterGeneric(c: CommandContext, keys: string[], target: string | null): void {
  const sets = lookupSetsOrReply(c, keys);
  if (sets === null) return;
  const members = sets.includes(undefined) ? [] : intersect(sets as SetValue[], 0);
  if (target !== null) {
    storeResult(c, target, members, 'sinterstore');
    return;
  }
  replyMembers(c, members, 'set');
}

function sintercardCommand(c: CommandContext, argv: string[]): void {
  const numkeys = parseInt64(argv[1] as string);
  if (numkeys === null || numkeys < 1) {
    c.addReplyError(NUMKEYS_NOT_POSITIVE);
    return;
  }
  if (numkeys > argv.length - 2) {
    c.addReplyError(NUMKEYS_TOO_MANY);
    return;
  }
  const keysEnd = 2 + Number(numkeys);
  let limit = 0;
  for (let i = keysEnd; i < argv.length; i++) {
    if (eqIgnoreCase(argv[i] as string, 'LIMIT') && i + 1 < argv.length) {
      const parsed = parseInt64(argv[++i] as string);
      if (parsed === null || parsed < 0) {
        c.addReplyError(LIMIT_NEGATIVE);
        return;
      }
      limit = Number(parsed);
    } else {
      c.addReplyError(SYNTAX);
      return;
    }
  }
  const sets = lookupSetsOrReply(c, argv.slice(2, keysEnd));
  if (sets === null) return;
  c.addReplyLongLong(sets.includes(undefined) ? 0 : intersect(sets as SetValue[], limit).length);
}

/** The members common to all sets, walking the smallest; stops at `limit` when non-zero. */
function intersect(sets: SetValue[], limit: number): string[] {
  const ordered = sets.slice().sort((a, b) => a.size - b.size);
  const smallest = ordered[0] as SetValue;
  const out: string[] = [];
  for (const member of membersInOrder(smallest)) {
    let everywhere = true;
    for (let j = 1; j < ordered.length; j++) {
      if (!(ordered[j] as SetValue).has(member)) {
        everywhere = false;
        break;
      }
    }
    if (!everywhere) continue;
    out.push(member);
    if (limit !== 0 && out.length >= limit) break;
  }
  return out;
}

/**
 * SUNION / SDIFF and their STORE forms. Missing keys are empty sets; SDIFF is empty when a
 * later key names the same set as the first. The result is built as Redis builds it (a new
 * set that starts as an intset), so its encoding and its reply order follow from its members.
 */
function sunionDiffGeneric(
  c: CommandContext,
  keys: string[],
  target: string | null,
  operation: 'union' | 'diff',
): void {
  const sets = lookupSetsOrReply(c, keys);
  if (sets === null) return;
  const intsetMax = intsetEntriesMax(c);
  const result = new SetValue();
  const first = sets[0];
  if (operation === 'union') {
    for (const set of sets) {
      if (set !== undefined) for (const member of set) setAdd(result, member, intsetMax);
    }
  } else if (first !== undefined && !sets.slice(1).includes(first)) {
    for (const member of first) {
      const elsewhere = sets.some((set, j) => j > 0 && set?.has(member) === true);
      if (!elsewhere) setAdd(result, member, intsetMax);
    }
  }
  if (target !== null) {
    storeResult(c, target, Array.from(result), operation === 'union' ? 'sunionstore' : 'sdiffstore');
    return;
  }
  replyMembers(c, membersInOrder(result), 'set');
  // Redis frees the result set as a server deletion.
  if (c.keyspace.lazyServerDel) c.keyspace.lazyfree.freeValue(result);
}

/** The *STORE tail: the result replaces the target (dropping its TTL), or deletes it if empty. */
function storeResult(c: CommandContext, target: string, members: string[], event: string): void {
  const ks = c.keyspace;
  if (members.length === 0) {
    if (ks.delete(c.db, target)) notifyKeyspaceEvent(c, NOTIFY.generic, 'del', target);
    c.addReplyLongLong(0);
    return;
  }
  const set = new SetValue();
  const intsetMax = intsetEntriesMax(c);
  for (const member of members) setAdd(set, member, intsetMax);
  ks.setKey(c.db, target, set);
  notifyKeyspaceEvent(c, NOTIFY.set, event, target);
  c.addReplyLongLong(set.size);
}

/** Looks up every key as a set: undefined for a missing key, null after replying WRONGTYPE. */
function lookupSetsOrReply(c: CommandContext, keys: string[]): (SetValue | undefined)[] | null {
  const ks = c.keyspace;
  const sets: (SetValue | undefined)[] = [];
  for (const key of keys) {
    const value = ks.lookupRead(c.db, key);
    if (value !== undefined && !(value instanceof SetValue)) {
      c.addReplyError(WRONGTYPE);
      return null;
    }
    sets.push(value);
  }
  return sets;
}

// ------------------------------------------------------------------------------ SSCAN

/** SSCAN key cursor [MATCH pattern] [COUNT count]; an intset is returned whole and sorted. */
function sscanCommand(c: CommandContext, argv: string[]): void {
  const cursor = parseCursorOrReply(c, argv[2] as string);
  if (cursor === null) return;
  const set = setReadOrReply(c, argv[1] as string);
  if (set === null) return;
  if (set === undefined) {
    c.addReplyRaw('*2\r\n$1\r\n0\r\n*0\r\n');
    return;
  }
  const options = parseScanOptionsOrReply(c, argv, 3, false);
  if (options === null) return;
  const found: string[] = [];
  const visit = (member: string): void => {
    if (matches(options.pattern, member)) found.push(member);
  };
  let next = '0';
  if (set.hashtable) {
    next = scanStep(c.services.scanCursors, cursor, { target: set, makeIterator: () => set.values(), count: options.count }, visit);
  } else {
    for (const member of membersInOrder(set)) visit(member);
  }
  c.addReplyArrayLen(2);
  c.addReplyBulk(next);
  c.addReplyBulks(found);
}

// ------------------------------------------------------------------------------ helpers

function intsetEntriesMax(c: CommandContext): number {
  return c.config.num('set-max-intset-entries');
}

/** The set for reading: undefined when missing, null after replying WRONGTYPE. */
function setReadOrReply(c: CommandContext, key: string): SetValue | undefined | null {
  const value = c.keyspace.lookupRead(c.db, key);
  if (value === undefined || value instanceof SetValue) return value;
  c.addReplyError(WRONGTYPE);
  return null;
}

/** The set for writing in place: undefined when missing, null after replying WRONGTYPE. */
function setWriteOrReply(c: CommandContext, key: string): SetValue | undefined | null {
  const value = c.keyspace.lookupWrite(c.db, key);
  if (value === undefined || value instanceof SetValue) return value;
  c.addReplyError(WRONGTYPE);
  return null;
}

/**
 * Adds a member, converting an intset as Redis 7.0 does: on a member that is not a 64-bit
 * integer in canonical form ("01", "+1" and " 1" are not), or once it outgrows `intsetMax`.
 */
export function setAdd(set: SetValue, member: string, intsetMax: number): boolean {
  if (!set.hashtable && parseInt64(member) === null) set.hashtable = true;
  const sizeBefore = set.size;
  set.add(member);
  if (set.size === sizeBefore) return false;
  if (!set.hashtable && set.size > intsetMax) set.hashtable = true;
  return true;
}

function allIntegers(set: SetValue): boolean {
  for (const member of set) if (parseInt64(member) === null) return false;
  return true;
}

/** Members in the order Redis walks them: ascending for an intset, else iteration order. */
export function membersInOrder(set: SetValue): string[] {
  const members = Array.from(set);
  if (!set.hashtable) members.sort(compareIntegers);
  return members;
}

/** Orders canonical 64-bit integer strings numerically (doubles decide unless they tie). */
function compareIntegers(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (x !== y) return x < y ? -1 : 1;
  if (Number.isSafeInteger(x)) return 0;
  const bx = BigInt(a);
  const by = BigInt(b);
  return bx < by ? -1 : bx > by ? 1 : 0;
}

function replyMembers(c: CommandContext, members: string[], shape: 'set' | 'array'): void {
  if (shape === 'set') c.addReplySetLen(members.length);
  else c.addReplyArrayLen(members.length);
  let out = '';
  for (const member of members) out += '$' + member.length + '\r\n' + member + '\r\n';
  c.addReplyRaw(out);
}
