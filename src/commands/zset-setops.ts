// Sorted-set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, with WEIGHTS and
// AGGREGATE SUM|MIN|MAX. Plain sets are accepted as inputs, every member scoring 1. Inputs are
// combined in Redis's order (smallest first for union and intersection), so floating-point sums
// round exactly as Redis's do. Redis equivalent: zunionInterDiffGenericCommand in t_zset.c.

import type { CommandContext } from './context.js';
import { SetValue } from '../store/value/set.js';
import { ZSetValue } from '../store/value/zset.js';
import { eqIgnoreCase, longOrReply } from './args.js';
import { SYNTAX, WRONGTYPE } from './errors.js';
import type { CommandDef } from './types.js';
import { parseInt64 } from '../util/numbers.js';
import {
  WEIGHT_NOT_FLOAT,
  ZLIMIT_NEGATIVE,
  atLeastOneInputKey,
  doubleArgOrReply,
  replyScoredList,
  zsetLimits,
  zsetSettleEncoding,
  zsetStoreEvent,
} from './zset-common.js';

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

interface OpCall {
  name: string;
  op: SetOp;
  store: boolean;
  cardinalityOnly: boolean;
}

interface Source {
  value: ZSetValue | SetValue | null;
  weight: number;
}

interface OpOptions {
  aggregate: Aggregate;
  withScores: boolean;
  /** ZINTERCARD's LIMIT; 0 means none. */
  limit: number;
}

export const zsetSetOpCommands: CommandDef[] = [
  opCommand('zunion', 'union', false),
  opCommand('zinter', 'inter', false),
  opCommand('zdiff', 'diff', false),
  opCommand('zunionstore', 'union', true),
  opCommand('zinterstore', 'inter', true),
  opCommand('zdiffstore', 'diff', true),
  {
    name: 'zintercard',
    handler: (c, argv) =>
      zsetOpGeneric(c, argv, {
        name: 'zintercard',
        op: 'inter',
        store: false,
        cardinalityOnly: true,
      }),
  },
];

function opCommand(name: string, op: SetOp, store: boolean): CommandDef {
  const call: OpCall = { name, op, store, cardinalityOnly: false };
  return { name, handler: (c, argv) => zsetOpGeneric(c, argv, call) };
}

function zsetOpGeneric(c: CommandContext, argv: string[], call: OpCall): void {
  const numkeysIndex = call.store ? 2 : 1;
  const numkeys = longOrReply(c, argv[numkeysIndex] as string);
  if (numkeys === null) return;
  if (numkeys < 1) return c.addReplyError(atLeastOneInputKey(call.name));
  if (numkeys > argv.length - (numkeysIndex + 1)) return c.addReplyError(SYNTAX);
  const sources = sourcesOrReply(c, argv.slice(numkeysIndex + 1, numkeysIndex + 1 + numkeys), call);
  if (sources === null) return;
  const options = parseOpOptionsOrReply(c, argv.slice(numkeysIndex + 1 + numkeys), sources, call);
  if (options === null) return;
  // Smallest input first: fewer lookups, and Redis's order of floating-point aggregation.
  // Array.prototype.sort is stable, like glibc's merge-sort qsort for these small arrays.
  if (call.op !== 'diff') sources.sort((a, b) => cardinality(a) - cardinality(b));
  if (call.cardinalityOnly) return c.addReplyLongLong(interCardinality(sources, options.limit));
  const result =
    call.op === 'union'
      ? union(sources, options.aggregate)
      : call.op === 'inter'
        ? intersection(sources, options.aggregate)
        : difference(sources);
  if (call.store) return storeResult(c, argv[1] as string, result, call.name);
  const nodes = [];
  for (let node = result.first(); node !== null; node = ZSetValue.next(node)) nodes.push(node);
  replyScoredList(c, nodes, options.withScores);
}

/** Looks the inputs up; replies WRONGTYPE at the first that is neither a zset nor a set. */
function sourcesOrReply(c: CommandContext, keys: readonly string[], call: OpCall): Source[] | null {
  const ks = c.keyspace;
  const sources: Source[] = [];
  for (const key of keys) {
    // The STORE forms too read their inputs as reads (Redis 7.0 counts a miss and sends keymiss).
    const value = ks.lookupRead(c.db, key);
    if (value !== undefined && !(value instanceof ZSetValue) && !(value instanceof SetValue)) {
      c.addReplyError(WRONGTYPE);
      return null;
    }
    sources.push({ value: value ?? null, weight: 1 });
  }
  return sources;
}

