// Recognising strings that Redis stores as integers. Redis keeps a string as an integer only when
// converting it back gives the very same bytes (canonical decimal: no '+', no leading zeros, no
// "-0", no spaces, within signed 64-bit), so a value survives the round trip byte for byte. The
// RDB string encoder, the listpack writer and the intset writer all use this test.
// Redis equivalent: string2ll + ll2string round trip (util.c), as used by rdbTryIntegerEncoding,
// lpStringToInt64 and isSdsRepresentableAsLongLong.

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The value of `s` when it is a canonical signed 64-bit decimal integer, else null. The result is
 * a number when it is a safe integer and a bigint otherwise (|v| >= 2^53).
 */
export function parseCanonicalInt64(s: string): number | bigint | null {
  const length = s.length;
  if (length === 0 || length > 20) return null;
  let i = 0;
  const negative = s.charCodeAt(0) === 0x2d; // '-'
  if (negative) {
    if (length === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 0x30) return length === 1 ? 0 : null; // "0" only; rejects "-0" and "01"
  if (first < 0x31 || first > 0x39) return null;
  for (let k = i + 1; k < length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return null;
  }
  if (length - i <= 15) return Number(s); // at most 15 digits: always a safe integer
  const big = BigInt(s);
  if (big < INT64_MIN || big > INT64_MAX) return null;
  const asNumber = Number(big);
  return Number.isSafeInteger(asNumber) ? asNumber : big;
}

/** Canonical decimal text of an integer, as Redis prints it. */
export function int64ToString(value: number | bigint): string {
  return typeof value === 'bigint' ? value.toString() : String(value);
}
