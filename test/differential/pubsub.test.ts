// Differential tests for pub/sub: per server a subscriber and a publisher connection run the
// same script against redis-server 7.0 and Vesta, and the bytes each connection receives
// (confirmations, messages, pushes, errors) are compared, in RESP2 and RESP3.
// After every step both connections are synchronised with a PING carrying a unique token: a
// message published in a step is written before the PING reply that follows it, so each
// step's bytes are complete and deterministic.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReply, replyEnd } from '../helpers/resp-client.js';
import { Recorder } from '../helpers/recorder.js';
import { requireRedis, type RunningServer } from '../helpers/servers.js';
import { sharedServers } from '../helpers/differential.js';

interface Side {
  sub: Recorder;
  pub: Recorder;
}

const servers = sharedServers();
let tokenCounter = 0;

async function openSide(server: RunningServer, resp: 2 | 3): Promise<Side> {
  const [sub, pub] = await Promise.all([Recorder.connect(server.port), Recorder.connect(server.port)]);
  if (resp === 3) {
    // HELLO's reply names the server and client id; it is not part of what we compare.
    await sub.step(['HELLO', '3'], `hello-${tokenCounter++}`);
    await pub.step(['HELLO', '3'], `hello-${tokenCounter++}`);
  }
  return { sub, pub };
}

async function closeSide(side: Side): Promise<void> {
  // RESET drops the subscriptions before the next script starts, without racing a disconnect.
  await side.sub.step(['RESET'], `reset-${tokenCounter++}`);
  side.sub.close();
  side.pub.close();
}

type Who = 'sub' | 'pub';
/**
 * One step: which connection sends the command. `unordered` steps compare both connections'
 * replies as multisets, for output Redis orders by hash table.
 */
type Step = [Who, ...string[]] | { who: Who; args: string[]; unordered: true };

/** Splits a step's bytes into replies. */
function splitReplies(bytes: string): string[] {
  const replies: string[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const end = replyEnd(bytes, pos);
    assert.ok(end > 0, `incomplete reply in ${JSON.stringify(bytes)}`);
    replies.push(bytes.slice(pos, end));
    pos = end;
  }
  return replies;
}

/**
 * For replies whose order Redis takes from a hash table (unsubscribe-all over several channels,
 * PUBSUB CHANNELS): the reply headers and counts in order, and the names as a sorted multiset.
 */
function unorderedForm(bytes: string): string {
  const heads: string[] = [];
  const names: string[] = [];
  for (const reply of splitReplies(bytes)) {
    const value = parseReply(reply);
    heads.push(reply.slice(0, reply.indexOf('\r\n')));
    if (!Array.isArray(value)) {
      heads.push(JSON.stringify(value));
      continue;
    }
    if (value.length === 3 && typeof value[2] === 'number') {
      heads.push(`${String(value[0])}:${value[2]}`);
      names.push(String(value[1]));
    } else {
      for (const v of value) names.push(JSON.stringify(v));
    }
  }
  return JSON.stringify({ heads, names: names.sort() });
}

async function runScript(resp: 2 | 3, steps: Step[], label: string): Promise<void> {
  const { redis, vesta } = servers();
  const [r, v] = await Promise.all([openSide(redis, resp), openSide(vesta, resp)]);
  try {
    for (const [index, step] of steps.entries()) {
      const who = Array.isArray(step) ? step[0] : step.who;
      const args = Array.isArray(step) ? (step.slice(1) as string[]) : step.args;
      const other: Who = who === 'sub' ? 'pub' : 'sub';
      const token = `sync-${tokenCounter++}`;
      const [expected, actual] = await Promise.all([r[who].step(args, token), v[who].step(args, token)]);
      const [expectedOther, actualOther] = await Promise.all([r[other].step(null, token), v[other].step(null, token)]);
      const where = `${label} RESP${resp} step ${index} ${who} ${JSON.stringify(args)}`;
      if (Array.isArray(step)) {
        assert.equal(actual, expected, `${where}: bytes to ${who} differ`);
      } else {
        assert.equal(unorderedForm(actual), unorderedForm(expected), `${where}: replies to ${who} differ`);
      }
      if (Array.isArray(step)) assert.equal(actualOther, expectedOther, `${where}: bytes to ${other} differ`);
      else assert.equal(unorderedForm(actualOther), unorderedForm(expectedOther), `${where}: replies to ${other} differ`);
    }
  } finally {
    await Promise.all([closeSide(r), closeSide(v)]);
  }
}

