// In-memory set value. Redis equivalent: t_set.c's object (intset or hashtable in 7.0).
//
// Two representations behind one Set-like API, both in insertion order: while small, the
// members as packed entries in one string (store/value/packed.ts); past PACKED_ENTRIES_MAX
// members or a member over PACKED_ENTRY_BYTES_MAX, a Set. The representation is Vesta's own
// business; the encoding Redis 7.0 would report is the `hashtable` flag.

import {
  PACKED_ENTRIES_MAX, PACKED_ENTRY_BYTES_MAX, allPackable, entries, entryRepeats, findEntry, nextEntry, unpack,
  packAll, packEntry, spliceEntries,
} from './packed.js';

export class SetValue implements Iterable<string> {
  /**
   * Mirrors Redis 7.0's encoding switch: a set of integers starts as an intset and converts,
   * once and for good, to a hashtable when a non-integer member arrives or it grows past
   * set-max-intset-entries.
   */
  hashtable = false;
  /** The members while packed; null once #set holds them. */
  #packed: string | null = '';
  #count = 0;
  #set: Set<string> | null = null;

  constructor(members?: Iterable<string>) {
    if (members !== undefined) for (const member of members) this.add(member);
  }

  get size(): number {
    return this.#set === null ? this.#count : this.#set.size;
  }

  has(member: string): boolean {
    const packed = this.#packed;
    if (packed === null) return (this.#set as Set<string>).has(member);
    return findEntry(packed, member, 1) >= 0;
  }

  add(member: string): this {
    const packed = this.#packed;
    if (packed !== null) {
      if (findEntry(packed, member, 1) >= 0) return this;
      if (member.length <= PACKED_ENTRY_BYTES_MAX && this.#count < PACKED_ENTRIES_MAX) {
        this.#packed = packed + packEntry(member);
        this.#count++;
        return this;
      }
      this.#toSet();
    }
    (this.#set as Set<string>).add(member);
    return this;
  }

  delete(member: string): boolean {
    const packed = this.#packed;
    if (packed === null) return (this.#set as Set<string>).delete(member);
    const offset = findEntry(packed, member, 1);
    if (offset < 0) return false;
    this.#packed = spliceEntries(packed, offset, 1, '');
    this.#count--;
    return true;
  }

  clear(): void {
    this.#set = null;
    this.#packed = '';
    this.#count = 0;
  }

  values(): IterableIterator<string> {
    const packed = this.#packed;
    return packed === null ? (this.#set as Set<string>).values() : entries(packed);
  }

  keys(): IterableIterator<string> {
    return this.values();
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.values();
  }

  forEach(visit: (member: string) => void): void {
    for (const member of this.values()) visit(member);
  }

  /** A deep copy (COPY, the snapshot's copy-on-write): a packed set copies one reference. */
  clone(): SetValue {
    const copy = new SetValue();
    copy.hashtable = this.hashtable;
    copy.#packed = this.#packed;
    copy.#count = this.#count;
    copy.#set = this.#set === null ? null : new Set(this.#set);
    return copy;
  }

  /** A set of `members` (a dump's), built in one go; null when a member repeats (corrupt). */
  static fromMembers(members: readonly string[]): SetValue | null {
    const set = new SetValue();
    if (members.length <= PACKED_ENTRIES_MAX && allPackable(members)) {
      const packed = packAll(members);
      // Each member against the ones before it: no allocation, 28 compares for 8 members.
      for (let offset = 0, i = 0; i < members.length; i++) {
        if (entryRepeats(packed, offset, 1)) return null;
        offset = nextEntry(packed, offset);
      }
      set.#packed = packed;
      set.#count = members.length;
      return set;
    }
    const all = new Set(members);
    if (all.size !== members.length) return null;
    set.#set = all;
    set.#packed = null;
    return set;
  }

  #toSet(): void {
    const packed = this.#packed;
    if (packed === null) return;
    this.#set = new Set(unpack(packed)); // copies: no member keeps the packed string alive
    this.#packed = null;
    this.#count = 0;
  }
}
