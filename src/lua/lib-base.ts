// The Lua 5.1 base library: assert, error, pcall, xpcall, select, type, next, pairs, ipairs,
// unpack, raw*, setmetatable, getmetatable, tostring, tonumber, loadstring, getfenv/setfenv,
// gcinfo, collectgarbage, print. pcall and xpcall are generator natives, so a script can be
// suspended inside them. Redis equivalent: lbaselib.c.

import {
  argError, checkAny, checkInt, checkTable, fn, optInt, tagError, toInt,
} from './aux.js';
import { LuaAbort, NO_SITE, type Runtime } from './runtime.js';
import {
  EMPTY, LuaError, LuaFunction, LuaTable, numberToString, rawToString, strToNumber, typeName,
  type LuaValue,
} from './value.js';

type Gen = Generator<unknown, LuaValue[], unknown>;

/** What a caught JS exception means to Lua, or rethrow when Lua must not see it. */
export function caughtValue(R: Runtime, e: unknown): LuaValue {
  if (e instanceof LuaError) return e.value;
  if (e instanceof RangeError) {
    if (/call stack/i.test(e.message)) return R.where() + 'stack overflow';
    return 'not enough memory';
  }
  throw e;
}

/** tostring(): __tostring's result as it is (5.1 does not check it), else the raw text. */
export function tostringValue(R: Runtime, v: LuaValue): LuaValue {
  const h = R.metamethod(v, '__tostring');
  if (h !== undefined) return R.callSync(h, [v])[0];
  return rawToString(v);
}

/** tostring() for hosts and print: a string, or print's error when __tostring returned none. */
export function tostring(R: Runtime, v: LuaValue): string {
  const r = tostringValue(R, v);
  if (typeof r === 'string') return r;
  if (typeof r === 'number') return numberToString(r);
  R.error("'tostring' must return a string to 'print'");
}

export interface BaseOptions {
  load: (src: string, chunk: string) => LuaFunction;
  print: (line: string) => void;
}

function tonumber(R: Runtime, args: LuaValue[]): LuaValue[] {
  const base = optInt(R, args, 1, 10);
  const v = args[0];
  if (base === 10) {
    checkAny(R, args, 0);
    if (typeof v === 'number') return [v];
    return [typeof v === 'string' ? strToNumber(v) : undefined];
  }
  if (typeof v !== 'string' && typeof v !== 'number') tagError(R, args, 0, 'string');
  const s = typeof v === 'string' ? v : numberToString(v);
  if (base < 2 || base > 36) argError(R, 2, 'base out of range');
  // strtoul: spaces, sign, optional 0x for base 16, digits, then only spaces
  const m = /^[\t\n\v\f\r ]*([+-]?)(0[xX])?([0-9a-zA-Z]*)/.exec(s) as RegExpExecArray;
  let digits = m[3] as string;
  let prefix = m[2] ?? '';
  if (prefix !== '' && base !== 16) {
    digits = '0';
    prefix = 'x';
  }
  let n = 0n;
  let used = 0;
  for (const ch of digits) {
    const d = parseInt(ch, 36);
    if (d >= base) break;
    n = n * BigInt(base) + BigInt(d);
    used++;
  }
  if (used === 0) return [undefined];
  const consumed = m.index + (m[0].length - digits.length) + used - (prefix === 'x' ? 1 : 0);
  if (!/^[\t\n\v\f\r ]*$/.test(s.slice(consumed))) return [undefined];
  if (n > 0xffffffffffffffffn) n = 0xffffffffffffffffn;
  if (m[1] === '-') n = BigInt.asUintN(64, -n);
  return [Number(n)];
}

