// SLOWLOG, LATENCY and MONITOR against a real redis-server 7.0: reply shapes byte for byte once
// times, ids and addresses are masked; slowlog-log-slower-than and latency-monitor-threshold
// follow CONFIG SET; MONITOR lines with Redis's format and escaping; and the latency events of
// Vesta's own stalls (rdb-slice) appear.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startPair, type Pair } from '../helpers/differential.js';
import { RespClient } from '../helpers/resp-client.js';
import { haveRedis, requireRedis } from '../helpers/servers.js';

let pair: Pair | null = null;
before(async () => {
  if (haveRedis()) pair = await startPair({ args: ['--enable-debug-command', 'yes'] });
});
after(async () => {
  await pair?.stop();
});

function p(): Pair {
  assert.ok(pair !== null, 'servers not started');
  return pair;
}

async function both(...commands: (string | number)[][]): Promise<[string[], string[]]> {
  const r: string[] = [];
  const v: string[] = [];
  for (const cmd of commands) {
    const [a, b] = await Promise.all([p().redisClient.call(...cmd), p().vestaClient.call(...cmd)]);
    r.push(a);
    v.push(b);
  }
  return [r, v];
}

/** Masks what legitimately differs: integers (ids, times, durations) and client addresses. */
function mask(reply: string): string {
  return reply.replace(/:\d+\r\n/g, ':N\r\n').replace(/\$\d+\r\n127\.0\.0\.1:\d+\r\n/g, '$A\r\n127.0.0.1:P\r\n');
}

test('SLOWLOG GET/LEN/RESET/HELP: Redis reply shapes; the threshold follows CONFIG SET', async (t) => {
  if (!requireRedis(t)) return;
  const long = 'x'.repeat(200);
  const many = Array.from({ length: 40 }, (_, i) => `m${i}`);
  const [r, v] = await both(
    ['SLOWLOG', 'RESET'],
    ['SLOWLOG', 'LEN'],
    ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'],
    ['SET', 'k', long],
    ['CLIENT', 'SETNAME', 'observer'],
    ['SADD', 's', ...many],
    ['AUTH', 'secret'],
    ['SLOWLOG', 'GET', '4'],
    ['SLOWLOG', 'GET', '-1'],
    ['SLOWLOG', 'GET', '0'],
    ['SLOWLOG', 'GET', '-2'],
    ['SLOWLOG', 'GET', 'x'],
    ['CONFIG', 'SET', 'slowlog-log-slower-than', '-1'],
    ['SLOWLOG', 'RESET'],
    ['GET', 'k'],
    ['SLOWLOG', 'LEN'],
    ['SLOWLOG', 'HELP'],
    ['SLOWLOG', 'NOSUCH'],
    ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000'],
    ['CLIENT', 'SETNAME', ''],
  );
  for (let i = 0; i < r.length; i++) {
    // GET -1 lists every entry: the count differs with how many commands ran before.
    if (i === 8) continue;
    assert.equal(mask(v[i] as string), mask(r[i] as string), `reply ${i}`);
  }
  assert.match(v[7] as string, /\.\.\. \(72 more bytes\)/);
  assert.match(v[7] as string, /\.\.\. \(11 more arguments\)/);
  assert.match(v[7] as string, /\(redacted\)/);
});

