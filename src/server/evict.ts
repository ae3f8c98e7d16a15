// maxmemory: the used-memory figure (the one INFO reports as used_memory), eviction by policy
// through the keyspace's write path (each evicted key is deleted with Keyspace.delete and
// propagated as DEL), and the OOM refusal of denyoom commands.
// Redis equivalent: evict.c (performEvictions, evictionPoolPopulate, LFULogIncr/LFUDecrAndReturn).
//
// Choices, and why:
// - Used memory is V8's used heap plus external memory (v8.getHeapStatistics, ~0.2 us, cheap
//   enough to read before every denyoom command). A JS heap frees deleted keys only at the next
//   garbage collection, so after evicting, the estimated bytes of what was evicted are credited
//   until a major GC is observed; without the credit one write would evict everything.
// - LRU/LFU need an access clock per key. Values are JS objects or primitive strings, so there
//   is no spare field in them as Redis has in its robj; the clock lives in a side Map per db
//   (a small integer per key, about 30 bytes with the Map's slot), and only while an -lru or
//   -lfu policy is set: noeviction, random and ttl policies pay nothing. Keys never seen by the
//   clock (loaded, or written before the policy was set) count as idle since start-up.
// - Like Redis, candidates are sampled (maxmemory-samples per db), not sorted: an approximation.

import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import type { Database } from '../store/keyspace.js';
import { StreamValue, type Value } from '../store/value/types.js';
import type { Server } from './server.js';
import { Dict } from '../store/dict.js';
import { NOTIFY } from './notify.js';

export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

/** Eviction gives up after this long in one call, as Redis bounds it by eviction tenacity. */
const EVICTION_BUDGET_MS = 5;
/** The LRU clock counts ms modulo this, so every value is a V8 small integer (no allocation). */
const LRU_CLOCK_MOD = 2 ** 30;
/** Candidates kept between samplings (Redis: EVPOOL_SIZE 16). */
const EVICTION_POOL_SIZE = 16;
/** LFU counter for new keys, so they are not evicted before they had a chance (Redis: 5). */
const LFU_INIT = 5;

type Policy =
  | 'noeviction'
  | 'allkeys-lru'
  | 'volatile-lru'
  | 'allkeys-lfu'
  | 'volatile-lfu'
  | 'allkeys-random'
  | 'volatile-random'
  | 'volatile-ttl';

/**
 * The memory figure maxmemory is compared with and INFO reports as used_memory: V8's used heap
 * without the young generation, plus external memory (Buffers). The young generation is almost
 * all per-command garbage (parsed arguments, reply text) that the next scavenge drops; counting
 * it would make a 16 MB maxmemory refuse writes on an empty dataset. Keys live in old space.
 */
export function usedMemoryBytes(): number {
  const heap = getHeapStatistics();
  let young = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === 'new_space') young = space.space_used_size;
  }
  return heap.used_heap_size - young + heap.external_memory;
}

export class Evictor {
  readonly #server: Server;
  /** maxmemory, read by every denyoom command (Config#numCell). */
  readonly #maxmemory: { readonly value: number };
  readonly #replicaIgnores: { readonly value: boolean };
  /** Set by replication while this server follows a master (REPLICAOF host port). */
  isReplica = false;
  /** Per db: key -> LRU ms since start (mod 2^30), or LFU (minutes << 8 | counter). */
  #clocks: Map<string, number>[] = [];
  #tracking: 'lru' | 'lfu' | null = null;
  /** Bytes evicted but not yet returned by a major GC. */
  #creditBytes = 0;
  #nextDb = 0;
  /**
   * The best candidates seen over recent samplings (Redis's eviction pool). Samples come from a
   * sequential iterator, so one sampling sees keys written together; the pool keeps older
   * candidates from elsewhere in the keyspace competing with them.
   */
  #pool: { db: Database; key: string; score: number }[] = [];
  readonly #startMs = Date.now();
  evictedKeys = 0;

  constructor(server: Server) {
    this.#server = server;
    this.#maxmemory = server.config.numCell('maxmemory');
    this.#replicaIgnores = server.config.boolCell('replica-ignore-maxmemory');
    const ks = server.keyspace;
    this.#setPolicy(server.config.str('maxmemory-policy'));
    server.config.onApply('maxmemory-policy', (value) => this.#setPolicy(String(value)));
    ks.addHooks({
      keyModified: (db, key) => this.#touch(db, key),
      keyExpired: (db, key) => this.#clocks[db.id]?.delete(key),
      dbFlushed: (db) => this.#clocks[db.id]?.clear(),
      dbSwapped: (a, b) => {
        const clockA = this.#clocks[a.id];
        const clockB = this.#clocks[b.id];
        if (clockA !== undefined && clockB !== undefined) {
          this.#clocks[a.id] = clockB;
          this.#clocks[b.id] = clockA;
        }
      },
    });
    ks.onRead = (db, key) => this.#touch(db, key);
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) this.#creditBytes = 0;
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    server.addHooks({ closed: () => observer.disconnect() });
  }

