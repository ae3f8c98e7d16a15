// platform/crypto.ts: random bytes from /dev/urandom, hashes through node:crypto on first use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from './crypto.js';

test('randomBytes gives the length asked for, and different bytes each call', () => {
  assert.equal(randomBytes(0).length, 0);
  const a = randomBytes(20);
  const b = randomBytes(20);
  assert.equal(a.length, 20);
  assert.notDeepEqual(a, b);
  assert.equal(randomBytes(100_000).length, 100_000);
});

test('createHash gives the standard digests (FIPS 180 test vectors)', () => {
  assert.equal(createHash('sha1').update('abc', 'latin1').digest('hex'),
    'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(createHash('sha256').update('abc', 'latin1').digest('hex'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
