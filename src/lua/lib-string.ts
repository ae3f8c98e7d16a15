// The Lua 5.1 string library on latin1 strings: len, sub, upper, lower (C locale: ASCII only),
// rep, reverse, byte, char, find, match, gmatch (gfind), gsub, format, dump; strings get a
// metatable whose __index is this table, so ("x"):rep(3) works. Redis equivalent: lstrlib.c.

import { argError, checkAny, checkInt, checkString, fn, optInt, tagError } from './aux.js';
import { format } from './format.js';
import { hasSpecials, MatchState, PatternError } from './pattern.js';
import type { Runtime } from './runtime.js';
import { EMPTY, LuaFunction, LuaTable, numberToString, typeName, type LuaValue } from './value.js';

/** Longest string a script may build (Redis's proto-max-bulk-len default, 512 MB). */
export const MAX_STRING = 512 * 1024 * 1024;

function posrelat(pos: number, len: number): number {
  if (pos < 0) pos += len + 1;
  return pos >= 0 ? pos : 0;
}

function caseMap(s: string, upper: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (upper && c >= 97 && c <= 122) out += String.fromCharCode(c - 32);
    else if (!upper && c >= 65 && c <= 90) out += String.fromCharCode(c + 32);
    else out += s[i];
  }
  return out;
}

// eslint-disable-next-line max-lines-per-function -- the library's table of builtins, one short closure per Lua function (as lstrlib.c lists them); split, it would be read in pieces
export function openString(R: Runtime): LuaTable {
  const S = new LuaTable();
  const def = (name: string, f: (args: LuaValue[]) => LuaValue[]): LuaFunction => {
    const v = fn(name, f);
    S.set(name, v);
    return v;
  };
  const patternCall = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof PatternError) R.error(e.message);
      throw e;
    }
  };

  def('len', (a) => [checkString(R, a, 0).length]);
  def('sub', (a) => {
    const s = checkString(R, a, 0);
    const l = s.length;
    let i = posrelat(checkInt(R, a, 1), l);
    let j = posrelat(optInt(R, a, 2, -1), l);
    if (i < 1) i = 1;
    if (j > l) j = l;
    return [i <= j ? s.slice(i - 1, j) : ''];
  });
  def('upper', (a) => [caseMap(checkString(R, a, 0), true)]);
  def('lower', (a) => [caseMap(checkString(R, a, 0), false)]);
  def('rep', (a) => {
    const s = checkString(R, a, 0);
    const n = checkInt(R, a, 1);
    if (n <= 0 || s.length === 0) return [''];
    if (s.length * n > MAX_STRING) R.error('not enough memory');
    return [s.repeat(n)];
  });
  def('reverse', (a) => [checkString(R, a, 0).split('').reverse().join('')]);
  def('byte', (a) => {
    const s = checkString(R, a, 0);
    const l = s.length;
    let i = posrelat(optInt(R, a, 1, 1), l);
    const jdef = a[1] === undefined ? i : optInt(R, a, 1, 1);
    let j = posrelat(optInt(R, a, 2, jdef), l);
    if (i <= 0) i = 1;
    if (j > l) j = l;
    if (i > j) return EMPTY;
    if (a.length + j - i + 1 > 8000) R.error('stack overflow (string slice too long)');
    const out: LuaValue[] = [];
    for (let k = i - 1; k < j; k++) out.push(s.charCodeAt(k));
    return out;
  });
  def('char', (a) => {
    let out = '';
    for (let i = 0; i < a.length; i++) {
      const c = checkInt(R, a, i);
      if (c < 0 || c > 255) argError(R, i + 1, 'invalid value');
      out += String.fromCharCode(c);
    }
    return [out];
  });
  def('dump', (a) => {
    if (!(a[0] instanceof LuaFunction)) tagError(R, a, 0, 'function');
    R.error('unable to dump given function');
  });
  def('format', (a) => [format(R, a)]);

  const find = (a: LuaValue[], isFind: boolean): LuaValue[] => {
    const s = checkString(R, a, 0);
    const p = checkString(R, a, 1);
    let init = posrelat(optInt(R, a, 2, 1), s.length) - 1;
    if (init < 0) init = 0;
    else if (init > s.length) init = s.length;
    if (isFind && ((a[3] !== undefined && a[3] !== false) || !hasSpecials(p))) {
      const idx = s.indexOf(p, init);
      return idx < 0 ? [undefined] : [idx + 1, idx + p.length];
    }
    return patternCall(() => {
      const anchor = p.charCodeAt(0) === 94;
      const pstart = anchor ? 1 : 0;
      let s1 = init;
      do {
        const ms = new MatchState(s, p);
        const e = ms.match(s1, pstart);
        if (e !== -1) {
          if (isFind) return [s1 + 1, e, ...ms.captures(-1, -1, false)];
          return ms.captures(s1, e, true);
        }
      } while (s1++ < s.length && !anchor);
      return [undefined];
    });
  };
  def('find', (a) => find(a, true));
  def('match', (a) => find(a, false));
  const gmatch = (a: LuaValue[]): LuaValue[] => {
    const s = checkString(R, a, 0);
    const p = checkString(R, a, 1);
    let pos = 0;
    const iter = fn('gmatch_aux', () => patternCall(() => {
      for (let src = pos; src <= s.length; src++) {
        const ms = new MatchState(s, p);
        const e = ms.match(src, 0);
        if (e !== -1) {
          pos = e === src ? e + 1 : e;
          return ms.captures(src, e, true);
        }
      }
      return [undefined];
    }));
    return [iter];
  };
  def('gmatch', gmatch);
  def('gfind', gmatch);
  def('gsub', (a) => gsub(R, a, patternCall));
  return S;
}

