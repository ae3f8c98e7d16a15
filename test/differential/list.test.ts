// Differential tests for list commands (and the non-blocking behaviour of the blocking ones):
// the same sequences to redis-server 7.0 and Vesta, replies compared byte for byte in RESP2 and
// RESP3, plus random command sequences over a small key space (fast-check).

import fc from 'fast-check';
import { after, before, test } from 'node:test';
import { same, startPair, type Pair } from '../helpers/differential.js';
import { haveRedis, requireRedis } from '../helpers/servers.js';

let pair: Pair | null = null;

before(async () => {
  if (haveRedis()) pair = await startPair();
});
after(async () => {
  await pair?.stop();
});

function p(): Pair {
  if (pair === null) throw new Error('pair not started');
  return pair;
}

const WRONGTYPE_SETUP = [['SET', 's', 'str'], ['ZADD', 'z', '1', 'm']];

const SEQUENCES: Record<string, (string | number)[][]> = {
  'push, pop and length': [
    ['FLUSHALL'],
    ...WRONGTYPE_SETUP,
    ['LPUSH', 'l', 'a', 'b', 'c'],
    ['RPUSH', 'l', 'd', 'e'],
    ['LRANGE', 'l', '0', '-1'],
    ['LLEN', 'l'],
    ['LLEN', 'nokey'],
    ['LLEN', 's'],
    ['LPUSHX', 'nokey', 'a'],
    ['RPUSHX', 'nokey', 'a', 'b'],
    ['EXISTS', 'nokey'],
    ['LPUSHX', 'l', 'x', 'y'],
    ['RPUSHX', 'l', 'z'],
    ['LPUSH', 's', 'a'],
    ['RPUSHX', 's', 'a'],
    ['LPUSH', 'l'],
    ['LPOP', 'l'],
    ['RPOP', 'l'],
    ['LPOP', 'l', '2'],
    ['RPOP', 'l', '2'],
    ['LPOP', 'l', '0'],
    ['LPOP', 'l', '-1'],
    ['LPOP', 'l', 'x'],
    ['LPOP', 'l', '1', '2'],
    ['RPOP', 'l', '100'],
    ['EXISTS', 'l'],
    ['LPOP', 'l'],
    ['LPOP', 'l', '0'],
    ['LPOP', 'l', '1'],
    ['RPOP', 'nokey', '5'],
    ['LPOP', 's'],
    ['LPOP', 's', '0'],
    ['LPOP', 's', '-1'],
    ['RPOP', 'z', '1'],
    ['LPOP', 'l', '9223372036854775807'],
    ['LPOP', 'l', '9223372036854775808'],
    ['RPUSH', 'bin', '\x00\xff\r\n', ''],
    ['LRANGE', 'bin', '0', '-1'],
    ['OBJECT', 'ENCODING', 'bin'],
    ['TYPE', 'bin'],
  ],
  'ranges and indexes': [
    ['FLUSHALL'],
    ...WRONGTYPE_SETUP,
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f'],
    ['LRANGE', 'l', '0', '2'],
    ['LRANGE', 'l', '-2', '-1'],
    ['LRANGE', 'l', '-100', '100'],
    ['LRANGE', 'l', '4', '2'],
    ['LRANGE', 'l', '6', '10'],
    ['LRANGE', 'l', '0', '-7'],
    ['LRANGE', 'l', 'x', '1'],
    ['LRANGE', 'l', '0', '9223372036854775807'],
    ['LRANGE', 'l', '-9223372036854775808', '1'],
    ['LRANGE', 'nokey', '0', '-1'],
    ['LRANGE', 'nokey', 'x', '1'],
    ['LRANGE', 's', '0', '1'],
    ['LINDEX', 'l', '0'],
    ['LINDEX', 'l', '-1'],
    ['LINDEX', 'l', '6'],
    ['LINDEX', 'l', '-7'],
    ['LINDEX', 'l', 'x'],
    ['LINDEX', 'nokey', 'x'],
    ['LINDEX', 'nokey', '0'],
    ['LINDEX', 's', '0'],
    ['LSET', 'l', '0', 'A'],
    ['LSET', 'l', '-1', 'F'],
    ['LSET', 'l', '6', 'x'],
    ['LSET', 'l', '-7', 'x'],
    ['LSET', 'l', 'x', 'x'],
    ['LSET', 'nokey', '0', 'x'],
    ['LSET', 'nokey', 'x', 'x'],
    ['LSET', 's', '0', 'x'],
    ['LRANGE', 'l', '0', '-1'],
  ],
  'insert, remove and trim': [
    ['FLUSHALL'],
    ...WRONGTYPE_SETUP,
    ['RPUSH', 'l', 'a', 'b', 'c', 'b', 'a', 'b'],
    ['LINSERT', 'l', 'BEFORE', 'b', 'x'],
    ['LINSERT', 'l', 'after', 'b', 'y'],
    ['LINSERT', 'l', 'AFTER', 'zz', 'y'],
    ['LINSERT', 'l', 'middle', 'b', 'y'],
    ['LINSERT', 'nokey', 'BEFORE', 'b', 'x'],
    ['LINSERT', 'nokey', 'middle', 'b', 'x'],
    ['LINSERT', 's', 'BEFORE', 'b', 'x'],
    ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '1', 'b'],
    ['LREM', 'l', '-1', 'b'],
    ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '0', 'a'],
    ['LREM', 'l', '0', 'zz'],
    ['LREM', 'l', 'x', 'a'],
    ['LREM', 'nokey', '0', 'a'],
    ['LREM', 'nokey', 'x', 'a'],
    ['LREM', 's', '0', 'a'],
    ['LRANGE', 'l', '0', '-1'],
    ['RPUSH', 'one', 'a', 'a'],
    ['LREM', 'one', '0', 'a'],
    ['EXISTS', 'one'],
    ['RPUSH', 't', '1', '2', '3', '4', '5', '6', '7'],
    ['LTRIM', 't', '1', '-2'],
    ['LRANGE', 't', '0', '-1'],
    ['LTRIM', 't', '-100', '100'],
    ['LTRIM', 't', '0', '0'],
    ['LRANGE', 't', '0', '-1'],
    ['LTRIM', 't', '1', '0'],
    ['EXISTS', 't'],
    ['LTRIM', 'nokey', '0', '1'],
    ['LTRIM', 'nokey', 'x', '1'],
    ['LTRIM', 's', '0', '1'],
    ['LTRIM', 'l', '0', 'x'],
  ],
  'lpos': [
    ['FLUSHALL'],
    ...WRONGTYPE_SETUP,
    ['RPUSH', 'l', 'a', 'b', 'c', 'b', 'a', 'b', 'c'],
    ['LPOS', 'l', 'b'],
    ['LPOS', 'l', 'zz'],
    ['LPOS', 'l', 'b', 'RANK', '2'],
    ['LPOS', 'l', 'b', 'RANK', '-1'],
    ['LPOS', 'l', 'b', 'RANK', '-3'],
    ['LPOS', 'l', 'b', 'RANK', '4'],
    ['LPOS', 'l', 'b', 'RANK', '0'],
    ['LPOS', 'l', 'b', 'RANK', 'x'],
    ['LPOS', 'l', 'b', 'RANK', '-9223372036854775808'],
    ['LPOS', 'l', 'b', 'RANK', '-9223372036854775807'],
    ['LPOS', 'l', 'b', 'RANK', '9223372036854775807'],
    ['LPOS', 'l', 'b', 'RANK', '9223372036854775808'],
    ['LPOS', 'l', 'b', 'COUNT', '0'],
    ['LPOS', 'l', 'b', 'COUNT', '2'],
    ['LPOS', 'l', 'b', 'COUNT', '2', 'RANK', '-1'],
    ['LPOS', 'l', 'b', 'COUNT', '0', 'RANK', '2'],
    ['LPOS', 'l', 'b', 'COUNT', '-1'],
    ['LPOS', 'l', 'b', 'COUNT', 'x'],
    ['LPOS', 'l', 'zz', 'COUNT', '3'],
    ['LPOS', 'l', 'b', 'MAXLEN', '2'],
    ['LPOS', 'l', 'b', 'MAXLEN', '1'],
    ['LPOS', 'l', 'b', 'MAXLEN', '0'],
    ['LPOS', 'l', 'b', 'MAXLEN', '4', 'COUNT', '0', 'RANK', '-1'],
    ['LPOS', 'l', 'b', 'MAXLEN', '-1'],
    ['LPOS', 'l', 'b', 'MAXLEN', 'x'],
    ['LPOS', 'l', 'b', 'RANK', '1', 'RANK', '2'],
    ['LPOS', 'l', 'b', 'FOO', '1'],
    ['LPOS', 'l', 'b', 'COUNT'],
    ['LPOS', 'nokey', 'b'],
    ['LPOS', 'nokey', 'b', 'COUNT', '1'],
    ['LPOS', 'nokey', 'b', 'RANK', '0'],
    ['LPOS', 's', 'b'],
    ['LPOS', 's', 'b', 'COUNT', '-1'],
  ],
  'lmove and rpoplpush': [
    ['FLUSHALL'],
    ...WRONGTYPE_SETUP,
    ['RPUSH', 'src', 'a', 'b', 'c'],
    ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
    ['LMOVE', 'src', 'dst', 'right', 'left'],
    ['LRANGE', 'dst', '0', '-1'],
    ['LMOVE', 'src', 'src', 'LEFT', 'RIGHT'],
    ['RPOPLPUSH', 'src', 'dst'],
    ['EXISTS', 'src'],
    ['LRANGE', 'dst', '0', '-1'],
    ['RPOPLPUSH', 'dst', 'dst'],
    ['LRANGE', 'dst', '0', '-1'],
    ['LMOVE', 'nokey', 'dst', 'LEFT', 'LEFT'],
    ['LMOVE', 'nokey', 's', 'LEFT', 'LEFT'],
    ['LMOVE', 'dst', 's', 'LEFT', 'LEFT'],
    ['LMOVE', 's', 'dst', 'LEFT', 'LEFT'],
    ['LMOVE', 'dst', 'x', 'UP', 'LEFT'],
    ['LMOVE', 'dst', 'x', 'LEFT', 'DOWN'],
    ['RPOPLPUSH', 'nokey', 'x'],
    ['RPOPLPUSH', 'dst', 'z'],
    ['RPUSH', 'single', 'only'],
    ['LMOVE', 'single', 'single', 'LEFT', 'LEFT'],
    ['LRANGE', 'single', '0', '-1'],
  ],
  'lmpop': [
    ['FLUSHALL'],
    ...WRONGTYPE_SETUP,
    ['RPUSH', 'l', 'a', 'b', 'c', 'd'],
    ['LMPOP', '1', 'l', 'LEFT'],
    ['LMPOP', '2', 'nokey', 'l', 'RIGHT', 'COUNT', '2'],
    ['LMPOP', '1', 'l', 'left', 'count', '100'],
    ['EXISTS', 'l'],
    ['LMPOP', '1', 'nokey', 'LEFT'],
    ['LMPOP', '2', 'nokey', 's', 'LEFT'],
    ['LMPOP', '0', 'l', 'LEFT'],
    ['LMPOP', '-1', 'l', 'LEFT'],
    ['LMPOP', 'x', 'l', 'LEFT'],
    ['LMPOP', '2', 'l', 'LEFT'],
    ['LMPOP', '9223372036854775807', 'l', 'LEFT'],
    ['LMPOP', '1', 'l', 'UP'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '0'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '-1'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT', 'x'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
    ['LMPOP', '1', 'l', 'LEFT', 'FOO', '1'],
    ['RPUSH', 'l2', 'x'],
    ['LMPOP', '2', 'l2', 's', 'RIGHT'],
  ],
  'blocking commands without blocking': [
    ['FLUSHALL'],
    ...WRONGTYPE_SETUP,
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
    ['BLPOP', 'nokey', 'l', '0'],
    ['BRPOP', 'l', 'nokey', '0'],
    ['BLPOP', 'nokey', 's', 'l', '0'],
    ['BLPOP', 'nokey', 'l', 's', '0'],
    ['BLPOP', 'l', 'x'],
    ['BLPOP', 'l', '-1'],
    ['BLPOP', 'l', 'nan'],
    ['BLPOP', 'l', 'inf'],
    ['BLPOP', 'l', '-inf'],
    ['BLPOP', 'l', '1e300'],
    ['BLPOP', 'l', ' 1'],
    ['RPUSH', 'l', 'f', 'g', 'h', 'i', 'j'],
    ['BLPOP', 'l', '1.5'],
    ['BLPOP', 'l', '0x10'],
    ['BLPOP', 'l', '9223372036854775'],
    ['BLPOP', 'l', '9223372036854775.807'],
    ['BLPOP', 's', 'x'],
    ['BRPOPLPUSH', 'l', 'd', '0'],
    ['BRPOPLPUSH', 'l', 's', '0'],
    ['BRPOPLPUSH', 's', 'd', '0'],
    ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', '0'],
    ['BLMOVE', 'l', 'd', 'LEFT', 'UP', '0'],
    ['BLMOVE', 'l', 'd', 'UP', 'LEFT', 'x'],
    ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', 'x'],
    ['LRANGE', 'd', '0', '-1'],
    ['RPUSH', 'l', 'a', 'b', 'c'],
    ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '2'],
    ['BLMPOP', '0', '2', 'nokey', 'l', 'RIGHT'],
    ['BLMPOP', 'x', '1', 'l', 'LEFT'],
    ['BLMPOP', '-1', '1', 'l', 'LEFT'],
    ['BLMPOP', '0', '0', 'l', 'LEFT'],
    ['BLMPOP', '0', '5', 'l', 'LEFT'],
    ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '0'],
    ['BLMPOP', '0', '2', 'nokey', 's', 'LEFT'],
    ['ZADD', 'z2', '1', 'a', '2.5', 'b', '3', 'c', '-1e100', 'd'],
    ['BZPOPMIN', 'nokey', 'z2', '0'],
    ['BZPOPMAX', 'z2', '0'],
    ['BZPOPMIN', 's', '0'],
    ['BZPOPMIN', 'l', '0'],
    ['BZPOPMIN', 'z2', 'x'],
    ['BZPOPMIN', 'z2', '-1'],
    ['BZMPOP', '0', '1', 'z2', 'MIN', 'COUNT', '5'],
    ['EXISTS', 'z2'],
    ['ZADD', 'z2', '1', 'a', '2', 'b'],
    ['BZMPOP', '0', '2', 'nokey', 'z2', 'max'],
    ['BZMPOP', '0', '1', 'z2', 'FOO'],
    ['BZMPOP', '0', '0', 'z2', 'MIN'],
    ['BZMPOP', '0', '1', 'z2', 'MIN', 'COUNT', '0'],
    ['BZMPOP', 'x', '1', 'z2', 'MIN'],
    ['BZMPOP', '0', '2', 'nokey', 's', 'MIN'],
    ['BLPOP', 'nokey', '0.01'],
    ['BRPOP', 'nokey', '0.001'],
    ['BRPOPLPUSH', 'nokey', 'd', '0.01'],
    ['BLMOVE', 'nokey', 's', 'LEFT', 'LEFT', '0.01'],
    ['BLMPOP', '0.01', '1', 'nokey', 'LEFT'],
    ['BZPOPMIN', 'nokey', '0.01'],
    ['BZMPOP', '0.01', '1', 'nokey', 'MIN'],
  ],
  'blocking commands inside MULTI': [
    ['FLUSHALL'],
    ['MULTI'],
    ['BLPOP', 'nokey', '0'],
    ['BRPOP', 'nokey', '0'],
    ['BRPOPLPUSH', 'nokey', 'd', '0'],
    ['BLMOVE', 'nokey', 'd', 'LEFT', 'LEFT', '0'],
    ['BLMPOP', '0', '1', 'nokey', 'LEFT'],
    ['BZPOPMIN', 'nokey', '0'],
    ['BZPOPMAX', 'nokey', '0'],
    ['BZMPOP', '0', '1', 'nokey', 'MIN'],
    ['BLPOP', 'nokey', '-1'],
    ['RPUSH', 'l', 'a', 'b'],
    ['BLPOP', 'l', '0'],
    ['BRPOPLPUSH', 'l', 'd', '0'],
    ['BLPOP', 'l', '0'],
    ['EXEC'],
    ['LRANGE', 'd', '0', '-1'],
    ['CLIENT', 'UNBLOCK', '999999'],
    ['CLIENT', 'UNBLOCK', 'x'],
    ['CLIENT', 'UNBLOCK', '999999', 'FOO'],
    ['CLIENT', 'UNBLOCK', '999999', 'error'],
    ['CLIENT', 'UNBLOCK', '999999', 'TIMEOUT', 'x'],
  ],
};

