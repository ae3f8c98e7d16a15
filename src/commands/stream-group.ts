// Consumer-group commands: XGROUP CREATE/SETID/DESTROY/CREATECONSUMER/DELCONSUMER/HELP,
// XPENDING, XCLAIM, XAUTOCLAIM, with Redis 7.0's replies, error texts and propagation (XCLAIM
// and XAUTOCLAIM log their effects as XCLAIM ... FORCE JUSTID LASTID / XGROUP SETID).
// Redis equivalent: xgroupCommand, xpendingCommand, xclaimCommand, xautoclaimCommand in t_stream.c.

import type { CommandContext } from './context.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import { Consumer, ConsumerGroup, INVALID_ENTRIES_READ, type PendingEntry } from '../store/value/stream-group.js';
import { type StreamId, compareIds, parseId } from '../store/value/stream-id.js';
import { parseInt64 } from '../util/numbers.js';
import { eqIgnoreCase } from './args.js';
import { addCollection, collectionChanged } from './collection-write.js';
import { NOT_INTEGER, SYNTAX, COUNT_OPTION_NOT_POSITIVE, INVALID_STREAM_ID, noSuchGroup, unknownSubcommandOrArity } from './errors.js';
import {
  StreamValue, addReplyEntry, consumerFor, addReplyId, entryFields, intervalIdOrReply, propagateEffects, setIdArgv,
  strictIdOrReply, streamOrReply, xclaimArgv,
} from './stream-common.js';
import type { CommandDef } from './types.js';

export const streamGroupCommands: CommandDef[] = [
  { name: 'xgroup|create', handler: (c, argv) => xgroupGeneric(c, argv, 'create') },
  { name: 'xgroup|setid', handler: (c, argv) => xgroupGeneric(c, argv, 'setid') },
  { name: 'xgroup|destroy', handler: (c, argv) => xgroupGeneric(c, argv, 'destroy') },
  { name: 'xgroup|createconsumer', handler: (c, argv) => xgroupGeneric(c, argv, 'createconsumer') },
  { name: 'xgroup|delconsumer', handler: (c, argv) => xgroupGeneric(c, argv, 'delconsumer') },
  { name: 'xgroup|help', handler: xgroupHelpCommand },
  { name: 'xpending', handler: xpendingCommand },
  { name: 'xclaim', handler: xclaimCommand },
  { name: 'xautoclaim', handler: xautoclaimCommand },
];

type Sub = 'create' | 'setid' | 'destroy' | 'createconsumer' | 'delconsumer';

function subcommandSyntax(c: CommandContext, argv: string[]): void {
  c.addReplyError(unknownSubcommandOrArity((argv[1] as string).slice(0, 128), 'XGROUP'));
}

/** CREATE/SETID options after the ID: MKSTREAM (CREATE), ENTRIESREAD n. */
function groupOptionsOrReply(c: CommandContext, argv: string[], sub: Sub): { mkstream: boolean; entriesRead: bigint } | null {
  const out = { mkstream: false, entriesRead: INVALID_ENTRIES_READ };
  if (sub !== 'create' && sub !== 'setid') return out;
  for (let i = 5; i < argv.length; i++) {
    const opt = argv[i] as string;
    if (sub === 'create' && eqIgnoreCase(opt, 'MKSTREAM')) out.mkstream = true;
    else if (eqIgnoreCase(opt, 'ENTRIESREAD') && i + 1 < argv.length) {
      const v = parseInt64(argv[i + 1] as string);
      if (v === null) {
        c.addReplyError(NOT_INTEGER);
        return null;
      }
      if (v < 0 && v !== -1) {
        c.addReplyError('ERR value for ENTRIESREAD must be positive or -1');
        return null;
      }
      out.entriesRead = BigInt(v);
      i++;
    } else {
      subcommandSyntax(c, argv);
      return null;
    }
  }
  return out;
}

