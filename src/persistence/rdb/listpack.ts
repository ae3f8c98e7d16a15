// Listpack: Redis 7.0's compact container for small hashes and sorted sets and for the nodes of
// quicklist-2 lists. This file reads and writes the serialized form; it knows nothing about what
// the entries mean (field/value pairs, member/score pairs, list elements).
// Redis equivalent: listpack.c (written from the published listpack specification).
//
//   <total-bytes u32le> <count u16le> <entry> ... <entry> <0xFF>
//
// count is 65535 when the listpack holds 65535 or more entries (then it must be counted).
// Each entry is <encoding+data> <backlen>, where backlen is the size of <encoding+data> in 1..5
// bytes, 7 bits per byte, most significant group first; every byte but the first has bit 7 set
// so the entry can be found walking backwards. Encodings (first byte):
//
//   0xxxxxxx                       7-bit unsigned integer 0..127
//   10xxxxxx <data>                string of up to 63 bytes
//   110xxxxx yyyyyyyy              13-bit signed integer, big-endian bits
//   1110xxxx yyyyyyyy <data>       string of up to 4095 bytes (12-bit length, big-endian bits)
//   11110000 <u32le len> <data>    string of up to 2^32-1 bytes
//   11110001 <2 bytes le>          16-bit signed integer
//   11110010 <3 bytes le>          24-bit signed integer
//   11110011 <4 bytes le>          32-bit signed integer
//   11110100 <8 bytes le>          64-bit signed integer
//   11111111                       end of listpack

import { assert } from '../../assert.js';
import { RdbError } from './errors.js';
import { parseCanonicalInt64 } from './integer-string.js';
import { latin1Slice } from '../../util/latin1.js';
import type { PackedBuilder } from '../../store/value/packed.js';

const HEADER_BYTES = 6;
const COUNT_UNKNOWN = 0xffff;
const END = 0xff;
/** Redis refuses listpacks over 1 GiB (lpSafeToAdd); writers fall back to plain encodings. */
export const LISTPACK_MAX_SAFE_BYTES = 1 << 30;

/**
 * Reads a listpack blob and returns its entries as latin1 strings (integers in decimal).
 * `baseOffset` is the file offset of blob[0]; errors carry baseOffset + position.
 * Validates the header, every entry's encoding, length and backlen, the count and the terminator.
 */
export function listpackEntries(blob: Buffer, baseOffset: number): string[] {
  const entries: string[] = [];
  walkListpack(blob, baseOffset, () => {
    entries.push(entryIsInteger ? integerText() : latin1Slice(blob, entryDataStart, entryDataStart + entryDataLength));
  });
  return entries;
}

/**
 * The entries of a listpack blob as one packed string (store/value/packed.ts), built without a
 * string per entry, or null when an entry is too long to pack (the caller then takes
 * listpackEntries). The entry count is in `builder.count`. Validates as listpackEntries does.
 */
export function listpackPacked(blob: Buffer, baseOffset: number, builder: PackedBuilder): string | null {
  builder.reset();
  let packable = true;
  walkListpack(blob, baseOffset, () => {
    if (!packable) return;
    if (entryIsInteger) packable = builder.addText(integerText());
    else packable = builder.addBytes(blob, entryDataStart, entryDataLength);
  });
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the visits above may have cleared it (TS does not see writes from closures)
  return packable ? builder.finish() : null;
}

/** Walks and validates a listpack, calling `visit` with each entry decoded into the entry* state. */
function walkListpack(blob: Buffer, baseOffset: number, visit: () => void): void {
  if (blob.length < HEADER_BYTES + 1) {
    throw corrupt('blob shorter than a listpack header', 0, baseOffset);
  }
  const totalBytes = blob.readUInt32LE(0);
  if (totalBytes !== blob.length) {
    throw corrupt(`header says ${totalBytes} bytes but the blob holds ${blob.length}`, 0,
      baseOffset);
  }
  const declaredCount = blob.readUInt16LE(4);
  let count = 0;
  const end = blob.length - 1;
  let p = HEADER_BYTES;
  while (p < end) {
    const entryStart = p;
    if (blob[p] === END) throw corrupt('terminator before the end of the blob', p, baseOffset);
    decodeEntry(blob, p, end, baseOffset);
    visit();
    count++;
    const size = entrySize;
    p += size;
    const backlenBytes = backlenSize(size);
    if (p + backlenBytes > end) {
      throw corrupt('entry backlen past end of listpack', entryStart, baseOffset);
    }
    if (decodeBacklen(blob, p + backlenBytes - 1, p) !== size) {
      throw corrupt('entry backlen does not match entry size', p, baseOffset);
    }
    p += backlenBytes;
  }
  if (p !== end || blob[end] !== END) throw corrupt('missing terminator', end, baseOffset);
  if (declaredCount !== COUNT_UNKNOWN && declaredCount !== count) {
    throw corrupt(`header count ${declaredCount} but ${count} entries`, 4, baseOffset);
  }
}

