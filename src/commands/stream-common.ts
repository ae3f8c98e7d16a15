// Helpers the stream command modules share: ID arguments with Redis 7.0's error texts, entry
// replies, lookups, the node limits from the config, propagation of several commands as one
// (XREADGROUP/XCLAIM effects), and the entries-read / lag arithmetic of consumer groups.
// Redis equivalent: the helpers of t_stream.c (streamParseIDOrReply, addReplyStreamID,
// streamReplyWithRange's entry emission, streamEstimateDistanceFromFirstEverEntry,
// streamRangeHasTombstones, streamPropagateXCLAIM, streamPropagateGroupID).

import type { CommandContext } from './context.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import { Consumer, type ConsumerGroup, INVALID_ENTRIES_READ, type PendingEntry } from '../store/value/stream-group.js';
import {
  type StreamId, MAX_ID, ZERO_ID, compareIds, decrId, formatId, incrId, isZeroId, parseId,
} from '../store/value/stream-id.js';
import { type NodeLimits, StreamValue } from '../store/value/stream.js';
import type { Value } from '../store/value/types.js';
import { WRONGTYPE, INVALID_STREAM_ID } from './errors.js';

export { StreamValue };

export const INVALID_ID = INVALID_STREAM_ID;

/** A strict ID (no `-`/`+`), seq defaulting to missingSeq; null after replying. */
export function strictIdOrReply(c: CommandContext, text: string, missingSeq = 0n): StreamId | null {
  const parsed = parseId(text, { missingSeq, strict: true });
  if (parsed === null) {
    c.addReplyError(INVALID_ID);
    return null;
  }
  return parsed.id;
}

/** An ID where `-` and `+` mean the extremes. */
export function idOrReply(c: CommandContext, text: string, missingSeq = 0n): StreamId | null {
  const parsed = parseId(text, { missingSeq, strict: false });
  if (parsed === null) {
    c.addReplyError(INVALID_ID);
    return null;
  }
  return parsed.id;
}

/** A range bound: `(id` is exclusive (strict), otherwise as idOrReply. */
export function intervalIdOrReply(c: CommandContext, text: string, end: boolean): StreamId | null {
  const missingSeq = end ? MAX_ID.seq : 0n;
  if (text.length > 1 && text[0] === '(') {
    const id = strictIdOrReply(c, text.slice(1), missingSeq);
    if (id === null) return null;
    const moved = end ? decrId(id) : incrId(id);
    if (moved === null) c.addReplyError(end ? 'ERR invalid end ID for the interval' : 'ERR invalid start ID for the interval');
    return moved;
  }
  return idOrReply(c, text, missingSeq);
}

/** The stream at key (undefined when missing); false after a WRONGTYPE reply. */
export function streamOrReply(c: CommandContext, value: Value | undefined): StreamValue | undefined | false {
  if (value === undefined) return undefined;
  if (!(value instanceof StreamValue)) {
    c.addReplyError(WRONGTYPE);
    return false;
  }
  return value;
}

export function nodeLimits(c: CommandContext): NodeLimits {
  const config = c.config;
  return { maxBytes: config.num('stream-node-max-bytes'), maxEntries: config.num('stream-node-max-entries') };
}

export function addReplyId(c: CommandContext, id: StreamId): void {
  c.addReplyBulk(formatId(id));
}

/** One entry: [id, [field, value, ...]]. */
export function addReplyEntry(c: CommandContext, id: StreamId, fields: string[]): void {
  c.addReplyArrayLen(2);
  addReplyId(c, id);
  c.addReplyArrayLen(fields.length);
  for (const f of fields) c.addReplyBulk(f);
}

/** Replies live entries in [start, end] (at most count, 0 = all); returns how many. */
export function addReplyRange(
  c: CommandContext,
  s: StreamValue,
  range: { start: StreamId; end: StreamId; reverse: boolean; count: number },
): number {
  const at = c.deferLen();
  let n = 0;
  s.scan(range.start, range.end, range.reverse, (e) => {
    addReplyEntry(c, e.id, e.fields);
    n++;
    return range.count === 0 || n < range.count;
  });
  c.setDeferredArrayLen(at, n);
  return n;
}

