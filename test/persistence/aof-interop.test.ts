// The AOF directory as Redis 7.0 writes and reads it, checked against the real thing: a Vesta
// AOF (hybrid preamble and command base, incr files, timestamps) is accepted by redis-check-aof
// and loaded by redis-server 7.0 into the same dataset (DEBUG DIGEST), and an AOF written by
// redis-server 7.0 loads into Vesta with the same digest. Also the pre-7 single-file upgrade and
// the appendonly no -> yes pitfall (an existing dump.rdb must not be lost).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseReply, type RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, tempDir } from '../helpers/servers.js';

const CHECK_AOF = '/usr/bin/redis-check-aof';

async function info(client: RespClient, field: string): Promise<string> {
  const text = parseReply(await client.call('INFO', 'persistence')) as string;
  const line = text.split('\r\n').find((l) => l.startsWith(field + ':'));
  assert.ok(line !== undefined, `INFO persistence has ${field}`);
  return line.slice(field.length + 1);
}

async function waitForRewrite(client: RespClient): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await info(client, 'aof_rewrite_in_progress')) !== '0' ||
    (await info(client, 'aof_rewrite_scheduled')) !== '0') {
    assert.ok(Date.now() < deadline, 'rewrite did not finish in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function digest(client: RespClient): Promise<string> {
  return parseReply(await client.call('DEBUG', 'DIGEST')) as string;
}

/** Strings, hashes, sets (intset and hashtable), sorted sets, expires, several dbs, MULTI. */
async function writeDataset(client: RespClient, tag: string, count: number): Promise<void> {
  const cmds: (string | number)[][] = [];
  for (const db of [0, 2]) {
    cmds.push(['SELECT', db]);
    for (let i = 0; i < count; i++) {
      cmds.push(['SET', `${tag}:s:${i}`, `v${i}\x00\xff${'y'.repeat(i % 70)}`]);
      if (i % 3 === 0) cmds.push(['INCRBY', `${tag}:n:${i % 7}`, i]);
      if (i % 5 === 0) cmds.push(['HSET', `${tag}:h:${i % 4}`, `f${i}`, `${i}`]);
      if (i % 4 === 0) cmds.push(['SADD', `${tag}:si:${i % 3}`, i]);
      if (i % 6 === 0) cmds.push(['SADD', `${tag}:sh`, `m-${i}`]);
      if (i % 2 === 0) cmds.push(['ZADD', `${tag}:z`, i / 3, `m${i}`]);
      if (i % 9 === 0) cmds.push(['EXPIRE', `${tag}:s:${i}`, 10_000 + i]);
      if (i % 11 === 0) cmds.push(['DEL', `${tag}:s:${i - 1}`]);
    }
    cmds.push(['MULTI'], ['SET', `${tag}:tx`, 'a'], ['INCR', `${tag}:txn`], ['EXEC']);
    cmds.push(['SET', `${tag}:px`, 'p', 'PX', 50_000_000]);
    cmds.push(['INCRBYFLOAT', `${tag}:f`, '1.5']);
  }
  cmds.push(['SELECT', 0]);
  const replies = await client.pipeline(cmds);
  for (const r of replies) assert.ok(!r.startsWith('-'), `write failed: ${r}`);
}

function checkAof(dir: string): { status: number | null; out: string } {
  const manifest = readdirSync(join(dir, 'appendonlydir')).find((n) => n.endsWith('.manifest'));
  assert.ok(manifest !== undefined, 'the AOF directory has a manifest');
  const r = spawnSync(CHECK_AOF, [join(dir, 'appendonlydir', manifest)], { encoding: 'latin1' });
  return { status: r.status, out: r.stdout + r.stderr };
}

for (const preamble of ['yes', 'no']) {
  test(`Vesta's AOF (preamble ${preamble}) is valid for redis-check-aof and loads in redis-server 7.0`,
    async (t) => {
      if (!requireRedis(t)) return;
      const dir = tempDir('vesta-aof-');
      const args = ['--appendonly', 'yes', '--aof-use-rdb-preamble', preamble, '--appendfsync', 'always'];
      const vesta = await startVesta({ dir, args });
      let expected: string;
      try {
        const c = await vesta.client();
        await writeDataset(c, 'a', 150);
        assert.equal(await c.call('BGREWRITEAOF'), '+Background append only file rewriting started\r\n');
        await waitForRewrite(c);
        await writeDataset(c, 'b', 60);
        expected = await digest(c);
        c.close();
      } finally {
        await vesta.stop();
      }
      const files = readdirSync(join(dir, 'appendonlydir')).sort();
      const ext = preamble === 'yes' ? 'rdb' : 'aof';
      assert.deepEqual(files, [`appendonly.aof.2.base.${ext}`, 'appendonly.aof.2.incr.aof',
        'appendonly.aof.manifest']);
      assert.equal(readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1'),
        `file appendonly.aof.2.base.${ext} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n`);
      const check = checkAof(dir);
      assert.equal(check.status, 0, check.out);
      assert.match(check.out, /All AOF files and manifest are valid/);
      const redis = await startRedis({ dir, args: ['--appendonly', 'yes'] });
      try {
        const c = await redis.client();
        assert.equal(await digest(c), expected);
        c.close();
      } finally {
        await redis.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });

  test(`an AOF written by redis-server 7.0 (preamble ${preamble}) loads into Vesta`, async (t) => {
    if (!requireRedis(t)) return;
    const dir = tempDir('redis-aof-');
    const args = ['--appendonly', 'yes', '--aof-use-rdb-preamble', preamble];
    const redis = await startRedis({ dir, args });
    let expected: string;
    try {
      const c = await redis.client();
      await writeDataset(c, 'a', 150);
      await c.call('BGREWRITEAOF');
      await waitForRewrite(c);
      await writeDataset(c, 'b', 60);
      expected = await digest(c);
      c.close();
    } finally {
      await redis.stop();
    }
    const vesta = await startVesta({ dir, args: ['--appendonly', 'yes'] });
    try {
      const c = await vesta.client();
      assert.equal(await digest(c), expected);
      // Vesta keeps appending to Redis's last incr file, and the result stays valid.
      await writeDataset(c, 'c', 20);
      c.close();
    } finally {
      await vesta.stop();
    }
    const check = checkAof(dir);
    assert.equal(check.status, 0, check.out);
    rmSync(dir, { recursive: true, force: true });
  });
}

test('aof-timestamp-enabled writes #TS annotations that Vesta and redis-check-aof accept',
  async (t) => {
    if (!requireRedis(t)) return;
    const dir = tempDir('vesta-aof-ts-');
    const args = ['--appendonly', 'yes', '--aof-timestamp-enabled', 'yes'];
    const vesta = await startVesta({ dir, args, keepDir: true });
    let expected: string;
    try {
      const c = await vesta.client();
      await writeDataset(c, 't', 30);
      expected = await digest(c);
      c.close();
    } finally {
      await vesta.stop();
    }
    const incr = readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
    assert.match(incr, /^#TS:\d+\r\n\*2\r\n\$6\r\nSELECT\r\n/);
    const check = checkAof(dir);
    assert.equal(check.status, 0, check.out);
    const again = await startVesta({ dir, args });
    try {
      const c = await again.client();
      assert.equal(await digest(c), expected);
      c.close();
    } finally {
      await again.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

test('a pre-7 single-file appendonly.aof (plain and hybrid) is upgraded into the directory',
  async (t) => {
    if (!requireRedis(t)) return;
    // Make both kinds with redis-server itself: a plain AOF is the .base.aof of a preamble-less
    // rewrite, a hybrid one is an RDB base followed by commands.
    for (const preamble of ['no', 'yes']) {
      const source = tempDir('redis-aof-src-');
      const redis = await startRedis({ dir: source, args: ['--appendonly', 'yes',
        '--aof-use-rdb-preamble', preamble] });
      let expected: string;
      let single: Buffer;
      try {
        const c = await redis.client();
        await writeDataset(c, 'u', 40);
        await c.call('BGREWRITEAOF');
        await waitForRewrite(c);
        await writeDataset(c, 'v', 10);
        expected = await digest(c);
        c.close();
      } finally {
        await redis.stop();
      }
      const aofDir = join(source, 'appendonlydir');
      const base = readdirSync(aofDir).find((n) => n.includes('.base.'));
      const incr = readdirSync(aofDir).find((n) => n.includes('.incr.'));
      assert.ok(base !== undefined && incr !== undefined);
      single = Buffer.concat([readFileSync(join(aofDir, base)), readFileSync(join(aofDir, incr))]);
      rmSync(source, { recursive: true, force: true });
      const dir = tempDir('vesta-upgrade-');
      writeFileSync(join(dir, 'appendonly.aof'), single);
      const vesta = await startVesta({ dir, args: ['--appendonly', 'yes'] });
      try {
        const c = await vesta.client();
        assert.equal(await digest(c), expected, `preamble ${preamble}`);
        c.close();
      } finally {
        await vesta.stop();
      }
      assert.equal(existsSync(join(dir, 'appendonly.aof')), false, 'moved into the directory');
      const manifest = readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
      assert.equal(manifest, 'file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
      const check = checkAof(dir);
      assert.equal(check.status, 0, check.out);
      // redis-server 7.0 accepts the upgraded directory too.
      const redis2 = await startRedis({ dir, args: ['--appendonly', 'yes'] });
      try {
        const c = await redis2.client();
        assert.equal(await digest(c), expected);
        c.close();
      } finally {
        await redis2.stop();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

test('appendonly no -> yes across a restart keeps the dump: it is loaded, then the AOF is made from it',
  async () => {
    const dir = tempDir('vesta-pitfall-');
    const first = await startVesta({ dir, args: ['--appendonly', 'no'] });
    let expected: string;
    try {
      const c = await first.client();
      await writeDataset(c, 'p', 50);
      assert.equal(await c.call('SAVE'), '+OK\r\n');
      expected = await digest(c);
      c.close();
    } finally {
      await first.stop();
    }
    const second = await startVesta({ dir, args: ['--appendonly', 'yes'] });
    try {
      const c = await second.client();
      assert.equal(await digest(c), expected);
      await c.call('SET', 'after', '1');
      expected = await digest(c);
      c.close();
    } finally {
      await second.stop();
    }
    rmSync(join(dir, 'dump.rdb'), { force: true });
    const third = await startVesta({ dir, args: ['--appendonly', 'yes'] });
    try {
      const c = await third.client();
      assert.equal(await digest(c), expected, 'the AOF alone holds the dump and later writes');
      c.close();
    } finally {
      await third.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

test('CONFIG SET appendonly yes at runtime creates the AOF from the live dataset', async () => {
  const dir = tempDir('vesta-runtime-on-');
  const vesta = await startVesta({ dir, args: ['--appendonly', 'no', '--rdb-key-save-delay', '200'] });
  let expected: string;
  try {
    const c = await vesta.client();
    await writeDataset(c, 'r', 100);
    assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
    assert.equal(await info(c, 'aof_enabled'), '1');
    assert.equal(await info(c, 'aof_rewrite_in_progress'), '1');
    await writeDataset(c, 'during', 30);
    await waitForRewrite(c);
    await writeDataset(c, 'after', 10);
    expected = await digest(c);
    assert.equal(await c.call('DEBUG', 'LOADAOF'), '+OK\r\n');
    assert.equal(await digest(c), expected, 'DEBUG LOADAOF reloads the same dataset');
    c.close();
  } finally {
    await vesta.stop();
  }
  assert.deepEqual(readdirSync(join(dir, 'appendonlydir')).sort(),
    ['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
  rmSync(join(dir, 'dump.rdb'), { force: true });
  const copy = tempDir('vesta-runtime-copy-');
  cpSync(dir, copy, { recursive: true });
  const again = await startVesta({ dir: copy, args: ['--appendonly', 'yes'] });
  try {
    const c = await again.client();
    assert.equal(await digest(c), expected);
    c.close();
  } finally {
    await again.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
});

test('SHUTDOWN while the first AOF of CONFIG SET appendonly yes is being built writes it first',
  async () => {
    const dir = tempDir('vesta-runtime-shutdown-');
    const vesta = await startVesta({ dir, args: ['--appendonly', 'no', '--rdb-key-save-delay', '20000'] });
    let expected: string;
    try {
      const c = await vesta.client();
      await writeDataset(c, 'w', 100);
      assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
      await writeDataset(c, 'during', 10);
      assert.equal(await info(c, 'aof_rewrite_in_progress'), '1');
      expected = await digest(c);
      c.close();
    } finally {
      await vesta.stop();
    }
    const again = await startVesta({ dir, args: ['--appendonly', 'yes'] });
    try {
      const c = await again.client();
      assert.equal(await digest(c), expected);
      c.close();
    } finally {
      await again.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
