// In-memory set value. Redis equivalent: t_set.c's object (intset or hashtable in 7.0).

/**
 * A set of latin1 strings. `hashtable` mirrors Redis 7.0's encoding switch: a set of integers
 * starts as an intset and converts, once and for good, to a hashtable when a non-integer member
 * arrives or it grows past set-max-intset-entries.
 */
export class SetValue extends Set<string> {
  hashtable = false;
}
