// Ziplist reader, for dumps written by Redis 6.2 and older (small hashes, sorted sets and lists,
// and the nodes of quicklist-1 lists). Redis 7.0 never writes ziplists, so there is no writer.
// Redis equivalent: ziplist.c, read side (written from the documented layout).
//
//   <zlbytes u32le> <zltail u32le> <zllen u16le> <entry> ... <entry> <0xFF>
//
// zltail is the offset of the last entry; zllen is 65535 when the entries must be counted. Each
// entry is <prevlen> <encoding> <data>: prevlen is the previous entry's size in one byte (< 254)
// or 0xFE followed by a u32le. Encodings (first byte):
//
//   00pppppp                        string, 6-bit length
//   01pppppp qqqqqqqq               string, 14-bit big-endian length
//   10000000 <u32be len>            string, 32-bit length
//   11000000 / 11010000 / 11100000  int16 / int32 / int64, little-endian
//   11110000                        int24, little-endian
//   11111110                        int8
//   1111xxxx (xxxx in 0001..1101)   immediate integer xxxx - 1 (0..12)

import { RdbError } from './errors.js';

const HEADER_BYTES = 10;
const COUNT_UNKNOWN = 0xffff;
const END = 0xff;
const BIG_PREVLEN = 0xfe;

/**
 * Reads a ziplist blob into latin1 strings (integers in decimal). `baseOffset` is the file offset
 * of blob[0]. Validates header, prevlen chain, encodings, zltail, count and terminator.
 */
export function ziplistEntries(blob: Buffer, baseOffset: number): string[] {
  const fail = (what: string, at: number): RdbError =>
    new RdbError('VESTA_ERR_RDB_CORRUPT', `Corrupt ziplist: ${what} at offset ${baseOffset + at}`,
      baseOffset + at);
  if (blob.length < HEADER_BYTES + 1) throw fail('blob shorter than a ziplist header', 0);
  if (blob.readUInt32LE(0) !== blob.length) throw fail('zlbytes does not match blob size', 0);
  const tail = blob.readUInt32LE(4);
  const declaredCount = blob.readUInt16LE(8);
  const end = blob.length - 1;
  const entries: string[] = [];
  let p = HEADER_BYTES;
  let previousSize = 0;
  let lastEntry = HEADER_BYTES;
  while (p < end && blob[p] !== END) {
    const entryStart = p;
    let prevlen = blob[p] as number;
    if (prevlen === BIG_PREVLEN) {
      if (p + 5 > end) throw fail('truncated prevlen', p);
      prevlen = blob.readUInt32LE(p + 1);
      p += 5;
    } else {
      p += 1;
    }
    if (prevlen !== previousSize) throw fail('prevlen does not match previous entry', entryStart);
    if (p >= end) throw fail('entry past end of ziplist', entryStart);
    const { value, size } = readZiplistEntryData(blob, p, end, fail);
    p += size;
    previousSize = p - entryStart;
    lastEntry = entryStart;
    entries.push(value);
  }
  if (p !== end || blob[end] !== END) throw fail('missing terminator', p);
  if (tail !== lastEntry) throw fail('zltail does not point at the last entry', 4);
  if (declaredCount !== COUNT_UNKNOWN && declaredCount !== entries.length) {
    throw fail(`header count ${declaredCount} but ${entries.length} entries`, 8);
  }
  return entries;
}

type Fail = (what: string, at: number) => RdbError;

function readZiplistEntryData(blob: Buffer, p: number, end: number,
  fail: Fail): { value: string; size: number } {
  const first = blob[p] as number;
  const need = (bytes: number): void => {
    if (p + bytes > end) throw fail('entry past end of ziplist', p);
  };
  const kind = first >>> 6;
  if (kind === 0) {
    const length = first & 0x3f;
    need(1 + length);
    return { value: blob.toString('latin1', p + 1, p + 1 + length), size: 1 + length };
  }
  if (kind === 1) {
    need(2);
    const length = ((first & 0x3f) << 8) | (blob[p + 1] as number);
    need(2 + length);
    return { value: blob.toString('latin1', p + 2, p + 2 + length), size: 2 + length };
  }
  if (kind === 2) {
    if (first !== 0x80) throw fail(`invalid string encoding 0x${first.toString(16)}`, p);
    need(5);
    const length = blob.readUInt32BE(p + 1);
    need(5 + length);
    return { value: blob.toString('latin1', p + 5, p + 5 + length), size: 5 + length };
  }
  switch (first) {
    case 0xc0:
      need(3);
      return { value: String(blob.readInt16LE(p + 1)), size: 3 };
    case 0xd0:
      need(5);
      return { value: String(blob.readInt32LE(p + 1)), size: 5 };
    case 0xe0:
      need(9);
      return { value: blob.readBigInt64LE(p + 1).toString(), size: 9 };
    case 0xf0:
      need(4);
      return { value: String(blob.readIntLE(p + 1, 3)), size: 4 };
    case 0xfe:
      need(2);
      return { value: String(blob.readInt8(p + 1)), size: 2 };
    default:
      if (first >= 0xf1 && first <= 0xfd) return { value: String((first & 0x0f) - 1), size: 1 };
      throw fail(`invalid entry encoding 0x${first.toString(16)}`, p);
  }
}
