// The `struct` library Redis loads (Roberto Ierusalimschy's struct.c with Redis's bounds
// fixes): pack, unpack and size over the format language > < = ! x b B h H l L T i[n] I[n] f d
// s c[n], with its alignment rules and error texts. Redis equivalent: deps/lua/src/lua_struct.c.

import { argError, checkInteger, checkNumber, checkString, lib } from './aux.js';
import type { Runtime } from './runtime.js';
import type { LuaTable, LuaValue } from './value.js';

const MAXINTSIZE = 32;
const MAXALIGN = 8;

interface Header {
  little: boolean;
  align: number;
}

class Fmt {
  readonly s: string;
  p = 0;
  constructor(s: string) {
    const nul = s.indexOf('\0');
    this.s = nul >= 0 ? s.slice(0, nul) : s;
  }
  more(): boolean {
    return this.p < this.s.length;
  }
  num(R: Runtime, def: number): number {
    if (!/[0-9]/.test(this.s[this.p] ?? '')) return def;
    let a = 0;
    while (/[0-9]/.test(this.s[this.p] ?? '')) {
      const d = this.s.charCodeAt(this.p) - 48;
      if (a > Math.floor(2147483647 / 10) || a * 10 > 2147483647 - d) R.error('integral size overflow');
      a = a * 10 + d;
      this.p++;
    }
    return a;
  }
}

function optSize(R: Runtime, opt: string, f: Fmt): number {
  switch (opt) {
    case 'B': case 'b': return 1;
    case 'H': case 'h': return 2;
    case 'L': case 'l': case 'T': return 8;
    case 'f': return 4;
    case 'd': return 8;
    case 'x': return 1;
    case 'c': return f.num(R, 1);
    case 'i': case 'I': {
      const sz = f.num(R, 4);
      if (sz > MAXINTSIZE) R.error(`integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
      return sz;
    }
    default: return 0;
  }
}

function toAlign(len: number, h: Header, opt: string, size: number): number {
  if (size === 0 || opt === 'c') return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function control(R: Runtime, opt: string, f: Fmt, h: Header): void {
  switch (opt) {
    case ' ': return;
    case '>': h.little = false; return;
    case '<': h.little = true; return;
    case '=': h.little = true; return;
    case '!': {
      const a = f.num(R, MAXALIGN);
      if ((a & (a - 1)) !== 0) R.error(`alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default: argError(R, 1, `invalid format option '${opt}'`);
  }
}

/** (Uinttype) of a double as x86-64 converts it. */
function toU64(n: number): bigint {
  if (n !== n) return 0x8000000000000000n;
  if (n < 0) {
    if (n <= -9223372036854775808) return 0x8000000000000000n;
    return BigInt.asUintN(64, BigInt(Math.trunc(n)));
  }
  if (n >= 18446744073709551616) return 0n;
  return BigInt(Math.trunc(n));
}

function putInt(n: number, little: boolean, size: number): string {
  let v = toU64(n);
  const bytes: number[] = new Array<number>(size).fill(0);
  for (let i = 0; i < size; i++) {
    const idx = little ? i : size - 1 - i;
    bytes[idx] = Number(v & 0xffn);
    v >>= 8n;
  }
  return String.fromCharCode(...bytes);
}

function getInt(data: string, pos: number, format: { little: boolean; signed: boolean; size: number }): number {
  const { little, signed, size } = format;
  let l = 0n;
  for (let i = 0; i < size; i++) {
    const c = data.charCodeAt(little ? pos + size - 1 - i : pos + i);
    l = BigInt.asUintN(64, (l << 8n) | BigInt(c));
  }
  if (!signed) return Number(l);
  const mask = BigInt.asUintN(64, 0xffffffffffffffffn << BigInt((size * 8 - 1) % 64));
  if ((l & mask) !== 0n) l |= mask;
  return Number(BigInt.asIntN(64, l));
}

function floatBytes(x: number, size: number, little: boolean): string {
  const dv = new DataView(new ArrayBuffer(8));
  if (size === 4) dv.setFloat32(0, x, little);
  else dv.setFloat64(0, x, little);
  let out = '';
  for (let i = 0; i < size; i++) out += String.fromCharCode(dv.getUint8(i));
  return out;
}

function readFloat(data: string, pos: number, size: number, little: boolean): number {
  const dv = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < size; i++) dv.setUint8(i, data.charCodeAt(pos + i));
  return size === 4 ? dv.getFloat32(0, little) : dv.getFloat64(0, little);
}

function pack(R: Runtime, a: LuaValue[]): LuaValue[] {
  const f = new Fmt(checkString(R, a, 0));
  const h: Header = { little: true, align: 1 };
  let arg = 1;
  let total = 0;
  let out = '';
  while (f.more()) {
    const opt = f.s[f.p++] as string;
    let size = optSize(R, opt, f);
    const align = toAlign(total, h, opt, size);
    total += align;
    out += '\0'.repeat(align);
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        out += putInt(checkNumber(R, a, arg++), h.little, size);
        break;
      case 'x': out += '\0'; break;
      case 'f': case 'd': out += floatBytes(checkNumber(R, a, arg++), size, h.little); break;
      case 'c': case 's': {
        const s = checkString(R, a, arg++);
        if (size === 0) size = s.length;
        if (s.length < size) argError(R, arg + 1, 'string too short');
        out += s.slice(0, size);
        if (opt === 's') {
          out += '\0';
          size++;
        }
        break;
      }
      default: control(R, opt, f, h);
    }
    total += size;
  }
  return [out];
}

