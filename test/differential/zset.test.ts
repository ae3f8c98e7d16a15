// Differential tests for sorted-set commands: hand-written edge cases and fast-check random
// sequences sent to redis-server 7.0 and to Vesta, replies compared byte for byte in RESP2 and
// RESP3 (score formatting, nested pair shapes, error texts, OBJECT ENCODING conversions).
// ZSCAN over a skiplist and ZRANDMEMBER's random picks have no fixed order in Redis either:
// those are compared as collections and by shape.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { test } from 'node:test';
import { same, sharedPair } from '../helpers/differential.js';
import { parseReply } from '../helpers/resp-client.js';
import { requireRedis } from '../helpers/servers.js';

const p = sharedPair();

/** ZADD key with `count` members named prefix0.., scores from `score(i)`. */
function zaddMany(
  key: string,
  count: number,
  prefix: string,
  score: (i: number) => string,
): string[] {
  const args = ['ZADD', key];
  for (let i = 0; i < count; i++) args.push(score(i), `${prefix}${i}`);
  return args;
}

const LONG = 'x'.repeat(65);
const LONG64 = 'y'.repeat(64);

const SEQUENCES: Record<string, string[][]> = {
  'add, score, rank and remove': [
    ['FLUSHALL'],
    ['ZADD', 'a', '1.1', 'x', '-0', 'y', 'inf', 'z', '2', 'w'],
    ['ZRANGE', 'a', '0', '-1', 'WITHSCORES'],
    ['ZCARD', 'a'],
    ['ZCARD', 'nokey'],
    ['ZSCORE', 'a', 'x'],
    ['ZSCORE', 'a', 'nope'],
    ['ZSCORE', 'nokey', 'x'],
    ['ZMSCORE', 'a', 'x', 'nope', 'z'],
    ['ZMSCORE', 'nokey', 'x', 'y'],
    ['ZRANK', 'a', 'z'],
    ['ZREVRANK', 'a', 'z'],
    ['ZRANK', 'a', 'q'],
    ['ZRANK', 'nokey', 'q'],
    ['ZREM', 'a', 'x', 'x', 'nope'],
    ['ZREM', 'nokey', 'x'],
    ['ZREM', 'a', 'y', 'z', 'w'],
    ['EXISTS', 'a'],
    ['ZADD', 'a', '1', 'x', '1', 'x', '2', 'x'],
    ['ZSCORE', 'a', 'x'],
    ['ZRANK', 'a'],
    ['ZRANK', 'a', 'b', 'c'],
    ['ZSCORE', 'a', 'b', 'c'],
    ['ZMSCORE', 'a'],
    ['ZREM', 'a'],
  ],
  'zadd options and zincrby': [
    ['FLUSHALL'],
    ['ZADD', 'a', '1', 'x', '2', 'y'],
    ['ZADD', 'a', 'INCR', '1', 'x'],
    ['ZADD', 'a', 'GT', 'CH', '1', 'x', '5', 'y', '3', 'new'],
    ['ZADD', 'a', 'LT', 'CH', '1', 'x', '50', 'y'],
    ['ZADD', 'a', 'LT', 'INCR', '1', 'x'],
    ['ZADD', 'a', 'GT', 'INCR', '-1', 'x'],
    ['ZADD', 'a', 'GT', 'INCR', '0', 'x'],
    ['ZADD', 'a', 'NX', 'INCR', '1', 'x'],
    ['ZADD', 'a', 'NX', 'INCR', '1', 'fresh'],
    ['ZADD', 'a', 'XX', 'INCR', '1', 'none'],
    ['ZADD', 'a', 'XX', 'CH', '7', 'x', '8', 'none'],
    ['ZADD', 'a', 'XX', 'GT', 'CH', '100', 'x', '1', 'y'],
    ['ZADD', 'a', 'NX', 'CH', '100', 'x', '1', 'brand'],
    ['ZADD', 'a', 'CH', 'CH', '1', 'x'],
    ['ZADD', 'a', 'ch', 'gt', 'xx', '1000', 'x'],
    ['ZADD', 'a', 'NX', 'XX', '1', 'x'],
    ['ZADD', 'a', 'NX', 'GT', '1', 'x'],
    ['ZADD', 'a', 'GT', 'LT', '1', 'x'],
    ['ZADD', 'a', 'LT', 'NX', '1', 'x'],
    ['ZADD', 'a', 'XX', 'NX', 'GT', '1', 'x', '2'],
    ['ZADD', 'a', 'INCR', '1', 'x', '2', 'y'],
    ['ZADD', 'a', 'INCR', 'GT', '5', 'x', '1', 'y'],
    ['ZADD', 'a', '1', 'x', 'nan', 'y'],
    ['ZADD', 'a', 'XX', 'abc', 'x'],
    ['ZADD', 'a', 'NX'],
    ['ZADD', 'a', 'NX', '1'],
    ['ZADD', 'a', '1'],
    ['ZADD', 'a'],
    ['ZADD', 'a', 'INCR', '-inf', 'inf1'],
    ['ZADD', 'a', 'INCR', 'inf', 'inf1'],
    ['ZINCRBY', 'a', '1', 'inf1'],
    ['ZSCORE', 'a', 'inf1'],
    ['ZINCRBY', 'a', '0.1', 'dec'],
    ['ZINCRBY', 'a', '0.2', 'dec'],
    ['ZINCRBY', 'a', 'abc', 'dec'],
    ['ZINCRBY', 'a', 'nx', 'dec'],
    ['ZINCRBY', 'a', 'incr', 'dec'],
    ['ZINCRBY', 'a', '1'],
    ['ZADD', 'nk', 'XX', '1', 'm'],
    ['ZADD', 'nk', 'XX', 'INCR', '1', 'm'],
    ['EXISTS', 'nk'],
    ['ZADD', 'nk', 'GT', '1', 'm'],
    ['ZADD', 'nk2', 'INCR', '-0', 'm'],
    ['ZRANGE', 'a', '0', '-1', 'WITHSCORES'],
  ],
  'score parsing and formatting': [
    ['FLUSHALL'],
    ['ZADD', 'f', '1e-310', 'a'],
    ['ZADD', 'f', '4e-324', 'b'],
    ['ZADD', 'f', '2e-324', 'c'],
    ['ZADD', 'f', '0x1p-3', 'd'],
    ['ZADD', 'f', '0X1.8P1', 'e'],
    ['ZADD', 'f', '1e308', 'g'],
    ['ZADD', 'f', '1e309', 'h'],
    ['ZADD', 'f', '-1e309', 'h'],
    ['ZADD', 'f', ' 1', 'i'],
    ['ZADD', 'f', '1 ', 'i'],
    ['ZADD', 'f', '', 'i'],
    ['ZADD', 'f', '+1', 'i'],
    ['ZADD', 'f', '-.5', 'j'],
    ['ZADD', 'f', '5.', 'k'],
    ['ZADD', 'f', '1e', 'l'],
    ['ZADD', 'f', 'infinity', 'm'],
    ['ZADD', 'f', '-Infinity', 'n'],
    ['ZADD', 'f', '0.1', 'o', '0.2', 'p', '0.30000000000000004', 'q', '123456789012345678', 'r'],
    ['ZADD', 'f', '1e17', 's', '1.5e-5', 't', '100000000000000000000', 'u', '1e-7', 'v'],
    ['ZADD', 'f', '-0', 'w', '3.0', 'x', '1.1', 'y', '-2.5e-300', 'z'],
    ['ZRANGE', 'f', '0', '-1', 'WITHSCORES'],
    ['ZRANGE', 'f', '0', '-1', 'WITHSCORES', 'REV'],
    ['ZINCRBY', 'f', '0.2', 'o'],
    ['ZINCRBY', 'f', '1', 'm'],
    ['ZINCRBY', 'f', '-inf', 'm'],
    ['ZSCORE', 'f', 'm'],
    ['ZADD', 'f', 'INCR', 'nan', 'm'],
    ['ZCOUNT', 'f', '((1', '2'],
    ['ZCOUNT', 'f', '1 ', '2'],
    ['ZCOUNT', 'f', ' 1', ' 2'],
    ['ZCOUNT', 'f', '', ''],
    ['ZCOUNT', 'f', '(', '1'],
    ['ZCOUNT', 'f', '-infinity', 'INF'],
    ['ZCOUNT', 'f', '1e400', '2'],
    ['ZCOUNT', 'f', '-1e400', '2'],
    ['ZCOUNT', 'f', '0x0', '0'],
    ['ZCOUNT', 'f', '.', '1'],
    ['ZCOUNT', 'f', '1.', '2'],
    ['ZCOUNT', 'f', '+.5e1', '6'],
    ['ZCOUNT', 'f', 'nan', '6'],
    ['ZCOUNT', 'f', '(nan', '6'],
    ['ZCOUNT', 'f', '0', '(-0'],
    ['ZCOUNT', 'f', '-0', '0'],
    ['ZCOUNT', 'nokey', 'x', '1'],
    ['ZCOUNT', 'nokey', '0', '1'],
  ],
  'zrange family': [
    ['FLUSHALL'],
    ['ZADD', 'r', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
    ['ZRANGE', 'r', '-2', '-1', 'WITHSCORES'],
    ['ZRANGE', 'r', '-100', '1'],
    ['ZRANGE', 'r', '3', '100'],
    ['ZRANGE', 'r', '3', '2'],
    ['ZRANGE', 'r', '5', '10'],
    ['ZRANGE', 'r', '0', '-1', 'REV', 'WITHSCORES'],
    ['ZRANGE', 'r', '-2', '-1', 'REV'],
    ['ZRANGE', 'r', '1', '100', 'REV'],
    ['ZREVRANGE', 'r', '-1', '-1'],
    ['ZREVRANGE', 'r', '1', '2', 'WITHSCORES'],
    ['ZRANGE', 'r', '(1', '(5', 'BYSCORE', 'REV'],
    ['ZRANGE', 'r', '(5', '(1', 'BYSCORE', 'REV'],
    ['ZRANGE', 'r', '5', '1', 'BYSCORE', 'REV', 'LIMIT', '1', '2'],
    ['ZRANGE', 'r', '1', '5', 'BYSCORE', 'LIMIT', '0', '0'],
    ['ZRANGE', 'r', '1', '5', 'BYSCORE', 'LIMIT', '10', '1'],
    ['ZRANGE', 'r', '1', '5', 'BYSCORE', 'LIMIT', '1', '-5', 'WITHSCORES'],
    ['ZRANGE', 'r', '1', '5', 'BYSCORE', 'LIMIT', '-1', '2'],
    ['ZRANGE', 'r', '-inf', '+inf', 'BYSCORE', 'LIMIT', '4', '-1'],
    ['ZRANGE', 'r', '0', '-1', 'REV', 'LIMIT', '0', '-1'],
    ['ZRANGE', 'r', '0', '-1', 'LIMIT', '0', '-2'],
    ['ZRANGE', 'r', '0', '-1', 'LIMIT', '0', '1'],
    ['ZRANGE', 'r', '0', '-1', 'LIMIT', '0'],
    ['ZRANGE', 'r', '0', '1', 'LIMIT', 'x', '1'],
    ['ZRANGE', 'r', '-', '+', 'BYLEX', 'WITHSCORES'],
    ['ZRANGE', 'r', '0', '-1', 'BYSCORE', 'BYLEX'],
    ['ZRANGE', 'r', '0', '-1', 'REV', 'REV'],
    ['ZRANGE', 'r', 'x', '1'],
    ['ZRANGE', 'r', '0', 'x', 'BYSCORE'],
    ['ZRANGE', 'r', '0', 'x', 'BYLEX'],
    ['ZRANGE', 'r', '0', '1', 'foo'],
    ['ZRANGE', 'r', '0'],
    ['ZREVRANGE', 'r', '0', '1', 'REV'],
    ['ZREVRANGE', 'r', '0', '1', 'BYSCORE'],
    ['ZREVRANGE', 'r', '0', '1', 'LIMIT', '0', '1'],
    ['ZRANGEBYSCORE', 'r', '3', '3'],
    ['ZRANGEBYSCORE', 'r', '(3', '3'],
    ['ZRANGEBYSCORE', 'r', '3', '(3'],
    ['ZRANGEBYSCORE', 'r', '4', '3'],
    ['ZRANGEBYSCORE', 'r', '-inf', '-inf'],
    ['ZRANGEBYSCORE', 'r', '(-inf', '(inf', 'WITHSCORES', 'WITHSCORES'],
    ['ZRANGEBYSCORE', 'r', '-inf', '+inf', 'WITHSCORES', 'LIMIT', '1', '2'],
    ['ZRANGEBYSCORE', 'r', '-inf', '+inf', 'LIMIT', '1', '2', 'LIMIT', '0', '1'],
    ['ZRANGEBYSCORE', 'r', '0', '1', 'BYSCORE'],
    ['ZRANGEBYSCORE', 'r', '0', '1', 'REV'],
    ['ZRANGEBYSCORE', 'r', '0', '1', 'LIMIT', '0'],
    ['ZRANGEBYSCORE', 'r', '0', '1', 'LIMIT', 'a', '1'],
    ['ZRANGEBYSCORE', 'r', 'a', '1', 'LIMIT', '0', '1'],
    ['ZREVRANGEBYSCORE', 'r', '(100', '2', 'LIMIT', '1', '2', 'WITHSCORES'],
    ['ZREVRANGEBYSCORE', 'r', '2', '4'],
    ['ZRANGE', 'nokey', '0', '-1'],
    ['ZRANGE', 'nokey', '0', '-1', 'WITHSCORES'],
    ['ZRANGE', 'nokey', '(1', '(1', 'BYSCORE'],
    ['ZRANGE', 'nokey', 'x', '1'],
  ],
  'lex ranges': [
    ['FLUSHALL'],
    [
      'ZADD',
      'lex',
      '0',
      'a',
      '0',
      'b',
      '0',
      'c',
      '0',
      'd',
      '0',
      'e',
      '0',
      'f',
      '0',
      '',
      '0',
      '\xff',
    ],
    ['ZRANGEBYLEX', 'lex', '[b', '(e'],
    ['ZREVRANGEBYLEX', 'lex', '(e', '[b'],
    ['ZRANGEBYLEX', 'lex', '-', '+', 'LIMIT', '1', '2'],
    ['ZREVRANGEBYLEX', 'lex', '+', '-', 'LIMIT', '1', '2'],
    ['ZRANGEBYLEX', 'lex', '+', '-'],
    ['ZRANGEBYLEX', 'lex', '-', '-'],
    ['ZRANGEBYLEX', 'lex', '(a', '(a'],
    ['ZRANGEBYLEX', 'lex', '[a', '[a'],
    ['ZRANGEBYLEX', 'lex', '[', '(b'],
    ['ZRANGEBYLEX', 'lex', '(', '+'],
    ['ZRANGEBYLEX', 'lex', 'a', '+'],
    ['ZRANGEBYLEX', 'lex', '[a', '+x'],
    ['ZRANGEBYLEX', 'lex', '', '+'],
    ['ZRANGEBYLEX', 'lex', '-', '+', 'WITHSCORES'],
    ['ZRANGEBYLEX', 'lex', '-', '+', 'LIMIT', '-1', '2'],
    ['ZRANGE', 'lex', '+', '-', 'BYLEX', 'REV', 'LIMIT', '0', '-1'],
    ['ZRANGE', 'lex', '[c', '[a', 'BYLEX', 'REV'],
    ['ZLEXCOUNT', 'lex', '(b', '+'],
    ['ZLEXCOUNT', 'lex', '-', '-'],
    ['ZLEXCOUNT', 'lex', '+', '+'],
    ['ZLEXCOUNT', 'lex', '-', '+'],
    ['ZLEXCOUNT', 'lex', 'x', '+'],
    ['ZLEXCOUNT', 'nokey', '-', '+'],
    ['ZREMRANGEBYLEX', 'lex', '(b', '[d'],
    ['ZRANGE', 'lex', '0', '-1'],
    ['ZREMRANGEBYLEX', 'lex', 'x', '+'],
    ['ZADD', 'mixed', '1.1', 'x', '-0', 'y', 'inf', 'z', '2', 'w'],
    ['ZRANGE', 'mixed', '[x', '(z', 'BYLEX'],
    ['ZRANGE', 'mixed', '(z', '[x', 'BYLEX', 'REV'],
    ['ZRANGE', 'mixed', '[a', '[x', 'BYLEX', 'LIMIT', '1', '5'],
    ['ZLEXCOUNT', 'mixed', '[x', '+'],
    ['ZLEXCOUNT', 'mixed', '-', '[x'],
    ['ZREMRANGEBYLEX', 'mixed', '[x', '+'],
    ['ZRANGE', 'mixed', '0', '-1', 'WITHSCORES'],
    ['ZADD', 'skip', '0', 'a', '0', 'b', '0', 'c', '0', LONG, '0', 'z'],
    ['OBJECT', 'ENCODING', 'skip'],
    ['ZRANGEBYLEX', 'skip', '(a', '[z'],
    ['ZREVRANGEBYLEX', 'skip', '[z', '(a', 'LIMIT', '1', '2'],
    ['ZLEXCOUNT', 'skip', '(a', '[x'],
    ['ZREMRANGEBYLEX', 'skip', '[b', '[c'],
    ['ZRANGE', 'skip', '0', '-1'],
  ],
  'pops and zmpop': [
    ['FLUSHALL'],
    ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z', '4', 'w'],
    ['ZPOPMIN', 'a'],
    ['ZPOPMAX', 'a'],
    ['ZPOPMIN', 'a', '1'],
    ['ZPOPMAX', 'a', '5'],
    ['EXISTS', 'a'],
    ['ZPOPMIN', 'a'],
    ['ZPOPMIN', 'a', '0'],
    ['ZPOPMIN', 'nokey', '0'],
    ['ZADD', 'a', '1', 'x', '2', 'y'],
    ['ZPOPMIN', 'a', '0'],
    ['ZPOPMIN', 'a', '-1'],
    ['ZPOPMIN', 'a', 'abc'],
    ['ZPOPMIN', 'a', '1', '2'],
    ['ZMPOP', '2', 'nokey', 'a', 'MAX', 'COUNT', '1'],
    ['ZMPOP', '1', 'nokey', 'MAX'],
    ['ZMPOP', '2', 'nokey', 'a', 'min', 'count', '10'],
    ['ZMPOP', '1', 'a', 'MIN'],
    ['ZMPOP', 'abc', 'a', 'MIN'],
    ['ZMPOP', '0', 'a', 'MIN'],
    ['ZMPOP', '-1', 'a', 'MIN'],
    ['ZMPOP', '5', 'a', 'MIN'],
    ['ZMPOP', '1', 'a', 'LEFT'],
    ['ZMPOP', '1', 'a', 'MIN', 'COUNT', 'abc'],
    ['ZMPOP', '1', 'a', 'MIN', 'COUNT', '0'],
    ['ZMPOP', '1', 'a', 'MIN', 'COUNT'],
    ['ZMPOP', '1', 'a', 'MIN', 'COUNT', '1', 'COUNT', '1'],
    ['ZMPOP', '1', 'a', 'MIN', 'x'],
    ['SET', 'str', 'v'],
    ['ZPOPMIN', 'str'],
    ['ZMPOP', '2', 'nokey', 'str', 'MIN'],
    ['ZADD', 'a', '1', 'x'],
    ['ZMPOP', '2', 'a', 'str', 'MIN'],
    ['ZMPOP', '2', 'str', 'a', 'MIN'],
  ],
  'a packed set of 32 to 128 members, as a queue keeps its last 100 finished jobs': [
    ['FLUSHALL'],
    ['ZADD', 'q', ...Array.from({ length: 100 }, (_, i) => [String(i * 10), `job${i}`]).flat()],
    ['ZADD', 'q', '5', 'early', '505', 'middle', '2000', 'late'],
    ['ZREMRANGEBYRANK', 'q', '0', '0'],
    ['ZREMRANGEBYRANK', 'q', '0', '-101'],
    ['ZREM', 'q', 'middle', 'job50', 'nope'],
    ['ZADD', 'q', '2001', 'later'],
    ['ZREMRANGEBYSCORE', 'q', '100', '200'],
    ['ZCARD', 'q'],
    ['ZRANGE', 'q', '0', '-1', 'WITHSCORES'],
    ['OBJECT', 'ENCODING', 'q'],
    ['ZADD', 'q', ...Array.from({ length: 40 }, (_, i) => [String(3000 + i), `more${i}`]).flat()],
    ['OBJECT', 'ENCODING', 'q'],
    ['ZRANGE', 'q', '0', '-1', 'WITHSCORES'],
  ],
  'zremrangeby and zrangestore': [
    ['FLUSHALL'],
    ['ZADD', 'a', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'],
    ['ZREMRANGEBYRANK', 'a', '0', '0'],
    ['ZREMRANGEBYRANK', 'a', '5', '1'],
    ['ZREMRANGEBYRANK', 'a', '-100', '-5'],
    ['ZREMRANGEBYSCORE', 'a', '(5', 'inf'],
    ['ZREMRANGEBYSCORE', 'a', '(3', '(3'],
    ['ZREMRANGEBYLEX', 'a', '-', '[b'],
    ['ZRANGE', 'a', '0', '-1', 'WITHSCORES'],
    ['ZREMRANGEBYRANK', 'a', 'x', '1'],
    ['ZREMRANGEBYSCORE', 'a', 'x', '1'],
    ['ZREMRANGEBYRANK', 'nokey', '0', '1'],
    ['ZREMRANGEBYSCORE', 'nokey', '0', '1'],
    ['ZREMRANGEBYRANK', 'a', '0', '-1'],
    ['EXISTS', 'a'],
    ['ZADD', 'a', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
    ['ZRANGESTORE', 'dst', 'a', '1', '2'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['ZRANGESTORE', 'dst', 'a', '(1', '3', 'BYSCORE', 'REV'],
    ['ZRANGESTORE', 'dst', 'a', '3', '(1', 'BYSCORE', 'REV', 'LIMIT', '0', '1'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['ZRANGESTORE', 'dst', 'a', '[b', '+', 'BYLEX'],
    ['ZRANGESTORE', 'dst', 'a', '5', '6'],
    ['EXISTS', 'dst'],
    ['ZRANGESTORE', 'dst', 'a', '0', '-1', 'WITHSCORES'],
    ['ZRANGESTORE', 'dst', 'a', '0', '-1', 'REV', 'REV'],
    ['ZRANGESTORE', 'dst', 'nokey', '0', '-1'],
    ['ZADD', 't', '1', 'a'],
    ['EXPIRE', 't', '100'],
    ['ZADD', 't', '2', 'b'],
    ['TTL', 't'],
    ['ZRANGESTORE', 't', 't', '0', '0'],
    ['TTL', 't'],
    ['ZRANGE', 't', '0', '-1', 'WITHSCORES'],
    ['SET', 'str', 'v'],
    ['ZRANGESTORE', 'dst', 'str', '0', '1'],
    ['ZRANGESTORE', 'str', 'a', '0', '1'],
    ['TYPE', 'str'],
  ],
  'union, inter, diff and intercard': [
    ['FLUSHALL'],
    ['SADD', 'set', 'a', 'b', 'x'],
    ['SADD', 'ints', '1', '2', '3'],
    ['ZADD', 'z1', '1', 'a', '2', 'b', '3', 'c'],
    ['ZADD', 'z2', '10', 'b', '20', 'c', '30', 'd'],
    ['ZADD', 'n', '1', '1', '2', '2'],
    ['ZADD', 'i1', '1', 'x', 'inf', 'y', '-inf', 'z', '0', 'w'],
    ['ZADD', 'i2', '-inf', 'x', 'inf', 'y', 'inf', 'z', '1.1', 'w'],
    ['ZUNION', '3', 'z1', 'z2', 'set', 'WITHSCORES'],
    ['ZUNION', '2', 'z1', 'z2', 'WEIGHTS', '2', '0.5', 'AGGREGATE', 'MAX', 'WITHSCORES'],
    ['ZUNION', '2', 'i1', 'i2', 'WITHSCORES'],
    ['ZUNION', '2', 'i1', 'i2', 'WEIGHTS', '0', '1', 'WITHSCORES'],
    ['ZUNION', '2', 'i1', 'i2', 'WEIGHTS', 'inf', '-inf', 'WITHSCORES'],
    ['ZUNION', '2', 'i1', 'i2', 'AGGREGATE', 'MIN', 'WEIGHTS', '0', '0', 'WITHSCORES'],
    ['ZUNION', '3', 'z1', 'z1', 'z1', 'WEIGHTS', '0.1', '0.2', '0.3', 'WITHSCORES'],
    ['ZUNION', '2', 'ints', 'n', 'WITHSCORES'],
    ['ZINTER', '2', 'i1', 'i2', 'WEIGHTS', '0', '2', 'AGGREGATE', 'MAX', 'WITHSCORES'],
    ['ZINTER', '2', 'i1', 'i2', 'WEIGHTS', '1', '0', 'WITHSCORES'],
    ['ZINTER', '2', 'z1', 'z2', 'AGGREGATE', 'min', 'WITHSCORES'],
    ['ZINTER', '3', 'z1', 'z2', 'set', 'WITHSCORES'],
    ['ZINTER', '2', 'z1', 'z1', 'WITHSCORES'],
    ['ZINTER', '2', 'set', 'set', 'WITHSCORES'],
    ['ZINTER', '2', 'ints', 'n', 'WITHSCORES', 'AGGREGATE', 'SUM', 'AGGREGATE', 'MAX'],
    ['ZINTER', '2', 'z1', 'nokey'],
    ['ZDIFF', '2', 'z1', 'z2', 'WITHSCORES'],
    ['ZDIFF', '3', 'i1', 'i2', 'set'],
    ['ZDIFF', '1', 'i1', 'WITHSCORES'],
    ['ZDIFF', '2', 'set', 'z1', 'WITHSCORES'],
    ['ZDIFF', '2', 'z1', 'z1'],
    ['ZDIFF', '2', 'nokey', 'z1'],
    ['ZDIFF', '1', 'z1', 'WEIGHTS', '1'],
    ['ZDIFF', '1', 'z1', 'AGGREGATE', 'SUM'],
    ['ZDIFFSTORE', 'd', '2', 'z2', 'z1'],
    ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
    ['ZDIFFSTORE', 'd', '2', 'z1', 'z1'],
    ['EXISTS', 'd'],
    ['ZDIFFSTORE', 'd', '1', 'z1', 'WITHSCORES'],
    ['ZUNIONSTORE', 'd', '2', 'z1', 'z2'],
    ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
    ['ZUNIONSTORE', 'd', '2', 'z1', 'z2', 'WITHSCORES'],
    ['ZINTERSTORE', 'd', '2', 'z1', 'set', 'WEIGHTS', '2', '3'],
    ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
    ['ZINTERSTORE', 'd', '2', 'z1', 'nokey'],
    ['EXISTS', 'd'],
    ['ZINTERSTORE', 'z1', '2', 'z1', 'z2'],
    ['ZRANGE', 'z1', '0', '-1', 'WITHSCORES'],
    ['ZINTERCARD', '2', 'z2', 'i2'],
    ['ZINTERCARD', '2', 'z2', 'set', 'LIMIT', '0'],
    ['ZINTERCARD', '2', 'z2', 'z2', 'LIMIT', '2'],
    ['ZINTERCARD', '2', 'z2', 'z2', 'LIMIT', '-1'],
    ['ZINTERCARD', '2', 'z2', 'z2', 'LIMIT', 'abc'],
    ['ZINTERCARD', '2', 'z2', 'z2', 'WITHSCORES'],
    ['ZINTERCARD', '2', 'z2', 'z2', 'WEIGHTS', '1', '1'],
    ['ZINTERCARD', '3', 'z2', 'z2'],
    ['ZINTERCARD', '2', 'z2', 'nokey'],
    ['ZINTERCARD', '1', 'set'],
    ['ZINTERCARD', '0', 'set'],
    ['SET', 'str', 'v'],
    ['ZUNION', '2', 'z2', 'str'],
    ['ZUNION', '2', 'str', 'z2', 'WEIGHTS', 'x'],
    ['ZINTERCARD', '1', 'str'],
    ['ZDIFF', '2', 'nokey', 'str'],
    ['ZUNIONSTORE', 'str', '1', 'z2'],
    ['TYPE', 'str'],
    ['ZUNION', '0', 'z2'],
    ['ZUNION', '-1', 'z2'],
    ['ZUNIONSTORE', 'd', '0', 'z2'],
    ['ZINTERSTORE', 'd', '0', 'z2'],
    ['ZDIFFSTORE', 'd', '0', 'z2'],
    ['ZUNION', 'x', 'z2'],
    ['ZUNION', '3', 'z2'],
    ['ZUNION', '9223372036854775808', 'z2'],
    ['ZUNION', '1', 'z2', 'WEIGHTS', 'a'],
    ['ZUNION', '1', 'z2', 'WEIGHTS'],
    ['ZUNION', '2', 'z2', 'z2', 'WEIGHTS', '1'],
    ['ZUNION', '2', 'z2', 'z2', 'WEIGHTS', '1', '2', '3'],
    ['ZUNION', '2', 'z2', 'z2', 'AGGREGATE'],
    ['ZUNION', '2', 'z2', 'z2', 'AGGREGATE', 'avg'],
    ['ZUNION', '2', 'z2', 'z2', 'WITHSCORES', 'WITHSCORES'],
  ],
  'zrandmember and zscan (deterministic forms)': [
    ['FLUSHALL'],
    ['ZADD', 'a', '1', 'x', '2.5', 'y', '-inf', 'z'],
    ['ZRANDMEMBER', 'a', '3', 'WITHSCORES'],
    ['ZRANDMEMBER', 'a', '100'],
    ['ZRANDMEMBER', 'a', '0'],
    ['ZRANDMEMBER', 'a', '0', 'WITHSCORES'],
    ['ZRANDMEMBER', 'a', '0', 'x'],
    ['ZRANDMEMBER', 'a', '1', 'WITHSCORES', 'x'],
    ['ZRANDMEMBER', 'a', 'x'],
    ['ZRANDMEMBER', 'a', '-9223372036854775808'],
    ['ZRANDMEMBER', 'a', '4611686018427387904', 'WITHSCORES'],
    ['ZRANDMEMBER', 'a', '-4611686018427387904', 'WITHSCORES'],
    ['ZRANDMEMBER', 'nokey'],
    ['ZRANDMEMBER', 'nokey', '5'],
    ['ZRANDMEMBER', 'nokey', '1', 'x'],
    ['ZADD', 'one', '7', 'only'],
    ['ZRANDMEMBER', 'one'],
    ['ZRANDMEMBER', 'one', '-3', 'WITHSCORES'],
    ['ZRANDMEMBER', 'one', '1'],
    ['ZADD', 'skip', '1', LONG, '2', 'b'],
    ['ZRANDMEMBER', 'skip', '2', 'WITHSCORES'],
    ['ZSCAN', 'a', '0'],
    ['ZSCAN', 'a', '0', 'MATCH', '[xy]'],
    ['ZSCAN', 'a', '12', 'MATCH', '*', 'COUNT', '1'],
    ['ZSCAN', 'a', 'abc'],
    ['ZSCAN', 'a', '-1'],
    ['ZSCAN', 'a', '0', 'COUNT', '0'],
    ['ZSCAN', 'a', '0', 'COUNT', 'x'],
    ['ZSCAN', 'a', '0', 'MATCH'],
    ['ZSCAN', 'a', '0', 'TYPE', 'zset'],
    ['ZSCAN', 'a', '0', 'BAD'],
    ['ZSCAN', 'nokey', '0', 'BAD'],
    ['ZSCAN', 'nokey', '0'],
    ['SET', 'str', 'v'],
    ['ZSCAN', 'str', '0'],
    ['ZRANDMEMBER', 'str'],
    ['ZRANDMEMBER', 'str', '1'],
  ],
  'wrong types': [
    ['FLUSHALL'],
    ['SET', 's', 'v'],
    ['ZADD', 's', '1', 'x'],
    ['ZADD', 's', 'x', 'x'],
    ['ZINCRBY', 's', '1', 'x'],
    ['ZREM', 's', 'x'],
    ['ZCARD', 's'],
    ['ZCOUNT', 's', '0', '1'],
    ['ZCOUNT', 's', 'x', '1'],
    ['ZLEXCOUNT', 's', '-', '+'],
    ['ZSCORE', 's', 'x'],
    ['ZMSCORE', 's', 'x'],
    ['ZRANK', 's', 'x'],
    ['ZREVRANK', 's', 'x'],
    ['ZRANGE', 's', '0', '1'],
    ['ZRANGE', 's', 'x', '1'],
    ['ZRANGEBYSCORE', 's', '0', '1'],
    ['ZRANGEBYLEX', 's', '-', '+'],
    ['ZREMRANGEBYRANK', 's', '0', '1'],
    ['ZREMRANGEBYSCORE', 's', '0', '1'],
    ['ZREMRANGEBYLEX', 's', '-', '+'],
    ['ZPOPMAX', 's'],
    ['ZPOPMAX', 's', '0'],
    ['ZRANDMEMBER', 's', '0'],
    ['HSET', 'l', 'f', 'x'],
    ['ZUNIONSTORE', 'd', '1', 'l'],
    ['ZINTER', '1', 'l'],
    ['GET', 's'],
  ],
  encodings: [
    ['FLUSHALL'],
    zaddMany('big', 128, 'm', (i) => String(i % 7)),
    ['OBJECT', 'ENCODING', 'big'],
    ['ZADD', 'big', '1', 'm0'],
    ['OBJECT', 'ENCODING', 'big'],
    ['ZADD', 'big', 'XX', '1', 'not-there'],
    ['OBJECT', 'ENCODING', 'big'],
    ['ZADD', 'big', '-0', 'new'],
    ['OBJECT', 'ENCODING', 'big'],
    ['ZSCORE', 'big', 'new'],
    ['ZREMRANGEBYRANK', 'big', '0', '100'],
    ['OBJECT', 'ENCODING', 'big'],
    ['ZRANGE', 'big', '0', '-1', 'WITHSCORES'],
    ['ZADD', 'l', '1', LONG64],
    ['OBJECT', 'ENCODING', 'l'],
    ['ZADD', 'l', 'XX', '-0', LONG],
    ['OBJECT', 'ENCODING', 'l'],
    ['ZADD', 'l', '-0', LONG],
    ['OBJECT', 'ENCODING', 'l'],
    ['ZSCORE', 'l', LONG],
    ['ZADD', 'l2', '-0', 'a', '1', LONG],
    ['OBJECT', 'ENCODING', 'l2'],
    ['ZSCORE', 'l2', 'a'],
    ['ZADD', 'l3', '-0', LONG, '-0', 'a'],
    ['OBJECT', 'ENCODING', 'l3'],
    ['ZSCORE', 'l3', 'a'],
    ['ZINCRBY', 'l3', '0', 'a'],
    ['ZSCORE', 'l3', 'a'],
    ['ZRANGESTORE', 'd1', 'big', '0', '-1'],
    ['OBJECT', 'ENCODING', 'd1'],
    ['ZRANGESTORE', 'd2', 'l3', '0', '0'],
    ['OBJECT', 'ENCODING', 'd2'],
    ['ZRANGESTORE', 'd3', 'l3', '0', '-1'],
    ['OBJECT', 'ENCODING', 'd3'],
    ['ZSCORE', 'd3', 'a'],
    ['ZUNIONSTORE', 'd4', '1', 'l3'],
    ['OBJECT', 'ENCODING', 'd4'],
    ['ZSCORE', 'd4', 'a'],
    ['ZINTERSTORE', 'd5', '2', 'l3', 'l3'],
    ['OBJECT', 'ENCODING', 'd5'],
    ['ZUNION', '1', 'l3', 'WITHSCORES'],
    ['ZDIFFSTORE', 'd6', '2', 'l3', 'd2'],
    ['OBJECT', 'ENCODING', 'd6'],
    ['ZSCORE', 'd6', 'a'],
    zaddMany('big2', 129, 'n', (i) => String(i)),
    ['OBJECT', 'ENCODING', 'big2'],
    ['ZRANGESTORE', 'd7', 'big2', '0', '-1'],
    ['OBJECT', 'ENCODING', 'd7'],
    ['ZRANGESTORE', 'd8', 'big2', '0', '127'],
    ['OBJECT', 'ENCODING', 'd8'],
    ['ZRANGESTORE', 'd9', 'big2', '-inf', '+inf', 'BYSCORE'],
    ['OBJECT', 'ENCODING', 'd9'],
    ['ZRANGESTORE', 'd10', 'big2', '-inf', '+inf', 'BYSCORE', 'LIMIT', '0', '128'],
    ['OBJECT', 'ENCODING', 'd10'],
    ['ZUNIONSTORE', 'd11', '2', 'big2', 'big'],
    ['OBJECT', 'ENCODING', 'd11'],
    ['ZDIFFSTORE', 'd12', '2', 'big2', 'd8'],
    ['OBJECT', 'ENCODING', 'd12'],
    ['ZPOPMIN', 'big2', '5'],
    ['ZPOPMAX', 'big2', '3'],
    ['ZCARD', 'big2'],
    ['OBJECT', 'ENCODING', 'big2'],
    ['ZRANGE', 'big2', '10', '12', 'WITHSCORES'],
    ['ZREVRANGE', 'big2', '10', '12', 'WITHSCORES'],
    ['ZRANGEBYSCORE', 'big2', '(10', '20', 'LIMIT', '3', '4', 'WITHSCORES'],
    ['ZREVRANGEBYSCORE', 'big2', '(100', '20', 'LIMIT', '3', '4', 'WITHSCORES'],
    ['ZCOUNT', 'big2', '10', '(20'],
    ['ZRANK', 'big2', 'n50'],
    ['ZREVRANK', 'big2', 'n50'],
    ['ZREMRANGEBYSCORE', 'big2', '50', '60'],
    ['ZCARD', 'big2'],
    ['ZRANGE', 'big2', '45', '50'],
    ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'],
    ['ZADD', 'zero', '1', 'a'],
    ['OBJECT', 'ENCODING', 'zero'],
    ['ZUNIONSTORE', 'zero2', '1', 'zero'],
    ['OBJECT', 'ENCODING', 'zero2'],
    ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
    ['CONFIG', 'SET', 'zset-max-listpack-value', '2'],
    ['ZADD', 'v', '1', 'ab', '2', 'abc'],
    ['OBJECT', 'ENCODING', 'v'],
    ['CONFIG', 'SET', 'zset-max-listpack-value', '64'],
  ],
};

for (const [name, commands] of Object.entries(SEQUENCES)) {
  for (const resp of [2, 3]) {
    test(`${name} (RESP${resp})`, async (t) => {
      if (!requireRedis(t)) return;
      const hello = resp === 3 ? [['HELLO', '3']] : [];
      await same(p(), [...hello, ...commands], name);
      if (resp === 3) await same(p(), [['HELLO', '2']]);
    });
  }
}

// ------------------------------------------------------------------------ unordered replies

/** Sends one command to both servers; returns the parsed replies. */
async function both(command: string[]): Promise<[unknown, unknown]> {
  const [expected, actual] = await Promise.all([
    p().redisClient.pipeline([command]),
    p().vestaClient.pipeline([command]),
  ]);
  return [parseReply(expected[0] as string), parseReply(actual[0] as string)];
}

/** Every [member, score] a full ZSCAN returns, sorted, with the number of calls it took. */
async function scanAll(side: 'redis' | 'vesta', key: string): Promise<string[]> {
  const client = side === 'redis' ? p().redisClient : p().vestaClient;
  const pairs: string[] = [];
  let cursor = '0';
  for (let calls = 0; calls < 1000; calls++) {
    const [raw] = await client.pipeline([['ZSCAN', key, cursor, 'COUNT', '7']]);
    const [next, items] = parseReply(raw as string) as [string, string[]];
    for (let i = 0; i < items.length; i += 2) pairs.push(`${items[i]}=${items[i + 1]}`);
    cursor = next;
    if (cursor === '0') return pairs.sort();
  }
  throw new Error('ZSCAN did not finish');
}

test('zscan over a skiplist returns every member once with Redis score text', async (t) => {
  if (!requireRedis(t)) return;
  const scores = ['1.1', '-0', 'inf', '1e20', '0.1', '123456789.123', '3', '1e-7'];
  const setup = [
    ['FLUSHALL'],
    zaddMany('sk', 300, 'member', (i) => scores[i % scores.length] as string),
  ];
  setup.push(['ZADD', 'sk', '2', LONG], ['OBJECT', 'ENCODING', 'sk']);
  await same(p(), setup);
  const [expected, actual] = await Promise.all([scanAll('redis', 'sk'), scanAll('vesta', 'sk')]);
  assert.equal(actual.length, 301);
  assert.deepEqual(actual, expected);
});

/**
 * ZRANDMEMBER's random forms: the reply must have Redis's shape and length, contain only
 * members of the set with their own scores, and be distinct for a positive count.
 */
test('zrandmember random picks: shapes, sizes, membership and distinctness', async (t) => {
  if (!requireRedis(t)) return;
  const small = zaddMany('small', 10, 's', (i) => String(i / 10));
  const large = zaddMany('large', 200, 'l', (i) => String(i));
  await same(p(), [['FLUSHALL'], small, large]);
  for (const resp of ['2', '3']) {
    await same(p(), [['HELLO', resp]]);
    for (const key of ['small', 'large']) {
      for (const count of ['1', '3', '8', '150', '-5', '-300']) {
        for (const withScores of [false, true]) {
          const command = ['ZRANDMEMBER', key, count, ...(withScores ? ['WITHSCORES'] : [])];
          const [expected, actual] = await both(command);
          checkRandomReply(command, expected, actual, resp === '3' && withScores);
        }
      }
      const [expected, actual] = await both(['ZRANDMEMBER', key]);
      assert.equal(typeof actual, typeof expected);
    }
  }
  await same(p(), [['HELLO', '2']]);
});

function checkRandomReply(
  command: string[],
  expected: unknown,
  actual: unknown,
  nested: boolean,
): void {
  const label = JSON.stringify(command);
  assert.ok(Array.isArray(expected) && Array.isArray(actual), label);
  assert.equal(actual.length, expected.length, `${label} length`);
  const withScores = command.length === 4;
  const members: string[] = [];
  if (nested) {
    for (const item of actual as [string, number][]) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the cast above is what this checks: the reply comes off the wire
      assert.ok(Array.isArray(item) && item.length === 2, `${label} pair shape`);
      members.push(checkMember(item[0], item[1], label));
    }
  } else {
    const step = withScores ? 2 : 1;
    for (let i = 0; i < actual.length; i += step) {
      const score = withScores ? Number(actual[i + 1]) : undefined;
      members.push(checkMember(actual[i] as string, score, label));
    }
  }
  if (!(command[2] as string).startsWith('-')) {
    assert.equal(new Set(members).size, members.length, `${label} distinct`);
  }
}

/** Members are s<i> scored i/10 or l<i> scored i; returns the member. */
function checkMember(member: string, score: number | undefined, label: string): string {
  const match = /^([sl])(\d+)$/.exec(member);
  assert.ok(match !== null, `${label}: unexpected member ${member}`);
  const index = Number(match[2]);
  if (score !== undefined) assert.equal(score, match[1] === 's' ? index / 10 : index, label);
  return member;
}

// ------------------------------------------------------------------------ random sequences

const RUNS = Number(process.env['VESTA_RANDOM_RUNS'] ?? 150);
const KEYS = ['z1', 'z2', 'z3'];
const MEMBERS = ['a', 'b', 'c', 'd', 'e', '', '\xff', 'ab'];
const SCORES = ['0', '1', '1.1', '2.2', '-1', '-0', '3', 'inf', '-inf', '0.1', '0.2', '1e3'];
const BAD_SCORES = ['x', 'nan', '(1', ''];
const SCORE_BOUNDS = ['-inf', '+inf', '(1', '1', '1.1', '(1.1', '0', '(0', '2.2', '(3', '-0', 'x'];
const LEX_BOUNDS = ['-', '+', '[a', '(a', '[b', '(c', '[e', '(', '[', '[ab', 'a'];
const INDEXES = ['0', '1', '-1', '-2', '2', '5', '-100', '100', 'x'];

const keyArb = fc.constantFrom(...KEYS);
const anyKeyArb = fc.constantFrom(...KEYS, 'set', 'str');
const memberArb = fc.constantFrom(...MEMBERS);
const scoreArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...SCORES) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_SCORES) },
);
const scoreBoundArb = fc.constantFrom(...SCORE_BOUNDS);
const lexBoundArb = fc.constantFrom(...LEX_BOUNDS);
const indexArb = fc.constantFrom(...INDEXES);
const countArb = fc.constantFrom('0', '1', '2', '5', '-1', 'x');
const limitArb = fc.oneof(
  fc.constant<string[]>([]),
  fc
    .tuple(fc.constantFrom('0', '1', '2', '-1'), fc.constantFrom('0', '1', '3', '-1', '-5'))
    .map(([offset, count]) => ['LIMIT', offset, count]),
);
const sourcesArb = fc.array(anyKeyArb, { minLength: 1, maxLength: 3 });

