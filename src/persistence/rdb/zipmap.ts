// Zipmap reader, for hashes in dumps written by Redis 2.6 and older (RDB_TYPE_HASH_ZIPMAP).
// Nothing writes zipmaps any more, so there is no writer.
// Redis equivalent: zipmap.c, read side (written from the documented layout).
//
//   <zmlen u8> <len>key<len><free>value<free bytes> ... <0xFF>
//
// zmlen is the pair count when below 254 (otherwise the pairs must be counted). <len> is one byte
// when below 254, or 0xFE followed by a u32le. <free> is one byte: unused bytes after the value.

import { RdbError } from './errors.js';

const BIG_LEN = 0xfe;
const END = 0xff;
const COUNT_UNKNOWN = 254;

/** Reads a zipmap blob into alternating field, value strings. */
export function zipmapEntries(blob: Buffer, baseOffset: number): string[] {
  const fail = (what: string, at: number): RdbError =>
    new RdbError('VESTA_ERR_RDB_CORRUPT', `Corrupt zipmap: ${what} at offset ${baseOffset + at}`,
      baseOffset + at);
  if (blob.length < 2) throw fail('blob shorter than a zipmap', 0);
  const declaredCount = blob[0] as number;
  const end = blob.length - 1;
  const entries: string[] = [];
  let p = 1;
  const readLength = (): number => {
    if (p >= end) throw fail('length past end of zipmap', p);
    const first = blob[p] as number;
    if (first < BIG_LEN) {
      p += 1;
      return first;
    }
    if (first === END) throw fail('unexpected terminator', p);
    if (p + 5 > end) throw fail('length past end of zipmap', p);
    const length = blob.readUInt32LE(p + 1);
    p += 5;
    return length;
  };
  while (p < end && blob[p] !== END) {
    const keyLength = readLength();
    if (p + keyLength > end) throw fail('key past end of zipmap', p);
    const key = blob.toString('latin1', p, p + keyLength);
    p += keyLength;
    const valueLength = readLength();
    if (p >= end) throw fail('free byte past end of zipmap', p);
    const free = blob[p] as number;
    p += 1;
    if (p + valueLength + free > end) throw fail('value past end of zipmap', p);
    entries.push(key, blob.toString('latin1', p, p + valueLength));
    p += valueLength + free;
  }
  if (p !== end || blob[end] !== END) throw fail('missing terminator', p);
  if (declaredCount < COUNT_UNKNOWN && declaredCount * 2 !== entries.length) {
    throw fail(`header count ${declaredCount} but ${entries.length / 2} pairs`, 0);
  }
  return entries;
}
