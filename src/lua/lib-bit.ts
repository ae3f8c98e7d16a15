// The `bit` library Redis loads (LuaBitOp 1.0.2): tobit, tohex, bnot, band, bor, bxor, lshift,
// rshift, arshift, rol, ror, bswap on 32-bit integers, with LuaBitOp's number conversion
// (adding 2^52+2^51 and keeping the low word, so 2^32+1 -> 1 and 0.5 -> 0).
// Redis equivalent: deps/lua/src/lua_bit.c.

import { tagError } from './aux.js';
import type { Runtime } from './runtime.js';
import { LuaTable, LuaFunction, strToNumber, type LuaValue } from './value.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function toBits(R: Runtime, args: LuaValue[], i: number): number {
  const v = args[i];
  let n = typeof v === 'number' ? v : typeof v === 'string' ? strToNumber(v) : undefined;
  if (n === undefined) n = 0;
  f64[0] = n + 6755399441055744.0;
  const b = u32[0] as number;
  if (b === 0 && typeof v !== 'number' && (typeof v !== 'string' || strToNumber(v) === undefined)) {
    tagError(R, args, i, 'number');
  }
  return b | 0;
}

export function openBit(R: Runtime): LuaTable {
  const t = new LuaTable();
  const def = (name: string, f: (a: LuaValue[]) => number | string): void => {
    t.set(name, new LuaFunction(name, (a) => [f(a)]));
  };
  const b = (a: LuaValue[], i: number): number => toBits(R, a, i);
  def('tobit', (a) => b(a, 0));
  def('bnot', (a) => ~b(a, 0));
  def('band', (a) => {
    let r = b(a, 0);
    for (let i = a.length - 1; i > 0; i--) r &= b(a, i);
    return r;
  });
  def('bor', (a) => {
    let r = b(a, 0);
    for (let i = a.length - 1; i > 0; i--) r |= b(a, i);
    return r;
  });
  def('bxor', (a) => {
    let r = b(a, 0);
    for (let i = a.length - 1; i > 0; i--) r ^= b(a, i);
    return r;
  });
  def('lshift', (a) => { const x = b(a, 0); return x << (b(a, 1) & 31); });
  def('rshift', (a) => { const x = b(a, 0); return (x >>> (b(a, 1) & 31)) | 0; });
  def('arshift', (a) => { const x = b(a, 0); return x >> (b(a, 1) & 31); });
  def('rol', (a) => {
    const x = b(a, 0);
    const n = b(a, 1) & 31;
    return (x << n) | (x >>> (32 - n));
  });
  def('ror', (a) => {
    const x = b(a, 0);
    const n = b(a, 1) & 31;
    return (x << (32 - n)) | (x >>> n);
  });
  def('bswap', (a) => {
    const x = b(a, 0);
    return ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) | 0;
  });
  def('tohex', (a) => {
    let x = b(a, 0) >>> 0;
    let n = a[1] === undefined ? 8 : b(a, 1);
    let digits = '0123456789abcdef';
    if (n < 0) {
      n = -n;
      digits = '0123456789ABCDEF';
    }
    if (n > 8) n = 8;
    let out = '';
    for (let i = 0; i < n; i++) {
      out = digits[x & 15] + out;
      x >>>= 4;
    }
    return out;
  });
  return t;
}
