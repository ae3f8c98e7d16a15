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

export function loadStream(reader: RdbReader, type: number): StreamValue {
  const s = new StreamValue();
  const nodeCount = reader.count(2);
  for (let i = 0; i < nodeCount; i++) {
    const at = reader.offset;
    const master = idFromBytes(reader.blob(), at);
    const lpAt = reader.offset;
    const node = StreamNode.fromListpack(master, reader.string());
    if (node === null) throw corruptError('invalid stream listpack', lpAt);
    if (node.total === 0) throw corruptError('empty listpack inside stream', lpAt);
    s.addNode(node);
  }
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
