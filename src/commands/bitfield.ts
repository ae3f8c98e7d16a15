// BITFIELD and BITFIELD_RO: signed and unsigned integers of 1-64 bits (u64 excepted) at any
// bit offset of a string, with GET, SET, INCRBY and the OVERFLOW WRAP/SAT/FAIL policies.
// Field arithmetic is done in bigint: exact for every width, and BITFIELD is not a hot path.
// Redis equivalent: bitops.c (bitfieldGeneric, the overflow checks, get/setSignedBitfield).

import type { CommandContext } from './context.js';
import { parseInt64 } from '../util/numbers.js';
import { eqIgnoreCase, int64OrReply } from './args.js';
import { bitOffsetOrReply, storeBitString, stringForBitWriteOrReply } from './bitmap.js';
import { SYNTAX, WRONGTYPE } from './errors.js';
import type { CommandDef } from './types.js';

type Overflow = 'WRAP' | 'SAT' | 'FAIL';

interface FieldOp {
  kind: 'GET' | 'SET' | 'INCRBY';
  signed: boolean;
  bits: number;
  offset: number;
  /** SET's value or INCRBY's increment (0n for GET). */
  value: bigint;
  overflow: Overflow;
}

const TYPE_ERROR =
  'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/** `i<bits>` or `u<bits>`; null after replying. */
function fieldTypeOrReply(c: CommandContext, arg: string): { signed: boolean; bits: number } | null {
  const sign = arg.charCodeAt(0);
  const bits = parseInt64(arg.slice(1));
  const signed = sign === 105; // 'i'
  const valid = (signed || sign === 117) && typeof bits === 'number' && bits >= 1 && bits <= (signed ? 64 : 63);
  if (!valid) {
    c.addReplyError(TYPE_ERROR);
    return null;
  }
  return { signed, bits };
}

/** Parses every operation before any runs, as Redis does; null after replying an error. */
function parseOps(c: CommandContext, argv: string[]): FieldOp[] | null {
  const ops: FieldOp[] = [];
  let overflow: Overflow = 'WRAP';
  for (let j = 2; j < argv.length; j++) {
    const word = argv[j] as string;
    const remaining = argv.length - j - 1;
    let kind: FieldOp['kind'];
    if (eqIgnoreCase(word, 'GET') && remaining >= 2) kind = 'GET';
    else if (eqIgnoreCase(word, 'SET') && remaining >= 3) kind = 'SET';
    else if (eqIgnoreCase(word, 'INCRBY') && remaining >= 3) kind = 'INCRBY';
    else if (eqIgnoreCase(word, 'OVERFLOW') && remaining >= 1) {
      const policy = (argv[++j] as string).toUpperCase();
      if (policy !== 'WRAP' && policy !== 'SAT' && policy !== 'FAIL') {
        c.addReplyError('ERR Invalid OVERFLOW type specified');
        return null;
      }
      overflow = policy;
      continue;
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
    const type = fieldTypeOrReply(c, argv[j + 1] as string);
    if (type === null) return null;
    const offset = bitOffsetOrReply(c, argv[j + 2] as string, type.bits);
    if (offset === null) return null;
    let value = 0n;
    if (kind !== 'GET') {
      const v = int64OrReply(c, argv[j + 3] as string);
      if (v === null) return null;
      value = BigInt(v);
    }
    ops.push({ kind, signed: type.signed, bits: type.bits, offset, value, overflow });
    j += kind === 'GET' ? 2 : 3;
  }
  return ops;
}

/** Reads an unsigned field of `bits` at bit `offset`; bytes past the string read as zero. */
function readField(s: string, offset: number, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i++) {
    const at = offset + i;
    const byte = at >>> 3 < s.length ? s.charCodeAt(at >>> 3) : 0;
    v = (v << 1n) | ((byte & (0x80 >>> (at & 7))) !== 0 ? 1n : 0n);
  }
  return v;
}

/** Writes an unsigned field into `s`, which is long enough; returns the new string. */
function writeField(s: string, offset: number, bits: number, value: bigint): string {
  const firstByte = offset >>> 3;
  const lastByte = (offset + bits - 1) >>> 3;
  const bytes: number[] = [];
  for (let b = firstByte; b <= lastByte; b++) bytes.push(s.charCodeAt(b));
  for (let i = 0; i < bits; i++) {
    const at = offset + i;
    const mask = 0x80 >>> (at & 7);
    const index = (at >>> 3) - firstByte;
    const bit = (value >> BigInt(bits - 1 - i)) & 1n;
    bytes[index] = bit === 1n ? (bytes[index] as number) | mask : (bytes[index] as number) & ~mask;
  }
  return s.slice(0, firstByte) + String.fromCharCode(...bytes) + s.slice(lastByte + 1);
}

