// The fork-less snapshot engine: a point-in-time cut of the whole keyspace, serialized
// incrementally in short slices between client work, with key-level copy-on-write.
// It replaces Redis's fork() for BGSAVE, AOF rewrite and (later) replication full syncs; the
// format is the visitor's business (RDB encoder, AOF command writer, a socket).
//
// How the cut stays exact (time T = when start() runs, synchronously, inside one command):
//   1. At T, for each non-empty db, the engine keeps a reference to the db's dict (a Dict,
//      store/dict.ts: every key sits in a numbered slot) and its expires map, notes the dict's
//      slotEnd, and pins the dict: until the cut ends no key moves to another slot and no freed
//      slot is reused, so every key created after T gets a slot at or past that end. Nothing
//      is copied: the cut costs O(dbs), not O(keys).
//   2. The scanner walks the slots [0, end) in order, in slices. The slots below its cursor are
//      written; a key in a slot at or past the cursor still holds its value as of T unless
//      `preserved` says otherwise.
//   3. Every keyspace write calls Keyspace's beforeWrite hook first (the one write path). The
//      engine's hook looks the key's slot up: a key the scanner has passed (slot < cursor), a
//      key created after T (slot >= end) or a key that does not exist (it will be created past
//      end) needs nothing. A key still ahead of the scanner has its state as of T recorded in
//      `preserved` on its FIRST write: the string itself (strings are immutable: no copy), or a
//      deep clone of a collection (it is about to be mutated in place); a stream's clone shares
//      its nodes, and the live stream copies only a node it then changes (per-node copy-on-write).
//   4. Hence, when the scanner reaches slot s holding key K: K existed at T (pinned slots are
//      not reused), and `preserved` has K's state at T if K was written since, else the live
//      value is it. A key deleted before the scanner reached its slot left its state in
//      `preserved`; those are written after the last slot. Keys created after T sit past end.
//      Each key of T is emitted exactly once.
//   5. FLUSHDB/FLUSHALL replace a db's maps (Keyspace.flushDb), and SWAPDB exchanges them, so
//      the engine finds a db's state by the identity of the dict, not by db index. A dict that
//      was flushed away is never written again, so nothing there needs preserving, and no
//      flush or swap ever copies the dataset.
// Keys whose expire time has passed but that are not deleted yet are emitted like any other,
// with their expire: Redis's rdbSave and AOF rewrite write them too, and the loader decides
// (a master drops them from a dump, a replica and an AOF base keep them).
// Memory overhead: what writes during the cut preserved, only for keys the scanner has not
// reached yet, released as it passes them. Nothing here grows with the dataset.

import { assert } from '../assert.js';
import type { Dict } from '../store/dict.js';
import type { Database, Keyspace, KeyspaceHooks } from '../store/keyspace.js';
import { cloneValue, HashValue, StreamValue, type Value } from '../store/value/types.js';

/** Receives the cut, key by key. Implemented by the RDB writer, the AOF rewriter, … */
export interface SnapshotVisitor {
  /** Called once per non-empty db, before its keys, with the counts at T. */
  beginDb(dbIndex: number, keyCount: number, expireCount: number): void;
  /** One key as of T. `expireAtMs` is null for a key without an expire. */
  key(dbIndex: number, key: string, value: Value, expireAtMs: number | null): void;
  /** False asks the engine to pause until `drained()` resolves (back-pressure from the sink). */
  wantsMore(): boolean;
  drained(): Promise<void>;
  /**
   * After the last key: flush, fsync, rename, … The snapshot succeeds when this resolves.
   * `stillWanted()` turns false if the snapshot was cancelled meanwhile (FLUSHALL, SHUTDOWN):
   * the visitor must check it right before making its result visible (the rename).
   */
  end(stillWanted: () => boolean): Promise<void>;
  /** The snapshot failed or was cancelled; release resources. */
  abort(error: Error): void;
}

export interface SnapshotOptions {
  /** Longest time one slice may run before yielding to clients. */
  sliceBudgetMs: number;
  /** Artificial delay per key in microseconds (rdb-key-save-delay, for tests). */
  keyDelayUs?: number;
  /**
   * The share of the event loop the scan may take while clients are active (0 < share <= 1;
   * default 1). Redis's child runs on another core; on one thread this is the dial between
   * client throughput during a save and the save's duration.
   */
  cpuShare?: number;
  /** True when clients were served since the previous call (pacing applies only then). */
  clientsActive?: () => boolean;
}

