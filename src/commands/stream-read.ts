// XREAD and XREADGROUP (with BLOCK, through server/blocking.ts) and XACK. A group read delivers
// entries above the group's last ID into the PELs (or the consumer's history for an explicit
// ID), and propagates its effects as Redis 7.0 does: one XCLAIM ... FORCE JUSTID LASTID per
// delivered entry and XGROUP SETID ... ENTRIESREAD for the group's new last ID.
// Redis equivalent: xreadCommand, streamReplyWithRange (group part),
// streamReplyWithRangeFromConsumerPEL, xackCommand in t_stream.c and
// serveClientsBlockedOnStreamKey in blocked.c.

import { blockingDenied } from '../server/blocking.js';
import type { CommandContext } from './context.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import { Consumer, type ConsumerGroup, type PendingEntry } from '../store/value/stream-group.js';
import { type StreamId, MAX_ID, compareIds, incrId } from '../store/value/stream-id.js';
import { parseInt64 } from '../util/numbers.js';
import { eqIgnoreCase } from './args.js';
import { NOT_INTEGER, SYNTAX, TIMEOUT_NEGATIVE, TIMEOUT_NOT_INTEGER } from './errors.js';
import {
  StreamValue, addReplyEntry, consumerFor, addReplyId, entryFields, groupDelivered, propagateEffects, setIdArgv,
  strictIdOrReply, streamOrReply, xclaimArgv,
} from './stream-common.js';
import type { CommandDef } from './types.js';

export const streamReadCommands: CommandDef[] = [
  { name: 'xread', handler: (c, argv) => xreadGeneric(c, argv, false) },
  { name: 'xreadgroup', handler: (c, argv) => xreadGeneric(c, argv, true) },
  { name: 'xack', handler: xackCommand },
];

/** Redis's XREAD_BLOCKED_DEFAULT_COUNT. */
const BLOCKED_DEFAULT_COUNT = 1000;

interface ReadArgs {
  /** Absolute ms; 0 forever; -1 no BLOCK. */
  timeoutAtMs: number;
  count: number;
  keys: string[];
  idTexts: string[];
  group: string | null;
  consumer: string;
  noack: boolean;
}

