// Limits a client controls, against redis-server 7.0: proto-max-bulk-len, the query buffer,
// maxclients and client-output-buffer-limit (hard and soft, normal and pubsub), with Redis's
// replies and log lines.

import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { same, startPair, type Pair } from '../helpers/differential.js';
import { requireRedis, type RunningServer } from '../helpers/servers.js';
import { RespClient, encodeCommand } from '../helpers/resp-client.js';

async function withPair(args: string[], fn: (pair: Pair) => Promise<void>): Promise<void> {
  const pair = await startPair({ args });
  try {
    await fn(pair);
  } finally {
    await pair.stop();
  }
}

/** Sends raw bytes on a fresh connection; resolves with everything read until close or timeout. */
function rawExchange(port: number, bytes: string | Buffer, waitMs = 500): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    let closed = false;
    socket.on('data', (d) => (reply += d.toString('latin1')));
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ reply, closed });
    });
    socket.on('error', () => {});
    socket.write(bytes);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ reply, closed });
    }, waitMs);
  });
}

test('proto-max-bulk-len and oversized headers: Redis replies, connection closed', async (t) => {
  if (!requireRedis(t)) return;
  await withPair([], async (pair) => {
    const cases = ['*1\r\n$600000000\r\n', '*1\r\n$-5\r\n', '*3000000\r\n', '*1\r\n$abc\r\n'];
    for (const bytes of cases) {
      const [r, v] = await Promise.all([rawExchange(pair.redis.port, bytes), rawExchange(pair.vesta.port, bytes)]);
      assert.deepEqual(v, r, JSON.stringify(bytes));
    }
    await same(pair, [['CONFIG', 'SET', 'proto-max-bulk-len', '1mb'], ['CONFIG', 'SET', 'proto-max-bulk-len', '100']]);
    const bytes = '*2\r\n$3\r\nGET\r\n$2000000\r\n';
    const [r, v] = await Promise.all([rawExchange(pair.redis.port, bytes), rawExchange(pair.vesta.port, bytes)]);
    assert.deepEqual(v, r);
    await same(pair, [['SET', 'k', 'x'.repeat(2000)], ['APPEND', 'k', 'y'], ['SETRANGE', 'k', 2_000_000, 'z']]);
  });
});

test('client-query-buffer-limit: a client whose unparsed input passes it is closed', async (t) => {
  if (!requireRedis(t)) return;
  await withPair(['--client-query-buffer-limit', '1mb'], async (pair) => {
    // A bulk announced within proto-max-bulk-len but sent beyond the query buffer limit.
    const head = '*2\r\n$3\r\nSET\r\n$1\r\nk\r\n'.replace('*2', '*3') + '$4000000\r\n';
    const body = Buffer.concat([Buffer.from(head), Buffer.alloc(3_000_000, 120)]);
    const [r, v] = await Promise.all([rawExchange(pair.redis.port, body, 1500), rawExchange(pair.vesta.port, body, 1500)]);
    assert.deepEqual(v, r);
    assert.equal(r.closed, true);
    for (const s of [pair.redis, pair.vesta]) assert.match(s.output(), /max query buffer length/i, s.kind);
  });
});

test('maxclients: the connection over the limit gets Redis\'s error', async (t) => {
  if (!requireRedis(t)) return;
  await withPair([], async (pair) => {
    await same(pair, [['CONFIG', 'SET', 'maxclients', '2']]);
    const extra = await Promise.all([RespClient.connect(pair.redis.port), RespClient.connect(pair.vesta.port)]);
    const [r, v] = await Promise.all([rawExchange(pair.redis.port, encodeCommand(['PING'])), rawExchange(pair.vesta.port, encodeCommand(['PING']))]);
    assert.deepEqual(v, r);
    assert.equal(r.reply, '-ERR max number of clients reached\r\n');
    for (const c of extra) c.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await same(pair, [['CONFIG', 'SET', 'maxclients', '10000']]);
  });
});

/** A subscriber that stops reading after its SUBSCRIBE. */
async function deafSubscriber(port: number, channel: string): Promise<{ socket: Socket; gone: boolean }> {
  const socket = connect(port, '127.0.0.1');
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(encodeCommand(['SUBSCRIBE', channel]));
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.pause();
  return { socket, gone: closed };
}

/**
 * Publishes 64 KB messages until PUBLISH reports no receiver (the server dropped the deaf
 * subscriber; a paused socket does not see the close itself). Returns the time taken.
 */
async function publishUntilClosed(server: RunningServer, channel: string, deaf: { gone: boolean }, maxMs: number): Promise<number> {
  const publisher = await server.client();
  const message = 'm'.repeat(64 * 1024);
  const start = Date.now();
  while (!deaf.gone && Date.now() - start < maxMs) {
    const replies = await publisher.pipeline(Array.from({ length: 16 }, () => ['PUBLISH', channel, message]));
    if (replies.at(-1) === ':0\r\n') deaf.gone = true;
  }
  publisher.close();
  return Date.now() - start;
}

test('pubsub hard limit: a subscriber that does not read is disconnected and logged', async (t) => {
  if (!requireRedis(t)) return;
  await withPair(['--client-output-buffer-limit', 'pubsub', '4mb', '0', '0'], async (pair) => {
    for (const server of [pair.redis, pair.vesta]) {
      const deaf = await deafSubscriber(server.port, 'news');
      await publishUntilClosed(server, 'news', deaf, 10_000);
      assert.equal(deaf.gone, true, `${server.kind}: subscriber closed`);
      deaf.socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.match(server.output(), /scheduled to be closed ASAP for overcoming of output buffer limits\./, `${server.kind}: ${server.output().slice(-600)}`);
    }
  });
});

test('pubsub soft limit: closed only after the soft seconds over it', async (t) => {
  if (!requireRedis(t)) return;
  await withPair(['--client-output-buffer-limit', 'pubsub', '0', '1mb', '2'], async (pair) => {
    for (const server of [pair.redis, pair.vesta]) {
      const deaf = await deafSubscriber(server.port, 'soft');
      const elapsedMs = await publishUntilClosed(server, 'soft', deaf, 10_000);
      assert.equal(deaf.gone, true, `${server.kind}: closed`);
      assert.ok(elapsedMs >= 1500, `${server.kind}: not before the soft seconds (${elapsedMs} ms)`);
      deaf.socket.destroy();
    }
  });
});

test('normal hard limit: a pipelining client that does not read is disconnected', async (t) => {
  if (!requireRedis(t)) return;
  await withPair(['--client-output-buffer-limit', 'normal', '8mb', '0', '0'], async (pair) => {
    for (const server of [pair.redis, pair.vesta]) {
      const admin = await server.client();
      await admin.call('SET', 'big', 'v'.repeat(256 * 1024));
      const socket = connect(server.port, '127.0.0.1');
      let closed = false;
      socket.on('close', () => (closed = true));
      socket.on('error', () => {});
      socket.pause();
      const gets = encodeCommand(['GET', 'big']).repeat(64);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the socket's close handler sets it (TS does not see writes from callbacks)
      for (let i = 0; i < 40 && !closed; i++) {
        socket.write(gets);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(closed, true, `${server.kind}: slow reader closed`);
      assert.equal(await admin.call('PING'), '+PONG\r\n');
      admin.close();
      socket.destroy();
    }
  });
});
