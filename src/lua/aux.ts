// Argument checking for native library functions with lauxlib's messages: "bad argument #1 to
// 'rep' (string expected, got no value)", "calling 'x' on bad self", and the number and integer
// conversions of Lua 5.1 on x86-64. Redis equivalent: lauxlib.c (luaL_check*, luaL_opt*).

import type { Runtime } from './runtime.js';
import { LuaTable, LuaFunction, numberToString, strToNumber, typeName, type LuaValue, type NativeFn } from './value.js';

export function argError(R: Runtime, narg: number, extra: string): never {
  const s = R.ls[R.d];
  const fname = s === undefined ? '?' : s.fname;
  if (s !== undefined && s.method) {
    narg--;
    if (narg === 0) R.error(`calling '${fname}' on bad self (${extra})`);
  }
  R.error(`bad argument #${narg} to '${fname}' (${extra})`);
}

export function tagError(R: Runtime, args: LuaValue[], i: number, expected: string): never {
  const got = i >= args.length ? 'no value' : typeName(args[i]);
  argError(R, i + 1, `${expected} expected, got ${got}`);
}

export function checkAny(R: Runtime, args: LuaValue[], i: number): LuaValue {
  if (i >= args.length) argError(R, i + 1, 'value expected');
  return args[i];
}

export function checkTable(R: Runtime, args: LuaValue[], i: number): LuaTable {
  const v = args[i];
  if (!(v instanceof LuaTable)) tagError(R, args, i, 'table');
  return v;
}

export function checkNumber(R: Runtime, args: LuaValue[], i: number): number {
  const v = args[i];
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = strToNumber(v);
    if (n !== undefined) return n;
  }
  tagError(R, args, i, 'number');
}

export function optNumber(R: Runtime, args: LuaValue[], i: number, def: number): number {
  return args[i] === undefined ? def : checkNumber(R, args, i);
}

/** lua_Integer conversion on x86-64: truncation; out of range gives INT64_MIN. */
export function toInteger(n: number): number {
  if (n > -9.223372036854776e18 && n < 9.223372036854776e18) return Math.trunc(n);
  return -9223372036854775808;
}

/** luaL_checkint: the lua_Integer truncated to a C int. */
export function toInt(n: number): number {
  const i = toInteger(n);
  if (i >= -2147483648 && i <= 2147483647) return i;
  if (!Number.isSafeInteger(i)) return 0;
  return Number(BigInt.asIntN(32, BigInt(i)));
}

export function checkInt(R: Runtime, args: LuaValue[], i: number): number {
  return toInt(checkNumber(R, args, i));
}

export function optInt(R: Runtime, args: LuaValue[], i: number, def: number): number {
  return args[i] === undefined ? def : checkInt(R, args, i);
}

export function checkInteger(R: Runtime, args: LuaValue[], i: number): number {
  return toInteger(checkNumber(R, args, i));
}

export function checkString(R: Runtime, args: LuaValue[], i: number): string {
  const v = args[i];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberToString(v);
  tagError(R, args, i, 'string');
}

export function optString(R: Runtime, args: LuaValue[], i: number, def: string): string {
  return args[i] === undefined ? def : checkString(R, args, i);
}

export function fn(name: string, f: NativeFn): LuaFunction {
  return new LuaFunction(name, f);
}

/** A library table from a record of natives. */
export function lib(funcs: Record<string, NativeFn>): LuaTable {
  const t = new LuaTable();
  for (const [name, f] of Object.entries(funcs)) t.set(name, fn(name, f));
  return t;
}
