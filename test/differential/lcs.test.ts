// Differential tests for LCS (LEN, IDX, MINMATCHLEN, WITHMATCHLEN) against redis-server 7.0:
// hand-written cases and generated string pairs, RESP2 and RESP3.

import { test } from 'node:test';
import fc from 'fast-check';
import { same, sequenceTests, sharedPair } from '../helpers/differential.js';
import { requireRedis } from '../helpers/servers.js';

const p = sharedPair();

const SEQUENCES: Record<string, (string | number)[][]> = {
  'lcs': [
    ['FLUSHALL'],
    ['MSET', 'a', 'ohmytext', 'b', 'mynewtext'],
    ['LCS', 'a', 'b'],
    ['LCS', 'a', 'b', 'LEN'],
    ['LCS', 'a', 'b', 'IDX'],
    ['LCS', 'a', 'b', 'idx', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
    ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'],
    ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '-5'],
    ['LCS', 'a', 'b', 'MINMATCHLEN', '2'],
    ['LCS', 'a', 'b', 'WITHMATCHLEN'],
    ['LCS', 'a', 'b', 'LEN', 'IDX'],
    ['LCS', 'a', 'b', 'MINMATCHLEN'],
    ['LCS', 'a', 'b', 'MINMATCHLEN', 'x'],
    ['LCS', 'a', 'b', 'FOO'],
    ['LCS', 'a', 'missing'],
    ['LCS', 'missing', 'missing', 'IDX'],
    ['LCS', 'a', 'a', 'IDX', 'WITHMATCHLEN'],
    ['SET', 'bin1', '\x00\xff\x00\xfe\r\n'],
    ['SET', 'bin2', '\xff\x00\r\n\x00'],
    ['LCS', 'bin1', 'bin2', 'IDX'],
    ['LCS', 'bin1', 'bin2'],
    ['LPUSH', 'l', 'x'],
    ['LCS', 'a', 'l'],
    ['LCS', 'l', 'a', 'LEN'],
    ['LCS', 'a'],
    ['CONFIG', 'SET', 'proto-max-bulk-len', '1mb'],
    ['SET', 'big', 'x'.repeat(600)],
    ['LCS', 'big', 'big', 'LEN'],
    ['LCS', 'big', 'a', 'LEN'],
    ['CONFIG', 'SET', 'proto-max-bulk-len', '512mb'],
  ],
};

sequenceTests(p, SEQUENCES);

test('generated string pairs: the same subsequence, length and ranges as redis-server', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', '\x00', '\xff'), maxLength: 40 });
  await fc.assert(
    fc.asyncProperty(text, text, fc.integer({ min: 0, max: 4 }), async (a, b, min) => {
      await same(pair, [
        ['MSET', 'x', a, 'y', b],
        ['LCS', 'x', 'y'],
        ['LCS', 'x', 'y', 'LEN'],
        ['LCS', 'x', 'y', 'IDX', 'MINMATCHLEN', String(min), 'WITHMATCHLEN'],
      ]);
    }),
    { numRuns: 150 },
  );
});
