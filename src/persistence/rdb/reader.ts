// Bounded byte reader for the RDB decoder: every read checks the bytes remaining first, and every
// failure is an RdbError carrying the file offset. It reads a dump held in memory, or a window of
// one: either the window is all there is so far (a replica's payload: an item cut off by its end
// is an EOF error, decoded again later), or an RdbSource refills it in place (a dump file).
// Redis equivalent: rio.h read side plus rdbLoadLen / rdbGenericLoadStringObject (rdb.c).

import { corruptError, eofError, RdbError } from './errors.js';
import { lzfDecompress } from './lzf.js';
import { latin1Slice } from '../../util/latin1.js';
import {
  MAX_STRING_BYTES, RDB_32BITLEN, RDB_64BITLEN, RDB_DOUBLE_NAN, RDB_DOUBLE_NEG_INF,
  RDB_DOUBLE_POS_INF, RDB_ENC_INT16, RDB_ENC_INT32, RDB_ENC_INT8, RDB_ENC_LZF,
} from './constants.js';

/**
 * Where a reader of a window gets the dump's next bytes (a file read a window at a time):
 * refill() returns a window that starts at dump offset `keepFrom` and holds at least
 * `minBytes`, or null when the dump has fewer bytes left. The bytes before `keepFrom` may be
 * gone afterwards, so views the reader handed out (bytes(), blob()) are invalid after any read.
 */
export interface RdbSource {
  /** The dump's size. */
  readonly size: number;
  refill(keepFrom: number, minBytes: number): Buffer | null;
}

export class RdbReader {
  #data: Buffer;
  #end: number;
  #pos: number;
  /** The dump offset of data[0] (a window of a longer dump: see RdbDecoder#resumeAt). */
  #base: number;
  readonly #source: RdbSource | null;

  /** Reads data[start, end); offsets reported are positions in `data` plus `base`. */
  // eslint-disable-next-line max-params -- a window: bytes, range, its dump offset, where more comes from
  constructor(data: Buffer, start = 0, end = data.length, base = 0, source: RdbSource | null = null) {
    this.#data = data;
    this.#pos = start;
    this.#end = end;
    this.#base = base;
    this.#source = source;
  }

  /** The dump offset of the next byte. */
  get offset(): number {
    return this.#base + this.#pos;
  }

