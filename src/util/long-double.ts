// INCRBYFLOAT / HINCRBYFLOAT arithmetic, emulating Redis 7.0 on x86-64 Linux bit for bit.
//
// Redis parses both operands with glibc strtold into an x87 80-bit long double (64-bit
// significand with an explicit integer bit, exponent range 2^-16382 .. 2^16383, subnormals
// down to 2^-16445), adds them in that precision, refuses a NaN or infinite sum, and prints
// the result with printf("%.17Lf") before trimming trailing zeros and the '.' ("-0" becomes "0").
// Every step here is exact BigInt arithmetic followed by one round-half-even, so the results
// match the hardware and glibc (checked against redis-server 7.0.15 / glibc 2.36).
//
// Acceptance rules observed on redis-server 7.0.15 (see long-double.test.ts):
// - empty, 5120 bytes or longer, or starting with whitespace: not a valid float;
// - the whole text must be a strtold number: decimal ("1", "-.5e+1", "5."), hexadecimal
//   ("0x1p10", "0X1.8P1", "0x.8"), or "inf"/"infinity" in any case. NaN is refused;
// - a NUL byte anywhere makes the text invalid (strtold stops there, short of the end);
// - finite input that overflows (1e5000) or underflows all the way to zero (1e-5000) is refused,
//   but a literal zero with any exponent ("0e99999") and input rounding to a subnormal are fine;
// - infinities parse, and any sum involving them is refused with the NaN/Infinity error.
// glibc 2.36 has one rounding quirk that Redis inherits and that is reproduced here: for
// hexadecimal input landing in the subnormal range, the bit just below the 64th significant
// digit bit is forgotten when rounding (0x1.0000000000000001p-16446 reads as 0, so is refused).

declare const brand: unique symbol;

/** An x87 80-bit long double. Opaque: build with parseLongDouble / addLongDouble. */
export type LongDouble = { readonly [brand]: 'LongDouble' };

/** value = (-1)^neg * mant * 2^exp; zero has mant 0; infinities have inf true. */
interface Ld {
  readonly neg: boolean;
  readonly inf: boolean;
  readonly mant: bigint;
  readonly exp: number;
}

const MANT_BITS = 64;
/** Exponent of the last significand bit of subnormals and of the smallest normals. */
const EXP_MIN = -16445;
/** Exponent of the last significand bit of the largest finite values. */
const EXP_MAX = 16383 - (MANT_BITS - 1);
/** Redis copies the text into a MAX_LONG_DOUBLE_CHARS (5 * 1024) buffer including the NUL. */
const MAX_TEXT = 5 * 1024 - 1;

const TOP = 1n << 64n;
const HALF_TOP = 1n << 63n;

const ZERO: Ld = { neg: false, inf: false, mant: 0n, exp: 0 };
const NEG_ZERO: Ld = { neg: true, inf: false, mant: 0n, exp: 0 };
const INF: Ld = { neg: false, inf: true, mant: 0n, exp: 0 };
const NEG_INF: Ld = { neg: true, inf: true, mant: 0n, exp: 0 };

const wrap = (v: Ld): LongDouble => v as unknown as LongDouble;
const unwrap = (v: LongDouble): Ld => v as unknown as Ld;

// ------------------------------------------------------------------------------ helpers

const pow10Cache: bigint[] = [1n];
function pow10(n: number): bigint {
  if (n < 64) {
    let p = pow10Cache[n];
    if (p === undefined) {
      for (let i = pow10Cache.length; i <= n; i++) pow10Cache.push((pow10Cache[i - 1] as bigint) * 10n);
      p = pow10Cache[n] as bigint;
    }
    return p;
  }
  return 10n ** BigInt(n);
}

function bitLength(n: bigint): number {
  if (n < 0x20000000000000n) {
    const x = Number(n);
    const hi = Math.floor(x / 4294967296);
    return hi > 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(x);
  }
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0] as string, 16)));
}

/**
 * Rounds (-1)^neg * (n + tiny) * 2^e to the long double grid, half to even, where `sticky`
 * says whether an unseen positive amount smaller than 2^e follows (the caller must then supply
 * at least two bits beyond the rounding position). Returns null when the result overflows.
 */
function round(neg: boolean, n: bigint, e: number, sticky: boolean): Ld | null {
  if (n === 0n) return neg ? NEG_ZERO : ZERO;
  const bl = bitLength(n);
  let lsb = e + bl - MANT_BITS;
  if (lsb < EXP_MIN) lsb = EXP_MIN;
  const shift = lsb - e;
  let mant: bigint;
  if (shift <= 0) {
    mant = n << BigInt(-shift);
  } else {
    const s = BigInt(shift);
    mant = n >> s;
    const rem = n - (mant << s);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (sticky || (mant & 1n) === 1n))) {
      mant += 1n;
      if (mant === TOP) {
        mant = HALF_TOP;
        lsb += 1;
      }
    }
  }
  if (lsb > EXP_MAX) return null;
  if (mant === 0n) return neg ? NEG_ZERO : ZERO;
  return { neg, inf: false, mant, exp: lsb };
}

