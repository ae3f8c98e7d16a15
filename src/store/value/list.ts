// In-memory list value: a growable ring buffer (deque). Redis equivalent: quicklist.c.
// O(1) push/pop at both ends, O(1) index, O(n) insert/remove in the middle (as in Redis).

import { assert } from '../../assert.js';

const INITIAL_CAPACITY = 8;

export class ListValue implements Iterable<string> {
  #items: (string | undefined)[] = new Array<string | undefined>(INITIAL_CAPACITY);
  #head = 0; // index of the first element in #items
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Element at logical index 0..length-1, or undefined when out of range. */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return this.#items[(this.#head + index) & (this.#items.length - 1)];
  }

  set(index: number, value: string): void {
    assert(index >= 0 && index < this.#length, 'list set out of range');
    this.#items[(this.#head + index) & (this.#items.length - 1)] = value;
  }

  pushBack(value: string): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = value;
    this.#length++;
  }

  pushFront(value: string): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#items.length - 1);
    this.#items[this.#head] = value;
    this.#length++;
  }

  popFront(): string | undefined {
    if (this.#length === 0) return undefined;
    const value = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#length--;
    this.#maybeShrink();
    return value;
  }

  popBack(): string | undefined {
    if (this.#length === 0) return undefined;
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
    for (let i = start; i <= stop && i < this.#length; i++) out.push(this.at(i) as string);
    return out;
  }

  /** Inserts at logical index (0..length). O(n). */
  insertAt(index: number, value: string): void {
    assert(index >= 0 && index <= this.#length, 'list insert out of range');
    if (index === 0) return this.pushFront(value);
    if (index === this.#length) return this.pushBack(value);
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
    const items = this.toArray();
    items.splice(index, 1);
    this.#replace(items);
  }

  /** Replaces the whole content (used by LTRIM, LREM and friends). */
  replaceAll(items: string[]): void {
    this.#replace(items);
  }

  toArray(): string[] {
    return this.range(0, this.#length - 1);
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.#length; i++) yield this.at(i) as string;
  }

  clone(): ListValue {
    const copy = new ListValue();
    copy.#replace(this.toArray());
    return copy;
  }

  static from(items: Iterable<string>): ListValue {
    const list = new ListValue();
    for (const item of items) list.pushBack(item);
    return list;
  }

  #replace(items: string[]): void {
    let capacity = INITIAL_CAPACITY;
    while (capacity < items.length) capacity *= 2;
    const next = new Array<string | undefined>(capacity);
    for (let i = 0; i < items.length; i++) next[i] = items[i];
    this.#items = next;
    this.#head = 0;
    this.#length = items.length;
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
