// V8 heap sizing for the server process. Redis equivalent: none; jemalloc needs no tuning, but
// V8's young generation does. This file only sets process-wide V8 flags for the server entry
// point (bin/vesta-server.ts); it must never be applied by library users of src/index.ts.
//
// Why: V8 starts the young generation with two 1 MiB semi-spaces and doubles them, up to 16 MiB
// each on Node 20, whenever a scavenge sees many survivors. A bulk load in one synchronous step
// (DEBUG POPULATE, most of an RDB load) is all survivors, so it grows them to the maximum, and
// V8 gives them back only if a later full GC finds them underused: 32 MiB of RSS holding
// nothing (DEBUG POPULATE 300000: 232 B/key of RSS with the default, ~160 with 1 MiB
// semi-spaces). Request traffic is different: with pipelined 1 KiB writes the data in flight
// outgrows a 1 MiB semi-space, is promoted early and makes old-generation GCs of a large heap
// pay for it (SET/HSET pipeline 32, 1 KiB: ~1.5-2x server CPU per request with 1 MiB
// semi-spaces against 4 or 16 MiB).
//
// So the young generation stays at 1 MiB semi-spaces by default and may grow, up to
// SEMI_SPACE_CAP_BYTES (less on a heap under 64 MiB, more on one over 512 MiB: see
// semiSpaceCapBytes), only while scavenges are seen in many separate event-loop turns
// (traffic), never during one long synchronous burst. `--max-semi-space-size` would cap it directly, but V8 reads it only when
// the heap is created, so it works on the node command line and not from setFlagsFromString;
// the growth factor is read at every scavenge, so toggling it between 1 (no growth) and 2 (V8's
// default) works at run time.

import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * Largest semi-space the traffic rule lets V8 grow to (the young generation is two of them), for
 * heaps up to HEAP_PER_SEMI_SPACE_BYTE x this; bigger heaps get up to SEMI_SPACE_CAP_MAX_BYTES.
 */
export const SEMI_SPACE_CAP_BYTES = 4 * 1024 * 1024;
/** The semi-space V8 starts with: a cap this low means no growth. */
export const SEMI_SPACE_CAP_MIN_BYTES = 1024 * 1024;
/**
 * On a small heap the young generation grows only while the old generation is at least this
 * many times one semi-space (young generation <= 1/8 of the old): 4 MiB semi-spaces from a
 * 64 MiB old generation, 2 MiB from 32 MiB. A bigger young generation on a small heap is mostly
 * RSS holding nothing once traffic stops (V8 does not give it back while allocation goes on):
 * a stream of 300k entries added by pipelined XADD grew it to 2 x 4 MiB, 20 B of RSS per entry
 * against Redis's 26.5 B for the whole entry, and old-generation GCs of a small heap are cheap,
 * which is what the growth saves.
 */
const SMALL_HEAP_PER_SEMI_SPACE_BYTE = 16;
/** Node 20's own maximum semi-space (V8's --max-semi-space-size default). */
export const SEMI_SPACE_CAP_MAX_BYTES = 16 * 1024 * 1024;
/**
 * Every scavenge walks the list of all old-generation pages (perf: 97% of
 * ScavengerCollector::CollectGarbage's self time on one pointer load at a GB-sized heap), so its
 * fixed cost grows with the heap, and a bigger young generation, scavenged less often, pays it
 * less often. Its memory is then small next to the heap: one byte of semi-space per this many of
 * old generation.
 */
const HEAP_PER_SEMI_SPACE_BYTE = 64;
/** Growth is allowed while at least this many turns within TRAFFIC_WINDOW_MS had a scavenge. */
const TRAFFIC_TURNS_MIN = 8;
const TRAFFIC_WINDOW_MS = 1000;
/** Growth stops this long after the last turn with a scavenge: a later burst runs without it. */
const TRAFFIC_GAP_MS = 20;
/**
 * Watching starts this long after start-up, whose module loading and set-up span many turns
 * with scavenges and would read as traffic just when a client may start a bulk load.
 */
const WATCH_DELAY_MS = 1000;

/**
 * Keeps the young generation small except under sustained traffic, unless the operator chose a
 * semi-space setting on the node command line or in NODE_OPTIONS (that choice wins).
 *
 * @param execArgv node's own flags (process.execArgv)
 * @param nodeOptions the NODE_OPTIONS environment variable, if set
 * @returns true when the flags are managed here
 */
