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
  // Subcommands, key counts (strict in the key spec, atoi in the command's own finder), SORT's
  // STORE, MIGRATE's KEYS, BITFIELD's read-only form, shard channels (not keys), and the order
  // of Redis's checks (command, has keys, arity, keys found).
  'COMMAND GETKEYS and GETKEYSANDFLAGS: the same keys, flags and refusals': [
    ['COMMAND', 'GETKEYS', 'PING'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'PING'],
    ['COMMAND', 'GETKEYS', 'PING', 'a', 'b', 'c'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'PING', 'a', 'b', 'c'],
    ['COMMAND', 'GETKEYS', 'GET'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'GET'],
    ['COMMAND', 'GETKEYS', 'XINFO', 'STREAM', 'k'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'XINFO', 'STREAM', 'k'],
    ['COMMAND', 'GETKEYS', 'XINFO', 'STREAM'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'XINFO', 'STREAM'],
    ['COMMAND', 'GETKEYS', 'CONFIG', 'GET', 'x'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'CONFIG', 'GET', 'x'],
    ['COMMAND', 'GETKEYS', 'OBJECT', 'ENCODING', 'k'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'OBJECT', 'ENCODING', 'k'],
    ['COMMAND', 'GETKEYS', 'xinfo', 'nosuch', 'k'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'xinfo', 'nosuch', 'k'],
    ['COMMAND', 'GETKEYS', 'set', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'eval', 'x', '1', 'k'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'eval', 'x', '1', 'k'],
    ['COMMAND', 'GETKEYS', 'memory', 'usage', 'k'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'memory', 'usage', 'k'],
    ['COMMAND', 'GETKEYS', 'client', 'kill', 'x'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'client', 'kill', 'x'],
    ['COMMAND', 'GETKEYS', 'get', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'get', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'DBSIZE', 'x'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'DBSIZE', 'x'],
    ['COMMAND', 'GETKEYS', 'XINFO'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'XINFO'],
    ['COMMAND', 'GETKEYS', 'object'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'object'],
    ['COMMAND', 'GETKEYS', 'eval', 'x', '0'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'eval', 'x', '0'],
    ['COMMAND', 'GETKEYS', 'eval', 'x', '2', 'k'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'eval', 'x', '2', 'k'],
    ['COMMAND', 'GETKEYS', 'eval', 'x', '-1'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'eval', 'x', '-1'],
    ['COMMAND', 'GETKEYS', 'eval', 'x', 'abc', 'k'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'eval', 'x', 'abc', 'k'],
    ['COMMAND', 'GETKEYS', 'sort', 'k', 'store', 'd'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'sort', 'k', 'store', 'd'],
    ['COMMAND', 'GETKEYS', 'zunionstore', 'd', '2', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zunionstore', 'd', '2', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'migrate', 'h', 'p', 'k', '0', '1', 'keys', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'migrate', 'h', 'p', 'k', '0', '1', 'keys', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'xread', 'streams', 'a', 'b', '0', '0'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'xread', 'streams', 'a', 'b', '0', '0'],
    ['COMMAND', 'GETKEYS', 'georadius', 'k', '0', '0', '1', 'm', 'store', 'd'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'georadius', 'k', '0', '0', '1', 'm', 'store', 'd'],
    ['COMMAND', 'GETKEYS', 'migrate', 'h', 'p', '', '0', '1', 'keys', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'migrate', 'h', 'p', '', '0', '1', 'keys', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'migrate', 'h', 'p', 'k', '0', '1'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'migrate', 'h', 'p', 'k', '0', '1'],
    ['COMMAND', 'GETKEYS', 'migrate', 'h', 'p', 'k', '0', '1', 'copy', 'replace'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'migrate', 'h', 'p', 'k', '0', '1', 'copy', 'replace'],
    ['COMMAND', 'GETKEYS', 'bitfield', 'k', 'get', 'u8', '0'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'bitfield', 'k', 'get', 'u8', '0'],
    ['COMMAND', 'GETKEYS', 'bitfield', 'k', 'set', 'u8', '0', '1'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'bitfield', 'k', 'set', 'u8', '0', '1'],
    ['COMMAND', 'GETKEYS', 'bitfield', 'k', 'incrby', 'u8', '0', '1', 'get', 'u8', '0'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'bitfield', 'k', 'incrby', 'u8', '0', '1', 'get', 'u8', '0'],
    ['COMMAND', 'GETKEYS', 'bitfield_ro', 'k', 'get', 'u8', '0'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'bitfield_ro', 'k', 'get', 'u8', '0'],
    ['COMMAND', 'GETKEYS', 'set', 'k', 'v', 'get'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v', 'get'],
    ['COMMAND', 'GETKEYS', 'sort', 'k', 'limit', '0', '1', 'store', 'a', 'by', 'b', 'store', 'c'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'sort', 'k', 'limit', '0', '1', 'store', 'a', 'by', 'b', 'store', 'c'],
    ['COMMAND', 'GETKEYS', 'sort', 'k', 'store'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'sort', 'k', 'store'],
    ['COMMAND', 'GETKEYS', 'sort_ro', 'k', 'by', 'x'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'sort_ro', 'k', 'by', 'x'],
    ['COMMAND', 'GETKEYS', 'lmpop', '2', 'a', 'b', 'left'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'lmpop', '2', 'a', 'b', 'left'],
    ['COMMAND', 'GETKEYS', 'xreadgroup', 'group', 'g', 'c', 'streams', 'a', 'b', '0', '0'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'xreadgroup', 'group', 'g', 'c', 'streams', 'a', 'b', '0', '0'],
    ['COMMAND', 'GETKEYS', 'sintercard', '2', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'sintercard', '2', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'zinterstore', 'd', '2', 'a', 'b', 'weights', '1', '2'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zinterstore', 'd', '2', 'a', 'b', 'weights', '1', '2'],
    ['COMMAND', 'GETKEYS', 'georadiusbymember', 'k', 'm', '1', 'm', 'storedist', 'd'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'georadiusbymember', 'k', 'm', '1', 'm', 'storedist', 'd'],
    ['COMMAND', 'GETKEYS', 'object', 'help'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'object', 'help'],
    ['COMMAND', 'GETKEYS', 'zunion', '2', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zunion', '2', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'blmpop', '0', '2', 'a', 'b', 'left'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'blmpop', '0', '2', 'a', 'b', 'left'],
    ['COMMAND', 'GETKEYS', 'eval', 'x', '1'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'eval', 'x', '1'],
    ['COMMAND', 'GETKEYS', 'fcall', 'f', '2', 'a', 'b', 'c'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'fcall', 'f', '2', 'a', 'b', 'c'],
    ['COMMAND', 'GETKEYS', 'xread', 'streams', 'a', 'b', '0'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'xread', 'streams', 'a', 'b', '0'],
    ['COMMAND', 'GETKEYS', 'xread', 'streams', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'xread', 'streams', 'a'],
    ['COMMAND', 'GETKEYS', 'xread', 'count', '1', 'streams'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'xread', 'count', '1', 'streams'],
    ['COMMAND', 'GETKEYS', 'zunion', '3', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zunion', '3', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'zunion', 'abc', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zunion', 'abc', 'a'],
    ['COMMAND', 'GETKEYS', 'zunion', '-1', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zunion', '-1', 'a'],
    ['COMMAND', 'GETKEYS', 'zunion', '0', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zunion', '0', 'a'],
    ['COMMAND', 'GETKEYS', 'lmpop', '3', 'a', 'b', 'left'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'lmpop', '3', 'a', 'b', 'left'],
    ['COMMAND', 'GETKEYS', 'eval', 'x', '3', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'eval', 'x', '3', 'a'],
    ['COMMAND', 'GETKEYS', 'eval', 'x', '-1', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'eval', 'x', '-1', 'a'],
    ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'mset', 'a', '1', 'b'],
    ['COMMAND', 'GETKEYS', 'del', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'del', 'a'],
    ['COMMAND', 'GETKEYS', 'rename', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'rename', 'a'],
    ['COMMAND', 'GETKEYS', 'xreadgroup', 'group', 'g', 'c', 'streams', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'xreadgroup', 'group', 'g', 'c', 'streams', 'a'],
    ['COMMAND', 'GETKEYS', 'georadius', 'k', '0', '0', '1', 'm', 'store'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'georadius', 'k', '0', '0', '1', 'm', 'store'],
    ['COMMAND', 'GETKEYS', 'sort', 'k', 'store', 'a', 'store'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'sort', 'k', 'store', 'a', 'store'],
    ['COMMAND', 'GETKEYS', 'spublish', 'ch', 'msg'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'spublish', 'ch', 'msg'],
    ['COMMAND', 'GETKEYS', 'ssubscribe', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'ssubscribe', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'sunsubscribe'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'sunsubscribe'],
    ['COMMAND', 'GETKEYS', 'sunsubscribe', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'sunsubscribe', 'a'],
    ['COMMAND', 'GETKEYS', 'bitfield', 'k', 'overflow', 'wrap', 'get', 'u8', '0'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'bitfield', 'k', 'overflow', 'wrap', 'get', 'u8', '0'],
    ['COMMAND', 'GETKEYS', 'bitfield', 'k', 'get', 'u8'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'bitfield', 'k', 'get', 'u8'],
    ['COMMAND', 'GETKEYS', 'bitfield', 'k'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'bitfield', 'k'],
    ['COMMAND', 'GETKEYS', 'set', 'k', 'v', 'GET', 'px', '10'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v', 'GET', 'px', '10'],
    ['COMMAND', 'GETKEYS', 'zunion', '01', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zunion', '01', 'a'],
    ['COMMAND', 'GETKEYS', 'zunion', '+1', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zunion', '+1', 'a'],
    ['COMMAND', 'GETKEYS', 'eval', 'x', '1', 'k', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'eval', 'x', '1', 'k', 'a'],
    ['COMMAND', 'GETKEYS', 'zunionstore', 'd', '01', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zunionstore', 'd', '01', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'zunionstore', 'd', '1abc', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zunionstore', 'd', '1abc', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'eval', 'x', ' 2', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'eval', 'x', ' 2', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'bzmpop', '0', '+1', 'a', 'min'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'bzmpop', '0', '+1', 'a', 'min'],
    ['COMMAND', 'GETKEYS', 'zintercard', '2', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'zintercard', '2', 'a'],
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
