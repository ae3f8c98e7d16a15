// DUMP and RESTORE against redis-server 7.0: payloads byte-identical for every type and encoding
// (and rdbcompression on and off), payloads exchanged both ways (Redis's restored into Vesta,
// Vesta's into Redis), the options and every error, RESP2 and RESP3.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { same, sequenceTests, sharedPair, type Pair } from '../helpers/differential.js';
import { requireRedis } from '../helpers/servers.js';
import { sameUnordered } from '../helpers/unordered.js';
import { Crc64 } from '../../src/persistence/rdb/crc64.js';

const p = sharedPair();

/** One key of every type and encoding Redis 7.0 writes (listpack/hashtable, intset, quicklist...). */
const DATASET: string[][] = [
  ['SET', 'str:int', '12345'],
  ['SET', 'str:neg', '-98765432101'],
  ['SET', 'str:short', 'hello'],
  ['SET', 'str:long', 'x'.repeat(100)],
  ['SET', 'str:random', Array.from({ length: 300 }, (_, i) => String.fromCharCode((i * 37) % 256)).join('')],
  ['SET', 'str:empty', ''],
  ['RPUSH', 'list:small', 'a', 'b', '1', '-2', '300000'],
  ['RPUSH', 'list:big', ...Array.from({ length: 200 }, (_, i) => `element-${i}`)],
  ['SADD', 'set:int', '1', '2', '3', '-7'],
  ['SADD', 'set:str', 'a', 'b', 'c'],
  ['SADD', 'set:big', ...Array.from({ length: 200 }, (_, i) => `m${i}`)],
  ['HSET', 'hash:small', 'f', 'v', 'n', '7'],
  ['HSET', 'hash:big', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
  ['ZADD', 'zset:small', '1', 'a', '2.5', 'b', '-3', 'c'],
  ['ZADD', 'zset:big', ...Array.from({ length: 200 }, (_, i) => [String(i / 3), `m${i}`]).flat()],
  ['PFADD', 'hll', 'a', 'b', 'c'],
  ['SETBIT', 'bits', '1000', '1'],
];

const KEYS = DATASET.map((cmd) => cmd[1] as string);
/**
 * Keys whose payload order Redis fixes. Redis 7.0 keeps string sets and big hashes in hash
 * tables seeded at random on start-up, so their element order differs between two Redis
 * processes too; those are compared as collections.
 */
const UNORDERED = new Set(['set:str', 'set:big', 'hash:big']);
const ORDERED_KEYS = KEYS.filter((k) => !UNORDERED.has(k));

async function loadDataset(pair: Pair): Promise<void> {
  await same(pair, [['FLUSHALL'], ...DATASET]);
}

// With rdbcompression no, payloads are byte-identical. With it on, strings over 20 bytes are
// LZF-compressed and Vesta's compressor finds other (equally valid) matches than liblzf's, so
// those payloads are compared by restoring them on the other server (next test).
test('DUMP payloads are byte-identical to redis-server for every type and encoding', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await loadDataset(pair);
  await same(pair, [['CONFIG', 'SET', 'rdbcompression', 'no'], ...ORDERED_KEYS.map((k) => ['DUMP', k]), ['DUMP', 'missing']]);
  await same(pair, [['CONFIG', 'SET', 'rdbcompression', 'yes']]);
});

