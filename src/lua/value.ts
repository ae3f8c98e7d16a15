// Lua 5.1 values for the script engine: nil is undefined, booleans and numbers (doubles) are JS
// primitives, strings are latin1 JS strings (one char per byte), and tables, functions,
// coroutines and userdata are the classes below. Redis equivalent: lobject.h / ltable.c of the
// Lua 5.1 interpreter that Redis embeds (deps/lua).

import { LuaTable } from './table.js';

export { LuaTable };

/** A Lua value. nil is `undefined`. */
export type LuaValue = undefined | boolean | number | string | LuaTable | LuaFunction | LuaCoroutine | LuaUserdata;

/** A native function: receives its arguments, returns its results (never mutate the array after). */
export type NativeFn = (args: LuaValue[]) => LuaValue[];

/** A function that may suspend (Lua functions and the few natives that call Lua yieldably). */
export type GenFn = (args: LuaValue[]) => Generator<unknown, LuaValue[], unknown>;

/** A local captured by closures: the closures and the declaring function share the cell. */
export interface UpvalueCell {
  v: LuaValue;
}

const NO_CELLS: UpvalueCell[] = [];

/** Lua function value: exactly one of `native` and `gen` is set. */
export class LuaFunction {
  readonly name: string;
  readonly native: NativeFn | null;
  readonly gen: GenFn | null;
  /** The environment table (getfenv/setfenv); null: the state's globals. */
  env: LuaTable | null = null;
  /** A compiled closure's upvalues, in the order its code indexes them. */
  u: UpvalueCell[] = NO_CELLS;
  /**
   * What compiled code may call without a generator: the native, or the plain-function form
   * of a Lua leaf whose callees are all natives (see leaf.ts); null: call `gen`.
   */
  direct: NativeFn | null;
  constructor(name: string, native: NativeFn | null, gen: GenFn | null = null) {
    this.name = name;
    this.native = native;
    this.gen = gen;
    this.direct = native;
  }
}

/** A coroutine (type 'thread'); the driver lives in lib-coroutine.ts. */
export class LuaCoroutine {
  status: 'suspended' | 'running' | 'normal' | 'dead' = 'suspended';
  gen: Generator<unknown, LuaValue[], unknown> | null = null;
  readonly fn: LuaValue;
  constructor(fn: LuaValue) {
    this.fn = fn;
  }
}

/** Light/full userdata (cjson.null is one). */
export class LuaUserdata {
  readonly label: string;
  mt: LuaTable | null = null;
  constructor(label: string) {
    this.label = label;
  }
}

/** A Lua error in flight: `value` is what error() raised (often "chunk:line: message"). */
export class LuaError extends Error {
  readonly value: LuaValue;
  /**
   * Where the error happened, set when it leaves LuaState.call/step: the chunk (as shown in
   * messages, e.g. "user_script") and line of the Lua code that raised it, or that called the
   * native that raised it (what Redis's error handler reads with debug.getinfo). -1: unknown.
   */
  chunk = '';
  line = -1;
  constructor(value: LuaValue) {
    super(typeof value === 'string' ? value : 'lua error object');
    this.value = value;
  }
}

export const EMPTY: LuaValue[] = [];
Object.freeze(EMPTY);

export function typeName(v: LuaValue): string {
  switch (typeof v) {
    case 'undefined': return 'nil';
    case 'boolean': return 'boolean';
    case 'number': return 'number';
    case 'string': return 'string';
    default:
      if (v instanceof LuaTable) return 'table';
      if (v instanceof LuaFunction) return 'function';
      if (v instanceof LuaCoroutine) return 'thread';
      return 'userdata';
  }
}

// Stable fake addresses for tostring(table) etc.: "table: 0x55c5b154edf0"-like.
const ids = new WeakMap<object, number>();
let nextId = 0x55a0c0de0000;
export function addressOf(o: object): string {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId;
    nextId += 0x40;
    ids.set(o, id);
  }
  return '0x' + id.toString(16);
}

/** %.14g as Lua 5.1's LUAI_NUMFFORMAT, with glibc's inf/-inf/nan spellings. */
export function numberToString(n: number): string {
  if (Number.isInteger(n)) {
    if (Math.abs(n) < 1e14) return Object.is(n, -0) ? '-0' : String(n);
    if (Number.isFinite(n)) return bigIntegerToString(n);
  }
  if (n !== n) return '-nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  const s = formatG14(n);
  // toExponential/toFixed round half up; C rounds exact ties to even: redo those exactly.
  return maybeTie(n) ? formatG14Exact(n) : s;
}