/** The options after the keys: `argv` is the command's arguments from there on. */
function parseOpOptionsOrReply(
  c: CommandContext,
  argv: string[],
  sources: Source[],
  call: OpCall,
): OpOptions | null {
  const options: OpOptions = { aggregate: 'sum', withScores: false, limit: 0 };
  const weighted = call.op !== 'diff' && !call.cardinalityOnly;
  let j = 0;
  while (j < argv.length) {
    const arg = argv[j] as string;
    const remaining = argv.length - j;
    if (weighted && remaining >= sources.length + 1 && eqIgnoreCase(arg, 'WEIGHTS')) {
      j++;
      for (const source of sources) {
        const weight = doubleArgOrReply(c, argv[j++] as string, WEIGHT_NOT_FLOAT);
        if (weight === null) return null;
        source.weight = weight;
      }
    } else if (weighted && remaining >= 2 && eqIgnoreCase(arg, 'AGGREGATE')) {
      const aggregate = (argv[j + 1] as string).toLowerCase();
      if (aggregate !== 'sum' && aggregate !== 'min' && aggregate !== 'max') {
        c.addReplyError(SYNTAX);
        return null;
      }
      options.aggregate = aggregate;
      j += 2;
    } else if (!call.store && !call.cardinalityOnly && eqIgnoreCase(arg, 'WITHSCORES')) {
      options.withScores = true;
      j++;
    } else if (call.cardinalityOnly && remaining >= 2 && eqIgnoreCase(arg, 'LIMIT')) {
      const limit = parseInt64(argv[j + 1] as string);
      if (limit === null || limit < 0) {
        c.addReplyError(ZLIMIT_NEGATIVE);
        return null;
      }
      options.limit = Number(limit);
      j += 2;
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  return options;
}

function cardinality(source: Source): number {
  return source.value === null ? 0 : source.value.size;
}

/** A source's members with their scores (1 for a plain set), in its own order. */
function* entries(source: Source): Generator<[string, number]> {
  const value = source.value;
  if (value === null) return;
  if (value instanceof ZSetValue) {
    yield* value;
    return;
  }
  for (const member of value) yield [member, 1];
}

function find(source: Source, member: string): number | undefined {
  const value = source.value;
  if (value === null) return undefined;
  if (value instanceof ZSetValue) return value.score(member);
  return value.has(member) ? 1 : undefined;
}

/** Redis's zunionInterAggregate: a SUM of +inf and -inf is 0, and NaN never wins MIN or MAX. */
function aggregateScores(target: number, value: number, aggregate: Aggregate): number {
  switch (aggregate) {
    case 'sum': {
      const sum = target + value;
      return Number.isNaN(sum) ? 0 : sum;
    }
    case 'min':
      return value < target ? value : target;
    case 'max':
      return value > target ? value : target;
  }
}

/** A weighted score; 0 * inf is NaN, which Redis turns into 0. */
function weighted(score: number, weight: number): number {
  const value = score * weight;
  return Number.isNaN(value) ? 0 : value;
}

function union(sources: readonly Source[], aggregate: Aggregate): ZSetValue {
  const scores = new Map<string, number>();
  for (const source of sources) {
    for (const [member, score] of entries(source)) {
      const value = weighted(score, source.weight);
      const existing = scores.get(member);
      scores.set(
        member,
        existing === undefined ? value : aggregateScores(existing, value, aggregate),
      );
    }
  }
  const result = new ZSetValue();
  for (const [member, score] of scores) result.add(member, score);
  return result;
}

/**
 * Calls `visit` with each member of the smallest input that every input holds, and its
 * aggregated score; stops early when `visit` returns false. Later inputs are multiplied by
 * their weight without Redis's NaN-to-0 step, which it applies only to the first.
 */
function forEachCommon(
  sources: readonly Source[],
  aggregate: Aggregate,
  visit: (member: string, score: number) => boolean,
): void {
  const first = sources[0] as Source;
  if (cardinality(first) === 0) return;
  for (const [member, score] of entries(first)) {
    let total = weighted(score, first.weight);
    let inAll = true;
    for (let j = 1; j < sources.length; j++) {
      const other = sources[j] as Source;
      const found = other.value === first.value ? score : find(other, member);
      if (found === undefined) {
        inAll = false;
        break;
      }
      total = aggregateScores(total, found * other.weight, aggregate);
    }
    if (inAll && !visit(member, total)) return;
  }
}

function intersection(sources: readonly Source[], aggregate: Aggregate): ZSetValue {
  const result = new ZSetValue();
  forEachCommon(sources, aggregate, (member, score) => {
    result.add(member, score);
    return true;
  });
  return result;
}

function interCardinality(sources: readonly Source[], limit: number): number {
  let count = 0;
  forEachCommon(sources, 'sum', () => {
    count++;
    return limit === 0 || count < limit;
  });
  return count;
}

/** The first input's members that no other input holds, with the first input's scores. */
function difference(sources: readonly Source[]): ZSetValue {
  const result = new ZSetValue();
  const first = sources[0] as Source;
  for (const [member, score] of entries(first)) {
    let elsewhere = false;
    for (let j = 1; j < sources.length && !elsewhere; j++) {
      elsewhere = find(sources[j] as Source, member) !== undefined;
    }
    if (!elsewhere) result.add(member, score);
  }
  return result;
}

/** The STORE forms: the destination is replaced, or deleted when the result is empty. */
function storeResult(c: CommandContext, destination: string, result: ZSetValue, event: string): void {
  const ks = c.keyspace;
  if (result.size === 0) {
    if (ks.delete(c.db, destination)) zsetStoreEvent(c, event, destination, true);
    return c.addReplyLongLong(0);
  }
  zsetSettleEncoding(result, zsetLimits(c));
  ks.setKey(c.db, destination, result);
  zsetStoreEvent(c, event, destination, false);
  c.addReplyLongLong(result.size);
}
