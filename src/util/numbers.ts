// Number parsing and formatting with Redis's exact rules: 64-bit integers as string2ll
// accepts them, doubles as strtod accepts them, and doubles printed as Redis 7.0 prints
// them (%.17g). Redis equivalent: util.c (string2ll, ld2string, d2string).

const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
export { INT64_MAX, INT64_MIN };

/**
 * Parses a string as a 64-bit signed integer with string2ll's rules: optional '-', no '+',
 * no leading zeros, no spaces, at most 20 chars. Returns a number when it is a safe integer,
 * a bigint when outside ±2^53, or null when not an integer in range.
 */
export function parseInt64(text: string): number | bigint | null {
  const length = text.length;
  if (length === 0 || length > 20) return null;
  let i = 0;
  const negative = text.charCodeAt(0) === 45;
  if (negative) {
    if (length === 1) return null;
    i = 1;
  }
  const first = text.charCodeAt(i);
  if (first === 48) return length === 1 ? 0 : null; // "0" only; "-0" and "01" are invalid
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < length; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  if (length - i <= 15) return Number(text);
  const big = BigInt(text);
  if (big < INT64_MIN || big > INT64_MAX) return null;
  if (big >= -9007199254740991n && big <= 9007199254740991n) return Number(big);
  return big;
}

/** Like parseInt64 but always a bigint. */
export function parseInt64Big(text: string): bigint | null {
  const v = parseInt64(text);
  return v === null ? null : BigInt(v);
}

/**
 * Parses a double as Redis's getDoubleFromObject does (strtod accepting the whole string,
 * no leading space, nan rejected). Accepts "inf", "+inf", "-inf", "infinity" (any case) and
 * hex floats are not supported (Redis accepts them via strtod; rare).
 */
export function parseDouble(text: string): number | null {
  const length = text.length;
  if (length === 0 || length > 5000) return null;
  const c0 = text.charCodeAt(0);
  if (c0 === 32 || c0 === 9 || c0 === 10 || c0 === 13 || c0 === 11 || c0 === 12) return null;
  const lower = length <= 9 ? text.toLowerCase() : '';
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') {
    return Infinity;
  }
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!DOUBLE_RE.test(text)) return null;
  const value = Number(text);
  if (Number.isNaN(value)) return null;
  return value;
}

const DOUBLE_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Formats like C's printf("%.17g"), which Redis 7.0 uses for double replies. */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return formatG(value, 17);
}

/** printf("%.<precision>g") for finite values. */
export function formatG(value: number, precision: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exp = value.toExponential(precision - 1); // d.ddddde±x
  const ePos = exp.indexOf('e');
  const exponent = Number(exp.slice(ePos + 1));
  if (exponent < -4 || exponent >= precision) {
    let mantissa = exp.slice(0, ePos);
    if (mantissa.includes('.')) mantissa = mantissa.replace(/\.?0+$/, '');
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return mantissa + 'e' + sign + digits;
  }
  let fixed = value.toFixed(Math.max(0, precision - 1 - exponent));
  if (fixed.includes('.')) fixed = fixed.replace(/\.?0+$/, '');
  return fixed;
}
