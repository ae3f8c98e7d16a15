// Bitmap commands over string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP. A bitmap is a
// plain string; bit 0 is the most significant bit of byte 0, as in Redis. Strings are immutable
// here, so SETBIT builds a new string (O(length) per changed bit, where Redis patches in place).
// Redis equivalent: bitops.c (setbitCommand, getbitCommand, bitcountCommand, bitposCommand,
// bitopCommand).

import type { CommandContext } from './context.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import { STRING_BYTES_MAX } from '../limits.js';
import { parseInt64 } from '../util/numbers.js';
import { latin1Slice } from '../util/latin1.js';
import { popcountBytes } from '../util/popcount.js';
import { eqIgnoreCase, int64OrReply } from './args.js';
import { NOT_INTEGER, STRING_TOO_LONG, SYNTAX, WRONGTYPE } from './errors.js';
import type { CommandDef } from './types.js';

export const BIT_OFFSET_ERROR = 'ERR bit offset is not an integer or out of range';

/** Set bits in each byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + (POPCOUNT[i >> 1] as number);

/**
 * A bit offset argument: a non-negative integer whose byte lies under proto-max-bulk-len. With
 * `bits` > 0 the `#N` form is accepted and means N * bits (BITFIELD). Null after replying.
 */
export function bitOffsetOrReply(c: CommandContext, arg: string, bits = 0): number | null {
  const hash = bits > 0 && arg.length > 1 && arg.charCodeAt(0) === 35;
  const parsed = parseInt64(hash ? arg.slice(1) : arg);
  if (parsed === null || typeof parsed === 'bigint' || parsed < 0) {
    c.addReplyError(BIT_OFFSET_ERROR);
    return null;
  }
  const offset = hash ? parsed * bits : parsed;
  if (!Number.isSafeInteger(offset) || Math.floor(offset / 8) >= c.config.num('proto-max-bulk-len')) {
    c.addReplyError(BIT_OFFSET_ERROR);
    return null;
  }
  return offset;
}

/**
 * The string at key for a bit write reaching bit `maxBit`: the current value, zero-padded so
 * the bit's byte exists. Undefined after replying (WRONGTYPE, or a string V8 cannot hold).
 * `grown` tells whether the key is new or longer (Redis then counts a change even when the
 * bits written equal the old ones).
 */
export function stringForBitWriteOrReply(
  c: CommandContext,
  key: string,
  maxBit: number,
): { current: string | undefined; padded: string; grown: boolean } | undefined {
  const current = c.keyspace.lookupWrite(c.db, key);
  if (current !== undefined && typeof current !== 'string') {
    c.addReplyError(WRONGTYPE);
    return undefined;
  }
  const needed = Math.floor(maxBit / 8) + 1;
  if (needed > STRING_BYTES_MAX) {
    c.addReplyError(STRING_TOO_LONG);
    return undefined;
  }
  const base = current ?? '';
  const grown = current === undefined || base.length < needed;
  const padded = base.length < needed ? base + '\0'.repeat(needed - base.length) : base;
  return { current, padded, grown };
}

/**
 * Stores the result of a bit write. Redis patches the object in place: a new key is created
 * even when no bit changed, OBJECT ENCODING says "raw" afterwards, and `changes` (bits or
 * fields that changed, plus one for a created or grown string) is what counts as dirty.
 */
export function storeBitString(
  c: CommandContext,
  key: string,
  state: { current: string | undefined; next: string },
  changes: number,
): void {
  const ks = c.keyspace;
  const { current, next } = state;
  if (current === undefined) ks.add(c.db, key, next);
  else if (next !== current) ks.setKey(c.db, key, next, true);
  if (current === undefined || next !== current) ks.dirty += changes - 1; // add/setKey counted 1
  c.services.stringEncodings.mark(c.db, key, next, 'raw');
  if (changes > 0) notifyKeyspaceEvent(c, NOTIFY.string, 'setbit', key);
}

/** Replaces byte `index` of `s` (which has it). */
export function withByte(s: string, index: number, byte: number): string {
  return s.slice(0, index) + String.fromCharCode(byte) + s.slice(index + 1);
}

function setbitCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const offset = bitOffsetOrReply(c, argv[2] as string);
  if (offset === null) return;
  const on = argv[3] === '1' ? 1 : argv[3] === '0' ? 0 : -1;
  if (on < 0) {
    c.addReplyError('ERR bit is not an integer or out of range');
    return;
  }
  const state = stringForBitWriteOrReply(c, key, offset);
  if (state === undefined) return;
  const byteIndex = offset >>> 3;
  const mask = 0x80 >>> (offset & 7);
  const byte = state.padded.charCodeAt(byteIndex);
  const old = (byte & mask) !== 0 ? 1 : 0;
  const changed = old !== on;
  const next = changed ? withByte(state.padded, byteIndex, on === 1 ? byte | mask : byte & ~mask) : state.padded;
  storeBitString(c, key, { current: state.current, next }, changed || state.grown ? 1 : 0);
  c.addReplyLongLong(old);
}

