// Sorted-set commands that add, remove, count, score, rank, pop and sample members, and the
// module's CommandDef list (ranges live in zset-range.ts, set algebra in zset-setops.ts; the
// blocking pops in blocking-zset.ts reuse zsetPopGeneric). Exact Redis 7.0 reply shapes in
// RESP2 and RESP3. Redis equivalent: t_zset.c.

import type { CommandContext } from './context.js';
import { ZSetValue, type ZNode } from '../store/value/zset.js';
import { longOrReply } from './args.js';
import { MUST_BE_POSITIVE, NOT_INTEGER, SYNTAX } from './errors.js';
import { parseCursorOrReply, parseScanOptionsOrReply, matches, scanStep } from './scan.js';
import { formatDouble, parseInt64 } from '../util/numbers.js';
import type { CommandDef } from './types.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import {
  LEX_RANGE_INVALID,
  LONG_MAX,
  SCORE_NAN,
  SCORE_RANGE_NOT_FLOAT,
  ZADD_GT_LT_NX,
  ZADD_INCR_PAIRS,
  ZADD_XX_AND_NX,
  ZCOUNT_NOT_POSITIVE,
  ZNUMKEYS_NOT_POSITIVE,
  ZRANDOM_COUNT_OUT_OF_RANGE,
  ZVALUE_OUT_OF_RANGE,
  doubleArgOrReply,
  lexRangeCount,
  lexRangeRanks,
  parseLexRange,
  parseScoreRange,
  rankSpan,
  replyScoredList,
  scoreRangeRanks,
  zsetChanged,
  zsetEvent,
  zsetForReadOrReply,
  zsetForWriteOrReply,
  zsetLimits,
  zsetStore,
  type RankSpan,
  type ZsetLimits,
} from './zset-common.js';
import { zsetRangeCommands } from './zset-range.js';
import { zsetSetOpCommands } from './zset-setops.js';

// ------------------------------------------------------------------------ ZADD / ZINCRBY

interface ZaddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

/** What zsetAdd did to one member: Redis's ZADD_OUT_* flags, plus the NaN failure. */
type ZaddOutcome = 'added' | 'updated' | 'unchanged' | 'nop' | 'nan';

function zaddCommand(c: CommandContext, argv: string[]): void {
  zaddGeneric(c, argv, false);
}

/** ZINCRBY is ZADD INCR: options are parsed the same way, so "ZINCRBY k nx m" is a syntax error. */
function zincrbyCommand(c: CommandContext, argv: string[]): void {
  zaddGeneric(c, argv, true);
}

export function zaddGeneric(c: CommandContext, argv: string[], incr: boolean): void {
  const flags: ZaddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr };
  let scoreIndex = 2;
  for (; scoreIndex < argv.length; scoreIndex++) {
    if (!zaddOption(flags, (argv[scoreIndex] as string).toUpperCase())) break;
  }
  const pairArgs = argv.length - scoreIndex;
  if (pairArgs % 2 !== 0 || pairArgs === 0) return c.addReplyError(SYNTAX);
  if (flags.nx && flags.xx) return c.addReplyError(ZADD_XX_AND_NX);
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) {
    return c.addReplyError(ZADD_GT_LT_NX);
  }
  if (flags.incr && pairArgs > 2) return c.addReplyError(ZADD_INCR_PAIRS);
  const scores: number[] = [];
  for (let i = scoreIndex; i < argv.length; i += 2) {
    const score = doubleArgOrReply(c, argv[i] as string);
    if (score === null) return;
    scores.push(score);
  }
  const key = argv[1] as string;
  const existing = zsetForWriteOrReply(c, key);
  if (existing === undefined) return;
  if (existing === null && flags.xx) return zaddReply(c, flags, { added: 0, updated: 0, lastScore: null });
  const rules = { flags, limits: zsetLimits(c) };
  const ks = c.keyspace;
  if (existing !== null) ks.lookupWrite(c.db, key);
  const zset = existing ?? new ZSetValue();
  let added = 0;
  let updated = 0;
  let lastScore: number | null = null;
  for (let i = 0; i < scores.length; i++) {
    const member = argv[scoreIndex + 2 * i + 1] as string;
    const [outcome, score] = zaddOne(zset, member, scores[i] as number, rules);
    if (outcome === 'nan') {
      zaddFinish(c, key, zset, { created: existing === null, changes: added + updated });
      if (added + updated !== 0) notifyKeyspaceEvent(c, NOTIFY.zset, flags.incr ? 'zincr' : 'zadd', key);
      return c.addReplyError(SCORE_NAN);
    }
    if (outcome === 'added') added++;
    if (outcome === 'updated') updated++;
    if (outcome !== 'nop') lastScore = score;
  }
  zaddFinish(c, key, zset, { created: existing === null, changes: added + updated });
  if (added + updated !== 0) notifyKeyspaceEvent(c, NOTIFY.zset, flags.incr ? 'zincr' : 'zadd', key);
  zaddReply(c, flags, { added, updated, lastScore });
}

