// LZF compression in the liblzf format that Redis uses for RDB strings and compressed quicklist
// nodes. Written from the format description; the compressor is our own greedy hash-chain-free
// matcher, so its output differs byte-wise from liblzf's but any LZF decoder reads it.
// Redis equivalent: lzf_c.c / lzf_d.c.
//
// The compressed stream is a sequence of instructions, each starting with a control byte:
//
//   000LLLLL <L+1 literal bytes>               copy L+1 (1..32) bytes from the input
//   LLLOOOOO OOOOOOOO                          back-reference, L in 1..6: copy L+2 bytes from
//                                              (output position - O - 1), O < 8192
//   111OOOOO LLLLLLLL OOOOOOOO                 back-reference, length 7+L+2 (9..264)
//
// Back-references may overlap the bytes they produce (run-length style), so copies go byte by
// byte. Decompression trusts nothing: every read and every write is bounds-checked, and the
// result must be exactly the length the caller announced.

import { assert } from '../../assert.js';
import { RdbError } from './errors.js';

const HASH_LOG = 14;
const HASH_SIZE = 1 << HASH_LOG;
const MAX_LITERAL = 32;
const MAX_OFFSET = 8191;
const MAX_MATCH = 264;
/** The longest output one input byte can produce: a 3-byte back-reference yields 264 bytes. */
export const LZF_MAX_EXPANSION = 88;

// Hash table of positions, shared by all calls. Entries are absolute positions (`base` + index)
// so a new call does not need to clear the table: entries from earlier calls fall below `base`.
const hashTable = new Int32Array(HASH_SIZE);
let hashBase = 1;

/**
 * Compresses `input[start, end)` into `output`, writing at most `outputLimit` bytes.
 * Returns the number of bytes written, or 0 when the compressed form would not fit (the caller
 * then stores the data uncompressed, as Redis does).
 */
// eslint-disable-next-line max-params -- liblzf's lzf_compress contract (buffers with bounds, as memcpy), once per value saved
export function lzfCompress(input: Uint8Array, start: number, end: number, output: Uint8Array,
  outputLimit: number): number {
  assert(start >= 0 && start <= end && end <= input.length, 'lzf input range');
  assert(outputLimit <= output.length, 'lzf output limit');
  const length = end - start;
  if (length === 0 || outputLimit < 2) return 0;
  if (hashBase + length + MAX_OFFSET + 2 > 0x3fffffff) {
    hashTable.fill(0);
    hashBase = 1;
  }
  const base = hashBase - start; // table value = base + input index
  hashBase += length + MAX_OFFSET + 2;

  let op = 0;
  let literalCtrl = op++; // output index of the control byte of the open literal run
  let literalCount = 0;
  let ip = start;
  // The hash of the three bytes at ip is rolled along: `window` holds them (24 bits), one load
  // per position instead of three.
  let window = length > 1 ? ((input[ip] as number) << 8) | (input[ip + 1] as number) : 0;
  const last = end - 2; // positions with three bytes left, where a match may start
  while (ip < end) {
    let ref = -1;
    if (ip < last) {
      window = ((window << 8) | (input[ip + 2] as number)) & 0xffffff;
      const h = Math.imul(window, 0x9e3779b1) >>> (32 - HASH_LOG);
      ref = (hashTable[h] as number) - base;
      hashTable[h] = ip + base;
    }
    const offset = ip - ref - 1;
    if (ref >= start && offset >= 0 && offset <= MAX_OFFSET &&
      input[ref] === input[ip] && input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]) {
      const maxLength = end - ip < MAX_MATCH ? end - ip : MAX_MATCH;
      let matchLength = 3;
      while (matchLength < maxLength && input[ref + matchLength] === input[ip + matchLength]) {
        matchLength++;
      }
      if (op + 4 > outputLimit) return 0;
      if (literalCount > 0) output[literalCtrl] = literalCount - 1;
      else op--; // drop the unused control byte
      op = writeBackReference(output, op, matchLength - 2, offset);
      ip += matchLength;
      literalCtrl = op++;
      literalCount = 0;
      if (ip >= last) continue;
      // Only the match's last position enters the table: hashing all of them made a stream's
      // listpacks 2x slower to compress and no smaller; the last two (liblzf's VERY_FAST)
      // cost 11% more time than the last one for output 0-1.3% smaller (text, JSON, hex).
      window = ((input[ip - 1] as number) << 16) | ((input[ip] as number) << 8) | (input[ip + 1] as number);
      hashTable[Math.imul(window, 0x9e3779b1) >>> (32 - HASH_LOG)] = ip - 1 + base;
      window &= 0xffff;
      continue;
    }
    if (op + 2 > outputLimit) return 0;
    output[op++] = input[ip++] as number;
    window &= 0xffff;
    if (++literalCount === MAX_LITERAL) {
      output[literalCtrl] = MAX_LITERAL - 1;
      literalCtrl = op++;
      literalCount = 0;
    }
  }
  if (literalCount > 0) output[literalCtrl] = literalCount - 1;
  else op--;
  assert(op <= outputLimit, 'lzf output overrun');
  return op;
}