function corrupt(what: string, at: number, baseOffset: number): RdbError {
  return new RdbError('VESTA_ERR_RDB_CORRUPT',
    `Corrupt listpack: ${what} at offset ${baseOffset + at}`, baseOffset + at);
}

// The entry decodeEntry decoded last: results without an object per entry (the decoder is
// synchronous, so nothing can run in between). A string entry is entryDataLength bytes at
// entryDataStart; an integer entry is entryInteger (a bigint only for the 64-bit encoding).
let entrySize = 0;
let entryIsInteger = false;
let entryInteger: number | bigint = 0;
let entryDataStart = 0;
let entryDataLength = 0;

function integerText(): string {
  return typeof entryInteger === 'bigint' ? entryInteger.toString() : String(entryInteger);
}

/** Decodes the encoding and data of the entry at `p`; `end` is the terminator's index. */
function decodeEntry(blob: Buffer, p: number, end: number, baseOffset: number): void {
  const first = blob[p] as number;
  if (first < 0x80) {
    integerEntry(1, first);
    return;
  }
  if ((first & 0xc0) === 0x80) {
    stringEntry(p, 1, first & 0x3f, end, baseOffset);
    return;
  }
  if ((first & 0xe0) === 0xc0) {
    needEntry(p, 2, end, baseOffset);
    const raw = ((first & 0x1f) << 8) | (blob[p + 1] as number);
    integerEntry(2, raw >= 4096 ? raw - 8192 : raw);
    return;
  }
  if ((first & 0xf0) === 0xe0) {
    needEntry(p, 2, end, baseOffset);
    stringEntry(p, 2, ((first & 0x0f) << 8) | (blob[p + 1] as number), end, baseOffset);
    return;
  }
  switch (first) {
    case 0xf0:
      needEntry(p, 5, end, baseOffset);
      stringEntry(p, 5, blob.readUInt32LE(p + 1), end, baseOffset);
      return;
    case 0xf1:
      needEntry(p, 3, end, baseOffset);
      integerEntry(3, blob.readInt16LE(p + 1));
      return;
    case 0xf2:
      needEntry(p, 4, end, baseOffset);
      integerEntry(4, blob.readIntLE(p + 1, 3));
      return;
    case 0xf3:
      needEntry(p, 5, end, baseOffset);
      integerEntry(5, blob.readInt32LE(p + 1));
      return;
    case 0xf4:
      needEntry(p, 9, end, baseOffset);
      integerEntry(9, blob.readBigInt64LE(p + 1));
      return;
    default:
      throw corrupt(`invalid entry encoding 0x${first.toString(16)}`, p, baseOffset);
  }
}

function integerEntry(size: number, value: number | bigint): void {
  entrySize = size;
  entryIsInteger = true;
  entryInteger = value;
}

/** A string entry at `p`: `headerBytes` of encoding, then `length` bytes of data. */
// eslint-disable-next-line max-params -- once per listpack entry of a load: an object per entry would cost what the entry* state avoids
function stringEntry(p: number, headerBytes: number, length: number, end: number, baseOffset: number): void {
  needEntry(p, headerBytes + length, end, baseOffset);
  entrySize = headerBytes + length;
  entryIsInteger = false;
  entryDataStart = p + headerBytes;
  entryDataLength = length;
}

function needEntry(p: number, bytes: number, end: number, baseOffset: number): void {
  if (p + bytes > end) throw corrupt('entry past end of listpack', p, baseOffset);
}

function backlenSize(entrySize: number): number {
  if (entrySize <= 127) return 1;
  if (entrySize < 16383) return 2;
  if (entrySize < 2097151) return 3;
  if (entrySize < 268435455) return 4;
  return 5;
}

