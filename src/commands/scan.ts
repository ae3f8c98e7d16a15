// SCAN, and the cursor machinery HSCAN/SSCAN/ZSCAN share. Redis's cursor encodes a position in
// its hash table; a JS Map has no such position, so Vesta keeps server-side cursors: the cursor
// number names a live iterator (of a Map/Set, or of the keyspace's Dict, store/dict.ts). Both
// survive inserts, deletes and rehashing (a Dict's compaction) and visit every entry present for
// the whole iteration exactly once, which is Redis's guarantee.
// Cursors are bounded (SCAN_CURSORS_MAX, oldest forgotten first); a forgotten or unknown cursor
// ends the iteration (cursor 0) rather than restarting it, so a client can never loop forever.
// Redis equivalent: scanGenericCommand in db.c.

import { SCAN_CURSORS_MAX } from '../limits.js';
import { Dict } from '../store/dict.js';
import type { CommandContext } from './context.js';
import { globMatch } from '../util/glob.js';
import { parseInt64 } from '../util/numbers.js';
import { SYNTAX, NOT_INTEGER } from './errors.js';

export interface Cursor {
  /** The collection iterated; a cursor is only valid for the object it was made for. */
  target: object;
  iterator: Iterator<unknown>;
}

/** One server's live cursors (the server's `scanCursors` field). */
export interface CursorTable {
  cursors: Map<string, Cursor>;
  next: number;
}

/** An empty cursor table; numbering starts at a random point (see below). */
export function newCursorTable(): CursorTable {
  // Start at a random point so cursors from a previous process are not mistaken for ours.
  return { cursors: new Map(), next: 1 + Math.floor(Math.random() * 1e9) };
}

export interface ScanOptions {
  count: number;
  pattern: string | null;
  type: string | null;
}

const CURSOR_RE = /^[+-]?[0-9]*$/;
const ULONG_MAX = 18446744073709551615n;

/**
 * Parses a cursor as Redis does (strtoul over the whole text, no leading space): an optional
 * sign, decimal digits (none is 0), magnitude at most 2^64-1, a negative value wrapping modulo
 * 2^64. Returns its canonical decimal text; replies "invalid cursor" and returns null otherwise.
 */
export function parseCursorOrReply(c: CommandContext, text: string): string | null {
  const digits = text.length > 0 && (text[0] === '+' || text[0] === '-') ? text.slice(1) : text;
  const valid = CURSOR_RE.test(text) && (digits.length > 0 || text.length === 0);
  const magnitude = valid && digits.length > 0 ? BigInt(digits) : 0n;
  if (!valid || magnitude > ULONG_MAX) {
    c.addReplyError('ERR invalid cursor');
    return null;
  }
  const value = text[0] === '-' && magnitude !== 0n ? ULONG_MAX + 1n - magnitude : magnitude;
  return value.toString();
}

/** Parses COUNT / MATCH (/ TYPE when allowed) starting at argv[start]. */
export function parseScanOptionsOrReply(
  c: CommandContext,
  argv: string[],
  start: number,
  allowType: boolean,
): ScanOptions | null {
  const options: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = start; i < argv.length; i += 2) {
    const opt = (argv[i] as string).toUpperCase();
    const value = argv[i + 1];
    if (value === undefined) {
      c.addReplyError(SYNTAX);
      return null;
    }
    if (opt === 'COUNT') {
      const n = parseInt64(value);
      if (n === null) {
        c.addReplyError(NOT_INTEGER);
        return null;
      }
      if (typeof n === 'bigint' || n < 1) {
        c.addReplyError(SYNTAX);
        return null;
      }
      options.count = n;
    } else if (opt === 'MATCH') {
      options.pattern = value === '*' ? null : value;
    } else if (opt === 'TYPE' && allowType) {
      options.type = value;
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  return options;
}

/** What one SCAN-family call walks: the collection, how to start a walk over it, how far to go. */
export interface ScanWalk<T> {
  target: object;
  makeIterator: () => Iterator<T>;
  count: number;
}

/**
 * Advances the iteration named by `cursor` over `walk.target`, calling `visit` for up to
 * `walk.count` entries. Returns the next cursor ("0" when the iteration is complete).
 */
export function scanStep<T>(
  cursors: CursorTable,
  cursor: string,
  walk: ScanWalk<T>,
  visit: (entry: T) => void,
): string {
  const { target, makeIterator, count } = walk;
  const t = cursors;
  let state: Cursor | undefined;
  if (cursor === '0') {
    // A keyspace Dict's walk is bounded by its slots already (new keys may take free slots
    // ahead of the walk, so a count bound could cut off a key present from the start).
    const size = (target as { size?: unknown }).size;
    const bound = typeof size === 'number' && !(target instanceof Dict) ? size : Number.POSITIVE_INFINITY;
    state = { target, iterator: presentAtStart(makeIterator(), bound) };
  } else {
    state = t.cursors.get(cursor);
    t.cursors.delete(cursor);
    if (state === undefined || state.target !== target) return '0';
  }
  const iterator = state.iterator as Iterator<T>;
  for (let i = 0; i < count; i++) {
    const next = iterator.next();
    if (next.done === true) return '0';
    visit(next.value);
  }
  const id = String(t.next++);
  t.cursors.set(id, state);
  if (t.cursors.size > SCAN_CURSORS_MAX) {
    const oldest = t.cursors.keys().next();
    if (oldest.done !== true) t.cursors.delete(oldest.value);
  }
  return id;
}

export function matches(pattern: string | null, text: string): boolean {
  return pattern === null || globMatch(pattern, text);
}

/**
 * Stops an insertion-ordered (Map/Set) iterator after as many entries as the collection held
 * when the scan started. Every entry present at the start that is still there comes before any
 * entry added later, so this keeps SCAN's guarantee, and it makes the iteration end even when
 * entries are added faster than COUNT per call (an unbounded iterator would chase them).
 */
function* presentAtStart<T>(iterator: Iterator<T>, bound: number): Generator<T> {
  let remaining = bound;
  for (;;) {
    if (remaining-- <= 0) return;
    const next = iterator.next();
    if (next.done === true) return;
    yield next.value;
  }
}
