// BGSAVE on the fork-less snapshot engine, end to end through real processes: the dump equals
// the dataset at the moment BGSAVE was accepted, whatever clients do while it is written;
// redis-check-rdb accepts it and redis-server loads the same data; a failed save reports
// rdb_last_bgsave_status:err, refuses writes with MISCONF and leaves the previous dump intact.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseReply, type RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, tempDir } from '../helpers/servers.js';

async function info(client: RespClient, field: string): Promise<string> {
  const text = parseReply(await client.call('INFO', 'persistence')) as string;
  const line = text.split('\r\n').find((l) => l.startsWith(field + ':'));
  assert.ok(line !== undefined, `INFO persistence has ${field}`);
  return line.slice(field.length + 1);
}

async function waitForBgsave(client: RespClient): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await info(client, 'rdb_bgsave_in_progress')) !== '0') {
    assert.ok(Date.now() < deadline, 'BGSAVE did not finish in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A dataset of every type, some keys with expires far away, in three dbs. */
async function populate(client: RespClient, scale: number): Promise<void> {
  const cmds: (string | number)[][] = [];
  for (let db = 0; db < 3; db++) {
    cmds.push(['SELECT', db]);
    for (let i = 0; i < scale; i++) {
      cmds.push(['SET', `s:${i}`, `value-${i}-${'x'.repeat(i % 40)}`]);
      if (i % 5 === 0) cmds.push(['PEXPIRE', `s:${i}`, 3_600_000 + i]);
      if (i % 10 === 0) {
        cmds.push(['HSET', `h:${i}`, 'a', String(i), 'b', 'bee']);
        cmds.push(['RPUSH', `l:${i}`, 'x', 'y', String(i)]);
        cmds.push(['SADD', `set:${i}`, '1', '2', String(i)]);
        cmds.push(['ZADD', `z:${i}`, '1.5', 'one', String(i), 'two']);
      }
    }
  }
  cmds.push(['SELECT', 0]);
  const replies = await client.pipeline(cmds);
  for (const r of replies) assert.ok(!r.startsWith('-'), `populate failed: ${r}`);
}

const KEYS = ['s:1', 's:2', 's:10', 'h:10', 'l:10', 'set:10', 'z:10', 'h:20', 'new:1', 'new:2'];
const keyArb = fc.constantFrom(...KEYS);
const writeArb = fc.oneof(
  keyArb.map((k) => ['SET', k, 'changed']),
  keyArb.map((k) => ['DEL', k]),
  keyArb.map((k) => ['HSET', k, 'c', 'sea']),
  keyArb.map((k) => ['RPUSH', k, 'z']),
  keyArb.map((k) => ['LPOP', k]),
  keyArb.map((k) => ['SADD', k, 'm']),
  keyArb.map((k) => ['SPOP', k]),
  keyArb.map((k) => ['ZADD', k, '9', 'nine']),
  keyArb.map((k) => ['ZINCRBY', k, '2', 'one']),
  keyArb.map((k) => ['APPEND', k, '+']),
  keyArb.map((k) => ['INCR', k]),
  keyArb.map((k) => ['PEXPIRE', k, '1']),
  keyArb.map((k) => ['PERSIST', k]),
  fc.tuple(keyArb, keyArb).map(([a, b]) => ['RENAME', a, b]),
  fc.tuple(keyArb, fc.nat(2)).map(([k, db]) => ['MOVE', k, String(db)]),
  fc.nat(2).map((db) => ['SELECT', String(db)]),
  fc.constant(['FLUSHDB']),
  fc.constant(['SWAPDB', '0', '1']),
  fc.constant(['FLUSHALL']),
);

test('BGSAVE writes exactly the dataset at the moment it was accepted', async (t) => {
  if (!requireRedis(t)) return;
  const dir = tempDir('vesta-bgsave-');
  // 1 ms slices and a per-key delay make the save span many slices and many client writes.
  const vesta = await startVesta({ dir, args: ['--rdb-key-save-delay', '200', '--vesta-snapshot-slice-ms', '1'] });
  try {
    const client = await vesta.client();
    const writer = await vesta.client();
    await fc.assert(
      fc.asyncProperty(fc.array(writeArb, { minLength: 20, maxLength: 80 }), async (writes) => {
        await client.call('FLUSHALL');
        await populate(client, 120);
        const [digestAtT, bgsave] = await client.pipeline([['DEBUG', 'DIGEST'], ['BGSAVE']]);
        assert.equal(bgsave, '+Background saving started\r\n');
        for (const w of writes) await writer.call(...w);
        assert.equal(await info(client, 'rdb_bgsave_in_progress'), '1', 'the save spanned the writes');
        await waitForBgsave(client);
        assert.equal(await info(client, 'rdb_last_bgsave_status'), 'ok');
        // Reload the dump in place and compare with the state captured at T.
        assert.equal(await client.call('DEBUG', 'RELOAD', 'NOSAVE'), '+OK\r\n');
        assert.equal(await client.call('DEBUG', 'DIGEST'), digestAtT);
      }),
      { numRuns: 6 },
    );
    client.close();
    writer.close();
  } finally {
    await vesta.stop();
  }
});

test('redis-check-rdb accepts a background dump and redis-server loads the same data', async (t) => {
  if (!requireRedis(t)) return;
  const dir = tempDir('vesta-bgsave-');
  const vesta = await startVesta({ dir, keepDir: true });
  let digest = '';
  try {
    const client = await vesta.client();
    await populate(client, 500);
    digest = await client.call('DEBUG', 'DIGEST');
    assert.equal(await client.call('BGSAVE'), '+Background saving started\r\n');
    await waitForBgsave(client);
    client.close();
  } finally {
    await vesta.stop();
  }
  const dump = join(dir, 'dump.rdb');
  assert.ok(existsSync(dump));
  const check = spawnSync('/usr/bin/redis-check-rdb', [dump], { encoding: 'latin1' });
  assert.match(check.stdout, /RDB looks OK/, check.stdout + check.stderr);
  const redis = await startRedis({ dir });
  try {
    const client = await redis.client();
    assert.equal(await client.call('DEBUG', 'DIGEST'), digest);
    assert.equal(await client.call('HGET', 'h:10', 'b'), '$3\r\nbee\r\n');
    client.close();
  } finally {
    await redis.stop();
  }
});

test('a failed BGSAVE reports err, refuses writes with MISCONF and keeps the old dump', async (t) => {
  if (!requireRedis(t)) return;
  if (process.getuid?.() === 0) {
    // root ignores directory permissions, so the failure is injected by making dir a file path
  }
  const dir = tempDir('vesta-bgsave-');
  const vesta = await startVesta({ dir, args: ['--save', '3600', '1', '--enable-protected-configs', 'yes'] });
  try {
    const client = await vesta.client();
    await client.call('SET', 'a', '1');
    assert.equal(await client.call('SAVE'), '+OK\r\n');
    const before = readFileSync(join(dir, 'dump.rdb'));
    await client.call('SET', 'b', '2');
    // A dbfilename inside a directory that does not exist makes creating the temp file fail…
    // but the temp file lives in dir; so instead make dir unwritable for non-root, or point
    // dbfilename at an existing directory so the final rename fails (works for root too).
    assert.equal(await client.call('CONFIG', 'SET', 'dbfilename', 'dumpdir'), '+OK\r\n');
    spawnSync('mkdir', ['-p', join(dir, 'dumpdir', 'x')]);
    chmodSync(join(dir, 'dumpdir'), 0o755);
    const reply = await client.call('BGSAVE');
    if (reply.startsWith('+')) await waitForBgsave(client);
    assert.equal(await info(client, 'rdb_last_bgsave_status'), 'err');
    const denied = await client.call('SET', 'c', '3');
    assert.match(denied, /^-MISCONF /);
    assert.deepEqual(readFileSync(join(dir, 'dump.rdb')), before, 'previous dump intact');
    assert.equal(await client.call('CONFIG', 'SET', 'dbfilename', 'dump.rdb'), '+OK\r\n');
    assert.equal(await client.call('BGSAVE'), '+Background saving started\r\n');
    await waitForBgsave(client);
    assert.equal(await info(client, 'rdb_last_bgsave_status'), 'ok');
    assert.equal(await client.call('SET', 'c', '3'), '+OK\r\n', 'writes accepted again');
    client.close();
  } finally {
    await vesta.stop();
  }
});
