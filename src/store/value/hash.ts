// In-memory hash value. Redis equivalent: t_hash.c's object (listpack or hashtable).
// Field and value strings are latin1 (one char per byte), so they are binary safe.

/**
 * A hash is a Map from field to value. `hashtable` mirrors Redis's encoding switch: a hash
 * starts as a listpack and converts, once and for good, to a hashtable when it outgrows
 * hash-max-listpack-entries / hash-max-listpack-value. OBJECT ENCODING and the RDB encoder read it.
 */
export class HashValue extends Map<string, string> {
  hashtable = false;
}
