// RDB persistence through real processes: dumps move both ways between redis-server 7.0 and
// Vesta with the same data (DEBUG DIGEST on both, and key by key), redis-check-rdb accepts
// Vesta's dumps, SAVE/LASTSAVE/save points/SHUTDOWN behave as in Redis, a damaged dump stops
// Vesta from starting, and INFO persistence has Redis 7.0's field names, loading ones included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseReply, RespClient } from '../helpers/resp-client.js';
import { freePort, REDIS_SERVER, requireRedis, startRedis, startVesta, tempDir, VESTA_BIN,
  type RunningServer } from '../helpers/servers.js';

const FAR_FUTURE_MS = 4102444800000;

/** Commands that make a dataset with every type and encoding Redis 7.0 writes. */
function datasetCommands(): (string | number)[][] {
  const cmds: (string | number)[][] = [['FLUSHALL']];
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  cmds.push(['SET', 'str', 'hello'], ['SET', 'int', '-123456']);
  cmds.push(['SET', 'big-int', '9223372036854775807']);
  cmds.push(['SET', 'lzf', 'compress me '.repeat(200)], ['SET', 'empty', '']);
  cmds.push(['SET', 'bin:\x00\xff\r\n', '\x00\x01\xfe\xff\r\n']);
  cmds.push(['SET', 'huge', 'x'.repeat(100_000)]);
  cmds.push(['RPUSH', 'list-small', 'a', 'b', '1', '-2', '300000', 'c'.repeat(70)]);
  cmds.push(['RPUSH', 'list-big', ...range(5000).map((i) => `element-${i}`)]);
  cmds.push(['RPUSH', 'list-plainish', 'y'.repeat(20_000), 'z']);
  cmds.push(['SADD', 'set-int', '1', '-70000', '9223372036854775807', '0']);
  cmds.push(['SADD', 'set-str', 'a', 'b', '7']);
  cmds.push(['SADD', 'set-int-big', ...range(600).map(String)]);
  cmds.push(['ZADD', 'zset-small', '1', 'a', '2.5', 'b', '-inf', 'c', '1e-7', 'd', 'inf', 'e']);
  cmds.push(['ZADD', 'zset-small', '-0', 'f']);
  cmds.push(['ZADD', 'zset-big', ...range(300).flatMap((i) => [String(i / 7), `m${i}`])]);
  cmds.push(['ZADD', 'zset-long-member', '1', 'q'.repeat(100)]);
  cmds.push(['HSET', 'hash-small', 'f1', 'v1', 'f2', '77', 'f3', '']);
  cmds.push(['HSET', 'hash-big', ...range(700).flatMap((i) => [`f${i}`, `v${i}`])]);
  cmds.push(['HSET', 'hash-long-value', 'f', 'w'.repeat(100)]);
  for (const key of ['str', 'list-small', 'set-int', 'zset-small', 'hash-big']) {
    cmds.push(['PEXPIREAT', key, FAR_FUTURE_MS]);
  }
  cmds.push(['PEXPIREAT', 'hash-small', FAR_FUTURE_MS + 123]);
  cmds.push(['SELECT', 1], ['SET', 'db1-key', 'one'], ['SADD', 'db1-set', 'x', 'y']);
  cmds.push(['SELECT', 5], ['DEBUG', 'POPULATE', 2000, 'pop', 10]);
  cmds.push(['SELECT', 15], ['RPUSH', 'db15-list', '1', '2', '3'], ['SELECT', 0]);
  return cmds;
}

async function call(c: RespClient, ...args: (string | number)[]): Promise<string> {
  return c.call(...args);
}

/** TYPE, PEXPIRETIME and DEBUG DIGEST-VALUE (and GET for strings) of every key, per db. */
async function describeDataset(c: RespClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const db of [0, 1, 5, 15]) {
    await call(c, 'SELECT', db);
    const keys = parseReply(await call(c, 'KEYS', '*')) as string[];
    for (const key of keys.sort()) {
      const type = await call(c, 'TYPE', key);
      let text = type + (await call(c, 'PEXPIRETIME', key)) +
        (await call(c, 'DEBUG', 'DIGEST-VALUE', key));
      if (type === '+string\r\n') text += await call(c, 'GET', key);
      out.set(`${db}/${key}`, text);
    }
  }
  await call(c, 'SELECT', 0);
  return out;
}

async function withClient<T>(server: RunningServer, f: (c: RespClient) => Promise<T>): Promise<T> {
  const c = await server.client();
  try {
    return await f(c);
  } finally {
    c.close();
  }
}

