// Differential tests for keyspace notifications: per server a subscriber (PSUBSCRIBE
// __key*__:*), a command connection and a connection for blocking commands run the same
// script against redis-server 7.0 and Vesta; after every step the bytes each connection
// received (replies, and the subscriber's messages in order) must be identical, in RESP2 and
// RESP3 (push messages). Scripts cover every command family, expiry (lazy and active), key
// creation (`new`), misses (`keymiss`), MULTI/EXEC, blocking pops and the class filters;
// fast-check draws mixed sequences too.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Recorder } from '../helpers/recorder.js';
import { requireRedis, type RunningServer } from '../helpers/servers.js';
import { sharedServers } from '../helpers/differential.js';

const servers = sharedServers();
let tokenCounter = 0;

interface Side {
  sub: Recorder;
  cmd: Recorder;
  blk: Recorder;
  pendingBlock: Promise<string> | null;
}

/**
 * A step: a command on the command connection; `block` sends a blocking command on the third
 * connection and waits until the server has blocked it; `unblock` collects its reply;
 * `sleep` waits; `waitEmpty` polls DBSIZE until active expiry emptied the db.
 */
type Step = string[] | { block: string[] } | { unblock: true } | { sleep: number } | { waitEmpty: true };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function openSide(server: RunningServer, resp: 2 | 3, flags: string): Promise<Side> {
  const [sub, cmd, blk] = await Promise.all([
    Recorder.connect(server.port),
    Recorder.connect(server.port),
    Recorder.connect(server.port),
  ]);
  for (const r of [sub, cmd, blk]) {
    if (resp === 3) await r.step(['HELLO', '3'], `hello-${tokenCounter++}`);
  }
  await cmd.step(['FLUSHALL'], `flush-${tokenCounter++}`);
  await cmd.step(['CONFIG', 'SET', 'notify-keyspace-events', flags], `config-${tokenCounter++}`);
  await sub.step(['PSUBSCRIBE', '__key*__:*'], `psub-${tokenCounter++}`);
  return { sub, cmd, blk, pendingBlock: null };
}

async function closeSide(side: Side): Promise<void> {
  await side.cmd.step(['CONFIG', 'SET', 'notify-keyspace-events', ''], `reset-${tokenCounter++}`);
  await side.cmd.step(['DEBUG', 'SET-ACTIVE-EXPIRE', '1'], `reset-${tokenCounter++}`);
  side.sub.close();
  side.cmd.close();
  side.blk.close();
}

