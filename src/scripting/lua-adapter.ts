// The thin adapter between scripting and the Lua engine: the few operations on Lua values the
// scripting layer needs (tables, strings, numbers, booleans, nil), so the rest of src/scripting/
// never depends on the engine's internals. Redis equivalent: the lua_* calls of script_lua.c.
// Until the engine lands this holds a stand-in table type, enough for the conversions' tests.

/** nil is undefined. */
export type LuaValue = undefined | boolean | number | string | LuaTableRef | LuaFunctionRef;

export type LuaTableValue = LuaTableRef;

export class LuaTableRef {
  readonly hash = new Map<unknown, LuaValue>();
}

export class LuaFunctionRef {
  readonly call: (args: LuaValue[]) => LuaValue[];
  constructor(call: (args: LuaValue[]) => LuaValue[]) {
    this.call = call;
  }
}

/** A native function named `name` (for error messages and tostring). */
export function nativeFunction(name: string, fn: (args: LuaValue[]) => LuaValue[]): LuaFunctionRef {
  void name;
  return new LuaFunctionRef(fn);
}

export function newTable(): LuaTableRef {
  return new LuaTableRef();
}

export function isTable(v: LuaValue): v is LuaTableRef {
  return v instanceof LuaTableRef;
}

export function isFunction(v: LuaValue): v is LuaFunctionRef {
  return v instanceof LuaFunctionRef;
}

/** rawget. */
export function tget(t: LuaTableRef, key: string | number): LuaValue {
  return t.hash.get(key);
}

/** rawset; a nil value removes the key. */
export function tset(t: LuaTableRef, key: string | number | boolean, value: LuaValue): void {
  if (value === undefined) t.hash.delete(key);
  else t.hash.set(key, value);
}

/** Every key/value pair, in the engine's `next` order. */
export function tentries(t: LuaTableRef): [LuaValue, LuaValue][] {
  return [...t.hash] as [LuaValue, LuaValue][];
}

/** A table from an array of values: {v1, v2, ...}. */
export function arrayTable(values: readonly LuaValue[]): LuaTableRef {
  const t = newTable();
  for (let i = 0; i < values.length; i++) tset(t, i + 1, values[i]);
  return t;
}

/** A one-field table: {err=...}, {ok=...}, {double=...}. */
export function fieldTable(field: string, value: LuaValue): LuaTableRef {
  const t = newTable();
  tset(t, field, value);
  return t;
}

/** Lua's lua_tostring for the values that have one (strings and numbers), else null. */
export function luaToString(v: LuaValue): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatLuaNumber(v);
  return null;
}

/** Lua 5.1's "%.14g". */
export function formatLuaNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  if (Number.isNaN(n)) return n > 0 ? 'nan' : '-nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  let text = n.toPrecision(14);
  if (text.includes('e')) {
    let [mantissa, exponent] = text.split('e') as [string, string];
    if (mantissa.includes('.')) mantissa = mantissa.replace(/0+$/, '').replace(/\.$/, '');
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    text = `${mantissa}e${sign}${digits}`;
  } else if (text.includes('.')) {
    text = text.replace(/0+$/, '').replace(/\.$/, '');
  }
  return text;
}

/** Raised by native functions to make a Lua error with `value` (a string or a table). */
export class LuaThrow extends Error {
  readonly value: LuaValue;
  constructor(value: LuaValue) {
    super(typeof value === 'string' ? value : 'lua error');
    this.value = value;
  }
}
