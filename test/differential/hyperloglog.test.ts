// Differential tests for HyperLogLog: PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST against
// redis-server 7.0. GET compares the HLL's bytes, so Vesta's sparse and dense representations
// (opcode splits and merges, promotion at hll-sparse-max-bytes, the cached count) must be
// Redis's exactly; estimates must be equal too.

import { test } from 'node:test';
import fc from 'fast-check';
import { same, sequenceTests, sharedPair } from '../helpers/differential.js';
import { requireRedis } from '../helpers/servers.js';

const p = sharedPair();

function elements(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

const SEQUENCES: Record<string, (string | number)[][]> = {
  'pfadd and pfcount': [
    ['FLUSHALL'],
    ['PFADD', 'h'],
    ['GET', 'h'],
    ['PFADD', 'h'],
    ['PFADD', 'h', 'a', 'b', 'c'],
    ['GET', 'h'],
    ['PFADD', 'h', 'a'],
    ['PFCOUNT', 'h'],
    ['GET', 'h'],
    ['PFCOUNT', 'h'],
    ['PFADD', 'h', ...elements('e', 200)],
    ['GET', 'h'],
    ['PFCOUNT', 'h'],
    ['PFDEBUG', 'ENCODING', 'h'],
    ['PFDEBUG', 'DECODE', 'h'],
    ['PFCOUNT', 'missing'],
    ['PFCOUNT', 'h', 'missing'],
    ['PFADD', 'h2', 'x', 'y', 'a'],
    ['PFCOUNT', 'h', 'h2'],
    ['OBJECT', 'ENCODING', 'h'],
    ['PFADD', 'bin', '\x00', '\xff\xfe', '', 'a\r\nb'],
    ['GET', 'bin'],
    ['PFCOUNT', 'bin'],
  ],
  'promotion to dense': [
    ['FLUSHALL'],
    ['PFADD', 'big', ...elements('x', 3000)],
    ['PFDEBUG', 'ENCODING', 'big'],
    ['STRLEN', 'big'],
    ['PFCOUNT', 'big'],
    ['GET', 'big'],
    ['PFADD', 'big', ...elements('y', 20000)],
    ['PFCOUNT', 'big'],
    ['PFDEBUG', 'DECODE', 'big'],
    ['PFADD', 's', 'a', 'b'],
    ['PFDEBUG', 'TODENSE', 's'],
    ['PFDEBUG', 'TODENSE', 's'],
    ['GET', 's'],
    ['PFCOUNT', 's'],
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '40'],
    ['PFADD', 'tiny', ...elements('t', 10)],
    ['PFDEBUG', 'ENCODING', 'tiny'],
    ['GET', 'tiny'],
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000'],
  ],
  'pfmerge': [
    ['FLUSHALL'],
    ['PFADD', 'a', ...elements('a', 50)],
    ['PFADD', 'b', ...elements('b', 60)],
    ['PFMERGE', 'd', 'a', 'b'],
    ['GET', 'd'],
    ['PFCOUNT', 'd'],
    ['PFMERGE', 'd'],
    ['GET', 'd'],
    ['PFMERGE', 'new'],
    ['GET', 'new'],
    ['PFADD', 'dense', ...elements('z', 4000)],
    ['PFMERGE', 'd2', 'a', 'dense'],
    ['PFDEBUG', 'ENCODING', 'd2'],
    ['GET', 'd2'],
    ['PFMERGE', 'a', 'b', 'missing'],
    ['GET', 'a'],
    ['PFCOUNT', 'a', 'b', 'dense', 'missing'],
    ['SET', 'str', 'not an hll'],
    ['PFMERGE', 'd', 'str'],
    ['PFMERGE', 'str', 'a'],
    ['LPUSH', 'list', 'x'],
    ['PFMERGE', 'd', 'list'],
    ['PFMERGE', 'list', 'a'],
  ],
  // Vesta keeps the bytes of the HLL it stored last and changes them in place on the next PFADD
  // of that string: copies, equal strings under other keys and overwritten keys must not see it.
  'in-place updates and copies': [
    ['FLUSHALL'],
    ['PFADD', 'a', ...elements('a', 3000)],
    ['PFDEBUG', 'ENCODING', 'a'],
    ['COPY', 'a', 'b'],
    ['PFADD', 'b', 'only-in-b', 'and-this'],
    ['PFADD', 'a', ...elements('a', 3000)],
    ['GET', 'a'],
    ['GET', 'b'],
    ['PFCOUNT', 'a'],
    ['PFCOUNT', 'b'],
    ['GET', 'a'],
    ['PFADD', 'a', 'only-in-a'],
    ['GET', 'a'],
    ['GET', 'b'],
    ['SETRANGE', 'a', '100', 'xyz'],
    ['PFADD', 'a', 'after-setrange'],
    ['GET', 'a'],
    ['PFCOUNT', 'a', 'b'],
    ['PFADD', 'b', 'more'],
    ['PFMERGE', 'm', 'a', 'b'],
    ['GET', 'm'],
    ['PFADD', 'm', ...elements('m', 200)],
    ['GET', 'm'],
    ['GET', 'b'],
  ],
  'errors and pfdebug': [
    ['FLUSHALL'],
    ['SET', 'str', 'abc'],
    ['PFADD', 'str', 'a'],
    ['PFCOUNT', 'str'],
    ['SET', 'num', '12345'],
    ['PFADD', 'num', 'a'],
    ['SET', 'fake', 'HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'],
    ['PFADD', 'fake', 'a'],
    ['SET', 'shortdense', 'HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'],
    ['PFCOUNT', 'shortdense'],
    ['SET', 'corrupt', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\x00'],
    ['PFADD', 'corrupt', 'a'],
    ['PFCOUNT', 'corrupt'],
    ['PFCOUNT', 'corrupt', 'str'],
    ['SADD', 'set', 'x'],
    ['PFADD', 'set', 'a'],
    ['PFCOUNT', 'set'],
    ['PFCOUNT', 'set', 'str'],
    ['PFDEBUG', 'ENCODING', 'missing'],
    ['PFDEBUG', 'NOPE', 'missing'],
    ['PFADD', 'h', 'a'],
    ['PFDEBUG', 'NOPE', 'h'],
    ['PFDEBUG', 'ENCODING', 'str'],
    ['PFDEBUG', 'GETREG', 'h', 'x'],
    ['PFDEBUG', 'GETREG'],
    ['PFSELFTEST'],
    ['PFSELFTEST', 'x'],
    ['PFADD'],
    ['PFCOUNT'],
    ['PFMERGE'],
  ],
};

sequenceTests(p, SEQUENCES);

test('PFDEBUG GETREG converts to dense and lists the registers as Redis does', async (t) => {
  if (!requireRedis(t)) return;
  await same(p(), [['FLUSHALL'], ['PFADD', 'g', ...elements('g', 500)], ['PFDEBUG', 'GETREG', 'g'], ['GET', 'g']]);
});

test('generated PFADD / PFMERGE / PFCOUNT sequences keep identical bytes and estimates', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  const key = fc.constantFrom('h1', 'h2', 'h3');
  const element = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: 0, max: 5000 }).map(String));
  const command = fc.oneof(
    fc.tuple(key, fc.array(element, { maxLength: 40 })).map(([k, els]) => ['PFADD', k, ...els]),
    fc.tuple(key, fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 1e6 })).map(([k, n, base]) => [
      'PFADD', k, ...Array.from({ length: n }, (_, i) => String(base + i)),
    ]),
    fc.tuple(key, key, key).map(([a, b, c]) => ['PFMERGE', a, b, c]),
    key.map((k) => ['PFCOUNT', k]),
    fc.tuple(key, key).map(([a, b]) => ['PFCOUNT', a, b]),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
      await same(pair, [['DEL', 'h1', 'h2', 'h3'], ...commands, ['GET', 'h1'], ['GET', 'h2'], ['GET', 'h3']]);
    }),
    { numRuns: 40 },
  );
});
