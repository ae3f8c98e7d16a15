// Differential protocol tests: raw bytes (inline requests, multibulk edge cases, pipelines,
// half-sent and oversized requests, binary data, limits, AUTH) go to redis-server 7.0 and to
// Vesta; the reply bytes and whether the server closed the connection must be the same.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { same, sharedPair } from '../helpers/differential.js';
import { RespClient, encodeCommand } from '../helpers/resp-client.js';
import { requireRedis } from '../helpers/servers.js';

const p = sharedPair();

/** One step of a raw exchange: bytes to write, or a pause (to split a request across reads). */
type Step = string | { pauseMs: number };

interface Exchange {
  /** Every byte the server sent, as latin1. */
  data: string;
  /** True when the server closed the connection. */
  closed: boolean;
}

/**
 * Connects, writes the steps, then collects replies until the server closes the connection or
 * stays quiet for `idleMs`.
 */
/**
 * Sends the steps, then collects replies until `idleMs` pass without data, or, with `until`,
 * until the replies end with it (a deadline of 20 s, so a loaded machine cannot cut a long
 * pipeline's answer short the way a fixed silence can).
 */
async function exchange(port: number, steps: Step[], idleMs = 250, until?: string): Promise<Exchange> {
  const socket = await openSocket(port);
  let data = '';
  let closed = false;
  let lastActivity = Date.now();
  socket.on('data', (chunk: Buffer) => {
    data += chunk.toString('latin1');
    lastActivity = Date.now();
  });
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.once('close', () => (closed = true));
  for (const step of steps) {
    if (typeof step === 'string') socket.write(step, 'latin1');
    else await sleep(step.pauseMs);
    lastActivity = Date.now();
  }
  if (until !== undefined) {
    const deadline = Date.now() + 20_000;
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the socket's close handler sets it (TS does not see writes from callbacks)
    while (!closed && !data.endsWith(until) && Date.now() < deadline) await Promise.race([ended, sleep(20)]);
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the socket's close handler sets it (TS does not see writes from callbacks)
  while (until === undefined && !closed && Date.now() - lastActivity < idleMs) {
    await Promise.race([ended, sleep(20)]);
  }
  socket.destroy();
  return { data, closed };
}

function openSocket(port: number, allowHalfOpen = false): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen }, () => {
      socket.removeListener('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends the same raw steps to both servers on fresh connections; asserts the same outcome. */
async function sameRaw(steps: Step[], label: string, idleMs?: number, until?: string): Promise<Exchange> {
  const [expected, actual] = await Promise.all([
    exchange(p().redis.port, steps, idleMs, until),
    exchange(p().vesta.port, steps, idleMs, until),
  ]);
  // Client ids depend on how many connections each server has seen (HELLO's id field).
  const mask = (x: string): string => short(x.replace(/\$2\r\nid\r\n:\d+\r\n/g, 'ID'));
  assert.equal(mask(actual.data), mask(expected.data), `${label}: reply bytes differ`);
  assert.equal(actual.closed, expected.closed, `${label}: closed (redis ${expected.closed})`);
  return expected;
}

/** Long replies are compared by length and digest so a failure message stays readable. */
function short(text: string): string {
  if (text.length <= 2000) return text;
  const digest = createHash('sha1').update(text, 'latin1').digest('hex');
  return `${text.slice(0, 200)}... (${text.length} bytes, sha1 ${digest})`;
}

/**
 * `start`, then 72 KiB of `filler` (no LF) in 8 KiB writes with pauses (each its own read).
 * Redis finds line ends with strchr(), so a NUL before a CR hides it.
 */
function dribble(start: string, filler = 'a\rb'): Step[] {
  const steps: Step[] = [start];
  for (let i = 0; i < 9; i++) steps.push({ pauseMs: 5 }, filler.repeat(Math.ceil(8192 / filler.length)));
  return steps;
}

const CASES: Record<string, Step[]> = {
  'inline ping': ['PING\r\n'],
  'inline with LF only': ['PING\n', 'ECHO hello\n'],
  'inline set/get with quoted args': [
    'SET "inline key" \'single quoted\'\r\n',
    'GET "inline key"\r\n',
    'SET esc "a\\x41\\n\\t\\"b"\r\nGET esc\r\n',
    'DEL "inline key" esc\r\n',
  ],
  'inline blank lines and spaces': ['\r\n', '   \r\n', '  PING   \r\n', '\n\n', 'ECHO   "x y"  \r\n'],
  'inline unbalanced double quote': ['PING\r\n', 'SET "a b\r\n', 'PING\r\n'],
  'inline unbalanced single quote': ["ECHO 'abc\r\n"],
  'inline closing quote followed by a letter': ['ECHO "abc"d\r\n'],
  'inline unknown command': ['NOSUCH a b\r\n', 'PING\r\n'],
  'inline garbage bytes': ['\x01\x02\xfe\xff zz\r\n', 'PING\r\n'],
  'multibulk *0 and *-1 are skipped': ['*0\r\n', '*-1\r\n', '*1\r\n$4\r\nPING\r\n'],
  'negative bulk length': ['*1\r\n$-1\r\n'],
  'non-numeric bulk length': ['*1\r\n$abc\r\n'],
  'oversized bulk length': ['*2\r\n$4\r\nECHO\r\n$999999999999\r\n'],
  'bulk length above proto-max-bulk-len': ['*2\r\n$4\r\nECHO\r\n$536870913\r\n'],
  'invalid multibulk length': ['*abc\r\n'],
  'multibulk length above INT_MAX': ['*3000000000\r\n'],
  'multibulk with plus sign': ['*+1\r\n$4\r\nPING\r\n'],
  'bulk with leading zero': ['*1\r\n$04\r\nPING\r\n'],
  "expected '$', got 'x'": ['*1\r\nx4\r\nPING\r\n'],
  "expected '$' after a good argument": ['*2\r\n$4\r\nECHO\r\n:5\r\n'],
  'too big inline request': ['PING' + ' '.repeat(70 * 1024)],
  'too big mbulk count string': ['*' + '1'.repeat(70 * 1024)],
  'too big bulk count string': ['*1\r\n$' + '1'.repeat(70 * 1024)],
  // Issue 17 item 2: a request that never ends, arriving over many reads, is refused at 64 KiB.
  'never-ending inline request after \\x00': dribble('\x00'),
  'never-ending mbulk count after *\\x00': dribble('*\x00'),
  'never-ending request after $\\x00 (inline)': dribble('$\x00'),
  'never-ending bulk count after *1 $\\x00': dribble('*1\r\n$\x00'),
  'never-ending bulk count where $ was expected': dribble('*2\r\n$4\r\nECHO\r\n\x00'),
  'never-ending inline request with a lone CR': dribble('PING\r'),
  'never-ending mbulk count without CRs': dribble('*\x00', 'abc'),
  'a NUL hides the LF of an inline request': dribble('PING\x00\r\nPING\r\n', 'x'),
  'a NUL hides the CR of a bulk count': ['*1\r\n$4\x00\r\nPING\r\n', { pauseMs: 20 }, 'x'.repeat(70 * 1024)],
  'a NUL after the CR of a bulk count': ['*1\r\n$4\r\n\x00ING\r\n*1\r\n$4\r\nPING\r\n'],
  'half-sent multibulk completed later': [
    '*3\r\n$3\r\nSET\r\n$4\r\nhalf',
    { pauseMs: 60 },
    '\r\n$5\r\nva',
    { pauseMs: 60 },
    'lue\r\n*2\r\n$3\r\nGET\r\n$4\r\nhalf\r',
    { pauseMs: 60 },
    '\n',
  ],
  'half-sent header completed later': ['*', { pauseMs: 50 }, '1\r', { pauseMs: 50 }, '\n$4\r\nPI', { pauseMs: 50 }, 'NG\r\n'],
  'half-sent inline completed later': ['ECH', { pauseMs: 50 }, 'O abc', { pauseMs: 50 }, '\r\n'],
  'error after good commands in one write': ['*1\r\n$4\r\nPING\r\nECHO x\r\n*1\r\n$x\r\n*1\r\n$4\r\nPING\r\n'],
};

for (const [name, steps] of Object.entries(CASES)) {
  test(`raw: ${name}`, async (t) => {
    if (!requireRedis(t)) return;
    await sameRaw(steps, name);
  });
}

test('pipeline of 5,000 multibulk commands in one write', async (t) => {
  if (!requireRedis(t)) return;
  const commands: string[][] = [['FLUSHALL']];
  for (let i = 0; i < 5000; i++) {
    const key = `p${i % 37}`;
    switch (i % 5) {
      case 0:
        commands.push(['SET', key, String(i)]);
        break;
      case 1:
        commands.push(['INCR', key]);
        break;
      case 2:
        commands.push(['APPEND', key, 'x']);
        break;
      case 3:
        commands.push(['GET', key]);
        break;
      default:
        commands.push(['EXISTS', key, `p${(i + 1) % 37}`]);
    }
  }
  commands.push(['DBSIZE']);
  const [expected, actual] = await Promise.all([
    p().redisClient.pipeline(commands),
    p().vestaClient.pipeline(commands),
  ]);
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.equal(actual[i], expected[i], `reply ${i} to ${JSON.stringify(commands[i])}`);
  }
});

test('pipeline of 5,000 inline commands in one write', async (t) => {
  if (!requireRedis(t)) return;
  let bytes = '';
  for (let i = 0; i < 5000; i++) bytes += i % 2 === 0 ? `ECHO "n ${i}"\r\n` : `INCR inl\r\n`;
  bytes += 'DEL inl\r\nECHO end-of-pipeline\r\n';
  await sameRaw([bytes], 'inline pipeline', undefined, '$15\r\nend-of-pipeline\r\n');
});

test('1 MB and 10 MB bulk values', async (t) => {
  if (!requireRedis(t)) return;
  const oneMb = 'a'.repeat(1024 * 1024 - 7) + '\r\n\0\xff\r\n';
  let tenMb = '';
  const block = Buffer.alloc(64 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) % 256;
  const blockText = block.toString('latin1');
  for (let i = 0; i < 160; i++) tenMb += blockText;
  for (const [name, value] of [['big1', oneMb], ['big10', tenMb]] as const) {
    const [expected, actual] = await Promise.all([
      p().redisClient.pipeline([['SET', name, value], ['STRLEN', name], ['GET', name], ['DEL', name]]),
      p().vestaClient.pipeline([['SET', name, value], ['STRLEN', name], ['GET', name], ['DEL', name]]),
    ]);
    assert.deepEqual(actual.map(short), expected.map(short), name);
  }
  // The same values arriving in many small writes (a slow sender).
  const steps: Step[] = [];
  const request = encodeCommand(['SET', 'slow', oneMb]) + encodeCommand(['STRLEN', 'slow']);
  for (let i = 0; i < request.length; i += 100_000) steps.push(request.slice(i, i + 100_000), { pauseMs: 5 });
  steps.push(encodeCommand(['DEL', 'slow']));
  await sameRaw(steps, 'slow 1 MB');
});

test('binary keys and values with \\0 \\r \\n \\xff', async (t) => {
  if (!requireRedis(t)) return;
  let all = '';
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  const keys = ['\0', '\r\n', 'a\0b', '\xff\xfe', '\n', 'k\r\nSET x y\r\n'];
  const commands: string[][] = [['FLUSHALL']];
  for (const key of keys) {
    commands.push(['SET', key, all + key], ['GET', key], ['STRLEN', key], ['APPEND', key, '\0\r\n']);
    commands.push(['GETRANGE', key, '250', '260'], ['EXISTS', key], ['TYPE', key]);
  }
  commands.push(['MGET', ...keys], ['DBSIZE'], ['EXISTS', 'x']);
  await same(p(), commands, 'binary');
  const keysReply = await Promise.all([p().redisClient.call('KEYS', '*'), p().vestaClient.call('KEYS', '*')]);
  assert.equal(sortedArray(keysReply[1]), sortedArray(keysReply[0]));
});

function sortedArray(reply: string): string {
  // Bulk strings may contain \r\n, so walk by lengths instead of splitting lines.
  const items: string[] = [];
  let pos = reply.indexOf('\r\n') + 2;
  while (pos < reply.length) {
    const lineEnd = reply.indexOf('\r\n', pos);
    const len = Number(reply.slice(pos + 1, lineEnd));
    items.push(reply.slice(lineEnd + 2, lineEnd + 2 + len));
    pos = lineEnd + 2 + len + 2;
  }
  return JSON.stringify(items.sort());
}

test('proto-max-bulk-len set at runtime', async (t) => {
  if (!requireRedis(t)) return;
  try {
    await same(p(), [['CONFIG', 'SET', 'proto-max-bulk-len', '1000'], ['CONFIG', 'SET', 'proto-max-bulk-len', '1mb']]);
    const limit = 1024 * 1024;
    await sameRaw([encodeCommand(['SET', 'pm', 'x'.repeat(limit)]), encodeCommand(['STRLEN', 'pm'])], 'at limit');
    await sameRaw([`*3\r\n$3\r\nSET\r\n$2\r\npm\r\n$${limit + 1}\r\n`], 'above limit');
    await same(p(), [['DEL', 'pm']]);
  } finally {
    await same(p(), [['CONFIG', 'SET', 'proto-max-bulk-len', '512mb']]);
  }
});

test('client-query-buffer-limit set at runtime', async (t) => {
  if (!requireRedis(t)) return;
  try {
    await same(p(), [['CONFIG', 'SET', 'client-query-buffer-limit', '1000'], ['CONFIG', 'SET', 'client-query-buffer-limit', '1mb']]);
    // A request that would need 2 MB of buffered bytes: the server drops the client, no reply.
    const partial = `*3\r\n$3\r\nSET\r\n$2\r\nqb\r\n$${2 * 1024 * 1024}\r\n` + 'y'.repeat(1536 * 1024);
    await sameRaw(['PING\r\n', { pauseMs: 50 }, partial], 'query buffer overflow', 500);
    // Small requests still work, and the server kept serving others.
    await same(p(), [['PING'], ['EXISTS', 'qb']]);
  } finally {
    await same(p(), [['CONFIG', 'SET', 'client-query-buffer-limit', '1gb']]);
  }
});

test('maxclients set at runtime', async (t) => {
  if (!requireRedis(t)) return;
  const outcomes: Exchange[][] = [];
  for (const server of [p().redis, p().vesta]) {
    const control = server.kind === 'redis' ? p().redisClient : p().vestaClient;
    const before = parseClientCount(await control.call('INFO', 'clients'));
    const limitReply = await control.call('CONFIG', 'SET', 'maxclients', String(before + 2));
    assert.equal(limitReply, '+OK\r\n');
    const held = [await RespClient.connect(server.port), await RespClient.connect(server.port)];
    assert.equal(await held[1]?.call('PING'), '+PONG\r\n');
    const rejected = await exchange(server.port, ['PING\r\n']);
    for (const c of held) c.close();
    await sleep(100);
    const afterClose = await exchange(server.port, ['PING\r\n']);
    outcomes.push([rejected, afterClose]);
    assert.equal(await control.call('CONFIG', 'SET', 'maxclients', '10000'), '+OK\r\n');
  }
  assert.deepEqual(outcomes[1], outcomes[0]);
  assert.equal(outcomes[0]?.[0]?.data, '-ERR max number of clients reached\r\n');
});

function parseClientCount(info: string): number {
  const match = /connected_clients:(\d+)/.exec(info);
  assert.ok(match !== null, 'INFO clients has connected_clients');
  return Number(match[1]);
}

test('requirepass, AUTH, NOAUTH and HELLO AUTH', async (t) => {
  if (!requireRedis(t)) return;
  await same(p(), [['AUTH', 'x'], ['AUTH', 'default', 'x'], ['AUTH', 'a', 'b', 'c']], 'no password');
  await same(p(), [['CONFIG', 'SET', 'requirepass', 's3cret']]);
  try {
    const cases: Step[][] = [
      ['*1\r\n$4\r\nPING\r\n', 'GET k\r\n', '*2\r\n$4\r\nAUTH\r\n$5\r\nwrong\r\n', 'PING\r\n'],
      ['AUTH s3cret\r\n', 'PING\r\n', 'GET authkey\r\n'],
      ['AUTH default s3cret\r\n', 'PING\r\n'],
      ['AUTH nobody s3cret\r\n', 'AUTH\r\n', 'AUTH a b c\r\n'],
      ['HELLO 3\r\n', 'HELLO\r\n', 'HELLO 2 AUTH default wrong\r\n', 'PING\r\n'],
      ['HELLO 2 AUTH default s3cret SETNAME n1\r\n', 'CLIENT GETNAME\r\n'],
      ['QUIT\r\n'],
      ['ECHO x\r\n', 'COMMAND COUNT\r\n', 'CLIENT GETNAME\r\n', 'SELECT 1\r\n'],
      // Unauthenticated clients may not send big requests (Redis 7.0: 10 args, 16 KB bulk).
      [encodeCommand(['MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5'])],
      ['*11\r\n'],
      [encodeCommand(['ECHO', 'z'.repeat(16 * 1024)])],
      [`*2\r\n$4\r\nECHO\r\n$${16 * 1024 + 1}\r\n`],
      ['AUTH s3cret\r\n', `*2\r\n$4\r\nECHO\r\n$${16 * 1024 + 1}\r\n${'z'.repeat(16 * 1024 + 1)}\r\n`],
    ];
    for (const steps of cases) await sameRaw(steps, JSON.stringify(steps).slice(0, 80), 150);
    await sameRaw(['HELLO 3 AUTH default s3cret\r\n', 'PING\r\n', 'AUTH s3cret\r\n'], 'HELLO 3 AUTH');
  } finally {
    for (const c of [p().redisClient, p().vestaClient]) {
      await c.call('AUTH', 's3cret');
      assert.equal(await c.call('CONFIG', 'SET', 'requirepass', ''), '+OK\r\n');
    }
  }
});

// Redis frees a client as soon as QUIT's reply is written, whether or not the peer closes its
// end: CLIENT LIST and connected_clients no longer show it (Vesta half-closed and waited).
test('QUIT frees the client at once even while the peer keeps its end open', async (t) => {
  if (!requireRedis(t)) return;
  for (const server of [p().redis, p().vesta]) {
    const quitter = await openSocket(server.port, true);
    const replied = new Promise<string>((resolve) => quitter.once('data', (d: Buffer) => resolve(d.toString('latin1'))));
    const ended = new Promise<void>((resolve) => quitter.once('end', () => resolve()));
    quitter.write('CLIENT SETNAME quitter\r\nQUIT\r\n', 'latin1');
    assert.match(await replied, /^\+OK\r\n/, server.kind);
    await ended; // the server's FIN; the quitter's own end stays open
    const other = await RespClient.connect(server.port);
    const list = await other.call('CLIENT', 'LIST');
    assert.doesNotMatch(list, /name=quitter/, `${server.kind}: ${list}`);
    other.close();
    quitter.destroy();
  }
});

test('a client that disconnects mid-pipeline does not disturb the others', async (t) => {
  if (!requireRedis(t)) return;
  for (const server of [p().redis, p().vesta]) {
    const other = await RespClient.connect(server.port);
    const quitter = await openSocket(server.port);
    let bytes = '';
    for (let i = 0; i < 3000; i++) bytes += encodeCommand(['SET', `quit:${i % 10}`, 'v'.repeat(100)]);
    bytes += '*3\r\n$3\r\nSET\r\n$4\r\nquit\r\n$100\r\nabc';
    quitter.write(bytes, 'latin1');
    const served = other.pipeline(Array.from({ length: 500 }, (_, i) => ['INCR', `keep:${server.kind}:${i % 3}`]));
    quitter.destroy();
    const replies = await served;
    assert.equal(replies[499], ':167\r\n', `${server.kind} kept serving`);
    await sleep(50);
    assert.equal(await other.call('EXISTS', 'quit'), ':0\r\n', server.kind);
    assert.equal(await other.call('PING'), '+PONG\r\n');
    other.close();
  }
  await same(p(), [['PING'], ['ECHO', 'still here']]);
});

/**
 * Many clients whose requests arrive cut into pieces, interleaved with each other's, including
 * arguments larger than one 64 KiB read and pipelines left half-read: Vesta reads every socket
 * into one shared buffer (server/read-buffer.ts), so a client's unconsumed bytes must survive
 * the next client's read. Run on both read paths; each client's reply bytes must equal Redis's.
 */
for (const sharedReads of ['yes', 'no']) {
  test(`interleaved partial requests from 12 clients (vesta-shared-read-buffer ${sharedReads})`, async (t) => {
    if (!requireRedis(t)) return;
    await p().vestaClient.call('CONFIG', 'SET', 'vesta-shared-read-buffer', sharedReads);
    const random = seededRandom(sharedReads === 'yes' ? 7 : 11);
    const clients = 12;
    const streams: string[] = [];
    for (let i = 0; i < clients; i++) {
      let bytes = '';
      for (let j = 0; j < 40; j++) {
        const key = `split:${sharedReads}:${i}:${j % 5}`;
        const big = j % 13 === 5 ? 70_000 + Math.floor(random() * 5000) : Math.floor(random() * 300);
        const value = Array.from({ length: big }, (_, k) => String.fromCharCode((i * 31 + j * 7 + k) & 0xff)).join('');
        bytes += encodeCommand(['APPEND', key, value]);
        bytes += encodeCommand(['STRLEN', key]);
        bytes += `GET ${key}\r\n`.replace('GET', j % 2 === 0 ? 'EXISTS' : 'TYPE');
        bytes += encodeCommand(['GETRANGE', key, '-40', '-1']);
      }
      streams.push(bytes);
    }
    // One cut pattern for both servers: mostly small pieces (most cut a request), some of up to
    // two reads' worth.
    const pieces = streams.map((bytes) => {
      const out: string[] = [];
      for (let at = 0; at < bytes.length;) {
        const dice = random();
        const size = 1 + Math.floor(random() * (dice < 0.5 ? 16 : dice < 0.95 ? 2000 : 150_000));
        out.push(bytes.slice(at, at + size));
        at += size;
      }
      return out;
    });
    const results: string[][] = [];
    for (const server of [p().redis, p().vesta]) {
      const sockets = await Promise.all(Array.from({ length: clients }, () => openSocket(server.port)));
      const received = sockets.map(() => '');
      const closed = sockets.map(() => false);
      sockets.forEach((socket, i) => {
        socket.on('data', (chunk: Buffer) => (received[i] += chunk.toString('latin1')));
        socket.on('close', () => (closed[i] = true));
      });
      const cursor = sockets.map(() => 0);
      for (let round = 0; cursor.some((c, i) => c < (pieces[i] as string[]).length); round++) {
        for (let i = 0; i < clients; i++) {
          const piece = (pieces[i] as string[])[cursor[i] as number];
          if (piece === undefined) continue;
          (sockets[i] as Socket).write(piece, 'latin1');
          cursor[i] = (cursor[i] as number) + 1;
        }
        await sleep(2); // let the server read this round's pieces as separate reads
      }
      const expectedReplies = 40 * 4;
      const deadline = Date.now() + 20_000;
      const waiting = (): boolean => received.some((r, i) => countReplies(r) < expectedReplies && closed[i] !== true);
      while (Date.now() < deadline && waiting()) await sleep(20);
      for (const socket of sockets) socket.destroy();
      results.push(received);
    }
    const [redisReplies, vestaReplies] = results as [string[], string[]];
    for (let i = 0; i < clients; i++) {
      assert.equal(countReplies(redisReplies[i] as string), 40 * 4, `redis client ${i} got every reply`);
      assert.ok(vestaReplies[i] === redisReplies[i], `client ${i}: Vesta's reply bytes differ from Redis's`);
    }
    await p().vestaClient.call('CONFIG', 'SET', 'vesta-shared-read-buffer', 'yes');
  });
}

/** Top-level replies in a stream of simple RESP2 replies (+ - : $ only, as this test sends). */
function countReplies(text: string): number {
  let n = 0;
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\r\n', at);
    if (end < 0) break;
    if (text[at] === '$') {
      const len = Number(text.slice(at + 1, end));
      const next = len < 0 ? end + 2 : end + 2 + len + 2;
      if (next > text.length) break;
      at = next;
    } else {
      at = end + 2;
    }
    n++;
  }
  return n;
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
