// The ZRANGE family: ZRANGE (BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), ZRANGESTORE and the older
// ZREVRANGE, Z[REV]RANGEBYSCORE and Z[REV]RANGEBYLEX, which are ZRANGE with some options
// fixed. Every range is found with one skip-list descent and walked along level 0, so a call
// costs O(log n + m) whatever the offset. Redis equivalent: zrangeGenericCommand in t_zset.c.

import type { CommandContext } from './context.js';
import { ZSetValue, lexGteMin, lexLteMax, type LexRange, type ZNode } from '../store/value/zset.js';
import { eqIgnoreCase, longOrReply } from './args.js';
import { SYNTAX } from './errors.js';
import type { CommandDef } from './types.js';
import {
  LEX_RANGE_INVALID,
  LIMIT_NEEDS_BY,
  SCORE_RANGE_NOT_FLOAT,
  WITHSCORES_WITH_BYLEX,
  lexRangeStart,
  parseLexRange,
  parseScoreRange,
  rankSpan,
  replyScoredList,
  scoreRangeRanks,
  zsetForReadOrReply,
  zsetLimits,
  zsetStore,
  zsetStoreEvent,
  type RankSpan,
} from './zset-common.js';

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

interface RangeCall {
  /** Index of the source key; min and max follow it. */
  keyIndex: number;
  store: boolean;
  type: RangeType;
  direction: Direction;
}

interface RangeOptions {
  type: Exclude<RangeType, 'auto'>;
  reverse: boolean;
  withScores: boolean;
  offset: number;
  /** -1 (or any negative) means no limit. */
  limit: number;
}

export const zsetRangeCommands: CommandDef[] = [
  { name: 'zrange', handler: rangeHandler(1, false, 'auto', 'auto') },
  { name: 'zrangestore', handler: rangeHandler(2, true, 'auto', 'auto') },
  { name: 'zrevrange', handler: rangeHandler(1, false, 'rank', 'reverse') },
  { name: 'zrangebyscore', handler: rangeHandler(1, false, 'score', 'forward') },
  { name: 'zrevrangebyscore', handler: rangeHandler(1, false, 'score', 'reverse') },
  { name: 'zrangebylex', handler: rangeHandler(1, false, 'lex', 'forward') },
  { name: 'zrevrangebylex', handler: rangeHandler(1, false, 'lex', 'reverse') },
];

function rangeHandler(
  keyIndex: number,
  store: boolean,
  type: RangeType,
  direction: Direction,
): (c: CommandContext, argv: string[]) => void {
  const call: RangeCall = { keyIndex, store, type, direction };
  return (c, argv) => zrangeGeneric(c, argv, call);
}

/**
 * Parses the options, then the range (errors in that order, before the key is looked up, as
 * Redis does), then replies with or stores the members in range.
 */
function zrangeGeneric(c: CommandContext, argv: string[], call: RangeCall): void {
  const options = parseRangeOptionsOrReply(c, argv, call);
  if (options === null) return;
  const key = argv[call.keyIndex] as string;
  // Score and lex ranges of the REV forms are given as max, min.
  const reverseBounds = options.reverse && options.type !== 'rank';
  const minText = argv[call.keyIndex + (reverseBounds ? 2 : 1)] as string;
  const maxText = argv[call.keyIndex + (reverseBounds ? 1 : 2)] as string;
  const select = rangeSelectorOrReply(c, options, minText, maxText);
  if (select === null) return;
  const zset = zsetForReadOrReply(c, key);
  if (zset === undefined) return;
  const nodes = zset === null ? [] : select(zset);
  if (call.store) storeRange(c, argv[1] as string, nodes, options.type === 'rank');
  else replyScoredList(c, nodes, options.withScores);
}

