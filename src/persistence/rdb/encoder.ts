// RDB encoder: turns keys and values into the bytes of an RDB version 10 dump (the format Redis
// 7.0 writes), choosing each value's on-disk encoding the way Redis 7.0 does. It writes into a
// byte sink in chunks and keeps the running CRC-64. Pure and synchronous: it never touches the
// filesystem (save.ts does temp file, fsync, rename) and never reads the keyspace by itself
// (the snapshot engine feeds it).
// Redis equivalent: rdb.c, save side (rdbSaveRio, rdbSaveKeyValuePair, rdbSaveObject,
// rdbSaveLen, rdbSaveRawString, rdbSaveLzfStringObject).
//
// A dump is: "REDIS0010", aux fields, then per database SELECTDB/RESIZEDB and the keys, then EOF
// and the checksum. One key is
//
//   [EXPIRETIME_MS <i64le>] <type byte> <key string> <value>
//
// Strings are <length><bytes>, an integer (INT8/16/32, when the text is a canonical integer of at
// most 11 characters) or, with compression on and more than 20 bytes, LZF when that saves at
// least 4 bytes. See constants.ts for the length prefix.
//
// Chunks handed to the sink belong to the sink: the encoder never touches a chunk again after
// write(), so an asynchronous sink (socket, file stream) may keep it.

import { assert } from '../../assert.js';
import { HashValue, ListValue, SetValue, StreamValue, ZSetValue, type Value } from '../../store/value/types.js';
import type { StreamId } from '../../store/value/stream-id.js';
import { idBytes, u64 } from './stream-rdb.js';
import { Crc64 } from './crc64.js';
import { lzfCompress } from './lzf.js';
import { LISTPACK_MAX_SAFE_BYTES, ListpackWriter } from './listpack.js';
import { encodeIntset } from './intset.js';
import { parseCanonicalInt64 } from './integer-string.js';
import {
  DEFAULT_LIST_NODE_BYTES, DEFAULT_LIST_PLAIN_THRESHOLD_BYTES, QUICKLIST_NODE_CONTAINER_PACKED,
  QUICKLIST_NODE_CONTAINER_PLAIN, RDB_64BITLEN, RDB_32BITLEN, RDB_ENC_INT16, RDB_ENC_INT32,
  RDB_ENC_INT8, RDB_ENC_LZF, RDB_MAGIC, RDB_OPCODE_AUX, RDB_OPCODE_EOF, RDB_OPCODE_EXPIRETIME_MS,
  RDB_OPCODE_FUNCTION2,
  RDB_OPCODE_RESIZEDB, RDB_OPCODE_SELECTDB, RDB_REDIS_VER, RDB_TYPE_HASH, RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_LIST_QUICKLIST_2, RDB_TYPE_SET, RDB_TYPE_SET_INTSET, RDB_TYPE_STRING, RDB_TYPE_ZSET_2,
  RDB_TYPE_STREAM_LISTPACKS_2, RDB_TYPE_ZSET_LISTPACK, RDB_VERSION,
} from './constants.js';

/** Where encoded bytes go. Redis equivalent: rio. */
export interface RdbSink {
  /** Receives the next chunk; the chunk is the sink's to keep unless `borrowsChunks`. */
  write(chunk: Buffer): void;
  /**
   * True when write() is done with the chunk when it returns (it wrote it synchronously), so
   * the encoder reuses one buffer: a background save of 7 MB then allocates 64 KiB, not 110
   * buffers that stay in RSS until a GC frees them.
   */
  readonly borrowsChunks?: boolean;
}

export interface RdbEncoderOptions {
  /** rdbcompression: LZF-compress strings over 20 bytes when it pays. Default true. */
  compression?: boolean;
  /** rdbchecksum: write the CRC-64 after EOF (else 8 zero bytes). Default true. */
  checksum?: boolean;
  /** Bytes gathered before a chunk goes to the sink. Default 64 KiB. */
  chunkBytes?: number;
  /** Target listpack size of one quicklist node (list-max-listpack-size -2). Default 8 KiB. */
  listNodeBytes?: number;
  /** List elements at least this long get a plain node of their own. Default 1 GiB. */
  listPlainThresholdBytes?: number;
}

