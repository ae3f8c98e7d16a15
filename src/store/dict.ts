// The keyspace's hash table: latin1 string keys to values, chained, over slots that never move.
// Redis equivalent: dict.c (a chained table; Redis rehashes incrementally, this one at once).
//
// Why not a JS Map: a Map cannot be sized in advance, so a load of 1M keys rehashes ~20 times,
// and each insert of a key it has not seen costs 0.4-0.8 µs here (the whole load's largest
// item: 44% of a 1M-key RDB load). Sized from the dump's RESIZEDB, this table loads the same
// keys ~2.5x faster, and updates with fresh key strings ~20% faster (docs/PERFORMANCE.md).
// And a Map has no positions: the snapshot engine had to copy the list of keys at the cut
// (8 B per key) and preserve every key written during a save, because it could not tell a key
// it had already written from one still ahead. Here a key's slot is its position.
//
// Layout (parallel arrays indexed by slot, plus a power-of-two bucket array):
//
//   buckets  [ 0 | s+1 | 0 | ... ]     head slot + 1 of each chain (0: empty)
//   links    [ h0 n0 | h1 n1 | ... ]   per slot: the key's hash, and next slot + 1 in its chain
//   keys     [ k0 | k1 | ... ]         undefined for a free slot
//   values   [ v0 | v1 | ... ]
//
//   slot:      0    1    2    3    4    5  ...  end ... capacity
//              k0   --   k2   k3   --   k5       (never used)
//                   ^free list: 1 -> 4 (links' next field of free slots)
//
// Invariants: a key stays in its slot until it is deleted (inserts, deletes of other keys and
// growth never move it); slots [end, capacity) have never held a key; size <= end <= capacity
// <= bucket count, so chains average at most one entry. Growth doubles capacity and rebuilds
// the buckets from the stored hashes (no key is hashed again). Compaction (when a table falls
// under 1/8 full) is the one operation that renumbers slots: it builds a new table keeping the
// slots' order, and never runs while the table is pinned (a snapshot or a SCAN-style walk
// needs stable slots). While pinned, freed slots are not reused either, so every key inserted
// after pin() gets a slot at or past the `end` pin() saw.
//
// Hashing: FNV-1a over the key's chars from a per-process random seed. If an insert ever finds
// a chain longer than CHAIN_STRONG_AFTER (what keys crafted to collide produce), the table
// switches to HalfSipHash-1-3 under a random 64-bit key and rebuilds its buckets, so a
// hash-flooding client cannot make lookups linear (Redis uses SipHash throughout).

import { randomBytes } from '../platform/crypto.js';
import { assert } from '../assert.js';

const SEEDS = randomBytes(12);
const FNV_SEED = (0x811c9dc5 ^ SEEDS.readInt32LE(0)) | 0;
const SIP_K0 = SEEDS.readInt32LE(4);
const SIP_K1 = SEEDS.readInt32LE(8);

/** A chain this long at an insert means keys that collide on purpose: switch hashes. */
const CHAIN_STRONG_AFTER = 24;
const CAPACITY_MIN = 8;
/** Compaction: below 1/COMPACT_BELOW full (and above CAPACITY_MIN slots). */
const COMPACT_BELOW = 8;

