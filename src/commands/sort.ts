// SORT and SORT_RO: sort a list, set or sorted set numerically or (ALPHA) as strings, by the
// elements or by other keys (BY pattern with `*`, `->field` for hash fields, `nosort`), with
// LIMIT, GET patterns (`#` is the element) and STORE into a list. Ordering rules are Redis's:
// numeric ties break by the element's bytes, ALPHA compares as strcmp (to the first NUL) unless
// storing, a BY with LIMIT uses Redis's partial quicksort. Redis equivalent: sort.c.

import type { CommandContext } from './context.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import { HashValue, ListValue, SetValue, ZSetValue } from '../store/value/types.js';
import { QUICKLIST_DEFAULT_FILL } from '../store/lazyfree.js';
import { pqsort } from '../util/pqsort.js';
import { parseSortDouble } from '../util/strtod.js';
import { eqIgnoreCase, int64OrReply } from './args.js';
import { SYNTAX, WRONGTYPE } from './errors.js';
import type { CommandDef } from './types.js';

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  by: string | null;
  dontSort: boolean;
  gets: string[];
  store: string | null;
}

function userHasAllKeys(c: CommandContext): boolean {
  return c.services.acl.users.get(c.user)?.allKeys ?? false;
}

function parseSortOptions(c: CommandContext, argv: string[], readOnly: boolean): SortOptions | null {
  const o: SortOptions = {
    desc: false, alpha: false, limitStart: 0, limitCount: -1, by: null, dontSort: false, gets: [], store: null,
  };
  for (let j = 2; j < argv.length; j++) {
    const arg = argv[j] as string;
    const left = argv.length - j - 1;
    if (eqIgnoreCase(arg, 'ASC')) o.desc = false;
    else if (eqIgnoreCase(arg, 'DESC')) o.desc = true;
    else if (eqIgnoreCase(arg, 'ALPHA')) o.alpha = true;
    else if (eqIgnoreCase(arg, 'LIMIT') && left >= 2) {
      const start = int64OrReply(c, argv[j + 1] as string);
      if (start === null) return null;
      const count = int64OrReply(c, argv[j + 2] as string);
      if (count === null) return null;
      o.limitStart = Number(start);
      o.limitCount = Number(count);
      j += 2;
    } else if (!readOnly && eqIgnoreCase(arg, 'STORE') && left >= 1) {
      o.store = argv[++j] as string;
    } else if (eqIgnoreCase(arg, 'BY') && left >= 1) {
      o.by = argv[++j] as string;
      if (!o.by.includes('*')) o.dontSort = true;
      else if (!userHasAllKeys(c)) {
        c.addReplyError('ERR BY option of SORT denied due to insufficient ACL permissions.');
        return null;
      }
    } else if (eqIgnoreCase(arg, 'GET') && left >= 1) {
      if (!userHasAllKeys(c)) {
        c.addReplyError('ERR GET option of SORT denied due to insufficient ACL permissions.');
        return null;
      }
      o.gets.push(argv[++j] as string);
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  return o;
}

/**
 * The value a pattern names for an element: `#` is the element itself; otherwise the first `*`
 * is replaced by the element, and `->field` after it reads a hash field. Null when the key is
 * missing or of the wrong type, or the pattern has no `*`.
 */
function lookupByPattern(c: CommandContext, pattern: string, element: string): string | null {
  if (pattern === '#') return element;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const field = arrow >= 0 && arrow + 2 < pattern.length ? pattern.slice(arrow + 2) : null;
  const keyEnd = field === null ? pattern.length : arrow;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, keyEnd);
  const value = c.keyspace.lookupRead(c.db, key);
  if (value === undefined) return null;
  if (field !== null) return value instanceof HashValue ? (value.get(field) ?? null) : null;
  return typeof value === 'string' ? value : null;
}

interface Item {
  element: string;
  score: number;
  /** ALPHA with BY: the value compared, null when the BY key is missing. */
  cmp: string | null;
}

/** strcmp: bytes up to the first NUL of each string. */
function strcmp(a: string, b: string): number {
  const na = a.indexOf('\0');
  const nb = b.indexOf('\0');
  const x = na < 0 ? a : a.slice(0, na);
  const y = nb < 0 ? b : b.slice(0, nb);
  return x < y ? -1 : x > y ? 1 : 0;
}

function binaryCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparator(o: SortOptions): (a: Item, b: Item) => number {
  const sign = o.desc ? -1 : 1;
  const strings = o.store !== null ? binaryCompare : strcmp;
  if (!o.alpha) {
    return (a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : binaryCompare(a.element, b.element));
  }
  if (o.by !== null) {
    return (a, b) => {
      if (a.cmp === null || b.cmp === null) return sign * (a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1);
      return sign * strings(a.cmp, b.cmp);
    };
  }
  return (a, b) => sign * strings(a.element, b.element);
}

/** Elements to sort, in the value's own order; with nosort on a list or zset, just the range. */
function loadElements(value: ListValue | SetValue | ZSetValue | null, o: SortOptions, range: { start: number; end: number }): string[] {
  if (value === null) return [];
  const direct = o.dontSort && !(value instanceof SetValue);
  if (!direct) {
    if (value instanceof ListValue) return value.toArray();
    if (value instanceof SetValue) return [...value];
    return [...value].map(([member]) => member);
  }
  if (range.end < range.start) return [];
  const all = value instanceof ListValue ? value.toArray() : [...value].map(([member]) => member);
  if (o.desc) all.reverse();
  const slice = all.slice(range.start, range.end + 1);
  range.end -= range.start;
  range.start = 0;
  return slice;
}

function sortGeneric(c: CommandContext, argv: string[], readOnly: boolean): void {
  const o = parseSortOptions(c, argv, readOnly);
  if (o === null) return;
  const value = c.keyspace.lookupRead(c.db, argv[1] as string) ?? null;
  if (value !== null && !(value instanceof ListValue || value instanceof SetValue || value instanceof ZSetValue)) {
    c.addReplyError(WRONGTYPE);
    return;
  }
  // An unsorted set would come out in its hash order: Redis sorts it when storing or scripting,
  // so replicas and the AOF see the same result.
  if (o.dontSort && value instanceof SetValue && (o.store !== null || c.caller.script)) {
    o.dontSort = false;
    o.alpha = true;
    o.by = null;
  }
  const length = value === null ? 0 : value instanceof ListValue ? value.length : value.size;
  let start = o.limitStart < 0 ? 0 : o.limitStart;
  let end = o.limitCount < 0 ? length - 1 : start + o.limitCount - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;
  const range = { start, end };
  const elements = loadElements(value, o, range);
  const items: Item[] = elements.map((element) => ({ element, score: 0, cmp: null }));
  if (!o.dontSort) {
    if (!scoreItems(c, items, o)) {
      c.addReplyError("ERR One or more scores can't be converted into double");
      return;
    }
    const cmp = comparator(o);
    if (o.by !== null && (range.start !== 0 || range.end !== items.length - 1)) pqsort(items, cmp, range.start, range.end);
    else items.sort(cmp);
  }
  const chosen = range.end >= range.start ? items.slice(range.start, range.end + 1) : [];
  if (o.store === null) replySorted(c, chosen, o);
  else storeSorted(c, chosen, o, argv[1] as string);
}

/** Fills scores (or ALPHA compare values); false when a score is not a double. */
function scoreItems(c: CommandContext, items: Item[], o: SortOptions): boolean {
  let ok = true;
  for (const item of items) {
    const by = o.by === null ? item.element : lookupByPattern(c, o.by, item.element);
    if (by === null) continue;
    if (o.alpha) {
      if (o.by !== null) item.cmp = by;
      continue;
    }
    const score = parseSortDouble(by);
    if (score === null) ok = false;
    else item.score = score;
  }
  return ok;
}

function replySorted(c: CommandContext, items: Item[], o: SortOptions): void {
  c.addReplyArrayLen(o.gets.length > 0 ? o.gets.length * items.length : items.length);
  for (const item of items) {
    if (o.gets.length === 0) c.addReplyBulk(item.element);
    for (const pattern of o.gets) c.addReplyBulkOrNull(lookupByPattern(c, pattern, item.element));
  }
}

function storeSorted(c: CommandContext, items: Item[], o: SortOptions, source: string): void {
  const out: string[] = [];
  for (const item of items) {
    if (o.gets.length === 0) out.push(item.element);
    for (const pattern of o.gets) out.push(lookupByPattern(c, pattern, item.element) ?? '');
  }
  const ks = c.keyspace;
  const key = o.store as string;
  if (out.length > 0) {
    const list = ListValue.from(out);
    // Redis makes this list with quicklist's default fill, whatever list-max-listpack-size says.
    ks.lazyfree.listFills.set(list, QUICKLIST_DEFAULT_FILL);
    // Sorting a key into itself: Redis still holds the old value, so it is not freed lazily.
    if (key === source) ks.setKeySync(c.db, key, list);
    else ks.setKey(c.db, key, list);
    ks.dirty += out.length - 1;
    notifyKeyspaceEvent(c, NOTIFY.list, 'sortstore', key);
  } else if (ks.delete(c.db, key)) {
    notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
  }
  c.addReplyLongLong(out.length);
}

export const sortCommands: CommandDef[] = [
  { name: 'sort', handler: (c, argv) => sortGeneric(c, argv, false) },
  { name: 'sort_ro', handler: (c, argv) => sortGeneric(c, argv, true) },
];
