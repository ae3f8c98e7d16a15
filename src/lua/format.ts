// string.format of Lua 5.1 with C printf's conversions done exactly: %d %i %o %u %x %X %c %e %E
// %f %g %G %q %s %% with flags "-+ #0", width and precision; doubles are expanded to their exact
// decimal value and rounded half-to-even on exact ties, as glibc does.
// Redis equivalent: str_format in lstrlib.c over glibc's sprintf.

import { argError, checkNumber, checkString, toInteger } from './aux.js';
import type { Runtime } from './runtime.js';
import { setExactFormatter, type LuaValue } from './value.js';

setExactFormatter((n) => formatFloat(n, 'g', {
  minus: false, plus: false, space: false, hash: false, zero: false, width: 0, precision: 14,
}));

export interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  hash: boolean;
  zero: boolean;
  width: number;
  precision: number; // -1: none
}

/** The exact decimal expansion of a finite |x|: digits and the position of the point. */
function exactDecimal(x: number): { digits: string; point: number } {
  if (x === 0) return { digits: '0', point: 1 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (e >= 0) {
    const s = (mant << BigInt(e)).toString();
    return { digits: s, point: s.length };
  }
  const s = (mant * 5n ** BigInt(-e)).toString();
  return { digits: s, point: s.length + e };
}

/** Rounds exact digits to `keep` digits (half-even on exact ties); may carry into a new digit. */
function roundDigits(digits: string, keep: number): { digits: string; carry: boolean } {
  if (keep < 0) return { digits: '', carry: false };
  if (digits.length <= keep) return { digits: digits.padEnd(keep, '0'), carry: false };
  const head = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  let up = first > 5 || (first === 5 && /[1-9]/.test(rest.slice(1)));
  if (first === 5 && !up && !/[1-9]/.test(rest.slice(1))) {
    const last = keep === 0 ? 0 : head.charCodeAt(keep - 1) - 48;
    up = last % 2 === 1;
  }
  if (!up) return { digits: head, carry: false };
  if (keep === 0) return { digits: '1', carry: true };
  const n = (BigInt(head) + 1n).toString().padStart(keep, '0');
  if (n.length > keep) return { digits: n, carry: true };
  return { digits: n, carry: false };
}

/** %.<prec>f of a finite non-negative x. */
export function fixed(x: number, prec: number): string {
  const { digits, point } = exactDecimal(x);
  // digits with `point` digits before the decimal point (point may be <= 0)
  let all = point >= 0 ? digits : '0'.repeat(-point) + digits;
  let p = Math.max(point, 0);
  if (p === 0) {
    all = '0' + all;
    p = 1;
  }
  const r = roundDigits(all, p + prec);
  let intLen = p;
  if (r.carry) intLen++;
  const intPart = r.digits.slice(0, intLen).replace(/^0+(?=\d)/, '');
  const frac = r.digits.slice(intLen);
  return prec > 0 ? `${intPart}.${frac}` : intPart;
}

/** %.<prec>e parts: mantissa digits (prec+1 of them) and the decimal exponent. */
function expParts(x: number, prec: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '0'.repeat(prec + 1), exp: 0 };
  const { digits, point } = exactDecimal(x);
  const lead = digits.search(/[1-9]/);
  const sig = digits.slice(lead);
  let exp = point - lead - 1;
  const r = roundDigits(sig, prec + 1);
  let d = r.digits;
  if (r.carry) {
    exp++;
    d = d.slice(0, prec + 1);
  }
  return { digits: d, exp };
}

