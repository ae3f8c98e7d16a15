// In-memory list value. Redis equivalent: quicklist.c (a list of listpacks).
//
// Two representations behind one API. While a list holds at most PACKED_ENTRIES_MAX elements of
// at most PACKED_ENTRY_BYTES_MAX bytes, its elements are packed entries in one string
// (store/value/packed.ts): one object for a small list instead of an array and a string per
// element; every operation is O(n) with n <= 128, as on a listpack. Past either limit it is a
// growable ring buffer (deque): O(1) push/pop at both ends, O(1) index, O(n) insert/remove in
// the middle, as in Redis. A deque is packed again only when replaced whole (LTRIM, LREM...) or
// when it shrinks to a quarter of its capacity (under 64 elements), so a queue hovering at the
// limit does not flip back and forth.

import { assert } from '../../assert.js';
import {
  PACKED_ENTRIES_MAX, PACKED_ENTRY_BYTES_MAX, allPackable, entries, entryAt, entryCopyAt, nextEntry, offsetOfIndex,
  packAll, packEntry, spliceEntries, unpack,
} from './packed.js';

const INITIAL_CAPACITY = 8;
/** The deque array of every packed list: never written (150k small lists, 150k arrays less). */
const NO_ITEMS: (string | undefined)[] = [];
Object.freeze(NO_ITEMS);