test('Redis 7.0 dump -> Vesta -> Vesta dump -> redis-check-rdb and Redis: same data', async (t) => {
  if (!requireRedis(t)) return;
  const redisDir = tempDir('rdb-redis-');
  const redis = await startRedis({ dir: redisDir });
  let expectedDigest = '';
  let expectedKeys = new Map<string, string>();
  try {
    await withClient(redis, async (c) => {
      const replies = await c.pipeline(datasetCommands());
      for (const r of replies) assert.ok(!r.startsWith('-'), r);
      expectedDigest = await call(c, 'DEBUG', 'DIGEST');
      expectedKeys = await describeDataset(c);
      assert.equal(await call(c, 'SAVE'), '+OK\r\n');
    });
  } finally {
    await redis.stop();
  }
  assert.ok(expectedKeys.size > 2000);
  const vestaDir = tempDir('rdb-vesta-');
  copyFileSync(join(redisDir, 'dump.rdb'), join(vestaDir, 'dump.rdb'));
  const vesta = await startVesta({ dir: vestaDir });
  try {
    await withClient(vesta, async (c) => {
      assert.equal(await call(c, 'DEBUG', 'DIGEST'), expectedDigest);
      assert.deepEqual(await describeDataset(c), expectedKeys);
      const info = await call(c, 'INFO', 'persistence');
      assert.match(info, new RegExp(`rdb_last_load_keys_loaded:${expectedKeys.size}\r\n`));
      assert.equal(await call(c, 'SAVE'), '+OK\r\n');
    });
  } finally {
    await vesta.stop();
  }
  assert.match(vesta.output(), /Loading RDB produced by version 7\.0\.15/);
  assert.match(vesta.output(), /Done loading RDB, keys loaded: \d+, keys expired: 0\./);
  assert.match(vesta.output(), /DB loaded from disk: \d+\.\d{3} seconds/);
  const check = spawnSync('redis-check-rdb', [join(vestaDir, 'dump.rdb')], { encoding: 'latin1' });
  assert.equal(check.status, 0, check.stdout);
  assert.match(check.stdout, /RDB looks OK!/);
  const redis2 = await startRedis({ dir: vestaDir });
  try {
    await withClient(redis2, async (c) => {
      assert.equal(await call(c, 'DEBUG', 'DIGEST'), expectedDigest);
      assert.deepEqual(await describeDataset(c), expectedKeys);
    });
  } finally {
    await redis2.stop();
  }
});

test('DEBUG DIGEST and DIGEST-VALUE match Redis byte for byte, expired keys too', async (t) => {
  if (!requireRedis(t)) return;
  const redis = await startRedis();
  const vesta = await startVesta();
  try {
    const commands: (string | number)[][] = [
      ['SET', 'a', '1'], ['SET', 'b', 'x', 'PX', 60_000], ['SELECT', 3],
      ['SET', 'c', '\x00'],
      ['SET', 'gone', 'v', 'PX', 1], ['SELECT', 0],
    ];
    const digests: string[][] = [];
    for (const server of [redis, vesta]) {
      digests.push(await withClient(server, async (c) => {
        await call(c, 'DEBUG', 'SET-ACTIVE-EXPIRE', 0);
        const empty = await call(c, 'DEBUG', 'DIGEST');
        await c.pipeline(commands);
        await new Promise((r) => setTimeout(r, 20));
        await call(c, 'SELECT', 3);
        const values = await call(c, 'DEBUG', 'DIGEST-VALUE', 'c', 'gone', 'missing');
        await call(c, 'SELECT', 0);
        return [empty, await call(c, 'DEBUG', 'DIGEST'), values,
          await call(c, 'DEBUG', 'DIGEST-VALUE', 'a', 'b')];
      }));
    }
    assert.deepEqual(digests[1], digests[0]);
  } finally {
    await redis.stop();
    await vesta.stop();
  }
});