function withFlags(base: string[], flags: string[]): string[] {
  return [...base, ...flags];
}

/** ZRANGE/ZRANGESTORE tails: a rank or score range with options in a random order. */
const rangeTailArb: fc.Arbitrary<string[]> = fc.oneof(
  fc
    .tuple(indexArb, indexArb, fc.subarray(['REV', 'WITHSCORES']))
    .map(([a, b, f]) => withFlags([a, b], f)),
  fc
    .tuple(scoreBoundArb, scoreBoundArb, fc.subarray(['REV', 'WITHSCORES']), limitArb)
    .map(([a, b, f, l]) => [a, b, 'BYSCORE', ...f, ...l]),
);
const lexTailArb: fc.Arbitrary<string[]> = fc
  .tuple(lexBoundArb, lexBoundArb, fc.subarray(['REV']), limitArb)
  .map(([a, b, f, l]) => [a, b, 'BYLEX', ...f, ...l]);

const setOpTailArb: fc.Arbitrary<string[]> = sourcesArb.chain((keys) =>
  fc
    .tuple(
      fc.oneof(
        fc.constant<string[]>([]),
        fc
          .array(fc.constantFrom('1', '2', '0.5', '-1', '0', 'inf', '1.1'), {
            minLength: keys.length,
            maxLength: keys.length,
          })
          .map((w) => ['WEIGHTS', ...w]),
      ),
      fc.oneof(
        fc.constant<string[]>([]),
        fc.constantFrom(['AGGREGATE', 'SUM'], ['AGGREGATE', 'MIN'], ['AGGREGATE', 'MAX']),
      ),
    )
    .map(([weights, aggregate]) => [String(keys.length), ...keys, ...weights, ...aggregate]),
);

