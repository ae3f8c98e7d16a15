// vesta-check-aof against multi-part AOF directories written by real redis-server 7.0
// (--appendonly yes, with #TS annotations): valid directories pass; truncated last files report
// the same ok_up_to as redis-check-aof and --fix -y repairs them into a directory redis-server
// and Vesta load; damage in the middle is named with its offset and never "fixed";
// --truncate-to-timestamp cuts where redis-check-aof cuts.

import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseReply } from '../helpers/resp-client.js';
import { haveRedis, requireRedis, startRedis, startVesta, tempDir } from '../helpers/servers.js';
import { okUpTo, runBin, runRedisTool } from './tool-process.js';

const work = tempDir('check-aof-');
const source = join(work, 'source');
const MANIFEST = 'appendonlydir/appendonly.aof.manifest';
const INCR = 'appendonlydir/appendonly.aof.1.incr.aof';
let keyCount = 0;

before(async () => {
  if (!haveRedis()) return;
  mkdirSync(source);
  const redis = await startRedis({ dir: source, args: ['--appendonly', 'yes',
    '--aof-timestamp-enabled', 'yes'] });
  const c = await redis.client();
  for (let i = 0; i < 40; i++) await c.call('SET', `k:${i}`, `v${i}`);
  await c.call('HSET', 'h', 'a', '1', 'b', '2');
  await c.pipeline([['MULTI'], ['INCR', 'n'], ['INCR', 'n'], ['EXEC']]);
  await new Promise((r) => setTimeout(r, 1100)); // a second #TS annotation
  for (let i = 40; i < 60; i++) await c.call('SET', `k:${i}`, `v${i}`);
  keyCount = Number(String(parseReply(await c.call('DBSIZE'))));
  c.close();
  await redis.stop();
});

after(() => undefined);

function copy(name: string): string {
  const dir = join(work, name);
  cpSync(source, dir, { recursive: true });
  return dir;
}

async function dbsizeOf(kind: 'redis' | 'vesta', dir: string): Promise<number> {
  const start = kind === 'redis' ? startRedis : startVesta;
  const server = await start({ dir, args: ['--appendonly', 'yes'] });
  try {
    const c = await server.client();
    const n = Number(String(parseReply(await c.call('DBSIZE'))));
    c.close();
    return n;
  } finally {
    await server.stop();
  }
}

test('a valid Redis 7.0 AOF directory passes, with the ok_up_to redis-check-aof reports', (t) => {
  if (!requireRedis(t)) return;
  const ours = runBin('vesta-check-aof', [join(source, MANIFEST)]);
  assert.equal(ours.code, 0, ours.stdout + ours.stderr);
  assert.match(ours.stdout, /All AOF files and manifest are valid/);
  const theirs = runRedisTool('redis-check-aof', [join(source, MANIFEST)]);
  assert.deepEqual(okUpTo(ours.stdout), okUpTo(theirs.stdout));
  // The directory itself and the single incr file are accepted too.
  assert.equal(runBin('vesta-check-aof', [join(source, 'appendonlydir')]).code, 0);
  assert.equal(runBin('vesta-check-aof', [join(source, INCR)]).code, 0);
});

test('truncated last files: same ok_up_to as redis-check-aof; --fix -y repairs them', async (t) => {
  if (!requireRedis(t)) return;
  const size = statSync(join(source, INCR)).size;
  for (const cut of [size - 1, size - 5, Math.floor(size / 2), 30]) {
    const dir = copy(`trunc-${cut}`);
    writeFileSync(join(dir, INCR), readFileSync(join(dir, INCR)).subarray(0, cut));
    const ours = runBin('vesta-check-aof', [join(dir, MANIFEST)]);
    assert.equal(ours.code, 1, ours.stdout);
    const theirs = runRedisTool('redis-check-aof', [join(dir, MANIFEST)]);
    assert.equal(theirs.code, 1);
    assert.deepEqual(okUpTo(ours.stdout), okUpTo(theirs.stdout), `cut ${cut}`);
    const fixed = runBin('vesta-check-aof', ['--fix', '-y', join(dir, MANIFEST)]);
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.equal(statSync(join(dir, INCR)).size, okUpTo(theirs.stdout).get('appendonly.aof.1.incr.aof'));
    assert.equal(runRedisTool('redis-check-aof', [join(dir, MANIFEST)]).code, 0);
  }
  const dir = join(work, `trunc-${size - 5}`);
  const redisKeys = await dbsizeOf('redis', dir);
  assert.ok(redisKeys > 0 && redisKeys <= keyCount);
  assert.equal(await dbsizeOf('vesta', dir), redisKeys, 'Vesta loads the fixed directory');
});