test('SAVE, LASTSAVE, restart keeps data; SHUTDOWN saves with save points, NOSAVE does not',
  async () => {
    const dir = tempDir('rdb-life-');
    const args = ['--save', '3600', '1'];
    let vesta = await startVesta({ dir, args });
    await withClient(vesta, async (c) => {
      const before = Number((await call(c, 'LASTSAVE')).slice(1));
      await call(c, 'SET', 'k1', 'v1');
      assert.match(await call(c, 'INFO', 'persistence'), /rdb_changes_since_last_save:1\r\n/);
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal(await call(c, 'SAVE'), '+OK\r\n');
      assert.ok(Number((await call(c, 'LASTSAVE')).slice(1)) > before);
      assert.match(await call(c, 'INFO', 'persistence'), /rdb_changes_since_last_save:0\r\n/);
      await call(c, 'SET', 'k2', 'v2');
      await c.call('SHUTDOWN').catch(() => '');
    });
    await vesta.stop();
    assert.match(vesta.output(), /Saving the final RDB snapshot before exiting/);
    vesta = await startVesta({ dir, args });
    await withClient(vesta, async (c) => {
      assert.equal(await call(c, 'GET', 'k1'), '$2\r\nv1\r\n');
      assert.equal(await call(c, 'GET', 'k2'), '$2\r\nv2\r\n');
      await call(c, 'SET', 'k3', 'v3');
      await c.call('SHUTDOWN', 'NOSAVE').catch(() => '');
    });
    await vesta.stop();
    vesta = await startVesta({ dir, args });
    await withClient(vesta, async (c) => {
      assert.equal(await call(c, 'GET', 'k3'), '$-1\r\n');
      assert.equal(await call(c, 'DBSIZE'), ':2\r\n');
    });
    await vesta.stop();
    // Without save points SHUTDOWN does not save; SHUTDOWN SAVE does.
    vesta = await startVesta({ dir });
    await withClient(vesta, async (c) => {
      await call(c, 'SET', 'k4', 'v4');
      await c.call('SHUTDOWN', 'SAVE').catch(() => '');
    });
    await vesta.stop();
    vesta = await startVesta({ dir });
    try {
      await withClient(vesta, async (c) => assert.equal(await call(c, 'DBSIZE'), ':3\r\n'));
    } finally {
      await vesta.stop();
    }
  });