/** What Redis 7.0 records in its aux fields, supplied by the caller (the encoder has no clock). */
export interface RdbAuxInfo {
  /** Creation time, Unix seconds. */
  ctimeSec: number;
  usedMemBytes: number;
  /** True when the dump is the base of a multi-part AOF. */
  aofBase: boolean;
}

const DEFAULT_CHUNK_BYTES = 64 * 1024;
/** Strings longer than this bypass the chunk buffer and go to the sink on their own. */
const DIRECT_WRITE_MIN_BYTES = 16 * 1024;
const COMPRESS_MIN_BYTES = 21;
const INT_ENCODING_MAX_CHARS = 11;

type EncoderState = 'start' | 'body' | 'done';

/**
 * Streams one RDB dump into a sink. Call writeHeader(), writeDefaultAux() / writeAux(), then per
 * database writeSelectDb(), writeResizeDb() and writeKey() for each key, and finally writeEof().
 */
export class RdbEncoder {
  readonly #sink: RdbSink;
  readonly #compression: boolean;
  readonly #checksum: boolean;
  readonly #chunkBytes: number;
  readonly #listNodeBytes: number;
  readonly #listPlainThresholdBytes: number;
  readonly #crc = new Crc64();
  readonly #listpack = new ListpackWriter();
  #buf: Buffer;
  #pos = 0;
  #flushedBytes = 0;
  #state: EncoderState = 'start';
  #scratchIn: Buffer = Buffer.allocUnsafe(1024);
  #scratchOut: Buffer = Buffer.allocUnsafe(1024);

