// Real Node libraries built on Lua scripts, each run against redis-server and Vesta with the same
// scenario and the same expected outcome: ioredis defineCommand (EVALSHA falling back to EVAL on
// NOSCRIPT), redlock, rate-limiter-flexible's RateLimiterRedis, rate-limit-redis under
// express-rate-limit, bee-queue, and BullMQ (queue, worker, retries, delayed jobs; its scripts
// append to streams, so on a server without XADD the BullMQ test is skipped visibly).

import test from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { SERVER_KINDS, requireRedis, withServer, type RunningServer } from '../helpers/servers.js';

const KINDS = SERVER_KINDS;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

for (const kind of KINDS) {
  test(`ioredis defineCommand: EVALSHA, NOSCRIPT, EVAL fallback (${kind})`, async (t) => {
    if (!requireRedis(t)) return;
    await withServer(kind, async (server) => {
      const client = new Redis({ port: server.port, lazyConnect: true });
      await client.connect();
      client.defineCommand('incrTtl', {
        numberOfKeys: 1,
        lua: "local v = redis.call('incrby', KEYS[1], ARGV[1]) redis.call('expire', KEYS[1], ARGV[2]) return {v, redis.call('ttl', KEYS[1])}",
      });
      const call = (): Promise<unknown> => (client as unknown as { incrTtl: (k: string, by: number, ttl: number) => Promise<unknown> }).incrTtl('counter', 5, 100);
      assert.deepEqual(await call(), [5, 100]);
      await client.script('FLUSH');
      assert.deepEqual(await call(), [10, 100]);
      const exists = await client.script('EXISTS', '0000000000000000000000000000000000000000');
      assert.deepEqual(exists, [0]);
      client.disconnect();
    });
  });

  test(`redlock: acquire, contend, extend, release (${kind})`, async (t) => {
    if (!requireRedis(t)) return;
    await withServer(kind, async (server) => {
      const { default: Redlock } = await import('redlock');
      const client = new Redis({ port: server.port });
      const redlock = new Redlock([client], { retryCount: 2, retryDelay: 50 });
      const lock = await redlock.lock('locks:res', 2000);
      await assert.rejects(redlock.lock('locks:res', 2000));
      const extended = await lock.extend(5000);
      const ttl = await client.pttl('locks:res');
      assert.ok(ttl > 2000 && ttl <= 5000, `ttl ${ttl}`);
      await extended.unlock();
      assert.equal(await client.exists('locks:res'), 0);
      const again = await redlock.lock('locks:res', 1000);
      await again.unlock();
      client.disconnect();
    });
  });

  test(`rate-limiter-flexible RateLimiterRedis (${kind})`, async (t) => {
    if (!requireRedis(t)) return;
    await withServer(kind, async (server) => {
      const { RateLimiterRedis } = await import('rate-limiter-flexible');
      const client = new Redis({ port: server.port, enableOfflineQueue: false });
      await new Promise((r) => client.once('ready', r));
      const limiter = new RateLimiterRedis({ storeClient: client, points: 3, duration: 10, keyPrefix: 'rl' });
      const results: number[] = [];
      for (let i = 0; i < 3; i++) results.push((await limiter.consume('user1')).remainingPoints);
      assert.deepEqual(results, [2, 1, 0]);
      await assert.rejects(limiter.consume('user1'), (e: unknown) => (e as { remainingPoints: number }).remainingPoints === 0);
      assert.equal((await limiter.consume('user2', 2)).remainingPoints, 1);
      client.disconnect();
    });
  });

  test(`rate-limit-redis under express-rate-limit (${kind})`, async (t) => {
    if (!requireRedis(t)) return;
    await withServer(kind, async (server) => {
      const { default: express } = await import('express');
      const { rateLimit } = await import('express-rate-limit');
      const { RedisStore } = await import('rate-limit-redis');
      const client = new Redis({ port: server.port });
      const app = express();
      app.use(rateLimit({
        windowMs: 60_000,
        limit: 3,
        standardHeaders: 'draft-7',
        legacyHeaders: false,
        store: new RedisStore({ sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<number> }),
      }));
      app.get('/', (_req: unknown, res: { send(body: string): void }) => {
        res.send('ok');
      });
      const http = app.listen(0);
      await new Promise((r) => http.once('listening', r));
      const port = (http.address() as AddressInfo).port;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`http://127.0.0.1:${port}/`)).status);
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      await new Promise((r) => http.close(r));
      client.disconnect();
    });
  });

  test(`bee-queue: jobs, retries, delayed jobs (${kind})`, async (t) => {
    if (!requireRedis(t)) return;
    await withServer(kind, async (server) => {
      const { default: Queue } = await import('bee-queue');
      const queue = new Queue('work', { redis: { port: server.port }, activateDelayedJobs: true, removeOnSuccess: false });
      await queue.ready();
      const attempts = new Map<string, number>();
      const done: string[] = [];
      queue.process(4, async (job: { id: string; data: { n: number; failOnce?: boolean } }) => {
        const tries = (attempts.get(job.id) ?? 0) + 1;
        attempts.set(job.id, tries);
        if (job.data.failOnce === true && tries === 1) throw new Error('first attempt fails');
        return job.data.n * 2;
      });
      queue.on('succeeded', (job: { data: { n: number } }) => done.push(String(job.data.n)));
      for (let n = 0; n < 10; n++) await queue.createJob({ n }).save();
      await queue.createJob({ n: 100, failOnce: true }).retries(1).save();
      await queue.createJob({ n: 200 }).delayUntil(Date.now() + 300).save();
      const deadline = Date.now() + 15_000;
      while (done.length < 12 && Date.now() < deadline) await sleep(50);
      assert.deepEqual(done.map(Number).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 200]);
      const counts = await queue.checkHealth();
      assert.equal(counts.succeeded, 12);
      await queue.close();
    });
  });

  test(`BullMQ: queue, worker, retries, delayed jobs (${kind})`, async (t) => {
    if (!requireRedis(t)) return;
    await withServer(kind, async (server) => {
      const probe = new Redis({ port: server.port });
      const xadd = await probe.call('XADD', 'probe-stream', '*', 'f', 'v').then(() => true, () => false);
      probe.disconnect();
      if (!xadd) {
        t.skip('BullMQ appends to a stream in every script: needs XADD (the streams issue); QueueEvents too');
        return;
      }
      const { Queue, Worker } = await import('bullmq');
      const connection = { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
      const queue = new Queue('jobs', { connection });
      const completed: number[] = [];
      const worker = new Worker('jobs', async (job) => {
        if (job.data.failOnce === true && job.attemptsMade === 0) throw new Error('first attempt fails');
        return job.data.n;
      }, { connection, concurrency: 4 });
      worker.on('completed', (job) => completed.push(job.data.n as number));
      for (let n = 0; n < 10; n++) await queue.add('j', { n });
      await queue.add('retry', { n: 100, failOnce: true }, { attempts: 2 });
      await queue.add('later', { n: 200 }, { delay: 300 });
      const deadline = Date.now() + 20_000;
      while (completed.length < 12 && Date.now() < deadline) await sleep(50);
      assert.deepEqual(completed.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 200]);
      assert.equal(await queue.getCompletedCount(), 12);
      await worker.close();
      await queue.close();
    });
  });
}