  /** used_memory minus what eviction already freed but the GC has not yet returned. */
  usedMemory(): number {
    return Math.max(0, usedMemoryBytes() - this.#creditBytes);
  }

  /**
   * Called before a denyoom command: evicts by policy until used memory is under maxmemory.
   * Returns the OOM error when over the limit and nothing (more) can be evicted, else null.
   */
  oomReason(): string | null {
    const maxBytes = this.#maxmemory.value;
    if (maxBytes <= 0) return null;
    // CLIENT PAUSE keeps the dataset static: no eviction (Redis's EVICT_OK while paused).
    if (this.#server.pause.type !== 0) return null;
    // replica-ignore-maxmemory yes: a replica leaves eviction to its master (whose DELs it gets).
    if (this.isReplica && this.#replicaIgnores.value) return null;
    const used = this.usedMemory();
    if (used <= maxBytes) return null;
    const policy = this.#server.config.str('maxmemory-policy') as Policy;
    if (policy === 'noeviction') return OOM_ERROR;
    const deadline = performance.now() + EVICTION_BUDGET_MS;
    let freed = 0;
    let evicted = 0;
    let outOfKeys = false;
    while (used - freed > maxBytes) {
      const victim = this.#pickVictim(policy);
      if (victim === null) {
        outOfKeys = true;
        break;
      }
      freed += this.#evict(victim.db, victim.key);
      evicted++;
      if ((evicted & 15) === 0 && performance.now() > deadline) break;
    }
    this.#creditBytes += freed;
    // As Redis's performEvictions: running out of keys while still over the limit is OOM, even
    // after evicting some; stopping at the time limit lets the command run (eviction goes on).
    return outOfKeys ? OOM_ERROR : null;
  }

  /**
   * RESTORE's IDLETIME / FREQ: sets the key's access clock as given, when the policy tracks
   * that kind of clock (as Redis's objectSetLRUOrLFU ignores the other kind).
   */
  restoreAccess(db: Database, key: string, access: { idleSeconds: number | null; freq: number | null }): void {
    const clock = this.#clocks[db.id];
    if (clock === undefined) return;
    if (this.#tracking === 'lru' && access.idleSeconds !== null) {
      const idleMs = Math.min(access.idleSeconds * 1000, LRU_CLOCK_MOD - 1);
      clock.set(key, (this.#lruNow() - idleMs + LRU_CLOCK_MOD) % LRU_CLOCK_MOD);
    } else if (this.#tracking === 'lfu' && access.freq !== null) {
      clock.set(key, (this.#minutes() & 0xffff) * 256 + access.freq);
    }
  }

  #setPolicy(policy: string): void {
    const tracking = policy.endsWith('-lru') ? 'lru' : policy.endsWith('-lfu') ? 'lfu' : null;
    if (tracking === this.#tracking) return;
    this.#tracking = tracking;
    this.#pool = [];
    this.#clocks = this.#server.keyspace.dbs.map(() => new Map());
  }

  #touch(db: Database, key: string): void {
    const tracking = this.#tracking;
    if (tracking === null) return;
    const clock = this.#clocks[db.id];
    if (clock === undefined) return;
    if (!db.dict.has(key)) {
      clock.delete(key);
      return;
    }
    if (tracking === 'lru') {
      clock.set(key, this.#lruNow());
      return;
    }
    const counter = lfuIncrement(this.#lfuCounter(clock.get(key)), this.#server.config.num('lfu-log-factor'));
    clock.set(key, (this.#minutes() & 0xffff) * 256 + counter);
  }

  #minutes(): number {
    return Math.floor((Date.now() - this.#startMs) / 60_000);
  }

  /** The LFU counter after decay: one step per lfu-decay-time minutes idle. */
  #lfuCounter(packed: number | undefined): number {
    if (packed === undefined) return LFU_INIT;
    const counter = packed & 0xff;
    const decayMinutes = this.#server.config.num('lfu-decay-time');
    if (decayMinutes <= 0) return counter;
    const idleMinutes = (this.#minutes() - Math.floor(packed / 256) + 0x10000) & 0xffff;
    return Math.max(0, counter - Math.floor(idleMinutes / decayMinutes));
  }

  #evict(db: Database, key: string): number {
    const value = db.dict.get(key);
    const bytes = value === undefined ? 0 : estimateBytes(key, value);
    const server = this.#server;
    const lazy = server.config.bool('lazyfree-lazy-eviction');
    server.keyspace.delete(db, key, lazy ? 'async' : 'sync');
    server.propagate(db.id, [lazy ? 'UNLINK' : 'DEL', key]);
    server.keyspaceEvents.notify(NOTIFY.evicted, 'evicted', key, db.id);
    this.evictedKeys++;
    return bytes;
  }

  #pickVictim(policy: Exclude<Policy, 'noeviction'>): { db: Database; key: string } | null {
    const volatile = policy.startsWith('volatile-');
    const dbs = this.#server.keyspace.dbs;
    if (policy.endsWith('-random')) {
      for (let i = 0; i < dbs.length; i++) {
        const db = dbs[(this.#nextDb + i) % dbs.length] as Database;
        const source = volatile ? db.expires : db.dict;
        if (source.size === 0) continue;
        this.#nextDb = (this.#nextDb + i + 1) % dbs.length;
        const key = sampleKeys(source, 1)[0];
        if (key !== undefined) return { db, key };
      }
      return null;
    }
    const samples = Math.max(1, this.#server.config.num('maxmemory-samples'));
    const pool = this.#pool;
    for (const db of dbs) {
      const source = volatile ? db.expires : db.dict;
      if (source.size === 0) continue;
      for (const key of sampleKeys(source, samples)) {
        if (!pool.some((e) => e.db === db && e.key === key)) pool.push({ db, key, score: 0 });
      }
    }
    // Scores are recomputed each time: a pooled key read since it was sampled is young again.
    const live = pool.filter((e) => (volatile ? e.db.expires : e.db.dict).has(e.key));
    for (const e of live) e.score = this.#idleScore(policy, e.db, e.key);
    live.sort((a, b) => b.score - a.score);
    this.#pool = live.slice(1, EVICTION_POOL_SIZE + 1);
    return live[0] ?? null;
  }

  /** Higher is a better victim: idle seconds (LRU), 255 - counter (LFU), -expire time (TTL). */
  #idleScore(policy: Policy, db: Database, key: string): number {
    if (policy === 'volatile-ttl') return -(db.expires.get(key) ?? Number.MAX_SAFE_INTEGER);
    const packed = this.#clocks[db.id]?.get(key);
    if (this.#tracking === 'lfu') return 255 - this.#lfuCounter(packed);
    // Wrapping arithmetic, as Redis's 24-bit clock: a key idle for more than 2^30 ms (12 days)
    // looks young again, the price of keeping the clock a small integer (no boxed number).
    return (this.#lruNow() - (packed ?? 0) + LRU_CLOCK_MOD) % LRU_CLOCK_MOD;
  }

  #lruNow(): number {
    return (Date.now() - this.#startMs) % LRU_CLOCK_MOD;
  }
}

/** Redis's logarithmic counter: the higher it is, the less likely one access increments it. */
function lfuIncrement(counter: number, logFactor: number): number {
  if (counter >= 255) return 255;
  const base = Math.max(0, counter - LFU_INIT);
  return Math.random() < 1 / (base * logFactor + 1) ? counter + 1 : counter;
}

/** A key array per sampled Map, so samples are uniform (a Map has no random access). */
const snapshots = new WeakMap<Map<string, unknown>, { keys: string[]; picks: number }>();

/**
 * Up to `count` distinct keys, uniformly at random: random indexes into an array of the Map's
 * keys, rebuilt once half as many picks as keys were made or the Map doubled (O(1) amortized;
 * the rebuild is O(n), about 30 ms for a million keys). Keys deleted since are skipped; keys
 * added since are not sampled until the rebuild (they are the most recently used anyway).
 */
function sampleKeys(source: Map<string, unknown> | Dict<unknown>, count: number): string[] {
  if (source instanceof Dict) return sampleDict(source, count);
  const snap = snapshots.get(source);
  const stale =
    snap === undefined || snap.picks * 2 > snap.keys.length || source.size > snap.keys.length * 2;
  const out = sampleFrom(source, stale ? rebuildSnapshot(source) : snap, count);
  // Every sampled key was gone (evicted since the array was built): rebuild once and retry.
  if (out.length === 0 && !stale && source.size > 0) return sampleFrom(source, rebuildSnapshot(source), count);
  return out;
}

/** Up to `count` distinct keys of a keyspace dict, uniformly at random (it has random access). */
function sampleDict(source: Dict<unknown>, count: number): string[] {
  const out: string[] = [];
  for (let attempts = 0; out.length < count && attempts < count * 4; attempts++) {
    const key = source.randomKey();
    if (key === undefined) break;
    if (!out.includes(key)) out.push(key);
  }
  return out;
}

function rebuildSnapshot(source: Map<string, unknown>): { keys: string[]; picks: number } {
  const snap = { keys: Array.from(source.keys()), picks: 0 };
  snapshots.set(source, snap);
  return snap;
}

function sampleFrom(source: Map<string, unknown>, snap: { keys: string[]; picks: number }, count: number): string[] {
  const out: string[] = [];
  const keys = snap.keys;
  for (let attempts = 0; out.length < count && attempts < count * 4 && keys.length > 0; attempts++) {
    const key = keys[Math.floor(Math.random() * keys.length)] as string;
    snap.picks++;
    if (source.has(key) && !out.includes(key)) out.push(key);
  }
  return out;
}

/** Rough bytes a key and its value hold (what a GC returns once it is deleted). */
function estimateBytes(key: string, value: Value): number {
  const overhead = 64 + key.length;
  if (typeof value === 'string') return overhead + value.length;
  if (value instanceof StreamValue) return overhead + value.memoryEstimate();
  const size = (value as { size?: number; length?: number }).size ?? (value as { length?: number }).length ?? 1;
  return overhead + size * 64;
}
