// Doubles parsed exactly as C's strtod() accepts them in Redis's two calling styles: the
// strict getDoubleFromObject (no leading space, no overflow or underflow to zero, whole string)
// and the lenient zslParseRange (leading space allowed, empty string is 0, ERANGE ignored).
// Both accept what glibc's strtod accepts: decimal and hexadecimal floats, inf/infinity, in
// any case, with an optional sign. NaN is rejected by both callers, so it is never returned.
// Redis equivalent: getDoubleFromObject (object.c) and zslParseRange (t_zset.c).

interface Parsed {
  value: number;
  /** strtod would set errno = ERANGE: the literal overflowed, or a non-zero one became 0. */
  erange: boolean;
}

const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)(inf|infinity)$/i;
const NONZERO_DIGIT_RE = /[1-9a-fA-F]/;

/** Whitespace as C's isspace() sees it in the C locale. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** The whole of `text` as one strtod literal (no leading space), or null. */
function parseLiteral(text: string): Parsed | null {
  if (DECIMAL_RE.test(text)) {
    const value = Number(text);
    const mantissa = text.replace(/[eE].*$/, '');
    const erange = !Number.isFinite(value) || (value === 0 && /[1-9]/.test(mantissa));
    return { value, erange };
  }
  const inf = INF_RE.exec(text);
  if (inf !== null) return { value: inf[1] === '-' ? -Infinity : Infinity, erange: false };
  const hex = HEX_RE.exec(text);
  if (hex !== null) return parseHex(hex[1] === '-', hex[2] as string, hex[3]);
  return null;
}

function parseHex(negative: boolean, digits: string, exponentText: string | undefined): Parsed {
  const point = digits.indexOf('.');
  const whole = point === -1 ? digits : digits.slice(0, point) + digits.slice(point + 1);
  const fractionDigits = point === -1 ? 0 : digits.length - point - 1;
  const exponent = Number(exponentText ?? '0') - 4 * fractionDigits;
  const mantissa = whole.length === 0 ? 0n : BigInt('0x' + whole);
  // Scale in two steps so that a huge exponent does not turn 2**exponent into 0 or Infinity
  // before the mantissa's own size is taken into account.
  const half = Math.trunc(exponent / 2);
  let value = Number(mantissa) * 2 ** half * 2 ** (exponent - half);
  if (Number.isNaN(value)) value = 0;
  const erange = !Number.isFinite(value) || (value === 0 && NONZERO_DIGIT_RE.test(whole));
  return { value: negative ? -value : value, erange };
}

/**
 * getDoubleFromObject's rules: the whole string, no leading whitespace, not empty, not NaN,
 * and no ERANGE overflow or underflow to zero. Returns null when Redis replies "not a float".
 */
export function parseStrictDouble(text: string): number | null {
  if (text.length === 0 || isSpace(text.charCodeAt(0))) return null;
  const parsed = parseLiteral(text);
  if (parsed === null || parsed.erange) return null;
  return parsed.value;
}

/**
 * zslParseRange's rules: strtod over the whole string with leading whitespace skipped and
 * ERANGE ignored; the empty string converts nothing and is 0. Returns null on garbage or NaN.
 */
export function parseLenientDouble(text: string): number | null {
  if (text.length === 0) return 0;
  let start = 0;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  const parsed = parseLiteral(text.slice(start));
  return parsed === null ? null : parsed.value;
}

/**
 * SORT's rules for a score: strtod over the C string (up to a NUL byte), leading whitespace
 * skipped, the empty string is 0; trailing garbage, NaN and ERANGE are errors (null).
 */
export function parseSortDouble(text: string): number | null {
  const nul = text.indexOf('\0');
  const s = nul === -1 ? text : text.slice(0, nul);
  if (s.length === 0) return 0;
  let start = 0;
  while (start < s.length && isSpace(s.charCodeAt(start))) start++;
  const parsed = parseLiteral(s.slice(start));
  if (parsed === null || parsed.erange || Number.isNaN(parsed.value)) return null;
  return parsed.value;
}
