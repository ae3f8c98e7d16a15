import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Crc64, crc64 } from './crc64.js';

/** Bit-at-a-time reference over BigInt, straight from the published parameters. */
function referenceCrc64(data: Uint8Array): bigint {
  const poly = 0x95ac9329ac4bc9b5n; // reflected Jones polynomial
  let crc = 0n;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc;
}

test('crc64 check value of "123456789" is 0xe9c6d914c4b8d9ca', () => {
  assert.equal(crc64(0n, Buffer.from('123456789', 'latin1')), 0xe9c6d914c4b8d9can);
});

test('crc64 of nothing is 0', () => {
  assert.equal(crc64(0n, Buffer.alloc(0)), 0n);
});

test('crc64 is incremental: split anywhere gives the same value', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, cut) => {
    const at = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
    const whole = crc64(0n, bytes);
    assert.equal(crc64(crc64(0n, bytes.subarray(0, at)), bytes.subarray(at)), whole);
    const state = new Crc64();
    state.update(bytes, 0, at);
    state.update(bytes, at);
    assert.equal(state.value, whole);
  }));
});

test('crc64 slice-by-8 agrees with the bitwise reference', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
    assert.equal(crc64(0n, bytes), referenceCrc64(bytes));
  }));
});

test('Crc64.writeLE stores little-endian', () => {
  const state = new Crc64();
  state.update(Buffer.from('123456789', 'latin1'));
  const out = Buffer.alloc(8);
  state.writeLE(out, 0);
  assert.equal(out.readBigUInt64LE(0), 0xe9c6d914c4b8d9can);
});