function gsub(R: Runtime, a: LuaValue[], patternCall: <T>(f: () => T) => T): LuaValue[] {
  const src = checkString(R, a, 0);
  const p = checkString(R, a, 1);
  const repl = a[2];
  const tr = typeName(repl);
  if (!(tr === 'number' || tr === 'string' || tr === 'function' || tr === 'table')) {
    argError(R, 3, 'string/function/table expected');
  }
  const maxN = optInt(R, a, 3, src.length + 1);
  const anchor = p.charCodeAt(0) === 94;
  const pstart = anchor ? 1 : 0;
  const replStr = typeof repl === 'number' ? numberToString(repl) : repl;
  return patternCall(() => {
    let out = '';
    let s = 0;
    let n = 0;
    while (n < maxN) {
      const ms = new MatchState(src, p);
      const e = ms.match(s, pstart);
      if (e !== -1) {
        n++;
        out += addValue(R, ms, [s, e], replStr);
        if (out.length > MAX_STRING) R.error('not enough memory');
      }
      if (e !== -1 && e > s) s = e;
      else if (s < src.length) out += src[s++];
      else break;
      if (anchor) break;
    }
    return [out + src.slice(s), n];
  });
}

/** The replacement of the match `span` ([start, end) in ms.src): gsub's string, table or function. */
function addValue(R: Runtime, ms: MatchState, span: [number, number], repl: LuaValue): string {
  const [s, e] = span;
  if (typeof repl === 'string') {
    let out = '';
    for (let i = 0; i < repl.length; i++) {
      const c = repl[i] as string;
      if (c !== '%') {
        out += c;
        continue;
      }
      i++;
      const d = repl.charCodeAt(i);
      if (!(d >= 48 && d <= 57)) {
        if (i < repl.length) out += repl[i];
      } else if (d === 48) {
        out += ms.src.slice(s, e);
      } else {
        const v = ms.capture(d - 49, s, e);
        out += typeof v === 'number' ? numberToString(v) : v;
      }
    }
    return out;
  }
  let v: LuaValue;
  if (repl instanceof LuaTable) {
    v = R.index(repl, ms.capture(0, s, e), R.ls[R.d] as never);
  } else {
    v = R.callSync(repl, ms.captures(s, e, true))[0];
  }
  if (v === undefined || v === false) return ms.src.slice(s, e);
  if (typeof v === 'number') return numberToString(v);
  if (typeof v !== 'string') R.error(`invalid replacement value (a ${typeName(v)})`);
  return v;
}

export { checkAny };