test('a save point (save 1 1) saves from cron; FLUSHALL with save points saves at once',
  async () => {
    const dir = tempDir('rdb-cron-');
    const vesta = await startVesta({ dir, args: ['--save', '1', '1'] });
    try {
      await withClient(vesta, async (c) => {
        await call(c, 'SET', 'k', 'v');
        const deadline = Date.now() + 5000;
        while (!/rdb_changes_since_last_save:0\r\n/.test(await call(c, 'INFO', 'persistence'))) {
          assert.ok(Date.now() < deadline, 'save point never fired');
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(existsSync(join(dir, 'dump.rdb')));
        assert.match(vesta.output(), /1 changes in 1 seconds\. Saving\.\.\./);
        const sizeWithKey = readFileSync(join(dir, 'dump.rdb')).length;
        assert.equal(await call(c, 'FLUSHALL'), '+OK\r\n');
        assert.ok(readFileSync(join(dir, 'dump.rdb')).length < sizeWithKey);
        // As in Redis 7.0: nothing is left to save after FLUSHALL's save (flushall.test.ts
        // compares the figures with redis-server).
        assert.match(await call(c, 'INFO', 'persistence'), /rdb_changes_since_last_save:0\r\n/);
      });
    } finally {
      await vesta.stop();
    }
  });

test('DEBUG RELOAD saves and reloads in place; options and errors as Redis', async () => {
  const vesta = await startVesta();
  try {
    await withClient(vesta, async (c) => {
      await c.pipeline([['SET', 'a', '1'], ['SET', 'b', '2', 'PX', 100_000]]);
      const digest = await call(c, 'DEBUG', 'DIGEST');
      assert.equal(await call(c, 'DEBUG', 'RELOAD'), '+OK\r\n');
      assert.equal(await call(c, 'DEBUG', 'DIGEST'), digest);
      assert.equal(await call(c, 'DEBUG', 'RELOAD', 'BOGUS'),
        '-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n');
      await call(c, 'SET', 'c', '3');
      assert.equal(await call(c, 'DEBUG', 'RELOAD', 'NOSAVE'), '+OK\r\n');
      assert.equal(await call(c, 'EXISTS', 'c'), ':0\r\n');
      await call(c, 'SET', 'a', 'changed');
      assert.equal(await call(c, 'DEBUG', 'RELOAD', 'MERGE', 'NOFLUSH', 'NOSAVE'), '+OK\r\n');
      assert.equal(await call(c, 'GET', 'a'), '$1\r\n1\r\n');
    });
  } finally {
    await vesta.stop();
  }
});

test('a damaged dump stops Vesta from starting, naming the file, offset and cause', async () => {
  const source = tempDir('rdb-src-');
  const vesta = await startVesta({ dir: source });
  await withClient(vesta, async (c) => {
    await c.pipeline([['DEBUG', 'POPULATE', 500], ['HSET', 'h', 'f', 'v'], ['SAVE']]);
  });
  await vesta.stop();
  const dump = readFileSync(join(source, 'dump.rdb'));
  const cases: [string, Buffer, RegExp][] = [
    ['truncated at 0', dump.subarray(0, 0), /Unexpected EOF/],
    ['truncated in the header', dump.subarray(0, 7), /Unexpected EOF/],
    ['truncated in the middle', dump.subarray(0, Math.floor(dump.length / 2)), /Unexpected EOF/],
    ['truncated in the checksum', dump.subarray(0, dump.length - 3), /Unexpected EOF/],
    ['a flipped byte', flip(dump, Math.floor(dump.length * 0.7)),
      /checksum|Corrupt|Unknown|Unexpected EOF/i],
    ['not an RDB file', Buffer.from('hello world, not a dump'), /not an RDB file/],
  ];
  for (const [name, bytes, cause] of cases) {
    const dir = tempDir('rdb-bad-');
    writeFileSync(join(dir, 'dump.rdb'), bytes);
    const error = await startVesta({ dir }).then(
      async (s) => {
        await s.stop();
        return null;
      },
      (e: unknown) => e as Error,
    );
    assert.ok(error !== null, `${name}: Vesta started`);
    assert.match(error.message, /exited early \(1\)/, name);
    assert.ok(error.message.includes(join(dir, 'dump.rdb')), `${name}: ${error.message}`);
    assert.match(error.message, /offset \d+/, name);
    assert.match(error.message, cause, name);
    assert.equal(readFileSync(join(dir, 'dump.rdb')).compare(bytes), 0, `${name}: file changed`);
  }
});

test('INFO persistence has the field names of Redis 7.0, also while loading', async (t) => {
  if (!requireRedis(t)) return;
  // Vesta adds its own snapshot-engine fields, all prefixed vesta_ (documented in INFO docs).
  const names = (info: string): string[] =>
    info.split('\r\n').filter((l) => l.includes(':')).map((l) => l.slice(0, l.indexOf(':')))
      .filter((n) => !n.startsWith('vesta_'));
  const dir = tempDir('rdb-info-');
  const redis = await startRedis({ dir });
  const redisNames = await withClient(redis, async (c) => {
    await c.pipeline([['DEBUG', 'POPULATE', 3000], ['SAVE']]);
    return names(parseReply(await call(c, 'INFO', 'persistence')) as string);
  });
  await redis.stop();
  const vesta = await startVesta();
  try {
    const vestaNames = await withClient(vesta, async (c) =>
      names(parseReply(await call(c, 'INFO', 'persistence')) as string));
    assert.deepEqual(vestaNames, redisNames);
  } finally {
    await vesta.stop();
  }
  const redisLoading = await namesWhileLoading('redis', join(dir, 'dump.rdb'), names);
  const vestaLoading = await namesWhileLoading('vesta', join(dir, 'dump.rdb'), names);
  assert.ok(redisLoading.includes('loading_eta_seconds'), redisLoading.join());
  assert.deepEqual(vestaLoading, redisLoading);
});

/**
 * Starts a server on a copy of `dump` with key-load-delay, reads INFO persistence while it is
 * still loading (loading:1), and returns its field names.
 */
async function namesWhileLoading(kind: 'redis' | 'vesta', dump: string,
  names: (info: string) => string[]): Promise<string[]> {
  const dir = tempDir(`rdb-loading-${kind}-`);
  copyFileSync(dump, join(dir, 'dump.rdb'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', 'no', '--key-load-delay', '2000', '--loading-process-events-interval-bytes',
    '1024'];
  const child = kind === 'redis' ? spawn(REDIS_SERVER, args, { stdio: 'ignore' })
    : spawn(process.execPath, [VESTA_BIN, ...args], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const c = await RespClient.connect(port).catch(() => null);
      if (c === null) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const info = parseReply(await c.call('INFO', 'persistence')) as string;
      c.close();
      if (info.includes('loading:1')) return names(info);
      throw new Error(`${kind} answered but was not loading:\n${info}`);
    }
    throw new Error(`${kind} never answered while loading`);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

function flip(data: Buffer, index: number): Buffer {
  const copy = Buffer.from(data);
  copy[index] = (copy[index] as number) ^ 0x5a;
  return copy;
}