const SCRIPTS: Record<string, Step[]> = {
  'subscribe, publish, unsubscribe': [
    ['sub', 'SUBSCRIBE', 'a', 'b'],
    ['pub', 'PUBLISH', 'a', 'hello'],
    ['pub', 'PUBLISH', 'c', 'nobody'],
    ['pub', 'PUBLISH', 'b', ''],
    ['sub', 'PING'],
    ['sub', 'PING', 'x'],
    ['sub', 'GET', 'k'],
    ['sub', 'SET', 'k', 'v'],
    ['sub', 'UNSUBSCRIBE', 'a'],
    ['pub', 'PUBLISH', 'a', 'gone'],
    ['pub', 'PUBLISH', 'b', 'still'],
    ['sub', 'UNSUBSCRIBE', 'b'],
    ['sub', 'GET', 'k'],
    ['sub', 'UNSUBSCRIBE'],
    ['sub', 'PUNSUBSCRIBE'],
    ['sub', 'SUNSUBSCRIBE'],
    ['sub', 'UNSUBSCRIBE', 'never', 'subscribed'],
  ],
  'patterns': [
    ['sub', 'PSUBSCRIBE', 'news.*', 'h?llo'],
    ['pub', 'PUBLISH', 'news.uk', 'x'],
    ['pub', 'PUBLISH', 'hello', 'y'],
    ['pub', 'PUBLISH', 'hallo', 'z'],
    ['pub', 'PUBLISH', 'news', 'no'],
    ['pub', 'PUBSUB', 'NUMPAT'],
    ['sub', 'SUBSCRIBE', 'news.uk'],
    ['pub', 'PUBLISH', 'news.uk', 'twice'],
    ['pub', 'PUBSUB', 'NUMSUB', 'news.uk', 'news.*'],
    ['sub', 'PUNSUBSCRIBE', 'news.*'],
    ['pub', 'PUBLISH', 'news.uk', 'once'],
    ['sub', 'PUNSUBSCRIBE'],
    ['sub', 'PUNSUBSCRIBE'],
    ['sub', 'UNSUBSCRIBE'],
    ['pub', 'PUBSUB', 'NUMPAT'],
  ],
  'glob classes and escapes in patterns': [
    ['sub', 'PSUBSCRIBE', 'ch[0-9]'],
    ['sub', 'PSUBSCRIBE', 'x\\*y'],
    ['pub', 'PUBLISH', 'ch7', 'digit'],
    ['pub', 'PUBLISH', 'chx', 'letter'],
    ['pub', 'PUBLISH', 'x*y', 'literal star'],
    ['pub', 'PUBLISH', 'xzy', 'not literal'],
    ['sub', 'PUNSUBSCRIBE', 'ch[0-9]'],
    ['sub', 'PUNSUBSCRIBE', 'x\\*y'],
  ],
  'duplicates and counts across kinds': [
    ['sub', 'SUBSCRIBE', 'a', 'a'],
    ['sub', 'PSUBSCRIBE', 'a', 'a*'],
    ['sub', 'SSUBSCRIBE', 's'],
    // Two patterns match: Redis walks its pattern table in hash order.
    { who: 'pub', args: ['PUBLISH', 'a', 'm'], unordered: true },
    ['sub', 'UNSUBSCRIBE', 'a'],
    ['sub', 'PUNSUBSCRIBE', 'a'],
    ['sub', 'PUNSUBSCRIBE', 'a*'],
    ['sub', 'GET', 'k'],
    ['sub', 'SUNSUBSCRIBE', 's'],
    ['sub', 'GET', 'k'],
  ],
  'introspection': [
    ['sub', 'SUBSCRIBE', 'alpha', 'beta', 'gamma'],
    ['pub', 'PUBSUB', 'CHANNELS', 'a*'],
    { who: 'pub', args: ['PUBSUB', 'CHANNELS'], unordered: true },
    { who: 'pub', args: ['PUBSUB', 'CHANNELS', '*a'], unordered: true },
    ['pub', 'PUBSUB', 'CHANNELS', 'zzz'],
    ['pub', 'PUBSUB', 'NUMSUB', 'alpha', 'beta', 'none'],
    ['pub', 'PUBSUB', 'NUMSUB'],
    ['pub', 'PUBSUB', 'NUMPAT'],
    ['pub', 'PUBSUB', 'CHANNELS', 'a', 'b'],
    ['pub', 'PUBSUB', 'SHARDCHANNELS', 'a', 'b'],
    ['pub', 'PUBSUB', 'NUMPAT', 'x'],
    ['pub', 'PUBSUB', 'HELP'],
    ['pub', 'PUBSUB', 'foo'],
    ['pub', 'PUBSUB'],
    { who: 'sub', args: ['UNSUBSCRIBE'], unordered: true },
    ['pub', 'PUBSUB', 'CHANNELS'],
  ],
  'shard channels': [
    ['sub', 'SSUBSCRIBE', 's1', 's2'],
    ['pub', 'SPUBLISH', 's1', 'm'],
    ['pub', 'PUBLISH', 's1', 'plain channel is separate'],
    ['pub', 'SPUBLISH', 'nobody', 'm'],
    ['pub', 'PUBSUB', 'SHARDCHANNELS', 's1'],
    ['pub', 'PUBSUB', 'SHARDNUMSUB', 's1', 's2', 's3'],
    ['pub', 'PUBSUB', 'SHARDNUMSUB'],
    ['sub', 'SUNSUBSCRIBE', 's1'],
    ['sub', 'SUNSUBSCRIBE'],
    ['sub', 'SUNSUBSCRIBE'],
    ['pub', 'PUBSUB', 'SHARDCHANNELS'],
  ],
  'binary-safe names and payloads': [
    ['sub', 'SUBSCRIBE', 'caf\xe9\x00\r\n'],
    ['sub', 'PSUBSCRIBE', '*\xff*'],
    ['pub', 'PUBLISH', 'caf\xe9\x00\r\n', '\x00\x01\xfe\xff\r\n'],
    ['pub', 'PUBLISH', 'a\xffb', 'x'],
  ],
  'argument errors': [
    ['sub', 'SUBSCRIBE'],
    ['sub', 'PSUBSCRIBE'],
    ['sub', 'SSUBSCRIBE'],
    ['pub', 'PUBLISH', 'a'],
    ['pub', 'PUBLISH', 'a', 'b', 'c'],
    ['pub', 'SPUBLISH', 'a'],
  ],
  'subscribe inside MULTI': [
    ['sub', 'MULTI'],
    ['sub', 'SUBSCRIBE', 'tx'],
    ['sub', 'PING'],
    ['sub', 'EXEC'],
    ['pub', 'PUBLISH', 'tx', 'after exec'],
    ['sub', 'MULTI'],
    ['sub', 'UNSUBSCRIBE', 'tx'],
  ],
  'publish inside MULTI and to oneself': [
    ['pub', 'SUBSCRIBE', 'self'],
    ['pub', 'PUBLISH', 'self', 'own message'],
    ['pub', 'UNSUBSCRIBE'],
    ['sub', 'SUBSCRIBE', 'x'],
    ['pub', 'MULTI'],
    ['pub', 'PUBLISH', 'x', 'one'],
    ['pub', 'PUBLISH', 'x', 'two'],
    ['pub', 'EXEC'],
  ],
  'RESET drops subscriptions': [
    ['sub', 'SUBSCRIBE', 'r1'],
    ['sub', 'PSUBSCRIBE', 'r*'],
    ['sub', 'RESET'],
    ['pub', 'PUBLISH', 'r1', 'lost'],
    ['pub', 'PUBSUB', 'NUMSUB', 'r1'],
    ['pub', 'PUBSUB', 'NUMPAT'],
    ['sub', 'GET', 'k'],
  ],
};

