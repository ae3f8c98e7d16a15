// The `cmsgpack` library Redis loads (lua-cmsgpack 0.4.0): pack of any number of values
// (integers vs float32/float64 as it decides, str8/16/32, arrays when keys are exactly 1..n,
// maps otherwise, nesting cut to nil at 16 levels) and unpack/unpack_one/unpack_limit with its
// error texts. Redis equivalent: deps/lua/src/lua_cmsgpack.c.

import { argError, checkInteger, checkString } from './aux.js';
import type { Runtime } from './runtime.js';
import { LuaFunction, LuaTable, type LuaValue } from './value.js';

const MAX_NESTING = 16;
const dv = new DataView(new ArrayBuffer(8));

function be(n: number, bytes: number): string {
  let out = '';
  for (let i = bytes - 1; i >= 0; i--) out += String.fromCharCode(Math.floor(n / 2 ** (8 * i)) % 256);
  return out;
}

function encodeInt(n: bigint): string {
  if (n >= 0n) {
    if (n <= 127n) return String.fromCharCode(Number(n));
    if (n <= 0xffn) return '\xcc' + be(Number(n), 1);
    if (n <= 0xffffn) return '\xcd' + be(Number(n), 2);
    if (n <= 0xffffffffn) return '\xce' + be(Number(n), 4);
    return '\xcf' + be64(n);
  }
  if (n >= -32n) return String.fromCharCode(Number(n) & 0xff);
  if (n >= -128n) return '\xd0' + String.fromCharCode(Number(n) & 0xff);
  if (n >= -32768n) return '\xd1' + be(Number(n) + 65536, 2);
  if (n >= -2147483648n) return '\xd2' + be(Number(n) + 4294967296, 4);
  return '\xd3' + be64(BigInt.asUintN(64, n));
}

function be64(n: bigint): string {
  let out = '';
  for (let i = 7; i >= 0; i--) out += String.fromCharCode(Number((n >> BigInt(8 * i)) & 0xffn));
  return out;
}

function encodeNumber(n: number): string {
  if (Number.isFinite(n) && n >= -9223372036854775808 && n < 9223372036854775808 && Math.trunc(n) === n) {
    return encodeInt(BigInt(n));
  }
  if (n !== n) return '\xcb\xff\xf8\x00\x00\x00\x00\x00\x00';
  const f = Math.fround(n);
  if (f === n) {
    dv.setFloat32(0, n);
    let out = '\xca';
    for (let i = 0; i < 4; i++) out += String.fromCharCode(dv.getUint8(i));
    return out;
  }
  dv.setFloat64(0, n);
  let out = '\xcb';
  for (let i = 0; i < 8; i++) out += String.fromCharCode(dv.getUint8(i));
  return out;
}

function encodeString(s: string): string {
  const l = s.length;
  if (l < 32) return String.fromCharCode(0xa0 | l) + s;
  if (l <= 0xff) return '\xd9' + be(l, 1) + s;
  if (l <= 0xffff) return '\xda' + be(l, 2) + s;
  return '\xdb' + be(l, 4) + s;
}

function isArray(t: LuaTable): boolean {
  let count = 0;
  let max = 0;
  let k: LuaValue = undefined;
  for (;;) {
    const r = t.next(k);
    if (r === undefined || r === null) break;
    k = r[0];
    if (typeof k !== 'number' || k <= 0 || !(k < 2147483648 && Math.trunc(k) === k)) return false;
    if (k > max) max = k;
    count++;
  }
  return max === count;
}

function encode(R: Runtime, v: LuaValue, level: number): string {
  if (v instanceof LuaTable && level === MAX_NESTING) v = undefined;
  switch (typeof v) {
    case 'string': return encodeString(v);
    case 'boolean': return v ? '\xc3' : '\xc2';
    case 'number': return encodeNumber(v);
    default:
  }
  if (!(v instanceof LuaTable)) return '\xc0';
  if (isArray(v)) {
    const len = v.length();
    let out = len <= 15 ? String.fromCharCode(0x90 | len) : len <= 0xffff ? '\xdc' + be(len, 2) : '\xdd' + be(len, 4);
    for (let j = 1; j <= len; j++) out += encode(R, R.index(v, j, R.ls[R.d] as never), level + 1);
    return out;
  }
  const entries: [LuaValue, LuaValue][] = [];
  v.forEach((k, val) => entries.push([k, val]));
  const len = entries.length;
  let out = len <= 15 ? String.fromCharCode(0x80 | len) : len <= 0xffff ? '\xde' + be(len, 2) : '\xdf' + be(len, 4);
  for (const [k, val] of entries) out += encode(R, k, level + 1) + encode(R, val, level + 1);
  return out;
}

class Missing extends Error {}
class BadFormat extends Error {}

class Cursor {
  readonly s: string;
  p: number;
  constructor(s: string, p: number) {
    this.s = s;
    this.p = p;
  }
  need(n: number): void {
    if (this.s.length - this.p < n) throw new Missing();
  }
  uint(n: number): number {
    this.need(n);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.s.charCodeAt(this.p + i);
    this.p += n;
    return v;
  }
  big(): bigint {
    this.need(8);
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(this.s.charCodeAt(this.p + i));
    this.p += 8;
    return v;
  }
  float(n: number): number {
    this.need(n);
    for (let i = 0; i < n; i++) dv.setUint8(i, this.s.charCodeAt(this.p + i));
    this.p += n;
    return n === 4 ? dv.getFloat32(0) : dv.getFloat64(0);
  }
  str(n: number): string {
    this.need(n);
    const v = this.s.substr(this.p, n);
    this.p += n;
    return v;
  }
}

