// The keyspace: 16 (configurable) databases of key -> value with absolute expire times, and the
// ONE write path every mutation passes through. Redis equivalent: db.c (lookupKeyRead/Write,
// dbAdd, setKey, dbDelete, setExpire, signalModifiedKey, emptyData, swapdb) and expire.c.
//
// The write-path contract (the snapshot engine, WATCH, AOF propagation and the dirty counter
// rely on it, so nothing may bypass it):
//   1. before any change to a key's value or expire, or its deletion, `beforeWrite(db, key)` runs
//      (the snapshot engine preserves the old state there);
//   2. the change is made;
//   3. `keyModified(db, key)` runs (WATCH invalidation, keyspace events) and `dirty` grows.
// In-place changes to a collection obtained from lookupWrite() must end with modified().
// Whole-db changes (flush, swap) announce themselves with beforeFlush/beforeSwap first.
// This module never sees clients, sockets or RESP.

import { assert } from '../assert.js';
import { Dict } from './dict.js';
import { LazyFree } from './lazyfree.js';
import { type Value, ListValue, ZSetValue } from './value/types.js';

/**
 * How a deletion frees the value it drops: on the spot, in the background (when big enough,
 * see lazyfree.ts), or as lazyfree-lazy-server-del says. Redis's dbSyncDelete, dbAsyncDelete
 * and dbDelete.
 */
export type FreeMode = 'sync' | 'async' | 'server';

/** One db's contents, detached from it (Keyspace#detachAll). */
export interface DbContents {
  dict: Dict<Value>;
  expires: Map<string, number>;
  avgTtlMs: number;
}

export class Database {
  readonly id: number;
  dict = new Dict<Value>();
  /** key -> absolute unix time in ms; only keys that exist in dict. */
  expires = new Map<string, number>();
  /** Sum of TTLs sampled by the active expire cycle, for INFO keyspace avg_ttl. */
  avgTtlMs = 0;
  constructor(id: number) {
    this.id = id;
  }
}

export interface KeyspaceHooks {
  /** A key's value or expire is about to change, or the key is about to be deleted. */
  beforeWrite?(db: Database, key: string): void;
  /** A key changed (after the fact). */
  keyModified?(db: Database, key: string): void;
  /** A key was deleted because it expired; Redis propagates a DEL for it. */
  keyExpired?(db: Database, key: string): void;
  /** A key came into existence (not an overwrite), before keyModified: the `new` event. */
  keyAdded?(db: Database, key: string): void;
  /** A read lookup found no key (after any lazy expiry): the `keymiss` event. */
  keyMiss?(db: Database, key: string): void;
  /** A list or sorted set key came into existence; blocked clients may be served. */
  keyReady?(db: Database, key: string): void;
  /** The whole db is about to be emptied (FLUSHDB/FLUSHALL): its maps will be replaced. */
  beforeFlush?(db: Database): void;
  /** The db was emptied. */
  dbFlushed?(db: Database): void;
  /** Two dbs are about to exchange their contents. */
  beforeSwap?(a: Database, b: Database): void;
  dbSwapped?(a: Database, b: Database): void;
}

export interface KeyspaceStats {
  hits: number;
  misses: number;
  expiredKeys: number;
}

export class Keyspace {
  readonly dbs: Database[];
  /** Changes since the last successful save (rdb_changes_since_last_save). */
  dirty = 0;
  /**
   * The time commands see, in ms. The server sets it once per command (Redis's
   * commandTimeSnapshot), so one command or one EXEC sees one consistent clock.
   */
  now = Date.now();
  readonly stats: KeyspaceStats = { hits: 0, misses: 0, expiredKeys: 0 };
  /** The background freeing of dropped values and emptied dbs, with its counters. */
  readonly lazyfree = new LazyFree();
  /**
   * lazyfree-lazy-server-del: the deletions the server makes itself (an overwrite by SET,
   * RENAME, a *STORE, RESTORE REPLACE...) free in the background, as delete(..., 'server').
   */
  lazyServerDel = false;
  /** lazyfree-lazy-expire: keys deleted because they expired free in the background. */
  lazyExpire = false;
  #hooks: KeyspaceHooks[] = [];
  /**
   * The per-write hooks as bound functions, rebuilt when hooks change: calling them costs no
   * property lookup on half a dozen differently shaped hook objects (a megamorphic load per
   * hook per write, 2-3% of a pipelined SET's CPU).
   */
  #beforeWriteFns: ((db: Database, key: string) => void)[] = [];
  #keyModifiedFns: ((db: Database, key: string) => void)[] = [];
  #keyAddedFns: ((db: Database, key: string) => void)[] = [];
  #keyMissFns: ((db: Database, key: string) => void)[] = [];
  /** Called on every read hit (the eviction access clock); null costs one check. */
  onRead: ((db: Database, key: string) => void) | null = null;
  /** False while loading or on a replica: expired keys are hidden but not deleted. */
  activeExpire = true;
  /**
   * True while a replica applies its master's stream: the master decides expiry, so keys
   * expired by our clock are still there for its commands (Redis: expireIfNeeded returns 0 for
   * server.master).
   */
  masterView = false;

