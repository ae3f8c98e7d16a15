// Streams in RDB: loading RDB_TYPE_STREAM_LISTPACKS_2 (19, Redis 7.0) and STREAM_LISTPACKS (15,
// Redis 5/6) values, and the pieces the encoder writes. The nodes' listpacks are taken as they
// are (a stream node holds Redis's listpack bytes, store/value/stream-node.ts); then the
// stream's metadata, consumer groups with entries-read, their PELs with delivery time and
// count, and the consumers with seen-time and their PEL IDs.
// Redis equivalent: the OBJ_STREAM parts of rdbSaveObject / rdbLoadObject in rdb.c.

import { Consumer, ConsumerGroup, type PendingEntry } from '../../store/value/stream-group.js';
import { type StreamId, U64_MAX, idKey } from '../../store/value/stream-id.js';
import { StreamNode } from '../../store/value/stream-node.js';
import { StreamValue } from '../../store/value/stream.js';
import { latin1Slice } from '../../util/latin1.js';
import { corruptError } from './errors.js';
import type { RdbReader } from './reader.js';

const STREAM_LISTPACKS_2 = 19;

/** The 16-byte big-endian key of an ID (a node's key, a PEL entry). */
export function idBytes(id: StreamId): string {
  return idKey(id);
}

function idFromBytes(raw: Buffer, at: number): StreamId {
  if (raw.length !== 16) throw corruptError('stream ID key is not 16 bytes', at);
  return { ms: raw.readBigUInt64BE(0), seq: raw.readBigUInt64BE(8) };
}

function readId(reader: RdbReader): StreamId {
  const ms = reader.lengthBig();
  const seq = reader.lengthBig();
  return { ms, seq };
}

// Nodes' listpacks are gathered into one string per batch of about BATCH_BYTES, and each node
// keeps a slice of it (a view, no copy). A string that large is stored outside V8's heap (Node
// makes latin1 strings of 0xFBEE9 bytes and more external), so a big stream's node data is
// written once and never moved by the garbage collector: one small string per node was copied
// twice by scavenges (young generation, then old), ~60% of a 1M-entry stream's load time.
// The cost: a batch stays in memory while any node sliced from it is unchanged (a node that
// changes gets a string of its own), so at most what the load itself took.
const BATCH_BYTES = 1 << 20;
let batchBuf = Buffer.allocUnsafe(0);

interface PendingNode {
  master: StreamId;
  /** The listpack's bytes in batchBuf, and its file offset (errors). */
  start: number;
  end: number;
  at: number;
}

function addBatch(s: StreamValue, pending: PendingNode[], used: number): void {
  if (pending.length === 0) return;
  const batch = latin1Slice(batchBuf, 0, used);
  for (const p of pending) {
    const node = StreamNode.fromListpack(p.master, batch.slice(p.start, p.end));
    if (node === null) throw corruptError('invalid stream listpack', p.at);
    if (node.total === 0) throw corruptError('empty listpack inside stream', p.at);
    s.addNode(node);
  }
  pending.length = 0;
}

export function loadStream(reader: RdbReader, type: number): StreamValue {
  const s = new StreamValue();
  const nodeCount = reader.count(2);
  const pending: PendingNode[] = [];
  let used = 0;
  for (let i = 0; i < nodeCount; i++) {
    const at = reader.offset;
    let master: StreamId;
    let lpAt: number;
    let lp: Buffer;
    try {
      master = idFromBytes(reader.blob(), at);
      lpAt = reader.offset;
      lp = reader.blob();
    } catch (error: unknown) {
      // The nodes read before come first: an invalid one among them is the error to report.
      addBatch(s, pending, used);
      throw error;
    }
    if (used + lp.length > batchBuf.length) {
      addBatch(s, pending, used);
      used = 0;
      if (lp.length > batchBuf.length) batchBuf = Buffer.allocUnsafe(Math.max(lp.length, 2 * BATCH_BYTES));
    }
    lp.copy(batchBuf, used);
    pending.push({ master, start: used, end: used + lp.length, at: lpAt });
    used += lp.length;
    if (used >= BATCH_BYTES) {
      addBatch(s, pending, used);
      used = 0;
    }
  }
  addBatch(s, pending, used);
  s.length = Number(reader.lengthBig());
  s.lastId = readId(reader);
  if (type === STREAM_LISTPACKS_2) {
    s.firstId = readId(reader);
    s.maxDeletedId = readId(reader);
    s.entriesAdded = reader.lengthBig();
  } else {
    s.refreshFirstId();
    s.entriesAdded = BigInt(s.length);
  }
  const groupCount = reader.length();
  for (let i = 0; i < groupCount; i++) loadGroup(reader, s, type);
  return s;
}

function loadGroup(reader: RdbReader, s: StreamValue, type: number): void {
  const name = reader.string();
  const lastId = readId(reader);
  let entriesRead: bigint;
  if (type === STREAM_LISTPACKS_2) {
    const raw = reader.lengthBig();
    entriesRead = BigInt.asIntN(64, raw);
  } else entriesRead = s.estimateEntriesRead(lastId);
  const group = new ConsumerGroup(lastId, entriesRead);
  if (s.groups.has(name)) throw corruptError('duplicated consumer group name', reader.offset);
  s.groups.set(name, group);
  const orphans = new Set<string>();
  const pelCount = reader.count(17);
  for (let j = 0; j < pelCount; j++) {
    const at = reader.offset;
    const id = idFromBytes(reader.bytes(16), at);
    const deliveryTime = Number(reader.bytes(8).readBigInt64LE(0));
    const deliveryCount = Number(reader.lengthBig());
    const placeholder = null as unknown as Consumer;
    group.pel.set(id, { id, consumer: placeholder, deliveryTime, deliveryCount });
    orphans.add(idKey(id));
  }
  const consumerCount = reader.length();
  for (let j = 0; j < consumerCount; j++) {
    const consumerName = reader.string();
    const seen = Number(reader.bytes(8).readBigInt64LE(0));
    const consumer = new Consumer(consumerName, seen);
    group.consumers.set(consumerName, consumer);
    const n = reader.count(16);
    for (let k = 0; k < n; k++) {
      const at = reader.offset;
      const id = idFromBytes(reader.bytes(16), at);
      const p: PendingEntry | undefined = group.pel.get(id);
      if (p === undefined) throw corruptError('consumer PEL entry missing from the group PEL', at);
      p.consumer = consumer;
      consumer.pel.set(id, p);
      orphans.delete(idKey(id));
    }
  }
  if (orphans.size !== 0) throw corruptError('group PEL entry without a consumer', reader.offset);
}

/** entries-read as Redis writes it: -1 as 2^64-1. */
export function u64(v: bigint): bigint {
  return BigInt.asUintN(64, v) & U64_MAX;
}
