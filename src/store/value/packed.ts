// Packed entries: a small collection's elements in ONE latin1 string, each entry a length char
// followed by its bytes. Redis equivalent: listpack.c, in spirit (one allocation for a small
// hash, set or list instead of a node per element).
//
//   "\x03foo\x00\x05hello"  =  ["foo", "", "hello"]
//
// Why: a small hash of 8 fields held as a Map is the Map, its table and 16 strings; packed, it
// is one string. On a 1M-key mixed dataset that is most of the heap's objects, and GC copying
// them was half of a load at start (docs/PERFORMANCE.md). Strings are immutable, so a change
// builds a new string (O(size), like a listpack's memmove), and copy-on-write of a packed value
// for a snapshot copies nothing.
//
// Limits: an entry is at most PACKED_ENTRY_BYTES_MAX bytes (one length char) and a collection
// at most PACKED_ENTRIES_MAX entries; the owners switch to a Map/Set/deque beyond either, which
// is independent of the encoding Redis would report (OBJECT ENCODING, the RDB type).

import { assert } from '../../assert.js';
import { flatCopy, latin1Slice } from '../../util/latin1.js';

/** Longest entry a packed string holds (its length fits one char, 255 is never used). */
export const PACKED_ENTRY_BYTES_MAX = 254;
/** Most entries a packed collection holds; past it scans cost more than a hash lookup. */
export const PACKED_ENTRIES_MAX = 128;

/** One entry's encoding. */
export function packEntry(entry: string): string {
  assert(entry.length <= PACKED_ENTRY_BYTES_MAX, 'packed entry too long');
  return String.fromCharCode(entry.length) + entry;
}

/** Where packAll and PackedBuilder build strings: grown to the largest collection seen. */
let scratch = Buffer.allocUnsafe(4096);

function room(bytes: number): Buffer {
  if (bytes > scratch.length) {
    const next = Buffer.allocUnsafe(Math.max(bytes, scratch.length * 2));
    scratch.copy(next);
    scratch = next;
  }
  return scratch;
}

/**
 * Packs entries one at a time from bytes or text (a dump's listpack, without a string per
 * entry). One builder at a time: it shares packAll's buffer.
 */
export class PackedBuilder {
  #at = 0;
  count = 0;

  reset(): void {
    this.#at = 0;
    this.count = 0;
  }

