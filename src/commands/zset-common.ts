// What the sorted-set command modules share: their error texts, key lookups, the insert that
// keeps Redis 7.0's listpack/skiplist encoding flag exact, score and lex range parsing, rank
// arithmetic over ranges, and the reply shapes of scored lists. Never touches the keyspace
// except through lookups. Redis equivalent: the helpers at the top of t_zset.c.

import type { CommandContext } from './context.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import {
  type LexRange,
  type ScoreRange,
  type ZNode,
  ZSetValue,
  compareMembers,
  lexGteMin,
  lexLteMax,
} from '../store/value/zset.js';
import { parseLenientDouble, parseStrictDouble } from '../util/strtod.js';
import { NOT_FLOAT, WRONGTYPE, COUNT_NOT_POSITIVE, LIMIT_NEGATIVE, NUMKEYS_NOT_POSITIVE, RANDOM_COUNT_OUT_OF_RANGE, VALUE_OUT_OF_RANGE } from './errors.js';

// Redis 7.0's sorted-set error texts. They stay here rather than in errors.ts only because
// errors.ts is being edited by several engineers at once; move them there when convenient.
export const ZADD_XX_AND_NX = 'ERR XX and NX options at the same time are not compatible';
export const ZADD_GT_LT_NX = 'ERR GT, LT, and/or NX options at the same time are not compatible';
export const ZADD_INCR_PAIRS = 'ERR INCR option supports a single increment-element pair';
export const SCORE_NAN = 'ERR resulting score is not a number (NaN)';
export const SCORE_RANGE_NOT_FLOAT = 'ERR min or max is not a float';
export const LEX_RANGE_INVALID = 'ERR min or max not valid string range item';
export const LIMIT_NEEDS_BY =
  'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX';
export const WITHSCORES_WITH_BYLEX =
  'ERR syntax error, WITHSCORES not supported in combination with BYLEX';
export const WEIGHT_NOT_FLOAT = 'ERR weight value is not a float';
export const ZNUMKEYS_NOT_POSITIVE = NUMKEYS_NOT_POSITIVE;
export const ZCOUNT_NOT_POSITIVE = COUNT_NOT_POSITIVE;
export const ZLIMIT_NEGATIVE = LIMIT_NEGATIVE;
export const ZVALUE_OUT_OF_RANGE = VALUE_OUT_OF_RANGE;
export const ZRANDOM_COUNT_OUT_OF_RANGE = RANDOM_COUNT_OUT_OF_RANGE;

export function atLeastOneInputKey(command: string): string {
  return `ERR at least 1 input key is needed for '${command}' command`;
}

/** LONG_MAX, the bound of Redis's `long` arguments. */
export const LONG_MAX = 9223372036854775807n;

// ------------------------------------------------------------------------ lookups

/** The sorted set at key for reading: null when absent, undefined after replying WRONGTYPE. */
export function zsetForReadOrReply(c: CommandContext, key: string): ZSetValue | null | undefined {
  const value = c.keyspace.lookupRead(c.db, key);
  if (value === undefined) return null;
  if (!(value instanceof ZSetValue)) {
    c.addReplyError(WRONGTYPE);
    return undefined;
  }
  return value;
}

/**
 * The sorted set at key for a command that may change it: null when absent, undefined after
 * replying WRONGTYPE. Counts no hit or miss (Redis's lookupKeyWrite does not); the caller
 * calls keyspace.lookupWrite() right before it mutates the value.
 */
export function zsetForWriteOrReply(c: CommandContext, key: string): ZSetValue | null | undefined {
  const value = c.keyspace.peek(c.db, key);
  if (value === undefined) return null;
  if (!(value instanceof ZSetValue)) {
    c.addReplyError(WRONGTYPE);
    return undefined;
  }
  return value;
}

/** The events of a removal from `key`'s zset: `event`, then `del` if the set is now empty. */
export function zsetEvent(c: CommandContext, event: string, key: string, zset: ZSetValue): void {
  notifyKeyspaceEvent(c, NOTIFY.zset, event, key);
  if (zset.size === 0) notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
}

/** The *STORE forms' events: `event` for a stored result, `del` when an empty one deleted it. */
export function zsetStoreEvent(c: CommandContext, event: string, key: string, deleted: boolean): void {
  if (deleted) notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
  else notifyKeyspaceEvent(c, NOTIFY.zset, event, key);
}

/** Announces `changes` to a sorted set changed in place, deleting the key when emptied. */
export function zsetChanged(c: CommandContext, key: string, zset: ZSetValue, changes: number): void {
  if (changes === 0) return;
  const ks = c.keyspace;
  if (zset.size === 0) ks.delete(c.db, key);
  else ks.modified(c.db, key, changes);
}

// ------------------------------------------------------------------------ encoding

