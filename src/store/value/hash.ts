// In-memory hash value. Redis equivalent: t_hash.c's object (listpack or hashtable).
// Field and value strings are latin1 (one char per byte), so they are binary safe.
//
// Two representations behind one Map-like API: while small, the fields and values alternate
// as packed entries in one string (store/value/packed.ts), in insertion order, as a listpack
// keeps them; past PACKED_ENTRIES_MAX fields, an entry over PACKED_ENTRY_BYTES_MAX, or once the
// hash converts to Redis's hashtable encoding, a Map (which also iterates in insertion order).

import {
  PACKED_ENTRIES_MAX, PACKED_ENTRY_BYTES_MAX, allPackable, entryAt, entryCopyAt, entryRepeats, findEntry, nextEntry, packAll,
  packEntry, spliceEntries,
} from './packed.js';

export class HashValue implements Iterable<[string, string]> {
  /** Redis's encoding: listpack until it converts, once and for good, to a hashtable. */
  #hashtable = false;
  /** Field, value, field, value... while packed; null once the Map holds the hash. */
  #packed: string | null = '';
  /** Fields in #packed. */
  #count = 0;
  #map: Map<string, string> | null = null;

  constructor(entries?: Iterable<readonly [string, string]>) {
    if (entries !== undefined) for (const [field, value] of entries) this.set(field, value);
  }

  /**
   * Mirrors Redis's encoding switch: a hash starts as a listpack and converts, once and for
   * good, to a hashtable when it outgrows hash-max-listpack-entries / hash-max-listpack-value.
   * OBJECT ENCODING and the RDB encoder read it.
   */
  get hashtable(): boolean {
    return this.#hashtable;
  }

  set hashtable(value: boolean) {
    if (value) this.#toMap();
    this.#hashtable = value;
  }

  get size(): number {
    return this.#map === null ? this.#count : this.#map.size;
  }

  get(field: string): string | undefined {
    const packed = this.#packed;
    if (packed === null) return (this.#map as Map<string, string>).get(field);
    const offset = findEntry(packed, field, 2);
    return offset < 0 ? undefined : entryAt(packed, nextEntry(packed, offset));
  }

  has(field: string): boolean {
    const packed = this.#packed;
    if (packed === null) return (this.#map as Map<string, string>).has(field);
    return findEntry(packed, field, 2) >= 0;
  }

  set(field: string, value: string): this {
    const packed = this.#packed;
    if (packed !== null) {
      if (field.length <= PACKED_ENTRY_BYTES_MAX && value.length <= PACKED_ENTRY_BYTES_MAX) {
        const offset = findEntry(packed, field, 2);
        if (offset >= 0) {
          this.#packed = spliceEntries(packed, nextEntry(packed, offset), 1, packEntry(value));
          return this;
        }
        if (this.#count < PACKED_ENTRIES_MAX) {
          this.#packed = packed + packEntry(field) + packEntry(value);
          this.#count++;
          return this;
        }
      }
      this.#toMap();
    }
    (this.#map as Map<string, string>).set(field, value);
    return this;
  }

  delete(field: string): boolean {
    const packed = this.#packed;
    if (packed === null) return (this.#map as Map<string, string>).delete(field);
    const offset = findEntry(packed, field, 2);
    if (offset < 0) return false;
    this.#packed = spliceEntries(packed, offset, 2, '');
    this.#count--;
    return true;
  }

  clear(): void {
    this.#map = null;
    this.#packed = '';
    this.#count = 0;
  }

  *entries(): Generator<[string, string], void, undefined> {
    const packed = this.#packed;
    if (packed === null) {
      yield* (this.#map as Map<string, string>).entries();
      return;
    }
    let offset = 0;
    while (offset < packed.length) {
      const valueAt = nextEntry(packed, offset);
      yield [entryAt(packed, offset), entryAt(packed, valueAt)];
      offset = nextEntry(packed, valueAt);
    }
  }

  *keys(): Generator<string, void, undefined> {
    const packed = this.#packed;
    if (packed === null) {
      yield* (this.#map as Map<string, string>).keys();
      return;
    }
    for (let offset = 0; offset < packed.length; offset = nextEntry(packed, nextEntry(packed, offset))) {
      yield entryAt(packed, offset);
    }
  }

  *values(): Generator<string, void, undefined> {
    const packed = this.#packed;
    if (packed === null) {
      yield* (this.#map as Map<string, string>).values();
      return;
    }
    for (let offset = 0; offset < packed.length;) {
      const valueAt = nextEntry(packed, offset);
      yield entryAt(packed, valueAt);
      offset = nextEntry(packed, valueAt);
    }
  }

  [Symbol.iterator](): Generator<[string, string], void, undefined> {
    return this.entries();
  }

  /** Calls `visit(value, field)` for each field, in order (no iterator objects). */
  forEach(visit: (value: string, field: string) => void): void {
    const packed = this.#packed;
    if (packed === null) {
      (this.#map as Map<string, string>).forEach((value, field) => visit(value, field));
      return;
    }
    for (let offset = 0; offset < packed.length;) {
      const valueAt = nextEntry(packed, offset);
      visit(entryAt(packed, valueAt), entryAt(packed, offset));
      offset = nextEntry(packed, valueAt);
    }
  }

  /** A deep copy (COPY, the snapshot's copy-on-write): a packed hash copies one reference. */
  clone(): HashValue {
    const copy = new HashValue();
    copy.#hashtable = this.#hashtable;
    copy.#packed = this.#packed;
    copy.#count = this.#count;
    copy.#map = this.#map === null ? null : new Map(this.#map);
    return copy;
  }

  /**
   * A hash of `pairs` (field, value, field, value...), as loaded from a dump, built in one go;
   * null when a field repeats (a corrupt dump).
   */
  static fromPairs(pairs: readonly string[]): HashValue | null {
    const hash = new HashValue();
    const count = pairs.length >>> 1;
    if (count <= PACKED_ENTRIES_MAX && allPackable(pairs)) {
      const packed = packAll(pairs);
      // Fields are compared with the ones before them: no allocation, 28 compares for 8 fields.
      for (let offset = 0, i = 0; i < count; i++) {
        if (entryRepeats(packed, offset, 2)) return null;
        offset = nextEntry(packed, nextEntry(packed, offset));
      }
      hash.#packed = packed;
      hash.#count = count;
      return hash;
    }
    for (let i = 0; i < pairs.length; i += 2) {
      hash.set(pairs[i] as string, pairs[i + 1] as string);
      if (hash.size !== (i >>> 1) + 1) return null;
    }
    return hash;
  }

  /**
   * A hash from `count` field/value pairs already packed (a dump's listpack); null when a field
   * repeats (a corrupt dump).
   */
  static fromPacked(packed: string, count: number): HashValue | null {
    for (let offset = 0, i = 0; i < count; i++) {
      if (entryRepeats(packed, offset, 2)) return null;
      offset = nextEntry(packed, nextEntry(packed, offset));
    }
    const hash = new HashValue();
    hash.#packed = packed;
    hash.#count = count;
    return hash;
  }

  #toMap(): void {
    const packed = this.#packed;
    if (packed === null) return;
    const map = new Map<string, string>();
    for (let offset = 0; offset < packed.length;) {
      const valueAt = nextEntry(packed, offset);
      map.set(entryCopyAt(packed, offset), entryCopyAt(packed, valueAt));
      offset = nextEntry(packed, valueAt);
    }
    this.#map = map;
    this.#packed = null;
    this.#count = 0;
  }
}