function parseReadArgsOrReply(c: CommandContext, argv: string[], grouped: boolean): ReadArgs | null {
  const args: ReadArgs = { timeoutAtMs: -1, count: 0, keys: [], idTexts: [], group: null, consumer: '', noack: false };
  let streamsAt = 0;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i] as string;
    if (eqIgnoreCase(o, 'BLOCK') && more > 0) {
      i++;
      const ms = parseInt64(argv[i] as string);
      if (ms === null) {
        c.addReplyError(TIMEOUT_NOT_INTEGER);
        return null;
      }
      if (ms < 0) {
        c.addReplyError(TIMEOUT_NEGATIVE);
        return null;
      }
      args.timeoutAtMs = ms === 0 ? 0 : Math.min(Date.now() + Number(ms), Number.MAX_SAFE_INTEGER);
    } else if (eqIgnoreCase(o, 'COUNT') && more > 0) {
      i++;
      const n = parseInt64(argv[i] as string);
      if (n === null) {
        c.addReplyError(NOT_INTEGER);
        return null;
      }
      args.count = n < 0 ? 0 : Number(n);
    } else if (eqIgnoreCase(o, 'STREAMS') && more > 0) {
      streamsAt = i + 1;
      const n = argv.length - streamsAt;
      if (n % 2 !== 0) {
        // 7.0 says XREAD and '$' for XREADGROUP too.
        c.addReplyError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        return null;
      }
      args.keys = argv.slice(streamsAt, streamsAt + n / 2);
      args.idTexts = argv.slice(streamsAt + n / 2);
      break;
    } else if (eqIgnoreCase(o, 'GROUP') && more >= 2) {
      if (!grouped) {
        c.addReplyError('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
        return null;
      }
      args.group = argv[i + 1] as string;
      args.consumer = argv[i + 2] as string;
      i += 2;
    } else if (eqIgnoreCase(o, 'NOACK')) {
      if (!grouped) {
        c.addReplyError('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
        return null;
      }
      args.noack = true;
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  if (streamsAt === 0) {
    c.addReplyError(SYNTAX);
    return null;
  }
  if (grouped && args.group === null) {
    c.addReplyError('ERR Missing GROUP option for XREADGROUP');
    return null;
  }
  return args;
}

/** Per key: the ID to read above (MAX_ID for `>`) and the group, or null after replying. */
function resolveIdsOrReply(c: CommandContext, args: ReadArgs): { ids: StreamId[]; groups: (ConsumerGroup | null)[] } | null {
  const ks = c.keyspace;
  const ids: StreamId[] = [];
  const groups: (ConsumerGroup | null)[] = [];
  for (let i = 0; i < args.keys.length; i++) {
    const key = args.keys[i] as string;
    const text = args.idTexts[i] as string;
    const s = streamOrReply(c, ks.lookupRead(c.db, key));
    if (s === false) return null;
    let group: ConsumerGroup | null = null;
    if (args.group !== null) {
      group = s?.groups.get(args.group) ?? null;
      if (group === null) {
        c.addReplyError(`NOGROUP No such key '${key}' or consumer group '${args.group}' in XREADGROUP with GROUP option`);
        return null;
      }
    }
    groups.push(group);
    if (text === '$') {
      if (args.group !== null) {
        c.addReplyError('ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.');
        return null;
      }
      ids.push(s === undefined ? { ms: 0n, seq: 0n } : s.lastId);
      continue;
    }
    if (text === '>') {
      if (args.group === null) {
        c.addReplyError('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
        return null;
      }
      ids.push(MAX_ID);
      continue;
    }
    const id = strictIdOrReply(c, text);
    if (id === null) return null;
    ids.push(id);
  }
  return { ids, groups };
}

function xreadGeneric(c: CommandContext, argv: string[], grouped: boolean): void {
  const args = parseReadArgsOrReply(c, argv, grouped);
  if (args === null) return;
  const resolved = resolveIdsOrReply(c, args);
  if (resolved === null) return;
  const ks = c.keyspace;
  const at = c.deferLen();
  let served = 0;
  const effects: string[][] = [];
  for (let i = 0; i < args.keys.length; i++) {
    const key = args.keys[i] as string;
    const s = ks.lookupRead(c.db, key);
    if (!(s instanceof StreamValue)) continue;
    let gt = resolved.ids[i] as StreamId;
    const group = resolved.groups[i] ?? null;
    let history = false;
    let serve = false;
    if (group !== null) {
      if (compareIds(gt, MAX_ID) !== 0) serve = history = true;
      else if (s.length !== 0 && compareIds(lastValidId(s), group.lastId) > 0) {
        serve = true;
        gt = group.lastId;
      }
    } else if (s.length !== 0 && compareIds(lastValidId(s), gt) > 0) serve = true;
    if (!serve) continue;
    served++;
    if (c.resp === 2) c.addReplyArrayLen(2);
    c.addReplyBulk(key);
    const start = incrId(gt) ?? MAX_ID;
    if (group === null) {
      replyNewEntries(c, s, start, args.count);
      continue;
    }
    const consumer = consumerFor(c, group, { key, consumer: args.consumer });
    const read = { key, groupName: args.group as string, group, consumer, count: args.count, noack: args.noack, effects };
    if (history) replyHistory(c, s, start, read);
    else {
      replyGroupEntries(c, s, start, read);
      ks.modified(c.db, key, 1);
    }
  }
  if (served !== 0) {
    if (c.resp === 2) c.setDeferredArrayLen(at, served);
    else c.setDeferredMapLen(at, served);
    if (grouped) propagateEffects(c, effects);
    return;
  }
  if (args.timeoutAtMs === -1 || blockingDenied(c)) {
    c.addReplyNullArray();
    return;
  }
  blockForStreams(c, args, resolved.ids);
}

function lastValidId(s: StreamValue): StreamId {
  return s.edge(true)?.id ?? s.lastId;
}

function replyNewEntries(c: CommandContext, s: StreamValue, start: StreamId, count: number): void {
  const at = c.deferLen();
  let n = 0;
  s.scan(start, MAX_ID, false, (e) => {
    addReplyEntry(c, e.id, e.fields);
    n++;
    return count === 0 || n < count;
  });
  c.setDeferredArrayLen(at, n);
}

interface GroupRead {
  key: string;
  groupName: string;
  group: ConsumerGroup;
  consumer: Consumer;
  count: number;
  noack: boolean;
  /** Where a `>` read puts the commands it propagates (XCLAIMs, XGROUP SETID). */
  effects: string[][];
}

/** `>`: entries above the group's last ID, into the PELs unless NOACK. */
function replyGroupEntries(c: CommandContext, s: StreamValue, start: StreamId, read: GroupRead): void {
  const { group, consumer, effects } = read;
  const now = c.keyspace.now;
  const at = c.deferLen();
  let n = 0;
  let advanced = false;
  s.scan(start, MAX_ID, false, (e) => {
    if (compareIds(e.id, group.lastId) > 0) {
      groupDelivered(s, group, e.id);
      advanced = true;
    }
    addReplyEntry(c, e.id, e.fields);
    if (!read.noack) {
      let p = group.pel.get(e.id);
      if (p === undefined) {
        p = { id: e.id, consumer, deliveryTime: now, deliveryCount: 1 };
        group.pel.set(e.id, p);
      } else {
        p.consumer.pel.delete(e.id);
        p.consumer = consumer;
        p.deliveryTime = now;
        p.deliveryCount = 1;
      }
      consumer.pel.set(e.id, p);
      effects.push(xclaimArgv(read.key, read.groupName, group, p));
    }
    n++;
    return read.count === 0 || n < read.count;
  });
  c.setDeferredArrayLen(at, n);
  // 7.0.15 logs the group's new last ID only for NOACK reads (the XCLAIMs carry LASTID).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the visit callback above (TS does not see writes from closures)
  if (advanced && read.noack) effects.push(setIdArgv(read.key, read.groupName, group));
}

/** An explicit ID: the consumer's pending entries from `start`; deleted entries as [id, nil]. */
function replyHistory(c: CommandContext, s: StreamValue, start: StreamId, read: GroupRead): void {
  const now = c.keyspace.now;
  const at = c.deferLen();
  let n = 0;
  for (const p of read.consumer.pel.from(start)) {
    if (read.count !== 0 && n >= read.count) break;
    const fields = entryFields(s, p.id);
    if (fields === null) {
      c.addReplyArrayLen(2);
      addReplyId(c, p.id);
      c.addReplyNullArray();
    } else {
      addReplyEntry(c, p.id, fields);
      // Redis 7.0.15 counts the delivery but logs nothing for a history read.
      p.deliveryTime = now;
      p.deliveryCount++;
    }
    n++;
  }
  c.setDeferredArrayLen(at, n);
}

function blockForStreams(c: CommandContext, args: ReadArgs, ids: StreamId[]): void {
  const ks = c.keyspace;
  const waitIds = new Map<string, StreamId>();
  args.keys.forEach((k, i) => {
    if (!waitIds.has(k)) waitIds.set(k, ids[i] as StreamId);
  });
  const count = args.count !== 0 ? args.count : BLOCKED_DEFAULT_COUNT;
  // What ready() found for serve() to do.
  let pending: 'serve' | 'deleted' | 'nogroup' = 'serve';
  c.services.blocking.block(c, {
    keys: args.keys,
    timeoutAtMs: args.timeoutAtMs,
    type: 'stream',
    ready: (client, key) => {
      const s = ks.peek(client.db, key);
      if (!(s instanceof StreamValue)) {
        pending = 'deleted';
        return args.group !== null;
      }
      let gt = waitIds.get(key) as StreamId;
      if (args.group !== null) {
        const group = s.groups.get(args.group);
        if (group === undefined) {
          pending = 'nogroup';
          return true;
        }
        gt = group.lastId;
      }
      pending = 'serve';
      return compareIds(s.lastId, gt) > 0;
    },
    serve: (client, key) => {
      if (pending === 'deleted') {
        client.addReplyError('UNBLOCKED the stream key no longer exists');
        return;
      }
      if (pending === 'nogroup') {
        client.addReplyError('NOGROUP the consumer group this client was blocked on no longer exists');
        return;
      }
      serveBlocked(client, key, args, { gt: waitIds.get(key) as StreamId, count });
    },
  });
}

function serveBlocked(c: CommandContext, key: string, args: ReadArgs, options: { gt: StreamId; count: number }): void {
  const ks = c.keyspace;
  const s = ks.peek(c.db, key) as StreamValue;
  if (c.resp === 2) {
    c.addReplyArrayLen(1);
    c.addReplyArrayLen(2);
  } else c.addReplyMapLen(1);
  c.addReplyBulk(key);
  if (args.group === null) {
    replyNewEntries(c, s, incrId(options.gt) ?? MAX_ID, options.count);
    return;
  }
  const group = s.groups.get(args.group) as ConsumerGroup;
  const consumer = consumerFor(c, group, { key, consumer: args.consumer });
  const effects: string[][] = [];
  const read = { key, groupName: args.group, group, consumer, count: options.count, noack: args.noack, effects };
  replyGroupEntries(c, s, incrId(group.lastId) ?? MAX_ID, read);
  ks.modified(c.db, key, 1);
  if (effects.length > 1) c.services.propagation.beginBlock();
  for (const e of effects) c.services.propagation.propagate(c.dbIndex, e);
  if (effects.length > 1) c.services.propagation.endBlock();
}

function xackCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const s = streamOrReply(c, c.keyspace.lookupWrite(c.db, key));
  if (s === false) return;
  const group = s?.groups.get(argv[2] as string);
  if (s === undefined || group === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  const ids: StreamId[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = strictIdOrReply(c, argv[j] as string);
    if (id === null) return;
    ids.push(id);
  }
  let acked = 0;
  for (const id of ids) {
    const p = group.pel.get(id);
    if (p === undefined) continue;
    group.pel.delete(id);
    p.consumer.pel.delete(id);
    acked++;
  }
  if (acked !== 0) c.keyspace.modified(c.db, key, acked);
  c.addReplyLongLong(acked);
}
