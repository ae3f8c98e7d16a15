// WATCH bookkeeping: which clients watch which keys, and invalidation of their transactions
// through the keyspace's write path (any write, expiry, flush or swap touching a watched key).
// Redis equivalent: the watch half of multi.c (touchWatchedKey, touchAllWatchedKeysInDb).

import type { Database, KeyspaceHooks } from '../store/keyspace.js';
import { ClientFlag, type Client } from './client.js';
import type { Server } from './server.js';

export class Watches implements KeyspaceHooks {
  readonly #server: Server;
  /** db index -> key -> watching clients. */
  readonly #byDb = new Map<number, Map<string, Set<Client>>>();

  constructor(server: Server) {
    this.#server = server;
  }

  get watchedKeyCount(): number {
    let n = 0;
    for (const keys of this.#byDb.values()) n += keys.size;
    return n;
  }

  watch(c: Client, db: Database, key: string): void {
    for (const w of c.watched) if (w.dbIndex === db.id && w.key === key) return;
    let keys = this.#byDb.get(db.id);
    if (keys === undefined) {
      keys = new Map();
      this.#byDb.set(db.id, keys);
    }
    let clients = keys.get(key);
    if (clients === undefined) {
      clients = new Set();
      keys.set(key, clients);
    }
    clients.add(c);
    const when = db.expires.get(key);
    const expiredAtWatch = when !== undefined && when <= this.#server.keyspace.now;
    c.watched.push({ dbIndex: db.id, key, expiredAtWatch });
  }

  unwatchAll(c: Client): void {
    for (const w of c.watched) {
      const keys = this.#byDb.get(w.dbIndex);
      const clients = keys?.get(w.key);
      if (clients === undefined || keys === undefined) continue;
      clients.delete(c);
      if (clients.size === 0) keys.delete(w.key);
    }
    c.watched = [];
  }

  /** True when a watched key has logically expired since WATCH (EXEC must then fail). */
  anyWatchedKeyExpired(c: Client): boolean {
    const ks = this.#server.keyspace;
    for (const w of c.watched) {
      if (w.expiredAtWatch) continue;
      const db = ks.db(w.dbIndex);
      const when = db.expires.get(w.key);
      if (when !== undefined && when <= ks.now && db.dict.has(w.key)) return true;
    }
    return false;
  }

  keyModified(db: Database, key: string): void {
    if (this.#byDb.size === 0) return;
    const clients = this.#byDb.get(db.id)?.get(key);
    if (clients === undefined) return;
    for (const c of clients) c.flags |= ClientFlag.dirtyCas;
  }

  beforeFlush(db: Database): void {
    this.#touchAll(db, null);
  }

  beforeSwap(a: Database, b: Database): void {
    this.#touchAll(a, b);
    this.#touchAll(b, a);
  }

  /** Marks watchers of keys in `db` that exist there (or in `other`, for SWAPDB). */
  #touchAll(db: Database, other: Database | null): void {
    const keys = this.#byDb.get(db.id);
    if (keys === undefined) return;
    for (const [key, clients] of keys) {
      if (!db.dict.has(key) && (other === null || !other.dict.has(key))) continue;
      for (const c of clients) c.flags |= ClientFlag.dirtyCas;
    }
  }
}