const zaddArb = fc
  .tuple(
    keyArb,
    fc.subarray(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'], { maxLength: 2 }),
    fc.array(fc.tuple(scoreArb, memberArb), { minLength: 1, maxLength: 3 }),
  )
  .map(([key, flags, pairs]) => ['ZADD', key, ...flags, ...pairs.flat()]);

/** Commands over KEYS whose replies are deterministic in Redis whatever the encoding. */
const commonArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 10, arbitrary: zaddArb },
  {
    weight: 3,
    arbitrary: fc.tuple(keyArb, scoreArb, memberArb).map(([k, s, m]) => ['ZINCRBY', k, s, m]),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(keyArb, fc.array(memberArb, { minLength: 1, maxLength: 3 }))
      .map(([k, m]) => ['ZREM', k, ...m]),
  },
  { weight: 1, arbitrary: anyKeyArb.map((k) => ['ZCARD', k]) },
  { weight: 2, arbitrary: fc.tuple(anyKeyArb, memberArb).map(([k, m]) => ['ZSCORE', k, m]) },
  {
    weight: 1,
    arbitrary: fc.tuple(keyArb, memberArb, memberArb).map(([k, m, n]) => ['ZMSCORE', k, m, n]),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom('ZRANK', 'ZREVRANK'), keyArb, memberArb).map((a) => [...a]),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(keyArb, scoreBoundArb, scoreBoundArb)
      .map(([k, a, b]) => ['ZCOUNT', k, a, b]),
  },
  {
    weight: 6,
    arbitrary: fc.tuple(keyArb, rangeTailArb).map(([k, tail]) => ['ZRANGE', k, ...tail]),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(keyArb, keyArb, rangeTailArb)
      .map(([d, k, tail]) => ['ZRANGESTORE', d, k, ...tail.filter((x) => x !== 'WITHSCORES')]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(keyArb, indexArb, indexArb, fc.subarray(['WITHSCORES']))
      .map(([k, a, b, f]) => ['ZREVRANGE', k, a, b, ...f]),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('ZRANGEBYSCORE', 'ZREVRANGEBYSCORE'),
        keyArb,
        scoreBoundArb,
        scoreBoundArb,
        fc.subarray(['WITHSCORES']),
        limitArb,
      )
      .map(([name, k, a, b, f, l]) => [name, k, a, b, ...f, ...l]),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('ZPOPMIN', 'ZPOPMAX'),
        keyArb,
        fc
          .subarray([0, 1])
          .chain((o) => (o.length > 0 ? countArb.map((c) => [c]) : fc.constant<string[]>([]))),
      )
      .map(([n, k, c]) => [n, k, ...c]),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        sourcesArb,
        fc.constantFrom('MIN', 'MAX'),
        fc.oneof(
          fc.constant<string[]>([]),
          countArb.map((c) => ['COUNT', c]),
        ),
      )
      .map(([keys, where, count]) => ['ZMPOP', String(keys.length), ...keys, where, ...count]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(keyArb, indexArb, indexArb)
      .map(([k, a, b]) => ['ZREMRANGEBYRANK', k, a, b]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(keyArb, scoreBoundArb, scoreBoundArb)
      .map(([k, a, b]) => ['ZREMRANGEBYSCORE', k, a, b]),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('ZUNIONSTORE', 'ZINTERSTORE'), keyArb, setOpTailArb)
      .map(([n, d, t]) => [n, d, ...t]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(keyArb, sourcesArb)
      .map(([d, keys]) => ['ZDIFFSTORE', d, String(keys.length), ...keys]),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('ZUNION', 'ZINTER'), setOpTailArb, fc.subarray(['WITHSCORES']))
      .map(([n, t, f]) => [n, ...t, ...f]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(sourcesArb, fc.subarray(['WITHSCORES']))
      .map(([keys, f]) => ['ZDIFF', String(keys.length), ...keys, ...f]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(sourcesArb, fc.constantFrom('0', '1', '2'))
      .map(([keys, l]) => ['ZINTERCARD', String(keys.length), ...keys, 'LIMIT', l]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(keyArb, fc.subarray(['WITHSCORES']))
      .map(([k, f]) => ['ZRANDMEMBER', k, '20', ...f]),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(memberArb, { minLength: 1, maxLength: 3 })
      .map((m) => ['SADD', 'set', ...m]),
  },
  { weight: 1, arbitrary: fc.constant<string[]>(['SET', 'str', 'v']) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('DEL', 'TYPE'), anyKeyArb).map((a) => [...a]) },
  { weight: 1, arbitrary: keyArb.map((k) => ['OBJECT', 'ENCODING', k]) },
);

/**
 * Lex-range commands on `keys`. A lex range over members of different scores has no defined
 * answer: Redis scans a listpack in order (deterministic, and emulated) but descends a skiplist
 * along its random levels. So in the skiplist run they only target a key whose scores are all 0.
 */
function lexCommands(keys: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  return fc.oneof(
    fc.tuple(keys, lexBoundArb, lexBoundArb).map(([k, a, b]) => ['ZLEXCOUNT', k, a, b]),
    fc
      .tuple(
        fc.constantFrom('ZRANGEBYLEX', 'ZREVRANGEBYLEX'),
        keys,
        lexBoundArb,
        lexBoundArb,
        limitArb,
      )
      .map(([name, k, a, b, l]) => [name, k, a, b, ...l]),
    fc.tuple(keys, lexTailArb).map(([k, tail]) => ['ZRANGE', k, ...tail]),
    fc.tuple(keyArb, keys, lexTailArb).map(([d, k, tail]) => ['ZRANGESTORE', d, k, ...tail]),
    fc.tuple(keys, lexBoundArb, lexBoundArb).map(([k, a, b]) => ['ZREMRANGEBYLEX', k, a, b]),
  );
}

/** Listpack run: small sets, where lex ranges over mixed scores and ZSCAN are deterministic. */
const listpackArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 12, arbitrary: commonArb },
  { weight: 2, arbitrary: lexCommands(keyArb) },
  { weight: 1, arbitrary: keyArb.map((k) => ['ZSCAN', k, '0']) },
);

