// The end of a write to a hash/set/list/zset key, through the keyspace's one write path: a new
// collection is added, a changed one is announced, an emptied one is deleted (Redis never keeps
// an empty collection). `changes` is what the command adds to the dirty counter, as Redis does
// (HSET: fields set, SADD: members added, HDEL: fields removed...).
// Redis equivalent: the dbAdd / signalModifiedKey / dbDelete / server.dirty += n tails of
// t_hash.c and t_set.c.

import type { CommandContext } from './context.js';
import type { Value } from '../store/value/types.js';

/** Stores a collection created by this command (not yet in the keyspace). */
export function addCollection(c: CommandContext, key: string, value: Value, changes: number): void {
  const ks = c.keyspace;
  ks.add(c.db, key, value);
  if (changes > 1) ks.modified(c.db, key, changes - 1);
}

/**
 * Announces `changes` in-place changes to a collection obtained through lookupWrite, deleting
 * the key when the collection is now empty. Nothing happens when nothing changed.
 */
export function collectionChanged(c: CommandContext, key: string, changes: number, emptied: boolean): void {
  if (changes === 0) return;
  const ks = c.keyspace;
  if (!emptied) {
    ks.modified(c.db, key, changes);
    return;
  }
  ks.delete(c.db, key);
  if (changes > 1) ks.modified(c.db, key, changes - 1);
}
