// vesta-backup and vesta-restore end to end, plus the data-directory lock: a backup of a real
// redis-server 7.0 taken under write load restores to a server whose DEBUG DIGEST equals that of
// a server started on the archive's dump unpacked with plain `tar`; Vesta loads the restored
// directory with the same digest; restore refuses a directory a running Vesta holds; a second
// vesta-server on the same directory refuses to start; a stale lock is taken over.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseReply, RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, tempDir, VESTA_BIN } from '../helpers/servers.js';
import { runBin } from './tool-process.js';

const work = tempDir('backup-');

async function digestOf(kind: 'redis' | 'vesta', dir: string, args: string[]): Promise<string> {
  const server = await (kind === 'redis' ? startRedis : startVesta)({ dir, args });
  try {
    const c = await server.client();
    const digest = String(parseReply(await c.call('DEBUG', 'DIGEST')));
    c.close();
    return digest;
  } finally {
    await server.stop();
  }
}

/** Writes until stopped: SETs, INCRs and HSETs over a few thousand keys, as fast as it can. */
function writeLoad(port: number): { stop: () => Promise<number> } {
  let running = true;
  const done = (async () => {
    const c = await RespClient.connect(port);
    let n = 0;
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the test clears it to stop the writer (TS does not see writes from other functions)
    while (running) {
      const batch: string[][] = [];
      for (let i = 0; i < 50; i++, n++) {
        batch.push(['SET', `s:${n % 3000}`, `v${n}`], ['INCR', `c:${n % 50}`],
          ['HSET', `h:${n % 100}`, `f${n % 7}`, String(n)]);
      }
      await c.pipeline(batch);
    }
    c.close();
    return n;
  })();
  return { stop: async () => {
    running = false;
    return done;
  } };
}

function runBinAsync(tool: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [resolve(`dist/bin/${tool}.js`), ...args]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolveRun({ code: code ?? -1, out }));
  });
}

test('a backup of Redis under write load restores to the dump\'s data (DEBUG DIGEST)', async (t) => {
  if (!requireRedis(t)) return;
  const redis = await startRedis({ args: ['--appendonly', 'yes'] });
  const out = join(work, 'archives');
  let archive: string;
  try {
    const load = writeLoad(redis.port);
    await new Promise((r) => setTimeout(r, 300));
    const backup = await runBinAsync('vesta-backup', ['-p', String(redis.port), '--out', out,
      '--keep', '2']);
    const written = await load.stop();
    assert.equal(backup.code, 0, backup.out);
    assert.ok(written > 1000, `the load wrote ${written} commands`);
    const names = readdirSync(out).filter((n) => n.endsWith('.tar'));
    assert.equal(names.length, 1);
    archive = join(out, names[0] as string);
  } finally {
    await redis.stop();
  }
  // Reference: the dump unpacked with the system's tar, loaded by redis-server.
  const plain = join(work, 'plain');
  mkdirSync(plain);
  const tar = spawnSync('tar', ['-xf', archive, '-C', plain]);
  assert.equal(tar.status, 0, String(tar.stderr));
  const manifest = JSON.parse(readFileSync(join(plain, 'MANIFEST.json'), 'utf8')) as
    { keys: number; files: { name: string }[] };
  assert.ok(manifest.keys > 0);
  assert.ok(manifest.files.some((f) => f.name.endsWith('.manifest')), 'the AOF is included');
  const expected = await digestOf('redis', plain, ['--appendonly', 'no']);
  const restored = join(work, 'restored');
  const r = runBin('vesta-restore', [archive, '--dir', restored]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /vesta-server --dir .* --appendonly yes/);
  assert.equal(await digestOf('redis', restored, ['--appendonly', 'no']), expected);
  assert.equal(await digestOf('vesta', restored, ['--appendonly', 'no']), expected);
  // The AOF in the archive loads too (it holds at least the dump's data).
  const aofDigest = await digestOf('redis', restored, ['--appendonly', 'yes']);
  assert.match(aofDigest, /^[0-9a-f]{40}$/);
  // Restoring again moves the previous files aside instead of deleting them.
  const again = runBin('vesta-restore', [archive, '--dir', restored]);
  assert.equal(again.code, 0, again.stderr);
  const aside = readdirSync(restored).filter((n) => n.startsWith('pre-restore-'));
  assert.equal(aside.length, 1);
  assert.ok(existsSync(join(restored, aside[0] as string, 'dump.rdb')));
});

