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

/**
 * A flat copy of `s`. V8 keeps `a + b` as a cons string pointing at both halves, so a value
 * built by many concatenations (APPEND) is a chain of them, ~56 B per link on top of the bytes,
 * until something flattens it.
 */
export function flatCopy(s: string): string {
  const b = Buffer.from(s, 'latin1');
  return latin1Slice(b, 0, b.length);
}
