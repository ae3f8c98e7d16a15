import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lzfCompress, lzfDecompress } from './lzf.js';
import { RdbError } from './errors.js';

function compress(data: Uint8Array): Buffer | null {
  const out = Buffer.alloc(data.length + 64);
  const n = lzfCompress(data, 0, data.length, out, out.length);
  return n === 0 ? null : out.subarray(0, n);
}

const compressibleBytes = fc.array(
  fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(Buffer.from('abcabcabc'),
    Buffer.alloc(300, 7), Buffer.from('hello world '))),
  { maxLength: 40 },
).map((parts) => Buffer.concat(parts));

test('lzf round trip on random and repetitive data', () => {
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 2000 }), compressibleBytes), (data) => {
    const packed = compress(data);
    if (data.length === 0) return;
    assert.ok(packed !== null, 'room for incompressible data was given');
    const unpacked = lzfDecompress(packed, 0, packed.length, data.length, 0);
    assert.deepEqual(unpacked, Buffer.from(data));
  }), { numRuns: 300 });
});

test('lzf round trip of a sub-range, calls in a row sharing the hash table', () => {
  fc.assert(fc.property(compressibleBytes, fc.nat(50), fc.nat(50), (data, before, after) => {
    const input = Buffer.concat([Buffer.alloc(before, 'x'), data, Buffer.alloc(after, 'x')]);
    for (let call = 0; call < 2; call++) {
      const out = Buffer.alloc(data.length + 64);
      const n = lzfCompress(input, before, before + data.length, out, out.length);
      if (data.length === 0) return;
      assert.deepEqual(lzfDecompress(out, 0, n, data.length, 0), data);
    }
  }), { numRuns: 300 });
});

test('lzf compresses repetitive data well', () => {
  const data = Buffer.alloc(100_000, 'abcdefgh');
  const packed = compress(data);
  assert.ok(packed !== null && packed.length < 2000);
  assert.deepEqual(lzfDecompress(packed, 0, packed.length, data.length, 0), data);
});

test('lzf compress reports 0 when the output limit is too small', () => {
  const data = Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789', 'latin1');
  const out = Buffer.alloc(100);
  assert.equal(lzfCompress(data, 0, data.length, out, data.length - 4), 0);
});

test('lzf decompress rejects corrupt input without crashing', () => {
  const cases: [number[], number][] = [
    [[5, 1, 2], 6], // literal run past end of input
    [[0, 1], 2], // output shorter than announced
    [[0x20, 0x00], 2], // back-reference before start of output
    [[0, 65, 0x20, 0x00], 100], // expands to 4 bytes, 100 claimed
    [[0xe0], 10], // truncated long back-reference
    [[1, 65, 66], 1], // literal run past end of output
    [[0, 65], 1_000_000], // claimed length beyond possible expansion
  ];
  for (const [bytes, length] of cases) {
    const input = Buffer.from(bytes);
    assert.throws(() => lzfDecompress(input, 0, input.length, length, 100),
      (e: unknown) => e instanceof RdbError && e.code === 'VESTA_ERR_RDB_CORRUPT' &&
        e.offset >= 100);
  }
});

test('lzf decompress never misbehaves on random garbage', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(2000), (bytes, length) => {
    try {
      const out = lzfDecompress(bytes, 0, bytes.length, length, 0);
      assert.equal(out.length, length);
    } catch (e) {
      assert.ok(e instanceof RdbError);
    }
  }), { numRuns: 2000 });
});