const INT64 = (x: bigint): bigint => BigInt.asIntN(64, x);

/**
 * The value a SET or INCRBY stores under the overflow policy, or null when it overflows under
 * FAIL. `value` is the current field (INCRBY) or the value to set (SET, `incr` 0). The checks
 * reproduce Redis's 64-bit C arithmetic, including where its intermediate differences wrap
 * (SET i1 0 -9223372036854775808 with SAT saturates to the maximum there, as in Redis).
 */
function applyOverflow(op: FieldOp, value: bigint, incr: bigint): bigint | null {
  const bits = BigInt(op.bits);
  let direction = 0;
  if (op.signed) {
    const max = op.bits === 64 ? (1n << 63n) - 1n : (1n << (bits - 1n)) - 1n;
    const min = -max - 1n;
    const maxIncr = INT64(max - value);
    const minIncr = INT64(min - value);
    if (value > max || (op.bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) direction = 1;
    else if (value < min || (op.bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) direction = -1;
    if (direction === 0) return value + incr;
    if (op.overflow === 'FAIL') return null;
    if (op.overflow === 'SAT') return direction > 0 ? max : min;
    return BigInt.asIntN(op.bits, value + incr);
  }
  const max = (1n << bits) - 1n;
  const maxIncr = INT64(max - value);
  const minIncr = INT64(-value);
  if (value > max || (incr > 0n && incr > maxIncr)) direction = 1;
  else if (incr < 0n && incr < minIncr) direction = -1;
  if (direction === 0) return value + incr;
  if (op.overflow === 'FAIL') return null;
  if (op.overflow === 'SAT') return direction > 0 ? max : 0n;
  return BigInt.asUintN(op.bits, value + incr);
}

/** Two's complement view of an unsigned field when the type is signed. */
function fieldValue(op: FieldOp, raw: bigint): bigint {
  return op.signed ? BigInt.asIntN(op.bits, raw) : raw;
}

function bitfieldGeneric(c: CommandContext, argv: string[], readOnlyCommand: boolean): void {
  const ops = parseOps(c, argv);
  if (ops === null) return;
  const key = argv[1] as string;
  const writes = ops.filter((op) => op.kind !== 'GET');
  if (writes.length === 0) {
    const value = c.keyspace.lookupRead(c.db, key);
    if (value !== undefined && typeof value !== 'string') {
      c.addReplyError(WRONGTYPE);
      return;
    }
    c.addReplyArrayLen(ops.length);
    for (const op of ops) c.addReplyLongLong(fieldValue(op, readField(value ?? '', op.offset, op.bits)));
    return;
  }
  if (readOnlyCommand) {
    c.addReplyError('ERR BITFIELD_RO only supports the GET subcommand');
    return;
  }
  let maxBit = 0;
  for (const op of writes) maxBit = Math.max(maxBit, op.offset + op.bits - 1);
  const state = stringForBitWriteOrReply(c, key, maxBit);
  if (state === undefined) return;
  let s = state.padded;
  let changes = 0;
  c.addReplyArrayLen(ops.length);
  for (const op of ops) {
    const old = fieldValue(op, readField(s, op.offset, op.bits));
    if (op.kind === 'GET') {
      c.addReplyLongLong(old);
      continue;
    }
    // Redis checks an unsigned SET's value as the 64-bit unsigned number it converts it to.
    const stored = op.kind === 'INCRBY'
      ? applyOverflow(op, old, op.value)
      : applyOverflow(op, op.signed ? op.value : BigInt.asUintN(64, op.value), 0n);
    if (stored === null) {
      c.addReplyNull();
      continue;
    }
    c.addReplyLongLong(op.kind === 'SET' ? old : stored);
    if (stored !== old) s = writeField(s, op.offset, op.bits, BigInt.asUintN(op.bits, stored));
    if (state.grown || stored !== old) changes++;
  }
  storeBitString(c, key, { current: state.current, next: s }, changes);
}

export const bitfieldCommands: CommandDef[] = [
  { name: 'bitfield', handler: (c, argv) => bitfieldGeneric(c, argv, false) },
  { name: 'bitfield_ro', handler: (c, argv) => bitfieldGeneric(c, argv, true) },
];