// ------------------------------------------------------------------------------ parsing

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Reads [+-]?digits at text[i..]; returns the saturated value and end, or null if no digits. */
function readExponent(text: string, i: number): { value: number; end: number } | null {
  let neg = false;
  const c = text.charCodeAt(i);
  if (c === 43 || c === 45) {
    neg = c === 45;
    i++;
  }
  const start = i;
  let v = 0;
  while (i < text.length && isDigit(text.charCodeAt(i))) {
    if (v < 1e9) v = v * 10 + (text.charCodeAt(i) - 48);
    i++;
  }
  if (i === start) return null;
  return { value: neg ? -v : v, end: i };
}

/**
 * Parses like Redis's string2ld: strtold over the whole text, refusing leading whitespace,
 * trailing garbage, NaN, and out-of-range input. Returns null for "not a valid float".
 */
export function parseLongDouble(text: string): LongDouble | null {
  const len = text.length;
  if (len === 0 || len > MAX_TEXT) return null;
  // strtold stops at a NUL, and Redis wants every byte consumed.
  if (text.indexOf('\0') >= 0) return null;
  const first = text.charCodeAt(0);
  // isspace() in the C locale
  if (first === 32 || (first >= 9 && first <= 13)) return null;
  let i = 0;
  let neg = false;
  if (first === 43 || first === 45) {
    neg = first === 45;
    i = 1;
  }
  const c = text.charCodeAt(i);
  if (c === 48 && (text.charCodeAt(i + 1) | 0x20) === 120) {
    const r = parseHex(text, i + 2, neg);
    if (r !== undefined) return r;
    // "0x" without hex digits: strtold reads just the "0" and stops at the 'x'.
    return null;
  }
  if (isDigit(c) || c === 46) return parseDecimal(text, i, neg);
  const word = text.slice(i).toLowerCase();
  if (word === 'inf' || word === 'infinity') return wrap(neg ? NEG_INF : INF);
  return null; // includes nan and nan(...)
}

function parseDecimal(text: string, i: number, neg: boolean): LongDouble | null {
  const len = text.length;
  // digits [. digits] [e [+-] digits], with at least one digit around the '.'
  let intStart = i;
  while (i < len && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < len && text.charCodeAt(i) === 46) {
    i++;
    fracStart = i;
    while (i < len && isDigit(text.charCodeAt(i))) i++;
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) return null; // "." or "-.e5"
  let exp10 = 0;
  if (i < len) {
    const e = text.charCodeAt(i) | 0x20;
    if (e !== 101) return null;
    const x = readExponent(text, i + 1);
    if (x === null || x.end !== len) return null;
    exp10 = x.value;
  }
  // Significant digits, without leading zeros.
  while (intStart < intEnd && text.charCodeAt(intStart) === 48) intStart++;
  let digits: string;
  if (intStart < intEnd) {
    digits = text.slice(intStart, intEnd) + text.slice(fracStart, fracEnd);
  } else {
    let f = fracStart;
    while (f < fracEnd && text.charCodeAt(f) === 48) f++;
    digits = text.slice(f, fracEnd);
  }
  exp10 -= fracEnd - fracStart;
  // Trailing zeros only slow the arithmetic down.
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  if (end === 0) return wrap(neg ? NEG_ZERO : ZERO);
  exp10 += digits.length - end;
  if (end !== digits.length) digits = digits.slice(0, end);
  const nd = digits.length;
  // |value| is in [10^(nd-1+exp10), 10^(nd+exp10)). The largest long double is ~1.19e4932 and
  // half the smallest subnormal is ~1.82e-4951: outside that strtold sets ERANGE (refused).
  if (nd - 1 + exp10 >= 4933) return null;
  if (nd + exp10 <= -4951) return null;
  const d = BigInt(digits);
  let r: Ld | null;
  if (exp10 >= 0) {
    r = round(neg, d * pow10(exp10), 0, false);
  } else {
    const den = pow10(-exp10);
    // Scale so the quotient carries at least 66 significant bits (64 + round + guard).
    const k = Math.max(0, 67 + bitLength(den) - bitLength(d));
    const num = d << BigInt(k);
    const q = num / den;
    r = round(neg, q, -k, q * den !== num);
  }
  if (r === null || r.mant === 0n) return null; // overflow, or underflow to zero
  return wrap(r);
}

