// The thin adapter between scripting and the Lua engine (src/lua/): the few operations on Lua
// values the scripting layer needs, so the rest of src/scripting/ names no engine internals.
// Redis equivalent: the lua_* calls of script_lua.c.

import { LuaError, LuaFunction, LuaTable, numberToString, type LuaValue } from '../lua/index.js';

export type { LuaValue };
export type LuaTableValue = LuaTable;
export type LuaFunctionRef = LuaFunction;
export { LuaTable, LuaFunction };

/** A native function named `name`. */
export function nativeFunction(name: string, fn: (args: LuaValue[]) => LuaValue[]): LuaFunction {
  return new LuaFunction(name, fn);
}

export function newTable(): LuaTable {
  return new LuaTable();
}

export function isTable(v: LuaValue): v is LuaTable {
  return v instanceof LuaTable;
}

export function isFunction(v: LuaValue): v is LuaFunction {
  return v instanceof LuaFunction;
}

/** rawget. */
export function tget(t: LuaTable, key: string | number): LuaValue {
  return typeof key === 'string' ? t.getStr(key) : t.get(key);
}

/** rawset (ignores read-only protection: the host's own tables). */
export function tset(t: LuaTable, key: string | number | boolean, value: LuaValue): void {
  t.set(key, value);
}

/** Every key/value pair, in the engine's `next` order. */
export function tentries(t: LuaTable): [LuaValue, LuaValue][] {
  const out: [LuaValue, LuaValue][] = [];
  for (let entry = t.next(undefined); entry; entry = t.next(entry[0])) out.push(entry);
  return out;
}

/**
 * A table from an array of values, as lua_newtable + settable of 1..n builds it: without nils
 * that is an array part of the next power of two (LuaTable.fromArray, one allocation instead
 * of a rehash per power of two); nils (RESP3 nulls) take the step-by-step path.
 */
export function arrayTable(values: readonly LuaValue[]): LuaTable {
  if (!values.includes(undefined)) return LuaTable.fromArray(values as LuaValue[]);
  const t = new LuaTable();
  for (let i = 0; i < values.length; i++) t.set(i + 1, values[i]);
  return t;
}

/**
 * A one-field table: {err=...}, {ok=...}, {double=...}. Created with its one hash node, the
 * node vector lua_settable's rehash gives a new table's first key.
 */
export function fieldTable(field: string, value: LuaValue): LuaTable {
  const t = new LuaTable(0, 1);
  t.set(field, value);
  return t;
}

/** lua_tostring for the values that have one (strings and numbers), else null. */
export function luaToString(v: LuaValue): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberToString(v);
  return null;
}

let raiseObserver: ((value: LuaValue) => void) | null = null;

/** Who is told where host functions raise errors (the running VM records the position). */
export function observeRaises(observer: ((value: LuaValue) => void) | null): void {
  raiseObserver = observer;
}

/** Raised by native functions to make a Lua error with `value` (a string or a table). */
export class LuaThrow extends LuaError {
  constructor(value: LuaValue) {
    super(value);
    raiseObserver?.(value);
  }
}