  constructor(sink: RdbSink, options: RdbEncoderOptions = {}) {
    this.#sink = sink;
    this.#compression = options.compression ?? true;
    this.#checksum = options.checksum ?? true;
    this.#chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.#listNodeBytes = options.listNodeBytes ?? DEFAULT_LIST_NODE_BYTES;
    this.#listPlainThresholdBytes =
      options.listPlainThresholdBytes ?? DEFAULT_LIST_PLAIN_THRESHOLD_BYTES;
    assert(this.#chunkBytes >= 64, 'chunkBytes too small');
    assert(this.#listNodeBytes >= 16, 'listNodeBytes too small');
    this.#buf = Buffer.allocUnsafe(this.#chunkBytes);
  }

  /** Total bytes produced so far (flushed or buffered). */
  get bytesWritten(): number {
    return this.#flushedBytes + this.#pos;
  }

  /** "REDIS0010". Must come first. */
  writeHeader(): void {
    assert(this.#state === 'start', 'RDB header written twice');
    this.#state = 'body';
    this.#writeAscii(RDB_MAGIC + String(RDB_VERSION).padStart(4, '0'));
  }

  /** One aux field. Numbers are stored as integer-encoded strings, as Redis does. */
  writeAux(name: string, value: string | number): void {
    this.#assertBody();
    this.#writeByte(RDB_OPCODE_AUX);
    this.#writeString(name);
    this.#writeString(typeof value === 'number' ? String(value) : value);
  }

  /** The aux fields Redis 7.0 writes for SAVE/BGSAVE, in its order. */
  writeDefaultAux(info: RdbAuxInfo): void {
    assert(Number.isSafeInteger(info.ctimeSec), 'ctime not an integer');
    assert(Number.isSafeInteger(info.usedMemBytes), 'used-mem not an integer');
    this.writeAux('redis-ver', RDB_REDIS_VER);
    this.writeAux('redis-bits', 64);
    this.writeAux('ctime', info.ctimeSec);
    this.writeAux('used-mem', info.usedMemBytes);
    this.writeAux('aof-base', info.aofBase ? 1 : 0);
  }

  writeSelectDb(db: number): void {
    this.#assertBody();
    assert(Number.isSafeInteger(db) && db >= 0, 'db index');
    this.#writeByte(RDB_OPCODE_SELECTDB);
    this.#writeLength(db);
  }

  /** Size hint for the database selected last: all keys, and keys with an expire. */
  writeResizeDb(keyCount: number, expireCount: number): void {
    this.#assertBody();
    assert(expireCount <= keyCount, 'more expires than keys');
    this.#writeByte(RDB_OPCODE_RESIZEDB);
    this.#writeLength(keyCount);
    this.#writeLength(expireCount);
  }

  /** A function library (RDB_OPCODE_FUNCTION2 and its code), as Redis 7.0 saves them before the keys. */
  writeFunction(code: string): void {
    this.#assertBody();
    this.#writeByte(RDB_OPCODE_FUNCTION2);
    this.#writeString(code);
  }

  /**
   * FUNCTION DUMP's payload: each library as <FUNCTION2> <code>, then the RDB version and
   * CRC-64. Use on a fresh encoder. Redis equivalent: functionDumpCommand (functions.c).
   */
  writeFunctionsDumpPayload(codes: readonly string[]): void {
    assert(this.#state === 'start', 'DUMP payload needs a fresh encoder');
    this.#state = 'done';
    for (const code of codes) {
      this.#writeByte(RDB_OPCODE_FUNCTION2);
      this.#writeString(code);
    }
    this.#ensure(10);
    this.#buf.writeUInt16LE(RDB_VERSION, this.#pos);
    this.#pos += 2;
    this.#crc.update(this.#buf, 0, this.#pos);
    this.#crc.writeLE(this.#buf, this.#pos);
    this.#pos += 8;
    this.#handOff(false);
  }

  /** One key with its value and absolute expire time (Unix ms) or null. */
  writeKey(key: string, value: Value, expireAtMs: number | null): void {
    this.#assertBody();
    if (expireAtMs !== null) {
      assert(Number.isSafeInteger(expireAtMs), 'expire time not an integer');
      this.#ensure(9);
      this.#buf[this.#pos] = RDB_OPCODE_EXPIRETIME_MS;
      this.#buf.writeBigInt64LE(BigInt(expireAtMs), this.#pos + 1);
      this.#pos += 9;
    }
    this.#writeObject(key, value);
  }

  /** EOF opcode and checksum; flushes everything to the sink. Nothing may follow. */
  writeEof(): void {
    this.#assertBody();
    this.#state = 'done';
    this.#ensure(9);
    this.#buf[this.#pos++] = RDB_OPCODE_EOF;
    this.#crc.update(this.#buf, 0, this.#pos);
    if (this.#checksum) this.#crc.writeLE(this.#buf, this.#pos);
    else this.#buf.fill(0, this.#pos, this.#pos + 8);
    this.#pos += 8;
    this.#handOff(false);
  }

  /**
   * The value alone in DUMP form: <type> <value> <RDB version u16le> <CRC-64 le>. Use on a fresh
   * encoder; the payload goes to the sink. Redis equivalent: createDumpPayload (cluster.c).
   */
  writeDumpPayload(value: Value): void {
    assert(this.#state === 'start', 'DUMP payload needs a fresh encoder');
    this.#state = 'done';
    this.#writeObject(null, value);
    this.#ensure(10);
    this.#buf.writeUInt16LE(RDB_VERSION, this.#pos);
    this.#pos += 2;
    this.#crc.update(this.#buf, 0, this.#pos);
    this.#crc.writeLE(this.#buf, this.#pos);
    this.#pos += 8;
    this.#handOff(false);
  }

  // -------------------------------------------------------------------------------------------
  // Values. Redis equivalent: rdbSaveObjectType + rdbSaveObject.
  // -------------------------------------------------------------------------------------------

  /** Writes <type> [<key>] <value>; key is null for a DUMP payload. */
  #writeObject(key: string | null, value: Value): void {
    if (typeof value === 'string') {
      this.#writeByte(RDB_TYPE_STRING);
      if (key !== null) this.#writeString(key);
      this.#writeString(value);
    } else if (value instanceof HashValue) {
      this.#writeHash(key, value);
    } else if (value instanceof SetValue) {
      this.#writeSet(key, value);
    } else if (value instanceof ListValue) {
      this.#writeList(key, value);
    } else if (value instanceof StreamValue) {
      this.#writeStream(key, value);
    } else {
      this.#writeZSet(key, value);
    }
  }

  /** RDB_TYPE_STREAM_LISTPACKS_2: the nodes' listpacks as they are, metadata, groups. */
  #writeStream(key: string | null, s: StreamValue): void {
    this.#writeByte(RDB_TYPE_STREAM_LISTPACKS_2);
    if (key !== null) this.#writeString(key);
    const nodes = s.nodes();
    this.#writeLength(nodes.length);
    for (const node of nodes) {
      this.#writeIdKey(node.ms, node.seq);
      const bytes = node.lpBytes;
      if (this.#scratchIn.length < bytes) this.#scratchIn = Buffer.allocUnsafe(scratchSize(bytes));
      this.#writeBlob(this.#scratchIn, node.writeListpack(this.#scratchIn, 0));
    }
    this.#writeLength(s.length);
    for (const id of [s.lastId, s.firstId, s.maxDeletedId]) this.#writeId(id);
    this.#writeLengthBig(s.entriesAdded);
    const groups = s.sortedGroups();
    this.#writeLength(groups.length);
    for (const [name, g] of groups) {
      this.#writeString(name);
      this.#writeId(g.lastId);
      this.#writeLengthBig(u64(g.entriesRead));
      this.#writeLength(g.pel.size);
      for (const p of g.pel.values()) {
        this.#writeAscii(idBytes(p.id));
        this.#writeMs(p.deliveryTime);
        this.#writeLength(p.deliveryCount);
      }
      const consumers = g.sortedConsumers();
      this.#writeLength(consumers.length);
      for (const consumer of consumers) {
        this.#writeString(consumer.name);
        this.#writeMs(consumer.seenTime);
        this.#writeLength(consumer.pel.size);
        for (const p of consumer.pel.values()) this.#writeAscii(idBytes(p.id));
      }
    }
  }

  /** A node's key, idBytes() as an RDB string, written without building the string. */
  #writeIdKey(ms: bigint, seq: bigint): void {
    this.#writeLength(16);
    this.#ensure(16);
    this.#buf.writeBigUInt64BE(ms, this.#pos);
    this.#buf.writeBigUInt64BE(seq, this.#pos + 8);
    this.#pos += 16;
  }

  #writeId(id: StreamId): void {
    this.#writeLengthBig(id.ms);
    this.#writeLengthBig(id.seq);
  }

  #writeMs(ms: number): void {
    this.#ensure(8);
    this.#buf.writeBigInt64LE(BigInt(ms), this.#pos);
    this.#pos += 8;
  }

  #writeLengthBig(n: bigint): void {
    if (n <= BigInt(Number.MAX_SAFE_INTEGER)) {
      this.#writeLength(Number(n));
      return;
    }
    this.#ensure(9);
    this.#buf[this.#pos] = RDB_64BITLEN;
    this.#buf.writeBigUInt64BE(n, this.#pos + 1);
    this.#pos += 9;
  }

  #writeHash(key: string | null, hash: HashValue): void {
    assert(hash.size > 0, 'empty hash reached the RDB encoder');
    if (!hash.hashtable) {
      const listpack = this.#listpack;
      listpack.reset();
      for (const [field, value] of hash) {
        listpack.append(field);
        listpack.append(value);
        if (listpack.byteLength > LISTPACK_MAX_SAFE_BYTES) break;
      }
      if (listpack.byteLength <= LISTPACK_MAX_SAFE_BYTES) {
        this.#writeByte(RDB_TYPE_HASH_LISTPACK);
        if (key !== null) this.#writeString(key);
        this.#writeBlob(listpack.finish());
        return;
      }
    }
    this.#writeByte(RDB_TYPE_HASH);
    if (key !== null) this.#writeString(key);
    this.#writeLength(hash.size);
    for (const [field, value] of hash) {
      this.#writeString(field);
      this.#writeString(value);
    }
  }