function xgroupGeneric(c: CommandContext, argv: string[], sub: Sub): void {
  const options = groupOptionsOrReply(c, argv, sub);
  if (options === null) return;
  const ks = c.keyspace;
  const key = argv[2] as string;
  const groupName = argv[3] as string;
  const s = streamOrReply(c, ks.lookupWrite(c.db, key));
  if (s === false) return;
  if (s === undefined && !options.mkstream) {
    c.addReplyError('ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.');
    return;
  }
  const group = s?.groups.get(groupName);
  if (group === undefined && sub !== 'create' && sub !== 'destroy') {
    c.addReplyError(noSuchGroup(groupName, key));
    return;
  }
  const argc = argv.length;
  if (sub === 'create' && argc >= 5 && argc <= 8) {
    xgroupCreate(c, argv, s, options.entriesRead);
  } else if (sub === 'setid' && (argc === 5 || argc === 7)) {
    const g = group as ConsumerGroup;
    const id = setidTargetOrReply(c, argv[4] as string, s as StreamValue);
    if (id === null) return;
    g.lastId = id;
    g.entriesRead = options.entriesRead;
    c.addReplyOk();
    collectionChanged(c, key, 1, false);
    notifyKeyspaceEvent(c, NOTIFY.stream, 'xgroup-setid', key);
  } else if (sub === 'destroy' && argc === 4) {
    if (group === undefined) {
      c.addReplyLongLong(0);
      return;
    }
    (s as StreamValue).groups.delete(groupName);
    c.addReplyLongLong(1);
    collectionChanged(c, key, 1, false);
    notifyKeyspaceEvent(c, NOTIFY.stream, 'xgroup-destroy', key);
  } else if (sub === 'createconsumer' && argc === 5) {
    const g = group as ConsumerGroup;
    const name = argv[4] as string;
    if (g.consumers.has(name)) {
      c.addReplyLongLong(0);
      return;
    }
    g.consumers.set(name, new Consumer(name, ks.now));
    c.addReplyLongLong(1);
    collectionChanged(c, key, 1, false);
    notifyKeyspaceEvent(c, NOTIFY.stream, 'xgroup-createconsumer', key);
  } else if (sub === 'delconsumer' && argc === 5) {
    const g = group as ConsumerGroup;
    const consumer = g.consumers.get(argv[4] as string);
    if (consumer === undefined) {
      c.addReplyLongLong(0);
      return;
    }
    const pending = consumer.pel.size;
    for (const p of consumer.pel.values()) g.pel.delete(p.id);
    g.consumers.delete(consumer.name);
    c.addReplyLongLong(pending);
    collectionChanged(c, key, 1, false);
    notifyKeyspaceEvent(c, NOTIFY.stream, 'xgroup-delconsumer', key);
  } else subcommandSyntax(c, argv);
}

/** XGROUP SETID's ID: `$` is the stream's last ID. Null when it replied an error. */
function setidTargetOrReply(c: CommandContext, text: string, stream: StreamValue): StreamId | null {
  if (text === '$') return stream.lastId;
  const parsed = parseId(text, { missingSeq: 0n, strict: false });
  if (parsed === null) {
    c.addReplyError(INVALID_STREAM_ID);
    return null;
  }
  return parsed.id;
}

function xgroupCreate(c: CommandContext, argv: string[], existing: StreamValue | undefined, entriesRead: bigint): void {
  let id: StreamId | null;
  if (argv[4] === '$') id = existing?.lastId ?? { ms: 0n, seq: 0n };
  else {
    id = strictIdOrReply(c, argv[4] as string);
    if (id === null) return;
  }
  const key = argv[2] as string;
  const groupName = argv[3] as string;
  const s = existing ?? new StreamValue();
  if (existing === undefined) addCollection(c, key, s, 1);
  if (s.groups.has(groupName)) {
    c.addReplyError('BUSYGROUP Consumer Group name already exists');
    return;
  }
  s.groups.set(groupName, new ConsumerGroup(id, entriesRead));
  c.addReplyOk();
  collectionChanged(c, key, 1, false);
  notifyKeyspaceEvent(c, NOTIFY.stream, 'xgroup-create', key);
}