  constructor(databaseCount: number) {
    assert(databaseCount >= 1, 'at least one database');
    this.dbs = [];
    for (let i = 0; i < databaseCount; i++) this.dbs.push(new Database(i));
  }

  addHooks(hooks: KeyspaceHooks): void {
    this.#hooks.push(hooks);
    this.#bindHooks();
  }

  removeHooks(hooks: KeyspaceHooks): void {
    this.#hooks = this.#hooks.filter((h) => h !== hooks);
    this.#bindHooks();
  }

  #bindHooks(): void {
    this.#beforeWriteFns = [];
    this.#keyModifiedFns = [];
    this.#keyAddedFns = [];
    this.#keyMissFns = [];
    for (const h of this.#hooks) {
      if (h.beforeWrite !== undefined) this.#beforeWriteFns.push(h.beforeWrite.bind(h));
      if (h.keyModified !== undefined) this.#keyModifiedFns.push(h.keyModified.bind(h));
      if (h.keyAdded !== undefined) this.#keyAddedFns.push(h.keyAdded.bind(h));
      if (h.keyMiss !== undefined) this.#keyMissFns.push(h.keyMiss.bind(h));
    }
  }

  db(index: number): Database {
    const db = this.dbs[index];
    assert(db !== undefined, 'db index out of range');
    return db;
  }

  // ---------------------------------------------------------------- lookups

  /** The value for reading, or undefined; deletes the key first if it has expired. */
  lookupRead(db: Database, key: string): Value | undefined {
    if (db.expires.size !== 0 && this.expireIfNeeded(db, key)) {
      this.stats.misses++;
      this.#fire(this.#keyMissFns, db, key);
      return undefined;
    }
    const value = db.dict.get(key);
    if (value === undefined) {
      this.stats.misses++;
      this.#fire(this.#keyMissFns, db, key);
    } else {
      this.stats.hits++;
      this.onRead?.(db, key);
    }
    return value;
  }

  /** Like lookupRead but does not count hits or misses (EXISTS-style internal checks). */
  peek(db: Database, key: string): Value | undefined {
    if (db.expires.size !== 0 && this.expireIfNeeded(db, key)) return undefined;
    return db.dict.get(key);
  }

  /**
   * The value for writing: the caller may mutate it in place and must then call modified().
   * Runs the beforeWrite hook so the old state is preserved for a running snapshot.
   */
  lookupWrite(db: Database, key: string): Value | undefined {
    if (db.expires.size !== 0) this.expireIfNeeded(db, key);
    const value = db.dict.get(key);
    if (value !== undefined) this.#beforeWrite(db, key);
    return value;
  }

  exists(db: Database, key: string): boolean {
    return this.peek(db, key) !== undefined;
  }

  // ---------------------------------------------------------------- writes

  /** Announces an in-place change made through lookupWrite(); `changes` adds to dirty. */
  modified(db: Database, key: string, changes = 1): void {
    this.dirty += changes;
    this.#keyModified(db, key);
  }

  /** Adds a key that does not exist. */
  add(db: Database, key: string, value: Value): void {
    this.#beforeWrite(db, key);
    const added = db.dict.set(key, value);
    assert(added, 'add of an existing key');
    this.dirty++;
    this.#fire(this.#keyAddedFns, db, key);
    this.#keyModified(db, key);
    if (value instanceof ListValue || value instanceof ZSetValue) this.#keyReady(db, key);
  }

  /**
   * Sets a key to a value, creating or overwriting it (SET semantics). The expire is removed
   * unless keepTtl. Counts one change.
   */
  setKey(db: Database, key: string, value: Value, keepTtl = false): void {
    this.#beforeWrite(db, key);
    // The value overwritten is freed as a server deletion (Redis's dbOverwrite).
    const old = this.lazyServerDel ? db.dict.get(key) : undefined;
    const existed = !db.dict.set(key, value);
    if (old !== undefined && old !== value) this.lazyfree.freeValue(old);
    if (!keepTtl && db.expires.size !== 0) db.expires.delete(key);
    this.dirty++;
    if (!existed) this.#fire(this.#keyAddedFns, db, key);
    this.#keyModified(db, key);
    if (!existed && (value instanceof ListValue || value instanceof ZSetValue)) {
      this.#keyReady(db, key);
    }
  }

  /**
   * setKey whose overwritten value is never freed lazily, whatever lazyfree-lazy-server-del
   * says: Redis's SORT ... STORE into the key it sorts still holds the old value, and an RDB
   * load that replaces a duplicate key deletes it with dbSyncDelete.
   */
  setKeySync(db: Database, key: string, value: Value): void {
    const lazy = this.lazyServerDel;
    this.lazyServerDel = false;
    try {
      this.setKey(db, key, value);
    } finally {
      this.lazyServerDel = lazy;
    }
  }

  /**
   * Loading into fresh, empty databases only (start-up, DEBUG LOADAOF after its flush): sets a
   * key and its expire straight in the maps, without the hooks, keyReady or the dirty counter.
   * Nothing can observe these maps yet (no snapshot's cut holds them, no command has written
   * them) and Redis's own load (dbAddRDBLoad) signals nothing either. Returns false when the
   * key was already there: its value is then replaced and its old expire dropped.
   */
  loadKey(db: Database, key: string, value: Value, expireAtMs: number | null): boolean {
    const added = db.dict.set(key, value);
    if (expireAtMs !== null) db.expires.set(key, expireAtMs);
    else if (!added && db.expires.size !== 0) db.expires.delete(key);
    return added;
  }

  /** A hint that `count` keys are about to be added to `db` (a dump's RESIZEDB): sizes its table. */
  reserve(db: Database, count: number): void {
    db.dict.reserve(count);
  }

  /**
   * Deletes a key; true when it existed. Counts one change. `free` says how its value is freed
   * (the default, 'server', is Redis's dbDelete; the value must not live on elsewhere, as after
   * RENAME or MOVE, which delete with 'sync').
   */
  delete(db: Database, key: string, free: FreeMode = 'server'): boolean {
    const value = db.dict.get(key);
    if (value === undefined) return false;
    this.#beforeWrite(db, key);
    db.dict.delete(key);
    if (free === 'async' || (free === 'server' && this.lazyServerDel)) this.lazyfree.freeValue(value);
    if (db.expires.size !== 0) db.expires.delete(key);
    this.dirty++;
    this.#keyModified(db, key);
    return true;
  }

  /** Sets the absolute expire time of an existing key. Counts one change. */
  setExpire(db: Database, key: string, whenMs: number): void {
    assert(db.dict.has(key), 'expire on a missing key');
    this.#beforeWrite(db, key);
    db.expires.set(key, whenMs);
    this.dirty++;
    this.#keyModified(db, key);
  }

  /** Removes a key's expire; true when it had one. Counts one change when it did. */
  removeExpire(db: Database, key: string): boolean {
    if (!db.expires.has(key)) return false;
    this.#beforeWrite(db, key);
    db.expires.delete(key);
    this.dirty++;
    this.#keyModified(db, key);
    return true;
  }

  getExpire(db: Database, key: string): number | undefined {
    return db.expires.size === 0 ? undefined : db.expires.get(key);
  }

  /**
   * Empties one db by replacing its maps, so a running snapshot keeps the old ones. `async`
   * (FLUSHDB ASYNC) hands the old maps to the background, counted as their keys.
   */
  flushDb(db: Database, async = false): number {
    const removed = db.dict.size;
    for (const h of this.#hooks) h.beforeFlush?.(db);
    if (async) this.lazyfree.defer([db.dict, db.expires], removed);
    db.dict = new Dict();
    db.expires = new Map();
    db.avgTtlMs = 0;
    this.dirty += removed;
    for (const h of this.#hooks) h.dbFlushed?.(db);
    return removed;
  }

  flushAll(async = false): number {
    let removed = 0;
    for (const db of this.dbs) removed += this.flushDb(db, async);
    return removed;
  }

  /**
   * Takes every db's contents out, leaving the dbs empty (a replica's repl-diskless-load swapdb
   * keeps them to put back if the new dataset fails to load).
   */
  detachAll(): DbContents[] {
    const contents = this.dbs.map((db) => ({ dict: db.dict, expires: db.expires, avgTtlMs: db.avgTtlMs }));
    this.flushAll();
    return contents;
  }

  /**
   * Puts back what detachAll() took, replacing what the dbs hold now (which are freed in the
   * background when `async`).
   */
  reattachAll(contents: readonly DbContents[], async = false): void {
    this.replaceAll(contents, async);
    // Unlike a load, putting the old keys back counts as changing them.
    for (const c of contents.slice(0, this.dbs.length)) this.dirty += c.dict.size;
  }

  /**
   * Replaces every db's contents with those of `dbs` (another Keyspace's, loaded aside: a
   * replica's full sync), as a flush then a load: the old contents are flushed (in the
   * background when `async`) and the keys that come in are not counted as changes.
   */
  replaceAll(dbs: readonly DbContents[], async = false): void {
    this.flushAll(async);
    dbs.forEach((c, i) => {
      const db = this.dbs[i];
      if (db === undefined) return;
      db.dict = c.dict;
      db.expires = c.expires;
      db.avgTtlMs = c.avgTtlMs;
    });
  }

  swapDb(a: Database, b: Database): void {
    for (const h of this.#hooks) h.beforeSwap?.(a, b);
    const dict = a.dict;
    const expires = a.expires;
    const avg = a.avgTtlMs;
    a.dict = b.dict;
    a.expires = b.expires;
    a.avgTtlMs = b.avgTtlMs;
    b.dict = dict;
    b.expires = expires;
    b.avgTtlMs = avg;
    this.dirty++;
    for (const h of this.#hooks) h.dbSwapped?.(a, b);
  }

  // ---------------------------------------------------------------- expiry

  /**
   * Deletes the key if its expire time has passed; true when the key is (now) logically gone
   * because it expired. When activeExpire is off (loading), the key is only reported expired.
   */
  expireIfNeeded(db: Database, key: string): boolean {
    const when = db.expires.get(key);
    if (when === undefined || when > this.now || this.masterView) return false;
    if (!this.activeExpire) return true;
    this.deleteExpired(db, key);
    return true;
  }

  /** Deletes an expired key through the write path and announces it (AOF DEL). */
  deleteExpired(db: Database, key: string): void {
    this.#beforeWrite(db, key);
    if (this.lazyExpire) {
      const value = db.dict.get(key);
      if (value !== undefined) this.lazyfree.freeValue(value);
    }
    db.dict.delete(key);
    db.expires.delete(key);
    this.stats.expiredKeys++;
    for (const h of this.#hooks) h.keyExpired?.(db, key);
    this.#keyModified(db, key);
  }

  // ---------------------------------------------------------------- hooks

  #beforeWrite(db: Database, key: string): void {
    const fns = this.#beforeWriteFns;
    for (let i = 0; i < fns.length; i++) (fns[i] as (db: Database, key: string) => void)(db, key);
  }

  #keyModified(db: Database, key: string): void {
    const fns = this.#keyModifiedFns;
    for (let i = 0; i < fns.length; i++) (fns[i] as (db: Database, key: string) => void)(db, key);
  }

  #fire(fns: ((db: Database, key: string) => void)[], db: Database, key: string): void {
    for (let i = 0; i < fns.length; i++) (fns[i] as (db: Database, key: string) => void)(db, key);
  }

  #keyReady(db: Database, key: string): void {
    for (const h of this.#hooks) h.keyReady?.(db, key);
  }
}
