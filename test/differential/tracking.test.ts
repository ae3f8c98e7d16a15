// Differential tests for client-side caching (CLIENT TRACKING in every mode, CLIENT CACHING,
// GETREDIR, TRACKINGINFO, INFO's tracking fields): several named connections per server run
// the same script against redis-server 7.0 and Vesta, and after every step the bytes each
// connection received (replies, invalidation pushes, `__redis__:invalidate` messages) must be
// identical. Client ids differ between the servers, so `$name` in a command stands for that
// connection's id and ids in replies are written back as names before comparing.
// Also: node-redis's client-side cache (RESP3) against both servers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from 'redis';
import { Recorder } from '../helpers/recorder.js';
import { requireRedis, type RunningServer } from '../helpers/servers.js';
import { sharedServers } from '../helpers/differential.js';

const servers = sharedServers();
let tokenCounter = 0;

/** [connection name, ...command], `sleep`/`kill` pseudo-steps, or INFO field probes. */
type Step = string[] | { sleep: number } | { kill: string; by: string } | { info: string[]; by: string };

interface Side {
  server: RunningServer;
  conns: Map<string, Recorder>;
  ids: Map<string, string>;
}

async function conn(side: Side, name: string): Promise<Recorder> {
  let r = side.conns.get(name);
  if (r === undefined) {
    r = await Recorder.connect(side.server.port);
    side.conns.set(name, r);
    const reply = await r.step(['CLIENT', 'ID'], `id-${tokenCounter++}`);
    const m = /^:(\d+)\r\n/.exec(reply);
    assert.ok(m !== null, reply);
    side.ids.set(name, m[1] as string);
  }
  return r;
}

/** Writes connection ids back as names, where replies carry ids. */
function maskIds(side: Side, bytes: string): string {
  let out = bytes;
  for (const [name, id] of side.ids) {
    out = out.replaceAll(`redirect\r\n:${id}\r\n`, `redirect\r\n:<${name}>\r\n`);
    out = out.replaceAll(`id\r\n:${id}\r\n`, `id\r\n:<${name}>\r\n`);
    out = out.replaceAll(`tracking-redir-broken\r\n:${id}\r\n`, `tracking-redir-broken\r\n:<${name}>\r\n`);
  }
  return out;
}

function fieldsOf(info: string, fields: string[]): string {
  return fields.map((f) => new RegExp(`\\r\\n${f}:([^\\r]*)`).exec(info)?.[1] ?? `${f}?`).join(' ');
}