/** FNV-1a, seeded, over the latin1 chars of `key`. */
export function fastHash(key: string): number {
  let h = FNV_SEED;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/** HalfSipHash-1-3 with 32-bit output, keyed per process, over the latin1 chars of `key`. */
export function strongHash(key: string): number {
  let v0 = SIP_K0;
  let v1 = SIP_K1;
  let v2 = 0x6c796765 ^ SIP_K0;
  let v3 = 0x74656462 ^ SIP_K1;
  const n = key.length;
  const whole = n - (n & 3);
  let m = 0;
  for (let i = 0; i <= whole; i += 4) {
    if (i === whole) {
      m = (n & 0xff) << 24;
      for (let j = 0; j < (n & 3); j++) m |= (key.charCodeAt(i + j) & 0xff) << (8 * j);
    } else {
      m = (key.charCodeAt(i) & 0xff) | ((key.charCodeAt(i + 1) & 0xff) << 8) |
        ((key.charCodeAt(i + 2) & 0xff) << 16) | ((key.charCodeAt(i + 3) & 0xff) << 24);
    }
    v3 ^= m;
    // One compression round (c = 1).
    v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
    v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
    v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
    v0 ^= m;
  }
  v2 ^= 0xff;
  for (let r = 0; r < 3; r++) {
    v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
    v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
    v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
  }
  return v1 ^ v3;
}

function powerOfTwoAtLeast(n: number): number {
  let p = CAPACITY_MIN;
  while (p < n) p *= 2;
  return p;
}

/** The arrays of one table. Growth replaces arrays inside it; compaction makes a new one. */
class Table<V> {
  buckets: Int32Array;
  mask: number;
  links: Int32Array;
  keys: (string | undefined)[];
  values: (V | undefined)[];
  capacity: number;
  end = 0;

  constructor(capacity: number) {
    assert(capacity >= CAPACITY_MIN && (capacity & (capacity - 1)) === 0, 'dict capacity is a power of two');
    this.capacity = capacity;
    this.buckets = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.links = new Int32Array(2 * capacity);
    // fill() keeps V8's fast elements even past the 32M entries `new Array(n)` allows.
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.values = new Array<V | undefined>(capacity).fill(undefined);
  }
}

export class Dict<V> {
  #table: Table<V>;
  #size = 0;
  /** Head of the free-slot list, slot + 1 (0: none). */
  #free = 0;
  #pins = 0;
  #strong = false;
  /** Hash of the key last hashed: one command often looks the same key string up twice. */
  #lastKey: string | null = null;
  #lastHash = 0;

  constructor(capacity = CAPACITY_MIN) {
    this.#table = new Table<V>(powerOfTwoAtLeast(capacity));
  }

  get size(): number {
    return this.#size;
  }

  /** One past the highest slot ever used: slots [0, slotEnd) may hold keys. */
  get slotEnd(): number {
    return this.#table.end;
  }

  /** True once the table switched to the keyed strong hash (collisions were seen). */
  get strongHash(): boolean {
    return this.#strong;
  }

  #hash(key: string): number {
    if (key === this.#lastKey) return this.#lastHash;
    const h = this.#strong ? strongHash(key) : fastHash(key);
    this.#lastKey = key;
    this.#lastHash = h;
    return h;
  }

  /** The slot holding `key`, or -1. */
  slotOf(key: string): number {
    const t = this.#table;
    const h = this.#hash(key);
    const links = t.links;
    const keys = t.keys;
    let slot = (t.buckets[h & t.mask] as number) - 1;
    while (slot >= 0) {
      if (links[2 * slot] === h && keys[slot] === key) return slot;
      slot = (links[2 * slot + 1] as number) - 1;
    }
    return -1;
  }

  get(key: string): V | undefined {
    const slot = this.slotOf(key);
    return slot < 0 ? undefined : this.#table.values[slot];
  }

  has(key: string): boolean {
    return this.slotOf(key) >= 0;
  }

  /** The key in `slot` (undefined for a free or never-used slot). */
  keyAt(slot: number): string | undefined {
    return this.#table.keys[slot];
  }

  valueAt(slot: number): V | undefined {
    return this.#table.values[slot];
  }

  /** Sets `key` to `value`; true when the key was added, false when it existed. */
  set(key: string, value: V): boolean {
    let t = this.#table;
    const h = this.#hash(key);
    const links = t.links;
    const keys = t.keys;
    const bucket = h & t.mask;
    let slot = (t.buckets[bucket] as number) - 1;
    let chain = 0;
    while (slot >= 0) {
      if (links[2 * slot] === h && keys[slot] === key) {
        t.values[slot] = value;
        return false;
      }
      slot = (links[2 * slot + 1] as number) - 1;
      chain++;
    }
    if (chain >= CHAIN_STRONG_AFTER && !this.#strong) {
      this.#useStrongHash();
      return this.set(key, value);
    }
    slot = this.#takeSlot();
    t = this.#table; // #takeSlot may have grown the table
    const head = h & t.mask;
    t.keys[slot] = key;
    t.values[slot] = value;
    t.links[2 * slot] = h;
    t.links[2 * slot + 1] = t.buckets[head] as number;
    t.buckets[head] = slot + 1;
    this.#size++;
    return true;
  }

  /** A free slot (reused unless pinned), growing the table when none is left. */
  #takeSlot(): number {
    if (this.#free !== 0 && this.#pins === 0) {
      const slot = this.#free - 1;
      this.#free = this.#table.links[2 * slot + 1] as number;
      return slot;
    }
    if (this.#table.end === this.#table.capacity) this.#grow(this.#table.capacity * 2);
    return this.#table.end++;
  }

  delete(key: string): boolean {
    const t = this.#table;
    const h = this.#hash(key);
    const links = t.links;
    const bucket = h & t.mask;
    let prev = -1;
    let slot = (t.buckets[bucket] as number) - 1;
    while (slot >= 0) {
      if (links[2 * slot] === h && t.keys[slot] === key) break;
      prev = slot;
      slot = (links[2 * slot + 1] as number) - 1;
    }
    if (slot < 0) return false;
    const next = links[2 * slot + 1] as number;
    if (prev < 0) t.buckets[bucket] = next;
    else links[2 * prev + 1] = next;
    t.keys[slot] = undefined;
    t.values[slot] = undefined;
    links[2 * slot] = 0;
    links[2 * slot + 1] = this.#free;
    this.#free = slot + 1;
    this.#size--;
    if (this.#lastKey === key) this.#lastKey = null;
    if (this.#size * COMPACT_BELOW < t.capacity && t.capacity > CAPACITY_MIN && this.#pins === 0) {
      this.#compact();
    }
    return true;
  }

  /** Makes room for `count` keys without growing again (RESIZEDB at load). */
  reserve(count: number): void {
    if (count > this.#table.capacity) this.#grow(powerOfTwoAtLeast(count));
  }

  /**
   * Stops slot renumbering and slot reuse until the matching unpin(): keys keep their slots and
   * new keys get slots at or past the current slotEnd.
   */
  pin(): void {
    this.#pins++;
  }

  unpin(): void {
    assert(this.#pins > 0, 'dict unpinned more than pinned');
    this.#pins--;
    if (this.#pins === 0 && this.#size * COMPACT_BELOW < this.#table.capacity && this.#table.capacity > CAPACITY_MIN) {
      this.#compact();
    }
  }

  /** Doubles (or more) the slot arrays in place: slots keep their numbers. */
  #grow(capacity: number): void {
    const t = this.#table;
    assert(capacity > t.capacity, 'dict grows');
    const links = new Int32Array(2 * capacity);
    links.set(t.links);
    const keys = new Array<string | undefined>(capacity).fill(undefined);
    const values = new Array<V | undefined>(capacity).fill(undefined);
    const oldKeys = t.keys;
    const oldValues = t.values;
    for (let i = 0; i < t.end; i++) {
      keys[i] = oldKeys[i];
      values[i] = oldValues[i];
    }
    t.links = links;
    t.keys = keys;
    t.values = values;
    t.capacity = capacity;
    this.#rebuildBuckets(t, capacity);
  }

  /** New bucket array from the stored hashes: chains are rebuilt, slots untouched. */
  #rebuildBuckets(t: Table<V>, bucketCount: number): void {
    const buckets = new Int32Array(bucketCount);
    const mask = bucketCount - 1;
    const links = t.links;
    const keys = t.keys;
    for (let slot = 0; slot < t.end; slot++) {
      if (keys[slot] === undefined) continue;
      const b = (links[2 * slot] as number) & mask;
      links[2 * slot + 1] = buckets[b] as number;
      buckets[b] = slot + 1;
    }
    t.buckets = buckets;
    t.mask = mask;
  }

  /** A new, smaller table with the live keys in their slot order (slots are renumbered). */
  #compact(): void {
    const old = this.#table;
    const t = new Table<V>(powerOfTwoAtLeast(this.#size * 2));
    let next = 0;
    for (let slot = 0; slot < old.end; slot++) {
      const key = old.keys[slot];
      if (key === undefined) continue;
      t.keys[next] = key;
      t.values[next] = old.values[slot];
      t.links[2 * next] = old.links[2 * slot] as number;
      next++;
    }
    assert(next === this.#size, 'dict compaction kept every key');
    t.end = next;
    this.#rebuildBuckets(t, t.capacity);
    this.#table = t;
    this.#free = 0;
  }

  #useStrongHash(): void {
    this.#strong = true;
    this.#lastKey = null;
    const t = this.#table;
    for (let slot = 0; slot < t.end; slot++) {
      const key = t.keys[slot];
      if (key !== undefined) t.links[2 * slot] = strongHash(key);
    }
    // The free list runs through the same link fields as the chains: rebuild it too.
    this.#free = 0;
    for (let slot = t.end - 1; slot >= 0; slot--) {
      if (t.keys[slot] !== undefined) continue;
      t.links[2 * slot + 1] = this.#free;
      this.#free = slot + 1;
    }
    this.#rebuildBuckets(t, t.capacity);
  }

  /** A uniformly random key (rejection sampling over slots), or undefined when empty. */
  randomKey(random: () => number = Math.random): string | undefined {
    if (this.#size === 0) return undefined;
    const t = this.#table;
    // At least 1/8 of the slots up to `end` are live (compaction), so 64 tries almost always
    // hit; the walk after them bounds the worst case.
    for (let tries = 0; tries < 64; tries++) {
      const key = t.keys[Math.floor(random() * t.end)];
      if (key !== undefined) return key;
    }
    const start = Math.floor(random() * t.end);
    for (let i = 0; i < t.end; i++) {
      const key = t.keys[(start + i) % t.end];
      if (key !== undefined) return key;
    }
    assert(false, 'a non-empty dict has a key');
  }

  // Iteration visits slots in order, like a Map's iterators: keys added during the walk may or
  // may not be seen, deleted ones are not, and no key present throughout is seen twice or
  // missed. `bounded` stops at the slotEnd of the walk's first step, so a walk ends even while
  // keys are added faster than it advances (SCAN). After a compaction a walk goes on over the
  // table it started on, which no longer changes.

  *keys(bounded = false): Generator<string, void, undefined> {
    const t = this.#table;
    const end = t.end;
    for (let slot = 0; slot < (bounded ? end : t.end); slot++) {
      const key = t.keys[slot];
      if (key !== undefined) yield key;
    }
  }

  *values(): Generator<V, void, undefined> {
    const t = this.#table;
    for (let slot = 0; slot < t.end; slot++) {
      if (t.keys[slot] !== undefined) yield t.values[slot] as V;
    }
  }

  *entries(bounded = false): Generator<[string, V], void, undefined> {
    const t = this.#table;
    const end = t.end;
    for (let slot = 0; slot < (bounded ? end : t.end); slot++) {
      const key = t.keys[slot];
      if (key !== undefined) yield [key, t.values[slot] as V];
    }
  }

  [Symbol.iterator](): Generator<[string, V], void, undefined> {
    return this.entries();
  }

  /** Calls `visit(value, key)` for every key, in slot order (no iterator objects). */
  forEach(visit: (value: V, key: string) => void): void {
    const t = this.#table;
    for (let slot = 0; slot < t.end; slot++) {
      const key = t.keys[slot];
      if (key !== undefined) visit(t.values[slot] as V, key);
    }
  }
}
