// The Lua 5.1 table library: insert, remove, concat, sort (5.1's quicksort, so comparator calls
// and the "invalid order function for sorting" error happen exactly where Lua's do), getn,
// setn (obsolete), maxn, foreach, foreachi. Redis equivalent: ltablib.c.

import { argError, checkInt, checkString, checkTable, lib, optInt, optString, tagError } from './aux.js';
import { NO_SITE, type Runtime } from './runtime.js';
import { EMPTY, LuaFunction, LuaTable, numberToString, typeName, type LuaValue } from './value.js';
import { MAX_STRING } from './lib-string.js';

function sort(R: Runtime, t: LuaTable, cmp: LuaValue): void {
  const lt = cmp === undefined
    ? (a: LuaValue, b: LuaValue): boolean => R.lt(a, b, NO_SITE)
    : (a: LuaValue, b: LuaValue): boolean => R.truthy(R.callSync(cmp, [a, b])[0]);
  const get = (i: number): LuaValue => t.get(i);
  const put = (i: number, v: LuaValue): void => R.rawSet(t, i, v, NO_SITE);
  const swap = (i: number, j: number): void => {
    const a = get(i);
    put(i, get(j));
    put(j, a);
  };
  const aux = (l: number, u: number): void => {
    while (l < u) {
      if (lt(get(u), get(l))) swap(l, u);
      if (u - l === 1) break;
      let i = Math.floor((l + u) / 2);
      if (lt(get(i), get(l))) swap(i, l);
      else if (lt(get(u), get(i))) swap(i, u);
      if (u - l === 2) break;
      const P = get(i);
      swap(i, u - 1);
      i = l;
      let j = u - 1;
      for (;;) {
        while (lt(get(++i), P)) {
          if (i > u) R.error('invalid order function for sorting');
        }
        while (lt(P, get(--j))) {
          if (j < l) R.error('invalid order function for sorting');
        }
        if (j < i) break;
        swap(i, j);
      }
      swap(u - 1, i);
      if (i - l < u - i) {
        j = l;
        i = i - 1;
        l = i + 2;
      } else {
        j = i + 1;
        i = u;
        u = j - 2;
      }
      aux(j, i);
    }
  };
  aux(1, t.length());
}

// eslint-disable-next-line max-lines-per-function -- the library's table of builtins, one short closure per Lua function (as ltablib.c lists them); split, it would be read in pieces
export function openTable(R: Runtime): LuaTable {
  const site = (): never => undefined as never;
  void site;
  return lib({
    insert: (a) => {
      const t = checkTable(R, a, 0);
      let e = t.length() + 1;
      let pos: number;
      if (a.length === 2) pos = e;
      else if (a.length === 3) {
        pos = checkInt(R, a, 1);
        if (pos > e) e = pos;
        for (let i = e; i > pos; i--) R.rawSet(t, i, t.get(i - 1), NO_SITE);
      } else {
        R.error("wrong number of arguments to 'insert'");
      }
      R.rawSet(t, pos, a[a.length - 1], NO_SITE);
      return EMPTY;
    },
    remove: (a) => {
      const t = checkTable(R, a, 0);
      const e = t.length();
      let pos = optInt(R, a, 1, e);
      if (e === 0) return EMPTY;
      if (!(pos >= 1 && pos <= e)) return EMPTY;
      const v = t.get(pos);
      for (; pos < e; pos++) R.rawSet(t, pos, t.get(pos + 1), NO_SITE);
      R.rawSet(t, e, undefined, NO_SITE);
      return [v];
    },
    concat: (a) => {
      const sep = optString(R, a, 1, '');
      const t = checkTable(R, a, 0);
      const i = optInt(R, a, 2, 1);
      const last = a[3] === undefined ? t.length() : checkInt(R, a, 3);
      const parts: string[] = [];
      let size = 0;
      for (let k = i; k <= last; k++) {
        const v = t.get(k);
        if (typeof v === 'string') parts.push(v);
        else if (typeof v === 'number') parts.push(numberToString(v));
        else R.error(`invalid value (${typeName(v)}) at index ${k} in table for 'concat'`);
        size += (parts[parts.length - 1] as string).length + sep.length;
        if (size > MAX_STRING) R.error('not enough memory');
      }
      return [parts.join(sep)];
    },
    sort: (a) => {
      const t = checkTable(R, a, 0);
      const cmp = a[1];
      if (cmp !== undefined && !(cmp instanceof LuaFunction)) tagError(R, a, 1, 'function');
      sort(R, t, cmp);
      return EMPTY;
    },
    getn: (a) => [checkTable(R, a, 0).length()],
    setn: (a) => {
      checkTable(R, a, 0);
      R.error("'setn' is obsolete");
    },
    maxn: (a) => {
      const t = checkTable(R, a, 0);
      let max = 0;
      let k: LuaValue = undefined;
      for (;;) {
        const r = t.next(k);
        if (r === undefined || r === null) break;
        k = r[0];
        if (typeof k === 'number' && k > max) max = k;
      }
      return [max];
    },
    foreachi: (a) => {
      const t = checkTable(R, a, 0);
      if (!(a[1] instanceof LuaFunction)) tagError(R, a, 1, 'function');
      const n = t.length();
      for (let i = 1; i <= n; i++) {
        const r = R.callSync(a[1], [i, t.get(i)])[0];
        if (r !== undefined) return [r];
      }
      return EMPTY;
    },
    foreach: (a) => {
      const t = checkTable(R, a, 0);
      if (!(a[1] instanceof LuaFunction)) tagError(R, a, 1, 'function');
      let k: LuaValue = undefined;
      for (;;) {
        const r = t.next(k);
        if (r === undefined || r === null) return EMPTY;
        k = r[0];
        const v = R.callSync(a[1], r)[0];
        if (v !== undefined) return [v];
      }
    },
  });
}

export { argError, checkString, typeName };