function zaddOption(flags: ZaddFlags, option: string): boolean {
  switch (option) {
    case 'NX':
      flags.nx = true;
      return true;
    case 'XX':
      flags.xx = true;
      return true;
    case 'CH':
      flags.ch = true;
      return true;
    case 'INCR':
      flags.incr = true;
      return true;
    case 'GT':
      flags.gt = true;
      return true;
    case 'LT':
      flags.lt = true;
      return true;
    default:
      return false;
  }
}

/** Redis's zsetAdd for one member; the score returned is the new one (INCR's reply). */
function zaddOne(
  zset: ZSetValue,
  member: string,
  given: number,
  rules: { flags: ZaddFlags; limits: ZsetLimits },
): [ZaddOutcome, number] {
  const { flags, limits } = rules;
  const current = zset.score(member);
  if (current === undefined) {
    if (flags.xx) return ['nop', given];
    zsetStore(zset, member, given, limits);
    return ['added', given];
  }
  if (flags.nx) return ['nop', given];
  const score = flags.incr ? given + current : given;
  if (Number.isNaN(score)) return ['nan', score];
  if ((flags.lt && score >= current) || (flags.gt && score <= current)) return ['nop', score];
  if (score === current) return ['unchanged', score];
  zsetStore(zset, member, score, limits);
  return ['updated', score];
}

/** Adds a new zset to the keyspace, or records `changes` to an existing one. */
function zaddFinish(
  c: CommandContext,
  key: string,
  zset: ZSetValue,
  result: { created: boolean; changes: number },
): void {
  const { created, changes } = result;
  if (!created) return zsetChanged(c, key, zset, changes);
  if (zset.size === 0) return;
  const ks = c.keyspace;
  ks.add(c.db, key, zset);
  if (changes > 1) ks.modified(c.db, key, changes - 1);
}

function zaddReply(
  c: CommandContext,
  flags: ZaddFlags,
  counts: { added: number; updated: number; lastScore: number | null },
): void {
  const { added, updated, lastScore } = counts;
  if (!flags.incr) return c.addReplyLongLong(flags.ch ? added + updated : added);
  if (lastScore === null) c.addReplyNull();
  else c.addReplyDouble(lastScore);
}

// ------------------------------------------------------------------------ simple reads

function zremCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const zset = zsetForWriteOrReply(c, key);
  if (zset === undefined) return;
  if (zset === null) return c.addReplyLongLong(0);
  c.keyspace.lookupWrite(c.db, key);
  let removed = 0;
  for (let i = 2; i < argv.length; i++) {
    if (zset.remove(argv[i] as string)) removed++;
    if (zset.size === 0) break;
  }
  zsetChanged(c, key, zset, removed);
  if (removed !== 0) zsetEvent(c, 'zrem', key, zset);
  c.addReplyLongLong(removed);
}

