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
  if (x <= 2147483648) return x <= 1 ? 0 : 32 - Math.clz32(x - 1);
  let l = 31;
  while (2 ** l < x) l++;
  return l;
}

/** rehash's per-slice key counts (nums[]), reused: a rehash runs to completion without nesting. */
const NUMS = new Array<number>(MAXBITS + 1).fill(0);

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

/**
 * The array part of every table without one: shared, never written (every write to `arr` is
 * to an index below its length, and a bigger array part is a new array).
 */
const NO_ARRAY: LuaValue[] = [];

/** Node vectors up to this size are searched linearly; bigger ones get a key -> node Map. */
const MAP_THRESHOLD = 8;

export class LuaTable {
  /** The array part: arr[i] holds key i + 1 (holes are undefined). Its length is Lua's sizearray. */
  arr: LuaValue[];
  /** The hash part, 3 slots per node: key (undefined: never used), value, next node (-1: none). */
  private nodes: unknown[] | null = null;
  private size = 0;
  /** Key to node index for every used node of a big hash part (also those whose value is nil). */
  private map: Map<unknown, number> | null = null;
  private lastfree = 0;
  metatable: LuaTable | null = null;
  /** Redis 7's read-only tables (lua_enablereadonlytable): writes raise an error. */
  readonly = false;

  /** lua_createtable(L, narr, nrec). */
  constructor(narr = 0, nrec = 0) {
    this.arr = narr > 0 ? new Array<LuaValue>(narr).fill(undefined) : NO_ARRAY;
    if (nrec > 0) this.setNodeVector(nrec);
  }

  /** The table lua_newtable + lua_rawseti(1..n) builds (KEYS, ARGV): array part 2^k >= n. */
  static fromArray(values: LuaValue[]): LuaTable {
    return LuaTable.fromOwnedArray(values.slice());
  }

  /**
   * fromArray taking `values` over (padded in place): also the exact table that setting keys
   * 1..n in order on an empty table builds when no value is nil (its rehashes end with the
   * same array part and no hash part), as cmsgpack and cjson decode arrays.
   */
  static fromOwnedArray(values: LuaValue[]): LuaTable {
    const t = new LuaTable();
    const n = values.length;
    if (n === 0) return t;
    let size = 1;
    while (size < n) size *= 2;
    while (values.length < size) values.push(undefined);
    t.arr = values;
    return t;
  }

  /** The node index holding `key`, or -1. */
  private find(key: unknown): number {
    const nodes = this.nodes;
    if (nodes === null) return -1;
    if (this.map !== null) {
      const n = this.map.get(key);
      return n === undefined ? -1 : n;
    }
    for (let i = 0; i < nodes.length; i += 3) if (nodes[i] === key) return i / 3;
    return -1;
  }

  get(key: LuaValue): LuaValue {
    if (typeof key === 'number') {
      const i = key - 1;
      if (i >= 0 && i < this.arr.length && Math.floor(i) === i) return this.arr[i];
    }
    const nodes = this.nodes;
    if (nodes === null) return undefined;
    const n = this.find(key);
    return n < 0 ? undefined : (nodes[n * 3 + 1] as LuaValue);
  }

  getStr(key: string): LuaValue {
    const nodes = this.nodes;
    if (nodes === null) return undefined;
    if (this.map === null) {
      for (let i = 0; i < nodes.length; i += 3) if (nodes[i] === key) return nodes[i + 1] as LuaValue;
      return undefined;
    }
    const n = this.map.get(key);
    return n === undefined ? undefined : (nodes[n * 3 + 1] as LuaValue);
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
    const n = this.find(key);
    if (n >= 0) {
      (this.nodes as unknown[])[n * 3 + 1] = value;
      return;
    }
    this.newKey(key, value);
  }