/** The entry's fields when it exists (live), else null. */
export function entryFields(s: StreamValue, id: StreamId): string[] | null {
  let found: string[] | null = null;
  s.scan(id, id, false, (e) => {
    found = e.fields;
    return false;
  });
  return found;
}

// ------------------------------------------------------------------ entries-read and lag

/** streamRangeHasTombstones(s, start, +). */
export function hasTombstonesFrom(s: StreamValue, start: StreamId): boolean {
  if (s.length === 0 || isZeroId(s.maxDeletedId)) return false;
  return compareIds(start, s.maxDeletedId) <= 0;
}

/** streamEstimateDistanceFromFirstEverEntry. */
export function estimateEntriesRead(s: StreamValue, id: StreamId): bigint {
  return s.estimateEntriesRead(id);
}

/** The group's lag, or null when it cannot be known. */
export function groupLag(s: StreamValue, g: ConsumerGroup): bigint | null {
  if (s.entriesAdded === 0n) return 0n;
  if (g.entriesRead !== INVALID_ENTRIES_READ && !hasTombstonesFrom(s, g.lastId)) {
    return s.entriesAdded - g.entriesRead;
  }
  const read = estimateEntriesRead(s, g.lastId);
  return read === INVALID_ENTRIES_READ ? null : s.entriesAdded - read;
}

/** A group delivered `id` (above its last ID): advances last ID and entries-read. */
export function groupDelivered(s: StreamValue, g: ConsumerGroup, id: StreamId): void {
  if (g.entriesRead !== INVALID_ENTRIES_READ && !hasTombstonesFrom(s, id)) g.entriesRead++;
  else if (s.entriesAdded !== 0n) g.entriesRead = estimateEntriesRead(s, id);
  g.lastId = id;
}

// ------------------------------------------------------------------ propagation

/** XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID last: how Redis propagates a PEL change. */
export function xclaimArgv(key: string, groupName: string, g: ConsumerGroup, p: PendingEntry): string[] {
  return ['XCLAIM', key, groupName, p.consumer.name, '0', formatId(p.id), 'TIME', String(p.deliveryTime), 'RETRYCOUNT',
    String(p.deliveryCount), 'FORCE', 'JUSTID', 'LASTID', formatId(g.lastId)];
}

export function setIdArgv(key: string, groupName: string, g: ConsumerGroup): string[] {
  return ['XGROUP', 'SETID', key, groupName, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)];
}

/**
 * Propagates several commands as the effects of this one (wrapped in MULTI/EXEC when more than
 * one, as Redis 7.0 does) and keeps call() from propagating the command itself.
 */
export function propagateEffects(c: CommandContext, effects: string[][]): void {
  c.propagateArgv = [];
  if (effects.length === 0 || !c.caller.propagate) return;
  const propagation = c.services.propagation;
  if (effects.length > 1) propagation.beginBlock();
  for (const argv of effects) propagation.propagate(c.dbIndex, argv);
  if (effects.length > 1) propagation.endBlock();
}

export { MAX_ID, ZERO_ID };

/** The consumer (XREADGROUP, XCLAIM, XAUTOCLAIM), created when missing with an event; its seen-time is now. */
export function consumerFor(c: CommandContext, group: ConsumerGroup, names: { key: string; consumer: string }): Consumer {
  const now = c.keyspace.now;
  let consumer = group.consumers.get(names.consumer);
  if (consumer === undefined) {
    consumer = new Consumer(names.consumer, now);
    group.consumers.set(names.consumer, consumer);
    notifyKeyspaceEvent(c, NOTIFY.stream, 'xgroup-createconsumer', names.key);
  }
  consumer.seenTime = now;
  return consumer;
}
