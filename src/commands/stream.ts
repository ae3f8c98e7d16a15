// Stream commands that read or write entries: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID.
// Replies, error texts, trimming (= / ~ / LIMIT) and propagation (the generated ID, and the
// exact form of an approximate trim) follow Redis 7.0. Consumer groups are in stream-group.ts,
// XREAD/XREADGROUP in stream-read.ts, XINFO in stream-info.ts.
// Redis equivalent: t_stream.c (xaddCommand, xrangeGenericCommand, xlenCommand, xdelCommand,
// xtrimCommand, xsetidCommand, streamParseAddOrTrimArgsOrReply).

import type { CommandContext } from './context.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import { type StreamId, U64_MAX, compareIds, formatId, incrId, isZeroId, parseId } from '../store/value/stream-id.js';
import type { TrimOptions } from '../store/value/stream.js';
import { eqIgnoreCase } from './args.js';
import { addCollection, collectionChanged } from './collection-write.js';
import { NOT_INTEGER, NO_SUCH_KEY, SYNTAX, wrongArity } from './errors.js';
import {
  INVALID_ID, StreamValue, addReplyId, addReplyRange, intervalIdOrReply, nodeLimits, strictIdOrReply,
  streamOrReply,
} from './stream-common.js';
import { parseInt64 } from '../util/numbers.js';
import type { CommandDef } from './types.js';

export const streamCommands: CommandDef[] = [
  { name: 'xadd', handler: xaddCommand },
  { name: 'xrange', handler: (c, argv) => xrangeGeneric(c, argv, false) },
  { name: 'xrevrange', handler: (c, argv) => xrangeGeneric(c, argv, true) },
  { name: 'xlen', handler: xlenCommand },
  { name: 'xdel', handler: xdelCommand },
  { name: 'xtrim', handler: xtrimCommand },
  { name: 'xsetid', handler: xsetidCommand },
];

interface AddTrimArgs {
  trim: TrimOptions | null;
  /** Index of the MAXLEN/MINID value, for rewriting an approximate trim. */
  trimArgIndex: number;
  noMkstream: boolean;
  id: StreamId | null;
  seqGiven: boolean;
  /** Index of the ID argument (XADD). */
  idIndex: number;
}

/** A 64-bit integer argument as a JS number (clamped past 2^53); null after replying. */
function integerOrReply(c: CommandContext, text: string): number | null {
  const v = parseInt64(text);
  if (v === null) {
    c.addReplyError(NOT_INTEGER);
    return null;
  }
  return typeof v === 'bigint' ? (v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER) : v;
}