  private newKey(key: LuaValue, value: LuaValue): void {
    for (;;) {
      const nodes = this.nodes;
      if (nodes !== null) {
        let mp = this.mainPosition(key);
        if (nodes[mp * 3 + 1] !== undefined) {
          const n = this.freePos();
          if (n >= 0) {
            let other = this.mainPosition(nodes[mp * 3] as LuaValue);
            if (other !== mp) {
              while (nodes[other * 3 + 2] !== mp) other = nodes[other * 3 + 2] as number;
              nodes[other * 3 + 2] = n;
              nodes[n * 3] = nodes[mp * 3];
              nodes[n * 3 + 1] = nodes[mp * 3 + 1];
              nodes[n * 3 + 2] = nodes[mp * 3 + 2];
              if (this.map !== null) this.map.set(nodes[n * 3], n);
              nodes[mp * 3 + 2] = -1;
              nodes[mp * 3 + 1] = undefined;
            } else {
              nodes[n * 3 + 2] = nodes[mp * 3 + 2];
              nodes[mp * 3 + 2] = n;
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
    const nodes = this.nodes as unknown[];
    const map = this.map;
    if (map !== null) {
      const old = nodes[n * 3];
      if (old !== undefined && map.get(old) === n) map.delete(old);
      map.set(key, n);
    }
    nodes[n * 3] = key;
    nodes[n * 3 + 1] = value;
  }

  private freePos(): number {
    const nodes = this.nodes as unknown[];
    while (this.lastfree > 0) {
      this.lastfree--;
      if (nodes[this.lastfree * 3] === undefined) return this.lastfree;
    }
    return -1;
  }

  private mainPosition(key: LuaValue): number {
    const size = this.size;
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
      this.nodes = this.map = null;
      this.size = 0;
      this.lastfree = 0;
      return;
    }
    const n = 2 ** ceilLog2(size);
    const nodes = new Array<unknown>(n * 3);
    for (let i = 0; i < n * 3; i += 3) {
      nodes[i] = undefined;
      nodes[i + 1] = undefined;
      nodes[i + 2] = -1;
    }
    this.nodes = nodes;
    this.size = n;
    this.map = n > MAP_THRESHOLD ? new Map() : null;
    this.lastfree = n;
  }

  private rehash(extra: LuaValue): void {
    const nums = NUMS;
    nums.fill(0);
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
    const nodes = this.nodes;
    if (nodes !== null) {
      for (let n = 0; n < nodes.length; n += 3) {
        if (nodes[n + 1] !== undefined) {
          const a = arrayIndex(nodes[n]);
          if (a > 0) {
            const lg = ceilLog2(a);
            nums[lg] = (nums[lg] as number) + 1;
            nasize++;
          }
          total++;
        }
      }
    }
    const ea = arrayIndex(extra);
    if (ea > 0) {
      const lg = ceilLog2(ea);
      nums[lg] = (nums[lg] as number) + 1;
      nasize++;
    }
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
    const oldNodes = this.nodes;
    if (nasize > oldArr.length) {
      const grown = new Array<LuaValue>(nasize);
      for (let i = 0; i < oldArr.length; i++) grown[i] = oldArr[i];
      for (let i = oldArr.length; i < nasize; i++) grown[i] = undefined;
      this.arr = grown;
    }
    this.setNodeVector(nhsize);
    if (nasize < oldArr.length) {
      this.arr = oldArr.slice(0, nasize);
      for (let i = nasize; i < oldArr.length; i++) {
        if (oldArr[i] !== undefined) this.set(i + 1, oldArr[i]);
      }
    }
    if (oldNodes !== null) {
      for (let i = oldNodes.length - 3; i >= 0; i -= 3) {
        if (oldNodes[i + 1] !== undefined) this.set(oldNodes[i] as LuaValue, oldNodes[i + 1] as LuaValue);
      }
    }
  }

  /** luaH_resizearray: the array part gets exactly `n` slots (SETLIST pre-allocation). */
  resizeArray(n: number): void {
    this.resize(n, this.size);
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
    if (this.nodes === null) return j;
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
        const n = this.find(key);
        if (n < 0) return null;
        i = a.length + n + 1;
      }
    }
    for (; i < a.length; i++) {
      const v = a[i];
      if (v !== undefined) return [i + 1, v];
    }
    const nodes = this.nodes;
    if (nodes === null) return undefined;
    for (let n = (i - a.length) * 3; n < nodes.length; n += 3) {
      const v = nodes[n + 1] as LuaValue;
      if (v !== undefined) return [nodes[n] as LuaValue, v];
    }
    return undefined;
  }

  /** Calls `f` for every entry in next() order (do not add keys meanwhile). */
  forEach(f: (k: LuaValue, v: LuaValue) => void): void {
    const a = this.arr;
    for (let i = 0; i < a.length; i++) if (a[i] !== undefined) f(i + 1, a[i]);
    const nodes = this.nodes;
    if (nodes === null) return;
    for (let n = 0; n < nodes.length; n += 3) {
      if (nodes[n + 1] !== undefined) f(nodes[n] as LuaValue, nodes[n + 1] as LuaValue);
    }
  }

  /** Number of non-nil entries. */
  count(): number {
    let c = 0;
    this.forEach(() => { c++; });
    return c;
  }
}
