// Property: whatever the keyspace holds, decode(encode(x)) gives x back (contents, databases,
// expire times), under every encoder setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeDumpPayload, encodeRdb } from './encoder.js';
import { decodeDumpPayload, decodeRdb } from './decoder.js';
import { contentOf, dataset, value } from '../../../test/fixtures/rdb/arbitraries.js';

const options = fc.record({
  compression: fc.boolean(),
  checksum: fc.boolean(),
  chunkBytes: fc.constantFrom(64, 1000, 65536),
  listNodeBytes: fc.constantFrom(16, 100, 8192),
  listPlainThresholdBytes: fc.constantFrom(20, 1 << 30),
});

test('RDB encode/decode round trip over random datasets of every type', () => {
  fc.assert(fc.property(dataset, options, (databases, encoderOptions) => {
    const dump = encodeRdb(databases, { ctimeSec: 1700000000, usedMemBytes: 1, aofBase: false },
      encoderOptions);
    const expected = new Map<string, unknown>();
    for (const d of databases) {
      for (const e of d.entries) {
        expected.set(`${d.db}/${e.key}`, [contentOf(e.value), e.expireAtMs]);
      }
    }
    const actual = new Map<string, unknown>();
    for (const event of decodeRdb(dump)) {
      if (event.kind === 'key') {
        actual.set(`${event.db}/${event.key}`, [contentOf(event.value), event.expireAtMs]);
      }
    }
    assert.deepEqual(actual, expected);
  }), { numRuns: 300 });
});

test('DUMP payload round trip over random values', () => {
  fc.assert(fc.property(value, fc.boolean(), (v, compression) => {
    assert.deepEqual(contentOf(decodeDumpPayload(encodeDumpPayload(v, { compression }))),
      contentOf(v));
  }), { numRuns: 500 });
});