function zcardCommand(c: CommandContext, argv: string[]): void {
  const zset = zsetForReadOrReply(c, argv[1] as string);
  if (zset === undefined) return;
  c.addReplyLongLong(zset === null ? 0 : zset.size);
}

function zcountCommand(c: CommandContext, argv: string[]): void {
  const range = parseScoreRange(argv[2] as string, argv[3] as string);
  if (range === null) return c.addReplyError(SCORE_RANGE_NOT_FLOAT);
  const zset = zsetForReadOrReply(c, argv[1] as string);
  if (zset === undefined) return;
  c.addReplyLongLong(spanLength(zset === null ? null : scoreRangeRanks(zset, range)));
}

function zlexcountCommand(c: CommandContext, argv: string[]): void {
  const range = parseLexRange(argv[2] as string, argv[3] as string);
  if (range === null) return c.addReplyError(LEX_RANGE_INVALID);
  const zset = zsetForReadOrReply(c, argv[1] as string);
  if (zset === undefined) return;
  c.addReplyLongLong(zset === null ? 0 : lexRangeCount(zset, range));
}

function spanLength(span: RankSpan | null): number {
  return span === null ? 0 : span.last - span.first + 1;
}

function zscoreCommand(c: CommandContext, argv: string[]): void {
  const zset = zsetForReadOrReply(c, argv[1] as string);
  if (zset === undefined) return;
  const score = zset?.score(argv[2] as string);
  if (score === undefined) c.addReplyNull();
  else c.addReplyDouble(score);
}

function zmscoreCommand(c: CommandContext, argv: string[]): void {
  const zset = zsetForReadOrReply(c, argv[1] as string);
  if (zset === undefined) return;
  c.addReplyArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i] as string);
    if (score === undefined) c.addReplyNull();
    else c.addReplyDouble(score);
  }
}

function zrankGeneric(c: CommandContext, argv: string[], reverse: boolean): void {
  const zset = zsetForReadOrReply(c, argv[1] as string);
  if (zset === undefined) return;
  const rank = zset?.rank(argv[2] as string);
  if (zset === null || rank === undefined) return c.addReplyNull();
  c.addReplyLongLong(reverse ? zset.size - 1 - rank : rank);
}

// ------------------------------------------------------------------------ ZREMRANGEBY*

function zremrangebyrankCommand(c: CommandContext, argv: string[]): void {
  const start = longOrReply(c, argv[2] as string);
  if (start === null) return;
  const end = longOrReply(c, argv[3] as string);
  if (end === null) return;
  zremrangeGeneric(c, argv[1] as string, (zset) => rankSpan(zset.size, start, end), 'zremrangebyrank');
}

function zremrangebyscoreCommand(c: CommandContext, argv: string[]): void {
  const range = parseScoreRange(argv[2] as string, argv[3] as string);
  if (range === null) return c.addReplyError(SCORE_RANGE_NOT_FLOAT);
  zremrangeGeneric(c, argv[1] as string, (zset) => scoreRangeRanks(zset, range), 'zremrangebyscore');
}

function zremrangebylexCommand(c: CommandContext, argv: string[]): void {
  const range = parseLexRange(argv[2] as string, argv[3] as string);
  if (range === null) return c.addReplyError(LEX_RANGE_INVALID);
  zremrangeGeneric(c, argv[1] as string, (zset) => lexRangeRanks(zset, range), 'zremrangebylex');
}

function zremrangeGeneric(
  c: CommandContext,
  key: string,
  span: (zset: ZSetValue) => RankSpan | null,
  event: string,
): void {
  const zset = zsetForWriteOrReply(c, key);
  if (zset === undefined) return;
  const ranks = zset === null ? null : span(zset);
  if (zset === null || ranks === null) return c.addReplyLongLong(0);
  c.keyspace.lookupWrite(c.db, key);
  const removed = zset.deleteRangeByRank(ranks.first, ranks.last).length;
  zsetChanged(c, key, zset, removed);
  if (removed !== 0) zsetEvent(c, event, key, zset);
  c.addReplyLongLong(removed);
}

