// Lua 5.1 tables reproduced node for node: an array part and a hash part of 2^k nodes with
// Lua's main positions (its string hash, number hash, boolean hash), collision chains, the
// `lastfree` pointer, and rehash/computesizes. So `#t` on tables with holes, and the order of
// next()/pairs() (which decides the byte order of cjson.encode and cmsgpack.pack output),
// come out as in Redis's Lua. A JS Map from key to node index makes lookups O(1).
// Redis equivalent: ltable.c of the Lua 5.1 that Redis embeds.

import type { LuaValue } from './value.js';

/** Thrown for invalid keys; the runtime turns it into the Lua error text. */
export class TableKeyError extends Error {}

const MAXBITS = 30;
const MAXASIZE = 2 ** MAXBITS;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** luaS_newlstr's hash: seeded with the length, every step-th byte from the end. */
export function luaStringHash(s: string): number {
  const l = s.length;
  let h = l >>> 0;
  const step = (l >>> 5) + 1;
  for (let l1 = l; l1 >= step; l1 -= step) {
    h = (h ^ ((h << 5) + (h >>> 2) + (s.charCodeAt(l1 - 1) & 0xff))) >>> 0;
  }
  return h;
}

const objIds = new WeakMap<object, number>();
let nextObjId = 0x1000;
function objId(o: object): number {
  let id = objIds.get(o);
  if (id === undefined) {
    id = nextObjId;
    nextObjId = (nextObjId + 0x38) >>> 0;
    objIds.set(o, id);
  }
  return id;
}

function ceilLog2(x: number): number {
  let l = 0;
  while (2 ** l < x) l++;
  return l;
}

/** Lua's "floating point byte" rounding of table size hints (luaO_int2fb then fb2int). */
export function fbRound(x: number): number {
  if (x < 16) return x;
  let e = 0;
  while (x >= 16) {
    x = (x + 1) >>> 1;
    e++;
  }
  return x << e;
}

/** The integer array index a key stands for, or 0. */
function arrayIndex(k: unknown): number {
  if (typeof k === 'number' && Number.isInteger(k) && k > 0 && k <= MAXASIZE) return k;
  return 0;
}

export class LuaTable {
  /** The array part: arr[i] holds key i + 1 (holes are undefined). Its length is Lua's sizearray. */
  arr: LuaValue[];
  private keys: LuaValue[] | null = null;
  private vals: LuaValue[] | null = null;
  private nexts: Int32Array | null = null;
  /** Key to node index for every used node (also those whose value is nil now). */
  private map: Map<unknown, number> | null = null;
  private lastfree = 0;
  metatable: LuaTable | null = null;
  /** Redis 7's read-only tables (lua_enablereadonlytable): writes raise an error. */
  readonly = false;

  /** lua_createtable(L, narr, nrec). */
  constructor(narr = 0, nrec = 0) {
    this.arr = narr > 0 ? new Array<LuaValue>(narr).fill(undefined) : [];
    if (nrec > 0) this.setNodeVector(nrec);
  }

  /** The table lua_newtable + lua_rawseti(1..n) builds (KEYS, ARGV): array part 2^k >= n. */
  static fromArray(values: LuaValue[]): LuaTable {
    const t = new LuaTable();
    const n = values.length;
    if (n === 0) return t;
    let size = 1;
    while (size < n) size *= 2;
    const arr = values.slice();
    while (arr.length < size) arr.push(undefined);
    t.arr = arr;
    return t;
  }

  get(key: LuaValue): LuaValue {
    if (typeof key === 'number') {
      const i = key - 1;
      if (i >= 0 && i < this.arr.length && Math.floor(i) === i) return this.arr[i];
    }
    const m = this.map;
    if (m === null) return undefined;
    const n = m.get(key);
    return n === undefined ? undefined : (this.vals as LuaValue[])[n];
  }

  getStr(key: string): LuaValue {
    const m = this.map;
    if (m === null) return undefined;
    const n = m.get(key);
    return n === undefined ? undefined : (this.vals as LuaValue[])[n];
  }