test('--keep N keeps the newest N archives', async (t) => {
  if (!requireRedis(t)) return;
  const redis = await startRedis();
  const out = join(work, 'keep');
  try {
    const c = await redis.client();
    await c.call('SET', 'a', '1');
    c.close();
    for (let i = 0; i < 3; i++) {
      const r = runBin('vesta-backup', ['-p', String(redis.port), '--out', out, '--keep', '2']);
      assert.equal(r.code, 0, r.stderr);
    }
  } finally {
    await redis.stop();
  }
  assert.equal(readdirSync(out).filter((n) => n.endsWith('.tar')).length, 2);
});

test('a damaged archive is refused before anything is touched', async (t) => {
  if (!requireRedis(t)) return;
  const archives = join(work, 'archives');
  const archive = join(archives, readdirSync(archives).find((n) => n.endsWith('.tar')) as string);
  const data = readFileSync(archive);
  const damaged = join(work, 'damaged.tar');
  const at = data.indexOf('REDIS0010', 0, 'latin1') + 200; // inside the dump
  assert.ok(at > 200);
  data[at] = (data[at] as number) ^ 1;
  writeFileSync(damaged, data);
  const target = join(work, 'untouched');
  const r = runBin('vesta-restore', [damaged, '--dir', target]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /SHA-256|damaged|does not verify/);
  assert.equal(existsSync(target), false);
});

test('restore refuses a directory a running Vesta holds; backup errors are one line', async (t) => {
  if (!requireRedis(t)) return;
  const archives = join(work, 'archives');
  const archive = join(archives, readdirSync(archives).find((n) => n.endsWith('.tar')) as string);
  const vesta = await startVesta();
  try {
    const before = readdirSync(vesta.dir).sort();
    const r = runBin('vesta-restore', [archive, '--dir', vesta.dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`running server \\(pid ${vesta.process.pid}\\) holds it`));
    assert.deepEqual(readdirSync(vesta.dir).sort(), before);
  } finally {
    await vesta.stop();
  }
  const unreachable = runBin('vesta-backup', ['-p', '1', '--out', join(work, 'x')]);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /^vesta-backup: cannot connect to 127\.0\.0\.1:1/);
  assert.equal(runBin('vesta-backup', ['-p', '6379']).code, 2, '--out is required');
});

test('a second vesta-server on the same dir refuses to start; a stale lock is taken over', async () => {
  const vesta = await startVesta();
  try {
    const lock = readFileSync(join(vesta.dir, 'vesta.lock'), 'latin1');
    assert.equal(lock, `${vesta.process.pid}\n`);
    const second = spawnSync(process.execPath, [VESTA_BIN, '--port', '0', '--dir', vesta.dir,
      '--save', ''], { encoding: 'latin1', timeout: 20_000 });
    assert.equal(second.status, 1);
    assert.match(second.stderr, /data directory .* is in use by another Vesta server \(pid /);
  } finally {
    await vesta.stop();
  }
  const stale = tempDir('stale-lock-');
  writeFileSync(join(stale, 'vesta.lock'), '999999999\n'); // no such pid
  const next = await startVesta({ dir: stale });
  try {
    assert.equal(readFileSync(join(stale, 'vesta.lock'), 'latin1'), `${next.process.pid}\n`);
  } finally {
    await next.stop();
  }
  assert.equal(existsSync(join(stale, 'vesta.lock')), false, 'released at shutdown');
});

test('a backup of Vesta restores to the same data (DEBUG DIGEST)', async (t) => {
  const vesta = await startVesta();
  const out = join(work, 'vesta-archives');
  let expected: string;
  let r;
  try {
    const c = await vesta.client();
    for (let i = 0; i < 200; i++) await c.call('SET', `k:${i}`, `v${i}`);
    await c.call('HSET', 'h', 'a', '1');
    await c.call('PEXPIRE', 'k:1', '3600000');
    expected = String(parseReply(await c.call('DEBUG', 'DIGEST')));
    c.close();
    r = runBin('vesta-backup', ['-p', String(vesta.port), '--out', out]);
  } finally {
    await vesta.stop();
  }
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const archive = join(out, readdirSync(out).find((n) => n.endsWith('.tar')) as string);
  const restored = join(work, 'vesta-restored');
  assert.equal(runBin('vesta-restore', [archive, '--dir', restored]).code, 0);
  assert.equal(await digestOf('vesta', restored, ['--appendonly', 'no']), expected);
  if (requireRedis(t)) {
    assert.equal(await digestOf('redis', restored, ['--appendonly', 'no']), expected);
  }
});