/** A preserved state with an expire. Without one the value itself is stored: no object per
 * preserved key, which is most of them (a SET load preserves ~30k keys per 300k-key save). */
class Timed {
  readonly value: Value;
  readonly expireAtMs: number;
  constructor(value: Value, expireAtMs: number) {
    this.value = value;
    this.expireAtMs = expireAtMs;
  }
}

type Preserved = Value | Timed;

function valueOf(state: Preserved): Value {
  return state instanceof Timed ? state.value : state;
}

interface DbCut {
  dbIndex: number;
  dict: Dict<Value>;
  expires: Map<string, number>;
  /** The dict's slotEnd at T: the cut is the keys in slots [0, end). */
  end: number;
  keyCount: number;
  expireCount: number;
  /** Slots below it are written. */
  cursor: number;
  /** States at T of keys at or past the cursor written since T (deleted ones included). */
  preserved: Map<string, Preserved>;
  /**
   * One bit per slot of [0, end), set when that slot's key is preserved (allocated at the
   * first): the scanner asks `preserved` only for those. Exact, because a pinned dict never
   * moves a key or reuses a slot, and the bit test costs less than hashing the key again.
   */
  preservedSlots: Uint32Array | null;
  /** The dict is pinned from T until the cut is released (exactly once). */
  released: boolean;
}

export interface SnapshotStats {
  /** Keys in the cut (at T). */
  keysTotal: number;
  keysDone: number;
  /** Bytes kept alive or copied by copy-on-write for this cut (estimate). */
  preservedBytes: number;
  preservedBytesPeak: number;
  preservedKeys: number;
  /** Time spent at T building the cut, in microseconds (Redis's latest_fork_usec analog). */
  startUs: number;
  slices: number;
  sliceMsMax: number;
  /** Main-thread time spent in slices, in ms (the snapshot's CPU cost to clients). */
  scanMs: number;
  startedAtMs: number;
}

/** One running cut. Created by SnapshotEngine.start(). */
export class Snapshot {
  readonly stats: SnapshotStats;
  readonly done: Promise<void>;
  readonly #engine: SnapshotEngine;
  readonly #visitor: SnapshotVisitor;
  readonly #options: SnapshotOptions;
  readonly #cuts: DbCut[];
  #cutIndex = 0;
  /** Pacing: when the current stretch of client activity began, and scan time spent in it. */
  #pacedSinceMs = -1;
  #pacedBusyMs = 0;
  #finished = false;
  #cancelled: Error | null = null;
  #resolve: () => void = () => {};
  #reject: (e: Error) => void = () => {};

  constructor(engine: SnapshotEngine, keyspace: Keyspace, visitor: SnapshotVisitor, options: SnapshotOptions) {
    this.#engine = engine;
    this.#visitor = visitor;
    this.#options = options;
    const started = performance.now();
    this.#cuts = [];
    let total = 0;
    for (const db of keyspace.dbs) {
      if (db.dict.size === 0) continue;
      this.#cuts.push(cutOf(db));
      total += db.dict.size;
    }
    this.stats = {
      keysTotal: total,
      keysDone: 0,
      preservedBytes: 0,
      preservedBytesPeak: 0,
      preservedKeys: 0,
      startUs: Math.round((performance.now() - started) * 1000),
      slices: 0,
      sliceMsMax: 0,
      scanMs: 0,
      startedAtMs: Date.now(),
    };
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // The caller attaches handlers later; avoid an unhandled rejection in the meantime.
    this.done.catch(() => {});
  }

  /** The db cut whose dict is `dict`, if this snapshot still has to write keys from it. */
  cutFor(dict: Dict<Value>): DbCut | undefined {
    for (let i = this.#cutIndex; i < this.#cuts.length; i++) {
      const cut = this.#cuts[i] as DbCut;
      if (cut.dict === dict) return cut;
    }
    return undefined;
  }

