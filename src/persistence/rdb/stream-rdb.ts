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
import { latin1Slice } from '../../util/latin1.js';

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

/**
 * The nodes' listpacks are copied into one buffer until it holds this many bytes, and that is
 * made one string whose slices become the nodes' data. A string this large is allocated in V8's
 * large-object space, outside the young generation, so the scavenges that run during a load
 * no longer copy every node's bytes twice (young generation, then old), and a load makes one
 * string per chunk instead of one per node. A chunk stays alive while any of its nodes is
 * unchanged (a node's first change makes it its own string: StreamNode.flatten, markDeleted).
 */
const CHUNK_BYTES = 64 * 1024;

/** A listpack read and copied into the chunk, not yet parsed into a node. */
interface PendingNode {
  master: StreamId;
  start: number;
  end: number;
  /** File offset of the listpack, for errors. */
  at: number;
}

/** Gathers a stream's listpacks into chunks (see CHUNK_BYTES) and makes the nodes from them. */
class NodeChunks {
  readonly #stream: StreamValue;
  #buf: Buffer | null = null;
  #pos = 0;
  readonly #pending: PendingNode[] = [];

  constructor(stream: StreamValue) {
    this.#stream = stream;
  }

  add(master: StreamId, lp: Buffer, at: number): void {
    const n = lp.length;
    if (n > CHUNK_BYTES) {
      this.flush();
      this.#make(latin1Slice(lp, 0, n), [{ master, start: 0, end: n, at }]);
      return;
    }
    if (this.#pos + n > CHUNK_BYTES) this.flush();
    this.#buf ??= Buffer.allocUnsafe(CHUNK_BYTES);
    lp.copy(this.#buf, this.#pos);
    this.#pending.push({ master, start: this.#pos, end: this.#pos + n, at });
    this.#pos += n;
  }

  /** Makes the nodes of the listpacks gathered so far; throws at the first invalid one. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const text = latin1Slice(this.#buf as Buffer, 0, this.#pos);
    const pending = this.#pending.splice(0);
    this.#pos = 0;
    this.#make(text, pending);
  }

  #make(text: string, pending: readonly PendingNode[]): void {
    for (const p of pending) {
      const node = StreamNode.fromListpack(p.master, text.slice(p.start, p.end));
      if (node === null) throw corruptError('invalid stream listpack', p.at);
      if (node.total === 0) throw corruptError('empty listpack inside stream', p.at);
      this.#stream.addNode(node);
    }
  }
}

export function loadStream(reader: RdbReader, type: number): StreamValue {
  const s = new StreamValue();
  const nodeCount = reader.count(2);
  const chunks = new NodeChunks(s);
  try {
    for (let i = 0; i < nodeCount; i++) {
      const at = reader.offset;
      const master = idFromBytes(reader.blob(), at);
      const lpAt = reader.offset;
      chunks.add(master, reader.blob(), lpAt);
    }
  } catch (error: unknown) {
    // A listpack gathered earlier may be invalid: that error comes first, as it would have
    // without the gathering.
    chunks.flush();
    throw error;
  }
  chunks.flush();
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