export function configureServerHeap(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): boolean {
  const chosen = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((flag) =>
    /^--(max|min)[-_]semi[-_]space[-_]size|^--semi[-_]space[-_]growth[-_]factor/.test(flag),
  );
  if (chosen) return false;
  setGrowth(false);
  setTimeout(watchScavenges, WATCH_DELAY_MS).unref();
  return true;
}

let growing = true;

function setGrowth(allowed: boolean): void {
  if (allowed === growing) return;
  setFlagsFromString(`--semi-space-growth-factor=${allowed ? 2 : 1}`);
  growing = allowed;
}

/**
 * Gc entries reach observers after the turn that caused them, in one batch per delivery, so a
 * synchronous burst shows up as one delivery however many scavenges it ran. Counting deliveries
 * that carry a scavenge tells traffic from bursts.
 *
 * The watch never ends: V8 shrinks the young generation again on its own (after a full GC that
 * finds it underused, e.g. between bursts of traffic or after FLUSHALL of a large heap), and a
 * watcher that had stopped at the cap then left it at 1 MiB for good. Measured before this
 * was fixed: pipeline 32 with 1 KiB values ran 1.4-1.6x slower (HSET 0.17x Redis instead of 0.27x)
 * from the second round of the bench on, i.e. after the first FLUSHALL.
 */
function watchScavenges(): void {
  const rule = new GrowthRule();
  const quiet = setTimeout(() => setGrowth(false), TRAFFIC_GAP_MS).unref();
  const observer = new PerformanceObserver((list) => {
    const scavenged = list.getEntries().some((entry) => {
      const detail = (entry as unknown as { detail?: { kind?: number } }).detail;
      return detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR;
    });
    if (!scavenged) return;
    setGrowth(rule.onScavengeTurn(performance.now(), heapSizes));
    if (rule.traffic) quiet.refresh();
  });
  observer.observe({ entryTypes: ['gc'] });
}

/** The traffic rule's decisions, apart from V8, observers and timers. */
export class GrowthRule {
  readonly #turnsMs: number[] = [];
  /** Whether the last call saw sustained traffic. */
  traffic = false;

  /**
   * A delivery of gc entries that included a scavenge, at `nowMs`. Returns whether the young
   * generation may grow now: under traffic, while its semi-space is below the cap for the
   * heap's size (read only then: V8 builds the statistics array on each call).
   */
  onScavengeTurn(nowMs: number, sizes: () => HeapSizes): boolean {
    const turns = this.#turnsMs;
    turns.push(nowMs);
    while ((turns[0] ?? nowMs) < nowMs - TRAFFIC_WINDOW_MS) turns.shift();
    this.traffic = turns.length >= TRAFFIC_TURNS_MIN;
    if (!this.traffic) return false;
    const { semiSpaceBytes, oldBytes } = sizes();
    return semiSpaceBytes < semiSpaceCapBytes(oldBytes);
  }
}

export interface HeapSizes {
  semiSpaceBytes: number;
  /** Old generation: old, code, map and large-object spaces. */
  oldBytes: number;
}

/**
 * The semi-space cap for an old generation of `oldBytes`: 1 MiB (no growth) to 4 MiB on small
 * heaps, then 4 MiB, 8 MiB or 16 MiB.
 */
export function semiSpaceCapBytes(oldBytes: number): number {
  let cap = SEMI_SPACE_CAP_MIN_BYTES;
  while (cap < SEMI_SPACE_CAP_BYTES && cap * 2 * SMALL_HEAP_PER_SEMI_SPACE_BYTE <= oldBytes) cap *= 2;
  if (cap < SEMI_SPACE_CAP_BYTES) return cap;
  while (cap < SEMI_SPACE_CAP_MAX_BYTES && cap * 2 * HEAP_PER_SEMI_SPACE_BYTE <= oldBytes) cap *= 2;
  return cap;
}

function heapSizes(): HeapSizes {
  let semiSpaceBytes = 0;
  let oldBytes = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === 'new_space') semiSpaceBytes = Math.floor(space.space_size / 2);
    else if (space.space_name !== 'new_large_object_space') oldBytes += space.space_size;
  }
  return { semiSpaceBytes, oldBytes };
}
