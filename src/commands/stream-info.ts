// XINFO STREAM [FULL [COUNT n]] / GROUPS / CONSUMERS / HELP with Redis 7.0.15's fields, including
// entries-read and lag as 7.0 computes them, and radix-tree-nodes as the node count of Redis's
// radix tree over the nodes' master IDs (a compressed trie of 16-byte big-endian keys).
// Redis equivalent: xinfoCommand and xinfoReplyWithStreamInfo in t_stream.c.

import type { CommandContext } from './context.js';
import { type ConsumerGroup, INVALID_ENTRIES_READ } from '../store/value/stream-group.js';
import { parseInt64 } from '../util/numbers.js';
import { eqIgnoreCase } from './args.js';
import { NOT_INTEGER, NO_SUCH_KEY, noSuchGroup, unknownSubcommandOrArity } from './errors.js';
import { StreamValue, addReplyEntry, addReplyId, addReplyRange, groupLag, streamOrReply, MAX_ID, ZERO_ID } from './stream-common.js';
import type { CommandDef } from './types.js';

export const streamInfoCommands: CommandDef[] = [
  { name: 'xinfo|stream', handler: xinfoStreamCommand },
  { name: 'xinfo|groups', handler: xinfoGroupsCommand },
  { name: 'xinfo|consumers', handler: xinfoConsumersCommand },
  { name: 'xinfo|help', handler: xinfoHelpCommand },
];

function syntax(c: CommandContext, argv: string[]): void {
  c.addReplyError(unknownSubcommandOrArity((argv[1] as string).slice(0, 128), 'XINFO'));
}

function streamOrNoKey(c: CommandContext, key: string): StreamValue | null {
  const value = c.keyspace.lookupRead(c.db, key);
  if (value === undefined) {
    c.addReplyError(NO_SUCH_KEY);
    return null;
  }
  const s = streamOrReply(c, value);
  return s === false || s === undefined ? null : s;
}

function xinfoHelpCommand(c: CommandContext): void {
  const lines = [
    'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'CONSUMERS <key> <groupname>',
    '    Show consumers of <groupname>.',
    'GROUPS <key>',
    '    Show the stream consumer groups.',
    'STREAM <key> [FULL [COUNT <count>]',
    '    Show information about the stream.',
    'HELP',
    '    Prints this help.',
  ];
  c.addReplyArrayLen(lines.length);
  for (const line of lines) c.addReplyStatus(line);
}

function xinfoConsumersCommand(c: CommandContext, argv: string[]): void {
  const s = streamOrNoKey(c, argv[2] as string);
  if (s === null) return;
  if (argv.length !== 4) {
    syntax(c, argv);
    return;
  }
  const group = s.groups.get(argv[3] as string);
  if (group === undefined) {
    c.addReplyError(noSuchGroup(argv[3] as string, argv[2] as string));
    return;
  }
  const now = c.keyspace.now;
  const consumers = group.sortedConsumers();
  c.addReplyArrayLen(consumers.length);
  for (const x of consumers) {
    c.addReplyMapLen(3);
    c.addReplyBulk('name');
    c.addReplyBulk(x.name);
    c.addReplyBulk('pending');
    c.addReplyLongLong(x.pel.size);
    c.addReplyBulk('idle');
    c.addReplyLongLong(Math.max(0, now - x.seenTime));
  }
}

function addReplyEntriesRead(c: CommandContext, g: ConsumerGroup): void {
  c.addReplyBulk('entries-read');
  if (g.entriesRead === INVALID_ENTRIES_READ) c.addReplyNull();
  else c.addReplyLongLong(g.entriesRead);
}

function addReplyLag(c: CommandContext, s: StreamValue, g: ConsumerGroup): void {
  c.addReplyBulk('lag');
  const lag = groupLag(s, g);
  if (lag === null) c.addReplyNull();
  else c.addReplyLongLong(lag);
}

function xinfoGroupsCommand(c: CommandContext, argv: string[]): void {
  const s = streamOrNoKey(c, argv[2] as string);
  if (s === null) return;
  if (argv.length !== 3) {
    syntax(c, argv);
    return;
  }
  const groups = s.sortedGroups();
  c.addReplyArrayLen(groups.length);
  for (const [name, g] of groups) {
    c.addReplyMapLen(6);
    c.addReplyBulk('name');
    c.addReplyBulk(name);
    c.addReplyBulk('consumers');
    c.addReplyLongLong(g.consumers.size);
    c.addReplyBulk('pending');
    c.addReplyLongLong(g.pel.size);
    c.addReplyBulk('last-delivered-id');
    addReplyId(c, g.lastId);
    addReplyEntriesRead(c, g);
    addReplyLag(c, s, g);
  }
}

