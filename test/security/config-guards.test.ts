// Guards around configuration and files, against redis-server 7.0: protected configs, the DEBUG
// gate, plain file names for dbfilename/appendfilename/appenddirname, the aclfile (LOAD/SAVE and
// its errors), `user` lines in the config file; and Vesta's private file modes (0700/0600).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { same, startPair, type Pair } from '../helpers/differential.js';
import { REDIS_SERVER, VESTA_BIN, requireRedis, startVesta, tempDir } from '../helpers/servers.js';

async function withPair(args: string[], fn: (pair: Pair) => Promise<void>, configFile?: string): Promise<void> {
  const pair = await startPair(configFile === undefined ? { args } : { args, configFile });
  try {
    await fn(pair);
  } finally {
    await pair.stop();
  }
}

test('defaults: protected configs and DEBUG refused with Redis texts', async (t) => {
  if (!requireRedis(t)) return;
  await withPair(['--enable-debug-command', 'no'], async (pair) => {
    await same(pair, [
      ['CONFIG', 'SET', 'dir', '/tmp'],
      ['CONFIG', 'SET', 'dbfilename', 'x.rdb'],
      ['CONFIG', 'SET', 'dbfilename', 'a/b'],
      ['CONFIG', 'SET', 'appenddirname', 'd'],
      ['CONFIG', 'SET', 'enable-protected-configs', 'yes'],
      ['CONFIG', 'SET', 'enable-debug-command', 'yes'],
      ['CONFIG', 'GET', 'enable-debug-command'],
      ['CONFIG', 'GET', 'enable-protected-configs'],
      ['DEBUG', 'SLEEP', '0'],
      ['DEBUG', 'HELP'],
    ]);
  });
});

test('enable-protected-configs yes / local from loopback: file names must not be paths', async (t) => {
  if (!requireRedis(t)) return;
  for (const mode of ['yes', 'local']) {
    await withPair(['--enable-protected-configs', mode, '--enable-debug-command', 'local'], async (pair) => {
      await same(pair, [
        ['CONFIG', 'SET', 'dbfilename', 'a/b'],
        ['CONFIG', 'SET', 'dbfilename', '../x.rdb'],
        ['CONFIG', 'SET', 'dbfilename', 'other.rdb'],
        ['CONFIG', 'GET', 'dbfilename'],
        ['CONFIG', 'SET', 'appendfilename', 'a/b'],
        ['DEBUG', 'SLEEP', '0'],
      ]);
    });
  }
});

test('start-up refuses dbfilename, appendfilename and appenddirname paths as Redis does', (t) => {
  if (!requireRedis(t)) return;
  for (const [name, value] of [['dbfilename', 'a/b'], ['appendfilename', '../x'], ['appenddirname', 'a/b']] as const) {
    const dir = tempDir();
    const args = ['--port', '0', '--dir', dir, `--${name}`, value];
    const redis = spawnSync(REDIS_SERVER, args, { encoding: 'latin1', timeout: 10_000 });
    const vesta = spawnSync(process.execPath, [VESTA_BIN, ...args], { encoding: 'latin1', timeout: 10_000 });
    rmSync(dir, { recursive: true, force: true });
    assert.notEqual(vesta.status, 0, `${name}: vesta exits non-zero`);
    const lastLine = (out: string): string => out.trim().split('\n').at(-1) ?? '';
    assert.equal(lastLine(vesta.stdout + vesta.stderr), lastLine(redis.stdout + redis.stderr), name);
  }
});

test('data directory 0700, dump, AOF and aclfile 0600', async () => {
  const parent = tempDir();
  const dir = join(parent, 'fresh');
  const aclfile = join(parent, 'users.acl');
  writeFileSync(aclfile, '');
  const vesta = await startVesta({ dir, args: ['--appendonly', 'yes', '--aclfile', aclfile] });
  try {
    const c = await vesta.client();
    assert.equal(await c.call('SET', 'k', 'v'), '+OK\r\n');
    assert.equal(await c.call('SAVE'), '+OK\r\n');
    assert.equal(await c.call('ACL', 'SETUSER', 'alice', 'on', '>pw'), '+OK\r\n');
    assert.equal(await c.call('ACL', 'SAVE'), '+OK\r\n');
    c.close();
    const mode = (path: string): number => statSync(path).mode & 0o777;
    assert.equal(mode(dir), 0o700, 'data dir');
    assert.equal(mode(join(dir, 'appendonlydir')), 0o700, 'AOF dir');
    assert.equal(mode(join(dir, 'dump.rdb')), 0o600, 'dump');
    assert.equal(mode(join(dir, 'appendonlydir', 'appendonly.aof.manifest')), 0o600, 'manifest');
    assert.equal(mode(aclfile), 0o600, 'aclfile');
  } finally {
    await vesta.stop();
    rmSync(parent, { recursive: true, force: true });
  }
});

test('aclfile: loaded at start-up, ACL LOAD errors change nothing, ACL SAVE writes the same lines', async (t) => {
  if (!requireRedis(t)) return;
  const files = { redis: join(tempDir(), 'users.acl'), vesta: join(tempDir(), 'users.acl') };
  const initial = 'user alice on >pw ~k* +@read\nuser bob off\n\n';
  for (const f of Object.values(files)) writeFileSync(f, initial);
  const { startRedis, startVesta: startV } = await import('../helpers/servers.js');
  const redis = await startRedis({ args: ['--aclfile', files.redis] });
  const vesta = await startV({ args: ['--aclfile', files.vesta] });
  const [rc, vc] = await Promise.all([redis.client(), vesta.client()]);
  const p2: Pair = { redis, vesta, redisClient: rc, vestaClient: vc, stop: async () => {} };
  try {
    await same(p2, [['ACL', 'LIST']]);
    const bad = [
      'user alice on >pw ~k* +@read\nuser bob badrule\n',
      'bogus line\n',
      '# Redis has no comments in aclfiles\nuser alice on\n',
      'user alice on\nuser alice off\n',
    ];
    for (const text of bad) {
      writeFileSync(files.redis, text);
      writeFileSync(files.vesta, text);
      const [r, v] = await Promise.all([rc.call('ACL', 'LOAD'), vc.call('ACL', 'LOAD')]);
      assert.equal(v.replace(files.vesta, 'FILE'), r.replace(files.redis, 'FILE'), text);
    }
    await same(p2, [['ACL', 'LIST'], ['ACL', 'SETUSER', 'carol', 'on', 'nopass', '+get', '~c*'], ['ACL', 'SAVE']]);
    assert.equal(readFileSync(files.vesta, 'latin1'), readFileSync(files.redis, 'latin1'));
    writeFileSync(files.redis, 'user dave on nopass +@all ~*\n');
    writeFileSync(files.vesta, 'user dave on nopass +@all ~*\n');
    await same(p2, [['ACL', 'LOAD'], ['ACL', 'LIST'], ['ACL', 'WHOAMI']]);
  } finally {
    rc.close();
    vc.close();
    await Promise.all([redis.stop(), vesta.stop()]);
  }
});

test('`user` lines in the config file define users; default can be redefined', async (t) => {
  if (!requireRedis(t)) return;
  const dir = tempDir();
  const conf = join(dir, 'vesta.conf');
  writeFileSync(conf, 'user alice on >pw ~k* +@read\nuser default on nopass ~* &* +@all -flushall\n');
  await withPair([], async (pair) => {
    await same(pair, [['ACL', 'LIST'], ['FLUSHALL'], ['AUTH', 'alice', 'pw'], ['GET', 'k1'], ['SET', 'k1', 'v']]);
  }, conf);
  rmSync(dir, { recursive: true, force: true });
});