/**
 * %.14g of an integer of 15 digits or more (scores, timestamps * 4096): its exact decimal
 * digits rounded to 14 significant ones, ties to even as C does, in exponent form.
 */
function bigIntegerToString(n: number): string {
  const abs = Math.abs(n);
  const digits = abs <= Number.MAX_SAFE_INTEGER ? String(abs) : BigInt(abs).toString();
  let exponent = digits.length - 1;
  let kept = digits.slice(0, 14);
  const next = digits.charCodeAt(14) - 48;
  const rest = digits.slice(15);
  const odd = (kept.charCodeAt(13) - 48) % 2 === 1;
  if (next > 5 || (next === 5 && (odd || /[1-9]/.test(rest)))) {
    const up = String(BigInt(kept) + 1n);
    if (up.length > 14) exponent++;
    kept = up.slice(0, 14);
  }
  let mantissa = kept.replace(/0+$/, '');
  mantissa = mantissa.length > 1 ? mantissa[0] + '.' + mantissa.slice(1) : mantissa;
  return (n < 0 ? '-' : '') + mantissa + 'e+' + String(exponent).padStart(2, '0');
}

let exactFormatter: ((n: number) => string) | null = null;
/** format.ts registers the exact %.14g (kept out of this module to avoid an import cycle). */
export function setExactFormatter(f: (n: number) => string): void {
  exactFormatter = f;
}
function formatG14Exact(n: number): string {
  return exactFormatter === null ? formatG14(n) : exactFormatter(n);
}
/** Whether the 15th significant digit onwards could be an exact tie (…5000…). */
function maybeTie(n: number): boolean {
  const p = Math.abs(n).toPrecision(21);
  const digits = p.replace(/e.*$/, '').replace('.', '').replace(/^0+/, '');
  return digits.length > 14 && digits[14] === '5' && /^5?0*$/.test(digits.slice(14, 21));
}

function formatG14(value: number): string {
  const exp = value.toExponential(13);
  const ePos = exp.indexOf('e');
  const exponent = Number(exp.slice(ePos + 1));
  if (exponent < -4 || exponent >= 14) {
    let mantissa = exp.slice(0, ePos);
    if (mantissa.includes('.')) mantissa = mantissa.replace(/\.?0+$/, '');
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return mantissa + 'e' + (exponent < 0 ? '-' : '+') + digits;
  }
  let fixed = value.toFixed(13 - exponent);
  if (fixed.includes('.')) fixed = fixed.replace(/\.?0+$/, '');
  return fixed;
}

/** tostring() without metamethods. */
export function rawToString(v: LuaValue): string {
  switch (typeof v) {
    case 'undefined': return 'nil';
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return numberToString(v);
    case 'string': return v;
    default:
      if (v instanceof LuaFunction) return 'function: ' + addressOf(v);
      if (v instanceof LuaUserdata && v.label !== '') return v.label;
      return typeName(v) + ': ' + addressOf(v);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

const DEC_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEXINT_RE = /^[+-]?0[xX][0-9a-fA-F]+$/;
const HEXFLOAT_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^[+-]?(inf|infinity)$/i;
const NAN_RE = /^[+-]?nan(\([0-9a-zA-Z_]*\))?$/i;

/** Lua 5.1's luaO_str2d: strtod (with hex via strtoul), surrounding whitespace allowed. */
export function strToNumber(s: string): number | undefined {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  if (a === b) return undefined;
  const t = a === 0 && b === s.length ? s : s.slice(a, b);
  if (DEC_RE.test(t)) return Number(t);
  if (HEXINT_RE.test(t)) {
    const neg = t.charCodeAt(0) === 45;
    const digits = t.replace(/^[+-]?0[xX]/, '');
    // strtoul wraps modulo 2^32 on... (Lua 5.1 on 64-bit: unsigned long is 64 bits)
    const v = Number(BigInt.asUintN(64, BigInt('0x' + digits)));
    return neg ? -v : v;
  }
  if (INF_RE.test(t)) return t.charCodeAt(0) === 45 ? -Infinity : Infinity;
  if (NAN_RE.test(t)) return NaN;
  const m = HEXFLOAT_RE.exec(t);
  if (m !== null && (m[2] !== '' || m[3] !== '')) {
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    let v = 0;
    for (const ch of intPart + frac) v = v * 16 + parseInt(ch, 16);
    v = v * 2 ** (Number(m[4] ?? '0') - 4 * frac.length);
    return m[1] === '-' ? -v : v;
  }
  return undefined;
}

/** Number coercion used by arithmetic: numbers and numeric strings. */
export function toNumber(v: LuaValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return strToNumber(v);
  return undefined;
}

export function isFalsy(v: LuaValue): boolean {
  return v === undefined || v === false;
}
