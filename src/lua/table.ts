// Lua 5.1 tables: an array part (keys 1..n) and a hash part kept in insertion order, with
// Lua's `#` border rule and a next() that stays valid while a traversal assigns to (or clears)
// existing fields. Redis equivalent: ltable.c of the Lua 5.1 that Redis embeds.

import type { LuaValue } from './value.js';

/** Thrown for invalid keys; the runtime turns it into the Lua error text. */
export class TableKeyError extends Error {}

export class LuaTable {
  /** arr[i] holds key i + 1; may contain holes (undefined). Never shrinks except on rebuild. */
  arr: LuaValue[] = [];
  /** Other keys; a cleared key stays as a tombstone (undefined) until the next rebuild. */
  hash: Map<unknown, LuaValue> | null = null;
  metatable: LuaTable | null = null;
  /** Redis 7's read-only tables (lua_enablereadonlytable): writes raise an error. */
  readonly = false;
  private dead = 0;
  // next() cache: the key last returned from the hash part and the live iterator after it.
  private iterKey: unknown = undefined;
  private iter: Iterator<[unknown, LuaValue]> | null = null;

  get(key: LuaValue): LuaValue {
    if (typeof key === 'number') {
      const i = key - 1;
      const a = this.arr;
      if (i >= 0 && i < a.length && Math.floor(i) === i) return a[i];
    }
    return this.hash === null ? undefined : this.hash.get(key);
  }

  getStr(key: string): LuaValue {
    return this.hash === null ? undefined : this.hash.get(key);
  }

  /** Raw set. Throws TableKeyError for nil/NaN keys. */
  set(key: LuaValue, value: LuaValue): void {
    if (typeof key === 'number') {
      const a = this.arr;
      const i = key - 1;
      if (i >= 0 && i <= a.length && Math.floor(i) === i) {
        if (i < a.length) {
          a[i] = value;
          return;
        }
        if (value === undefined) {
          if (this.hash !== null && this.hash.has(key)) this.setHash(key, value);
          return;
        }
        a.push(value);
        if (this.hash !== null && this.hash.size > 0) this.migrate();
        return;
      }
      if (key !== key) throw new TableKeyError('table index is NaN');
    } else if (key === undefined) {
      throw new TableKeyError('table index is nil');
    }
    this.setHash(key, value);
  }

  private setHash(key: unknown, value: LuaValue): void {
    let h = this.hash;
    if (h === null) {
      if (value === undefined) return;
      h = this.hash = new Map();
    }
    if (value === undefined) {
      if (h.get(key) !== undefined) {
        h.set(key, undefined);
        this.dead++;
      }
      return;
    }
    if (!h.has(key) && this.dead > 8 && this.dead > h.size >> 1) this.rebuild();
    const before = h.get(key);
    if (before === undefined && h.has(key)) this.dead--;
    (this.hash as Map<unknown, LuaValue>).set(key, value);
  }

  /** Move keys n+1, n+2, ... from the hash part to the array part. */
  private migrate(): void {
    const h = this.hash as Map<unknown, LuaValue>;
    const a = this.arr;
    for (;;) {
      const k = a.length + 1;
      const v = h.get(k);
      if (v === undefined) break;
      a.push(v);
      h.set(k, undefined);
      this.dead++;
    }
  }

  /** Drops tombstones (only when a new key is inserted: Lua's rehash point). */
  private rebuild(): void {
    const h = this.hash as Map<unknown, LuaValue>;
    const fresh = new Map<unknown, LuaValue>();
    for (const [k, v] of h) if (v !== undefined) fresh.set(k, v);
    this.hash = fresh;
    this.dead = 0;
    this.iter = null;
    this.iterKey = undefined;
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
    const h = this.hash;
    if (h === null || h.size === 0) return j;
    // unbound search in the hash part
    let i = j;
    j++;
    while (h.get(j) !== undefined) {
      i = j;
      if (j > Number.MAX_SAFE_INTEGER / 2) {
        let k = 1;
        while (this.get(k) !== undefined) k++;
        return k - 1;
      }
      j *= 2;
    }
    while (j - i > 1) {
      const m = Math.floor((i + j) / 2);
      if (h.get(m) === undefined) j = m;
      else i = m;
    }
    return i;
  }

  /**
   * next(t, key): the following [key, value] or undefined at the end. Returns null when `key`
   * is not in the table ("invalid key to 'next'").
   */
  next(key: LuaValue): [LuaValue, LuaValue] | undefined | null {
    const a = this.arr;
    let i = 0;
    if (key !== undefined) {
      if (typeof key === 'number' && key >= 1 && key <= a.length && Math.floor(key) === key) {
        i = key;
      } else {
        return this.nextHash(key);
      }
    }
    for (; i < a.length; i++) {
      const v = a[i];
      if (v !== undefined) return [i + 1, v];
    }
    const h = this.hash;
    if (h === null) return undefined;
    this.iter = h.entries();
    return this.advance();
  }

  private nextHash(key: LuaValue): [LuaValue, LuaValue] | undefined | null {
    const h = this.hash;
    if (h === null || !h.has(key)) return null;
    if (this.iter === null || this.iterKey !== key) {
      const it = h.entries();
      for (;;) {
        const r = it.next();
        if (r.done === true) return null;
        if (r.value[0] === key) break;
      }
      this.iter = it;
    }
    return this.advance();
  }

  private advance(): [LuaValue, LuaValue] | undefined {
    const it = this.iter as Iterator<[unknown, LuaValue]>;
    for (;;) {
      const r = it.next();
      if (r.done === true) {
        this.iter = null;
        this.iterKey = undefined;
        return undefined;
      }
      const v = r.value[1];
      if (v !== undefined) {
        this.iterKey = r.value[0];
        return [r.value[0] as LuaValue, v];
      }
    }
  }

  /** Number of non-nil entries (for encoders). */
  count(): number {
    let n = 0;
    for (const v of this.arr) if (v !== undefined) n++;
    if (this.hash !== null) for (const v of this.hash.values()) if (v !== undefined) n++;
    return n;
  }
}