  /** Raw set (luaH_set + assignment). Throws TableKeyError for nil/NaN keys. */
  set(key: LuaValue, value: LuaValue): void {
    if (typeof key === 'number') {
      const i = key - 1;
      if (i >= 0 && i < this.arr.length && Math.floor(i) === i) {
        this.arr[i] = value;
        return;
      }
      if (key !== key) throw new TableKeyError('table index is NaN');
    } else if (key === undefined) {
      throw new TableKeyError('table index is nil');
    }
    const m = this.map;
    if (m !== null) {
      const n = m.get(key);
      if (n !== undefined) {
        (this.vals as LuaValue[])[n] = value;
        return;
      }
    }
    this.newKey(key, value);
  }

  private newKey(key: LuaValue, value: LuaValue): void {
    for (;;) {
      const keys = this.keys;
      if (keys !== null) {
        const vals = this.vals as LuaValue[];
        const nexts = this.nexts as Int32Array;
        const map = this.map as Map<unknown, number>;
        let mp = this.mainPosition(key);
        if (vals[mp] !== undefined) {
          const n = this.freePos();
          if (n >= 0) {
            let other = this.mainPosition(keys[mp]);
            if (other !== mp) {
              while (nexts[other] !== mp) other = nexts[other] as number;
              nexts[other] = n;
              keys[n] = keys[mp];
              vals[n] = vals[mp];
              nexts[n] = nexts[mp] as number;
              map.set(keys[n], n);
              nexts[mp] = -1;
              vals[mp] = undefined;
            } else {
              nexts[n] = nexts[mp] as number;
              nexts[mp] = n;
              mp = n;
            }
            this.place(mp, key, value);
            return;
          }
        } else {
          this.place(mp, key, value);
          return;
        }
      }
      this.rehash(key);
      // after the rehash the key may belong to the array part
      if (typeof key === 'number') {
        const i = key - 1;
        if (i >= 0 && i < this.arr.length && Math.floor(i) === i) {
          this.arr[i] = value;
          return;
        }
      }
    }
  }

  private place(n: number, key: LuaValue, value: LuaValue): void {
    const keys = this.keys as LuaValue[];
    const map = this.map as Map<unknown, number>;
    const old = keys[n];
    if (old !== undefined && map.get(old) === n) map.delete(old);
    keys[n] = key;
    (this.vals as LuaValue[])[n] = value;
    map.set(key, n);
  }

  private freePos(): number {
    const keys = this.keys as LuaValue[];
    while (this.lastfree > 0) {
      this.lastfree--;
      if (keys[this.lastfree] === undefined) return this.lastfree;
    }
    return -1;
  }

  private mainPosition(key: LuaValue): number {
    const size = (this.keys as LuaValue[]).length;
    switch (typeof key) {
      case 'string': return luaStringHash(key) & (size - 1);
      case 'number': {
        if (key === 0) return 0;
        f64[0] = key;
        return (((u32[0] as number) + (u32[1] as number)) >>> 0) % ((size - 1) | 1);
      }
      case 'boolean': return (key ? 1 : 0) & (size - 1);
      default: return objId(key as object) % ((size - 1) | 1);
    }
  }

  private setNodeVector(size: number): void {
    if (size === 0) {
      this.keys = this.vals = this.map = this.nexts = null;
      this.lastfree = 0;
      return;
    }
    const n = 2 ** ceilLog2(size);
    this.keys = new Array<LuaValue>(n).fill(undefined);
    this.vals = new Array<LuaValue>(n).fill(undefined);
    this.nexts = new Int32Array(n).fill(-1);
    this.map = new Map();
    this.lastfree = n;
  }

  private rehash(extra: LuaValue): void {
    const nums = new Array<number>(MAXBITS + 1).fill(0);
    let nasize = 0;
    // numusearray
    const arr = this.arr;
    let i = 1;
    for (let lg = 0, ttlg = 1; lg <= MAXBITS; lg++, ttlg *= 2) {
      let lim = ttlg;
      if (lim > arr.length) {
        lim = arr.length;
        if (i > lim) break;
      }
      let lc = 0;
      for (; i <= lim; i++) if (arr[i - 1] !== undefined) lc++;
      nums[lg] = (nums[lg] as number) + lc;
      nasize += lc;
    }
    let total = nasize;
    const count = (k: unknown): void => {
      const a = arrayIndex(k);
      if (a > 0) {
        const lg = ceilLog2(a);
        nums[lg] = (nums[lg] as number) + 1;
        nasize++;
      }
    };
    if (this.keys !== null) {
      const vals = this.vals as LuaValue[];
      for (let n = 0; n < this.keys.length; n++) {
        if (vals[n] !== undefined) {
          count(this.keys[n]);
          total++;
        }
      }
    }
    count(extra);
    total++;
    // computesizes
    let a = 0;
    let na = 0;
    let best = 0;
    for (let k = 0, twotoi = 1; twotoi / 2 < nasize; k++, twotoi *= 2) {
      if ((nums[k] as number) > 0) {
        a += nums[k] as number;
        if (a > twotoi / 2) {
          best = twotoi;
          na = a;
        }
      }
      if (a === nasize) break;
    }
    this.resize(best, total - na);
  }

