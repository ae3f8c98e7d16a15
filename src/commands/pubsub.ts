// Pub/sub: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH, the shard-channel variants
// (SSUBSCRIBE SUNSUBSCRIBE SPUBLISH, which behave like plain channels outside cluster mode) and
// PUBSUB's introspection subcommands. Messages are written into the receiving clients' output
// buffers at once and flushed in the same event-loop turn; nothing here touches the keyspace.
// Redis equivalent: pubsub.c.

import { ClientFlag } from '../server/client.js';
import type { CommandContext } from './context.js';
import type { CommandServices } from './context.js';
import { globMatch } from '../util/glob.js';
import type { CommandDef } from './types.js';
import { unknownSubcommandOrArity } from './errors.js';

/**
 * One server's subscriptions (the server's `pubsub` field; it drops a closing or RESET client's
 * subscriptions). Subscriber sets keep insertion order, which is the order Redis delivers a
 * channel's messages in (it appends subscribers to a list).
 */
export class PubSubRegistry {
  readonly channels = new Map<string, Set<CommandContext>>();
  readonly patterns = new Map<string, Set<CommandContext>>();
  readonly shardChannels = new Map<string, Set<CommandContext>>();
  /** Each client's shard channels; Client has no field for them, and few clients use them. */
  readonly clientShards = new WeakMap<CommandContext, Set<string>>();

  shardsOf(c: CommandContext): Set<string> {
    let shards = this.clientShards.get(c);
    if (shards === undefined) {
      shards = new Set();
      this.clientShards.set(c, shards);
    }
    return shards;
  }

  /** Drops every subscription of a client without replying (disconnect, RESET). */
  dropClient(c: CommandContext): void {
    for (const channel of c.channels) removeSubscriber(this.channels, channel, c);
    for (const pattern of c.patterns) removeSubscriber(this.patterns, pattern, c);
    const shards = this.clientShards.get(c);
    if (shards !== undefined) {
      for (const channel of shards) removeSubscriber(this.shardChannels, channel, c);
      shards.clear();
    }
    c.channels.clear();
    c.patterns.clear();
    c.flags &= ~ClientFlag.pubsub;
  }
}

function addSubscriber(map: Map<string, Set<CommandContext>>, name: string, c: CommandContext): void {
  let clients = map.get(name);
  if (clients === undefined) {
    clients = new Set();
    map.set(name, clients);
  }
  clients.add(c);
}

function removeSubscriber(map: Map<string, Set<CommandContext>>, name: string, c: CommandContext): void {
  const clients = map.get(name);
  if (clients === undefined) return;
  clients.delete(c);
  if (clients.size === 0) map.delete(name);
}

// ------------------------------------------------------------------ replies

/**
 * The confirmation Redis sends per channel: a push in RESP3, a plain array in RESP2.
 *   *3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n      (RESP3: >3 ...)
 * A null channel is the reply to an unsubscribe-all when nothing was subscribed.
 */
function addReplySubscription(c: CommandContext, kind: string, name: string | null, count: number): void {
  const push = c.pushStart(); // kept under CLIENT REPLY OFF, as in Redis
  c.addReplyPushLen(3);
  c.addReplyBulk(kind);
  c.addReplyBulkOrNull(name);
  c.addReplyLongLong(count);
  c.pushEnd(push);
}

function shardCount(registry: PubSubRegistry, c: CommandContext): number {
  return registry.clientShards.get(c)?.size ?? 0;
}

/** Redis clears the pub/sub flag only when no subscription of any kind is left. */
function updatePubsubFlag(registry: PubSubRegistry, c: CommandContext): void {
  if (c.subscriptionCount + shardCount(registry, c) === 0) c.flags &= ~ClientFlag.pubsub;
  else c.flags |= ClientFlag.pubsub;
}

// ------------------------------------------------------------------ (un)subscribing

function subscribeCommand(c: CommandContext, argv: string[]): void {
  const registry = c.services.pubsub;
  for (let i = 1; i < argv.length; i++) {
    const channel = argv[i] as string;
    if (!c.channels.has(channel)) {
      c.channels.add(channel);
      addSubscriber(registry.channels, channel, c);
    }
    c.flags |= ClientFlag.pubsub;
    addReplySubscription(c, 'subscribe', channel, c.subscriptionCount);
  }
}