  /**
   * The write hook's work: remember a key's state as of T before its first change, if the
   * scanner has yet to write it.
   */
  preserve(cut: DbCut, key: string): void {
    const slot = cut.dict.slotOf(key);
    // Absent keys will be created past `end`; keys before the cursor are written already.
    if (slot < cut.cursor || slot >= cut.end) return;
    if (cut.preserved.has(key)) return;
    const value = cut.dict.valueAt(slot) as Value;
    const expireAtMs = cut.expires.size === 0 ? undefined : cut.expires.get(key);
    const copy = typeof value === 'string' ? value : cloneValue(value);
    cut.preserved.set(key, expireAtMs === undefined ? copy : new Timed(copy, expireAtMs));
    cut.preservedSlots ??= new Uint32Array((cut.end + 31) >>> 5);
    cut.preservedSlots[slot >>> 5] = (cut.preservedSlots[slot >>> 5] as number) | (1 << (slot & 31));
    this.stats.preservedKeys++;
    this.stats.preservedBytes += key.length + estimateBytes(copy);
    if (this.stats.preservedBytes > this.stats.preservedBytesPeak) {
      this.stats.preservedBytesPeak = this.stats.preservedBytes;
    }
  }

  cancel(error: Error): void {
    if (this.#finished) return;
    this.#cancelled = error;
  }

  /** Schedules slices until every key is written, then ends the visitor. */
  run(): void {
    setImmediate(() => this.#slice());
  }

  #slice(): void {
    if (this.#cancelled !== null) {
      this.#fail(this.#cancelled);
      return;
    }
    const start = performance.now();
    const budget = this.#options.sliceBudgetMs;
    const delayUs = this.#options.keyDelayUs ?? 0;
    let count = 0;
    try {
      while (this.#cutIndex < this.#cuts.length) {
        const cut = this.#cuts[this.#cutIndex] as DbCut;
        if (cut.cursor === 0) this.#visitor.beginDb(cut.dbIndex, cut.keyCount, cut.expireCount);
        const dict = cut.dict;
        while (cut.cursor < cut.end) {
          const slot = cut.cursor++;
          const key = dict.keyAt(slot);
          // A free slot was free at T, or its key was deleted since (then it is in `preserved`).
          if (key !== undefined) {
            this.#emit(cut, key, slot);
            if (delayUs > 0) busyWaitUs(delayUs);
          }
          if ((++count & 31) === 0 || delayUs > 0) {
            if (performance.now() - start >= budget) return this.#yield(start);
            if (!this.#visitor.wantsMore()) return this.#waitForDrain(start);
          }
        }
        // Keys deleted before the scanner reached them: their states at T, in any order.
        for (const [key, state] of cut.preserved) this.#emitState(cut, key, state);
        this.#cutIndex++;
        this.#release(cut);
      }
    } catch (error: unknown) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.#recordSlice(start);
    this.#finish();
  }

  #emit(cut: DbCut, key: string, slot: number): void {
    const bits = cut.preservedSlots;
    const preserved = bits !== null && ((bits[slot >>> 5] as number) & (1 << (slot & 31))) !== 0
      ? cut.preserved.get(key) : undefined;
    if (preserved !== undefined) {
      this.#emitState(cut, key, preserved);
      return;
    }
    const value = cut.dict.valueAt(slot) as Value;
    const expireAtMs = cut.expires.size === 0 ? undefined : cut.expires.get(key);
    this.stats.keysDone++;
    this.#visitor.key(cut.dbIndex, key, value, expireAtMs ?? null);
  }

  /** Emits a preserved state and forgets it. */
  #emitState(cut: DbCut, key: string, state: Preserved): void {
    const value = valueOf(state);
    const expireAtMs = state instanceof Timed ? state.expireAtMs : undefined;
    cut.preserved.delete(key);
    this.stats.preservedBytes -= key.length + estimateBytes(value);
    this.stats.keysDone++;
    this.#visitor.key(cut.dbIndex, key, value, expireAtMs ?? null);
  }