/** Polls until `probe` answers `want` (a state both servers reach, at their own pace). */
async function waitFor(side: Side, probe: string[], want: RegExp): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const reply = await side.cmd.step(probe, `poll-${tokenCounter++}`);
    if (want.test(reply)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${want} from ${probe.join(' ')}`);
    await sleep(20);
  }
}

/** Runs one step on one side; returns the bytes the command-side connection received. */
async function runStep(side: Side, step: Step, token: string): Promise<string> {
  if (Array.isArray(step)) return side.cmd.step(step, token);
  if ('sleep' in step) {
    await sleep(step.sleep);
    return '';
  }
  if ('waitEmpty' in step) {
    await waitFor(side, ['DBSIZE'], /^:0\r\n/);
    return '';
  }
  if ('block' in step) {
    side.pendingBlock = side.blk.step(step.block, token);
    await waitFor(side, ['INFO', 'clients'], /blocked_clients:1\r\n/);
    return '';
  }
  const reply = await (side.pendingBlock as Promise<string>);
  side.pendingBlock = null;
  return reply;
}

async function runScript(options: { resp: 2 | 3; flags: string; steps: Step[]; label: string }): Promise<void> {
  const { redis, vesta } = servers();
  const { resp, flags, steps, label } = options;
  const [r, v] = await Promise.all([openSide(redis, resp, flags), openSide(vesta, resp, flags)]);
  try {
    for (const [index, step] of steps.entries()) {
      const token = `sync-${tokenCounter++}`;
      // Sequential, not parallel, so a timing-dependent step (expiry) cannot race the other side.
      const expected = await runStep(r, step, token);
      const actual = await runStep(v, step, token);
      const [expectedEvents, actualEvents] = await Promise.all([r.sub.step(null, token), v.sub.step(null, token)]);
      const where = `${label} [${flags}] RESP${resp} step ${index} ${JSON.stringify(step)}`;
      assert.equal(actual, expected, `${where}: replies differ`);
      assert.equal(actualEvents, expectedEvents, `${where}: keyspace events differ`);
    }
  } finally {
    await Promise.all([closeSide(r), closeSide(v)]);
  }
}

const ALL = 'KEAmn';

const SCRIPTS: Record<string, Step[]> = {
  strings: [
    ['SET', 'a', '1'],
    ['SET', 'a', '2', 'EX', '100'],
    ['SET', 'a', '3', 'KEEPTTL'],
    ['SET', 'a', '4', 'PX', '100000', 'GET'],
    ['SET', 'a', '5', 'NX'],
    ['SET', 'nx', '5', 'XX'],
    ['SETNX', 'a', '5'],
    ['SETNX', 'b', '5'],
    ['SETEX', 'c', '100', 'x'],
    ['PSETEX', 'd', '100000', 'x'],
    ['GETSET', 'a', '9'],
    ['GETDEL', 'a'],
    ['GETDEL', 'a'],
    ['GETEX', 'b', 'EX', '100'],
    ['GETEX', 'b', 'PERSIST'],
    ['GETEX', 'b', 'PERSIST'],
    ['GETEX', 'b'],
    ['GETEX', 'b', 'PXAT', '1'],
    ['MSET', 'a', '1', 'b', '2', 'c', '3'],
    ['MSETNX', 'x', '1', 'y', '2'],
    ['MSETNX', 'x', '1', 'z', '2'],
    ['INCR', 'n'],
    ['INCRBY', 'n', '5'],
    ['DECR', 'n'],
    ['DECRBY', 'n', '2'],
    ['INCR', 'a', 'extra'],
    ['INCRBYFLOAT', 'f', '1.5'],
    ['INCRBYFLOAT', 'f', '1.5'],
    ['APPEND', 's', 'hello'],
    ['APPEND', 's', 'world'],
    ['SETRANGE', 's', '3', 'XX'],
    ['SETRANGE', 's2', '3', 'XX'],
    ['SETRANGE', 's2', '1', ''],
    ['SETRANGE', 's3', '1', ''],
    ['GET', 's'],
    ['MGET', 'a', 'nokey', 'b'],
    ['STRLEN', 'nokey'],
    ['GETRANGE', 'nokey', '0', '1'],
    ['SUBSTR', 'nokey', '0', '1'],
    ['GET', 'nokey'],
  ],
  keys: [
    ['MSET', 'a', '1', 'b', '2', 'c', '3', 's', 'v'],
    ['EXISTS', 'nokey', 'a'],
    ['TYPE', 'nokey'],
    ['TYPE', 'a'],
    ['TTL', 'nokey'],
    ['PTTL', 'a'],
    ['EXPIRETIME', 'nokey'],
    ['PEXPIRETIME', 'nokey'],
    ['TOUCH', 'nokey', 'a'],
    ['DEL', 'a', 'b', 'nokey'],
    ['UNLINK', 'c', 'nokey'],
    ['RENAME', 's', 's9'],
    ['RENAME', 's9', 's9'],
    ['RENAME', 'nokey', 'x'],
    ['RENAMENX', 's9', 'x'],
    ['SET', 'y', '1'],
    ['RENAMENX', 'x', 'y'],
    ['RENAME', 'x', 'y'],
    ['COPY', 'y', 'y2'],
    ['COPY', 'y', 'y2'],
    ['COPY', 'y', 'y2', 'REPLACE'],
    ['COPY', 'y', 'y3', 'DB', '1'],
    ['COPY', 'nokey', 'y4'],
    ['MOVE', 'y2', '2'],
    ['MOVE', 'y2', '1'],
    ['MOVE', 'nokey', '1'],
    ['EXPIRE', 'y', '100'],
    ['PEXPIRE', 'y', '100000'],
    ['EXPIREAT', 'y', '99999999999'],
    ['PEXPIREAT', 'y', '99999999999000'],
    ['EXPIRE', 'y', '100', 'GT'],
    ['EXPIRE', 'y', '1', 'LT'],
    ['EXPIRE', 'y', '1', 'NX'],
    ['PERSIST', 'y'],
    ['PERSIST', 'y'],
    ['PERSIST', 'nokey'],
    ['EXPIRE', 'y', '0'],
    ['EXPIRE', 'nokey', '10'],
    ['SET', 'p', '1'],
    ['PEXPIREAT', 'p', '1'],
    ['SET', 'z', '1'],
    ['SELECT', '1'],
    ['SET', 'z', '2'],
    ['SWAPDB', '0', '1'],
    ['DEL', 'z'],
    ['FLUSHDB'],
    ['SELECT', '0'],
    ['FLUSHALL'],
  ],
  lists: [
    ['LPUSH', 'l', 'a', 'b', 'c'],
    ['RPUSH', 'l', 'd'],
    ['LPUSHX', 'l', 'e'],
    ['RPUSHX', 'nol', 'e'],
    ['LPOP', 'l'],
    ['RPOP', 'l'],
    ['LPOP', 'l', '2'],
    ['LPOP', 'l', '0'],
    ['LPOP', 'l', '5'],
    ['LPOP', 'l'],
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'a'],
    ['LSET', 'l', '0', 'z'],
    ['LINSERT', 'l', 'BEFORE', 'b', 'y'],
    ['LINSERT', 'l', 'AFTER', 'nopivot', 'y'],
    ['LREM', 'l', '0', 'a'],
    ['LREM', 'l', '0', 'nomatch'],
    ['LTRIM', 'l', '0', '2'],
    ['LTRIM', 'l', '1', '0'],
    ['LTRIM', 'nol', '0', '1'],
    ['RPUSH', 'src', '1', '2', '3'],
    ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
    ['LMOVE', 'src', 'dst', 'RIGHT', 'LEFT'],
    ['RPOPLPUSH', 'src', 'dst'],
    ['RPOPLPUSH', 'src', 'dst'],
    ['RPUSH', 'src', '1'],
    ['RPOPLPUSH', 'src', 'src'],
    ['LMOVE', 'src', 'src', 'LEFT', 'RIGHT'],
    ['LMPOP', '2', 'nol', 'src', 'LEFT', 'COUNT', '5'],
    ['RPUSH', 'a', '1', '2'],
    ['BLPOP', 'a', '1'],
    ['BRPOP', 'a', '1'],
    ['RPUSH', 'a', '1', '2'],
    ['BLMPOP', '1', '2', 'x', 'a', 'RIGHT', 'COUNT', '3'],
    ['RPUSH', 'a', '1'],
    ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '1'],
    ['BRPOPLPUSH', 'b', 'c', '1'],
    ['LRANGE', 'c', '0', '-1'],
    ['LINDEX', 'nol', '0'],
    ['LLEN', 'nol'],
    ['LPOS', 'nol', 'a'],
    ['LRANGE', 'nol', '0', '1'],
  ],
  'blocking pops served later': [
    { block: ['BLPOP', 'q', '0'] },
    ['RPUSH', 'q', 'x'],
    { unblock: true },
    { block: ['BRPOP', 'q', 'q2', '0'] },
    ['RPUSH', 'q2', 'x', 'y'],
    { unblock: true },
    { block: ['BLMOVE', 'q', 'q3', 'RIGHT', 'LEFT', '0'] },
    ['LPUSH', 'q', 'z'],
    { unblock: true },
    { block: ['BLMPOP', '0', '1', 'q4', 'LEFT', 'COUNT', '2'] },
    ['RPUSH', 'q4', '1', '2', '3'],
    { unblock: true },
    { block: ['BZPOPMIN', 'zq', '0'] },
    ['ZADD', 'zq', '1', 'a'],
    { unblock: true },
    { block: ['BZMPOP', '0', '1', 'zq', 'MAX', 'COUNT', '5'] },
    ['ZADD', 'zq', '1', 'a', '2', 'b'],
    { unblock: true },
    { block: ['BRPOPLPUSH', 'q5', 'q6', '0'] },
    ['MULTI'],
    ['LPUSH', 'q5', 'a', 'b'],
    ['LPUSH', 'q5', 'c'],
    ['EXEC'],
    { unblock: true },
  ],
  hashes: [
    ['HSET', 'h', 'a', '1', 'b', '2'],
    ['HSET', 'h', 'a', '1'],
    ['HMSET', 'h', 'c', '3'],
    ['HSETNX', 'h', 'a', '1'],
    ['HSETNX', 'h', 'z', '1'],
    ['HSETNX', 'h2', 'z', '1'],
    ['HDEL', 'h', 'nofield'],
    ['HDEL', 'h', 'a', 'b', 'c'],
    ['HDEL', 'h', 'z'],
    ['HDEL', 'nokey', 'a'],
    ['HINCRBY', 'h', 'n', '5'],
    ['HINCRBYFLOAT', 'h', 'f', '1.5'],
    ['HINCRBY', 'h2', 'n', '5'],
    ['HINCRBY', 'h2', 'z', 'x'],
    ['HGET', 'nokey', 'a'],
    ['HGETALL', 'nokey'],
    ['HEXISTS', 'nokey', 'a'],
    ['HLEN', 'nokey'],
    ['HMGET', 'nokey', 'a'],
    ['HRANDFIELD', 'nokey'],
    ['HSTRLEN', 'nokey', 'a'],
    ['HSCAN', 'nokey', '0'],
    ['HKEYS', 'nokey'],
    ['HVALS', 'nokey'],
  ],
  sets: [
    ['SADD', 's', 'a', 'b', 'c'],
    ['SADD', 's', 'a'],
    ['SREM', 's', 'nomember'],
    ['SREM', 's', 'a'],
    ['SMOVE', 's', 't', 'b'],
    ['SMOVE', 's', 't', 'c'],
    ['SMOVE', 's', 't', 'zz'],
    ['SMOVE', 'nos', 't', 'a'],
    ['SADD', 's', 'a'],
    ['SMOVE', 's', 's', 'a'],
    ['SADD', 't', 'a'],
    ['SMOVE', 's', 't', 'a'],
    ['SADD', 'one', 'm'],
    ['SPOP', 'one'],
    ['SADD', 'p', '1', '2', '3'],
    ['SPOP', 'p', '0'],
    ['SPOP', 'p', '3'],
    ['SPOP', 'p', '1'],
    ['SADD', 'a', '1', '2', '3'],
    ['SADD', 'b', '2', '3', '4'],
    ['SINTERSTORE', 'd', 'a', 'b'],
    ['SUNIONSTORE', 'd', 'a', 'b'],
    ['SDIFFSTORE', 'd', 'a', 'b'],
    ['SINTERSTORE', 'd', 'a', 'nokey'],
    ['SINTERSTORE', 'd', 'a', 'nokey'],
    ['SDIFFSTORE', 'd2', 'a', 'a'],
    ['SMEMBERS', 'nokey'],
    ['SISMEMBER', 'nokey', 'a'],
    ['SCARD', 'nokey'],
    ['SRANDMEMBER', 'nokey'],
    ['SINTER', 'nokey', 'a'],
    ['SUNION', 'nokey'],
    ['SDIFF', 'nokey', 'a'],
    ['SINTERCARD', '1', 'nokey'],
    ['SMISMEMBER', 'nokey', 'a'],
    ['SSCAN', 'nokey', '0'],
  ],
  'sorted sets': [
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
    ['ZADD', 'z', '1', 'a'],
    ['ZADD', 'z', 'XX', '5', 'nomember'],
    ['ZADD', 'z2', 'XX', '5', 'm'],
    ['ZADD', 'z', 'CH', '9', 'a'],
    ['ZINCRBY', 'z', '1', 'a'],
    ['ZADD', 'z', 'INCR', '1', 'b'],
    ['ZADD', 'z', 'NX', 'INCR', '1', 'b'],
    ['ZADD', 'z', 'GT', '0', 'b'],
    ['ZREM', 'z', 'nomember'],
    ['ZREM', 'z', 'a'],
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'],
    ['ZREMRANGEBYRANK', 'z', '0', '0'],
    ['ZREMRANGEBYRANK', 'z', '100', '200'],
    ['ZREMRANGEBYSCORE', 'z', '2', '3'],
    ['ZREMRANGEBYLEX', 'z', '-', '+'],
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'],
    ['ZPOPMIN', 'z'],
    ['ZPOPMAX', 'z', '2'],
    ['ZPOPMIN', 'z', '0'],
    ['ZPOPMIN', 'z', '10'],
    ['ZPOPMIN', 'z'],
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
    ['ZMPOP', '2', 'nokey', 'z', 'MIN', 'COUNT', '2'],
    ['ZMPOP', '1', 'z', 'MAX'],
    ['BZPOPMIN', 'nokey', 'z', '1'],
    ['ZADD', 'z', '1', 'a', '2', 'b'],
    ['BZPOPMAX', 'z', '1'],
    ['BZMPOP', '1', '1', 'z', 'MIN', 'COUNT', '5'],
    ['ZADD', 'a', '1', 'x', '2', 'y'],
    ['ZADD', 'b', '3', 'y', '4', 'w'],
    ['ZUNIONSTORE', 'd', '2', 'a', 'b'],
    ['ZINTERSTORE', 'd', '2', 'a', 'b'],
    ['ZDIFFSTORE', 'd', '2', 'a', 'b'],
    ['ZINTERSTORE', 'd', '2', 'a', 'nokey'],
    ['ZINTERSTORE', 'd', '2', 'a', 'nokey'],
    ['ZRANGESTORE', 'd2', 'a', '0', '-1'],
    ['ZRANGESTORE', 'd2', 'a', '5', '6'],
    ['ZRANGESTORE', 'd2', 'a', '5', '6'],
    ['ZSCORE', 'nokey', 'a'],
    ['ZRANGE', 'nokey', '0', '1'],
    ['ZCARD', 'nokey'],
    ['ZRANK', 'nokey', 'a'],
    ['ZMSCORE', 'nokey', 'a'],
    ['ZRANDMEMBER', 'nokey'],
    ['ZCOUNT', 'nokey', '0', '1'],
    ['ZUNION', '1', 'nokey'],
    ['ZADD', 'z', '1', 'a'],
    ['ZADD', 'z', '2', 'a', 'nan', 'b'],
    ['ZADD', 'z', 'INCR', '-inf', 'a'],
    ['ZADD', 'z', 'INCR', '+inf', 'a'],
    ['ZREM', 'z', 'a'],
  ],
  'bitmaps and HyperLogLog': [
    ['SETBIT', 'b', '7', '1'],
    ['SETBIT', 'b', '7', '1'],
    ['SETBIT', 'b', '100', '0'],
    ['BITFIELD', 'bf', 'SET', 'u8', '0', '255', 'GET', 'u8', '0'],
    ['BITFIELD', 'bf', 'INCRBY', 'u8', '0', '1'],
    ['BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '300'],
    ['BITFIELD', 'nobf', 'GET', 'u8', '0'],
    ['BITFIELD_RO', 'bf', 'GET', 'u8', '0'],
    ['BITOP', 'AND', 'dest', 'b', 'bf'],
    ['BITOP', 'OR', 'dest', 'nokey1', 'nokey2'],
    ['BITOP', 'NOT', 'dest2', 'b'],
    ['GETBIT', 'nokey', '1'],
    ['BITCOUNT', 'nokey'],
    ['PFADD', 'h', 'a', 'b'],
    ['PFADD', 'h', 'a'],
    ['PFADD', 'h2'],
    ['PFADD', 'h2'],
    ['PFCOUNT', 'h'],
    ['PFCOUNT', 'h'],
    ['PFCOUNT', 'h', 'h2'],
    ['PFMERGE', 'hm', 'h', 'h2'],
    ['PFMERGE', 'hm'],
    ['PFDEBUG', 'TODENSE', 'h'],
    ['PFDEBUG', 'GETREG', 'h2'],
  ],
  'geo': [
    ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
    ['GEOADD', 'g', 'XX', '13.361389', '38.115556', 'Palermo'],
    ['GEOADD', 'g', 'CH', '13.4', '38.1', 'Palermo'],
    ['GEOADD', 'g', 'NX', '13.5', '38.1', 'Palermo'],
    ['GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST'],
    ['GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'gr'],
    ['GEORADIUSBYMEMBER', 'g', 'Palermo', '1', 'km', 'STOREDIST', 'gr2'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '400', '400', 'km', 'ASC'],
    ['GEOPOS', 'nokey', 'a'],
    ['GEODIST', 'g', 'Palermo', 'Catania'],
    ['GEOHASH', 'g', 'Palermo'],
    ['ZREM', 'g', 'Palermo', 'Catania'],
  ],
  'sort, lcs, dump and restore': [
    ['RPUSH', 'l', '3', '1', '2'],
    ['SORT', 'l'],
    ['SORT', 'l', 'STORE', 'sorted'],
    ['SORT', 'nokey', 'STORE', 'sorted'],
    ['SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'sorted2'],
    ['SORT_RO', 'l'],
    ['SET', 's1', 'ohmytext'],
    ['SET', 's2', 'mynewtext'],
    ['LCS', 's1', 's2'],
    ['LCS', 'nokey', 's2', 'LEN'],
    ['SET', 'src', 'value'],
    ['EXPIRE', 'src', '1000'],
    ['RESTORE', 'fresh', '0', '\x00\x05value\n\x00\x81\xf6\xc18\xc1\xaa\x9bn'],
    ['RESTORE', 'fresh', '0', '\x00\x05value\n\x00\x81\xf6\xc18\xc1\xaa\x9bn', 'REPLACE'],
    ['RESTORE', 'fresh', '100000', '\x00\x05value\n\x00\x81\xf6\xc18\xc1\xaa\x9bn', 'REPLACE'],
    ['RESTORE', 'bad', '0', 'garbage'],
    ['COPY', 'src', 'copy'],
    ['COPY', 'src', 'copy', 'REPLACE'],
    ['OBJECT', 'ENCODING', 'nokey'],
  ],
  'streams': [
    ['XADD', 'x', '1-1', 'f', 'v'],
    ['XADD', 'x', '2-1', 'f', 'v'],
    ['XADD', 'x', 'MAXLEN', '1', '3-1', 'f', 'v'],
    ['XADD', 'nox', 'NOMKSTREAM', '1-1', 'f', 'v'],
    ['XADD', 'x', '1-1', 'f', 'v'],
    ['XDEL', 'x', '3-1'],
    ['XDEL', 'x', '9-9'],
    ['XADD', 'x', '4-1', 'f', 'v'],
    ['XADD', 'x', '5-1', 'f', 'v'],
    ['XTRIM', 'x', 'MAXLEN', '1'],
    ['XTRIM', 'x', 'MAXLEN', '1'],
    ['XSETID', 'x', '10-0'],
    ['XGROUP', 'CREATE', 'x', 'g', '0'],
    ['XGROUP', 'CREATE', 'newx', 'g', '$', 'MKSTREAM'],
    ['XGROUP', 'CREATECONSUMER', 'x', 'g', 'alice'],
    ['XGROUP', 'CREATECONSUMER', 'x', 'g', 'alice'],
    ['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'STREAMS', 'x', '>'],
    ['XACK', 'x', 'g', '5-1'],
    ['XCLAIM', 'x', 'g', 'carol', '0', '5-1'],
    ['XAUTOCLAIM', 'x', 'g', 'dave', '0', '0'],
    ['XGROUP', 'SETID', 'x', 'g', '0'],
    ['XGROUP', 'DELCONSUMER', 'x', 'g', 'alice'],
    ['XGROUP', 'DESTROY', 'x', 'g'],
    ['XGROUP', 'DESTROY', 'x', 'g'],
    ['XLEN', 'nokey'],
    ['XRANGE', 'nokey', '-', '+'],
    ['DEL', 'x'],
  ],
  'scripts and functions': [
    ['EVAL', "redis.call('SET', KEYS[1], 'v'); redis.call('LPUSH', KEYS[2], 'a'); return redis.call('GET', 'nokey')", '2', 'sk', 'sl'],
    ['EVAL', "return redis.pcall('INCR', KEYS[1])", '1', 'sl'],
    ['EVAL_RO', "return redis.call('GET', KEYS[1])", '1', 'nokey'],
    ['FUNCTION', 'LOAD', "#!lua name=evlib\nredis.register_function('f', function(keys) return redis.call('HSET', keys[1], 'a', 'b') end)"],
    ['FCALL', 'f', '1', 'fh'],
    ['FUNCTION', 'DELETE', 'evlib'],
  ],
  'transactions and wrong types': [
    ['MULTI'],
    ['SET', 'm', '1'],
    ['LPUSH', 'ml', 'a'],
    ['DEL', 'm'],
    ['INCR', 'ml'],
    ['EXPIRE', 'ml', '100'],
    ['EXEC'],
    ['MULTI'],
    ['SET', 'x', '1'],
    ['DISCARD'],
    ['LPUSH', 'm2', 'a'],
    ['SADD', 'm2', 'a'],
    ['HSET', 'm2', 'a', 'b'],
    ['ZADD', 'm2', '1', 'a'],
    ['GET', 'm2'],
    ['APPEND', 'm2', 'x'],
  ],
  'lazy expiry': [
    ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
    ['SET', 'e1', '1', 'PX', '1'],
    ['SET', 'e2', '1', 'PX', '1'],
    ['SET', 'e3', '1', 'PX', '1'],
    ['HSET', 'e4', 'f', 'v'],
    ['PEXPIRE', 'e4', '1'],
    ['SET', 'e5', '1', 'PX', '1'],
    ['SET', 'e6', '1', 'PX', '1'],
    { sleep: 20 },
    ['GET', 'e1'],
    ['SET', 'e2', '2'],
    ['EXISTS', 'e3'],
    ['HSET', 'e4', 'g', 'w'],
    ['DEL', 'e5'],
    ['RENAME', 'e6', 'x'],
    ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
  ],
  // One key at a time: Redis samples keys at random, so the order of several is not defined.
  'active expiry': [
    ['SET', 'a1', '1', 'PX', '10'],
    { waitEmpty: true },
    ['SADD', 'a2', 'm'],
    ['PEXPIRE', 'a2', '10'],
    { waitEmpty: true },
    ['DBSIZE'],
  ],
};

for (const [name, steps] of Object.entries(SCRIPTS)) {
  for (const resp of [2, 3] as const) {
    test(`keyspace events: ${name} (RESP${resp})`, async (t) => {
      if (!requireRedis(t)) return;
      await runScript({ resp, flags: ALL, steps, label: name });
    });
  }
}

/** One script touching every class, run under each filter that matters. */
const MIXED: Step[] = [
  ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
  ['SET', 'k', 'v'],
  ['GET', 'nokey'],
  ['APPEND', 'k', 'w'],
  ['EXPIRE', 'k', '100'],
  ['RENAME', 'k', 'k2'],
  ['DEL', 'k2'],
  ['LPUSH', 'l', 'a'],
  ['LPOP', 'l'],
  ['SADD', 's', 'a'],
  ['HSET', 'h', 'f', 'v'],
  ['ZADD', 'z', '1', 'a'],
  ['MULTI'],
  ['SET', 'x', '1', 'PX', '1'],
  ['ZINCRBY', 'z', '1', 'a'],
  ['EXEC'],
  { sleep: 20 },
  ['GET', 'x'],
];
const FILTERS = ['K', 'E', 'A', 'KA', 'EA', 'Kg', 'E$', 'Kl', 'Es', 'Kh', 'Ez', 'Kx', 'Ee', 'Kt', 'Km', 'En', 'KEg$', 'KElshz', 'KEAm', 'KEAn', 'Kgxn'];

for (const flags of FILTERS) {
  test(`keyspace events: class filter ${flags}`, async (t) => {
    if (!requireRedis(t)) return;
    await runScript({ resp: flags.length % 2 === 0 ? 2 : 3, flags, steps: MIXED, label: 'mixed' });
  });
}

test('keyspace events: CONFIG GET/SET of notify-keyspace-events reads back as Redis prints it', async (t) => {
  if (!requireRedis(t)) return;
  const steps: Step[] = [];
  for (const flags of ['KEA', 'KEAn', 'AnmKE', 'g$lshzxetdKE', 'n', 'Km', '', 'xe', 'Q', 'KEAQ']) {
    steps.push(['CONFIG', 'SET', 'notify-keyspace-events', flags], ['CONFIG', 'GET', 'notify-keyspace-events']);
  }
  steps.push(['CONFIG', 'SET', 'notify-keyspace-events', 'KEAn'], ['SET', 'afterwards', '1']);
  await runScript({ resp: 2, flags: '', steps, label: 'config' });
});

// ------------------------------------------------------------------ generated sequences

const KEYS = ['a', 'b', 'c'];
const key = fc.constantFrom(...KEYS);
const member = fc.constantFrom('m1', 'm2', 'm3');
const number = fc.integer({ min: -2, max: 3 }).map(String);
const command: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.constantFrom('SET', 'APPEND', 'SETNX', 'GETSET', 'LPUSH', 'RPUSH', 'SADD', 'SREM', 'LREM'), key, member).map(
    ([c, k, m]) => (c === 'LREM' ? [c, k, '0', m] : [c, k, m]),
  ),
  fc.tuple(fc.constantFrom('GET', 'DEL', 'INCR', 'LPOP', 'RPOP', 'PERSIST', 'TYPE', 'EXISTS', 'GETDEL', 'SMEMBERS', 'ZPOPMIN', 'ZPOPMAX', 'HGETALL', 'LLEN'), key).map(
    (parts) => [...parts],
  ),
  fc.tuple(fc.constantFrom('HSET', 'HINCRBY'), key, member, number).map((parts) => [...parts]),
  fc.tuple(fc.constantFrom('HDEL', 'ZREM', 'SISMEMBER', 'HGET', 'ZSCORE'), key, member).map((parts) => [...parts]),
  fc.tuple(fc.constantFrom('ZADD', 'ZINCRBY'), key, number, member).map((parts) => [...parts]),
  fc.tuple(fc.constantFrom('RENAME', 'COPY', 'LMOVE', 'SMOVE', 'RPOPLPUSH'), key, key, member).map(([c, a, b, m]) =>
    c === 'LMOVE' ? [c, a, b, 'LEFT', 'RIGHT'] : c === 'SMOVE' ? [c, a, b, m] : [c, a, b],
  ),
  fc.tuple(fc.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'ZUNIONSTORE', 'ZINTERSTORE'), key, key, key).map(([c, d, a, b]) =>
    c.startsWith('Z') ? [c, d, '2', a, b] : [c, d, a, b],
  ),
  fc.tuple(fc.constantFrom('EXPIRE', 'PEXPIRE'), key, fc.constantFrom('100', '0', '-1')).map((parts) => [...parts]),
  fc.tuple(fc.constantFrom('LTRIM'), key, number, number).map((parts) => [...parts]),
);
const sequence = fc.array(fc.oneof({ weight: 12, arbitrary: command }, { weight: 1, arbitrary: fc.constant<string[]>(['MULTI']) }), {
  minLength: 5,
  maxLength: 40,
}).map((commands) => {
  // Close any MULTI with EXEC, so the generated script never leaves a transaction open.
  const out: string[][] = [];
  let open = false;
  for (const c of commands) {
    if (c[0] === 'MULTI') {
      if (open) continue;
      open = true;
    }
    out.push(c);
  }
  if (open) out.push(['EXEC']);
  return out;
});

test('keyspace events: generated mixed sequences', async (t) => {
  if (!requireRedis(t)) return;
  const runs = Number(process.env['VESTA_FUZZ_RUNS'] ?? 15);
  await fc.assert(
    fc.asyncProperty(sequence, fc.constantFrom(2 as const, 3 as const), async (steps, resp) => {
      await runScript({ resp, flags: ALL, steps, label: 'generated' });
    }),
    { numRuns: runs },
  );
});

// Eviction: Redis evicts already at CONFIG SET maxmemory, Vesta before the next write (its
// memory figure is the JS heap), so the moment differs; the event itself is checked on Vesta
// with Redis's bytes for it.
test('keyspace events: evicted, from maxmemory eviction', async (t) => {
  if (!requireRedis(t)) return;
  const side = await openSide(servers().vesta, 2, 'KEe');
  try {
    await side.cmd.step(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'], 'p');
    await side.cmd.step(['SET', 'victim', 'v'], 's');
    await side.cmd.step(['CONFIG', 'SET', 'maxmemory', '1'], 'm');
    await side.cmd.step(['SET', 'next', 'v'], 'n');
    const events = await side.sub.step(null, 'evicted-sync-token');
    const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
    const pmessage = (channel: string, message: string): string =>
      `*4\r\n${bulk('pmessage')}${bulk('__key*__:*')}${bulk(channel)}${bulk(message)}`;
    assert.equal(
      events,
      pmessage('__keyspace@0__:victim', 'evicted') +
        pmessage('__keyevent@0__:evicted', 'victim') +
        `*2\r\n${bulk('pong')}${bulk('evicted-sync-token')}`,
    );
  } finally {
    await side.cmd.step(['CONFIG', 'SET', 'maxmemory', '0'], 'r');
    await side.cmd.step(['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'], 'r2');
    await closeSide(side);
  }
});
