// vesta-check-rdb against dumps written by real redis-server 7.0 (test/fixtures/rdb) and by
// Vesta: valid dumps pass with the same key counts redis-check-rdb reports; truncated,
// bit-flipped and wrong-type files fail with the offset where the damage is, and
// redis-check-rdb fails on the same files.

import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { haveRedis, requireBinary, requireRedis, startVesta, tempDir, type RunningServer } from '../helpers/servers.js';
import { offsetOf, runBin, runRedisTool } from './tool-process.js';

const FIXTURES = ['redis-7.0-all-types.rdb', 'redis-7.0-no-checksum.rdb',
  'redis-7.0-no-compression.rdb'].map((name) => join('test/fixtures/rdb', name));
const ALL_TYPES = FIXTURES[0] as string;
const work = tempDir('check-rdb-');

function keysRead(text: string): number {
  const m = /\[info\] ([0-9]+) keys read/.exec(text);
  assert.ok(m !== null, `no key count in:\n${text}`);
  return Number(m[1]);
}

test('valid dumps made by redis-server 7.0 pass with the key counts redis-check-rdb reports', (t) => {
  if (!requireRedis(t)) return;
  for (const file of FIXTURES) {
    const ours = runBin('vesta-check-rdb', [file]);
    assert.equal(ours.code, 0, ours.stdout + ours.stderr);
    assert.match(ours.stdout, /RDB looks OK/);
    const theirs = runRedisTool('redis-check-rdb', [file]);
    assert.equal(theirs.code, 0);
    assert.equal(keysRead(ours.stdout), keysRead(theirs.stdout), file);
  }
});

