// The Lua 5.1 math library, with Redis's math.random (its rand.c lrand48; redis-server 7.0 keeps
// the generator's state from one script to the next and math.randomseed(n) resets it, which
// gives the same sequence as Redis). Redis equivalent: lmathlib.c as patched by Redis
// (redisLrand48 / redisSrand48).

import { argError, checkInt, checkNumber, lib, toInt } from './aux.js';
import type { Runtime } from './runtime.js';
import type { LuaTable, LuaValue } from './value.js';

/** lrand48 as Redis's rand.c implements it: a 48-bit LCG, 31-bit outputs. */
export class Rand48 {
  /** rand.c's static initial state X2:X1:X0 = 0x1234:0xABCD:0x330E. */
  private x = 0x1234abcd330e;

  seed(v: number): void {
    const s = toInt(v) >>> 0;
    this.x = s * 65536 + 0x330e;
  }
  next(): number {
    // x = (0x5DEECE66D * x + 0xB) mod 2^48, in 24-bit halves to stay exact
    const xl = this.x % 16777216;
    const xh = Math.floor(this.x / 16777216);
    const al = 0xece66d;
    const ah = 0x5de;
    const lo = al * xl + 0xb;
    const mid = (ah * xl + al * xh + Math.floor(lo / 16777216)) % 16777216;
    this.x = mid * 16777216 + (lo % 16777216);
    return Math.floor(this.x / 131072);
  }
}

function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = x * 2 ** -e;
  while (Math.abs(m) < 0.5) { m *= 2; e--; }
  while (Math.abs(m) >= 1) { m /= 2; e++; }
  return [m, e];
}

function ldexp(m: number, e: number): number {
  if (e > 1023) {
    m *= 2 ** 1023;
    e -= 1023;
    if (e > 1023) { m *= 2 ** 1023; e -= 1023; }
  } else if (e < -1022) {
    m *= 2 ** -1022;
    e += 1022;
    if (e < -1022) { m *= 2 ** -1022; e += 1022; }
  }
  return m * 2 ** e;
}

// eslint-disable-next-line max-lines-per-function -- the library's table of builtins, one short closure per Lua function (as lmathlib.c lists them); split, it would be read in pieces
export function openMath(R: Runtime, rand: Rand48): LuaTable {
  const n = (a: LuaValue[]): number => checkNumber(R, a, 0);
  const t = lib({
    abs: (a) => [Math.abs(n(a))],
    ceil: (a) => [Math.ceil(n(a))],
    floor: (a) => [Math.floor(n(a))],
    sqrt: (a) => [Math.sqrt(n(a))],
    sin: (a) => [Math.sin(n(a))],
    cos: (a) => [Math.cos(n(a))],
    tan: (a) => [Math.tan(n(a))],
    asin: (a) => [Math.asin(n(a))],
    acos: (a) => [Math.acos(n(a))],
    atan: (a) => [Math.atan(n(a))],
    atan2: (a) => [Math.atan2(n(a), checkNumber(R, a, 1))],
    sinh: (a) => [Math.sinh(n(a))],
    cosh: (a) => [Math.cosh(n(a))],
    tanh: (a) => [Math.tanh(n(a))],
    exp: (a) => [Math.exp(n(a))],
    log: (a) => [Math.log(n(a))],
    log10: (a) => [Math.log10(n(a))],
    pow: (a) => [Math.pow(n(a), checkNumber(R, a, 1))],
    fmod: (a) => [n(a) % checkNumber(R, a, 1)],
    mod: (a) => [n(a) % checkNumber(R, a, 1)],
    modf: (a) => {
      const x = n(a);
      if (!Number.isFinite(x)) return x !== x ? [x, x] : [x, 0];
      const ip = x >= 0 ? Math.floor(x) : Math.ceil(x);
      return [ip, x - ip];
    },
    frexp: (a) => frexp(n(a)),
    ldexp: (a) => [ldexp(n(a), checkInt(R, a, 1))],
    deg: (a) => [n(a) * (180 / Math.PI)],
    rad: (a) => [n(a) * (Math.PI / 180)],
    min: (a) => {
      let m = n(a);
      for (let i = 1; i < a.length; i++) {
        const v = checkNumber(R, a, i);
        if (v < m) m = v;
      }
      return [m];
    },
    max: (a) => {
      let m = n(a);
      for (let i = 1; i < a.length; i++) {
        const v = checkNumber(R, a, i);
        if (v > m) m = v;
      }
      return [m];
    },
    random: (a) => {
      const r = (rand.next() % 2147483647) / 2147483647;
      if (a.length === 0) return [r];
      if (a.length === 1) {
        const u = checkInt(R, a, 0);
        if (!(1 <= u)) argError(R, 1, 'interval is empty');
        return [Math.floor(r * u) + 1];
      }
      if (a.length === 2) {
        const l = checkInt(R, a, 0);
        const u = checkInt(R, a, 1);
        if (!(l <= u)) argError(R, 2, 'interval is empty');
        return [Math.floor(r * (u - l + 1)) + l];
      }
      R.error('wrong number of arguments');
    },
    randomseed: (a) => {
      rand.seed(checkInt(R, a, 0));
      return [];
    },
  });
  t.set('pi', Math.PI);
  t.set('huge', Infinity);
  return t;
}