// eslint-disable-next-line max-lines-per-function -- the library's table of builtins, one short closure per Lua function (as lbaselib.c lists them); split, it would be read in pieces
export function openBase(R: Runtime, opts: BaseOptions): void {
  const G = R.G;
  const set = (name: string, f: (args: LuaValue[]) => LuaValue[]): void => G.set(name, fn(name, f));
  G.set('_G', G);
  G.set('_VERSION', 'Lua 5.1');
  set('assert', (args) => {
    if (args[0] === undefined || args[0] === false) {
      checkAny(R, args, 0);
      const msg = args.length > 1 ? args[1] : 'assertion failed!';
      if (typeof msg === 'string' || typeof msg === 'number') R.error(typeof msg === 'string' ? msg : numberToString(msg));
      R.error(typeof msg === 'string' ? msg : 'assertion failed!');
    }
    return args;
  });
  set('error', (args) => {
    const v = args[0];
    const level = optInt(R, args, 1, 1);
    if ((typeof v === 'string' || typeof v === 'number') && level > 0) {
      throw new LuaError(R.where(level) + (typeof v === 'string' ? v : numberToString(v)));
    }
    throw new LuaError(v);
  });
  const NEXT = fn('next', (args) => {
    const t = checkTable(R, args, 0);
    const r = t.next(args[1]);
    if (r === null) R.error("invalid key to 'next'");
    return r === undefined ? [undefined] : r;
  });
  G.set('next', NEXT);
  set('pairs', (args) => [NEXT, checkTable(R, args, 0), undefined]);
  const IPAIRS_AUX = fn('ipairs_aux', (args) => {
    const t = args[0] as LuaTable;
    const i = (args[1] as number) + 1;
    const v = t.get(i);
    return v === undefined ? [undefined] : [i, v];
  });
  set('ipairs', (args) => [IPAIRS_AUX, checkTable(R, args, 0), 0]);
  set('type', (args) => [typeName(checkAny(R, args, 0))]);
  set('select', (args) => selectImpl(R, args));
  set('rawget', (args) => [checkTable(R, args, 0).get(checkAny(R, args, 1))]);
  set('rawset', (args) => {
    const t = checkTable(R, args, 0);
    checkAny(R, args, 1);
    checkAny(R, args, 2);
    R.rawSet(t, args[1], args[2], R.ls[R.d] ?? NO_SITE);
    return [t];
  });
  set('rawequal', (args) => {
    checkAny(R, args, 0);
    checkAny(R, args, 1);
    return [args[0] === args[1]];
  });
  set('setmetatable', (args) => {
    const t = checkTable(R, args, 0);
    const mt = args[1];
    if (mt !== undefined && !(mt instanceof LuaTable)) argError(R, 2, 'nil or table expected');
    if (t.metatable !== null && t.metatable.getStr('__metatable') !== undefined) R.error('cannot change a protected metatable');
    t.metatable = mt ?? null;
    return [t];
  });
  set('getmetatable', (args) => {
    const mt = R.metatable(checkAny(R, args, 0));
    if (mt === null) return [undefined];
    const p = mt.getStr('__metatable');
    return [p !== undefined ? p : mt];
  });
  set('tostring', (args) => [tostringValue(R, checkAny(R, args, 0))]);
  set('tonumber', (args) => tonumber(R, args));
  set('unpack', (args) => unpack(R, args));
  set('loadstring', (args) => {
    const src = args[0];
    if (typeof src !== 'string' && typeof src !== 'number') tagError(R, args, 0, 'string');
    const s = typeof src === 'string' ? src : numberToString(src);
    const name = args[1] === undefined ? s : String(args[1]);
    try {
      return [opts.load(s, name)];
    } catch (e) {
      if (e instanceof LuaError) return [undefined, e.value];
      throw e;
    }
  });
  set('getfenv', (args) => {
    const f = args[0];
    if (f instanceof LuaFunction) return [f.native !== null ? R.G : (f.env ?? R.G)];
    return [R.G];
  });
  set('setfenv', (args) => {
    const f = args[0];
    const t = checkTable(R, args, 1);
    if (f instanceof LuaFunction && f.native === null) {
      f.env = t;
      return [f];
    }
    if (typeof f === 'number' && toInt(f) === 0) {
      R.G = t;
      return EMPTY;
    }
    R.error("'setfenv' cannot change environment of given object");
  });
  set('gcinfo', () => [Math.floor(process.memoryUsage().heapUsed / 1024 / 64)]);
  set('collectgarbage', (args) => {
    const opt = args[0] === undefined ? 'collect' : args[0];
    const kb = process.memoryUsage().heapUsed / 1024 / 64;
    switch (opt) {
      case 'count': return [kb];
      case 'collect': case 'stop': case 'restart': return [0];
      case 'step': return [false];
      case 'setpause': return [200];
      case 'setstepmul': return [200];
      default: argError(R, 1, `invalid option '${rawToString(opt)}'`);
    }
  });
  set('print', (args) => {
    opts.print(args.map((v) => tostring(R, v)).join('\t'));
    return EMPTY;
  });
  G.set('pcall', new LuaFunction('pcall', null, function* pcall(args): Gen {
    checkAny(R, args, 0);
    const saved = R.d;
    R.enterC();
    R.ls[++R.d] = NO_SITE;
    try {
      const r = yield* R.callGen(args[0], args.slice(1));
      R.d = saved;
      return [true, ...r];
    } catch (e) {
      R.d = saved;
      R.errSite = null;
      if (e instanceof LuaAbort) throw e;
      return [false, caughtValue(R, e)];
    } finally {
      R.cc--;
    }
  }));
  G.set('xpcall', new LuaFunction('xpcall', null, function* xpcall(args): Gen {
    checkAny(R, args, 1);
    const saved = R.d;
    R.enterC();
    R.ls[++R.d] = NO_SITE;
    try {
      const r = yield* R.callGen(args[0], EMPTY);
      R.d = saved;
      return [true, ...r];
    } catch (e) {
      if (e instanceof LuaAbort) throw e;
      const v = caughtValue(R, e);
      const h = R.callSync(args[1], [v]);
      R.d = saved;
      return [false, ...h];
    } finally {
      R.cc--;
    }
  }));
}

function selectImpl(R: Runtime, args: LuaValue[]): LuaValue[] {
  const n = args.length - 1;
  if (args[0] === '#') return [n];
  const i = checkInt(R, args, 0);
  if (i < 0) {
    if (-i > n) argError(R, 1, 'index out of range');
    return args.slice(n + i + 1);
  }
  if (i === 0) argError(R, 1, 'index out of range');
  return i > n ? EMPTY : args.slice(i);
}

function unpack(R: Runtime, args: LuaValue[]): LuaValue[] {
  const t = checkTable(R, args, 0);
  const i = optInt(R, args, 1, 1);
  const j = args[2] === undefined ? t.length() : checkInt(R, args, 2);
  if (i > j) return EMPTY;
  const n = j - i + 1;
  // lua_checkstack: the C frame (its arguments plus the results) must fit LUAI_MAXCSTACK
  if (n <= 0 || args.length + n > 8000) R.error('too many results to unpack');
  const out: LuaValue[] = new Array<LuaValue>(n);
  for (let k = 0; k < n; k++) out[k] = t.get(i + k);
  return out;
}