for (const resp of [2, 3] as const) {
  for (const [name, steps] of Object.entries(SCRIPTS)) {
    test(`pubsub RESP${resp}: ${name}`, async (t) => {
      if (!requireRedis(t)) return;
      await runScript(resp, steps, name);
    });
  }
}

test('pubsub: a disconnecting subscriber is removed everywhere', async (t) => {
  if (!requireRedis(t)) return;
  const { redis, vesta } = servers();
  for (const server of [redis, vesta]) {
    const side = await openSide(server, 2);
    await side.sub.step(['SUBSCRIBE', 'gone'], `d-${tokenCounter++}`);
    await side.sub.step(['PSUBSCRIBE', 'gone*'], `d-${tokenCounter++}`);
    const before = await side.pub.step(['PUBSUB', 'NUMSUB', 'gone'], `d-${tokenCounter++}`);
    assert.match(before, /:1\r\n/, `${server.kind}: subscribed`);
    side.sub.close();
    let reply = '';
    for (let i = 0; i < 100; i++) {
      reply = await side.pub.step(['PUBLISH', 'gone', 'x'], `d-${tokenCounter++}`);
      if (reply.startsWith(':0\r\n')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(reply.startsWith(':0\r\n'), `${server.kind}: PUBLISH after disconnect -> ${JSON.stringify(reply)}`);
    const numpat = await side.pub.step(['PUBSUB', 'NUMPAT'], `d-${tokenCounter++}`);
    assert.ok(numpat.startsWith(':0\r\n'), `${server.kind}: NUMPAT after disconnect`);
    side.pub.close();
  }
});

test('pubsub: INFO stats pubsub_channels and pubsub_patterns match Redis', async (t) => {
  if (!requireRedis(t)) return;
  const { redis, vesta } = servers();
  const fields = async (side: Side): Promise<string> => {
    const info = await side.pub.step(['INFO', 'stats'], `i-${tokenCounter++}`);
    return (info.match(/^pubsub\w*:\d+/gm) ?? []).join(',');
  };
  // RESP3, so INFO is allowed on a subscribed connection.
  const [r, v] = await Promise.all([openSide(redis, 3), openSide(vesta, 3)]);
  try {
    for (const side of [r, v]) {
      await side.sub.step(['SUBSCRIBE', 'i1', 'i2', 'i3'], `i-${tokenCounter++}`);
      await side.sub.step(['PSUBSCRIBE', 'p1*', 'p2*'], `i-${tokenCounter++}`);
      await side.pub.step(['PSUBSCRIBE', 'p1*'], `i-${tokenCounter++}`);
    }
    const [expected, actual] = await Promise.all([fields(r), fields(v)]);
    assert.match(expected, /pubsub_channels:3,pubsub_patterns:2/);
    assert.equal(actual, expected);
  } finally {
    await Promise.all([closeSide(r), closeSide(v)]);
  }
});