function xinfoStreamCommand(c: CommandContext, argv: string[]): void {
  const s = streamOrNoKey(c, argv[2] as string);
  if (s === null) return;
  const optc = argv.length - 3;
  let full = false;
  let count = 10;
  if (optc !== 0) {
    if ((optc !== 1 && optc !== 3) || !eqIgnoreCase(argv[3] as string, 'FULL')) {
      syntax(c, argv);
      return;
    }
    full = true;
    if (optc === 3) {
      if (!eqIgnoreCase(argv[4] as string, 'COUNT')) {
        syntax(c, argv);
        return;
      }
      const n = parseInt64(argv[5] as string);
      if (n === null) {
        c.addReplyError(NOT_INTEGER);
        return;
      }
      count = n < 0 ? 10 : Number(n);
    }
  }
  c.addReplyMapLen(full ? 9 : 10);
  c.addReplyBulk('length');
  c.addReplyLongLong(s.length);
  c.addReplyBulk('radix-tree-keys');
  c.addReplyLongLong(s.nodeCount);
  c.addReplyBulk('radix-tree-nodes');
  c.addReplyLongLong(s.radixTreeNodes());
  c.addReplyBulk('last-generated-id');
  addReplyId(c, s.lastId);
  c.addReplyBulk('max-deleted-entry-id');
  addReplyId(c, s.maxDeletedId);
  c.addReplyBulk('entries-added');
  c.addReplyLongLong(s.entriesAdded);
  c.addReplyBulk('recorded-first-entry-id');
  addReplyId(c, s.firstId);
  if (!full) {
    c.addReplyBulk('groups');
    c.addReplyLongLong(s.groups.size);
    for (const [name, last] of [['first-entry', false], ['last-entry', true]] as const) {
      c.addReplyBulk(name);
      const e = s.edge(last);
      if (e === null) c.addReplyNull();
      else addReplyEntry(c, e.id, e.fields);
    }
    return;
  }
  c.addReplyBulk('entries');
  addReplyRange(c, s, { start: ZERO_ID, end: MAX_ID, reverse: false, count });
  c.addReplyBulk('groups');
  const groups = s.sortedGroups();
  c.addReplyArrayLen(groups.length);
  for (const [name, g] of groups) replyFullGroup(c, s, { name, g, count });
}

function replyFullGroup(c: CommandContext, s: StreamValue, options: { name: string; g: ConsumerGroup; count: number }): void {
  const { g, count } = options;
  c.addReplyMapLen(7);
  c.addReplyBulk('name');
  c.addReplyBulk(options.name);
  c.addReplyBulk('last-delivered-id');
  addReplyId(c, g.lastId);
  addReplyEntriesRead(c, g);
  addReplyLag(c, s, g);
  c.addReplyBulk('pel-count');
  c.addReplyLongLong(g.pel.size);
  c.addReplyBulk('pending');
  let at = c.deferLen();
  let n = 0;
  for (const p of g.pel.values()) {
    if (count !== 0 && n >= count) break;
    c.addReplyArrayLen(4);
    addReplyId(c, p.id);
    c.addReplyBulk(p.consumer.name);
    c.addReplyLongLong(p.deliveryTime);
    c.addReplyLongLong(p.deliveryCount);
    n++;
  }
  c.setDeferredArrayLen(at, n);
  c.addReplyBulk('consumers');
  const consumers = g.sortedConsumers();
  c.addReplyArrayLen(consumers.length);
  for (const x of consumers) {
    c.addReplyMapLen(4);
    c.addReplyBulk('name');
    c.addReplyBulk(x.name);
    c.addReplyBulk('seen-time');
    c.addReplyLongLong(x.seenTime);
    c.addReplyBulk('pel-count');
    c.addReplyLongLong(x.pel.size);
    c.addReplyBulk('pending');
    at = c.deferLen();
    n = 0;
    for (const p of x.pel.values()) {
      if (count !== 0 && n >= count) break;
      c.addReplyArrayLen(3);
      addReplyId(c, p.id);
      c.addReplyLongLong(p.deliveryTime);
      c.addReplyLongLong(p.deliveryCount);
      n++;
    }
    c.setDeferredArrayLen(at, n);
  }
}