/** streamParseAddOrTrimArgsOrReply: the options of XADD (until the ID) or XTRIM. */
function addOrTrimArgsOrReply(c: CommandContext, argv: string[], xadd: boolean): AddTrimArgs | null {
  const out: AddTrimArgs = { trim: null, trimArgIndex: 0, noMkstream: false, id: null, seqGiven: true, idIndex: argv.length };
  let limit = 0;
  let limitGiven = false;
  let approx = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const moreArgs = argv.length - 1 - i;
    const opt = argv[i] as string;
    if (xadd && opt === '*') break;
    if ((eqIgnoreCase(opt, 'MAXLEN') || eqIgnoreCase(opt, 'MINID')) && moreArgs > 0) {
      if (out.trim !== null) {
        c.addReplyError('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
        return null;
      }
      approx = false;
      const next = argv[i + 1] as string;
      if (moreArgs >= 2 && next === '~') {
        approx = true;
        i++;
      } else if (moreArgs >= 2 && next === '=') i++;
      const value = argv[i + 1] as string;
      if (eqIgnoreCase(opt, 'MAXLEN')) {
        const maxlen = integerOrReply(c, value);
        if (maxlen === null) return null;
        if (maxlen < 0) {
          c.addReplyError('ERR The MAXLEN argument must be >= 0.');
          return null;
        }
        out.trim = { maxlen, approx, limit: 0 };
      } else {
        const minid = strictIdOrReply(c, value);
        if (minid === null) return null;
        out.trim = { minid, approx, limit: 0 };
      }
      i++;
      out.trimArgIndex = i;
    } else if (eqIgnoreCase(opt, 'LIMIT') && moreArgs > 0) {
      const v = integerOrReply(c, argv[i + 1] as string);
      if (v === null) return null;
      if (v < 0) {
        c.addReplyError('ERR The LIMIT argument must be >= 0.');
        return null;
      }
      limit = v;
      limitGiven = true;
      i++;
    } else if (xadd && eqIgnoreCase(opt, 'NOMKSTREAM')) {
      out.noMkstream = true;
    } else if (xadd) {
      const parsed = parseId(opt, { missingSeq: 0n, strict: true, allowStar: true });
      if (parsed === null) {
        c.addReplyError(INVALID_ID);
        return null;
      }
      out.id = parsed.id;
      out.seqGiven = parsed.seqGiven;
      break;
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  out.idIndex = i;
  return trimLimitOrReply(c, out, xadd, limitGiven ? limit : null) ? out : null;
}

/**
 * The checks after the options: LIMIT needs a strategy (and `~`), XTRIM needs a strategy; sets
 * the trim's effective LIMIT (`limit` is the given one, or null). False when it replied an error.
 */
function trimLimitOrReply(c: CommandContext, out: AddTrimArgs, xadd: boolean, limit: number | null): boolean {
  if (limit !== null && limit !== 0 && out.trim === null) {
    c.addReplyError('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
    return false;
  }
  if (!xadd && out.trim === null) {
    c.addReplyError('ERR syntax error, XTRIM must be called with a trimming strategy');
    return false;
  }
  if (out.trim !== null) {
    if (c.internal) out.trim.limit = 0; // AOF loading obeys the logged form exactly
    else if (limit !== null) {
      if (!out.trim.approx) {
        c.addReplyError('ERR syntax error, LIMIT cannot be used without the special ~ option');
        return false;
      }
      out.trim.limit = limit;
    } else if (out.trim.approx) {
      const entries = c.config.num('stream-node-max-entries');
      let defaultLimit = 100 * entries;
      if (defaultLimit <= 0 || defaultLimit > 10000) defaultLimit = 10000;
      out.trim.limit = defaultLimit;
    }
  }
  return true;
}

/** The propagated form of an approximate trim: `=` and what the trim actually left. */
function rewriteApproxTrim(argv: string[], args: AddTrimArgs, s: StreamValue): string[] {
  const out = argv.slice();
  out[args.trimArgIndex - 1] = '=';
  if (args.trim?.maxlen !== undefined) out[args.trimArgIndex] = String(s.length);
  else out[args.trimArgIndex] = formatId(s.firstEntryIdWithTombstones());
  return out;
}

function xaddCommand(c: CommandContext, argv: string[]): void {
  const args = addOrTrimArgsOrReply(c, argv, true);
  if (args === null) return;
  const fieldPos = args.idIndex + 1;
  const fieldCount = argv.length - fieldPos;
  if (fieldCount < 2 || fieldCount % 2 === 1) {
    c.addReplyError(wrongArity('xadd'));
    return;
  }
  if (args.id !== null && args.seqGiven && isZeroId(args.id)) {
    c.addReplyError('ERR The ID specified in XADD must be greater than 0-0');
    return;
  }
  const ks = c.keyspace;
  const key = argv[1] as string;
  const existing = streamOrReply(c, ks.lookupWrite(c.db, key));
  if (existing === false) return;
  if (existing === undefined && args.noMkstream) {
    c.addReplyNull();
    return;
  }
  const s = existing ?? new StreamValue();
  if (s.lastId.ms === U64_MAX && s.lastId.seq === U64_MAX) {
    c.addReplyError('ERR The stream has exhausted the last possible ID, unable to add more items');
    return;
  }
  const id = nextId(s, args, ks.now);
  if (id === null) {
    c.addReplyError('ERR The ID specified in XADD is equal or smaller than the target stream top item');
    return;
  }
  s.append(id, argv.slice(fieldPos), nodeLimits(c));
  s.entriesAdded++;
  const idText = formatId(id);
  c.addReplyBulk(idText);
  if (existing === undefined) addCollection(c, key, s, 1);
  else collectionChanged(c, key, 1, false);
  notifyKeyspaceEvent(c, NOTIFY.stream, 'xadd', key);
  let logged = argv;
  if (args.trim !== null) {
    if (s.trim(args.trim) !== 0) notifyKeyspaceEvent(c, NOTIFY.stream, 'xtrim', key);
    if (args.trim.approx) logged = rewriteApproxTrim(argv, args, s);
  }
  if (args.id === null || !args.seqGiven) {
    if (logged === argv) logged = argv.slice();
    logged[args.idIndex] = idText;
  }
  if (logged !== argv) c.propagateArgv = logged;
}

/** The ID XADD appends: given, `ms-*` or `*`; null when not above the stream's last ID. */
function nextId(s: StreamValue, args: AddTrimArgs, nowMs: number): StreamId | null {
  const last = s.lastId;
  if (args.id === null) {
    const ms = BigInt(Date.now() > nowMs ? Date.now() : nowMs);
    if (ms > last.ms) return { ms, seq: 0n };
    return incrId(last);
  }
  if (!args.seqGiven) {
    if (args.id.ms === last.ms) {
      if (last.seq === U64_MAX) return null;
      return { ms: last.ms, seq: last.seq + 1n };
    }
    return args.id.ms > last.ms ? { ms: args.id.ms, seq: 0n } : null;
  }
  return compareIds(args.id, last) > 0 ? args.id : null;
}

function xrangeGeneric(c: CommandContext, argv: string[], reverse: boolean): void {
  const start = intervalIdOrReply(c, argv[reverse ? 3 : 2] as string, false);
  if (start === null) return;
  const end = intervalIdOrReply(c, argv[reverse ? 2 : 3] as string, true);
  if (end === null) return;
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (eqIgnoreCase(argv[j] as string, 'COUNT') && j + 1 < argv.length) {
      const v = integerOrReply(c, argv[j + 1] as string);
      if (v === null) return;
      count = v < 0 ? 0 : v;
      j++;
    } else {
      c.addReplyError(SYNTAX);
      return;
    }
  }
  const s = streamOrReply(c, c.keyspace.lookupRead(c.db, argv[1] as string));
  if (s === false) return;
  if (s === undefined) {
    c.addReplyArrayLen(0);
    return;
  }
  if (count === 0) {
    c.addReplyNullArray();
    return;
  }
  addReplyRange(c, s, { start, end, reverse, count: count === -1 ? 0 : count });
}

function xlenCommand(c: CommandContext, argv: string[]): void {
  const s = streamOrReply(c, c.keyspace.lookupRead(c.db, argv[1] as string));
  if (s === false) return;
  c.addReplyLongLong(s === undefined ? 0 : s.length);
}

function xdelCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const s = streamOrReply(c, c.keyspace.lookupWrite(c.db, key));
  if (s === false) return;
  if (s === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  const ids: StreamId[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = strictIdOrReply(c, argv[j] as string);
    if (id === null) return;
    ids.push(id);
  }
  let deleted = 0;
  let firstDeleted = false;
  for (const id of ids) {
    if (!s.delete(id)) continue;
    if (compareIds(id, s.firstId) === 0) firstDeleted = true;
    if (compareIds(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted !== 0) {
    if (s.length === 0) s.firstId = { ms: 0n, seq: 0n };
    else if (firstDeleted) s.refreshFirstId();
    collectionChanged(c, key, deleted, false);
    notifyKeyspaceEvent(c, NOTIFY.stream, 'xdel', key);
  }
  c.addReplyLongLong(deleted);
}

function xtrimCommand(c: CommandContext, argv: string[]): void {
  const args = addOrTrimArgsOrReply(c, argv, false);
  if (args === null) return;
  const key = argv[1] as string;
  const s = streamOrReply(c, c.keyspace.lookupWrite(c.db, key));
  if (s === false) return;
  if (s === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  const trim = args.trim as TrimOptions;
  const deleted = s.trim(trim);
  if (deleted !== 0) {
    if (trim.approx) c.propagateArgv = rewriteApproxTrim(argv, args, s);
    collectionChanged(c, key, deleted, false);
    notifyKeyspaceEvent(c, NOTIFY.stream, 'xtrim', key);
  }
  c.addReplyLongLong(deleted);
}

function xsetidCommand(c: CommandContext, argv: string[]): void {
  const id = strictIdOrReply(c, argv[2] as string);
  if (id === null) return;
  let entriesAdded = -1n;
  let maxDeleted: StreamId = { ms: 0n, seq: 0n };
  for (let i = 3; i < argv.length; i += 2) {
    const opt = argv[i] as string;
    const hasMore = i + 1 < argv.length;
    if (eqIgnoreCase(opt, 'ENTRIESADDED') && hasMore) {
      const v = parseInt64(argv[i + 1] as string);
      if (v === null) {
        c.addReplyError(NOT_INTEGER);
        return;
      }
      if (v < 0) {
        c.addReplyError('ERR entries_added must be positive');
        return;
      }
      entriesAdded = BigInt(v);
    } else if (eqIgnoreCase(opt, 'MAXDELETEDID') && hasMore) {
      const m = strictIdOrReply(c, argv[i + 1] as string);
      if (m === null) return;
      if (compareIds(id, m) < 0) {
        c.addReplyError('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
        return;
      }
      maxDeleted = m;
    } else {
      c.addReplyError(SYNTAX);
      return;
    }
  }
  const key = argv[1] as string;
  const value = c.keyspace.lookupWrite(c.db, key);
  if (value === undefined) {
    c.addReplyError(NO_SUCH_KEY);
    return;
  }
  const s = streamOrReply(c, value);
  if (s === false || s === undefined) return;
  if (s.length > 0) {
    const top = s.edge(true);
    if (top !== null && compareIds(id, top.id) < 0) {
      c.addReplyError('ERR The ID specified in XSETID is smaller than the target stream top item');
      return;
    }
    if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded) {
      c.addReplyError('ERR The entries_added specified in XSETID is smaller than the target stream length');
      return;
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
  if (!isZeroId(maxDeleted)) s.maxDeletedId = maxDeleted;
  c.addReplyOk();
  collectionChanged(c, key, 1, false);
  notifyKeyspaceEvent(c, NOTIFY.stream, 'xsetid', key);
}