for (const resp of [2, 3]) {
  for (const [name, commands] of Object.entries(SEQUENCES)) {
    test(`${name} (RESP${resp})`, async (t) => {
      if (!requireRedis(t)) return;
      await same(p(), [['HELLO', resp], ...commands], name);
      await same(p(), [['HELLO', 2]]);
    });
  }
}

// ------------------------------------------------------------------ random sequences

const KEYS = ['a', 'b', 'c'];
const ELEMENTS = ['x', 'y', 'z', '1', ''];
const INDEXES = ['0', '1', '-1', '2', '-3', '5', '-10'];
const RUNS = Number(process.env['VESTA_FC_RUNS'] ?? 60);

const keyArb = fc.constantFrom(...KEYS);
const elementArb = fc.constantFrom(...ELEMENTS);
const indexArb = fc.constantFrom(...INDEXES);
const endArb = fc.constantFrom('LEFT', 'RIGHT');
const elementsArb = fc.array(elementArb, { minLength: 1, maxLength: 4 });

const commandArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.constantFrom('LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX'), keyArb, elementsArb)
    .map(([c, k, es]) => [c, k, ...es]),
  fc.tuple(fc.constantFrom('LPOP', 'RPOP'), keyArb).map(([c, k]) => [c, k]),
  fc.tuple(fc.constantFrom('LPOP', 'RPOP'), keyArb, fc.constantFrom('0', '1', '2', '10'))
    .map(([c, k, n]) => [c, k, n]),
  keyArb.map((k) => ['LLEN', k]),
  fc.tuple(keyArb, indexArb, indexArb).map(([k, s, e]) => ['LRANGE', k, s, e]),
  fc.tuple(keyArb, indexArb).map(([k, i]) => ['LINDEX', k, i]),
  fc.tuple(keyArb, indexArb, elementArb).map(([k, i, e]) => ['LSET', k, i, e]),
  fc.tuple(keyArb, fc.constantFrom('BEFORE', 'AFTER'), elementArb, elementArb)
    .map(([k, w, p, e]) => ['LINSERT', k, w, p, e]),
  fc.tuple(keyArb, fc.constantFrom('0', '1', '-1', '2', '-2'), elementArb)
    .map(([k, n, e]) => ['LREM', k, n, e]),
  fc.tuple(keyArb, indexArb, indexArb).map(([k, s, e]) => ['LTRIM', k, s, e]),
  fc.tuple(keyArb, elementArb, fc.constantFrom([], ['RANK', '-1'], ['RANK', '2'], ['COUNT', '0'],
    ['COUNT', '2', 'RANK', '-2'], ['MAXLEN', '2', 'COUNT', '0']))
    .map(([k, e, opts]) => ['LPOS', k, e, ...opts]),
  fc.tuple(keyArb, keyArb, endArb, endArb).map(([s, d, f, t]) => ['LMOVE', s, d, f, t]),
  fc.tuple(keyArb, keyArb).map(([s, d]) => ['RPOPLPUSH', s, d]),
  fc.tuple(fc.array(keyArb, { minLength: 1, maxLength: 3 }), endArb, fc.constantFrom('1', '3'))
    .map(([ks, e, n]) => ['LMPOP', String(ks.length), ...ks, e, 'COUNT', n]),
  fc.tuple(fc.array(keyArb, { minLength: 1, maxLength: 2 }), fc.constantFrom('BLPOP', 'BRPOP'))
    .map(([ks, c]) => [c, ...ks, '0.001']),
  keyArb.map((k) => ['SET', k, 'str']),
  keyArb.map((k) => ['DEL', k]),
  keyArb.map((k) => ['TYPE', k]),
);

for (const resp of [2, 3]) {
  test(`random list command sequences match redis (RESP${resp})`, async (t) => {
    if (!requireRedis(t)) return;
    await same(p(), [['HELLO', resp]]);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(commandArb, { minLength: 1, maxLength: 40, size: 'medium' }),
          async (commands) => {
            const dump = KEYS.map((k) => ['LRANGE', k, '0', '-1']);
            await same(p(), [['FLUSHALL'], ...commands, ...dump], JSON.stringify(commands));
          },
        ),
        { numRuns: RUNS },
      );
    } finally {
      await same(p(), [['HELLO', '2']]);
    }
  });
}