function getbitCommand(c: CommandContext, argv: string[]): void {
  const offset = bitOffsetOrReply(c, argv[2] as string);
  if (offset === null) return;
  const value = c.keyspace.lookupRead(c.db, argv[1] as string);
  if (value !== undefined && typeof value !== 'string') {
    c.addReplyError(WRONGTYPE);
    return;
  }
  const byteIndex = offset >>> 3;
  if (value === undefined || byteIndex >= value.length) {
    c.addReplyLongLong(0);
    return;
  }
  c.addReplyLongLong((value.charCodeAt(byteIndex) & (0x80 >>> (offset & 7))) !== 0 ? 1 : 0);
}

/** Set bits of `s` in the bit range [first, last] (both inclusive, within the string). */
function countBits(s: string, first: number, last: number): number {
  const firstByte = Math.floor(first / 8);
  const lastByte = Math.floor(last / 8);
  let count = popcountBytes(s, firstByte, lastByte + 1);
  // Subtract the bits of the edge bytes that lie outside the range.
  const headMask = (0xff00 >>> (first & 7)) & 0xff; // bits before `first` in its byte
  const tailMask = 0xff >>> ((last & 7) + 1); // bits after `last` in its byte
  count -= POPCOUNT[s.charCodeAt(firstByte) & headMask] as number;
  count -= POPCOUNT[s.charCodeAt(lastByte) & tailMask] as number;
  return count;
}

interface BitRange {
  /** First and last bit, inclusive; first > last means empty. */
  first: number;
  last: number;
}

/**
 * Normalises a start/end pair as Redis does: negative indexes count from the end, then both
 * are clamped into the string. `isBit` counts in bits, else in bytes (converted to bits).
 */
function normaliseRange(length: number, start: number, end: number, isBit: boolean): BitRange {
  const total = isBit ? length * 8 : length;
  let s = start < 0 ? total + start : start;
  let e = end < 0 ? total + end : end;
  if (s < 0) s = 0;
  if (e < 0) e = 0;
  if (e >= total) e = total - 1;
  if (isBit) return { first: s, last: e };
  return s > e ? { first: 1, last: 0 } : { first: s * 8, last: e * 8 + 7 };
}

/** BYTE or BIT as the optional unit argument; null after replying a syntax error. */
function unitOrReply(c: CommandContext, arg: string | undefined): boolean | null {
  if (arg === undefined || eqIgnoreCase(arg, 'BYTE')) return false;
  if (eqIgnoreCase(arg, 'BIT')) return true;
  c.addReplyError(SYNTAX);
  return null;
}

/** A start/end index as a number (bigint extremes clamp, keeping Redis's range semantics). */
function indexOrReply(c: CommandContext, arg: string): number | null {
  const v = int64OrReply(c, arg, NOT_INTEGER);
  if (v === null) return null;
  if (typeof v === 'bigint') return v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  return v;
}

