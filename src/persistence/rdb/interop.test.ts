// Interop with real Redis 7.0: our dumps pass redis-check-rdb and load into redis-server with
// the same contents and the same in-memory encodings our decoder assigns; our DUMP payloads are
// byte-identical to Redis's for values without LZF. Skipped (visibly) without the binaries,
// unless VESTA_REQUIRE_REDIS=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeDumpPayload, encodeRdb, type RdbDatabase } from './encoder.js';
import { decodeRdb } from './decoder.js';
import * as C from './constants.js';
import { crc64 } from './crc64.js';
import { HashValue, ListValue, SetValue, ZSetValue, type Value } from '../../store/value/types.js';
import { redisAvailable, startRedis, type RedisServer, type Reply } from
  '../../../test/fixtures/rdb/redis-process.js';
import { buildRdb, buildZiplist, buildZipmap, rdbKey, rdbLength, rdbString } from
  '../../../test/fixtures/rdb/legacy-builders.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/rdb/', import.meta.url));
const FAR_FUTURE_MS = 4102444800000;

function hash(pairs: [string, string][], hashtable: boolean): HashValue {
  const h = new HashValue(pairs);
  h.hashtable = hashtable;
  return h;
}

function zset(pairs: [string, number][], skiplist: boolean): ZSetValue {
  const z = new ZSetValue();
  for (const [m, s] of pairs) z.add(m, s);
  z.skiplist = skiplist;
  return z;
}

function set(members: string[], hashtable: boolean): SetValue {
  const s = new SetValue(members);
  s.hashtable = hashtable;
  return s;
}

const many = (n: number, f: (i: number) => string): string[] =>
  Array.from({ length: n }, (_, i) => f(i));

/** A dataset touching every encoding our encoder writes. */
function sampleDatabases(): RdbDatabase[] {
  const entries = [
    { key: 'str', value: 'hello', expireAtMs: FAR_FUTURE_MS },
    { key: 'int', value: '-123456', expireAtMs: null },
    { key: 'lzf', value: 'compress me '.repeat(100), expireAtMs: null },
    { key: 'bin:\x00\xff', value: '\x00\x01\xfe\xff', expireAtMs: null },
    { key: 'h-lp', value: hash([['f1', 'v1'], ['f2', '77']], false), expireAtMs: null },
    { key: 'h-ht', value: hash(many(600, (i) => `f${i}`).map((f) => [f, f.repeat(3)]), true),
      expireAtMs: null },
    { key: 'h-small-ht', value: hash([['a', 'b']], true), expireAtMs: null },
    { key: 's-int', value: set(['1', '-70000', '9223372036854775807'], false), expireAtMs: null },
    { key: 's-str', value: set(['a', 'b', '7'], true), expireAtMs: null },
    { key: 'z-lp', value: zset([['a', 1], ['b', 2.5], ['c', -Infinity], ['d', 1e-7]], false),
      expireAtMs: null },
    { key: 'z-sl', value: zset(many(200, (i) => `m${i}`).map((m, i) => [m, i / 3]), true),
      expireAtMs: null },
    { key: 'z-small-sl', value: zset([['x', 1]], true), expireAtMs: null },
    { key: 'list', value: ListValue.from(many(3000, (i) => `item-${i}`)), expireAtMs: null },
    { key: 'list-big-elements', value: ListValue.from(['x'.repeat(40), 'small', 'y'.repeat(50)]),
      expireAtMs: null },
  ];
  return [{ db: 0, entries }, { db: 7, entries: [{ key: 'k7', value: 'v7', expireAtMs: null }] }];
}

/** Redis's OBJECT ENCODING name for the flags our decoder set. */
function ourEncoding(v: Value): string {
  if (typeof v === 'string') return 'string';
  if (v instanceof HashValue) return v.hashtable ? 'hashtable' : 'listpack';
  if (v instanceof SetValue) return v.hashtable ? 'hashtable' : 'intset';
  if (v instanceof ZSetValue) return v.skiplist ? 'skiplist' : 'listpack';
  return 'quicklist';
}