function writeBackReference(output: Uint8Array, op: number, lengthCode: number,
  offset: number): number {
  assert(lengthCode >= 1 && lengthCode <= MAX_MATCH - 2, 'lzf match length');
  if (lengthCode < 7) {
    output[op++] = (lengthCode << 5) | (offset >>> 8);
  } else {
    output[op++] = (7 << 5) | (offset >>> 8);
    output[op++] = lengthCode - 7;
  }
  output[op++] = offset & 0xff;
  return op;
}

/**
 * Decompresses `input[start, end)`, which must expand to exactly `outputLength` bytes.
 * `baseOffset` is the file offset of input[start], for error messages.
 * Throws RdbError (VESTA_ERR_RDB_CORRUPT) on any inconsistency; never reads or writes out of
 * bounds and always terminates (every instruction consumes at least one input byte).
 */
// eslint-disable-next-line max-params -- liblzf's lzf_decompress contract plus the file offset for errors, once per value loaded
export function lzfDecompress(input: Uint8Array, start: number, end: number, outputLength: number,
  baseOffset: number, into?: Buffer): Buffer {
  assert(start >= 0 && start <= end && end <= input.length, 'lzf input range');
  const fail = (what: string, at: number): RdbError =>
    new RdbError('VESTA_ERR_RDB_CORRUPT',
      `Corrupt LZF data: ${what} at offset ${baseOffset + at - start}`, baseOffset + at - start);
  if (outputLength > (end - start) * LZF_MAX_EXPANSION) {
    throw fail(`claimed length ${outputLength} exceeds what ${end - start} bytes can expand to`,
      start);
  }
  // `into` (a reused buffer at least outputLength long) spares an allocation per string.
  assert(into === undefined || into.length >= outputLength, 'lzf output buffer large enough');
  const output = into ?? Buffer.allocUnsafe(outputLength);
  let ip = start;
  let op = 0;
  while (ip < end) {
    const at = ip;
    const ctrl = input[ip++] as number;
    if (ctrl < 32) {
      const count = ctrl + 1;
      if (ip + count > end) throw fail('literal run past end of input', at);
      if (op + count > outputLength) throw fail('literal run past end of output', at);
      for (let k = 0; k < count; k++) output[op++] = input[ip++] as number;
      continue;
    }
    let count = ctrl >>> 5;
    if (count === 7) {
      if (ip >= end) throw fail('truncated back-reference', at);
      count += input[ip++] as number;
    }
    if (ip >= end) throw fail('truncated back-reference', at);
    let ref = op - ((ctrl & 0x1f) << 8) - (input[ip++] as number) - 1;
    count += 2;
    if (ref < 0) throw fail('back-reference before start of output', at);
    if (op + count > outputLength) throw fail('back-reference past end of output', at);
    for (let k = 0; k < count; k++) output[op++] = output[ref++] as number;
  }
  if (op !== outputLength) {
    throw fail(`expanded to ${op} bytes instead of ${outputLength}`, end);
  }
  return into === undefined ? output : output.subarray(0, outputLength);
}
