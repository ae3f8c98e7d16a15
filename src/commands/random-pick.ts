// Random members of a Map or Set, for HRANDFIELD, SRANDMEMBER, SPOP (and ZRANDMEMBER later).
// A JS Map/Set has no random access, so picks work on its iteration order with bounded cost:
// small collections are indexed uniformly; big ones advance a persistent iterator by a random
// skip, as RANDOMKEY does (commands/keyspace.ts randomKey). Counted picks choose, as Redis does,
// between materialising the members once and repeated single picks, by count against size.
// Never replies, never mutates the collection. Redis equivalent: the random parts of
// hrandfieldWithCountCommand / srandmemberWithCountCommand / spopWithCountCommand.

import { assert } from '../assert.js';
import type { CommandContext } from './context.js';
import { int64OrReply } from './args.js';
import { RANDOM_COUNT_OUT_OF_RANGE } from './errors.js';

/** What a pick needs from a Map or Set: its size and its keys in iteration order. */
export interface Keyed {
  readonly size: number;
  keys(): IterableIterator<string>;
}

/** Up to this size a single pick walks to a uniformly chosen index. */
const INDEXED_PICK_SIZE_MAX = 64;
/** The largest random skip of a persistent iterator over a big collection. */
const SKIP_MAX = 64;

const iterators = new WeakMap<Keyed, Iterator<string>>();

/** One member, chosen at random; the collection must not be empty. */
export function randomMember(collection: Keyed): string {
  const size = collection.size;
  assert(size > 0, 'random pick from an empty collection');
  if (size <= INDEXED_PICK_SIZE_MAX) {
    let index = Math.floor(Math.random() * size);
    for (const key of collection.keys()) {
      if (index-- === 0) return key;
    }
  }
  let iterator = iterators.get(collection);
  if (iterator === undefined) {
    iterator = collection.keys();
    iterators.set(collection, iterator);
  }
  const skip = Math.floor(Math.random() * SKIP_MAX);
  let key: string | undefined;
  for (let i = 0; i <= skip; i++) {
    let next = iterator.next();
    if (next.done === true) {
      iterator = collection.keys();
      iterators.set(collection, iterator);
      next = iterator.next();
    }
    if (next.done !== true) key = next.value;
  }
  assert(key !== undefined, 'random pick found no member');
  return key;
}

/** `count` members chosen independently (repeats allowed): the negative-count form. */
export function randomMembersWithRepeats(collection: Keyed, count: number): string[] {
  const picks: string[] = [];
  if (collection.size <= INDEXED_PICK_SIZE_MAX || collection.size <= count * 4) {
    const all = Array.from(collection.keys());
    for (let i = 0; i < count; i++) {
      picks.push(all[Math.floor(Math.random() * all.length)] as string);
    }
    return picks;
  }
  for (let i = 0; i < count; i++) picks.push(randomMember(collection));
  return picks;
}

/**
 * `count` distinct members, 0 < count < size. When count is a large share of the collection
 * the members are listed once and shuffled partially (O(size)); otherwise single picks are
 * repeated until enough distinct ones are found (O(count) picks).
 */
export function randomDistinctMembers(collection: Keyed, count: number): string[] {
  const size = collection.size;
  assert(count > 0 && count < size, 'distinct pick count out of range');
  if (count * 3 > size || size <= INDEXED_PICK_SIZE_MAX) {
    const all = Array.from(collection.keys());
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const chosen = all[j] as string;
      all[j] = all[i] as string;
      all[i] = chosen;
    }
    all.length = count;
    return all;
  }
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(randomMember(collection));
  return Array.from(chosen);
}

const LONG_MAX = 9223372036854775807n;

/** A count in [-LONG_MAX, LONG_MAX], as Redis's getRangeLongFromObjectOrReply checks it. */
export function randomCountOrReply(c: CommandContext, text: string): bigint | null {
  const parsed = int64OrReply(c, text);
  if (parsed === null) return null;
  const count = BigInt(parsed);
  if (count < -LONG_MAX) {
    c.addReplyError(RANDOM_COUNT_OUT_OF_RANGE);
    return null;
  }
  return count;
}