function bitcountCommand(c: CommandContext, argv: string[]): void {
  const value = c.keyspace.lookupRead(c.db, argv[1] as string);
  if (value === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  if (typeof value !== 'string') {
    c.addReplyError(WRONGTYPE);
    return;
  }
  let range: BitRange;
  if (argv.length === 4 || argv.length === 5) {
    const start = indexOrReply(c, argv[2] as string);
    if (start === null) return;
    const end = indexOrReply(c, argv[3] as string);
    if (end === null) return;
    const isBit = unitOrReply(c, argv[4]);
    if (isBit === null) return;
    if (start < 0 && end < 0 && start > end) {
      c.addReplyLongLong(0);
      return;
    }
    range = normaliseRange(value.length, start, end, isBit);
  } else if (argv.length === 2) {
    range = { first: 0, last: value.length * 8 - 1 };
  } else {
    c.addReplyError(SYNTAX);
    return;
  }
  c.addReplyLongLong(range.first > range.last ? 0 : countBits(value, range.first, range.last));
}

/** The first bit equal to `bit` in [first, last], or -1. */
function findBit(s: string, bit: number, first: number, last: number): number {
  const skip = bit === 1 ? 0x00 : 0xff; // a byte with no bit we look for
  let i = first;
  while (i <= last) {
    if ((i & 7) === 0 && i + 7 <= last && s.charCodeAt(i >>> 3) === skip) {
      i += 8;
      continue;
    }
    const set = (s.charCodeAt(i >>> 3) & (0x80 >>> (i & 7))) !== 0;
    if (set === (bit === 1)) return i;
    i++;
  }
  return -1;
}

function bitposCommand(c: CommandContext, argv: string[]): void {
  const bitArg = int64OrReply(c, argv[2] as string);
  if (bitArg === null) return;
  if (bitArg !== 0 && bitArg !== 1) {
    c.addReplyError('ERR The bit argument must be 1 or 0.');
    return;
  }
  const bit = bitArg;
  const value = c.keyspace.lookupRead(c.db, argv[1] as string);
  if (value === undefined) {
    c.addReplyLongLong(bit === 1 ? -1 : 0);
    return;
  }
  if (typeof value !== 'string') {
    c.addReplyError(WRONGTYPE);
    return;
  }
  let range: BitRange = { first: 0, last: value.length * 8 - 1 };
  const endGiven = argv.length >= 5;
  if (argv.length >= 4 && argv.length <= 6) {
    const start = indexOrReply(c, argv[3] as string);
    if (start === null) return;
    const isBit = unitOrReply(c, argv[5]);
    if (isBit === null) return;
    let end = isBit ? value.length * 8 - 1 : value.length - 1;
    if (endGiven) {
      const e = indexOrReply(c, argv[4] as string);
      if (e === null) return;
      end = e;
    }
    range = normaliseRange(value.length, start, end, isBit);
  } else if (argv.length !== 3) {
    c.addReplyError(SYNTAX);
    return;
  }
  if (range.first > range.last) {
    c.addReplyLongLong(-1);
    return;
  }
  const pos = findBit(value, bit, range.first, range.last);
  // Looking for a clear bit without an explicit end, the string continues with zeros.
  if (pos === -1 && bit === 0 && !endGiven) c.addReplyLongLong(range.last + 1);
  else c.addReplyLongLong(pos);
}

const BITOP_NAMES = ['AND', 'OR', 'XOR', 'NOT'] as const;
type BitopName = (typeof BITOP_NAMES)[number];

function bitopCommand(c: CommandContext, argv: string[]): void {
  const op = BITOP_NAMES.find((name) => eqIgnoreCase(argv[1] as string, name));
  if (op === undefined) {
    c.addReplyError(SYNTAX);
    return;
  }
  const sourceKeys = argv.slice(3);
  if (op === 'NOT' && sourceKeys.length !== 1) {
    c.addReplyError('ERR BITOP NOT must be called with a single source key.');
    return;
  }
  const ks = c.keyspace;
  const sources: string[] = [];
  for (const key of sourceKeys) {
    const value = ks.lookupRead(c.db, key);
    if (value !== undefined && typeof value !== 'string') {
      c.addReplyError(WRONGTYPE);
      return;
    }
    sources.push(value ?? '');
  }
  const result = bitopResult(op, sources);
  const dest = argv[2] as string;
  if (result.length === 0) {
    if (ks.delete(c.db, dest)) notifyKeyspaceEvent(c, NOTIFY.generic, 'del', dest);
    else ks.dirty++;
  } else {
    ks.setKey(c.db, dest, result);
    // BITOP stores a fresh object that Redis never re-encodes: "raw" even when short.
    c.services.stringEncodings.mark(c.db, dest, result, 'raw');
    notifyKeyspaceEvent(c, NOTIFY.string, 'set', dest);
  }
  c.addReplyLongLong(result.length);
}

/** The bytes of BITOP `op` over `sources`; shorter sources count as zero-padded. */
function bitopResult(op: BitopName, sources: string[]): string {
  let length = 0;
  for (const s of sources) if (s.length > length) length = s.length;
  if (length === 0) return '';
  const out = Buffer.alloc(length);
  const first = Buffer.from(sources[0] as string, 'latin1');
  first.copy(out);
  if (op === 'NOT') {
    for (let i = 0; i < length; i++) out[i] = ~(out[i] as number) & 0xff;
    return latin1Slice(out, 0, length);
  }
  for (let k = 1; k < sources.length; k++) {
    const src = Buffer.from(sources[k] as string, 'latin1');
    for (let i = 0; i < length; i++) {
      const a = out[i] as number;
      const b = i < src.length ? (src[i] as number) : 0;
      out[i] = op === 'AND' ? a & b : op === 'OR' ? a | b : a ^ b;
    }
  }
  return latin1Slice(out, 0, length);
}

export const bitmapCommands: CommandDef[] = [
  { name: 'setbit', handler: setbitCommand },
  { name: 'getbit', handler: getbitCommand },
  { name: 'bitcount', handler: bitcountCommand },
  { name: 'bitpos', handler: bitposCommand },
  { name: 'bitop', handler: bitopCommand },
];
