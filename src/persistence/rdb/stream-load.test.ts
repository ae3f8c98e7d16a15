// RdbStreamLoad (a replica's payload loaded while it arrives) against a load of the whole
// dump: fed in reads of any sizes, with the known end held back as a `$EOF:` mark makes it,
// it must load the same keys, or fail with the same error, as rdbLoadBufferSync does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeRdb } from './encoder.js';
import { rdbLoadBufferSync, RdbStreamLoad, type RdbLoadTarget } from './load.js';
import { Config } from '../../config/config.js';
import { Logger } from '../../observe/log.js';
import { Keyspace } from '../../store/keyspace.js';
import { contentOf, dataset } from '../../../test/fixtures/rdb/arbitraries.js';

function target(): RdbLoadTarget {
  const config = new Config();
  // A replica keeps keys whose expire has passed (the generated expires are mostly past).
  assert.equal(config.setFromArgs('replicaof', ['127.0.0.1', '6379']), null);
  const log = new Logger();
  log.enabled = false;
  return { config, keyspace: new Keyspace(16), log, loading: false };
}

function contents(keyspace: Keyspace): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const db of keyspace.dbs) {
    db.dict.forEach((value, key) => out.set(`${db.id}/${key}`, [contentOf(value), db.expires.get(key) ?? null]));
  }
  return out;
}

/**
 * Loads `dump` fed in pieces cut at `cuts`, `heldBack` bytes short of what arrived (a mark's),
 * decoded in a window of `windowBytes` to start with (small ones drop decoded bytes at almost
 * every read: the checksum must still cover every byte, and errors keep their dump offsets).
 */
function streamed(dump: Buffer, cuts: number[], heldBack: number, windowBytes: number):
  { keys: Map<string, unknown> } | { error: string } {
  const t = target();
  const load = new RdbStreamLoad(t, 'payload', dump.length, windowBytes);
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (dump.length + 1)))].sort((a, b) => a - b)) {
    load.append(dump.subarray(at, cut));
    load.advance(Math.max(0, cut - heldBack));
    at = cut;
  }
  // Bytes past the payload (the mark, the stream) arrive with its end.
  load.append(Buffer.concat([dump.subarray(at), Buffer.from('*1\r\n$4\r\nPING\r\n')]));
  try {
    load.end(dump.length);
  } catch (error: unknown) {
    return { error: (error as Error).message };
  }
  return { keys: contents(t.keyspace) };
}

function whole(dump: Buffer): { keys: Map<string, unknown> } | { error: string } {
  const t = target();
  try {
    rdbLoadBufferSync(t, dump, 'payload');
  } catch (error: unknown) {
    return { error: (error as Error).message };
  }
  return { keys: contents(t.keyspace) };
}

const cuts = fc.array(fc.nat(), { maxLength: 40 });
const windows = fc.constantFrom(16, 300, 1 << 20);

test('a dump fed in reads of any size loads the keys a load of the whole dump loads', () => {
  fc.assert(fc.property(dataset, cuts, fc.constantFrom(0, 39), windows, (databases, at, heldBack, window) => {
    const dump = encodeRdb(databases, { ctimeSec: 1700000000, usedMemBytes: 1, aofBase: false },
      { compression: true, checksum: true });
    const expected = whole(dump);
    assert.ok('keys' in expected);
    assert.deepEqual(streamed(dump, at, heldBack, window), expected);
  }), { numRuns: 300 });
});

test('a damaged dump fed in pieces fails as a load of the whole dump fails, or loads the same', () => {
  const flip = fc.record({ where: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) });
  fc.assert(fc.property(dataset, cuts, flip, windows, (databases, at, { where, xor }, window) => {
    const dump = encodeRdb(databases, { ctimeSec: 1700000000, usedMemBytes: 1, aofBase: false },
      { compression: true, checksum: true });
    const damaged = Buffer.from(dump);
    const i = where % damaged.length;
    damaged[i] = (damaged[i] as number) ^ xor;
    assert.deepEqual(streamed(damaged, at, 0, window), whole(damaged));
  }), { numRuns: 300 });
});

test('a dump cut short fails at its end with the whole load\'s error', () => {
  const dump = encodeRdb([{ db: 0, entries: [{ key: 'k', value: 'v'.repeat(5000), expireAtMs: null }] }],
    { ctimeSec: 1700000000, usedMemBytes: 1, aofBase: false }, { compression: false, checksum: true });
  const short = dump.subarray(0, dump.length - 100);
  const result = streamed(short, [10, 200, 3000], 0, 64);
  assert.ok('error' in result);
  assert.deepEqual(result, whole(short));
  assert.match(result.error, /Unexpected EOF/);
});

test('a value spanning many reads is loaded once complete', () => {
  const big = 'x'.repeat(300_000);
  const dump = encodeRdb([{ db: 3, entries: [{ key: 'big', value: big, expireAtMs: null }, { key: 'k', value: 'v', expireAtMs: null }] }],
    { ctimeSec: 1700000000, usedMemBytes: 1, aofBase: false }, { compression: false, checksum: true });
  const pieces = Array.from({ length: 200 }, (_, i) => 100 + i * 1500);
  const result = streamed(dump, pieces, 39, 4096);
  assert.ok('keys' in result);
  assert.equal(result.keys.size, 2);
  assert.deepEqual(result.keys.get('3/big'), [['string', big], null]);
});

test('a dump many times the window loads in it: a flipped byte anywhere still fails the checksum', () => {
  const entries = Array.from({ length: 2000 }, (_, i) => ({ key: `key:${i}`, value: `value:${i}:${'p'.repeat(i % 50)}`, expireAtMs: null }));
  const dump = encodeRdb([{ db: 0, entries }], { ctimeSec: 1700000000, usedMemBytes: 1, aofBase: false },
    { compression: true, checksum: true });
  const pieces = Array.from({ length: Math.ceil(dump.length / 700) }, (_, i) => i * 700 + 13);
  const result = streamed(dump, pieces, 39, 1024);
  assert.ok('keys' in result);
  assert.deepEqual(result, whole(dump));
  // A value's byte (a string's content: still decodable) changed early on, long out of the window by the end.
  const damaged = Buffer.from(dump);
  const at = damaged.indexOf('value:7:');
  damaged[at + 6] = '9'.charCodeAt(0);
  const failed = streamed(damaged, pieces, 39, 1024);
  assert.ok('error' in failed);
  assert.match(failed.error, /checksum/i);
  assert.deepEqual(failed, whole(damaged));
});
