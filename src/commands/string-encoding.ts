// Strings whose OBJECT ENCODING Redis 7.0 does not derive from their content. Redis re-encodes
// (tryObjectEncoding: "int", "embstr" or "raw" by content) only the values that SET, MSET,
// APPEND to a new key and the like store. APPEND to an existing key and SETRANGE change the
// object in place and leave it "raw"; INCRBYFLOAT stores a fresh string that is never "int".
// RENAME, MOVE and COPY keep or duplicate the object, so its encoding travels with it.
// A mark remembers the exact value it applies to, so a later write that replaces the value
// clears it when the keyspace reports the change; whole-value writers (SET, INCR...) also
// unmark, because they may store an equal string. Marks change only what OBJECT ENCODING says.
// Redis equivalent: dbUnshareStringValue (db.c), tryObjectEncoding (object.c).

import type { Database, Keyspace, KeyspaceHooks } from '../store/keyspace.js';

export type StringEncoding = 'raw' | 'embstr';

interface Mark {
  value: string;
  encoding: StringEncoding;
}

const registry = new WeakMap<Keyspace, StringEncodings>();

export class StringEncodings implements KeyspaceHooks {
  readonly #marks = new Map<Database, Map<string, Mark>>();

  /** The tracker of a keyspace, created (and hooked in) on first use. */
  static of(keyspace: Keyspace): StringEncodings {
    let tracker = registry.get(keyspace);
    if (tracker === undefined) {
      tracker = new StringEncodings();
      registry.set(keyspace, tracker);
      keyspace.addHooks(tracker);
    }
    return tracker;
  }

  /** The encoding OBJECT ENCODING must report for `key` holding `value`, or null to derive it. */
  static forced(
    keyspace: Keyspace,
    db: Database,
    key: string,
    value: string,
  ): StringEncoding | null {
    const tracker = registry.get(keyspace);
    if (tracker === undefined) return null;
    const mark = tracker.#marks.get(db)?.get(key);
    return mark !== undefined && mark.value === value ? mark.encoding : null;
  }

  /** A whole-value write (SET, INCR...) re-encodes the key; a no-op while nothing is marked. */
  static unmark(keyspace: Keyspace, db: Database, key: string): void {
    const tracker = registry.get(keyspace);
    if (tracker !== undefined) tracker.#marks.get(db)?.delete(key);
  }

  /** RENAME, MOVE, COPY: the target keeps the source's forced encoding. Call after the write. */
  static carry(
    keyspace: Keyspace,
    encoding: StringEncoding | null,
    db: Database,
    key: string,
    value: string,
  ): void {
    if (encoding !== null) StringEncodings.of(keyspace).mark(db, key, value, encoding);
  }

  /** The key now holds `value` with this encoding. Call after the keyspace write. */
  mark(db: Database, key: string, value: string, encoding: StringEncoding): void {
    let keys = this.#marks.get(db);
    if (keys === undefined) {
      keys = new Map();
      this.#marks.set(db, keys);
    }
    keys.set(key, { value, encoding });
  }

  keyModified(db: Database, key: string): void {
    const keys = this.#marks.get(db);
    const mark = keys?.get(key);
    if (mark !== undefined && db.dict.get(key) !== mark.value) keys?.delete(key);
  }

  dbFlushed(db: Database): void {
    this.#marks.delete(db);
  }

  dbSwapped(a: Database, b: Database): void {
    const marksA = this.#marks.get(a);
    const marksB = this.#marks.get(b);
    this.#marks.delete(a);
    this.#marks.delete(b);
    if (marksB !== undefined) this.#marks.set(a, marksB);
    if (marksA !== undefined) this.#marks.set(b, marksA);
  }
}
