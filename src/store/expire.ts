// The active expire cycle: reclaims keys whose time has passed even when nobody reads them.
// Redis samples random keys with an expire; a JS Map has no random access, so Vesta walks each
// db's expires map with a persistent iterator instead, a bounded number of keys per step and a
// bounded time per cycle. Every key with an expire is visited once per full pass, so the memory
// held by expired keys is bounded by one pass's worth of expirations.
// Redis equivalent: activeExpireCycle in expire.c.

import { ACTIVE_EXPIRE_KEYS_PER_STEP } from '../limits.js';
import type { Database, Keyspace } from './keyspace.js';

interface Cursor {
  expires: Map<string, number>;
  iterator: Iterator<[string, number]>;
}

export class ActiveExpire {
  readonly #keyspace: Keyspace;
  #cursors = new Map<Database, Cursor>();
  #nextDb = 0;
  enabled = true;
  /** Duration of the last cycle, for the latency monitor's expire-cycle event. */
  lastCycleMs = 0;
  /** INFO stats: time spent in cycles, cycles cut short by their budget, and the running
   * estimate of the share of sampled keys that had expired (expired_stale_perc, 0..1). */
  cpuMsTotal = 0;
  timeCapReachedCount = 0;
  stalePerc = 0;

  /** CONFIG RESETSTAT. */
  resetStats(): void {
    this.cpuMsTotal = 0;
    this.timeCapReachedCount = 0;
    this.stalePerc = 0;
  }

  constructor(keyspace: Keyspace) {
    this.#keyspace = keyspace;
  }

  /**
   * Runs for at most budgetMs, round-robin across dbs. Returns the number of keys expired.
   * `clock` returns a monotonic ms time (performance.now).
   */
  cycle(budgetMs: number, clock: () => number): number {
    if (!this.enabled || !this.#keyspace.activeExpire) return 0;
    const start = clock();
    const dbs = this.#keyspace.dbs;
    let expired = 0;
    let sampled = 0;
    let idleDbs = 0;
    while (idleDbs < dbs.length && clock() - start < budgetMs) {
      const db = dbs[this.#nextDb % dbs.length] as Database;
      const result = this.#step(db);
      expired += result.expired;
      sampled += result.sampled;
      // Move on to the next db when this one is empty, or when few of its keys were expired
      // (Redis stops a db when <= 25% of the sampled keys had expired).
      if (result.sampled === 0 || result.expired * 4 <= result.sampled) {
        this.#nextDb = (this.#nextDb + 1) % dbs.length;
        idleDbs = result.expired === 0 ? idleDbs + 1 : 0;
      }
    }
    this.lastCycleMs = clock() - start;
    this.cpuMsTotal += this.lastCycleMs;
    if (idleDbs < dbs.length) this.timeCapReachedCount++;
    // Like Redis: the new cycle's ratio weighs 5%, the running value 95%.
    const ratio = sampled === 0 ? 0 : expired / sampled;
    this.stalePerc = ratio * 0.05 + this.stalePerc * 0.95;
    return expired;
  }

  #step(db: Database): { sampled: number; expired: number } {
    if (db.expires.size === 0) {
      // Redis resets the average when the db has no key with a TTL left (INFO: avg_ttl=0).
      db.avgTtlMs = 0;
      return { sampled: 0, expired: 0 };
    }
    let cursor = this.#cursors.get(db);
    if (cursor === undefined || cursor.expires !== db.expires) {
      cursor = { expires: db.expires, iterator: db.expires.entries() };
      this.#cursors.set(db, cursor);
    }
    const keyspace = this.#keyspace;
    const now = keyspace.now;
    let sampled = 0;
    let expired = 0;
    let ttlSum = 0;
    while (sampled < ACTIVE_EXPIRE_KEYS_PER_STEP) {
      const next = cursor.iterator.next();
      if (next.done === true) {
        cursor.iterator = db.expires.entries();
        break;
      }
      sampled++;
      const [key, when] = next.value;
      if (when <= now) {
        keyspace.deleteExpired(db, key);
        expired++;
      } else {
        ttlSum += when - now;
      }
    }
    const alive = sampled - expired;
    if (alive > 0) {
      // Redis's running average, in its integer arithmetic: the sample's mean TTL weighs in at
      // 1/50 (the first sample seeds it), each term truncated.
      const avg = Math.floor(ttlSum / alive);
      const base = db.avgTtlMs === 0 ? avg : db.avgTtlMs;
      db.avgTtlMs = Math.floor(base / 50) * 49 + Math.floor(avg / 50);
    }
    return { sampled, expired };
  }
}