function xgroupHelpCommand(c: CommandContext): void {
  const lines = [
    'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'CREATE <key> <groupname> <id|$> [option]',
    '    Create a new consumer group. Options are:',
    '    * MKSTREAM',
    '      Create the empty stream if it does not exist.',
    '    * ENTRIESREAD entries_read',
    '      Set the group\'s entries_read counter (internal use).',
    'CREATECONSUMER <key> <groupname> <consumer>',
    '    Create a new consumer in the specified group.',
    'DELCONSUMER <key> <groupname> <consumer>',
    '    Remove the specified consumer.',
    'DESTROY <key> <groupname>',
    '    Remove the specified group.',
    'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
    '    Set the current group ID and entries_read counter.',
    'HELP',
    '    Prints this help.',
  ];
  c.addReplyArrayLen(lines.length);
  for (const line of lines) c.addReplyStatus(line);
}

/** The stream and group for XPENDING/XCLAIM/XAUTOCLAIM; null after replying. */
function groupOrReply(c: CommandContext, key: string, groupName: string, write: boolean): { s: StreamValue; group: ConsumerGroup } | null {
  const ks = c.keyspace;
  const s = streamOrReply(c, write ? ks.lookupWrite(c.db, key) : ks.lookupRead(c.db, key));
  if (s === false) return null;
  const group = s?.groups.get(groupName);
  if (s === undefined || group === undefined) {
    c.addReplyError(`NOGROUP No such key '${key}' or consumer group '${groupName}'`);
    return null;
  }
  return { s, group };
}

function xpendingCommand(c: CommandContext, argv: string[]): void {
  const argc = argv.length;
  if (argc !== 3 && (argc < 6 || argc > 9)) {
    c.addReplyError(SYNTAX);
    return;
  }
  let minIdle = 0;
  let count = 0;
  let start: StreamId | null = null;
  let end: StreamId | null = null;
  let consumerName: string | null = null;
  if (argc >= 6) {
    let at = 3;
    if (eqIgnoreCase(argv[3] as string, 'IDLE')) {
      const v = parseInt64(argv[4] as string);
      if (v === null) {
        c.addReplyError(NOT_INTEGER);
        return;
      }
      minIdle = Number(v);
      if (argc < 8) {
        c.addReplyError(SYNTAX);
        return;
      }
      at += 2;
    }
    const n = parseInt64(argv[at + 2] as string);
    if (n === null) {
      c.addReplyError(NOT_INTEGER);
      return;
    }
    count = n < 0 ? 0 : Number(n);
    start = intervalIdOrReply(c, argv[at] as string, false);
    if (start === null) return;
    end = intervalIdOrReply(c, argv[at + 1] as string, true);
    if (end === null) return;
    if (at + 3 < argc) consumerName = argv[at + 3] as string;
  }
  const found = groupOrReply(c, argv[1] as string, argv[2] as string, false);
  if (found === null) return;
  const { group } = found;
  if (start === null || end === null) {
    pendingSummary(c, group);
    return;
  }
  let pel = group.pel;
  if (consumerName !== null) {
    const consumer = group.consumers.get(consumerName);
    if (consumer === undefined) {
      c.addReplyArrayLen(0);
      return;
    }
    pel = consumer.pel;
  }
  const now = c.keyspace.now;
  const at = c.deferLen();
  let n = 0;
  for (const p of pel.from(start)) {
    if (count === 0 || compareIds(p.id, end) > 0) break;
    if (minIdle !== 0 && now - p.deliveryTime < minIdle) continue;
    n++;
    count--;
    c.addReplyArrayLen(4);
    addReplyId(c, p.id);
    c.addReplyBulk(p.consumer.name);
    c.addReplyLongLong(Math.max(0, now - p.deliveryTime));
    c.addReplyLongLong(p.deliveryCount);
  }
  c.setDeferredArrayLen(at, n);
}

function pendingSummary(c: CommandContext, group: ConsumerGroup): void {
  c.addReplyArrayLen(4);
  c.addReplyLongLong(group.pel.size);
  const first = group.pel.first();
  const last = group.pel.last();
  if (first === undefined || last === undefined) {
    c.addReplyNull();
    c.addReplyNull();
    c.addReplyNullArray();
    return;
  }
  addReplyId(c, first.id);
  addReplyId(c, last.id);
  const consumers = group.sortedConsumers().filter((x) => x.pel.size !== 0);
  c.addReplyArrayLen(consumers.length);
  for (const x of consumers) {
    c.addReplyArrayLen(2);
    c.addReplyBulk(x.name);
    c.addReplyBulk(String(x.pel.size));
  }
}