// ------------------------------------------------------------------------ pops

function zpopminCommand(c: CommandContext, argv: string[]): void {
  zpopMinMax(c, argv, false);
}

function zpopmaxCommand(c: CommandContext, argv: string[]): void {
  zpopMinMax(c, argv, true);
}

function zpopMinMax(c: CommandContext, argv: string[], max: boolean): void {
  if (argv.length > 3) return c.addReplyError(SYNTAX);
  let count = -1;
  if (argv.length === 3) {
    const parsed = parseInt64(argv[2] as string);
    if (parsed === null || parsed < 0) return c.addReplyError(MUST_BE_POSITIVE);
    count = Number(parsed);
  }
  // A count, even 1, makes RESP3 reply with [member, score] pairs; without one it is flat.
  const nested = c.resp === 3 && count !== -1;
  zsetPopGeneric(c, [argv[1] as string], max, {
    emitKey: false,
    count,
    nested,
    nullWhenEmpty: false,
  });
}

export interface ZsetPopOptions {
  /** Reply with the key first (BZPOP*, ZMPOP, BZMPOP). */
  emitKey: boolean;
  /** How many to pop; -1 means one, without a count argument. */
  count: number;
  /** [member, score] pairs (ZMPOP always, ZPOP* with a count in RESP3) instead of a flat list. */
  nested: boolean;
  /** Reply with a null array (ZMPOP) instead of an empty one when no key holds members. */
  nullWhenEmpty: boolean;
}

/**
 * Pops from the first non-empty sorted set among `keys` and replies in the shape the options
 * select. Replies WRONGTYPE at the first key of another type. Returns the key popped from,
 * or null when nothing was popped. Redis equivalent: genericZpopCommand.
 */
export function zsetPopGeneric(
  c: CommandContext,
  keys: readonly string[],
  max: boolean,
  options: ZsetPopOptions,
): string | null {
  let key: string | null = null;
  let zset: ZSetValue | null = null;
  for (const candidate of keys) {
    const found = zsetForWriteOrReply(c, candidate);
    if (found === undefined) return null;
    if (found === null) continue;
    key = candidate;
    zset = found;
    break;
  }
  if (key === null || zset === null) {
    if (options.nullWhenEmpty) c.addReplyNullArray();
    else c.addReplyArrayLen(0);
    return null;
  }
  if (options.count === 0) {
    c.addReplyArrayLen(0);
    return null;
  }
  const want = options.count === -1 ? 1 : options.count;
  const popCount = Math.min(want, zset.size);
  zpopReplyHeader(c, key, popCount, options);
  c.keyspace.lookupWrite(c.db, key);
  const popped = max
    ? zset.deleteRangeByRank(zset.size - popCount, zset.size - 1).reverse()
    : zset.deleteRangeByRank(0, popCount - 1);
  for (const node of popped) {
    if (options.nested) c.addReplyArrayLen(2);
    c.addReplyBulk(node.member);
    c.addReplyDouble(node.score);
  }
  zsetChanged(c, key, zset, popped.length);
  zsetEvent(c, max ? 'zpopmax' : 'zpopmin', key, zset);
  return key;
}

function zpopReplyHeader(c: CommandContext, key: string, popCount: number, options: ZsetPopOptions): void {
  if (!options.emitKey) {
    c.addReplyArrayLen(options.nested ? popCount : popCount * 2);
    return;
  }
  if (options.nested) {
    c.addReplyArrayLen(2);
    c.addReplyBulk(key);
    c.addReplyArrayLen(popCount);
    return;
  }
  c.addReplyArrayLen(popCount * 2 + 1);
  c.addReplyBulk(key);
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]; replicated as ZPOPMIN/ZPOPMAX key count. */
function zmpopCommand(c: CommandContext, argv: string[]): void {
  const parsed = zmpopArgsOrReply(c, argv, 1);
  if (parsed === null) return;
  const popped = zsetPopGeneric(c, parsed.keys, parsed.max, {
    emitKey: true,
    count: parsed.count,
    nested: true,
    nullWhenEmpty: true,
  });
  if (popped !== null) {
    c.propagateArgv = [parsed.max ? 'ZPOPMAX' : 'ZPOPMIN', popped, parsed.countArg];
  }
}