function decode(R: Runtime, c: Cursor): LuaValue {
  c.need(1);
  const b = c.s.charCodeAt(c.p++);
  switch (b) {
    case 0xcc: return c.uint(1);
    case 0xd0: { const v = c.uint(1); return v >= 128 ? v - 256 : v; }
    case 0xcd: return c.uint(2);
    case 0xd1: { const v = c.uint(2); return v >= 32768 ? v - 65536 : v; }
    case 0xce: return c.uint(4);
    case 0xd2: { const v = c.uint(4); return v >= 2147483648 ? v - 4294967296 : v; }
    case 0xcf: return Number(BigInt.asIntN(64, c.big())); // Redis's build reads it as int64
    case 0xd3: return Number(BigInt.asIntN(64, c.big()));
    case 0xc0: return undefined;
    case 0xc3: return true;
    case 0xc2: return false;
    case 0xca: return c.float(4);
    case 0xcb: return c.float(8);
    case 0xd9: return c.str(c.uint(1));
    case 0xda: return c.str(c.uint(2));
    case 0xdb: return c.str(c.uint(4));
    case 0xdc: return array(R, c, c.uint(2));
    case 0xdd: return array(R, c, c.uint(4));
    case 0xde: return map(R, c, c.uint(2));
    case 0xdf: return map(R, c, c.uint(4));
    default:
  }
  if ((b & 0x80) === 0) return b;
  if ((b & 0xe0) === 0xe0) return b - 256;
  if ((b & 0xe0) === 0xa0) return c.str(b & 0x1f);
  if ((b & 0xf0) === 0x90) return array(R, c, b & 0xf);
  if ((b & 0xf0) === 0x80) return map(R, c, b & 0xf);
  throw new BadFormat();
}

function array(R: Runtime, c: Cursor, n: number): LuaTable {
  const values: LuaValue[] = [];
  let holes = false;
  for (let j = 0; j < n; j++) {
    const v = decode(R, c);
    if (v === undefined) holes = true;
    values.push(v);
  }
  if (!holes) return LuaTable.fromOwnedArray(values);
  // a nil element makes the table's growth (and so its array part) differ: set them in order
  const t = new LuaTable();
  for (let j = 0; j < n; j++) t.set(j + 1, values[j]);
  return t;
}

function map(R: Runtime, c: Cursor, n: number): LuaTable {
  const t = new LuaTable();
  for (let j = 0; j < n; j++) {
    const k = decode(R, c);
    const v = decode(R, c);
    if (k === undefined) throw new LuaKeyError('table index is nil');
    if (k !== k) throw new LuaKeyError('table index is NaN');
    t.set(k, v);
  }
  return t;
}

class LuaKeyError extends Error {}

function unpackFull(R: Runtime, s: string, limit: number, offset: number): LuaValue[] {
  const decodeAll = limit === 0 && offset === 0;
  if (offset < 0 || limit < 0) R.error(`Invalid request to unpack with offset of ${offset} and limit of ${s.length}.`);
  if (offset > s.length) R.error(`Start offset ${offset} greater than input length ${s.length}.`);
  if (decodeAll) limit = 2147483647;
  const c = new Cursor(s, offset);
  const out: LuaValue[] = [];
  try {
    for (let cnt = 0; c.p < s.length && cnt < limit; cnt++) out.push(decode(R, c));
  } catch (e) {
    if (e instanceof Missing) R.error('Missing bytes in input.');
    if (e instanceof BadFormat) R.error('Bad data format in input.');
    if (e instanceof LuaKeyError) R.rtError(e.message, { line: -1, chunk: '' } as never);
    throw e;
  }
  if (!decodeAll) out.unshift(c.p >= s.length ? -1 : c.p);
  return out;
}

export function openCmsgpack(R: Runtime): LuaTable {
  const t = new LuaTable();
  const def = (name: string, f: (a: LuaValue[]) => LuaValue[]): void => t.set(name, new LuaFunction(name, f));
  def('pack', (a) => {
    if (a.length === 0) argError(R, 0, 'MessagePack pack needs input.');
    let out = '';
    for (const v of a) out += encode(R, v, 0);
    return [out];
  });
  def('unpack', (a) => unpackFull(R, checkString(R, a, 0), 0, 0));
  def('unpack_one', (a) => {
    const offset = a[1] === undefined ? 0 : checkInteger(R, a, 1);
    return unpackFull(R, checkString(R, a, 0), 1, offset);
  });
  def('unpack_limit', (a) => {
    const limit = checkInteger(R, a, 1);
    const offset = a[2] === undefined ? 0 : checkInteger(R, a, 2);
    return unpackFull(R, checkString(R, a, 0), limit, offset);
  });
  t.set('_NAME', 'cmsgpack');
  t.set('_VERSION', 'lua-cmsgpack 0.4.0');
  t.set('_COPYRIGHT', 'Copyright (C) 2012, Salvatore Sanfilippo');
  t.set('_DESCRIPTION', 'MessagePack C implementation for Lua');
  return t;
}