function psubscribeCommand(c: CommandContext, argv: string[]): void {
  const registry = c.services.pubsub;
  for (let i = 1; i < argv.length; i++) {
    const pattern = argv[i] as string;
    if (!c.patterns.has(pattern)) {
      c.patterns.add(pattern);
      addSubscriber(registry.patterns, pattern, c);
    }
    c.flags |= ClientFlag.pubsub;
    addReplySubscription(c, 'psubscribe', pattern, c.subscriptionCount);
  }
}

function ssubscribeCommand(c: CommandContext, argv: string[]): void {
  const registry = c.services.pubsub;
  const shards = registry.shardsOf(c);
  for (let i = 1; i < argv.length; i++) {
    const channel = argv[i] as string;
    if (!shards.has(channel)) {
      shards.add(channel);
      addSubscriber(registry.shardChannels, channel, c);
    }
    c.flags |= ClientFlag.pubsub;
    addReplySubscription(c, 'ssubscribe', channel, shards.size);
  }
}

function unsubscribeCommand(c: CommandContext, argv: string[]): void {
  const registry = c.services.pubsub;
  const names = argv.length > 1 ? argv.slice(1) : [...c.channels];
  if (names.length === 0) addReplySubscription(c, 'unsubscribe', null, c.subscriptionCount);
  for (const channel of names) {
    if (c.channels.delete(channel)) removeSubscriber(registry.channels, channel, c);
    addReplySubscription(c, 'unsubscribe', channel, c.subscriptionCount);
  }
  updatePubsubFlag(registry, c);
}

function punsubscribeCommand(c: CommandContext, argv: string[]): void {
  const registry = c.services.pubsub;
  const names = argv.length > 1 ? argv.slice(1) : [...c.patterns];
  if (names.length === 0) addReplySubscription(c, 'punsubscribe', null, c.subscriptionCount);
  for (const pattern of names) {
    if (c.patterns.delete(pattern)) removeSubscriber(registry.patterns, pattern, c);
    addReplySubscription(c, 'punsubscribe', pattern, c.subscriptionCount);
  }
  updatePubsubFlag(registry, c);
}

function sunsubscribeCommand(c: CommandContext, argv: string[]): void {
  const registry = c.services.pubsub;
  const shards = registry.shardsOf(c);
  const names = argv.length > 1 ? argv.slice(1) : [...shards];
  if (names.length === 0) addReplySubscription(c, 'sunsubscribe', null, shards.size);
  for (const channel of names) {
    if (shards.delete(channel)) removeSubscriber(registry.shardChannels, channel, c);
    addReplySubscription(c, 'sunsubscribe', channel, shards.size);
  }
  updatePubsubFlag(registry, c);
}

// ------------------------------------------------------------------ publishing

/** Appends a message to a subscriber's output and makes sure it is written this turn. */
function deliver(services: CommandServices, target: CommandContext, parts: readonly string[]): void {
  const push = target.pushStart(); // kept under CLIENT REPLY OFF, as in Redis
  target.addReplyPushLen(parts.length);
  for (const part of parts) target.addReplyBulk(part);
  target.pushEnd(push);
  services.queueFlush(target);
}

/**
 * Sends `message` to the channel's subscribers, then to every client whose pattern matches it
 * (once per matching pattern, as Redis does). Returns the number of deliveries. Exported for
 * keyspace notifications.
 */
export function publishMessage(services: CommandServices, channel: string, message: string): number {
  const registry = services.pubsub;
  let receivers = 0;
  const subscribers = registry.channels.get(channel);
  if (subscribers !== undefined) {
    for (const target of subscribers) deliver(services, target, ['message', channel, message]);
    receivers += subscribers.size;
  }
  for (const [pattern, clients] of registry.patterns) {
    if (!globMatch(pattern, channel)) continue;
    for (const target of clients) deliver(services, target, ['pmessage', pattern, channel, message]);
    receivers += clients.size;
  }
  return receivers;
}

function publishCommand(c: CommandContext, argv: string[]): void {
  c.addReplyLongLong(publishMessage(c.services, argv[1] as string, argv[2] as string));
}