/** Decodes a backlen whose last byte is at `last`, reading no lower than `lowest`. */
function decodeBacklen(blob: Buffer, last: number, lowest: number): number {
  let value = 0;
  let multiplier = 1;
  for (let p = last; p >= lowest; p--) {
    const byte = blob[p] as number;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) break;
    multiplier *= 128;
  }
  return value;
}

/**
 * Builds one listpack at a time in a reusable buffer. Strings that are canonical 64-bit integers
 * are stored as integers, as Redis's lpAppend does, so the bytes match what Redis would write.
 */
export class ListpackWriter {
  #buf: Buffer = Buffer.allocUnsafe(256);
  #pos = HEADER_BYTES;
  #count = 0;

  reset(): void {
    this.#pos = HEADER_BYTES;
    this.#count = 0;
  }

  get count(): number {
    return this.#count;
  }

  /** Size of the finished listpack so far, terminator included. */
  get byteLength(): number {
    return this.#pos + 1;
  }

  /** Appends a string entry (integer-encoded when it is a canonical int64). */
  append(value: string): void {
    const asInteger = value.length <= 20 ? parseCanonicalInt64(value) : null;
    if (asInteger !== null) this.appendInteger(asInteger);
    else this.#appendString(value);
  }

  /** Appends an integer entry in the smallest encoding. */
  appendInteger(value: number | bigint): void {
    this.#reserve(9 + 1);
    const buf = this.#buf;
    const start = this.#pos;
    let p = start;
    if (typeof value === 'bigint') {
      buf[p] = 0xf4;
      buf.writeBigInt64LE(value, p + 1);
      p += 9;
    } else if (value >= 0 && value <= 127) {
      buf[p++] = value;
    } else if (value >= -4096 && value <= 4095) {
      const raw = value & 0x1fff;
      buf[p++] = 0xc0 | (raw >>> 8);
      buf[p++] = raw & 0xff;
    } else if (value >= -32768 && value <= 32767) {
      buf[p] = 0xf1;
      buf.writeInt16LE(value, p + 1);
      p += 3;
    } else if (value >= -8388608 && value <= 8388607) {
      buf[p] = 0xf2;
      buf.writeIntLE(value, p + 1, 3);
      p += 4;
    } else if (value >= -2147483648 && value <= 2147483647) {
      buf[p] = 0xf3;
      buf.writeInt32LE(value, p + 1);
      p += 5;
    } else {
      assert(Number.isSafeInteger(value), 'listpack integer not safe');
      buf[p] = 0xf4;
      buf.writeBigInt64LE(BigInt(value), p + 1);
      p += 9;
    }
    this.#pos = this.#writeBacklen(p, p - start);
    this.#count++;
  }

  #appendString(value: string): void {
    const length = value.length;
    this.#reserve(5 + length + 5);
    const buf = this.#buf;
    const start = this.#pos;
    let p = start;
    if (length < 64) {
      buf[p++] = 0x80 | length;
    } else if (length < 4096) {
      buf[p++] = 0xe0 | (length >>> 8);
      buf[p++] = length & 0xff;
    } else {
      buf[p] = 0xf0;
      buf.writeUInt32LE(length, p + 1);
      p += 5;
    }
    p += buf.write(value, p, length, 'latin1');
    this.#pos = this.#writeBacklen(p, p - start);
    this.#count++;
  }

  #writeBacklen(p: number, entrySize: number): number {
    const buf = this.#buf;
    const bytes = backlenSize(entrySize);
    // Most significant 7-bit group first; all but the first byte carry the continuation bit.
    for (let k = bytes - 1; k >= 0; k--) {
      const group = Math.floor(entrySize / 128 ** k) & 0x7f;
      buf[p++] = k === bytes - 1 ? group : group | 0x80;
    }
    return p;
  }

  #reserve(bytes: number): void {
    const needed = this.#pos + bytes + 1;
    if (needed <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  /**
   * Writes the header and terminator and returns the listpack. The returned Buffer is a view of
   * the writer's memory, valid until the next reset() or append.
   */
  finish(): Buffer {
    const buf = this.#buf;
    buf[this.#pos] = END;
    const total = this.#pos + 1;
    assert(total <= 0xffffffff, 'listpack too large');
    buf.writeUInt32LE(total, 0);
    buf.writeUInt16LE(this.#count >= COUNT_UNKNOWN ? COUNT_UNKNOWN : this.#count, 4);
    return buf.subarray(0, total);
  }
}