test('--fix asks first, and a "no" changes nothing (exit 1)', (t) => {
  if (!requireRedis(t)) return;
  const dir = copy('declined');
  const size = statSync(join(dir, INCR)).size;
  writeFileSync(join(dir, INCR), readFileSync(join(dir, INCR)).subarray(0, size - 3));
  const r = runBin('vesta-check-aof', ['--fix', join(dir, MANIFEST)], 'n\n');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Continue\? \[y\/N\]/);
  assert.equal(statSync(join(dir, INCR)).size, size - 3);
});

test('damage in the middle is named at redis-check-aof\'s offset and never truncated', (t) => {
  if (!requireRedis(t)) return;
  const dir = copy('middle');
  const data = readFileSync(join(dir, INCR));
  // The digit of the argument count of a record in the middle of the file.
  const at = data.indexOf('\n*3\r\n$3\r\n', Math.floor(data.length / 2), 'latin1') + 2;
  assert.ok(at > 2);
  data[at] = 0x58; // 'X'
  writeFileSync(join(dir, INCR), data);
  const theirs = runRedisTool('redis-check-aof', [join(dir, MANIFEST)]);
  const ours = runBin('vesta-check-aof', ['--fix', '-y', join(dir, MANIFEST)]);
  assert.equal(ours.code, 1, ours.stdout);
  assert.deepEqual(okUpTo(ours.stdout), okUpTo(theirs.stdout));
  assert.match(ours.stdout, new RegExp(`corrupt at offset ${at - 1}, with valid commands after`));
  assert.equal(statSync(join(dir, INCR)).size, data.length, 'the file was left alone');
});

test('--truncate-to-timestamp cuts where redis-check-aof cuts', (t) => {
  if (!requireRedis(t)) return;
  const text = readFileSync(join(source, INCR), 'latin1');
  const stamps = [...text.matchAll(/#TS:([0-9]+)/g)].map((m) => Number(m[1]));
  assert.ok(stamps.length >= 2, 'the fixture has two annotations');
  const ts = String(stamps[0]);
  const ours = copy('ts-ours');
  const theirs = copy('ts-theirs');
  const r = runBin('vesta-check-aof', ['--truncate-to-timestamp', ts, '-y', join(ours, MANIFEST)]);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(runRedisTool('redis-check-aof', ['--truncate-to-timestamp', ts,
    join(theirs, MANIFEST)]).code, 0);
  assert.deepEqual(readFileSync(join(ours, INCR)), readFileSync(join(theirs, INCR)));
});

test('errors: missing file, bad manifest, wrong arguments exit 1 (as redis-check-aof)', (t) => {
  if (!requireRedis(t)) return;
  assert.equal(runBin('vesta-check-aof', [join(work, 'nope.manifest')]).code, 1);
  const dir = copy('badmanifest');
  writeFileSync(join(dir, MANIFEST), 'file x seq\n');
  const r = runBin('vesta-check-aof', [join(dir, MANIFEST)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /manifest/i);
  assert.doesNotMatch(r.stderr, /\.js:[0-9]+/);
  assert.equal(runBin('vesta-check-aof', ['--truncate-to-timestamp', 'soon', 'x']).code, 1);
});