function spublishCommand(c: CommandContext, argv: string[]): void {
  const registry = c.services.pubsub;
  const channel = argv[1] as string;
  const subscribers = registry.shardChannels.get(channel);
  if (subscribers === undefined) {
    c.addReplyLongLong(0);
    return;
  }
  for (const target of subscribers) deliver(c.services, target, ['smessage', channel, argv[2] as string]);
  c.addReplyLongLong(subscribers.size);
}

// ------------------------------------------------------------------ PUBSUB introspection

/** Active channel names matching an optional pattern; Redis sends them in hash order. */
function replyChannelNames(c: CommandContext, map: Map<string, Set<CommandContext>> | undefined, pattern?: string): void {
  const names: string[] = [];
  if (map !== undefined) {
    for (const name of map.keys()) if (pattern === undefined || globMatch(pattern, name)) names.push(name);
  }
  c.addReplyBulks(names);
}

function replyNumsub(c: CommandContext, map: Map<string, Set<CommandContext>> | undefined, argv: string[]): void {
  c.addReplyArrayLen((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    const channel = argv[i] as string;
    c.addReplyBulk(channel);
    c.addReplyLongLong(map?.get(channel)?.size ?? 0);
  }
}

/** Redis echoes the subcommand as the client spelled it, truncated to 128 bytes. */
function subcommandSyntax(sub: string): string {
  return unknownSubcommandOrArity(sub.slice(0, 128), 'PUBSUB');
}

function pubsubChannelsCommand(c: CommandContext, argv: string[]): void {
  if (argv.length > 3) {
    c.addReplyError(subcommandSyntax(argv[1] as string));
    return;
  }
  replyChannelNames(c, c.services.pubsub.channels, argv[2]);
}

function pubsubShardchannelsCommand(c: CommandContext, argv: string[]): void {
  if (argv.length > 3) {
    c.addReplyError(subcommandSyntax(argv[1] as string));
    return;
  }
  replyChannelNames(c, c.services.pubsub.shardChannels, argv[2]);
}

function pubsubNumsubCommand(c: CommandContext, argv: string[]): void {
  replyNumsub(c, c.services.pubsub.channels, argv);
}

function pubsubShardnumsubCommand(c: CommandContext, argv: string[]): void {
  replyNumsub(c, c.services.pubsub.shardChannels, argv);
}

function pubsubNumpatCommand(c: CommandContext): void {
  c.addReplyLongLong(c.services.pubsub.patterns.size);
}

function pubsubHelpCommand(c: CommandContext): void {
  const lines = [
    'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'CHANNELS [<pattern>]',
    "    Return the currently active channels matching a <pattern> (default: '*').",
    'NUMPAT',
    '    Return number of subscriptions to patterns.',
    'NUMSUB [<channel> ...]',
    '    Return the number of subscribers for the specified channels, excluding',
    '    pattern subscriptions(default: no channels).',
    'SHARDCHANNELS [<pattern>]',
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    'SHARDNUMSUB [<shardchannel> ...]',
    '    Return the number of subscribers for the specified shard level channel(s)',
    'HELP',
    '    Prints this help.',
  ];
  c.addReplyArrayLen(lines.length);
  for (const line of lines) c.addReplyStatus(line);
}

export const pubsubCommands: CommandDef[] = [
  { name: 'subscribe', handler: subscribeCommand },
  { name: 'unsubscribe', handler: unsubscribeCommand },
  { name: 'psubscribe', handler: psubscribeCommand },
  { name: 'punsubscribe', handler: punsubscribeCommand },
  { name: 'ssubscribe', handler: ssubscribeCommand },
  { name: 'sunsubscribe', handler: sunsubscribeCommand },
  { name: 'publish', handler: publishCommand },
  { name: 'spublish', handler: spublishCommand },
  { name: 'pubsub|channels', handler: pubsubChannelsCommand },
  { name: 'pubsub|numsub', handler: pubsubNumsubCommand },
  { name: 'pubsub|numpat', handler: pubsubNumpatCommand },
  { name: 'pubsub|shardchannels', handler: pubsubShardchannelsCommand },
  { name: 'pubsub|shardnumsub', handler: pubsubShardnumsubCommand },
  { name: 'pubsub|help', handler: pubsubHelpCommand },
];