/** zset-max-listpack-entries / -value, read once per command. */
export interface ZsetLimits {
  entries: number;
  valueBytes: number;
}

export function zsetLimits(c: CommandContext): ZsetLimits {
  const config = c.config;
  return {
    entries: config.num('zset-max-listpack-entries'),
    valueBytes: config.num('zset-max-listpack-value'),
  };
}

/**
 * Adds or updates a member the way Redis 7.0's zsetAdd does, keeping the encoding flag exact:
 * a new member that would make the set longer than `entries`, or is longer than `valueBytes`,
 * converts it to a skiplist first (for good). A listpack stores scores as text that it reads
 * back as an integer when it can, so while a set is a listpack a score of -0 is kept as 0.
 * Returns true when the member is new.
 */
export function zsetStore(
  zset: ZSetValue,
  member: string,
  score: number,
  limits: ZsetLimits,
): boolean {
  if (!zset.skiplist && zset.score(member) === undefined) {
    if (zset.size + 1 > limits.entries || member.length > limits.valueBytes) zset.skiplist = true;
  }
  return zset.add(member, !zset.skiplist && score === 0 ? 0 : score);
}

/**
 * Sets the encoding of a freshly computed destination set (ZUNIONSTORE and friends): a
 * listpack when it is small enough, as zsetConvertToListpackIfNeeded decides.
 */
export function zsetSettleEncoding(zset: ZSetValue, limits: ZsetLimits): void {
  let longest = 0;
  for (const [member] of zset) if (member.length > longest) longest = member.length;
  zset.skiplist = !(zset.size <= limits.entries && longest <= limits.valueBytes);
  if (zset.skiplist) return;
  const negativeZeros: string[] = [];
  for (const [member, score] of zset) if (Object.is(score, -0)) negativeZeros.push(member);
  for (const member of negativeZeros) {
    // add() sees -0 and 0 as the same score, so the member is re-inserted.
    zset.remove(member);
    zset.add(member, 0);
  }
}

// ------------------------------------------------------------------------ ranges

export function doubleArgOrReply(c: CommandContext, text: string, error = NOT_FLOAT): number | null {
  const value = parseStrictDouble(text);
  if (value === null) c.addReplyError(error);
  return value;
}

/** "1.5", "(1.5", "-inf", "+inf": Redis's zslParseRange. Null when either bound is invalid. */
export function parseScoreRange(minText: string, maxText: string): ScoreRange | null {
  const min = parseScoreBound(minText);
  const max = parseScoreBound(maxText);
  if (min === null || max === null) return null;
  return {
    min: min.value,
    max: max.value,
    minExclusive: min.exclusive,
    maxExclusive: max.exclusive,
  };
}

function parseScoreBound(text: string): { value: number; exclusive: boolean } | null {
  const exclusive = text.charCodeAt(0) === 40; // '('
  const value = parseLenientDouble(exclusive ? text.slice(1) : text);
  return value === null ? null : { value, exclusive };
}

/** "[a", "(a", "-", "+": Redis's zslParseLexRange. Null when either bound is invalid. */
export function parseLexRange(minText: string, maxText: string): LexRange | null {
  const min = parseLexBound(minText);
  const max = parseLexBound(maxText);
  if (min === null || max === null) return null;
  return {
    min: min.value,
    max: max.value,
    minExclusive: min.exclusive,
    maxExclusive: max.exclusive,
    minInfinite: min.infinite,
    maxInfinite: max.infinite,
  };
}

interface LexBound {
  value: string | null;
  exclusive: boolean;
  infinite: 'neg' | 'pos' | null;
}

function parseLexBound(text: string): LexBound | null {
  const first = text.charCodeAt(0);
  // Redis tests c[1] != '\0', so "+" followed by a NUL byte still counts as "+".
  const alone = text.length === 1 || text.charCodeAt(1) === 0;
  if (first === 43 /* + */) return alone ? { value: null, exclusive: true, infinite: 'pos' } : null;
  if (first === 45 /* - */) return alone ? { value: null, exclusive: true, infinite: 'neg' } : null;
  if (first === 40 /* ( */) return { value: text.slice(1), exclusive: true, infinite: null };
  if (first === 91 /* [ */) return { value: text.slice(1), exclusive: false, infinite: null };
  return null;
}

/**
 * Redis's rank-range sanitising (ZRANGE, ZREMRANGEBYRANK): negative indexes count from the
 * end, start is clamped to 0 and end to the last rank; null when the range is empty.
 */
export function rankSpan(length: number, start: number, end: number): RankSpan | null {
  let first = start < 0 ? length + start : start;
  let last = end < 0 ? length + end : end;
  if (first < 0) first = 0;
  if (first > last || first >= length) return null;
  if (last >= length) last = length - 1;
  return { first, last };
}

