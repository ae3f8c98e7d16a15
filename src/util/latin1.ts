// Latin1 (one char per byte) strings from Buffer ranges: how every key and value enters the
// process, from the RESP parser and from RDB/AOF loading. Keys and values are latin1 strings.

/** Buffer's own latin1 decoder, without toString's argument checks (one call per string). */
interface Latin1Sliceable {
  latin1Slice(start: number, end: number): string;
}

const fromCodes = String.fromCharCode;

/** One byte; the callers below stay within bounds their caller checked. */
function at(b: Buffer, i: number): number {
  return b[i] as number;
}

/**
 * buf[start, end) as a latin1 string; the caller has checked the bounds. Strings of up to 12
 * bytes (most keys, short values, listpack entries) are built in JavaScript with
 * String.fromCharCode, which needs no call into C++: 600k strings of 4-12 bytes take 8 ms
 * against 23 ms through Buffer#latin1Slice. Both give the same flat one-byte string.
 */
export function latin1Slice(b: Buffer, p: number, end: number): string {
  switch (end - p) {
    case 0:
      return '';
    case 1:
      return fromCodes(at(b, p));
    case 2:
      return fromCodes(at(b, p), at(b, p + 1));
    case 3:
      return fromCodes(at(b, p), at(b, p + 1), at(b, p + 2));
    case 4:
      return fromCodes(at(b, p), at(b, p + 1), at(b, p + 2), at(b, p + 3));
    case 5:
      return fromCodes(at(b, p), at(b, p + 1), at(b, p + 2), at(b, p + 3), at(b, p + 4));
    case 6:
      return fromCodes(at(b, p), at(b, p + 1), at(b, p + 2), at(b, p + 3), at(b, p + 4),
        at(b, p + 5));
    case 7:
      return fromCodes(at(b, p), at(b, p + 1), at(b, p + 2), at(b, p + 3), at(b, p + 4),
        at(b, p + 5), at(b, p + 6));
    case 8:
      return fromCodes(at(b, p), at(b, p + 1), at(b, p + 2), at(b, p + 3), at(b, p + 4),
        at(b, p + 5), at(b, p + 6), at(b, p + 7));
    case 9:
      return fromCodes(at(b, p), at(b, p + 1), at(b, p + 2), at(b, p + 3), at(b, p + 4),
        at(b, p + 5), at(b, p + 6), at(b, p + 7), at(b, p + 8));
    case 10:
      return fromCodes(at(b, p), at(b, p + 1), at(b, p + 2), at(b, p + 3), at(b, p + 4),
        at(b, p + 5), at(b, p + 6), at(b, p + 7), at(b, p + 8), at(b, p + 9));
    case 11:
      return fromCodes(at(b, p), at(b, p + 1), at(b, p + 2), at(b, p + 3), at(b, p + 4),
        at(b, p + 5), at(b, p + 6), at(b, p + 7), at(b, p + 8), at(b, p + 9), at(b, p + 10));
    case 12:
      return fromCodes(at(b, p), at(b, p + 1), at(b, p + 2), at(b, p + 3), at(b, p + 4),
        at(b, p + 5), at(b, p + 6), at(b, p + 7), at(b, p + 8), at(b, p + 9), at(b, p + 10),
        at(b, p + 11));
    default:
      return (b as unknown as Latin1Sliceable).latin1Slice(p, end);
  }
}

/** flatCopy copies strings up to this long through one reused buffer. */
const COPY_SCRATCH_BYTES = 4096;
let copyScratch: Buffer | null = null;

/**
 * `s` as a flat string that shares no memory with any other. V8 keeps a substring of 13+ chars
 * as a slice that pins its whole parent, and `a + b` as a cons string pointing at both halves
 * (a value built by many APPENDs is a chain of them, ~56 B per link). Shorter strings are flat
 * copies already.
 */
export function flatCopy(s: string): string {
  const n = s.length;
  if (n <= 12) return s;
  if (n > COPY_SCRATCH_BYTES) {
    const b = Buffer.from(s, 'latin1');
    return latin1Slice(b, 0, n);
  }
  copyScratch ??= Buffer.allocUnsafe(COPY_SCRATCH_BYTES);
  copyScratch.write(s, 0, n, 'latin1');
  return latin1Slice(copyScratch, 0, n);
}