export interface ZmpopArgs {
  keys: string[];
  max: boolean;
  count: number;
  /** The count as Redis propagates it ("1" when not given). */
  countArg: string;
}

/**
 * Parses `numkeys key... MIN|MAX [COUNT n]` starting at argv[numkeysIndex] (ZMPOP: 1, BZMPOP:
 * 2); null after replying the error Redis gives. Redis equivalent: zmpopGenericCommand.
 */
export function zmpopArgsOrReply(
  c: CommandContext,
  argv: string[],
  numkeysIndex: number,
): ZmpopArgs | null {
  const numkeys = parseInt64(argv[numkeysIndex] as string);
  if (numkeys === null || numkeys < 1) {
    c.addReplyError(ZNUMKEYS_NOT_POSITIVE);
    return null;
  }
  const whereIndex = numkeysIndex + Number(numkeys) + 1;
  const where = argv[whereIndex]?.toUpperCase();
  if (where !== 'MIN' && where !== 'MAX') {
    c.addReplyError(SYNTAX);
    return null;
  }
  let count = -1;
  let countArg = '1';
  for (let j = whereIndex + 1; j < argv.length; j++) {
    const more = j < argv.length - 1;
    if (count === -1 && more && (argv[j] as string).toUpperCase() === 'COUNT') {
      const value = parseInt64(argv[++j] as string);
      if (value === null || value < 1) {
        c.addReplyError(ZCOUNT_NOT_POSITIVE);
        return null;
      }
      count = Number(value);
      countArg = argv[j] as string;
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  const keys = argv.slice(numkeysIndex + 1, whereIndex);
  return { keys, max: where === 'MAX', count: count === -1 ? 1 : count, countArg };
}

// ------------------------------------------------------------------------ ZRANDMEMBER

function zrandmemberCommand(c: CommandContext, argv: string[]): void {
  if (argv.length >= 3) {
    const parsed = parseInt64(argv[2] as string);
    if (parsed === null) return c.addReplyError(NOT_INTEGER);
    if (BigInt(parsed) < -LONG_MAX) return c.addReplyError(ZRANDOM_COUNT_OUT_OF_RANGE);
    const withScores = argv.length === 4 && (argv[3] as string).toUpperCase() === 'WITHSCORES';
    if (argv.length > 4 || (argv.length === 4 && !withScores)) return c.addReplyError(SYNTAX);
    const half = LONG_MAX / 2n;
    if (withScores && (BigInt(parsed) < -half || BigInt(parsed) > half)) {
      return c.addReplyError(ZVALUE_OUT_OF_RANGE);
    }
    return zrandmemberWithCount(c, argv[1] as string, Number(parsed), withScores);
  }
  const zset = zsetForReadOrReply(c, argv[1] as string);
  if (zset === undefined) return;
  if (zset === null) return c.addReplyNull();
  c.addReplyBulk((zset.nodeAtRank(randomIndex(zset.size)) as ZNode).member);
}

function zrandmemberWithCount(c: CommandContext, key: string, count: number, withScores: boolean): void {
  const zset = zsetForReadOrReply(c, key);
  if (zset === undefined) return;
  if (zset === null || count === 0) return c.addReplyArrayLen(0);
  const size = zset.size;
  const nodes: ZNode[] = [];
  if (count < 0 || count === 1) {
    // Repeats allowed, random order: every pick samples the whole set.
    const picks = Math.abs(count);
    for (let i = 0; i < picks; i++) nodes.push(zset.nodeAtRank(randomIndex(size)) as ZNode);
  } else if (count >= size) {
    // The whole set, from the highest score down, as Redis's zuiNext iterates a sorted set.
    for (let node = zset.last(); node !== null; node = node.backward) nodes.push(node);
  } else {
    for (const rank of distinctRanks(size, count, !zset.skiplist && count * 3 <= size)) {
      nodes.push(zset.nodeAtRank(rank) as ZNode);
    }
  }
  replyScoredList(c, nodes, withScores);
}

function randomIndex(size: number): number {
  return Math.floor(Math.random() * size);
}

/**
 * `count` distinct ranks below `size` (0 < count < size). `ordered` returns them ascending, as
 * Redis's listpack sampling does; otherwise their order is random, like its dict iteration.
 */
function distinctRanks(size: number, count: number, ordered: boolean): number[] {
  const chosen = new Set<number>();
  if (count * 2 > size) {
    const all = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + randomIndex(size - i);
      const pick = all[j] as number;
      all[j] = all[i] as number;
      all[i] = pick;
      chosen.add(pick);
    }
  } else {
    while (chosen.size < count) chosen.add(randomIndex(size));
  }
  const ranks = Array.from(chosen);
  return ordered ? ranks.sort((a, b) => a - b) : ranks;
}

// ------------------------------------------------------------------------ ZSCAN

/**
 * A listpack-encoded set is returned whole with cursor 0 (COUNT is a hint Redis ignores there);
 * a skiplist one is walked through the shared cursor table over its dict.
 */
function zscanCommand(c: CommandContext, argv: string[]): void {
  const cursor = parseCursorOrReply(c, argv[2] as string);
  if (cursor === null) return;
  const zset = zsetForReadOrReply(c, argv[1] as string);
  if (zset === undefined) return;
  if (zset === null) {
    c.addReplyArrayLen(2);
    c.addReplyBulk('0');
    return c.addReplyArrayLen(0);
  }
  const options = parseScanOptionsOrReply(c, argv, 3, false);
  if (options === null) return;
  const found: string[] = [];
  const visit = ([member, score]: [string, number]): void => {
    if (matches(options.pattern, member)) found.push(member, formatDouble(score));
  };
  let next = '0';
  if (!zset.skiplist) {
    for (const entry of zset) visit(entry);
  } else {
    const makeIterator = (): Iterator<[string, number]> => zset.scanEntries();
    next = scanStep(c.services.scanCursors, cursor, { target: zset, makeIterator, count: options.count }, visit);
  }
  c.addReplyArrayLen(2);
  c.addReplyBulk(next);
  c.addReplyBulks(found);
}

// ------------------------------------------------------------------------ table

const basicCommands: CommandDef[] = [
  { name: 'zadd', handler: zaddCommand },
  { name: 'zincrby', handler: zincrbyCommand },
  { name: 'zrem', handler: zremCommand },
  { name: 'zcard', handler: zcardCommand },
  { name: 'zcount', handler: zcountCommand },
  { name: 'zlexcount', handler: zlexcountCommand },
  { name: 'zscore', handler: zscoreCommand },
  { name: 'zmscore', handler: zmscoreCommand },
  { name: 'zrank', handler: (c, argv) => zrankGeneric(c, argv, false) },
  { name: 'zrevrank', handler: (c, argv) => zrankGeneric(c, argv, true) },
  { name: 'zremrangebyrank', handler: zremrangebyrankCommand },
  { name: 'zremrangebyscore', handler: zremrangebyscoreCommand },
  { name: 'zremrangebylex', handler: zremrangebylexCommand },
  { name: 'zpopmin', handler: zpopminCommand },
  { name: 'zpopmax', handler: zpopmaxCommand },
  { name: 'zmpop', handler: zmpopCommand },
  { name: 'zrandmember', handler: zrandmemberCommand },
  { name: 'zscan', handler: zscanCommand },
];

export const zsetCommands: CommandDef[] = [
  ...basicCommands,
  ...zsetRangeCommands,
  ...zsetSetOpCommands,
];
