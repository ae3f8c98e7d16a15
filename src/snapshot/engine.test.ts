// The snapshot engine's central property: whatever writes, deletes, expiries, renames, flushes
// and swaps happen while a cut is being serialized, the keys it emits are exactly the dataset
// at the moment start() ran. Checked in-process against a deep copy taken at that moment.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Keyspace } from '../store/keyspace.js';
import { cloneValue, HashValue, ListValue, SetValue, StreamValue, ZSetValue, type Value } from '../store/value/types.js';
import { SnapshotEngine, type SnapshotVisitor } from './engine.js';
import { Consumer, ConsumerGroup } from '../store/value/stream-group.js';

type Dump = Map<string, { value: unknown; expireAtMs: number | null }>;

function plain(value: Value): unknown {
  if (typeof value === 'string') return value;
  if (value instanceof HashValue) return ['hash', [...value.entries()].sort()];
  if (value instanceof SetValue) return ['set', [...value].sort()];
  if (value instanceof ListValue) return ['list', value.toArray()];
  if (value instanceof StreamValue) return ['stream', streamPlain(value)];
  return ['zset', [...value]];
}

function streamPlain(s: StreamValue): unknown {
  const entries: string[] = [];
  s.scan({ ms: 0n, seq: 0n }, { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n }, false, (e) => {
    entries.push(`${e.id.ms}-${e.id.seq}:${e.fields.join(',')}`);
    return true;
  });
  const groups = s.sortedGroups().map(([name, g]) => [name, `${g.lastId.ms}-${g.lastId.seq}`, String(g.entriesRead),
    [...g.pel.values()].map((p) => `${p.id.ms}-${p.id.seq}:${p.consumer.name}:${p.deliveryCount}`)]);
  return [entries, String(s.lastId.ms), String(s.lastId.seq), String(s.entriesAdded), groups];
}

function expectedAt(ks: Keyspace): Dump {
  const out: Dump = new Map();
  for (const db of ks.dbs) {
    for (const [key, value] of db.dict) {
      // Keys past their expire time but not deleted are in the cut too (as Redis writes them).
      const when = db.expires.get(key);
      out.set(`${db.id}/${key}`, { value: plain(cloneValue(value)), expireAtMs: when ?? null });
    }
  }
  return out;
}

class CollectingVisitor implements SnapshotVisitor {
  readonly dump: Dump = new Map();
  readonly dbsBegun: number[] = [];
  beginDb(dbIndex: number): void {
    this.dbsBegun.push(dbIndex);
  }
  key(dbIndex: number, key: string, value: Value, expireAtMs: number | null): void {
    const id = `${dbIndex}/${key}`;
    assert.ok(!this.dump.has(id), `key ${id} emitted twice`);
    this.dump.set(id, { value: plain(value), expireAtMs });
  }
  wantsMore(): boolean {
    return Math.random() < 0.9; // exercise back-pressure pauses too
  }
  drained(): Promise<void> {
    return new Promise((r) => setImmediate(r));
  }
  end(): Promise<void> {
    return Promise.resolve();
  }
  abort(): void {}
}