/** Redis's view of a value, fetched with the type's read command, for comparison. */
async function redisContent(server: RedisServer, key: string): Promise<unknown> {
  const type = await server.client.call('TYPE', key);
  switch (type) {
    case 'string': return ['string', await server.client.call('GET', key)];
    case 'hash': {
      const flat = (await server.client.call('HGETALL', key)) as string[];
      const pairs: [string, string][] = [];
      for (let i = 0; i < flat.length; i += 2) {
        pairs.push([flat[i] as string, flat[i + 1] as string]);
      }
      return ['hash', pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))];
    }
    case 'set': return ['set', ((await server.client.call('SMEMBERS', key)) as string[]).sort()];
    case 'list': return ['list', await server.client.call('LRANGE', key, '0', '-1')];
    case 'zset': {
      const flat = (await server.client.call('ZRANGE', key, '0', '-1', 'WITHSCORES')) as string[];
      const pairs: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const text = flat[i + 1] as string;
        pairs.push([flat[i] as string, text === 'inf' ? Infinity : text === '-inf' ? -Infinity
          : Number(text)]);
      }
      return ['zset', pairs];
    }
    default: return ['none', type];
  }
}

function ourContent(v: Value): unknown {
  if (typeof v === 'string') return ['string', v];
  if (v instanceof HashValue) {
    return ['hash', [...v].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))];
  }
  if (v instanceof SetValue) return ['set', [...v].sort()];
  if (v instanceof ListValue) return ['list', v.toArray()];
  return ['zset', [...(v as ZSetValue)]];
}

/**
 * Loads `dumpPath` into redis-server and checks every key our decoder finds: same contents,
 * same expire time and the same OBJECT ENCODING as the flags our decoder set.
 */