test('payloads cross both ways: Redis to Vesta and Vesta to Redis restore the same values', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  await loadDataset(pair);
  const fromRedis = await pair.redisClient.pipeline(KEYS.map((k) => ['DUMP', k]));
  const fromVesta = await pair.vestaClient.pipeline(KEYS.map((k) => ['DUMP', k]));
  const bulk = (reply: string | undefined): string => {
    const text = String(reply);
    return text.slice(text.indexOf('\r\n') + 2, -2);
  };
  const restoreAll = (payloads: string[]): string[][] =>
    KEYS.map((k, i) => ['RESTORE', `copy:${k}`, '0', bulk(payloads[i])]);
  const intoVesta = await pair.vestaClient.pipeline(restoreAll(fromRedis));
  const intoRedis = await pair.redisClient.pipeline(restoreAll(fromVesta));
  for (const reply of [...intoVesta, ...intoRedis]) assert.equal(reply, '+OK\r\n');
  // The restored values read back the same on both sides, and dump the same again.
  const checks = KEYS.flatMap((k) => [['TYPE', `copy:${k}`], ['OBJECT', 'ENCODING', `copy:${k}`]]);
  const dumps = ORDERED_KEYS.map((k) => ['DUMP', `copy:${k}`]);
  await same(pair, [['CONFIG', 'SET', 'rdbcompression', 'no'], ...checks, ...dumps, ['CONFIG', 'SET', 'rdbcompression', 'yes']]);
  await sameUnordered(pair, [['SMEMBERS', 'copy:set:str'], ['SMEMBERS', 'copy:set:big']]);
  await sameUnordered(pair, [['HGETALL', 'copy:hash:big']], true);
});

/** A DUMP payload: body, RDB version (LE u16), CRC-64 (LE) of both, as latin1 text. */
function payload(body: string, version = 10, corruptCrc = false): string {
  const head = Buffer.concat([Buffer.from(body, 'latin1'), Buffer.from([version & 0xff, version >> 8])]);
  const crc = new Crc64();
  crc.update(head, 0, head.length);
  const tail = Buffer.alloc(8);
  tail.writeBigUInt64LE(corruptCrc ? crc.value ^ 1n : crc.value);
  return Buffer.concat([head, tail]).toString('latin1');
}

const VALUE = payload('\x00\x05value');

const SEQUENCES: Record<string, (string | number)[][]> = {
  'restore options and errors': [
    ['FLUSHALL'],
    ['SET', 'src', 'value'],
    ['RPUSH', 'l', 'a', 'b'],
    ['RESTORE', 'dst', '0', VALUE],
    ['GET', 'dst'],
    ['RESTORE', 'dst', '0', VALUE],
    ['RESTORE', 'dst', '0', VALUE, 'REPLACE'],
    ['RESTORE', 'ttl', '100000', VALUE],
    ['TTL', 'ttl'],
    ['RESTORE', 'abs', '1', VALUE, 'ABSTTL'],
    ['EXISTS', 'abs'],
    ['RESTORE', 'dst', '1', VALUE, 'ABSTTL', 'REPLACE'],
    ['EXISTS', 'dst'],
    ['RESTORE', 'x', '-1', VALUE],
    ['RESTORE', 'x', 'a', VALUE],
    ['RESTORE', 'x', '0', 'garbage'],
    ['RESTORE', 'x', '0', ''],
    ['RESTORE', 'x', '0', payload('\x00\x05value', 10, true)],
    ['RESTORE', 'x', '0', payload('\x00\x05value', 11)],
    ['RESTORE', 'x', '0', payload('\x00\x05value', 9)],
    ['RESTORE', 'x', '0', payload('\x00\x0avalue')],
    ['RESTORE', 'x', '0', payload('\x00\x05valueextra')],
    ['RESTORE', 'x', '0', payload('\x63\x05value')],
    ['RESTORE', 'x', '0', payload('\x01\x03\x01a\x01b')],
    ['RESTORE', 'x', '0', payload('')],
    ['RESTORE', 'x', '0', '123456789'],
    ['RESTORE', 'x', '0', VALUE, 'IDLETIME', '-1'],
    ['RESTORE', 'x', '0', VALUE, 'FREQ', '256'],
    ['RESTORE', 'x', '0', VALUE, 'FREQ', '5', 'IDLETIME', '5'],
    ['RESTORE', 'x', '0', VALUE, 'IDLETIME', 'x'],
    ['RESTORE', 'x', '0', VALUE, 'FOO'],
    ['RESTORE', 'x', '0', VALUE, 'IDLETIME', '10'],
    ['GET', 'x'],
    ['RESTORE', 'l', '0', VALUE],
    ['DUMP'],
    ['RESTORE', 'x', '0'],
  ],
};

sequenceTests(p, SEQUENCES);