test('--stats lists the biggest keys and bytes by type and prefix', () => {
  const r = runBin('vesta-check-rdb', ['--stats', '--top', '3', ALL_TYPES]);
  assert.equal(r.code, 0, r.stderr);
  const biggest = r.stdout.split('\n').filter((l) => / elements  '/.test(l));
  assert.equal(biggest.length, 3);
  assert.match(biggest[0] as string, /list +2000 elements {2}'list:big'/);
  assert.match(r.stdout, /bytes by key prefix/);
});

test('truncated dumps fail at the end of the data, where redis-check-rdb also fails', (t) => {
  if (!requireRedis(t)) return;
  const data = readFileSync(ALL_TYPES);
  for (const size of [9, 60, 100, 2000, 10_000, data.length - 9, data.length - 1]) {
    const file = join(work, `trunc-${size}.rdb`);
    writeFileSync(file, data.subarray(0, size));
    const ours = runBin('vesta-check-rdb', [file]);
    assert.equal(ours.code, 1, `size ${size}: ${ours.stdout}`);
    assert.match(ours.stdout, /RDB ERROR DETECTED/);
    // Vesta names where the read ran out of data: the end of the file.
    assert.equal(offsetOf(ours.stdout, 'Unexpected EOF'), size, ours.stdout);
    const theirs = runRedisTool('redis-check-rdb', [file]);
    assert.equal(theirs.code, 1, `redis-check-rdb accepts the ${size}-byte file?`);
    // Redis reports the bytes it had consumed before the failing read: at most the file size.
    const redisOffset = offsetOf(theirs.stdout, 'Unexpected EOF') ?? offsetOf(theirs.stdout, 'EOF');
    if (redisOffset !== null) assert.ok(redisOffset <= size, theirs.stdout);
  }
});

test('a bit flip in the data fails on the checksum at <size - 8> (Redis: <size>)', (t) => {
  if (!requireRedis(t)) return;
  const data = readFileSync(ALL_TYPES);
  for (const at of [5000, 12_345, data.length - 3]) {
    const flipped = Buffer.from(data);
    flipped[at] = (flipped[at] as number) ^ 0x10;
    const file = join(work, `flip-${at}.rdb`);
    writeFileSync(file, flipped);
    const ours = runBin('vesta-check-rdb', [file]);
    assert.equal(ours.code, 1, ours.stdout);
    const theirs = runRedisTool('redis-check-rdb', [file]);
    assert.equal(theirs.code, 1);
    if (/Bad RDB checksum/.test(ours.stdout)) {
      assert.equal(offsetOf(ours.stdout, 'Bad RDB checksum'), data.length - 8);
      assert.equal(offsetOf(theirs.stdout, 'RDB CRC error'), data.length);
    }
  }
});

test('a flipped type byte fails at the offset of that byte', () => {
  const data = Buffer.from(readFileSync(ALL_TYPES));
  // The first key record starts right after SELECTDB 0 (2 bytes) and RESIZEDB (3 bytes) at 80.
  const typeAt = 85;
  data[typeAt] = 0x77;
  const file = join(work, 'badtype.rdb');
  writeFileSync(file, data);
  const r = runBin('vesta-check-rdb', [file]);
  assert.equal(r.code, 1);
  assert.equal(offsetOf(r.stdout, 'Unknown RDB value type'), typeAt, r.stdout);
});

test('wrong-type files (text, an AOF) fail at offset 0, as redis-check-rdb does', (t) => {
  if (!requireRedis(t)) return;
  const text = join(work, 'not-rdb.txt');
  writeFileSync(text, '*1\r\n$4\r\nPING\r\n');
  const ours = runBin('vesta-check-rdb', [text]);
  assert.equal(ours.code, 1);
  assert.equal(offsetOf(ours.stdout, 'Wrong signature'), 0);
  assert.equal(runRedisTool('redis-check-rdb', [text]).code, 1);
});

test('missing files and wrong arguments: one line, no stack trace, exit 2', () => {
  const missing = runBin('vesta-check-rdb', [join(work, 'nope.rdb')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^vesta-check-rdb: cannot read .*nope\.rdb: No such file or directory\n$/);
  const dir = runBin('vesta-check-rdb', [work]);
  assert.equal(dir.code, 2);
  assert.match(dir.stderr, /Is a directory/);
  const bad = runBin('vesta-check-rdb', ['--frobnicate', ALL_TYPES]);
  assert.equal(bad.code, 2);
  assert.doesNotMatch(bad.stderr, /at .*\.js:[0-9]+/);
  assert.equal(runBin('vesta-check-rdb', ['--help']).code, 0);
});

let vesta: RunningServer | null = null;
before(async () => {
  vesta = await startVesta();
});
after(async () => {
  await vesta?.stop();
});

test('a dump written by Vesta passes both checkers', async (t) => {
  assert.ok(vesta !== null);
  const c = await vesta.client();
  for (const cmd of [['SET', 'a', '1'], ['HSET', 'h', 'f', 'v'], ['SET', 'l', 'x'],
    ['SADD', 's', '1', '2'], ['ZADD', 'z', '1', 'm'], ['PEXPIRE', 'a', '100000'], ['SAVE']]) {
    assert.ok(!(await c.call(...cmd)).startsWith('-'), cmd.join(' '));
  }
  c.close();
  const dump = join(work, 'vesta.rdb');
  copyFileSync(join(vesta.dir, 'dump.rdb'), dump);
  const ours = runBin('vesta-check-rdb', [dump]);
  assert.equal(ours.code, 0, ours.stdout);
  assert.equal(keysRead(ours.stdout), 5);
  assert.match(ours.stdout, /1 expires/);
  if (!requireBinary(t, '/usr/bin/redis-check-rdb')) return;
  assert.equal(runRedisTool('redis-check-rdb', [dump]).code, 0);
});

test('a dump several times the 1 MiB read window checks as it does whole; a flipped early byte fails on the checksum', async () => {
  const { encodeRdb } = await import('../../src/persistence/rdb/encoder.js');
  const { checkRdbBuffer, checkRdbFile } = await import('../../src/tools/check-rdb.js');
  const entries = Array.from({ length: 40_000 }, (_, i) => ({ key: `k:${i}`, value: `${i}:${'x'.repeat(60 + (i % 50))}`, expireAtMs: null }));
  const dump = encodeRdb([{ db: 0, entries }], { ctimeSec: 1700000000, usedMemBytes: 1, aofBase: false }, { compression: false });
  assert.ok(dump.length > 3 * 1024 * 1024, `${dump.length} bytes`);
  const file = join(work, 'big.rdb');
  writeFileSync(file, dump);
  const whole = checkRdbBuffer(dump, file, { stats: true });
  const windowed = checkRdbFile(file, { stats: true });
  assert.equal(windowed.error, null);
  assert.equal(windowed.keys, 40_000);
  assert.deepEqual(windowed, whole);
  const damaged = Buffer.from(dump);
  const at = damaged.indexOf(`5:${'x'.repeat(65)}`);
  assert.ok(at > 0 && at < 1024 * 1024);
  damaged[at + 3] = 'y'.charCodeAt(0);
  writeFileSync(file, damaged);
  const failed = checkRdbFile(file);
  assert.match(failed.error?.message ?? '', /checksum/i);
  assert.deepEqual(failed, checkRdbBuffer(damaged, file));
});