async function compareWithRedis(dumpPath: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'vesta-rdb-'));
  try {
    copyFileSync(dumpPath, join(dir, 'dump.rdb'));
    const server = await startRedis(dir, 'dump.rdb');
    try {
      let db = -1;
      let compared = 0;
      for (const event of decodeRdb(readFileSync(dumpPath))) {
        if (event.kind !== 'key') continue;
        if (event.db !== db) {
          assert.equal(await server.client.call('SELECT', String(event.db)), 'OK');
          db = event.db;
        }
        const label = `db ${event.db} key ${JSON.stringify(event.key)}`;
        assert.deepEqual(await redisContent(server, event.key), ourContent(event.value), label);
        // Strings have several Redis encodings (int, embstr, raw); Vesta models only the type.
        if (typeof event.value !== 'string') {
          assert.equal(await server.client.call('OBJECT', 'ENCODING', event.key),
            ourEncoding(event.value), label);
        }
        const expire = await server.client.call('PEXPIRETIME', event.key);
        assert.equal(expire, event.expireAtMs ?? -1, label);
        compared++;
      }
      return compared;
    } finally {
      server.client.close();
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function withTempDump(dump: Buffer, body: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vesta-rdb-'));
  const path = join(dir, 'ours.rdb');
  writeFileSync(path, dump);
  return body(path).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const AUX = { ctimeSec: Math.floor(Date.now() / 1000), usedMemBytes: 1 << 20, aofBase: false };

test('redis-check-rdb 7.0 accepts our dumps (compression on and off, checksum off)', async (t) => {
  if (!redisAvailable(t, 'redis-check-rdb')) return;
  for (const options of [{}, { compression: false }, { checksum: false },
    { listPlainThresholdBytes: 30 }]) {
    const dump = encodeRdb(sampleDatabases(), AUX, options);
    await withTempDump(dump, async (path) => {
      const result = spawnSync('redis-check-rdb', [path], { encoding: 'latin1' });
      assert.match(result.stdout, /RDB looks OK/, `${JSON.stringify(options)}\n${result.stdout}`);
      assert.equal(result.status, 0);
    });
  }
});

test('redis-server 7.0 loads our dump with the same contents, expires and encodings',
  async (t) => {
    if (!redisAvailable(t, 'redis-server')) return;
    for (const options of [{}, { compression: false, listPlainThresholdBytes: 30 }]) {
      const dump = encodeRdb(sampleDatabases(), AUX, options);
      await withTempDump(dump, async (path) => {
        assert.equal(await compareWithRedis(path), 15);
      });
    }
  });

test('our decoder assigns the encodings redis-server 7.0 reports for its own dumps', async (t) => {
  if (!redisAvailable(t, 'redis-server')) return;
  assert.equal(await compareWithRedis(FIXTURES + 'redis-7.0-all-types.rdb'), 23);
});

test('old encodings (ziplist, zipmap, plain types) load with the encodings Redis 7.0 picks',
  async (t) => {
    if (!redisAvailable(t, 'redis-server')) return;
    const pairs = (n: number, valueBytes: number): string[] =>
      many(n, (i) => `f${i}`).flatMap((f) => [f, 'v'.repeat(valueBytes)]);
    const members = (n: number, bytes: number): string[] =>
      many(n, (i) => 'm'.repeat(bytes) + String(i)).flatMap((m, i) => [m, String(i)]);
    const dump = buildRdb(9, [
      rdbKey(C.RDB_TYPE_HASH_ZIPLIST, 'hzl-long', rdbString(buildZiplist(pairs(3, 100)))),
      rdbKey(C.RDB_TYPE_HASH_ZIPLIST, 'hzl-many', rdbString(buildZiplist(pairs(600, 3)))),
      rdbKey(C.RDB_TYPE_HASH_ZIPMAP, 'hzm-long', rdbString(buildZipmap(pairs(3, 100)))),
      rdbKey(C.RDB_TYPE_HASH_ZIPMAP, 'hzm-small', rdbString(buildZipmap(pairs(3, 3)))),
      rdbKey(C.RDB_TYPE_ZSET_ZIPLIST, 'zzl-long', rdbString(buildZiplist(members(3, 100)))),
      rdbKey(C.RDB_TYPE_ZSET_ZIPLIST, 'zzl-many', rdbString(buildZiplist(members(200, 2)))),
      rdbKey(C.RDB_TYPE_LIST_QUICKLIST, 'lql', rdbLength(2), rdbString(buildZiplist(['a', '1'])),
        rdbString(buildZiplist(['b']))),
      rdbKey(C.RDB_TYPE_ZSET, 'zold', rdbLength(2), rdbString('a'), Buffer.from([254]),
        rdbString('b'), Buffer.from([3]), Buffer.from('1.5')),
      rdbKey(C.RDB_TYPE_HASH, 'hplain', rdbLength(1), rdbString('f'), rdbString('v')),
      rdbKey(C.RDB_TYPE_SET, 'splain', rdbLength(2), rdbString('1'), rdbString('2')),
    ], (b) => crc64(0n, b));
    await withTempDump(dump, async (path) => {
      assert.equal(await compareWithRedis(path), 10);
    });
  });

test('our DUMP payloads are byte-identical to redis-server 7.0 DUMP', async (t) => {
  if (!redisAvailable(t, 'redis-server')) return;
  const dir = mkdtempSync(join(tmpdir(), 'vesta-rdb-'));
  const server = await startRedis(dir, 'none.rdb');
  try {
    const call = (...args: string[]): Promise<Reply> => server.client.call(...args);
    await call('SET', 's', 'hello');
    await call('SET', 'i', '12345');
    await call('HSET', 'h', 'f1', 'v1', 'f2', '300');
    await call('SADD', 'si', '5', '-1', '70000');
    await call('ZADD', 'z', '1', 'a', '-7', 'b', '1.5', 'c');
    await call('RPUSH', 'l', 'a', 'b', '1', '-20000');
    const cases: [string, Value][] = [
      ['s', 'hello'], ['i', '12345'], ['h', hash([['f1', 'v1'], ['f2', '300']], false)],
      ['si', set(['5', '-1', '70000'], false)],
      ['z', zset([['a', 1], ['b', -7], ['c', 1.5]], false)],
      ['l', ListValue.from(['a', 'b', '1', '-20000'])],
    ];
    for (const [key, value] of cases) {
      const theirs = Buffer.from((await call('DUMP', key)) as string, 'latin1');
      assert.equal(encodeDumpPayload(value).toString('hex'), theirs.toString('hex'), key);
    }
  } finally {
    server.client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