test('LATENCY: threshold via CONFIG SET, LATEST/HISTORY/RESET shapes, DOCTOR and HELP texts', async (t) => {
  if (!requireRedis(t)) return;
  const [r0, v0] = await both(['LATENCY', 'RESET'], ['CONFIG', 'SET', 'latency-monitor-threshold', '0'],
    ['LATENCY', 'DOCTOR'], ['LATENCY', 'LATEST'], ['LATENCY', 'HELP'], ['LATENCY', 'GRAPH', 'command'],
    ['LATENCY', 'NOSUCH'], ['LATENCY', 'HISTORY', 'nosuch'], ['DEBUG', 'SLEEP', '0.02'], ['LATENCY', 'LATEST']);
  assert.deepEqual(v0.map(mask), r0.map(mask));
  const [r, v] = await both(['CONFIG', 'SET', 'latency-monitor-threshold', '5'], ['LATENCY', 'DOCTOR'],
    ['DEBUG', 'SLEEP', '0.03'], ['LATENCY', 'LATEST'], ['LATENCY', 'HISTORY', 'command'],
    ['LATENCY', 'RESET', 'command', 'nosuch'], ['LATENCY', 'LATEST'], ['LATENCY', 'RESET']);
  assert.deepEqual(v.map(mask), r.map(mask));
  const latest = v[3] as string;
  assert.match(latest, /^\*1\r\n\*4\r\n\$7\r\ncommand\r\n:\d+\r\n:(\d+)\r\n:\d+\r\n$/);
  assert.ok(Number(/:(\d+)\r\n:\d+\r\n$/.exec(latest)?.[1]) >= 30, latest);
  // DOCTOR and GRAPH with an event: Vesta's own wording after Redis's first line.
  await both(['DEBUG', 'SLEEP', '0.02']);
  const doctor = await p().vestaClient.call('LATENCY', 'DOCTOR');
  assert.match(doctor, /Dave, I have observed latency spikes/);
  assert.match(doctor, /1\. command: 1 latency spikes \(average 2\dms/);
  const graph = await p().vestaClient.call('LATENCY', 'GRAPH', 'command');
  assert.match(graph, /command - high 2\d ms, low 2\d ms \(all time high 2\d ms\)\n-{80}\n/);
  await both(['LATENCY', 'RESET'], ['CONFIG', 'SET', 'latency-monitor-threshold', '0']);
});

test('LATENCY HISTOGRAM: the per-command cumulative shape', async (t) => {
  if (!requireRedis(t)) return;
  await both(['CONFIG', 'RESETSTAT'], ['SET', 'h', '1'], ['SET', 'h', '2']);
  const [r, v] = await both(['LATENCY', 'HISTOGRAM', 'set', 'nosuch'], ['LATENCY', 'HISTOGRAM', 'nosuch']);
  const shape = (s: string): string => s.replace(/\*\d+\r\n(:\d+\r\n:\d+\r\n)+/g, '*BUCKETS\r\n').replace(/:\d+/g, ':N');
  // The bucket lists differ with timing; the map around them must be the same.
  const bucketsOf = (s: string): string => s.replace(/^[\s\S]*histogram_usec\r\n/, '');
  assert.equal(shape(v[0] as string).replace(bucketsOf(v[0] as string), ''), shape(r[0] as string).replace(bucketsOf(r[0] as string), ''));
  assert.match(bucketsOf(v[0] as string), /^\*\d+\r\n(:\d+\r\n:[12]\r\n)+$/);
  assert.equal(v[1], r[1]);
});

test('MONITOR: Redis line format and escaping, post-command db, admin commands hidden', async (t) => {
  if (!requireRedis(t)) return;
  const lines: string[][] = [];
  for (const server of [p().redis, p().vesta]) {
    const monitor = await RespClient.connect(server.port);
    assert.equal(await monitor.call('MONITOR'), '+OK\r\n');
    const c = await RespClient.connect(server.port);
    const commands: string[][] = [
      ['SET', 'k', 'a"b\\c\n\r\t\x07\x08\x00\xff é'], ['GET', 'k'], ['SELECT', '5'], ['SET', 'x', '1'],
      ['MULTI'], ['INCR', 'x'], ['EXEC'], ['CONFIG', 'GET', 'maxmemory'], ['NOSUCH', 'a'], ['GET'],
      ['AUTH', 'pw'], ['HELLO', '2', 'AUTH', 'default', 'pw'], ['SLOWLOG', 'LEN'], ['LATENCY', 'LATEST'],
      ['INFO', 'server'], ['PING'], ['CLIENT', 'SETNAME', 'x'], ['SELECT', '0'], ['DEL', 'k', 'x'],
    ];
    for (const cmd of commands) await c.call(...cmd);
    await c.call('SELECT', '5');
    await c.call('DEL', 'x');
    await new Promise((resolve) => setTimeout(resolve, 100));
    lines.push(monitor.pushes.join('').split('\r\n').filter((l) => l !== ''));
    monitor.close();
    c.close();
  }
  const [redisLines, vestaLines] = lines as [string[], string[]];
  for (const line of vestaLines) assert.match(line, /^\+\d{10}\.\d{6} \[\d+ 127\.0\.0\.1:\d+\] "/);
  const strip = (l: string): string => l.replace(/^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/, '[$1]');
  assert.deepEqual(vestaLines.map(strip), redisLines.map(strip));
  assert.ok(vestaLines.length >= 15);
});

test('rdb-slice: slices of a slow background save are latency events', async (t) => {
  if (!requireRedis(t)) return;
  const v = p().vestaClient;
  const fill: string[] = ['MSET'];
  for (let i = 0; i < 50; i++) fill.push(`slice:${i}`, 'v');
  await v.call('FLUSHALL');
  await v.call(...fill);
  await v.call('LATENCY', 'RESET');
  await v.call('CONFIG', 'SET', 'latency-monitor-threshold', '2');
  await v.call('CONFIG', 'SET', 'rdb-key-save-delay', '3000');
  await v.call('BGSAVE');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !(await v.call('INFO', 'persistence')).includes('rdb_bgsave_in_progress:0')) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const latest = await v.call('LATENCY', 'LATEST');
  assert.match(latest, /\$9\r\nrdb-slice\r\n:\d+\r\n:([3-9]|\d\d+)\r\n/);
  const history = await v.call('LATENCY', 'HISTORY', 'rdb-slice');
  assert.match(history, /^\*[1-9]\d*\r\n/);
  await v.call('CONFIG', 'SET', 'rdb-key-save-delay', '0');
  await v.call('CONFIG', 'SET', 'latency-monitor-threshold', '0');
  await v.call('LATENCY', 'RESET');
});
