// Real applications built on streams, each run against redis-server and Vesta with the same
// scenario and the same expected outcome: BullMQ's QueueEvents (its 'completed'/'failed' events
// and Job.waitUntilFinished read the queue's events stream with XREAD BLOCK), and two Socket.IO
// servers joined by @socket.io/redis-streams-adapter (XADD to one stream, XREAD BLOCK on it from
// both, XRANGE for recovery): a broadcast or a fetchSockets on one reaches the other's clients.

import test from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { SERVER_KINDS, requireRedis, withServer, type RunningServer } from '../helpers/servers.js';

const KINDS = SERVER_KINDS;

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function listen(http: HttpServer): Promise<number> {
  http.listen(0, '127.0.0.1');
  await new Promise((r) => http.once('listening', r));
  return (http.address() as AddressInfo).port;
}

for (const kind of KINDS) {
  test(`BullMQ QueueEvents: waitUntilFinished, 'completed' and 'failed' events (${kind})`, async (t) => {
    if (!requireRedis(t)) return;
    await withServer(kind, async (server) => {
      const { Queue, QueueEvents, Worker } = await import('bullmq');
      const connection = { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
      const queue = new Queue('events', { connection });
      const events = new QueueEvents('events', { connection });
      await events.waitUntilReady();
      const completed = new Map<string, unknown>();
      const failed = new Map<string, string>();
      events.on('completed', ({ jobId, returnvalue }) => completed.set(jobId, returnvalue));
      events.on('failed', ({ jobId, failedReason }) => failed.set(jobId, failedReason));
      const worker = new Worker('events', async (job) => {
        if (job.data.fail === true) throw new Error(`job ${job.data.n} refused`);
        // Slow enough that waitUntilFinished is waiting (blocked in XREAD) when the job ends.
        await new Promise((r) => setTimeout(r, 100));
        return { doubled: (job.data.n as number) * 2 };
      }, { connection, concurrency: 2 });
      try {
        const ok = await queue.add('ok', { n: 21 });
        const bad = await queue.add('bad', { n: 7, fail: true }, { attempts: 1 });
        const more = await Promise.all([1, 2, 3].map((n) => queue.add('ok', { n })));
        assert.deepEqual(await within(15_000, 'job ok', ok.waitUntilFinished(events, 15_000)), { doubled: 42 });
        await assert.rejects(within(15_000, 'job bad', bad.waitUntilFinished(events, 15_000)), /job 7 refused/);
        const results = await within(15_000, 'more jobs', Promise.all(more.map((j) => j.waitUntilFinished(events, 15_000))));
        assert.deepEqual(results, [{ doubled: 2 }, { doubled: 4 }, { doubled: 6 }]);
        // The events arrive through the same stream read; all of them, each once.
        const deadline = Date.now() + 5_000;
        while (completed.size < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        assert.deepEqual([...completed.keys()].sort(), [ok.id, ...more.map((j) => j.id)].sort());
        assert.deepEqual(completed.get(ok.id as string), { doubled: 42 });
        assert.deepEqual([...failed], [[bad.id, 'job 7 refused']]);
        // A job that finished before anyone waited still resolves (from the job's state).
        assert.deepEqual(await ok.waitUntilFinished(events, 1_000), { doubled: 42 });
        const probe = new Redis({ port: server.port });
        const len = await probe.xlen('bull:events:events');
        probe.disconnect();
        assert.ok(len >= 10, `the events stream holds the jobs' events (${len})`);
      } finally {
        await worker.close();
        await events.close();
        await queue.close();
      }
    });
  });

  test(`Socket.IO redis-streams-adapter: two servers on one stream (${kind})`, async (t) => {
    if (!requireRedis(t)) return;
    await withServer(kind, async (server) => {
      const { Server } = await import('socket.io');
      const { io: connect } = await import('socket.io-client');
      const { createAdapter } = await import('@socket.io/redis-streams-adapter');
      const redisA = new Redis({ port: server.port });
      const redisB = new Redis({ port: server.port });
      const httpA = createServer();
      const httpB = createServer();
      // A short block keeps close() quick; the adapter re-issues XREAD BLOCK in a loop.
      const options = { streamName: 'sio-test', blockTimeInMs: 500 };
      const ioA = new Server(httpA, { adapter: createAdapter(redisA, options) });
      const ioB = new Server(httpB, { adapter: createAdapter(redisB, options) });
      const portB = await listen(httpB);
      await listen(httpA);
      ioB.on('connection', (socket) => {
        void socket.join('room-b');
        socket.data = { name: 'client-of-b' };
      });
      const client = connect(`http://127.0.0.1:${portB}`, { transports: ['websocket'], reconnection: false });
      try {
        await within(5_000, 'client connect', new Promise<void>((r) => client.once('connect', () => r())));
        const seen: unknown[][] = [];
        client.on('news', (...args: unknown[]) => seen.push(args));
        // Broadcasts from server A cross the stream to server B's client, in order.
        // The adapter's first XREAD starts at `$`: wait until A's messages reach B.
        const first = await within(10_000, 'a broadcast from server A', (async () => {
          for (let i = 0; seen.length === 0; i++) {
            ioA.emit('news', 'ping', i);
            await new Promise((r) => setTimeout(r, 100));
          }
          return seen.length;
        })());
        assert.ok(first >= 1);
        seen.length = 0;
        ioA.emit('news', 'all', 1);
        ioA.to('room-b').emit('news', 'room', 2);
        ioA.to('room-elsewhere').emit('news', 'nobody', 3);
        ioA.emit('news', 'all', 4);
        const deadline = Date.now() + 5_000;
        while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(seen, [['all', 1], ['room', 2], ['all', 4]]);
        // A request/response over the stream: A asks every server for its sockets.
        const sockets = await within(5_000, 'fetchSockets', ioA.fetchSockets());
        assert.deepEqual(sockets.map((s) => s.data), [{ name: 'client-of-b' }]);
        assert.deepEqual(sockets.map((s) => [...s.rooms].includes('room-b')), [true]);
        const probe = new Redis({ port: server.port });
        const entries = await probe.xrange('sio-test', '-', '+');
        probe.disconnect();
        assert.ok(entries.length >= 5, `the adapter appended to the stream (${entries.length})`);
      } finally {
        client.disconnect();
        await new Promise((r) => { void ioA.close(() => r(undefined)); });
        await new Promise((r) => { void ioB.close(() => r(undefined)); });
        redisA.disconnect();
        redisB.disconnect();
      }
    });
  });
}