  /** Adds `length` bytes of `source` from `start`; false when the entry cannot be packed. */
  addBytes(source: Buffer, start: number, length: number): boolean {
    if (length > PACKED_ENTRY_BYTES_MAX || this.count >= PACKED_ENTRIES_MAX) return false;
    const buf = room(this.#at + 1 + length);
    buf[this.#at] = length;
    // Short entries byte by byte: a copy() call into C++ costs more than the loop.
    if (length <= 32) for (let i = 0; i < length; i++) buf[this.#at + 1 + i] = source[start + i] as number;
    else source.copy(buf, this.#at + 1, start, start + length);
    this.#at += 1 + length;
    this.count++;
    return true;
  }

  addText(text: string): boolean {
    const length = text.length;
    if (length > PACKED_ENTRY_BYTES_MAX || this.count >= PACKED_ENTRIES_MAX) return false;
    const buf = room(this.#at + 1 + length);
    buf[this.#at] = length;
    for (let i = 0; i < length; i++) buf[this.#at + 1 + i] = text.charCodeAt(i);
    this.#at += 1 + length;
    this.count++;
    return true;
  }

  finish(): string {
    return latin1Slice(scratch, 0, this.#at);
  }
}

/**
 * The entries of `items` packed, built in a buffer and read out as one flat string: a load
 * that concatenated them instead left a tree of cons strings per collection for the GC to copy.
 */
export function packAll(items: readonly string[]): string {
  let bytes = 0;
  for (const item of items) {
    assert(item.length <= PACKED_ENTRY_BYTES_MAX, 'packed entry too long');
    bytes += 1 + item.length;
  }
  const buf = room(bytes);
  let at = 0;
  for (const item of items) {
    const length = item.length;
    buf[at++] = length;
    for (let i = 0; i < length; i++) buf[at + i] = item.charCodeAt(i);
    at += length;
  }
  return latin1Slice(buf, 0, at);
}

/** The offset of the entry after the one at `offset`. */
export function nextEntry(packed: string, offset: number): number {
  return offset + 1 + packed.charCodeAt(offset);
}

/** The entry at `offset`. */
export function entryAt(packed: string, offset: number): string {
  const length = packed.charCodeAt(offset);
  return packed.substring(offset + 1, offset + 1 + length);
}

/**
 * The entry at `offset` as a string that shares no memory with `packed`. entryAt's substring
 * of 13 or more chars is a V8 slice that keeps the whole packed string alive: fine for a reply,
 * not for an element that moves into a longer-lived collection (LMOVE from a small list into a
 * big one kept one version of the source's packed string per element: 200k moves of 50-byte
 * elements took 1 GB).
 */
export function entryCopyAt(packed: string, offset: number): string {
  return flatCopy(entryAt(packed, offset));
}

/**
 * The offset of the first entry equal to `text` among every `step`-th entry (step 2 visits a
 * hash's fields, not its values) that starts before `end`, or -1.
 */
export function findEntry(packed: string, text: string, step: 1 | 2, end = packed.length): number {
  const length = text.length;
  let offset = 0;
  while (offset < end) {
    if (packed.charCodeAt(offset) === length && packed.startsWith(text, offset + 1)) return offset;
    offset += 1 + packed.charCodeAt(offset);
    if (step === 2) offset += 1 + packed.charCodeAt(offset);
  }
  return -1;
}

/**
 * True when the entry at `offset` equals an earlier one among every `step`-th entry from the
 * start (a dump's duplicate field or member); compares chars, allocates nothing.
 */
export function entryRepeats(packed: string, offset: number, step: 1 | 2): boolean {
  const length = packed.charCodeAt(offset);
  for (let other = 0; other < offset;) {
    if (packed.charCodeAt(other) === length) {
      let i = 1;
      while (i <= length && packed.charCodeAt(other + i) === packed.charCodeAt(offset + i)) i++;
      if (i > length) return true;
    }
    other += 1 + packed.charCodeAt(other);
    if (step === 2) other += 1 + packed.charCodeAt(other);
  }
  return false;
}

/** The offset of entry number `index` (0-based; the string's length for index === count). */
export function offsetOfIndex(packed: string, index: number): number {
  let offset = 0;
  for (let i = 0; i < index; i++) offset += 1 + packed.charCodeAt(offset);
  return offset;
}

/** `packed` with the `count` entries starting at `offset` replaced by `replacement` (packed). */
export function spliceEntries(packed: string, offset: number, count: number, replacement: string): string {
  let end = offset;
  for (let i = 0; i < count; i++) end += 1 + packed.charCodeAt(end);
  return packed.slice(0, offset) + replacement + packed.slice(end);
}

/** Every entry, in order. */
export function* entries(packed: string): Generator<string, void, undefined> {
  let offset = 0;
  while (offset < packed.length) {
    const length = packed.charCodeAt(offset);
    yield packed.substring(offset + 1, offset + 1 + length);
    offset += 1 + length;
  }
}

/** Every entry, in order, into an array, as copies (entryCopyAt): for conversions and stores. */
export function unpack(packed: string): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < packed.length; offset = nextEntry(packed, offset)) {
    out.push(entryCopyAt(packed, offset));
  }
  return out;
}

/** True when every string of `items` may be an entry. */
export function allPackable(items: readonly string[]): boolean {
  for (const item of items) if (item.length > PACKED_ENTRY_BYTES_MAX) return false;
  return true;
}