/** 0-based ascending ranks of the first and last members in a range, or null when empty. */
export interface RankSpan {
  first: number;
  last: number;
}

export function scoreRangeRanks(zset: ZSetValue, range: ScoreRange): RankSpan | null {
  return spanOf(zset, zset.firstInScoreRange(range), zset.lastInScoreRange(range));
}

/**
 * Where a lex range starts: its first member, or its last when `reverse`. Lex ranges assume
 * equal scores; when scores differ, Redis's answer depends on the encoding, and this follows
 * it: a listpack is scanned in order for the first member past the near bound (which must then
 * be within the far one), while a skiplist is descended (O(log n)). Scanning a listpack costs
 * at most zset-max-listpack-entries steps. Redis equivalent: zzlFirstInLexRange,
 * zslFirstInLexRange and their Last forms.
 */
export function lexRangeStart(zset: ZSetValue, range: LexRange, reverse: boolean): ZNode | null {
  const first = zset.first();
  const last = zset.last();
  if (lexRangeEmpty(range) || first === null || last === null) return null;
  if (!lexGteMin(last.member, range) || !lexLteMax(first.member, range)) return null;
  if (zset.skiplist) return reverse ? zset.lastInLexRange(range) : zset.firstInLexRange(range);
  if (reverse) {
    for (let node: ZNode | null = last; node !== null; node = node.backward) {
      if (lexLteMax(node.member, range)) return lexGteMin(node.member, range) ? node : null;
    }
    return null;
  }
  for (let node: ZNode | null = first; node !== null; node = ZSetValue.next(node)) {
    if (lexGteMin(node.member, range)) return lexLteMax(node.member, range) ? node : null;
  }
  return null;
}

/** Bounds that can hold nothing: min above max, or equal with either exclusive. */
function lexRangeEmpty(range: LexRange): boolean {
  const cmp = compareLexBounds(range);
  return cmp > 0 || (cmp === 0 && (range.minExclusive || range.maxExclusive));
}

/** Redis's sdscmplex of the two bounds, where "-" and "+" sort below and above everything. */
function compareLexBounds(range: LexRange): number {
  const min = range.minInfinite;
  const max = range.maxInfinite;
  if (min !== null && min === max) return 0;
  if (min === 'neg' || max === 'pos') return -1;
  if (min === 'pos' || max === 'neg') return 1;
  return compareMembers(range.min as string, range.max as string);
}

/**
 * The members of a lex range as ascending ranks: from where the range starts, the run of
 * members within the max bound (ZREMRANGEBYLEX, and ZLEXCOUNT on a listpack).
 */
export function lexRangeRanks(zset: ZSetValue, range: LexRange): RankSpan | null {
  const start = lexRangeStart(zset, range, false);
  if (start === null) return null;
  const first = zset.rank(start.member) as number;
  let last = first;
  for (let node = ZSetValue.next(start); node !== null; node = ZSetValue.next(node)) {
    if (!lexLteMax(node.member, range)) break;
    last++;
  }
  return { first, last };
}

/** ZLEXCOUNT: a run count on a listpack; rank arithmetic (O(log n)) on a skiplist. */
export function lexRangeCount(zset: ZSetValue, range: LexRange): number {
  if (!zset.skiplist) {
    const span = lexRangeRanks(zset, range);
    return span === null ? 0 : span.last - span.first + 1;
  }
  const first = lexRangeStart(zset, range, false);
  if (first === null) return 0;
  const firstRank = zset.rank(first.member) as number;
  const last = lexRangeStart(zset, range, true);
  const lastRank = last === null ? zset.size - 1 : (zset.rank(last.member) as number);
  return lastRank - firstRank + 1;
}

function spanOf(zset: ZSetValue, first: ZNode | null, last: ZNode | null): RankSpan | null {
  if (first === null || last === null) return null;
  const firstRank = zset.rank(first.member) as number;
  const lastRank = zset.rank(last.member) as number;
  if (firstRank > lastRank) return null;
  return { first: firstRank, last: lastRank };
}

// ------------------------------------------------------------------------ replies

/**
 * Replies with members, and scores when `withScores`: one flat array in RESP2, an array of
 * [member, score] pairs in RESP3 (the shape of ZRANGE, ZUNION and ZRANDMEMBER WITHSCORES).
 */
export function replyScoredList(
  c: CommandContext,
  nodes: readonly ScoredMember[],
  withScores: boolean,
): void {
  const nested = withScores && c.resp === 3;
  c.addReplyArrayLen(withScores && !nested ? nodes.length * 2 : nodes.length);
  for (const node of nodes) {
    if (nested) c.addReplyArrayLen(2);
    c.addReplyBulk(node.member);
    if (withScores) c.addReplyDouble(node.score);
  }
}

export interface ScoredMember {
  readonly member: string;
  readonly score: number;
}
