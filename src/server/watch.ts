// WATCH bookkeeping: which clients watch which keys, and invalidation of their transactions
// through the keyspace's write path (any write, expiry, flush or swap touching a watched key).
// Redis equivalent: the watch half of multi.c (touchWatchedKey, touchAllWatchedKeysInDb).

import type { Database, KeyspaceHooks } from '../store/keyspace.js';
import { ClientFlag, type Client } from './client.js';
import type { Server } from './server.js';

/** One WATCHed key of one client; the same object sits in Client.watched. */
type WatchEntry = Client['watched'][number];

export class Watches implements KeyspaceHooks {
  readonly #server: Server;
  /** db index -> key -> watching clients and their entry for that key. */
  readonly #byDb = new Map<number, Map<string, Map<Client, WatchEntry>>>();

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
      clients = new Map();
      keys.set(key, clients);
    }
    // A key that is logically expired but not yet deleted is watched as "missing": its later
    // deletion is no change, and EXEC must not fail because it is expired.
    const entry = { dbIndex: db.id, key, expiredAtWatch: this.#isExpired(db, key) };
    clients.set(c, entry);
    c.watched.push(entry);
  }

  unwatchAll(c: Client): void {
    for (const w of c.watched) {
      const keys = this.#byDb.get(w.dbIndex);
      const clients = keys?.get(w.key);
      if (clients === undefined || keys === undefined) continue;
      clients.delete(c);
      if (clients.size === 0) keys.delete(w.key);
      if (keys.size === 0) this.#byDb.delete(w.dbIndex);
    }
    c.watched = [];
  }

  /** True when a watched key has logically expired since WATCH (EXEC must then fail). */
  anyWatchedKeyExpired(c: Client): boolean {
    const ks = this.#server.keyspace;
    for (const w of c.watched) {
      if (!w.expiredAtWatch && this.#isExpired(ks.db(w.dbIndex), w.key)) return true;
    }
    return false;
  }

  keyModified(db: Database, key: string): void {
    if (this.#byDb.size === 0) return;
    const clients = this.#byDb.get(db.id)?.get(key);
    if (clients === undefined) return;
    for (const [c, entry] of clients) {
      // Deleting a key that was already expired at WATCH time changes nothing logically.
      if (entry.expiredAtWatch && !db.dict.has(key)) {
        entry.expiredAtWatch = false;
        continue;
      }
      c.flags |= ClientFlag.dirtyCas;
    }
  }

  beforeFlush(db: Database): void {
    this.#touchAll(db, null);
  }

  beforeSwap(a: Database, b: Database): void {
    this.#touchAll(a, b);
    this.#touchAll(b, a);
  }

  /**
   * Marks watchers of keys that exist in `db` (which is being emptied) or in `incoming` (whose
   * contents replace it, for SWAPDB). A key that was expired at WATCH time and is gone, or
   * still expired, after the change is no logical change; nor is a missing key replaced by an
   * expired one (which then counts as expired at WATCH time).
   */
  #touchAll(db: Database, incoming: Database | null): void {
    const keys = this.#byDb.get(db.id);
    if (keys === undefined) return;
    for (const [key, clients] of keys) {
      const existed = db.dict.has(key);
      const arrives = incoming !== null && incoming.dict.has(key);
      if (!existed && !arrives) continue;
      const arrivesExpired = arrives && this.#isExpired(incoming, key);
      for (const [c, entry] of clients) {
        if (entry.expiredAtWatch) {
          if (!arrives) {
            entry.expiredAtWatch = false;
            continue;
          }
          if (arrivesExpired) continue;
        } else if (!existed && arrivesExpired) {
          entry.expiredAtWatch = true;
          continue;
        }
        c.flags |= ClientFlag.dirtyCas;
      }
    }
  }

  #isExpired(db: Database, key: string): boolean {
    const when = db.expires.get(key);
    return when !== undefined && when <= this.#server.keyspace.now && db.dict.has(key);
  }
}