function expString(digits: string, exp: number, hash: boolean, upper: boolean): string {
  const m = digits.length > 1 || hash ? `${digits[0]}.${digits.slice(1)}` : digits;
  const es = (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  return m + (upper ? 'E' : 'e') + es;
}

function pad(body: string, sign: string, spec: Spec, zeroOk: boolean): string {
  const len = sign.length + body.length;
  if (len >= spec.width) return sign + body;
  if (spec.minus) return sign + body + ' '.repeat(spec.width - len);
  if (spec.zero && zeroOk) return sign + '0'.repeat(spec.width - len) + body;
  return ' '.repeat(spec.width - len) + sign + body;
}

export function formatFloat(x: number, conv: string, spec: Spec): string {
  const upper = conv === 'E' || conv === 'G';
  const neg = x < 0 || Object.is(x, -0) || (x !== x);
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  if (!Number.isFinite(x)) {
    const t = x !== x ? 'nan' : 'inf';
    return pad(upper ? t.toUpperCase() : t, sign, spec, false);
  }
  const a = Math.abs(x);
  const prec = spec.precision < 0 ? 6 : spec.precision;
  let body: string;
  if (conv === 'f') {
    body = fixed(a, prec);
    if (spec.hash && prec === 0) body += '.';
  } else if (conv === 'e' || conv === 'E') {
    const p = expParts(a, prec);
    body = expString(p.digits, p.exp, spec.hash, upper);
  } else {
    const P = prec === 0 ? 1 : prec;
    const p = expParts(a, P - 1);
    if (P > p.exp && p.exp >= -4) {
      body = fixed(a, P - 1 - p.exp);
      if (!spec.hash && body.includes('.')) body = body.replace(/\.?0+$/, '');
      else if (spec.hash && !body.includes('.')) body += '.';
    } else {
      let d = p.digits;
      if (!spec.hash) d = d.replace(/0+$/, '') || '0';
      body = expString(d, p.exp, spec.hash, upper);
    }
  }
  return pad(body, sign, spec, true);
}

export function formatInt(v: bigint, conv: string, spec: Spec): string {
  let sign = '';
  let mag = v;
  if (conv === 'd' || conv === 'i') {
    if (v < 0n) {
      sign = '-';
      mag = -v;
    } else if (spec.plus) sign = '+';
    else if (spec.space) sign = ' ';
  } else {
    mag = BigInt.asUintN(64, v);
  }
  const radix = conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10;
  let digits = mag.toString(radix);
  if (conv === 'X') digits = digits.toUpperCase();
  if (spec.precision >= 0) {
    if (spec.precision === 0 && mag === 0n) digits = '';
    digits = digits.padStart(spec.precision, '0');
  }
  if (spec.hash) {
    if (conv === 'o' && !digits.startsWith('0')) digits = '0' + digits;
    if ((conv === 'x' || conv === 'X') && mag !== 0n) sign += conv === 'x' ? '0x' : '0X';
  }
  return pad(digits, sign, spec, spec.precision < 0);
}

function quoted(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '"' || c === '\\' || c === '\n') out += '\\' + c;
    else if (c === '\r') out += '\\r';
    else if (c === '\0') out += '\\000';
    else out += c;
  }
  return out + '"';
}

/** (long)d as gcc on x86-64 converts: truncation, out of range gives LONG_MIN. */
function toLong(d: number): bigint {
  return BigInt(toInteger(d));
}

/** The flags, width and precision of the item at `start` (after its %); `end` is at the conversion. */
function parseSpec(R: Runtime, fmt: string, start: number): { spec: Spec; end: number } {
  let i = start;
  while (i < fmt.length && '-+ #0'.includes(fmt[i] as string)) i++;
  if (i - start > 5) R.error('invalid format (repeated flags)');
  const flags = fmt.slice(start, i);
  let width = '';
  let precision = '';
  let hasPrec = false;
  while (/[0-9]/.test(fmt[i] ?? '')) width += fmt[i++];
  if (fmt[i] === '.') {
    hasPrec = true;
    i++;
    while (/[0-9]/.test(fmt[i] ?? '')) precision += fmt[i++];
  }
  if (width.length > 2 || precision.length > 2) R.error('invalid format (width or precision too long)');
  const spec: Spec = {
    minus: flags.includes('-'), plus: flags.includes('+'), space: flags.includes(' '),
    hash: flags.includes('#'), zero: flags.includes('0'),
    width: width === '' ? 0 : Number(width), precision: hasPrec ? Number(precision || '0') : -1,
  };
  return { spec, end: i };
}

export function format(R: Runtime, args: LuaValue[]): string {
  const fmt = checkString(R, args, 0);
  let arg = 0;
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i] as string;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    if (fmt[i + 1] === '%') {
      out += '%';
      i++;
      continue;
    }
    if (++arg >= args.length) argError(R, arg + 1, 'no value');
    const parsed = parseSpec(R, fmt, ++i);
    const spec = parsed.spec;
    const hasPrec = spec.precision !== -1;
    i = parsed.end;
    const conv = fmt[i] ?? '';
    switch (conv) {
      case 'c': {
        // sprintf into a buffer, then strlen: a NUL character cuts the item short
        const item = pad(String.fromCharCode(Number(BigInt.asUintN(8, toLong(checkNumber(R, args, arg))))), '', spec, false);
        const nul = item.indexOf('\0');
        out += nul >= 0 ? item.slice(0, nul) : item;
        break;
      }
      case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
        out += formatInt(toLong(checkNumber(R, args, arg)), conv, spec);
        break;
      case 'e': case 'E': case 'f': case 'g': case 'G':
        out += formatFloat(checkNumber(R, args, arg), conv, spec);
        break;
      case 'q':
        out += quoted(checkString(R, args, arg));
        break;
      case 's': {
        const s = checkString(R, args, arg);
        if (!hasPrec && s.length >= 100) {
          out += s;
        } else {
          let t = s;
          const nul = t.indexOf('\0');
          if (nul >= 0) t = t.slice(0, nul);
          if (hasPrec) t = t.slice(0, spec.precision);
          out += pad(t, '', spec, false);
        }
        break;
      }
      default:
        R.error(`invalid option '%${conv}' to 'format'`);
    }
  }
  return out;
}