/** Moves a pending entry to `consumer`. */
function assign(group: ConsumerGroup, p: PendingEntry, consumer: Consumer): void {
  if (p.consumer === consumer) return;
  if (group.pel.has(p.id) && p.consumer.pel.get(p.id) === p) p.consumer.pel.delete(p.id);
  p.consumer = consumer;
  consumer.pel.set(p.id, p);
}

function dropPending(group: ConsumerGroup, p: PendingEntry): void {
  group.pel.delete(p.id);
  p.consumer.pel.delete(p.id);
}

interface ClaimOptions {
  force: boolean;
  justid: boolean;
  deliveryTime: number;
  retryCount: number;
  lastId: StreamId;
}

function claimOptionsOrReply(c: CommandContext, argv: string[], from: number): ClaimOptions | null {
  const now = c.keyspace.now;
  const out: ClaimOptions = { force: false, justid: false, deliveryTime: -1, retryCount: -1, lastId: { ms: 0n, seq: 0n } };
  for (let j = from; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j] as string;
    if (eqIgnoreCase(opt, 'FORCE')) out.force = true;
    else if (eqIgnoreCase(opt, 'JUSTID')) out.justid = true;
    else if ((eqIgnoreCase(opt, 'IDLE') || eqIgnoreCase(opt, 'TIME') || eqIgnoreCase(opt, 'RETRYCOUNT')) && more > 0) {
      j++;
      const v = parseInt64(argv[j] as string);
      const word = opt.toUpperCase();
      if (v === null) {
        c.addReplyError(`ERR Invalid ${word} option argument for XCLAIM`);
        return null;
      }
      const n = Number(v);
      if (word === 'IDLE') out.deliveryTime = now - n;
      else if (word === 'TIME') out.deliveryTime = n;
      else out.retryCount = n;
    } else if (eqIgnoreCase(opt, 'LASTID') && more > 0) {
      j++;
      const id = strictIdOrReply(c, argv[j] as string);
      if (id === null) return null;
      out.lastId = id;
    } else {
      c.addReplyError(`ERR Unrecognized XCLAIM option '${opt}'`);
      return null;
    }
  }
  if (out.deliveryTime === -1 || out.deliveryTime < 0 || out.deliveryTime > now) out.deliveryTime = now;
  return out;
}

function xclaimCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const groupName = argv[2] as string;
  const found = groupOrReply(c, key, groupName, true);
  if (found === null) return;
  const { s, group } = found;
  const idleArg = parseInt64(argv[4] as string);
  if (idleArg === null) {
    c.addReplyError('ERR Invalid min-idle-time argument for XCLAIM');
    return;
  }
  const minIdle = idleArg < 0 ? 0 : Number(idleArg);
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const parsed = parseId(argv[j] as string, { missingSeq: 0n, strict: true });
    if (parsed === null) break;
    ids.push(parsed.id);
  }
  const options = claimOptionsOrReply(c, argv, j);
  if (options === null) return;
  const now = c.keyspace.now;
  let propagateLastId = false;
  if (compareIds(options.lastId, group.lastId) > 0) {
    group.lastId = options.lastId;
    propagateLastId = true;
  }
  const effects: string[][] = [];
  let consumer: Consumer | null = null;
  const at = c.deferLen();
  let n = 0;
  for (const id of ids) {
    let p = group.pel.get(id);
    const fields = entryFields(s, id);
    if (fields === null) {
      if (p !== undefined) {
        effects.push(xclaimArgv(key, groupName, group, p));
        propagateLastId = false;
        dropPending(group, p);
      }
      continue;
    }
    let forced = false;
    if (options.force && p === undefined) {
      consumer ??= consumerFor(c, group, { key, consumer: argv[3] as string });
      p = { id, consumer, deliveryTime: now, deliveryCount: 1 };
      group.pel.set(id, p);
      forced = true;
    }
    if (p === undefined) continue;
    if (!forced && minIdle !== 0 && now - p.deliveryTime < minIdle) continue;
    consumer ??= consumerFor(c, group, { key, consumer: argv[3] as string });
    if (forced) consumer.pel.set(id, p);
    else assign(group, p, consumer);
    p.deliveryTime = options.deliveryTime;
    if (options.retryCount >= 0) p.deliveryCount = options.retryCount;
    else if (!options.justid) p.deliveryCount++;
    if (options.justid) addReplyId(c, id);
    else addReplyEntry(c, id, fields);
    n++;
    effects.push(xclaimArgv(key, groupName, group, p));
    propagateLastId = false;
  }
  if (propagateLastId) effects.push(setIdArgv(key, groupName, group));
  c.setDeferredArrayLen(at, n);
  if (effects.length !== 0) c.keyspace.modified(c.db, key, effects.length);
  propagateEffects(c, effects);
}