  private resize(nasize: number, nhsize: number): void {
    const oldArr = this.arr;
    const oldKeys = this.keys;
    const oldVals = this.vals;
    if (nasize > oldArr.length) {
      const grown = oldArr.slice();
      while (grown.length < nasize) grown.push(undefined);
      this.arr = grown;
    }
    this.setNodeVector(nhsize);
    if (nasize < oldArr.length) {
      this.arr = oldArr.slice(0, nasize);
      for (let i = nasize; i < oldArr.length; i++) {
        if (oldArr[i] !== undefined) this.set(i + 1, oldArr[i]);
      }
    }
    if (oldKeys !== null) {
      const vals = oldVals as LuaValue[];
      for (let i = oldKeys.length - 1; i >= 0; i--) {
        if (vals[i] !== undefined) this.set(oldKeys[i], vals[i]);
      }
    }
  }

  /** luaH_resizearray: the array part gets exactly `n` slots (SETLIST pre-allocation). */
  resizeArray(n: number): void {
    this.resize(n, this.keys === null ? 0 : this.keys.length);
  }

  /** The border `#t` as Lua 5.1's luaH_getn finds it. */
  length(): number {
    const a = this.arr;
    let j = a.length;
    if (j > 0 && a[j - 1] === undefined) {
      let i = 0;
      while (j - i > 1) {
        const m = (i + j) >>> 1;
        if (a[m - 1] === undefined) j = m;
        else i = m;
      }
      return i;
    }
    if (this.keys === null) return j;
    let i = j;
    j++;
    while (this.get(j) !== undefined) {
      i = j;
      j *= 2;
      if (j > 2147483647) {
        i = 1;
        while (this.get(i) !== undefined) i++;
        return i - 1;
      }
    }
    while (j - i > 1) {
      const m = Math.floor((i + j) / 2);
      if (this.get(m) === undefined) j = m;
      else i = m;
    }
    return i;
  }

  /**
   * next(t, key): the following [key, value], or undefined at the end. Returns null when `key`
   * is not in the table ("invalid key to 'next'").
   */
  next(key: LuaValue): [LuaValue, LuaValue] | undefined | null {
    const a = this.arr;
    let i: number;
    if (key === undefined) i = 0;
    else {
      const k = typeof key === 'number' ? key - 1 : -1;
      if (k >= 0 && k < a.length && Math.floor(k) === k) i = k + 1;
      else {
        const n = this.map === null ? undefined : this.map.get(key);
        if (n === undefined) return null;
        i = a.length + n + 1;
      }
    }
    for (; i < a.length; i++) {
      const v = a[i];
      if (v !== undefined) return [i + 1, v];
    }
    const keys = this.keys;
    if (keys === null) return undefined;
    const vals = this.vals as LuaValue[];
    for (let n = i - a.length; n < keys.length; n++) {
      const v = vals[n];
      if (v !== undefined) return [keys[n], v];
    }
    return undefined;
  }

  /** Calls `f` for every entry in next() order (do not add keys meanwhile). */
  forEach(f: (k: LuaValue, v: LuaValue) => void): void {
    const a = this.arr;
    for (let i = 0; i < a.length; i++) if (a[i] !== undefined) f(i + 1, a[i]);
    const keys = this.keys;
    if (keys === null) return;
    const vals = this.vals as LuaValue[];
    for (let n = 0; n < keys.length; n++) if (vals[n] !== undefined) f(keys[n], vals[n]);
  }

  /** Number of non-nil entries. */
  count(): number {
    let c = 0;
    this.forEach(() => { c++; });
    return c;
  }
}
