// Intset: the compact form of a set whose members are all integers (RDB_TYPE_SET_INTSET).
// Redis 7.0 writes it for small integer sets and we do too; reading validates the layout.
// Redis equivalent: intset.c (written from the documented layout).
//
//   <encoding u32le: 2, 4 or 8> <length u32le> <length signed integers, little-endian,
//                                               each `encoding` bytes, strictly ascending>

import { assert } from '../../assert.js';
import { RdbError } from './errors.js';

const HEADER_BYTES = 8;

/** Reads an intset blob into its members as decimal strings. `baseOffset`: file offset of blob. */
export function intsetMembers(blob: Buffer, baseOffset: number): string[] {
  const fail = (what: string, at: number): RdbError =>
    new RdbError('VESTA_ERR_RDB_CORRUPT', `Corrupt intset: ${what} at offset ${baseOffset + at}`,
      baseOffset + at);
  if (blob.length < HEADER_BYTES) throw fail('blob shorter than an intset header', 0);
  const width = blob.readUInt32LE(0);
  if (width !== 2 && width !== 4 && width !== 8) throw fail(`invalid encoding ${width}`, 0);
  const count = blob.readUInt32LE(4);
  if (HEADER_BYTES + count * width !== blob.length) {
    throw fail(`length ${count} does not match blob size ${blob.length}`, 4);
  }
  const members: string[] = new Array<string>(count);
  let previous: bigint | number | null = null;
  for (let i = 0; i < count; i++) {
    const p = HEADER_BYTES + i * width;
    const value: number | bigint = width === 2 ? blob.readInt16LE(p)
      : width === 4 ? blob.readInt32LE(p) : blob.readBigInt64LE(p);
    if (previous !== null && !(previous < value)) throw fail('members not strictly ascending', p);
    previous = value;
    members[i] = value.toString();
  }
  return members;
}

/**
 * Builds an intset from distinct int64 values (numbers must be safe integers). Uses the
 * narrowest width that holds every value, as Redis does.
 */
export function encodeIntset(values: readonly (number | bigint)[]): Buffer {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of sorted) {
    if (typeof v === 'number') assert(Number.isSafeInteger(v), 'intset member not an integer');
    if (v < -2147483648 || v > 2147483647) width = 8;
    else if ((v < -32768 || v > 32767) && width < 4) width = 4;
  }
  const blob = Buffer.allocUnsafe(HEADER_BYTES + sorted.length * width);
  blob.writeUInt32LE(width, 0);
  blob.writeUInt32LE(sorted.length, 4);
  let p = HEADER_BYTES;
  let previous: number | bigint | null = null;
  for (const v of sorted) {
    assert(previous === null || previous < v, 'intset members not distinct');
    previous = v;
    if (width === 2) blob.writeInt16LE(Number(v), p);
    else if (width === 4) blob.writeInt32LE(Number(v), p);
    else blob.writeBigInt64LE(BigInt(v), p);
    p += width;
  }
  return blob;
}