function unpack(R: Runtime, a: LuaValue[]): LuaValue[] {
  const f = new Fmt(checkString(R, a, 0));
  const data = checkString(R, a, 1);
  const ld = data.length;
  let pos = (a[2] === undefined ? 1 : checkInteger(R, a, 2)) - 1;
  if (pos < 0) pos = Number.MAX_SAFE_INTEGER; // size_t wrap-around: every read is "too short"
  const h: Header = { little: true, align: 1 };
  const out: LuaValue[] = [];
  while (f.more()) {
    const opt = f.s[f.p++] as string;
    let size = optSize(R, opt, f);
    pos += toAlign(pos, h, opt, size);
    if (!(size <= ld && pos <= ld - size)) argError(R, 2, 'data string too short');
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        out.push(getInt(data, pos, { little: h.little, signed: opt === opt.toLowerCase(), size }));
        break;
      case 'x': break;
      case 'f': case 'd': out.push(readFloat(data, pos, size, h.little)); break;
      case 'c': {
        if (size === 0) {
          const prev = out[out.length - 1];
          if (typeof prev !== 'number') R.error("format `c0' needs a previous size");
          size = Math.trunc(prev);
          out.pop();
          if (!(size <= ld && pos <= ld - size)) argError(R, 2, 'data string too short');
        }
        out.push(data.substr(pos, size));
        break;
      }
      case 's': {
        const e = data.indexOf('\0', pos);
        if (e < 0) R.error('unfinished string in data');
        size = e - pos + 1;
        out.push(data.slice(pos, e));
        break;
      }
      default: control(R, opt, f, h);
    }
    pos += size;
  }
  out.push(pos + 1);
  return out;
}

function size(R: Runtime, a: LuaValue[]): LuaValue[] {
  const f = new Fmt(checkString(R, a, 0));
  const h: Header = { little: true, align: 1 };
  let pos = 0;
  while (f.more()) {
    const opt = f.s[f.p++] as string;
    const sz = optSize(R, opt, f);
    pos += toAlign(pos, h, opt, sz);
    if (opt === 's') argError(R, 1, "option 's' has no fixed size");
    if (opt === 'c' && sz === 0) argError(R, 1, "option 'c0' has no fixed size");
    if (!/[a-zA-Z0-9]/.test(opt)) control(R, opt, f, h);
    pos += sz;
  }
  return [pos];
}

export function openStruct(R: Runtime): LuaTable {
  return lib({ pack: (a) => pack(R, a), unpack: (a) => unpack(R, a), size: (a) => size(R, a) });
}
