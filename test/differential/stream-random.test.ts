// Randomly generated sequences of stream and consumer-group commands (fast-check) over two keys,
// sent to redis-server 7.0 and Vesta in RESP2 and RESP3, replies compared byte for byte. IDs are
// explicit (small ms, `ms-*`), so nothing depends on the clock; replies carrying clock readings
// (XPENDING idle, XINFO times) are left out of the command set. A small node size makes trims
// and node boundaries matter.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { test } from 'node:test';
import { sharedPair } from '../helpers/differential.js';
import { requireRedis } from '../helpers/servers.js';

const p = sharedPair();
const RUNS = Number(process.env['VESTA_RANDOM_RUNS'] ?? 60);

const key = fc.constantFrom('s', 't');
const group = fc.constantFrom('g', 'h');
const consumer = fc.constantFrom('alice', 'bob');
const ms = fc.integer({ min: 0, max: 40 });
const id = fc.oneof(
  fc.tuple(ms, fc.integer({ min: 0, max: 3 })).map(([m, s]) => `${m}-${s}`),
  ms.map(String),
  fc.constantFrom('-', '+', '0-0', '18446744073709551615-18446744073709551615', 'x'),
);
// NEXT becomes `<command index>-*` (rising IDs, so streams grow); the others may fail or collide.
const NEXT = 'NEXT';
const addId = fc.oneof({ weight: 4, arbitrary: fc.constant(NEXT) }, ms.map((m) => `${m}-*`), fc.tuple(ms, fc.integer({ min: 0, max: 3 })).map(([m, s]) => `${m}-${s}`));
const fields = fc.constantFrom(['f', 'v'], ['f', '1', 'g', '2'], ['other', 'x'.repeat(30)], ['f', '-5']);
const count = fc.integer({ min: -1, max: 4 }).map(String);

const command: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(key, addId, fields).map(([k, i, f]) => ['XADD', k, i, ...f]) },
  { weight: 2, arbitrary: fc.tuple(key, fc.integer({ min: 0, max: 6 }), addId).map(([k, n, i]) => ['XADD', k, 'MAXLEN', '~', String(n), i, 'f', 'v']) },
  fc.tuple(key, id, id, count).map(([k, a, b, n]) => ['XRANGE', k, a, b, 'COUNT', n]),
  fc.tuple(key, id, id).map(([k, a, b]) => ['XREVRANGE', k, a, b]),
  fc.tuple(key, id, id).map(([k, a, b]) => ['XDEL', k, a, b]),
  fc.tuple(key, fc.integer({ min: 0, max: 8 })).map(([k, n]) => ['XTRIM', k, 'MAXLEN', String(n)]),
  fc.tuple(key, ms).map(([k, m]) => ['XTRIM', k, 'MINID', '~', String(m)]),
  fc.tuple(key, ms).map(([k, m]) => ['XSETID', k, `${m + 40}-0`]),
  { weight: 2, arbitrary: key.map((k) => ['XLEN', k]) },
  fc.tuple(key, group, fc.constantFrom('$', '0', '5-0')).map(([k, g, i]) => ['XGROUP', 'CREATE', k, g, i, 'MKSTREAM']),
  fc.tuple(key, group, fc.constantFrom('$', '0', '3')).map(([k, g, i]) => ['XGROUP', 'SETID', k, g, i]),
  fc.tuple(key, group).map(([k, g]) => ['XGROUP', 'DESTROY', k, g]),
  fc.tuple(key, group, consumer).map(([k, g, c]) => ['XGROUP', 'DELCONSUMER', k, g, c]),
  { weight: 3, arbitrary: fc.tuple(key, group, consumer, count, fc.boolean()).map(([k, g, c, n, noack]) =>
    ['XREADGROUP', 'GROUP', g, c, 'COUNT', n, ...(noack ? ['NOACK'] : []), 'STREAMS', k, '>']) },
  fc.tuple(key, group, consumer).map(([k, g, c]) => ['XREADGROUP', 'GROUP', g, c, 'STREAMS', k, '0']),
  fc.tuple(key, id, count).map(([k, i, n]) => ['XREAD', 'COUNT', n, 'STREAMS', k, i]),
  fc.tuple(key, group, id, id).map(([k, g, a, b]) => ['XACK', k, g, a, b]),
  fc.tuple(key, group).map(([k, g]) => ['XPENDING', k, g]),
  fc.tuple(key, group, consumer, id).map(([k, g, c, i]) => ['XCLAIM', k, g, c, '0', i, 'JUSTID']),
  fc.tuple(key, group, consumer, id).map(([k, g, c, i]) => ['XAUTOCLAIM', k, g, c, '0', i, 'COUNT', '2', 'JUSTID']),
  key.map((k) => ['XINFO', 'GROUPS', k]),
  key.map((k) => ['DEL', k]),
);

for (const resp of [2, 3]) {
  test(`generated stream and group sequences (RESP${resp})`, async (t) => {
    if (!requireRedis(t)) return;
    const pair = p();
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 40, size: 'max' }), async (drawn) => {
        const commands = drawn.map((c, i) => c.map((a) => (a === NEXT ? `${i + 100}-*` : a)));
        const setup = [['FLUSHALL'], ['CONFIG', 'SET', 'stream-node-max-entries', '3'], ...(resp === 3 ? [['HELLO', '3']] : [])];
        const all = [...setup, ...commands, ['XINFO', 'STREAM', 's'], ['XINFO', 'STREAM', 't'], ['HELLO', '2']];
        const [expected, actual] = await Promise.all([pair.redisClient.pipeline(all), pair.vestaClient.pipeline(all)]);
        for (let i = setup.length; i < all.length - 1; i++) {
          assert.equal(actual[i], expected[i], `reply to ${JSON.stringify(all[i])} in ${JSON.stringify(commands)}`);
        }
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: false },
    );
  });
}
