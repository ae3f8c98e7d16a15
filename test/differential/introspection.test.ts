// MEMORY, LOLWUT, COMMAND GETKEYSANDFLAGS, OBJECT FREQ and the DEBUG subcommands of Redis 7.0
// that Vesta has, against redis-server 7.0: replies byte for byte where Redis decides them
// (errors, DEBUG PROTOCOL's test values, key flags), and the shape (field names, RESP types)
// where the numbers are each server's own (MEMORY STATS / USAGE / DOCTOR / MALLOC-STATS).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { same, sequenceTests, sharedPair } from '../helpers/differential.js';
import { requireRedis } from '../helpers/servers.js';

const p = sharedPair();

const PROTOCOL_TYPES = ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'verbatim', 'true', 'false'];

sequenceTests(p, {
  'DEBUG PROTOCOL every type': [
    ...PROTOCOL_TYPES.map((type) => ['DEBUG', 'PROTOCOL', type]),
    ['DEBUG', 'PROTOCOL', 'nope'],
    ['DEBUG', 'PROTOCOL'],
  ],
  'DEBUG subcommands: errors, thresholds, structure reports': [
    ['DEL', 'h', 'l', 's', 'big'],
    ['HSET', 'h', 'f', 'v'],
    ['RPUSH', 'l', 'a', 'b', 'c'],
    ['SET', 's', 'abc'],
    ['DEBUG', 'ERROR', 'foo'],
    ['DEBUG', 'ERROR', 'MYERR with\nnewline'],
    ['DEBUG', 'LOG', 'hello from the test'],
    ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100'],
    ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1kb'],
    ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 'x'],
    ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '5gb'],
    ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0'],
    ['DEBUG', 'LISTPACK', 'h'],
    ['DEBUG', 'LISTPACK', 'l'],
    ['DEBUG', 'LISTPACK', 'nokey'],
    ['DEBUG', 'QUICKLIST', 'l'],
    ['DEBUG', 'QUICKLIST', 'l', '1'],
    ['DEBUG', 'QUICKLIST', 'h'],
    ['DEBUG', 'HTSTATS-KEY', 'h'],
    ['DEBUG', 'HTSTATS-KEY', 's'],
    ['DEBUG', 'HTSTATS', 'x'],
    ['DEBUG', 'STRINGMATCH-LEN'],
    ['DEBUG', 'JMAP'],
    ['DEBUG', 'NOPE'],
  ],
  'MEMORY errors and fixed replies': [
    ['SET', 's', 'abc'],
    ['MEMORY', 'USAGE', 'nokey'],
    ['MEMORY', 'USAGE', 's', 'SAMPLES', 'x'],
    ['MEMORY', 'USAGE', 's', 'SAMPLES', '-1'],
    ['MEMORY', 'USAGE', 's', 'SAMPLES', '1', 'x'],
    ['MEMORY', 'USAGE', 's', 'foo'],
    ['MEMORY', 'USAGE'],
    ['MEMORY', 'PURGE'],
    ['MEMORY', 'HELP'],
    ['MEMORY', 'NOPE'],
    ['LOLWUT', 'VERSION', 'x'],
  ],
  'COMMAND GETKEYSANDFLAGS': [
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'get'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'lmove', 'a', 'b', 'left', 'right'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zunionstore', 'd', '2', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'exists', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'mset', 'a', '1', 'b', '2'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'memory', 'usage', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'object', 'freq', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'get'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'nope', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'ping', 'x'],
  ],
  'OBJECT FREQ needs an LFU policy': [
    ['SET', 's', 'abc'],
    ['OBJECT', 'FREQ', 's'],
    ['OBJECT', 'FREQ', 'nokey'],
  ],
});

test('DEBUG STRINGMATCH-TEST answers as Redis 7.0 does (Redis itself takes ~25 s, so not run there)', async (t) => {
  if (!requireRedis(t)) return;
  assert.equal(await p().vestaClient.call('DEBUG', 'STRINGMATCH-TEST'), '+Apparently Redis did not crash: test passed\r\n');
});

test('DEBUG PROTOCOL push (RESP3) and its RESP2 refusal', async (t) => {
  if (!requireRedis(t)) return;
  await same(p(), [['DEBUG', 'PROTOCOL', 'push']]);
  await same(p(), [['HELLO', 3], ['DEBUG', 'PROTOCOL', 'push'], ['PING'], ['HELLO', 2]]);
});

/** The reply with every number replaced: integers, doubles and bulk/verbatim lengths. */
function shape(reply: string): string {
  return reply.replace(/^([:,(=$])[-0-9.e+inf]+\r\n/gm, '$1N\r\n').replace(/^[-0-9.e+]+\r\n/gm, 'N\r\n')
    .replace(/=N\r\ntxt:[^\r]*/g, '=N\r\ntxt:TEXT');
}

test('MEMORY STATS / USAGE / DOCTOR / MALLOC-STATS and LOLWUT have Redis 7.0 shapes', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  for (const protocol of [2, 3]) {
    await same(pair, [['HELLO', protocol], ['FLUSHALL'], ['SET', 's', 'abc'], ['RPUSH', 'l', 'a', 'b'], ['HSET', 'h', 'f', 'v']]);
    const both = async (...args: string[]): Promise<[string, string]> =>
      Promise.all([pair.redisClient.call(...args), pair.vestaClient.call(...args)]);
    const [redisStats, vestaStats] = await both('MEMORY', 'STATS');
    // Redis reports functions.caches > 0 even with no functions; the numbers are not compared.
    assert.equal(shape(vestaStats), shape(redisStats), `MEMORY STATS (RESP${String(protocol)})`);
    for (const key of ['s', 'l', 'h']) {
      for (const extra of [[], ['SAMPLES', '0'], ['SAMPLES', '1']]) {
        const [r, v] = await both('MEMORY', 'USAGE', key, ...extra);
        assert.match(r, /^:\d+\r\n$/);
        assert.match(v, /^:\d+\r\n$/, `MEMORY USAGE ${key} ${extra.join(' ')}`);
      }
    }
    for (const args of [['MEMORY', 'DOCTOR'], ['MEMORY', 'MALLOC-STATS'], ['LOLWUT'], ['LOLWUT', 'VERSION', '6'], ['LOLWUT', 'VERSION', '1']]) {
      const [r, v] = await both(...args);
      assert.equal(v[0], r[0], `${args.join(' ')} reply type (RESP${String(protocol)})`);
      if (protocol === 3) assert.match(v, /^=\d+\r\ntxt:/);
    }
    const [, lolwut] = await both('LOLWUT', 'VERSION', '1');
    assert.match(lolwut, /Vesta ver\. .* \(Redis ver\. 7\.0\.15 compatible\)\n/);
  }
  await same(pair, [['HELLO', 2]]);
});