  /** Drops what a finished (or failed) cut still holds and unpins its dict, once. */
  #release(cut: DbCut): void {
    if (cut.released) return;
    cut.released = true;
    for (const [key, state] of cut.preserved) this.stats.preservedBytes -= key.length + estimateBytes(valueOf(state));
    cut.preserved.clear();
    cut.dict.unpin();
  }

  #recordSlice(start: number): void {
    const ms = performance.now() - start;
    this.#engine.onSlice?.(ms);
    this.stats.slices++;
    this.stats.scanMs += ms;
    if (ms > this.stats.sliceMsMax) this.stats.sliceMsMax = ms;
  }

  /**
   * Schedules the next slice. When clients were served since the last slice, the engine
   * paces itself to `cpuShare` of the event loop (a 1 ms slice at 0.3 is followed by about
   * 2.3 ms for clients); on an idle server it runs back to back at full speed.
   */
  #yield(start: number): void {
    this.#recordSlice(start);
    const share = this.#options.cpuShare ?? 1;
    const now = performance.now();
    if (share < 1 && this.#options.clientsActive?.() === true) {
      // Pace over the whole busy period, not slice by slice, so timer lateness (a 4 ms timer
      // firing after 5 ms) does not push the real share below the target.
      if (this.#pacedSinceMs < 0) this.#pacedSinceMs = start;
      this.#pacedBusyMs += now - start;
      const waitMs = this.#pacedBusyMs / share - (now - this.#pacedSinceMs);
      if (waitMs >= 1) {
        setTimeout(() => this.#slice(), Math.floor(waitMs));
        return;
      }
    } else {
      this.#pacedSinceMs = -1;
      this.#pacedBusyMs = 0;
    }
    setImmediate(() => this.#slice());
  }

  #waitForDrain(start: number): void {
    this.#recordSlice(start);
    this.#visitor.drained().then(
      () => setImmediate(() => this.#slice()),
      (error: unknown) => this.#fail(error instanceof Error ? error : new Error(String(error))),
    );
  }

  #finish(): void {
    // Every key of T is written: writes no longer need preserving.
    this.#engine.detach(this);
    this.#visitor.end(() => this.#cancelled === null).then(
      () => {
        this.#finished = true;
        this.#resolve();
      },
      (error: unknown) => this.#fail(error instanceof Error ? error : new Error(String(error))),
    );
  }

  #fail(error: Error): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#engine.detach(this);
    for (const cut of this.#cuts) this.#release(cut);
    try {
      this.#visitor.abort(error);
    } finally {
      this.#reject(error);
    }
  }
}

function cutOf(db: Database): DbCut {
  db.dict.pin();
  return {
    dbIndex: db.id,
    dict: db.dict,
    expires: db.expires,
    end: db.dict.slotEnd,
    keyCount: db.dict.size,
    expireCount: db.expires.size,
    cursor: 0,
    preserved: new Map(),
    preservedSlots: null,
    released: false,
  };
}

/** Rough bytes a value holds, for the copy-on-write accounting (not an exact heap size). */
export function estimateBytes(value: Value): number {
  if (typeof value === 'string') return value.length;
  let bytes = 64;
  if (value instanceof StreamValue) return value.memoryEstimate();
  if (value instanceof HashValue) {
    value.forEach((v, field) => (bytes += field.length + v.length + 16));
    return bytes;
  }
  for (const item of value as Iterable<unknown>) {
    bytes += Array.isArray(item) ? String(item[0]).length + 24 : String(item).length + 8;
  }
  return bytes;
}

function busyWaitUs(us: number): void {
  const until = performance.now() + us / 1000;
  while (performance.now() < until) {
    // rdb-key-save-delay is a test aid: it deliberately burns time per key, as in Redis.
  }
}

/**
 * Owns the keyspace hook and the (at most one) running snapshot. Redis allows one child at a
 * time; so does Vesta, and BGSAVE/BGREWRITEAOF coordinate through `active`.
 */
export class SnapshotEngine implements KeyspaceHooks {
  readonly #keyspace: Keyspace;
  #active: Snapshot | null = null;
  /** Called with each slice's duration (the latency monitor's rdb-slice event). */
  onSlice: ((durationMs: number) => void) | null = null;

  constructor(keyspace: Keyspace) {
    this.#keyspace = keyspace;
    keyspace.addHooks(this);
  }

  get active(): Snapshot | null {
    return this.#active;
  }

  /** Takes the cut now (synchronously) and starts serializing it in slices. */
  start(visitor: SnapshotVisitor, options: SnapshotOptions): Snapshot {
    assert(this.#active === null, 'one snapshot at a time');
    const snapshot = new Snapshot(this, this.#keyspace, visitor, options);
    this.#active = snapshot;
    snapshot.run();
    return snapshot;
  }

  detach(snapshot: Snapshot): void {
    if (this.#active === snapshot) this.#active = null;
  }

  beforeWrite(db: Database, key: string): void {
    const snapshot = this.#active;
    if (snapshot === null) return;
    const cut = snapshot.cutFor(db.dict);
    if (cut !== undefined) snapshot.preserve(cut, key);
  }
}
