// The operator tools on a server whose AOF directory is an absolute appenddirname outside dir:
// vesta-check-aof --config finds and checks that directory; vesta-backup includes it and
// records where it was; vesta-restore puts it back there (or where --aof-dir / --config say),
// refuses while a running server holds it, and the restored server loads the same data.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { parseReply } from '../helpers/resp-client.js';
import { startVesta, tempDir, type RunningServer } from '../helpers/servers.js';
import { runBin } from './tool-process.js';

const work = tempDir('aofdir-tools-');
after(() => rmSync(work, { recursive: true, force: true }));

async function digest(server: RunningServer): Promise<string> {
  const c = await server.client();
  const reply = String(parseReply(await c.call('DEBUG', 'DIGEST')));
  c.close();
  return reply;
}

/** Starts Vesta on `dir` with the AOF in `aofDir`; the dump is removed first so only the AOF counts. */
async function startOnAof(dir: string, aofDir: string): Promise<RunningServer> {
  rmSync(join(dir, 'dump.rdb'), { force: true });
  return startVesta({ dir, keepDir: true, args: ['--appendonly', 'yes', '--appenddirname', aofDir] });
}

// eslint-disable-next-line max-lines-per-function -- one scenario over the same data directory, its steps read in the order they happen
test('check-aof, backup and restore with the AOF directory outside dir', async () => {
  const dir = join(work, 'data');
  const aofDir = join(work, 'disk2', 'aof');
  const conf = join(work, 'vesta.conf');
  writeFileSync(conf, `dir ${dir}\nappendonly yes\nappenddirname ${aofDir}\n`);
  const server = await startVesta({ dir, keepDir: true, args: ['--appendonly', 'yes', '--appenddirname', aofDir] });
  let expected: string;
  let archive: string;
  try {
    const c = await server.client();
    for (let i = 0; i < 100; i++) await c.call('SET', `k:${i}`, `v${i}`);
    await c.call('HSET', 'h', 'f', 'x');
    c.close();
    expected = await digest(server);

    const check = runBin('vesta-check-aof', ['--config', conf]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const incr = readdirSync(aofDir).find((n) => n.endsWith('.incr.aof')) as string;
    assert.match(check.stdout, new RegExp(`filename=${incr}, size=${statSync(join(aofDir, incr)).size},`));
    assert.match(check.stdout, /All AOF files and manifest are valid/);

    const backup = runBin('vesta-backup', ['-p', String(server.port), '--out', join(work, 'out')]);
    assert.equal(backup.code, 0, backup.stdout + backup.stderr);
    assert.doesNotMatch(backup.stdout, /AOF not included/);
    archive = join(work, 'out', readdirSync(join(work, 'out')).find((n) => n.endsWith('.tar')) as string);
    // While the server holds the AOF directory, restoring into it is refused.
    const held = runBin('vesta-restore', [archive, '--dir', join(work, 'elsewhere')]);
    assert.equal(held.code, 1, held.stdout);
    assert.match(held.stderr, new RegExp(`AOF directory ${aofDir}: a running server \\(pid ${String(server.process.pid)}\\) holds it`));
  } finally {
    await server.stop();
  }
  const tar = readFileSync(archive);
  const manifest = JSON.parse(tar.toString('utf8', 512, tar.indexOf('\n}\n', 512) + 2)) as
    { aofDirname: string; aofPath: string; files: { name: string }[] };
  assert.equal(manifest.aofPath, aofDir);
  assert.equal(manifest.aofDirname, basename(aofDir));
  assert.ok(manifest.files.some((f) => f.name === `${basename(aofDir)}/appendonly.aof.manifest`));

  // The disk with the AOF is lost: restore puts it back where the server had it.
  rmSync(join(work, 'disk2'), { recursive: true });
  rmSync(dir, { recursive: true });
  const restored = runBin('vesta-restore', [archive, '--dir', dir]);
  assert.equal(restored.code, 0, restored.stdout + restored.stderr);
  assert.match(restored.stdout, new RegExp(`--appendonly yes --appenddirname ${aofDir}`));
  assert.equal(statSync(aofDir).mode & 0o777, 0o700);
  const back = await startOnAof(dir, aofDir);
  try {
    assert.equal(await digest(back), expected);
  } finally {
    await back.stop();
  }

  // Somewhere else, as a config file says (dir and an absolute appenddirname).
  const dir3 = join(work, 'data3');
  const aof3 = join(work, 'disk3', 'aof');
  const conf3 = join(work, 'vesta3.conf');
  writeFileSync(conf3, `dir ${dir3}\nappenddirname ${aof3}\n`);
  const viaConfig = runBin('vesta-restore', [archive, '--config', conf3]);
  assert.equal(viaConfig.code, 0, viaConfig.stdout + viaConfig.stderr);
  assert.ok(readdirSync(aof3).includes('appendonly.aof.manifest'));
  const three = await startOnAof(dir3, aof3);
  try {
    assert.equal(await digest(three), expected);
  } finally {
    await three.stop();
  }

  // --aof-dir over an existing AOF directory: its old files are moved aside, not deleted.
  const again = runBin('vesta-restore', [archive, '--dir', dir3, '--aof-dir', aof3]);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  const aside = readdirSync(aof3).filter((n) => n.startsWith('pre-restore-'));
  assert.equal(aside.length, 1);
  assert.ok(readdirSync(join(aof3, aside[0] as string)).includes('appendonly.aof.manifest'));
});