/** XAUTOCLAIM's COUNT and JUSTID; null when it replied an error. */
function autoclaimOptionsOrReply(c: CommandContext, argv: string[]): { count: number; justid: boolean } | null {
  const options = { count: 100, justid: false };
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j] as string;
    if (eqIgnoreCase(opt, 'COUNT') && j + 1 < argv.length) {
      const v = parseInt64(argv[j + 1] as string);
      if (v === null || v < 1 || v > 922337203685477580n) {
        c.addReplyError(COUNT_OPTION_NOT_POSITIVE);
        return null;
      }
      options.count = Number(v);
      j++;
    } else if (eqIgnoreCase(opt, 'JUSTID')) options.justid = true;
    else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  return options;
}

function xautoclaimCommand(c: CommandContext, argv: string[]): void {
  const idleArg = parseInt64(argv[4] as string);
  if (idleArg === null) {
    c.addReplyError('ERR Invalid min-idle-time argument for XAUTOCLAIM');
    return;
  }
  const minIdle = idleArg < 0 ? 0 : Number(idleArg);
  const start = intervalIdOrReply(c, argv[5] as string, false);
  if (start === null) return;
  const options = autoclaimOptionsOrReply(c, argv);
  if (options === null) return;
  let count = options.count;
  const justid = options.justid;
  const key = argv[1] as string;
  const groupName = argv[2] as string;
  const found = groupOrReply(c, key, groupName, true);
  if (found === null) return;
  const { s, group } = found;
  const now = c.keyspace.now;
  let attempts = count * 10;
  let consumer: Consumer | null = null;
  const effects: string[][] = [];
  const deleted: StreamId[] = [];
  c.addReplyArrayLen(3);
  const endAt = c.deferLen();
  const at = c.deferLen();
  let n = 0;
  const walk = group.pel.from(start);
  let next = walk.next();
  for (; attempts > 0 && count > 0 && next.done !== true; next = walk.next()) {
    attempts--;
    const p = next.value;
    const fields = entryFields(s, p.id);
    if (fields === null) {
      effects.push(xclaimArgv(key, groupName, group, p));
      dropPending(group, p);
      deleted.push(p.id);
      count--;
      continue;
    }
    if (minIdle !== 0 && now - p.deliveryTime < minIdle) continue;
    consumer ??= consumerFor(c, group, { key, consumer: argv[3] as string });
    assign(group, p, consumer);
    p.deliveryTime = now;
    if (!justid) p.deliveryCount++;
    if (justid) addReplyId(c, p.id);
    else addReplyEntry(c, p.id, fields);
    n++;
    count--;
    effects.push(xclaimArgv(key, groupName, group, p));
  }
  const cursor = next.done === true ? '0-0' : `${next.value.id.ms}-${next.value.id.seq}`;
  c.setDeferredArrayLen(at, n);
  c.setDeferredLen(endAt, `$${cursor.length}\r\n${cursor}\r\n`);
  c.addReplyArrayLen(deleted.length);
  for (const id of deleted) addReplyId(c, id);
  if (effects.length !== 0) c.keyspace.modified(c.db, key, effects.length);
  propagateEffects(c, effects);
}
