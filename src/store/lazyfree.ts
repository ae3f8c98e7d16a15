// Lazy freeing: what a deletion, an overwrite or a flush hands to the background instead of
// freeing on the command path, and the two counters INFO reports (lazyfree_pending_objects,
// lazyfreed_objects). Redis equivalent: lazyfree.c (lazyfreeGetFreeEffort, freeObjAsync,
// emptyDbAsync, freeTrackingRadixTreeAsync, freeLuaScriptsAsync, freeFunctionsAsync) and the
// quicklist fill rule of quicklist.c (_quicklistNodeAllowInsert), which decides a list's effort.
//
// In Vesta freeing is dropping references and the garbage collector does the rest, so the
// background is the next event-loop turn: a deferred job keeps what it frees referenced until
// then (setImmediate), is counted pending until it runs, and freed after. Which values go
// there, and how many objects each counts, are Redis's rules:
// - a value whose free effort exceeds LAZYFREE_THRESHOLD counts 1; anything smaller is freed on
//   the spot and not counted;
// - an emptied database counts its keys (any number, even 0);
// - the tracking table, the script cache and the function set count their size, but only
//   past the threshold (decided by the caller, who knows the size).

import { lpStrSize } from './value/stream-listpack.js';
import { HashValue, ListValue, SetValue, StreamValue, type Value } from './value/types.js';

/** Redis's LAZYFREE_THRESHOLD: a value is freed in the background above this effort. */
export const LAZYFREE_THRESHOLD = 64;

/** quicklistCreate's fill, for a list made without list-max-listpack-size (SORT ... STORE). */
export const QUICKLIST_DEFAULT_FILL = -2;

/** quicklist.c optimization_level: node byte caps for list-max-listpack-size -1 .. -5. */
const FILL_BYTE_LEVELS = [4096, 8192, 16384, 32768, 65536];
/** quicklist.c SIZE_SAFETY_LIMIT: the byte cap of a node while the fill is an entry count. */
const SIZE_SAFETY_LIMIT = 8192;
/** quicklist.c SIZE_ESTIMATE_OVERHEAD: what an insert assumes an entry adds besides its bytes. */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** An empty listpack: 6 header bytes and the end byte. */
const LISTPACK_EMPTY_BYTES = 7;
/** quicklist.c packed_threshold: an element this large gets a plain node of its own. */
const PLAIN_ELEMENT_BYTES = 2 ** 30;

/**
 * Quicklist nodes of `list` as Redis 7.0 lays them out when the list was built by pushes at
 * one end (each element joins the last node while that node's listpack stays within the fill,
 * else starts a node), counting no further than `stopAfter` nodes. `fill` is
 * list-max-listpack-size (clamped to -5..32767 as quicklistSetFill does).
 */
export function quicklistNodes(list: ListValue, fill: number, stopAfter = Infinity): number {
  const f = fill < -5 ? -5 : fill > 32767 ? 32767 : fill;
  const byteCap = f < 0 ? (FILL_BYTE_LEVELS[-f - 1] as number) : SIZE_SAFETY_LIMIT;
  let nodes = 0;
  let bytes = 0;
  let count = 0;
  let plain = true; // the last node holds one plain element (or there is none): nothing joins it
  for (const element of list) {
    const len = element.length;
    if (!plain && len < PLAIN_ELEMENT_BYTES && bytes + len + SIZE_ESTIMATE_OVERHEAD <= byteCap &&
      (f < 0 || count < f)) {
      bytes += lpStrSize(element);
      count++;
      continue;
    }
    if (++nodes > stopAfter) return nodes;
    plain = len >= PLAIN_ELEMENT_BYTES;
    bytes = LISTPACK_EMPTY_BYTES + lpStrSize(element);
    count = 1;
  }
  return nodes;
}

/**
 * Redis's free effort of a value (lazyfreeGetFreeEffort): the quicklist node count of a list,
 * the size of a hashtable set or hash and of a skiplist zset, a stream's radix tree nodes plus
 * its groups times (1 + the first group's PEL), and 1 for anything else (strings, listpack
 * and intset encodings: one allocation). Exact up to just past LAZYFREE_THRESHOLD; above it,
 * possibly only a number that is also above (big lists and streams are not walked through).
 */
export function freeEffort(value: Value, listFill: number): number {
  if (typeof value === 'string') return 1;
  if (value instanceof ListValue) return quicklistNodes(value, listFill, LAZYFREE_THRESHOLD);
  if (value instanceof SetValue || value instanceof HashValue) return value.hashtable ? value.size : 1;
  if (value instanceof StreamValue) return streamEffort(value);
  return value.skiplist ? value.size : 1;
}

function streamEffort(s: StreamValue): number {
  // A rax of n keys has more than n nodes: past the threshold without building the keys.
  let effort = s.nodeCount >= LAZYFREE_THRESHOLD ? s.nodeCount + 1 : s.radixTreeNodes();
  if (s.groups.size !== 0) {
    // Redis estimates every group's PEL by the first group's (in name order).
    let firstName: string | null = null;
    for (const name of s.groups.keys()) if (firstName === null || name < firstName) firstName = name;
    const first = s.groups.get(firstName as string);
    effort += s.groups.size * (1 + (first === undefined ? 0 : first.pel.size));
  }
  return effort;
}

interface Job {
  /** What the job frees, kept referenced until it runs. */
  payload: unknown;
  count: number;
}

export class LazyFree {
  /** Objects handed to the background and not freed yet (INFO lazyfree_pending_objects). */
  pending = 0;
  /** Objects the background freed since start or CONFIG RESETSTAT (INFO lazyfreed_objects). */
  freed = 0;
  /** list-max-listpack-size, which a list's effort (its quicklist node count) depends on. */
  listFill = -2;
  /**
   * Lists whose quicklist fill is not list-max-listpack-size: Redis sets a list's fill when it
   * creates it, and SORT ... STORE creates its list with quicklist's default (-2); COPY keeps
   * the fill of what it copies.
   */
  readonly listFills = new WeakMap<ListValue, number>();
  #jobs: Job[] = [];
  #scheduled = false;

  /**
   * Frees a value that left the keyspace (Redis's freeObjAsync): in the background, counted as
   * one object, when its effort exceeds the threshold; true when it went there.
   */
  freeValue(value: Value): boolean {
    if (typeof value === 'string') return false;
    const fill = value instanceof ListValue ? this.fillOf(value) : this.listFill;
    if (freeEffort(value, fill) <= LAZYFREE_THRESHOLD) return false;
    this.defer(value, 1);
    return true;
  }

  /** The quicklist fill `list` was created with. */
  fillOf(list: ListValue): number {
    return this.listFills.get(list) ?? this.listFill;
  }

  /** Hands `payload`, which counts as `count` objects, to the background. */
  defer(payload: unknown, count: number): void {
    this.pending += count;
    this.#jobs.push({ payload, count });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#run);
    }
  }

  /** CONFIG RESETSTAT: lazyfreed_objects restarts from 0 (what is pending stays pending). */
  resetStats(): void {
    this.freed = 0;
  }

  /** The background: every queued job's references are dropped, and counted freed. */
  readonly #run = (): void => {
    this.#scheduled = false;
    const jobs = this.#jobs;
    this.#jobs = [];
    for (const job of jobs) {
      job.payload = null;
      this.pending -= job.count;
      this.freed += job.count;
    }
  };
}
