// An absolute appenddirname (Vesta's extension; Redis 7.0 refuses any path there): the AOF lives
// outside dir, survives a restart, is created 0700, is reported by CONFIG GET and refused by
// CONFIG SET with redis-server's immutable-config error, is locked against a second server, is
// fsynced as its own directory, and a pre-7 appendonly.aof in dir is migrated into it (also
// across filesystems). Relative names keep Redis's meaning and refusals (differential).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServer } from '../../src/index.js';
import { setFsRecorder, type FsEvent } from '../../src/platform/fs.js';
import { RespClient } from '../helpers/resp-client.js';
import { REDIS_SERVER, requireRedis, startRedis, startVesta, tempDir, VESTA_BIN } from '../helpers/servers.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newDir(prefix: string, base?: string): string {
  const d = base === undefined ? tempDir(prefix) : join(base, `${prefix}${process.pid}-${dirs.length}`);
  if (base !== undefined) mkdirSync(d, { recursive: true });
  dirs.push(d);
  return d;
}

const AOF_FILES = /^appendonly\.aof\.(manifest|\d+\.base\.rdb|\d+\.incr\.aof)$/;

test('an absolute appenddirname outside dir: written, restarted, data back; 0700; CONFIG GET', async () => {
  const dir = newDir('absdir-data-');
  const aofDir = join(newDir('absdir-aof-'), 'logs', 'aof');
  const args = ['--appendonly', 'yes', '--appenddirname', aofDir];
  const first = await startVesta({ dir, args });
  try {
    const c = await first.client();
    assert.equal(await c.call('SET', 'k', 'v1'), '+OK\r\n');
    assert.equal(await c.call('RPUSH', 'l', 'a', 'b'), ':2\r\n');
    assert.equal(await c.call('CONFIG', 'GET', 'appenddirname'),
      `*2\r\n$13\r\nappenddirname\r\n$${aofDir.length}\r\n${aofDir}\r\n`);
    c.close();
  } finally {
    await first.stop();
  }
  assert.equal(statSync(aofDir).mode & 0o777, 0o700);
  const names = readdirSync(aofDir);
  assert.ok(names.some((n) => n.endsWith('.manifest')), names.join(','));
  assert.ok(names.filter((n) => n !== 'vesta.lock').every((n) => AOF_FILES.test(n)), names.join(','));
  assert.equal(existsSync(join(dir, 'appendonlydir')), false, 'nothing AOF inside dir');
  assert.equal(existsSync(join(dir, aofDir)), false, 'not dir + the absolute path');
  assert.equal(existsSync(join(aofDir, 'vesta.lock')), false, 'lock released at exit');
  // No dump to fall back on: the data can only come from the absolute AOF directory.
  rmSync(join(dir, 'dump.rdb'), { force: true });
  const second = await startVesta({ dir, args });
  try {
    const c = await second.client();
    assert.equal(await c.call('GET', 'k'), '$2\r\nv1\r\n');
    assert.equal(await c.call('LRANGE', 'l', '0', '-1'), '*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    c.close();
  } finally {
    await second.stop();
  }
});

test('CONFIG SET appenddirname is refused with redis-server\'s immutable-config error', async (t) => {
  if (!requireRedis(t)) return;
  const aofDir = join(newDir('absdir-set-'), 'aof');
  const [redis, vesta] = await Promise.all([startRedis(),
    startVesta({ args: ['--appendonly', 'yes', '--appenddirname', aofDir] })]);
  try {
    for (const value of ['other', '/tmp/elsewhere', aofDir, 'a/b', '']) {
      const replies = await Promise.all([redis, vesta].map(async (server) => {
        const c = await server.client();
        const reply = await c.call('CONFIG', 'SET', 'appenddirname', value);
        c.close();
        return reply;
      }));
      assert.match(replies[0] as string, /can't set immutable config/);
      assert.equal(replies[1], replies[0], `CONFIG SET appenddirname '${value}'`);
    }
    const c = await vesta.client();
    assert.match(await c.call('CONFIG', 'GET', 'appenddirname'), new RegExp(aofDir));
    c.close();
  } finally {
    await Promise.all([redis.stop(), vesta.stop()]);
  }
});

test('a second server on the same absolute AOF directory is refused, whatever its dir', async () => {
  const aofDir = join(newDir('absdir-lock-'), 'aof');
  const args = ['--appendonly', 'yes', '--appenddirname', aofDir];
  const first = await startVesta({ dir: newDir('absdir-lock-a-'), args });
  try {
    const r = spawnSync(process.execPath, [VESTA_BIN, '--port', '0', '--dir', newDir('absdir-lock-b-'),
      ...args], { encoding: 'utf8', timeout: 20_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`AOF directory ${aofDir} is in use by another Vesta server ` +
      `\\(pid ${String(first.process.pid)}`));
    const c = await first.client();
    assert.equal(await c.call('SET', 'still', 'mine'), '+OK\r\n');
    c.close();
  } finally {
    await first.stop();
  }
});

test('the AOF directory may not be dir itself', () => {
  const dir = newDir('absdir-same-');
  const r = spawnSync(process.execPath, [VESTA_BIN, '--port', '0', '--dir', dir, '--appendonly', 'yes',
    '--appenddirname', dir], { encoding: 'utf8', timeout: 20_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /is the data directory \(dir\) itself/);
});

test('every directory fsync of the AOF goes to the absolute directory, after each change in it', async () => {
  const dir = newDir('absdir-fsync-');
  const aofDir = join(newDir('absdir-fsync-aof-'), 'aof');
  const events: FsEvent[] = [];
  setFsRecorder((e) => events.push(e));
  try {
    const vesta = await startServer({ port: 0, bind: '127.0.0.1', dir, save: '', appendonly: 'yes',
      appenddirname: aofDir });
    const c = await RespClient.connect(vesta.port);
    try {
      await c.call('SET', 'a', '1');
      assert.match(await c.call('BGREWRITEAOF'), /rewriting started/);
      for (let i = 0; i < 200 && /aof_rewrite_in_progress:1|aof_rewrites:0/.test(await c.call('INFO', 'persistence')); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      c.close();
      await vesta.close();
    }
  } finally {
    setFsRecorder(null);
  }
  const dirFsyncs = events.flatMap((e) => (e.op === 'fsyncDir' ? [e.path] : []));
  assert.ok(dirFsyncs.includes(aofDir), dirFsyncs.join(','));
  assert.ok(dirFsyncs.every((p) => !p.startsWith(join(dir, aofDir))), dirFsyncs.join(','));
  // Every rename into the AOF directory (manifest, base) is followed by an fsync of it.
  const renames = events.flatMap((e, i) => (e.op === 'rename' && e.target.startsWith(aofDir + '/') ? [i] : []));
  assert.ok(renames.length >= 3, `renames into the AOF dir: ${renames.length}`);
  for (const at of renames) {
    assert.ok(events.slice(at).some((e) => e.op === 'fsyncDir' && e.path === aofDir), `rename #${at}`);
  }
});

/** A pre-7 single-file AOF in dir is moved into the absolute AOF directory and loaded. */
async function migrates(dir: string, aofDir: string): Promise<void> {
  writeFileSync(join(dir, 'appendonly.aof'), '*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n');
  const vesta = await startVesta({ dir, args: ['--appendonly', 'yes', '--appenddirname', aofDir] });
  try {
    const c = await vesta.client();
    assert.equal(await c.call('GET', 'old'), '$5\r\nstyle\r\n');
    c.close();
  } finally {
    await vesta.stop();
  }
  assert.equal(existsSync(join(dir, 'appendonly.aof')), false);
  assert.ok(existsSync(join(aofDir, 'appendonly.aof')));
  assert.ok(readdirSync(aofDir).every((n) => !n.startsWith('temp-')));
}

test('a pre-7 appendonly.aof in dir migrates into an absolute AOF directory', async () => {
  await migrates(newDir('absdir-up-'), join(newDir('absdir-up-aof-'), 'aof'));
});

test('... also when the AOF directory is on another filesystem (rename gives EXDEV)', async (t) => {
  const other = '/dev/shm';
  if (!existsSync(other) || statSync(other).dev === statSync(tempDir('absdir-dev-')).dev) {
    t.skip('no second filesystem (/dev/shm) on this machine');
    return;
  }
  await migrates(newDir('absdir-xdev-'), join(newDir('absdir-xdev-aof-', other), 'aof'));
});

/** The two lines that say why a config is refused: the directive and the reason. */
function refusal(bin: string[], value: string, dir: string): string {
  const r = spawnSync(bin[0] as string, [...bin.slice(1), '--port', '0', '--dir', dir,
    '--appenddirname', value], { encoding: 'utf8', timeout: 20_000 });
  return `${String(r.status)}\n${(r.stdout + r.stderr).trim().split('\n').slice(-2).join('\n')}`;
}

test('relative appenddirnames: refused and accepted as redis-server 7.0 does', async (t) => {
  if (!requireRedis(t)) return;
  const dir = newDir('absdir-rel-');
  for (const value of ['foo/bar', 'foo/', './x', '../up', '']) {
    const redis = refusal([REDIS_SERVER], value, dir);
    assert.match(redis, /^1\n>>> 'appenddirname/, redis);
    assert.equal(refusal([process.execPath, VESTA_BIN], value, dir), redis, `appenddirname '${value}'`);
  }
  // A plain name still means a directory inside dir, in both.
  for (const start of [startRedis, startVesta]) {
    const own = newDir('absdir-rel-own-');
    const server = await start({ dir: own, args: ['--appendonly', 'yes', '--appenddirname', 'my aof'] });
    try {
      const c = await server.client();
      await c.call('SET', 'k', 'v');
      c.close();
    } finally {
      await server.stop();
    }
    const names = readdirSync(join(own, 'my aof'));
    assert.ok(names.some((n) => n.endsWith('.manifest')), `${server.kind}: ${names.join(',')}\n${server.output()}`);
  }
});
