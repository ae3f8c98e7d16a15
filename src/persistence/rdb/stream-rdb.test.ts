// Streams through the RDB codec: a stream of many nodes comes back entry for entry, compressed
// or not, its nodes can change after the load, and an invalid listpack is reported where it is,
// before a later problem in the same stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRdb, RdbError } from './decoder.js';
import { encodeRdb } from './encoder.js';
import { StreamValue, type Value } from '../../store/value/types.js';
import type { StreamId } from '../../store/value/stream-id.js';

const LIMITS = { maxBytes: 4096, maxEntries: 100 };
const AUX = { ctimeSec: 0, usedMemBytes: 0, aofBase: false };

function build(entries: number): StreamValue {
  const s = new StreamValue();
  for (let i = 1; i <= entries; i++) {
    const fields = i % 7 === 0 ? ['other', `x${i}`, 'n', String(i)] : ['field', `value-${i}-${'y'.repeat(i % 13)}`];
    s.append({ ms: BigInt(1000 + i), seq: BigInt(i % 3) }, fields, LIMITS);
    s.entriesAdded++;
  }
  return s;
}

function entries(s: StreamValue): string[] {
  const out: string[] = [];
  s.scan({ ms: 0n, seq: 0n }, { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n }, false, (e) => {
    out.push(`${e.id.ms}-${e.id.seq} ${e.fields.join(' ')}`);
    return true;
  });
  return out;
}

function dump(s: StreamValue, compression: boolean): Buffer {
  return encodeRdb([{ db: 0, entries: [{ key: 's', value: s, expireAtMs: null }] }], AUX, { compression, checksum: false });
}

function load(data: Buffer): StreamValue {
  let value: Value | null = null;
  for (const e of decodeRdb(data)) if (e.kind === 'key') value = e.value;
  assert.ok(value instanceof StreamValue);
  return value;
}

test('a stream of many nodes round trips, compressed or not, and changes after the load', () => {
  const s = build(20_000);
  assert.ok(s.nodeCount > 150, 'many nodes');
  for (const compression of [true, false]) {
    const back = load(dump(s, compression));
    assert.equal(back.nodeCount, s.nodeCount);
    assert.equal(back.length, s.length);
    assert.deepEqual(entries(back), entries(s));
    const id: StreamId = { ms: 1000n + 5000n, seq: 5000n % 3n };
    assert.equal(back.delete(id), true);
    back.append({ ms: 99_999n, seq: 0n }, ['field', 'last'], LIMITS);
    const expected = entries(s).filter((e) => !e.startsWith('6000-2 '));
    expected.push('99999-0 field last');
    assert.deepEqual(entries(back), expected);
    assert.deepEqual(entries(load(dump(back, compression))), expected);
  }
});

test('an invalid listpack is reported before a truncation later in the stream', () => {
  const s = build(3_000);
  const raw = dump(s, false);
  const nodes = s.nodes();
  const lpOf = (i: number): Buffer => {
    const node = nodes[i];
    assert.ok(node !== undefined);
    const b = Buffer.alloc(node.lpBytes);
    node.writeListpack(b, 0);
    return b;
  };
  const bad = raw.indexOf(lpOf(3));
  const later = raw.indexOf(lpOf(6));
  assert.ok(bad > 0 && later > bad);
  const corrupt = Buffer.from(raw.subarray(0, later + 10));
  corrupt[bad + lpOf(3).length - 1] = 0; // the listpack's terminator
  assert.throws(() => load(corrupt), (e: unknown) => e instanceof RdbError && /invalid stream listpack/.test(e.message));
  // The same truncation without the bad listpack is an EOF.
  assert.throws(() => load(Buffer.from(raw.subarray(0, later + 10))), (e: unknown) => e instanceof RdbError && /EOF/.test(e.message));
});

test('a stream whose nodes fill several load batches, and one node larger than a batch, round trip', () => {
  // The loader gathers node listpacks into strings of about 1 MiB that the nodes slice: entries
  // of ~300 bytes put ~4 MiB across several batches; the last stream has a 3 MiB node.
  const s = new StreamValue();
  for (let i = 1; i <= 12_000; i++) {
    s.append({ ms: BigInt(i), seq: 0n }, ['field', `${i}:${'z'.repeat(280 + (i % 17))}`], LIMITS);
    s.entriesAdded++;
  }
  const huge = new StreamValue();
  for (let i = 1; i <= 3; i++) {
    huge.append({ ms: BigInt(i), seq: 0n }, ['f', String(i).repeat(1 << 20)], { maxBytes: 0, maxEntries: 0 });
    huge.entriesAdded++;
  }
  for (const compression of [true, false]) {
    const data = encodeRdb([{ db: 0, entries: [
      { key: 'a', value: s, expireAtMs: null }, { key: 'h', value: huge, expireAtMs: null },
    ] }], AUX, { compression, checksum: false });
    const loaded = new Map<string, Value>();
    for (const e of decodeRdb(data)) if (e.kind === 'key') loaded.set(e.key, e.value);
    const back = loaded.get('a');
    const hugeBack = loaded.get('h');
    assert.ok(back instanceof StreamValue && hugeBack instanceof StreamValue);
    assert.deepEqual(entries(back), entries(s));
    assert.deepEqual(entries(hugeBack), entries(huge));
    assert.equal(hugeBack.nodeCount, 1);
    // Changing one loaded node leaves the nodes sliced from the same batch as they were.
    assert.equal(back.delete({ ms: 3000n, seq: 0n }), true);
    assert.deepEqual(entries(back), entries(s).filter((e) => !e.startsWith('3000-0 ')));
  }
});