/** Parses the hex digits after "0x"; undefined when there are none (only the "0" converts). */
function parseHex(text: string, i: number, neg: boolean): LongDouble | null | undefined {
  const len = text.length;
  let fracDigits = 0;
  let j = i;
  while (j < len && hexVal(text.charCodeAt(j)) >= 0) j++;
  let any = j > i;
  let hex = text.slice(i, j);
  if (j < len && text.charCodeAt(j) === 46) {
    const f = j + 1;
    j = f;
    while (j < len && hexVal(text.charCodeAt(j)) >= 0) j++;
    any ||= j > f;
    hex += text.slice(f, j);
    fracDigits = j - f;
  }
  if (!any) return undefined;
  let exp2 = -4 * fracDigits;
  if (j < len) {
    if ((text.charCodeAt(j) | 0x20) !== 112) return null;
    const x = readExponent(text, j + 1);
    if (x === null || x.end !== len) return null;
    exp2 += x.value;
  }
  let n = BigInt('0x' + hex);
  if (n === 0n) return wrap(neg ? NEG_ZERO : ZERO);
  const bl = bitLength(n);
  const lead = exp2 + bl - 1; // exponent of the leading bit
  if (lead > 16383) return null;
  if (lead < -16446) return null; // below half the smallest subnormal
  if (lead < -16382 && bl > MANT_BITS) {
    // glibc quirk: for subnormal results the bit after the first 64 is lost when rounding.
    n &= ~(1n << BigInt(bl - MANT_BITS - 1));
  }
  const r = round(neg, n, exp2, false);
  if (r === null || r.mant === 0n) return null;
  return wrap(r);
}

// ------------------------------------------------------------------------------ arithmetic

/** True unless the value is an infinity (HINCRBYFLOAT refuses infinite increments up front). */
export function isFiniteLongDouble(value: LongDouble): boolean {
  return !unwrap(value).inf;
}

/** a + b rounded to long double; null when the sum is NaN or infinite (or overflows). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  const x = unwrap(a);
  const y = unwrap(b);
  if (x.inf || y.inf) return null;
  if (y.mant === 0n) return x.mant === 0n ? wrap(x.neg && y.neg ? NEG_ZERO : ZERO) : a;
  if (x.mant === 0n) return b;
  let big = x;
  let small = y;
  if (big.exp < small.exp) {
    big = y;
    small = x;
  }
  let smallMant = small.mant;
  let smallExp = small.exp;
  // A far smaller operand only decides which way to round: any nonzero stand-in below a
  // quarter of big's last bit rounds the same way, and keeps the BigInts small.
  if (smallExp + bitLength(smallMant) <= big.exp - 2) {
    smallMant = 1n;
    smallExp = big.exp - 3;
  }
  const bigMant = big.mant << BigInt(big.exp - smallExp);
  const sum = big.neg === small.neg ? bigMant + smallMant : bigMant - smallMant;
  if (sum === 0n) return wrap(ZERO); // exact cancellation is +0 when rounding to nearest
  const neg = sum < 0n ? !big.neg : big.neg;
  const r = round(neg, sum < 0n ? -sum : sum, smallExp, false);
  return r === null ? null : wrap(r);
}

// ------------------------------------------------------------------------------ printing

const FRAC_DIGITS = 17;
const SCALE = pow10(FRAC_DIGITS);

/** printf("%.17Lf") with trailing zeros and '.' trimmed, and "-0" shown as "0". */
export function formatLongDouble(value: LongDouble): string {
  const v = unwrap(value);
  if (v.inf) return v.neg ? '-inf' : 'inf'; // never stored by Redis: the add refuses it
  if (v.mant === 0n) return '0';
  if (v.exp >= 0) return (v.neg ? '-' : '') + (v.mant << BigInt(v.exp)).toString();
  // Below 2^-58 everything rounds to 0.00000000000000000.
  if (v.exp + MANT_BITS <= -58) return '0';
  const s = BigInt(-v.exp);
  const scaled = v.mant * SCALE;
  let q = scaled >> s;
  const rem = scaled - (q << s);
  const half = 1n << (s - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  if (q === 0n) return '0';
  let digits = q.toString();
  let intPart: string;
  let frac: string;
  if (digits.length > FRAC_DIGITS) {
    intPart = digits.slice(0, digits.length - FRAC_DIGITS);
    frac = digits.slice(digits.length - FRAC_DIGITS);
  } else {
    intPart = '0';
    frac = digits.padStart(FRAC_DIGITS, '0');
  }
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  digits = end === 0 ? intPart : intPart + '.' + frac.slice(0, end);
  return v.neg ? '-' + digits : digits;
}