  /** The dump's size (the window's end without a source). */
  get #totalEnd(): number {
    return this.#source === null ? this.#base + this.#end : this.#source.size;
  }

  get remaining(): number {
    return this.#totalEnd - this.offset;
  }

  /** Throws the EOF error unless `bytes` more bytes are available (refilling the window from the source). */
  need(bytes: number): void {
    if (bytes <= this.#end - this.#pos) return;
    const source = this.#source;
    const data = source === null || bytes > this.remaining ? null : source.refill(this.offset, bytes);
    if (data === null) throw eofError(this.#totalEnd);
    this.#base += this.#pos;
    this.#pos = 0;
    this.#data = data;
    this.#end = data.length;
    if (bytes > this.#end) throw eofError(this.#totalEnd);
  }

  u8(): number {
    this.need(1);
    return this.#data[this.#pos++] as number;
  }

  /** A view of the next `bytes` bytes (no copy). */
  bytes(bytes: number): Buffer {
    this.need(bytes);
    const view = this.#data.subarray(this.#pos, this.#pos + bytes);
    this.#pos += bytes;
    return view;
  }

  skip(bytes: number): void {
    this.need(bytes);
    this.#pos += bytes;
  }

  i32le(): number {
    this.need(4);
    const v = this.#data.readInt32LE(this.#pos);
    this.#pos += 4;
    return v;
  }

  /** Signed 64-bit little-endian integer that must fit a safe JS number. */
  safeI64le(what: string): number {
    this.need(8);
    const at = this.#pos;
    const lo = this.#data.readUInt32LE(at);
    const hi = this.#data.readInt32LE(at + 4);
    this.#pos += 8;
    const value = hi * 0x100000000 + lo;
    if (!Number.isSafeInteger(value)) throw corruptError(`${what} out of range`, this.#base + at);
    return value;
  }

  f64le(): number {
    this.need(8);
    const v = this.#data.readDoubleLE(this.#pos);
    this.#pos += 8;
    return v;
  }

  /**
   * A length prefix or a special-encoding marker. Returns the length, or -1 - encoding for the
   * 11|OBKIND form (so -1 is INT8, -4 is LZF). 64-bit lengths above 2^53 are corrupt for us.
   */
  lengthOrEncoding(): number {
    const at = this.offset;
    const first = this.u8();
    switch (first >>> 6) {
      case 0:
        return first & 0x3f;
      case 1:
        return ((first & 0x3f) << 8) | this.u8();
      case 2: {
        if (first === RDB_32BITLEN) {
          this.need(4);
          const v = this.#data.readUInt32BE(this.#pos);
          this.#pos += 4;
          return v;
        }
        if (first === RDB_64BITLEN) {
          this.need(8);
          const hi = this.#data.readUInt32BE(this.#pos);
          const lo = this.#data.readUInt32BE(this.#pos + 4);
          this.#pos += 8;
          const v = hi * 0x100000000 + lo;
          if (!Number.isSafeInteger(v)) throw corruptError('64-bit length too large', at);
          return v;
        }
        throw corruptError(`unknown length encoding 0x${first.toString(16)}`, at);
      }
      default:
        return -1 - (first & 0x3f);
    }
  }

  /** A plain length (an encoded-string marker here is corruption). */
  length(): number {
    const at = this.offset;
    const v = this.lengthOrEncoding();
    if (v < 0) throw corruptError('encoded value where a length was expected', at);
    return v;
  }

  /** A 64-bit length as bigint (module ids use all 64 bits). */
  lengthBig(): bigint {
    this.need(1);
    if (this.#data[this.#pos] === RDB_64BITLEN) {
      this.need(9);
      const v = this.#data.readBigUInt64BE(this.#pos + 1);
      this.#pos += 9;
      return v;
    }
    return BigInt(this.length());
  }

  /**
   * A collection count, checked against the bytes left: each element takes at least
   * `minBytesEach` bytes, so a larger count cannot be genuine and nothing is sized from it.
   */
  count(minBytesEach: number): number {
    const n = this.length();
    if (n * minBytesEach > this.remaining) {
      throw new RdbError('VESTA_ERR_RDB_EOF', `Unexpected EOF reading RDB file at offset ` +
        `${this.#totalEnd}: count ${n} exceeds the ${this.remaining} bytes left`, this.#totalEnd);
    }
    return n;
  }

  /** An RDB string as a latin1 JS string. */
  string(): string {
    const at = this.offset;
    const n = this.lengthOrEncoding();
    if (n >= 0) {
      if (n > MAX_STRING_BYTES) throw corruptError(`string of ${n} bytes is too large`, at);
      this.need(n);
      const s = latin1Slice(this.#data, this.#pos, this.#pos + n);
      this.#pos += n;
      return s;
    }
    if (n === -1 - RDB_ENC_LZF) {
      const bytes = this.#lzf(at);
      return latin1Slice(bytes, 0, bytes.length);
    }
    return this.#encodedInt(n, at);
  }

  /**
   * An RDB string as bytes, for listpacks and other blobs: a view of the file when stored raw,
   * else of a decompression buffer that the next compressed string overwrites, so the caller
   * must be done with it before reading on.
   */
  blob(): Buffer {
    const at = this.offset;
    const n = this.lengthOrEncoding();
    if (n >= 0) return this.bytes(n);
    if (n === -1 - RDB_ENC_LZF) return this.#lzf(at);
    return Buffer.from(this.#encodedInt(n, at), 'latin1');
  }

  /** Skips an RDB string without decoding it. */
  skipString(): void {
    const at = this.offset;
    const n = this.lengthOrEncoding();
    if (n >= 0) this.skip(n);
    else if (n === -1 - RDB_ENC_LZF) {
      const compressed = this.length();
      this.length();
      this.skip(compressed);
    } else this.#encodedInt(n, at);
  }

  #encodedInt(marker: number, at: number): string {
    switch (-1 - marker) {
      case RDB_ENC_INT8: {
        this.need(1);
        return String(this.#data.readInt8(this.#pos++));
      }
      case RDB_ENC_INT16: {
        this.need(2);
        const v = this.#data.readInt16LE(this.#pos);
        this.#pos += 2;
        return String(v);
      }
      case RDB_ENC_INT32:
        return String(this.i32le());
      default:
        throw corruptError(`unknown string encoding ${-1 - marker}`, at);
    }
  }

  #lzf(at: number): Buffer {
    const compressedLength = this.length();
    const length = this.length();
    this.need(compressedLength);
    if (length === 0) throw corruptError('LZF string with zero length', at);
    if (length > MAX_STRING_BYTES) throw corruptError(`string of ${length} bytes is too large`, at);
    const start = this.#pos;
    this.#pos += compressedLength;
    if (length > this.#lzfScratch.length) {
      this.#lzfScratch = Buffer.allocUnsafe(Math.max(length, this.#lzfScratch.length * 2));
    }
    return lzfDecompress(this.#data, start, start + compressedLength, length, this.#base + start, this.#lzfScratch);
  }

  /** Where compressed strings are expanded (see blob()); grown to the largest one seen. */
  #lzfScratch = Buffer.allocUnsafe(4096);

  /** Old text double (RDB_TYPE_ZSET): a length byte, or 253/254/255 for nan/+inf/-inf. */
  textDouble(): number {
    const at = this.offset;
    const length = this.u8();
    if (length === RDB_DOUBLE_NAN) return NaN;
    if (length === RDB_DOUBLE_POS_INF) return Infinity;
    if (length === RDB_DOUBLE_NEG_INF) return -Infinity;
    const text = this.bytes(length).toString('latin1');
    const value = parseRedisDouble(text);
    if (value === null) throw corruptError('invalid double', at);
    return value;
  }

  /** The whole underlying buffer range [start, end): used for the checksum. */
  span(start: number, end: number): Buffer {
    return this.#data.subarray(start, end);
  }
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a double written by Redis (strtod syntax: decimal, exponent, inf/infinity/nan in any
 * case). Returns null for anything else. JavaScript's Number() is not used on its own because it
 * accepts "", " 1", "0x10" and "Infinity" but not "inf".
 */
export function parseRedisDouble(text: string): number | null {
  if (DECIMAL.test(text)) return Number(text);
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') {
    return Infinity;
  }
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return NaN;
  return null;
}
