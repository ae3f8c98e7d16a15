// The per-command latency histogram's buckets against their definition: values below 256 ns are
// exact; above, each power-of-two range [2^k, 2^(k+1)) is cut into 128 equal steps and a value
// reads back as the highest value of its step (9000 ns -> 9023, "9.023 us" in INFO).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LatencyHistogram } from './latency.js';

/** The highest value of the step holding `v`, from the definition, in plain arithmetic. */
function expectedReading(v: number): number {
  if (v < 256) return v;
  let k = 0;
  while (2 ** (k + 1) <= v) k++;
  const step = 2 ** (k - 7);
  return (Math.floor(v / step) + 1) * step - 1;
}

test('one recorded value reads back as the highest value of its step', () => {
  assert.equal(expectedReading(9000), 9023);
  const edges = [1, 255, 256, 257, 511, 512, 1023, 1024, 9000, 2 ** 29 - 1, 2 ** 29, 999_999_999, 1_000_000_000];
  fc.assert(
    fc.property(fc.oneof(fc.constantFrom(...edges), fc.integer({ min: 1, max: 1_000_000_000 })), (v) => {
      const h = new LatencyHistogram();
      h.record(v);
      assert.equal(h.valueAtPercentile(50), expectedReading(v));
    }),
    { numRuns: 2000 },
  );
});

test('percentiles pick the step holding the wanted rank', () => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 100; i++) h.record(i * 1000);
  assert.equal(h.valueAtPercentile(50), expectedReading(50_000));
  assert.equal(h.valueAtPercentile(99), expectedReading(99_000));
  assert.equal(h.valueAtPercentile(100), expectedReading(100_000));
});
