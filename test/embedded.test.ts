// The embedding API: startServer() runs Vesta inside this process, a real client (ioredis)
// talks to it, and close() releases the port so another instance can take it.

import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
// Relative import, so it resolves to build/src/index.js from build/test/.
import { startServer, type VestaHandle } from '../src/index.js';
import { tempDir } from './helpers/servers.js';

const dirs: string[] = [];
const handles: VestaHandle[] = [];

after(async () => {
  for (const h of handles) await h.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = join(tempDir('vesta-embedded-'), 'data');
  dirs.push(dir);
  return dir;
}

async function withClient<T>(port: number, body: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  try {
    return await body(client);
  } finally {
    client.disconnect();
  }
}

/** True when nothing listens on the port (a fresh listener can bind it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

test('startServer on port 0 serves ioredis and close() releases the port', async () => {
  const dir = freshDir();
  const vesta = await startServer({ port: 0, save: '', appendonly: false, dir });
  assert.ok(vesta.port > 0, 'port 0 resolved to a real port');
  assert.equal(vesta.host, '127.0.0.1');
  assert.ok(existsSync(dir), 'dir is created');
  await withClient(vesta.port, async (client) => {
    assert.equal(await client.set('greeting', 'hello'), 'OK');
    assert.equal(await client.get('greeting'), 'hello');
    assert.equal(await client.incr('counter'), 1);
    await client.hset('session:1', { user: 'ada', theme: 'dark' });
    assert.equal(await client.expire('session:1', 60), 1);
    assert.deepEqual(await client.hgetall('session:1'), { user: 'ada', theme: 'dark' });
    assert.equal(await client.dbsize(), 3);
  });
  await vesta.close();
  assert.equal(await portIsFree(vesta.port), true, 'the port is released');

  // The same port again, in the same process.
  const again = await startServer({ port: vesta.port, save: '', appendonly: false, dir });
  handles.push(again);
  assert.equal(again.port, vesta.port);
  await withClient(again.port, async (client) => {
    assert.equal(await client.get('greeting'), null, 'a fresh keyspace');
    assert.equal(await client.ping(), 'PONG');
  });
  await again.close();
  handles.pop();
  assert.equal(await portIsFree(vesta.port), true);
});

test('two embedded servers in one process are independent', async () => {
  const [first, second] = await Promise.all([
    startServer({ port: 0, save: '', appendonly: false, dir: freshDir() }),
    startServer({ port: 0, save: '', appendonly: false, dir: freshDir(), databases: 4 }),
  ]);
  handles.push(first, second);
  assert.notEqual(first.port, second.port);
  await withClient(first.port, async (client) => {
    await client.set('owner', 'first');
  });
  await withClient(second.port, async (client) => {
    assert.equal(await client.get('owner'), null);
    await client.set('owner', 'second');
    assert.deepEqual(await client.config('GET', 'databases'), ['databases', '4']);
  });
  await withClient(first.port, async (client) => {
    assert.equal(await client.get('owner'), 'first');
    assert.deepEqual(await client.config('GET', 'databases'), ['databases', '16']);
  });
  await Promise.all([first.close(), second.close()]);
  handles.length = 0;
  assert.equal(await portIsFree(first.port), true);
  assert.equal(await portIsFree(second.port), true);
});

test('close() twice is harmless and a bad directive is rejected', async () => {
  const vesta = await startServer({ port: 0, save: '', appendonly: false, dir: freshDir() });
  await vesta.close();
  await vesta.close();
  await assert.rejects(startServer({ port: 0, 'no-such-directive': 'x' }), /Bad directive/);
  await assert.rejects(startServer({ port: 0, databases: 'many' }), /argument couldn't be parsed into an integer/);
});