/** Runs a step on one side; returns what the acting connection received (normalised). */
async function act(side: Side, step: Step, token: string): Promise<string> {
  if (Array.isArray(step)) {
    const [name, ...args] = step as [string, ...string[]];
    const r = await conn(side, name);
    const resolved = args.map((a) => (a.startsWith('$') && side.ids.has(a.slice(1)) ? (side.ids.get(a.slice(1)) as string) : a));
    let reply = maskIds(side, await r.step(resolved, token));
    if (args[1]?.toUpperCase() === 'GETREDIR') {
      for (const [other, id] of side.ids) if (reply.startsWith(`:${id}\r\n`)) reply = `:<${other}>` + reply.slice(id.length + 1);
    }
    return `${name}: ${reply}`;
  }
  if ('sleep' in step) {
    await new Promise((resolve) => setTimeout(resolve, step.sleep));
    return '';
  }
  const r = await conn(side, step.by);
  if ('info' in step) return fieldsOf(await r.step(['INFO', 'everything'], token), step.info);
  const reply = await r.step(['CLIENT', 'KILL', 'ID', side.ids.get(step.kill) as string], token);
  side.conns.get(step.kill)?.close();
  side.conns.delete(step.kill);
  // The killed connection is gone once CLIENT LIST no longer shows it.
  for (let i = 0; i < 100; i++) {
    const list = await r.step(['CLIENT', 'LIST'], `list-${tokenCounter++}`);
    if (!list.includes(`id=${side.ids.get(step.kill) as string} `)) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return reply;
}

/** What every other connection received by the time its own PING <token> answered. */
async function others(side: Side, token: string, except: string | null): Promise<string> {
  let out = '';
  for (const [name, r] of [...side.conns].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (name === except) continue;
    out += `${name}: ${maskIds(side, await r.step(null, token))}\n`;
  }
  return out;
}

async function runScript(steps: Step[], label: string): Promise<void> {
  const { redis, vesta } = servers();
  const r: Side = { server: redis, conns: new Map(), ids: new Map() };
  const v: Side = { server: vesta, conns: new Map(), ids: new Map() };
  try {
    await Promise.all([act(r, ['setup', 'FLUSHALL'], 'flush'), act(v, ['setup', 'FLUSHALL'], 'flush')]);
    for (const [index, step] of steps.entries()) {
      const token = `sync-${tokenCounter++}`;
      const expected = await act(r, step, token);
      const actual = await act(v, step, token);
      const who = Array.isArray(step) ? (step[0] as string) : null;
      const [expectedOthers, actualOthers] = [await others(r, token, who), await others(v, token, who)];
      const where = `${label} step ${index} ${JSON.stringify(step)}`;
      assert.equal(actual, expected, `${where}: replies differ`);
      assert.equal(actualOthers, expectedOthers, `${where}: what the other connections received differs`);
    }
  } finally {
    for (const side of [r, v]) for (const c of side.conns.values()) c.close();
  }
}

const SCRIPTS: Record<string, Step[]> = {
  'default mode, RESP3 pushes, own writes after the reply': [
    ['a', 'HELLO', '3'],
    ['a', 'CLIENT', 'TRACKING', 'ON'],
    ['a', 'CLIENT', 'TRACKINGINFO'],
    ['a', 'CLIENT', 'GETREDIR'],
    ['a', 'GET', 'k'],
    ['a', 'MGET', 'k', 'k2', 'k3'],
    ['a', 'SET', 'k', '1'],
    ['a', 'GET', 'k'],
    ['b', 'SET', 'k', '2'],
    ['b', 'MSET', 'k', '1', 'k2', '2', 'k3', '3'],
    ['a', 'HGET', 'h', 'f'],
    ['a', 'SMEMBERS', 's'],
    ['a', 'ZSCORE', 'z', 'm'],
    ['a', 'LRANGE', 'l', '0', '-1'],
    ['b', 'HSET', 'h', 'f', 'v'],
    ['b', 'SADD', 's', 'm'],
    ['b', 'ZADD', 'z', '1', 'm'],
    ['b', 'RPUSH', 'l', 'x'],
    ['a', 'EXISTS', 'h', 's'],
    ['b', 'DEL', 'h', 's'],
    ['a', 'GET', 'mv'],
    ['b', 'SET', 'mv', '1'],
    ['b', 'MOVE', 'mv', '1'],
    ['a', 'GET', 'mv'],
    ['b', 'SELECT', '1'],
    ['b', 'SET', 'mv', 'other db, same name'],
    { info: ['tracking_clients', 'tracking_total_keys', 'tracking_total_items', 'tracking_total_prefixes'], by: 'b' },
    ['a', 'FLUSHDB'],
    ['a', 'GET', 'k'],
    ['b', 'FLUSHALL'],
    { info: ['tracking_clients', 'tracking_total_keys', 'tracking_total_items'], by: 'b' },
    ['a', 'CLIENT', 'TRACKING', 'OFF'],
    ['a', 'CLIENT', 'TRACKINGINFO'],
    ['a', 'CLIENT', 'GETREDIR'],
    { info: ['tracking_clients'], by: 'b' },
  ],
  'expiry and transactions invalidate': [
    ['a', 'HELLO', '3'],
    ['a', 'CLIENT', 'TRACKING', 'ON'],
    ['b', 'DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
    ['b', 'SET', 'e', '1', 'PX', '1'],
    ['a', 'GET', 'x'],
    { sleep: 20 },
    ['a', 'GET', 'e'],
    ['b', 'SET', 'e', '1', 'PX', '1'],
    ['a', 'GET', 'e'],
    { sleep: 20 },
    ['b', 'GET', 'e'],
    ['b', 'DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
    ['a', 'MULTI'],
    ['a', 'GET', 't1'],
    ['a', 'GET', 't2'],
    ['a', 'SET', 't1', 'x'],
    ['a', 'EXEC'],
    ['b', 'MULTI'],
    ['b', 'SET', 't2', 'y'],
    ['b', 'SET', 'x', 'y'],
    ['b', 'EXEC'],
  ],
  'RESP2 redirect to a __redis__:invalidate subscriber, broken redirect': [
    ['r', 'SUBSCRIBE', '__redis__:invalidate'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$r'],
    ['a', 'CLIENT', 'TRACKINGINFO'],
    ['a', 'CLIENT', 'GETREDIR'],
    ['a', 'GET', 'k'],
    ['a', 'SET', 'k', '1'],
    ['a', 'GET', 'k'],
    ['b', 'SET', 'k', '2'],
    ['b', 'FLUSHDB'],
    ['a', 'GET', 'k'],
    ['r', 'UNSUBSCRIBE'],
    ['b', 'SET', 'k', '3'],
    ['a', 'GET', 'k'],
    { kill: 'r', by: 'b' },
    ['b', 'SET', 'k', '4'],
    ['a', 'CLIENT', 'TRACKINGINFO'],
    ['a', 'HELLO', '3'],
    ['a', 'GET', 'k'],
    ['b', 'SET', 'k', '5'],
    ['a', 'CLIENT', 'TRACKING', 'ON'],
    ['a', 'CLIENT', 'TRACKINGINFO'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$b'],
    ['b', 'HELLO', '3'],
    ['a', 'GET', 'k'],
    ['a', 'SET', 'k', '6'],
    ['a', 'CLIENT', 'TRACKING', 'OFF'],
  ],
  'RESP2 without redirection gets nothing; a RESP3 redirect target gets pushes': [
    ['a', 'CLIENT', 'TRACKING', 'ON'],
    ['a', 'GET', 'k'],
    ['b', 'SET', 'k', '1'],
    ['a', 'SET', 'k', '2'],
    ['t', 'HELLO', '3'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$t'],
    ['a', 'GET', 'k'],
    ['b', 'SET', 'k', '1'],
    ['a', 'FLUSHALL'],
  ],
  'BCAST with prefixes, NOLOOP': [
    ['r', 'SUBSCRIBE', '__redis__:invalidate'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'b', 'REDIRECT', '$r'],
    ['a', 'CLIENT', 'TRACKINGINFO'],
    ['b', 'MSET', 'a1', '1', 'b2', '2', 'c3', '3', 'a0', '1'],
    ['b', 'DEL', 'a1'],
    ['a', 'SET', 'b9', '1'],
    ['b', 'MULTI'],
    ['b', 'SET', 'a5', '1'],
    ['b', 'SET', 'bb', '1'],
    ['b', 'EXEC'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'c'],
    ['a', 'CLIENT', 'TRACKINGINFO'],
    { info: ['tracking_total_prefixes'], by: 'b' },
    ['b', 'SET', 'c1', '1'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'cc'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'xy'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'x'],
    ['a', 'CLIENT', 'TRACKING', 'OFF'],
    { info: ['tracking_total_prefixes', 'tracking_clients'], by: 'b' },
    ['n', 'HELLO', '3'],
    ['n', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'NOLOOP'],
    ['n', 'SET', 'q', '1'],
    ['b', 'SET', 'q', '2'],
    ['n', 'MULTI'],
    ['n', 'SET', 'q', '3'],
    ['n', 'SET', 'q2', '3'],
    ['n', 'EXEC'],
    ['m', 'HELLO', '3'],
    ['m', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'q'],
    ['n', 'MSET', 'q', '1', 'q3', '2'],
    ['b', 'MSET', 'zz', '1', 'q4', '1', 'q', '9'],
    ['n', 'FLUSHALL'],
  ],
  'OPTIN and OPTOUT with CLIENT CACHING': [
    ['c', 'HELLO', '3'],
    ['c', 'CLIENT', 'TRACKING', 'ON', 'OPTOUT'],
    ['c', 'CLIENT', 'CACHING', 'NO'],
    ['c', 'GET', 'o1'],
    ['c', 'GET', 'o2'],
    ['b', 'MSET', 'o1', '1', 'o2', '2'],
    ['c', 'CLIENT', 'CACHING', 'YES'],
    ['c', 'CLIENT', 'TRACKINGINFO'],
    ['c', 'CLIENT', 'TRACKING', 'OFF'],
    ['c', 'CLIENT', 'TRACKING', 'ON', 'OPTIN'],
    ['c', 'GET', 'p1'],
    ['c', 'CLIENT', 'CACHING', 'YES'],
    ['c', 'CLIENT', 'TRACKINGINFO'],
    ['c', 'GET', 'p2'],
    ['c', 'GET', 'p3'],
    ['c', 'CLIENT', 'CACHING', 'YES'],
    ['c', 'MULTI'],
    ['c', 'GET', 'p4'],
    ['c', 'GET', 'p5'],
    ['c', 'EXEC'],
    ['c', 'GET', 'p6'],
    ['c', 'CLIENT', 'CACHING', 'YES'],
    ['c', 'NOSUCHCOMMAND'],
    ['c', 'GET', 'p7'],
    ['b', 'MSET', 'p1', '1', 'p2', '2', 'p3', '3', 'p4', '4', 'p5', '5', 'p6', '6', 'p7', '7'],
    ['c', 'CLIENT', 'CACHING', 'NO'],
    ['c', 'CLIENT', 'TRACKING', 'ON', 'OPTOUT'],
    ['c', 'CLIENT', 'TRACKING', 'ON', 'BCAST'],
    ['c', 'CLIENT', 'TRACKING', 'ON', 'OPTIN', 'NOLOOP'],
    ['c', 'CLIENT', 'TRACKINGINFO'],
  ],
  'argument errors': [
    ['a', 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '999999'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', 'x'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'REDIRECT'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$a', 'REDIRECT', '$a'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'PREFIX', 'a'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'PREFIX'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'OPTIN', 'OPTOUT'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'OPTIN'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'ab'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'FOO'],
    ['a', 'CLIENT', 'TRACKING', 'MAYBE'],
    ['a', 'CLIENT', 'TRACKING', 'OFF', 'FOO'],
    ['a', 'CLIENT', 'TRACKING'],
    ['a', 'CLIENT', 'CACHING', 'YES'],
    ['a', 'CLIENT', 'CACHING'],
    ['a', 'CLIENT', 'TRACKING', 'ON'],
    ['a', 'CLIENT', 'CACHING', 'YES'],
    ['a', 'CLIENT', 'CACHING', 'NO'],
    ['a', 'CLIENT', 'CACHING', 'MAYBE'],
    ['a', 'CLIENT', 'TRACKING', 'ON', 'BCAST'],
    ['a', 'CLIENT', 'GETREDIR', 'x'],
    ['a', 'CLIENT', 'TRACKINGINFO', 'x'],
    ['a', 'RESET'],
    ['a', 'CLIENT', 'TRACKINGINFO'],
  ],
};

for (const [name, steps] of Object.entries(SCRIPTS)) {
  test(`tracking: ${name}`, async (t) => {
    if (!requireRedis(t)) return;
    await runScript(steps, name);
  });
}

test('tracking: tracking-table-max-keys invalidates keys beyond the limit', async (t) => {
  if (!requireRedis(t)) return;
  for (const server of [servers().redis, servers().vesta]) {
    const a = await Recorder.connect(server.port);
    const b = await Recorder.connect(server.port);
    try {
      await a.step(['HELLO', '3'], 'h');
      await b.step(['CONFIG', 'SET', 'tracking-table-max-keys', '2'], 'c');
      await a.step(['CLIENT', 'TRACKING', 'ON'], 't');
      // Redis trims the table (random keys) right after the command; allow for a later trim.
      let received = await a.step(['MGET', 'm1', 'm2', 'm3', 'm4'], 'g');
      for (let i = 0; i < 100 && (received.match(/invalidate/g)?.length ?? 0) < 2; i++) {
        received += await a.step(null, `w${i}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(received.match(/invalidate/g)?.length, 2, `${server.kind}: ${JSON.stringify(received)}`);
      const info = await b.step(['INFO', 'stats'], 'i');
      assert.match(info, /tracking_total_keys:2\r\n/, server.kind);
    } finally {
      await b.step(['CONFIG', 'SET', 'tracking-table-max-keys', '1000000'], 'r');
      a.close();
      b.close();
    }
  }
});

test('tracking: node-redis client-side cache (RESP3) behaves the same on both servers', async (t) => {
  if (!requireRedis(t)) return;
  const outcomes: string[] = [];
  for (const server of [servers().redis, servers().vesta]) {
    const cached = createClient({ url: `redis://127.0.0.1:${server.port}`, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 0 } });
    const writer = createClient({ url: `redis://127.0.0.1:${server.port}` });
    await Promise.all([cached.connect(), writer.connect()]);
    try {
      await writer.set('csc', 'one');
      const log: string[] = [];
      log.push(String(await cached.get('csc')), String(await cached.get('csc')));
      const stats1 = cached.clientSideCache?.stats();
      log.push(`hits=${stats1?.hitCount} misses=${stats1?.missCount}`);
      await writer.set('csc', 'two');
      // The invalidation push arrives asynchronously; poll until the cache dropped the key.
      let value = '';
      for (let i = 0; i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        value = String(await cached.get('csc'));
        if (value === 'two') break;
      }
      log.push(value);
      await writer.flushAll();
      for (let i = 0; i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        value = String(await cached.get('csc'));
        if (value === 'null') break;
      }
      log.push(value);
      outcomes.push(log.join(' '));
    } finally {
      await Promise.all([cached.quit(), writer.quit()]);
    }
  }
  assert.equal(outcomes[0], 'one one hits=1 misses=1 two null');
  assert.equal(outcomes[1], outcomes[0]);
});
