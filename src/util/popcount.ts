// Counting set bits of a latin1 string (one byte per char) a 32-bit word at a time. The string is
// copied into a reusable scratch buffer in slices (one memcpy each, no garbage), then counted
// with the SWAR popcount; a byte-at-a-time loop over charCodeAt was 3x slower on a 12.5 KB
// bitmap. Redis equivalent: redisPopcount in bitops.c (same idea, its own unrolling).

/** Bytes copied per slice: bounded so a 512 MiB bitmap does not need a 512 MiB scratch. */
const SLICE_BYTES = 64 * 1024;

let scratch = Buffer.allocUnsafeSlow(4096);
let words = new Int32Array(scratch.buffer, 0, scratch.length >>> 2);

function ensureScratch(bytes: number): void {
  if (scratch.length >= bytes) return;
  let size = scratch.length;
  while (size < bytes) size *= 2;
  scratch = Buffer.allocUnsafeSlow(size);
  words = new Int32Array(scratch.buffer, 0, size >>> 2);
}

function popcount32(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Set bits in the bytes of `s` from `start` (inclusive) to `end` (exclusive). */
export function popcountBytes(s: string, start: number, end: number): number {
  let count = 0;
  for (let from = start; from < end; from += SLICE_BYTES) {
    const to = Math.min(end, from + SLICE_BYTES);
    const n = to - from;
    ensureScratch(n);
    scratch.write(from === 0 && to === s.length ? s : s.substring(from, to), 0, n, 'latin1');
    const whole = n >>> 2;
    for (let i = 0; i < whole; i++) count += popcount32(words[i] as number);
    for (let i = whole << 2; i < n; i++) count += popcount32(scratch[i] as number);
  }
  return count;
}