const keyArb = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'k1', 'k2', 'k3', 'k4');
const opArb = fc.oneof(
  fc.record({ op: fc.constant('set' as const), db: fc.nat(2), key: keyArb, v: fc.string({ maxLength: 4 }) }),
  fc.record({ op: fc.constant('del' as const), db: fc.nat(2), key: keyArb }),
  fc.record({ op: fc.constant('hset' as const), db: fc.nat(2), key: keyArb, v: fc.string({ maxLength: 3 }) }),
  fc.record({ op: fc.constant('lpush' as const), db: fc.nat(2), key: keyArb, v: fc.string({ maxLength: 3 }) }),
  fc.record({ op: fc.constant('sadd' as const), db: fc.nat(2), key: keyArb, v: fc.string({ maxLength: 3 }) }),
  fc.record({ op: fc.constant('zadd' as const), db: fc.nat(2), key: keyArb, v: fc.string({ maxLength: 3 }) }),
  fc.record({ op: fc.constant('expire' as const), db: fc.nat(2), key: keyArb, ms: fc.integer({ min: -5, max: 100000 }) }),
  fc.record({ op: fc.constant('persist' as const), db: fc.nat(2), key: keyArb }),
  fc.record({ op: fc.constant('rename' as const), db: fc.nat(2), key: keyArb, to: keyArb }),
  fc.record({ op: fc.constant('flushdb' as const), db: fc.nat(2) }),
  fc.record({ op: fc.constant('swapdb' as const), db: fc.nat(2), to: fc.nat(2) }),
  fc.record({ op: fc.constant('expireNow' as const), db: fc.nat(2), key: keyArb }),
  fc.record({ op: fc.constantFrom('xadd' as const, 'xdel' as const, 'xtrim' as const, 'xgroup' as const), db: fc.nat(2), key: keyArb, v: fc.string({ maxLength: 3 }) }),
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

/** Applies one operation through the keyspace's write path, as commands would. */
function apply(ks: Keyspace, op: Op): void {
  const db = ks.db(op.db);
  switch (op.op) {
    case 'set':
      ks.setKey(db, op.key, op.v);
      return;
    case 'del':
      ks.delete(db, op.key);
      return;
    case 'expire':
      if (ks.peek(db, op.key) !== undefined) ks.setExpire(db, op.key, ks.now + op.ms);
      return;
    case 'expireNow':
      if (ks.peek(db, op.key) !== undefined) {
        ks.setExpire(db, op.key, ks.now - 1);
        ks.expireIfNeeded(db, op.key);
      }
      return;
    case 'persist':
      ks.removeExpire(db, op.key);
      return;
    case 'rename': {
      const value = ks.lookupWrite(db, op.key);
      if (value === undefined || op.key === op.to) return;
      ks.delete(db, op.to);
      ks.delete(db, op.key);
      ks.add(db, op.to, value);
      return;
    }
    case 'flushdb':
      ks.flushDb(db);
      return;
    case 'swapdb':
      ks.swapDb(db, ks.db(op.to));
      return;
    case 'xadd':
    case 'xdel':
    case 'xtrim':
    case 'xgroup':
      mutateStream(ks, op);
      return;
    default:
      mutateCollection(ks, op);
  }
}

function mutateCollection(ks: Keyspace, op: Extract<Op, { op: 'hset' | 'lpush' | 'sadd' | 'zadd' }>): void {
  const db = ks.db(op.db);
  const existing = ks.lookupWrite(db, op.key);
  const make = (): Value =>
    op.op === 'hset' ? new HashValue() : op.op === 'lpush' ? new ListValue() : op.op === 'sadd' ? new SetValue() : new ZSetValue();
  const value = existing ?? make();
  if (op.op === 'hset' && value instanceof HashValue) value.set(op.v, op.v + '!');
  else if (op.op === 'lpush' && value instanceof ListValue) value.pushFront(op.v);
  else if (op.op === 'sadd' && value instanceof SetValue) value.add(op.v);
  else if (op.op === 'zadd' && value instanceof ZSetValue) value.add(op.v, op.v.length);
  else return; // wrong type: a command would reply WRONGTYPE and change nothing
  if (existing === undefined) ks.add(db, op.key, value);
  else ks.modified(db, op.key);
}

/** Stream changes in place (append, delete, trim, group reads), as the X* commands make them. */
function mutateStream(ks: Keyspace, op: Extract<Op, { op: 'xadd' | 'xdel' | 'xtrim' | 'xgroup' }>): void {
  const db = ks.db(op.db);
  const existing = ks.lookupWrite(db, op.key);
  if (existing !== undefined && !(existing instanceof StreamValue)) return;
  const s = existing ?? new StreamValue();
  const next = { ms: s.lastId.ms + 1n, seq: 0n };
  if (op.op === 'xadd' || existing === undefined) {
    s.append(next, ['f', op.v, 'g', op.v], { maxBytes: 4096, maxEntries: 3 });
    s.lastId = next;
    s.entriesAdded++;
  } else if (op.op === 'xdel') {
    const first = s.edge(false);
    if (first !== null) s.delete(first.id);
  } else if (op.op === 'xtrim') {
    s.trim({ maxlen: 1, approx: false, limit: 0 });
  } else {
    let g = s.groups.get('g');
    if (g === undefined) {
      g = new ConsumerGroup({ ms: 0n, seq: 0n }, 0n);
      s.groups.set('g', g);
    }
    const group = g;
    const consumer = group.consumers.get(op.v) ?? new Consumer(op.v, 1);
    group.consumers.set(op.v, consumer);
    s.scan(group.lastId, { ms: next.ms, seq: 0n }, false, (e) => {
      if (group.pel.has(e.id)) return true;
      const p = { id: e.id, consumer, deliveryTime: 1, deliveryCount: 1 };
      group.pel.set(e.id, p);
      consumer.pel.set(e.id, p);
      group.lastId = e.id;
      return false;
    });
  }
  if (existing === undefined) ks.add(db, op.key, s);
  else ks.modified(db, op.key);
}

test('a snapshot emits exactly the dataset at T, whatever happens during it', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { maxLength: 60 }), fc.array(fc.array(opArb, { maxLength: 8 }), { maxLength: 30 }), async (setup, during) => {
      const ks = new Keyspace(3);
      const engine = new SnapshotEngine(ks);
      for (const op of setup) apply(ks, op);
      // A bigger db so the scan needs many slices.
      for (let i = 0; i < 200; i++) ks.setKey(ks.db(0), `bulk:${i}`, String(i));
      const expected = expectedAt(ks);
      const visitor = new CollectingVisitor();
      const snapshot = engine.start(visitor, { sliceBudgetMs: 0 });
      let finished = false;
      snapshot.done.then(() => (finished = true), () => (finished = true));
      for (const batch of during) {
        for (const op of batch) apply(ks, op);
        await new Promise((r) => setImmediate(r));
      }
      await snapshot.done;
      assert.ok(finished);
      assert.deepEqual(visitor.dump, expected);
      assert.equal(engine.active, null);
      assert.ok(snapshot.stats.preservedBytes === 0, 'everything preserved was released');
    }),
    { numRuns: 300 },
  );
});

test('a cancelled snapshot rejects and detaches', async () => {
  const ks = new Keyspace(1);
  const engine = new SnapshotEngine(ks);
  for (let i = 0; i < 1000; i++) ks.setKey(ks.db(0), `k${i}`, 'v');
  let aborted = false;
  const visitor = new CollectingVisitor();
  visitor.abort = () => {
    aborted = true;
  };
  const snapshot = engine.start(visitor, { sliceBudgetMs: 0 });
  snapshot.cancel(new Error('stop'));
  await assert.rejects(snapshot.done, /stop/);
  assert.ok(aborted);
  assert.equal(engine.active, null);
});

test('writes after the snapshot do not preserve anything', () => {
  const ks = new Keyspace(1);
  const engine = new SnapshotEngine(ks);
  ks.setKey(ks.db(0), 'a', '1');
  assert.equal(engine.active, null);
  ks.setKey(ks.db(0), 'a', '2');
  assert.equal(engine.active, null);
});