/** Skiplist run (zset-max-listpack-entries 2): lex ranges only on the all-zero key 'lex'. */
const skiplistArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 12, arbitrary: commonArb },
  {
    weight: 2,
    arbitrary: fc
      .array(memberArb, { minLength: 1, maxLength: 4 })
      .map((m) => ['ZADD', 'lex', ...m.flatMap((x) => ['0', x])]),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(memberArb, { minLength: 1, maxLength: 2 })
      .map((m) => ['ZREM', 'lex', ...m]),
  },
  { weight: 2, arbitrary: lexCommands(fc.constant('lex')) },
  { weight: 1, arbitrary: fc.constant<string[]>(['OBJECT', 'ENCODING', 'lex']) },
);

const RUNS_CONFIG = [
  { name: 'listpack', arbitrary: listpackArb, entries: '128' },
  { name: 'skiplist', arbitrary: skiplistArb, entries: '2' },
];

for (const run of RUNS_CONFIG) {
  for (const resp of [2, 3]) {
    test(`random sorted-set sequences, ${run.name} sizes, match redis (RESP${resp})`, async (t) => {
      if (!requireRedis(t)) return;
      await same(p(), [
        ['HELLO', String(resp)],
        ['CONFIG', 'SET', 'zset-max-listpack-entries', run.entries],
      ]);
      try {
        const sequences = fc.array(run.arbitrary, { minLength: 1, maxLength: 60, size: 'medium' });
        await fc.assert(
          fc.asyncProperty(sequences, async (commands) => {
            await same(p(), [['FLUSHALL'], ...commands], 'random');
          }),
          { numRuns: RUNS },
        );
      } finally {
        await same(p(), [
          ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
          ['HELLO', '2'],
        ]);
      }
    });
  }
}