function parseRangeOptionsOrReply(c: CommandContext, argv: string[], call: RangeCall): RangeOptions | null {
  let type = call.type;
  let direction = call.direction;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = call.keyIndex + 3; j < argv.length; j++) {
    const arg = argv[j] as string;
    const left = argv.length - j - 1;
    if (!call.store && eqIgnoreCase(arg, 'WITHSCORES')) {
      withScores = true;
    } else if (eqIgnoreCase(arg, 'LIMIT') && left >= 2) {
      const parsedOffset = longOrReply(c, argv[j + 1] as string);
      if (parsedOffset === null) return null;
      const parsedLimit = longOrReply(c, argv[j + 2] as string);
      if (parsedLimit === null) return null;
      offset = parsedOffset;
      limit = parsedLimit;
      j += 2;
    } else if (direction === 'auto' && eqIgnoreCase(arg, 'REV')) {
      direction = 'reverse';
    } else if (type === 'auto' && eqIgnoreCase(arg, 'BYLEX')) {
      type = 'lex';
    } else if (type === 'auto' && eqIgnoreCase(arg, 'BYSCORE')) {
      type = 'score';
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  const finalType = type === 'auto' ? 'rank' : type;
  // Only LIMIT's count of -1 means "no LIMIT" here: Redis tests the count, not the option.
  if (limit !== -1 && finalType === 'rank') {
    c.addReplyError(LIMIT_NEEDS_BY);
    return null;
  }
  if (withScores && finalType === 'lex') {
    c.addReplyError(WITHSCORES_WITH_BYLEX);
    return null;
  }
  return { type: finalType, reverse: direction === 'reverse', withScores, offset, limit };
}

/** Parses min and max for the range type; returns what selects the members from a set. */
function rangeSelectorOrReply(
  c: CommandContext,
  options: RangeOptions,
  minText: string,
  maxText: string,
): ((zset: ZSetValue) => ZNode[]) | null {
  switch (options.type) {
    case 'rank': {
      const start = longOrReply(c, minText);
      if (start === null) return null;
      const end = longOrReply(c, maxText);
      if (end === null) return null;
      return (zset) =>
        collectRanks(
          zset,
          ascendingSpan(zset, start, end, options.reverse),
          { reverse: options.reverse, offset: 0, limit: -1 },
        );
    }
    case 'score': {
      const range = parseScoreRange(minText, maxText);
      if (range === null) {
        c.addReplyError(SCORE_RANGE_NOT_FLOAT);
        return null;
      }
      return (zset) => collectLimited(zset, scoreRangeRanks(zset, range), options);
    }
    case 'lex': {
      const range = parseLexRange(minText, maxText);
      if (range === null) {
        c.addReplyError(LEX_RANGE_INVALID);
        return null;
      }
      return (zset) => collectLex(zset, range, options);
    }
  }
}

/**
 * A lex range: from where it starts, skip `offset` members unchecked, then take members while
 * they are within the far bound, as Redis walks it (which matters only when scores differ).
 */
function collectLex(zset: ZSetValue, range: LexRange, options: RangeOptions): ZNode[] {
  const nodes: ZNode[] = [];
  if (options.offset < 0) return nodes;
  let node = lexRangeStart(zset, range, options.reverse);
  const step = (n: ZNode): ZNode | null => (options.reverse ? n.backward : ZSetValue.next(n));
  for (let i = 0; i < options.offset && node !== null; i++) node = step(node);
  for (let taken = 0; node !== null && taken !== options.limit; taken++) {
    const inside = options.reverse ? lexGteMin(node.member, range) : lexLteMax(node.member, range);
    if (!inside) break;
    nodes.push(node);
    node = step(node);
  }
  return nodes;
}

/**
 * A rank range as ascending ranks: ZREVRANGE's indexes count from the highest score, so its
 * span is mirrored (and then walked from its end).
 */
function ascendingSpan(
  zset: ZSetValue,
  start: number,
  end: number,
  reverse: boolean,
): RankSpan | null {
  const span = rankSpan(zset.size, start, end);
  if (span === null || !reverse) return span;
  return { first: zset.size - 1 - span.last, last: zset.size - 1 - span.first };
}

/** Applies LIMIT offset count to a span: a negative offset selects nothing (as in Redis). */
function collectLimited(zset: ZSetValue, span: RankSpan | null, options: RangeOptions): ZNode[] {
  if (options.offset < 0) return [];
  return collectRanks(zset, span, options);
}

/**
 * The members of a rank span in ascending order, or descending when `walk.reverse` (the span
 * is then walked from its end), after skipping `walk.offset` and taking at most `walk.limit`
 * (negative: all). One O(log n) descent to the first member, then O(1) per member.
 */
function collectRanks(
  zset: ZSetValue,
  span: RankSpan | null,
  walk: Pick<RangeOptions, 'reverse' | 'offset' | 'limit'>,
): ZNode[] {
  const { reverse, offset, limit } = walk;
  const nodes: ZNode[] = [];
  if (span === null) return nodes;
  const available = span.last - span.first + 1 - offset;
  if (available <= 0) return nodes;
  const take = limit < 0 ? available : Math.min(limit, available);
  let node = zset.nodeAtRank(reverse ? span.last - offset : span.first + offset);
  for (let i = 0; i < take && node !== null; i++) {
    nodes.push(node);
    node = reverse ? node.backward : ZSetValue.next(node);
  }
  return nodes;
}

/**
 * ZRANGESTORE's destination: the members in range, or the destination deleted when there are
 * none. A rank range longer than zset-max-listpack-entries starts as a skiplist (Redis sizes
 * it up front); otherwise the set converts as members are added.
 */
function storeRange(
  c: CommandContext,
  destination: string,
  nodes: readonly ZNode[],
  byRank: boolean,
): void {
  const ks = c.keyspace;
  if (nodes.length === 0) {
    if (ks.delete(c.db, destination)) zsetStoreEvent(c, 'zrangestore', destination, true);
    return c.addReplyLongLong(0);
  }
  const limits = zsetLimits(c);
  const result = new ZSetValue();
  if (byRank && nodes.length > limits.entries) result.skiplist = true;
  for (const node of nodes) zsetStore(result, node.member, node.score, limits);
  ks.setKey(c.db, destination, result);
  zsetStoreEvent(c, 'zrangestore', destination, false);
  c.addReplyLongLong(result.size);
}