export class ListValue implements Iterable<string> {
  /** The elements while packed; null while the deque holds them. */
  #packed: string | null = '';
  #items: (string | undefined)[] = NO_ITEMS;
  #head = 0; // index of the first element in #items
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Element at logical index 0..length-1, or undefined when out of range. */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    const packed = this.#packed;
    if (packed !== null) return entryAt(packed, offsetOfIndex(packed, index));
    return this.#items[(this.#head + index) & (this.#items.length - 1)];
  }

  set(index: number, value: string): void {
    assert(index >= 0 && index < this.#length, 'list set out of range');
    const packed = this.#packed;
    if (packed !== null) {
      if (value.length <= PACKED_ENTRY_BYTES_MAX) {
        this.#packed = spliceEntries(packed, offsetOfIndex(packed, index), 1, packEntry(value));
        return;
      }
      this.#toDeque();
    }
    this.#items[(this.#head + index) & (this.#items.length - 1)] = value;
  }

  pushBack(value: string): void {
    const packed = this.#packed;
    if (packed !== null) {
      if (this.#fitsPacked(value)) {
        this.#packed = packed + packEntry(value);
        this.#length++;
        return;
      }
      this.#toDeque();
    }
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = value;
    this.#length++;
  }

  pushFront(value: string): void {
    const packed = this.#packed;
    if (packed !== null) {
      if (this.#fitsPacked(value)) {
        this.#packed = packEntry(value) + packed;
        this.#length++;
        return;
      }
      this.#toDeque();
    }
    if (this.#length === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#items.length - 1);
    this.#items[this.#head] = value;
    this.#length++;
  }

  popFront(): string | undefined {
    if (this.#length === 0) return undefined;
    const packed = this.#packed;
    if (packed !== null) {
      // A copy: a popped element often moves on into another list (LMOVE, RPOPLPUSH).
      const value = entryCopyAt(packed, 0);
      this.#packed = packed.slice(nextEntry(packed, 0));
      this.#length--;
      return value;
    }
    const value = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#length--;
    this.#maybeShrink();
    return value;
  }

  popBack(): string | undefined {
    if (this.#length === 0) return undefined;
    const packed = this.#packed;
    if (packed !== null) {
      const offset = offsetOfIndex(packed, this.#length - 1);
      const value = entryCopyAt(packed, offset);
      this.#packed = packed.slice(0, offset);
      this.#length--;
      return value;
    }
    const slot = (this.#head + this.#length - 1) & (this.#items.length - 1);
    const value = this.#items[slot];
    this.#items[slot] = undefined;
    this.#length--;
    this.#maybeShrink();
    return value;
  }

  /** Elements from start to stop inclusive (already clamped by the caller). */
  range(start: number, stop: number): string[] {
    const out: string[] = [];
    const packed = this.#packed;
    if (packed !== null) {
      let offset = offsetOfIndex(packed, start);
      for (let i = start; i <= stop && i < this.#length; i++) {
        out.push(entryAt(packed, offset));
        offset = nextEntry(packed, offset);
      }
      return out;
    }
    for (let i = start; i <= stop && i < this.#length; i++) out.push(this.at(i) as string);
    return out;
  }

  /** Inserts at logical index (0..length). O(n). */
  insertAt(index: number, value: string): void {
    assert(index >= 0 && index <= this.#length, 'list insert out of range');
    if (index === 0) return this.pushFront(value);
    if (index === this.#length) return this.pushBack(value);
    const packed = this.#packed;
    if (packed !== null && this.#fitsPacked(value)) {
      this.#packed = spliceEntries(packed, offsetOfIndex(packed, index), 0, packEntry(value));
      this.#length++;
      return;
    }
    const items = this.toArray();
    items.splice(index, 0, value);
    this.#replace(items);
  }

  /** Removes the element at logical index. O(n). */
  removeAt(index: number): void {
    assert(index >= 0 && index < this.#length, 'list remove out of range');
    if (index === 0) {
      this.popFront();
      return;
    }
    if (index === this.#length - 1) {
      this.popBack();
      return;
    }
    const packed = this.#packed;
    if (packed !== null) {
      this.#packed = spliceEntries(packed, offsetOfIndex(packed, index), 1, '');
      this.#length--;
      return;
    }
    const items = this.toArray();
    items.splice(index, 1);
    this.#replace(items);
  }

  /** The logical index of the first (last: `fromEnd`) element equal to `value`, or -1. */
  indexOf(value: string, fromEnd = false): number {
    const packed = this.#packed;
    if (packed === null) {
      for (let step = 0; step < this.#length; step++) {
        const index = fromEnd ? this.#length - 1 - step : step;
        if (this.at(index) === value) return index;
      }
      return -1;
    }
    // packed: compares in place, allocates nothing
    let found = -1;
    let index = 0;
    for (let offset = 0; offset < packed.length; offset = nextEntry(packed, offset), index++) {
      if (packed.charCodeAt(offset) === value.length && packed.startsWith(value, offset + 1)) {
        if (!fromEnd) return index;
        found = index;
      }
    }
    return found;
  }

  /** Replaces the whole content (used by LTRIM, LREM and friends). */
  replaceAll(items: string[]): void {
    this.#replace(items);
  }

  toArray(): string[] {
    const packed = this.#packed;
    return packed !== null ? unpack(packed) : this.range(0, this.#length - 1);
  }

  [Symbol.iterator](): Iterator<string> {
    const packed = this.#packed;
    return packed !== null ? entries(packed) : this.#dequeValues();
  }

  *#dequeValues(): Generator<string, void, undefined> {
    for (let i = 0; i < this.#length; i++) yield this.at(i) as string;
  }

  /** A deep copy (COPY, the snapshot's copy-on-write): a packed list copies one reference. */
  clone(): ListValue {
    const copy = new ListValue();
    if (this.#packed !== null) {
      copy.#packed = this.#packed;
      copy.#length = this.#length;
    } else {
      copy.#replace(this.toArray());
    }
    return copy;
  }

  static from(items: Iterable<string>): ListValue {
    const list = new ListValue();
    list.#replace(Array.isArray(items) ? items as string[] : Array.from(items));
    return list;
  }

  /** A list of `count` elements already packed (a dump's listpack). */
  static fromPacked(packed: string, count: number): ListValue {
    assert(count <= PACKED_ENTRIES_MAX, 'packed list within the limit');
    const list = new ListValue();
    list.#packed = packed;
    list.#length = count;
    return list;
  }

  #fitsPacked(value: string): boolean {
    return value.length <= PACKED_ENTRY_BYTES_MAX && this.#length < PACKED_ENTRIES_MAX;
  }

  #replace(items: string[]): void {
    if (items.length <= PACKED_ENTRIES_MAX && allPackable(items)) {
      this.#packed = packAll(items);
      this.#items = NO_ITEMS;
      this.#head = 0;
      this.#length = items.length;
      return;
    }
    this.#packed = null;
    let capacity = INITIAL_CAPACITY;
    while (capacity < items.length) capacity *= 2;
    const next = new Array<string | undefined>(capacity);
    for (let i = 0; i < items.length; i++) next[i] = items[i];
    this.#items = next;
    this.#head = 0;
    this.#length = items.length;
  }

  #toDeque(): void {
    const packed = this.#packed;
    if (packed === null) return;
    const items = unpack(packed);
    let capacity = INITIAL_CAPACITY;
    while (capacity <= items.length) capacity *= 2;
    const next = new Array<string | undefined>(capacity);
    for (let i = 0; i < items.length; i++) next[i] = items[i];
    this.#items = next;
    this.#head = 0;
    this.#packed = null;
  }

  #grow(): void {
    const old = this.#items;
    const next = new Array<string | undefined>(old.length * 2);
    for (let i = 0; i < this.#length; i++) next[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = next;
    this.#head = 0;
  }

  #maybeShrink(): void {
    // Shrink at a quarter full so a list that was once huge does not pin its memory.
    if (this.#items.length > 64 && this.#length < this.#items.length / 4) {
      this.#replace(this.toArray());
    }
  }
}