  #writeSet(key: string | null, set: SetValue): void {
    assert(set.size > 0, 'empty set reached the RDB encoder');
    const integers = set.hashtable ? null : setAsIntegers(set);
    if (integers !== null) {
      this.#writeByte(RDB_TYPE_SET_INTSET);
      if (key !== null) this.#writeString(key);
      this.#writeBlob(encodeIntset(integers));
      return;
    }
    this.#writeByte(RDB_TYPE_SET);
    if (key !== null) this.#writeString(key);
    this.#writeLength(set.size);
    for (const member of set) this.#writeString(member);
  }

  #writeZSet(key: string | null, zset: ZSetValue): void {
    assert(zset.size > 0, 'empty zset reached the RDB encoder');
    if (!zset.skiplist) {
      const listpack = this.#listpack;
      listpack.reset();
      for (const [member, score] of zset) {
        listpack.append(member);
        if (Number.isSafeInteger(score) && !Object.is(score, -0)) listpack.appendInteger(score);
        else listpack.append(formatScore(score));
        if (listpack.byteLength > LISTPACK_MAX_SAFE_BYTES) break;
      }
      if (listpack.byteLength <= LISTPACK_MAX_SAFE_BYTES) {
        this.#writeByte(RDB_TYPE_ZSET_LISTPACK);
        if (key !== null) this.#writeString(key);
        this.#writeBlob(listpack.finish());
        return;
      }
    }
    this.#writeByte(RDB_TYPE_ZSET_2);
    if (key !== null) this.#writeString(key);
    this.#writeLength(zset.size);
    // Highest score first, as Redis writes it: a loader inserting in file order then always
    // inserts at the head of its skip list.
    for (let node = zset.last(); node !== null; node = node.backward) {
      assert(!Number.isNaN(node.score), 'NaN score reached the RDB encoder');
      this.#writeString(node.member);
      this.#ensure(8);
      this.#buf.writeDoubleLE(node.score, this.#pos);
      this.#pos += 8;
    }
  }

  /**
   * A list as quicklist-2: <node count> then per node <container> <blob>. Elements go into
   * listpack nodes of about listNodeBytes each; an element of listPlainThresholdBytes or more
   * gets a PLAIN node holding just its bytes. Node boundaries do not need to match Redis's:
   * Redis loads any split.
   */
  #writeList(key: string | null, list: ListValue): void {
    assert(list.length > 0, 'empty list reached the RDB encoder');
    const nodes: { plain: boolean; data: Buffer | string }[] = [];
    const listpack = this.#listpack;
    listpack.reset();
    for (const element of list) {
      if (element.length >= this.#listPlainThresholdBytes) {
        if (listpack.count > 0) nodes.push({ plain: false, data: Buffer.from(listpack.finish()) });
        listpack.reset();
        nodes.push({ plain: true, data: element });
        continue;
      }
      const entryBytesMax = element.length + 11;
      if (listpack.count > 0 && listpack.byteLength + entryBytesMax > this.#listNodeBytes) {
        nodes.push({ plain: false, data: Buffer.from(listpack.finish()) });
        listpack.reset();
      }
      listpack.append(element);
    }
    if (listpack.count > 0) nodes.push({ plain: false, data: Buffer.from(listpack.finish()) });
    this.#writeByte(RDB_TYPE_LIST_QUICKLIST_2);
    if (key !== null) this.#writeString(key);
    this.#writeLength(nodes.length);
    for (const node of nodes) {
      this.#writeLength(node.plain ? QUICKLIST_NODE_CONTAINER_PLAIN
        : QUICKLIST_NODE_CONTAINER_PACKED);
      if (typeof node.data === 'string') this.#writeString(node.data);
      else this.#writeBlob(node.data);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Strings and lengths. Redis equivalent: rdbSaveRawString, rdbTryIntegerEncoding, rdbSaveLen.
  // -------------------------------------------------------------------------------------------

  #writeString(s: string): void {
    const length = s.length;
    if (length <= INT_ENCODING_MAX_CHARS && length > 0) {
      const first = s.charCodeAt(0);
      if ((first >= 0x30 && first <= 0x39) || first === 0x2d) {
        const n = parseCanonicalInt64(s);
        if (typeof n === 'number' && n >= -2147483648 && n <= 2147483647) {
          this.#writeEncodedInt(n);
          return;
        }
      }
    }
    if (this.#compression && length >= COMPRESS_MIN_BYTES) {
      if (this.#scratchIn.length < length) {
        this.#scratchIn = Buffer.allocUnsafe(scratchSize(length));
      }
      this.#scratchIn.write(s, 0, length, 'latin1');
      if (this.#tryWriteCompressed(this.#scratchIn, length)) return;
    }
    this.#writeLength(length);
    if (length >= DIRECT_WRITE_MIN_BYTES) {
      this.#handOff(true);
      this.#handOffChunk(Buffer.from(s, 'latin1'));
      return;
    }
    this.#ensure(length);
    this.#pos = copyLatin1(s, this.#buf, this.#pos);
  }

  /** A binary blob (listpack, intset) as an RDB string, compressed when it pays. */
  #writeBlob(blob: Buffer, length = blob.length): void {
    const compressible = this.#compression && length >= COMPRESS_MIN_BYTES;
    if (compressible && this.#tryWriteCompressed(blob, length)) return;
    this.#writeLength(length);
    if (length >= DIRECT_WRITE_MIN_BYTES) {
      this.#handOff(true);
      this.#handOffChunk(Buffer.from(blob.subarray(0, length)));
      return;
    }
    this.#ensure(length);
    blob.copy(this.#buf, this.#pos, 0, length);
    this.#pos += length;
  }

  /** LZF form (0xC3 <compressed len> <original len> <data>) if it saves at least 4 bytes. */
  #tryWriteCompressed(source: Buffer, length: number): boolean {
    const limit = length - 4;
    if (this.#scratchOut.length < limit) this.#scratchOut = Buffer.allocUnsafe(scratchSize(length));
    const compressedLength = lzfCompress(source, 0, length, this.#scratchOut, limit);
    if (compressedLength === 0) return false;
    this.#writeByte((3 << 6) | RDB_ENC_LZF);
    this.#writeLength(compressedLength);
    this.#writeLength(length);
    this.#ensure(compressedLength);
    this.#scratchOut.copy(this.#buf, this.#pos, 0, compressedLength);
    this.#pos += compressedLength;
    return true;
  }

  #writeEncodedInt(n: number): void {
    this.#ensure(5);
    const buf = this.#buf;
    let p = this.#pos;
    if (n >= -128 && n <= 127) {
      buf[p++] = (3 << 6) | RDB_ENC_INT8;
      buf.writeInt8(n, p);
      p += 1;
    } else if (n >= -32768 && n <= 32767) {
      buf[p++] = (3 << 6) | RDB_ENC_INT16;
      buf.writeInt16LE(n, p);
      p += 2;
    } else {
      buf[p++] = (3 << 6) | RDB_ENC_INT32;
      buf.writeInt32LE(n, p);
      p += 4;
    }
    this.#pos = p;
  }

  #writeLength(n: number): void {
    assert(Number.isSafeInteger(n) && n >= 0, 'RDB length not a non-negative integer');
    this.#ensure(9);
    const buf = this.#buf;
    if (n < 64) {
      buf[this.#pos++] = n;
    } else if (n < 16384) {
      buf[this.#pos++] = 0x40 | (n >>> 8);
      buf[this.#pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      buf[this.#pos] = RDB_32BITLEN;
      buf.writeUInt32BE(n, this.#pos + 1);
      this.#pos += 5;
    } else {
      buf[this.#pos] = RDB_64BITLEN;
      buf.writeBigUInt64BE(BigInt(n), this.#pos + 1);
      this.#pos += 9;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Chunk buffer.
  // -------------------------------------------------------------------------------------------

  #writeByte(byte: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = byte;
  }

  #writeAscii(s: string): void {
    this.#ensure(s.length);
    this.#pos += this.#buf.write(s, this.#pos, s.length, 'latin1');
  }

  #assertBody(): void {
    assert(this.#state === 'body', 'RDB encoder used before header or after EOF');
  }

  /** Makes room for `bytes` more; may hand the current chunk to the sink. */
  #ensure(bytes: number): void {
    if (this.#pos + bytes <= this.#buf.length) return;
    this.#handOff(true);
    if (bytes > this.#buf.length) this.#buf = Buffer.allocUnsafe(bytes);
  }

  /** Gives the buffered bytes to the sink (CRC'd when `checksummed`) and starts a new chunk. */
  #handOff(checksummed: boolean): void {
    if (this.#pos === 0) return;
    const chunk = this.#buf.subarray(0, this.#pos);
    if (checksummed) this.#crc.update(chunk);
    this.#flushedBytes += this.#pos;
    if (this.#sink.borrowsChunks !== true) this.#buf = Buffer.allocUnsafe(this.#chunkBytes);
    this.#pos = 0;
    this.#sink.write(chunk);
  }

  /** Sends a standalone chunk (the buffer must be empty, so byte order is kept). */
  #handOffChunk(chunk: Buffer): void {
    assert(this.#pos === 0, 'standalone chunk with bytes pending');
    this.#crc.update(chunk);
    this.#flushedBytes += chunk.length;
    this.#sink.write(chunk);
  }
}

/** Scratch buffers grow geometrically, but not beyond what one huge string needs. */
function scratchSize(length: number): number {
  return length < 1 << 20 ? length * 2 : length;
}

/** Members as int64 values when every member is a canonical integer, else null. */
function setAsIntegers(set: SetValue): (number | bigint)[] | null {
  const values: (number | bigint)[] = [];
  for (const member of set) {
    const n = parseCanonicalInt64(member);
    if (n === null) return null;
    values.push(n);
  }
  return values;
}

/**
 * A non-integer score as listpack text that strtod reads back to the same double: JavaScript's
 * shortest round-trip form, with Redis's spellings of infinity and negative zero.
 */
export function formatScore(score: number): string {
  assert(!Number.isNaN(score), 'NaN score');
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  if (Object.is(score, -0)) return '-0';
  return String(score);
}

// ---------------------------------------------------------------------------------------------
// Conveniences over a memory sink: whole dumps and DUMP payloads.
// ---------------------------------------------------------------------------------------------

/** A sink that keeps every chunk in memory. */
export class BufferSink implements RdbSink {
  readonly chunks: Buffer[] = [];

  write(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** One key for encodeRdb. */
export interface RdbEntry {
  key: string;
  value: Value;
  expireAtMs: number | null;
}

/** One database for encodeRdb. */
export interface RdbDatabase {
  db: number;
  entries: readonly RdbEntry[];
}

/** A whole dump in memory: header, default aux fields, the databases in order, EOF. */
export function encodeRdb(databases: readonly RdbDatabase[], aux: RdbAuxInfo,
  options: RdbEncoderOptions = {}): Buffer {
  const sink = new BufferSink();
  const encoder = new RdbEncoder(sink, options);
  encoder.writeHeader();
  encoder.writeDefaultAux(aux);
  for (const database of databases) {
    if (database.entries.length === 0) continue;
    encoder.writeSelectDb(database.db);
    let expireCount = 0;
    for (const entry of database.entries) if (entry.expireAtMs !== null) expireCount++;
    encoder.writeResizeDb(database.entries.length, expireCount);
    for (const entry of database.entries) {
      encoder.writeKey(entry.key, entry.value, entry.expireAtMs);
    }
  }
  encoder.writeEof();
  return sink.toBuffer();
}

/** FUNCTION DUMP's payload for these libraries' code. */
export function encodeFunctionsDump(codes: readonly string[], options: RdbEncoderOptions = {}): Buffer {
  const sink = new BufferSink();
  new RdbEncoder(sink, options).writeFunctionsDumpPayload(codes);
  return sink.toBuffer();
}

/** DUMP's payload for one value. */
export function encodeDumpPayload(value: Value, options: RdbEncoderOptions = {}): Buffer {
  const sink = new BufferSink();
  new RdbEncoder(sink, options).writeDumpPayload(value);
  return sink.toBuffer();
}

/**
 * Copies a latin1 string into buf at pos and returns the new position. Short strings (most
 * keys and values) are copied by hand: Buffer#write normalises its arguments on every call,
 * which profiled as the encoder's largest cost per key.
 */
function copyLatin1(s: string, buf: Buffer, pos: number): number {
  const length = s.length;
  if (length > 32) return pos + buf.write(s, pos, length, 'latin1');
  for (let i = 0; i < length; i++) buf[pos + i] = s.charCodeAt(i);
  return pos + length;
}
