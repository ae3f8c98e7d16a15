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

/**
 * One keyspace's marks (the server's `stringEncodings` field). It joins the keyspace's hooks
 * only when the first mark is made, so writes pay nothing while no string is marked.
 */
export class StringEncodings implements KeyspaceHooks {
  readonly #marks = new Map<Database, Map<string, Mark>>();
  readonly #keyspace: Keyspace;
  #hooked = false;

  constructor(keyspace: Keyspace) {
    this.#keyspace = keyspace;
  }

  /** The encoding OBJECT ENCODING must report for `key` holding `value`, or null to derive it. */
  forced(db: Database, key: string, value: string): StringEncoding | null {
    const mark = this.#marks.get(db)?.get(key);
    return mark !== undefined && mark.value === value ? mark.encoding : null;
  }

  /** A whole-value write (SET, INCR...) re-encodes the key; a no-op while nothing is marked. */
  unmark(db: Database, key: string): void {
    this.#marks.get(db)?.delete(key);
  }

  /** RENAME, MOVE, COPY: the target keeps the source's forced encoding. Call after the write. */
  carry(encoding: StringEncoding | null, db: Database, key: string, value: string): void {
    if (encoding !== null) this.mark(db, key, value, encoding);
  }

  /** The key now holds `value` with this encoding. Call after the keyspace write. */
  mark(db: Database, key: string, value: string, encoding: StringEncoding): void {
    if (!this.#hooked) {
      this.#hooked = true;
      this.#keyspace.addHooks(this);
    }
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
