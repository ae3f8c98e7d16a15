// Shared argument parsing. Helpers ending in OrReply send Redis's error reply themselves and
// return null, so a handler can `if (x === null) return;`.
// Redis equivalent: getLongLongFromObjectOrReply and friends in object.c.

import type { CommandContext } from './context.js';
import { HashValue, ListValue, SetValue, ZSetValue, type Value } from '../store/value/types.js';
import { NOT_FLOAT, NOT_INTEGER, WRONGTYPE } from './errors.js';
import { parseDouble, parseInt64 } from '../util/numbers.js';

/** A 64-bit integer argument as a number (safe range) or bigint; null after replying. */
export function int64OrReply(c: CommandContext, text: string, error = NOT_INTEGER): number | bigint | null {
  const v = parseInt64(text);
  if (v === null) c.addReplyError(error);
  return v;
}

/**
 * An integer argument that must fit a JS safe integer (counts, indexes, timeouts): values
 * beyond ±2^53 are clamped to the extreme, which keeps range semantics for indexes.
 */
export function longOrReply(c: CommandContext, text: string, error = NOT_INTEGER): number | null {
  const v = parseInt64(text);
  if (v === null) {
    c.addReplyError(error);
    return null;
  }
  if (typeof v === 'bigint') return v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  return v;
}

export function doubleOrReply(c: CommandContext, text: string, error = NOT_FLOAT): number | null {
  const v = parseDouble(text);
  if (v === null) c.addReplyError(error);
  return v;
}

/** Looks up the key's value and checks its type; replies WRONGTYPE and returns null on mismatch. */
export function checkType<T extends Value>(
  c: CommandContext,
  value: Value | undefined,
  type: 'string' | (abstract new (...args: never[]) => T),
): boolean {
  if (value === undefined) return true;
  const ok = type === 'string' ? typeof value === 'string' : value instanceof type;
  if (!ok) c.addReplyError(WRONGTYPE);
  return ok;
}

export { HashValue, ListValue, SetValue, ZSetValue };

/** Case-insensitive option comparison without allocating for the common exact-case hit. */
export function eqIgnoreCase(arg: string, upper: string): boolean {
  return arg === upper || (arg.length === upper.length && arg.toUpperCase() === upper);
}
