// RDB decoder: turns the bytes of a dump (RDB versions 6 to 10, as written by Redis 2.6 up to
// 7.0) into a stream of events: aux fields, database switches, and keys with their values and
// expire times. It also sets each value's sticky encoding flags the way Redis 7.0 would after a
// load. Pure and synchronous; it never touches the keyspace (load.ts does, and decides what to do
// with expired keys) and it is shared with the checker tool, so both read the format one way.
// Redis equivalent: rdb.c, load side (rdbLoadRio, rdbLoadObject) and redis-check-rdb.c.
//
// Trust nothing: every length is checked against the bytes left before anything is sized from
// it, every container blob is validated, loops are bounded by input consumed, there is no
// recursion, and every failure is an RdbError with the byte offset.

import { HashValue, ListValue, SetValue, ZSetValue, type Value } from '../../store/value/types.js';
import { assert } from '../../assert.js';
import { Crc64 } from './crc64.js';
import { corruptError, describeKey, RdbError } from './errors.js';
import { loadStream } from './stream-rdb.js';
import { intsetMembers } from './intset.js';
import { parseCanonicalInt64 } from './integer-string.js';
import { listpackEntries, listpackPacked } from './listpack.js';
import { PackedBuilder } from '../../store/value/packed.js';
import { parseRedisDouble, RdbReader, type RdbSource } from './reader.js';
import { ziplistEntries } from './ziplist.js';
import { zipmapEntries } from './zipmap.js';
import * as C from './constants.js';

export { RdbError } from './errors.js';
export type { RdbErrorCode } from './errors.js';

/** Everything a dump can say, in file order. `offset` is where the item starts in the dump. */
export type RdbEvent =
  | { kind: 'header'; version: number; offset: number }
  | { kind: 'aux'; key: string; value: string; offset: number }
  | { kind: 'selectdb'; db: number; offset: number }
  | { kind: 'resizedb'; keyCount: number; expireCount: number; offset: number }
  | {
    kind: 'key';
    db: number;
    key: string;
    value: Value;
    /** Absolute expire time in Unix ms, or null. Possibly in the past: the loader decides. */
    expireAtMs: number | null;
    /** LRU idle seconds (maxmemory-policy *lru dumps), or null. */
    lruIdleSec: number | null;
    /** LFU frequency counter (maxmemory-policy *lfu dumps), or null. */
    lfuFreq: number | null;
    offset: number;
  }
  /** A Redis function library (FUNCTION2): Vesta does not run functions; the code is passed on. */
  | { kind: 'function'; code: string; offset: number }
  /** Module aux data: skipped (it is self-describing), the module named for the log. */
  | { kind: 'module-aux'; moduleName: string; offset: number }
  | { kind: 'warning'; message: string; offset: number }
  | { kind: 'eof'; checksum: bigint; checksumVerified: boolean; offset: number };

/**
 * Decoder settings. The encoding thresholds are the server's *-max-listpack-* settings (Redis
 * 7.0 defaults when omitted); they only decide the sticky encoding flags of loaded values.
 */
export interface RdbDecoderOptions {
  /** Verify the CRC-64 at EOF (rdbchecksum). A stored checksum of 0 is never verified. */
  verifyChecksum?: boolean;
  hashMaxListpackEntries?: number;
  hashMaxListpackValue?: number;
  zsetMaxListpackEntries?: number;
  zsetMaxListpackValue?: number;
  setMaxIntsetEntries?: number;
}

interface Thresholds {
  hashEntries: number;
  hashValue: number;
  zsetEntries: number;
  zsetValue: number;
  intsetEntries: number;
}

function thresholdsFrom(options: RdbDecoderOptions): Thresholds {
  return {
    hashEntries: options.hashMaxListpackEntries ?? C.DEFAULT_HASH_MAX_LISTPACK_ENTRIES,
    hashValue: options.hashMaxListpackValue ?? C.DEFAULT_HASH_MAX_LISTPACK_VALUE,
    zsetEntries: options.zsetMaxListpackEntries ?? C.DEFAULT_ZSET_MAX_LISTPACK_ENTRIES,
    zsetValue: options.zsetMaxListpackValue ?? C.DEFAULT_ZSET_MAX_LISTPACK_VALUE,
    intsetEntries: options.setMaxIntsetEntries ?? C.DEFAULT_SET_MAX_INTSET_ENTRIES,
  };
}

/** A 'key' event: what next() returns for every key, one object reused from call to call. */
export type RdbKeyEvent = Extract<RdbEvent, { kind: 'key' }>;

/**
 * Decodes a whole dump held in memory. Either pull items with `next()` (the loader: no
 * allocation per key beyond the key and its value) or iterate `events()` once (fresh objects).
 */
export class RdbDecoder {
  #reader: RdbReader;
  #data: Buffer;
  readonly #verifyChecksum: boolean;
  readonly #thresholds: Thresholds;
  /** The one key event next() fills in; its fields are valid until the following call. */
  readonly #key: RdbKeyEvent = {
    kind: 'key', key: '', value: '', offset: 0, db: 0, expireAtMs: null, lruIdleSec: null,
    lfuFreq: null,
  };
  #version = -1;
  #db = 0;
  #ended = false;
  /** The dump offset of #data[0], and the checksum of the dump's bytes before #crcThrough. */
  #base = 0;
  readonly #crc = new Crc64();
  #crcThrough = 0;

  /**
   * `source`: where a dump file's next bytes come from when `data` (its first ones) is read
   * (see RdbSource); the bytes that leave the window are checksummed first.
   */
  constructor(data: Buffer, options: RdbDecoderOptions = {}, source: RdbSource | null = null) {
    this.#data = data;
    const windowed: RdbSource | null = source === null ? null : {
      size: source.size,
      refill: (keepFrom, minBytes) => {
        this.release(keepFrom);
        const next = source.refill(keepFrom, minBytes);
        if (next !== null) {
          this.#data = next;
          this.#base = keepFrom;
        }
        return next;
      },
    };
    this.#reader = new RdbReader(data, 0, data.length, 0, windowed);
    this.#verifyChecksum = options.verifyChecksum ?? true;
    this.#thresholds = thresholdsFrom(options);
  }

  /** Where the next item starts (the bytes before it are decoded). */
  get offset(): number {
    return this.#reader.offset;
  }

  /**
   * Goes on with `data`, which holds the same dump from its first byte, from `offset` (an
   * item's start, as `offset` was before a next()): a dump decoded while it arrives is handed
   * over again as it grows, and an item cut off by the end of the bytes so far (an EOF error)
   * is read again from its start once more bytes are there. The decoder's state (version, db)
   * changes only when an item is complete.
   */
  resumeAt(data: Buffer, offset: number, base = 0): void {
    assert(base <= offset && base >= this.#crcThrough, 'decoder window starts at checksummed bytes');
    this.#data = data;
    this.#base = base;
    this.#reader = new RdbReader(data, offset - base, data.length, base);
  }

  /**
   * The bytes before `upTo` (an item's start, at or after the window's) may leave the window:
   * they go into the checksum now. A dump decoded while it arrives keeps only a window of it
   * (RdbStreamLoad), not every byte until the checksum at its end.
   */
  release(upTo: number): void {
    assert(upTo >= this.#crcThrough && upTo - this.#base <= this.#data.length, 'release within the window');
    if (this.#verifyChecksum) this.#crc.update(this.#data, this.#crcThrough - this.#base, upTo - this.#base);
    this.#crcThrough = upTo;
  }

  /** The events of the dump in file order; throws RdbError at the first problem. */
  *events(): Generator<RdbEvent, void, undefined> {
    for (let event = this.next(); event !== null; event = this.next()) {
      yield event.kind === 'key' ? { ...event } : event;
    }
  }

  /**
   * The next item of the dump in file order, or null after the EOF item; throws RdbError at
   * the first problem. A 'key' item is the same object every time (copy what you keep).
   */
  next(): RdbEvent | null {
    const reader = this.#reader;
    if (this.#version < 0) {
      this.#version = readHeader(reader);
      return { kind: 'header', version: this.#version, offset: 0 };
    }
    if (this.#ended) return null;
    let expireAtMs: number | null = null;
    let lruIdleSec: number | null = null;
    let lfuFreq: number | null = null;
    for (;;) {
      const offset = reader.offset;
      const type = reader.u8();
      switch (type) {
        case C.RDB_OPCODE_EXPIRETIME_MS:
          expireAtMs = reader.safeI64le('expire time');
          continue;
        case C.RDB_OPCODE_EXPIRETIME:
          expireAtMs = reader.i32le() * 1000;
          continue;
        case C.RDB_OPCODE_IDLE:
          lruIdleSec = reader.length();
          continue;
        case C.RDB_OPCODE_FREQ:
          lfuFreq = reader.u8();
          continue;
        case C.RDB_OPCODE_SELECTDB:
          this.#db = reader.length();
          return { kind: 'selectdb', db: this.#db, offset };
        case C.RDB_OPCODE_RESIZEDB: {
          const keyCount = reader.length();
          const expireCount = reader.length();
          return { kind: 'resizedb', keyCount, expireCount, offset };
        }
        case C.RDB_OPCODE_AUX: {
          const key = reader.string();
          const value = reader.string();
          return { kind: 'aux', key, value, offset };
        }
        case C.RDB_OPCODE_MODULE_AUX:
          return { kind: 'module-aux', moduleName: skipModuleAux(reader), offset };
        case C.RDB_OPCODE_FUNCTION2:
          return { kind: 'function', code: reader.string(), offset };
        case C.RDB_OPCODE_FUNCTION_PRE_GA:
          throw new RdbError('VESTA_ERR_RDB_UNSUPPORTED', 'Vesta cannot load functions saved by ' +
            `a Redis 7.0 release candidate (opcode 246 at offset ${offset})`, offset);
        case C.RDB_OPCODE_EOF: {
          // Ended once the checksum is read (resumeAt may read the item again).
          const eof = this.#finish(this.#version, offset);
          this.#ended = true;
          return eof;
        }
        default:
          return this.#keyRecord(type, offset, expireAtMs, lruIdleSec, lfuFreq);
      }
    }
  }

  /**
   * Reads the key and value whose type byte `type` was at `offset`; the other arguments are
   * what the opcodes before it said. An empty collection becomes a warning, as Redis skips
   * such keys.
   */
  // eslint-disable-next-line max-params -- once per key of a load: the opcodes' values as read, no object per key (the event is reused for the same reason)
  #keyRecord(
    type: number,
    offset: number,
    expireAtMs: number | null,
    lruIdleSec: number | null,
    lfuFreq: number | null,
  ): RdbEvent {
    if (!C.isKnownValueType(type)) {
      throw new RdbError('VESTA_ERR_RDB_UNKNOWN_TYPE',
        `Unknown RDB value type ${type} at offset ${offset}`, offset);
    }
    const key = this.#reader.string();
    const value = type === C.RDB_TYPE_STRING ? this.#reader.string()
      : loadObject(this.#reader, type, key, offset, this.#thresholds);
    if (value === null) {
      return { kind: 'warning', message: `empty key '${describeKey(key)}' at offset ${offset} ` +
        'skipped', offset };
    }
    // The loader's hottest object is reused, not allocated per key.
    const event = this.#key;
    event.key = key;
    event.value = value;
    event.offset = offset;
    event.db = this.#db;
    event.expireAtMs = expireAtMs;
    event.lruIdleSec = lruIdleSec;
    event.lfuFreq = lfuFreq;
    return event;
  }

  /** Reads and verifies the checksum after the EOF opcode at `eofOffset`. */
  #finish(version: number, eofOffset: number): RdbEvent {
    const reader = this.#reader;
    if (version < 5) {
      return { kind: 'eof', checksum: 0n, checksumVerified: false, offset: eofOffset };
    }
    const stored = reader.bytes(8).readBigUInt64LE(0);
    if (stored === 0n || !this.#verifyChecksum) {
      return { kind: 'eof', checksum: stored, checksumVerified: false, offset: eofOffset };
    }
    const crc = this.#crc;
    crc.update(this.#data, this.#crcThrough - this.#base, eofOffset + 1 - this.#base);
    this.#crcThrough = eofOffset + 1;
    if (crc.value !== stored) {
      throw new RdbError('VESTA_ERR_RDB_CHECKSUM', `Bad RDB checksum: expected ${hex64(stored)}, ` +
        `got ${hex64(crc.value)} (offset ${eofOffset + 1})`, eofOffset + 1);
    }
    return { kind: 'eof', checksum: stored, checksumVerified: true, offset: eofOffset };
  }
}

/** Convenience: the events of a dump held in memory. */
export function decodeRdb(data: Buffer, options: RdbDecoderOptions = {}):
  Generator<RdbEvent, void, undefined> {
  return new RdbDecoder(data, options).events();
}

/**
 * Decodes a FUNCTION DUMP payload into the libraries' code; null when its version or checksum
 * is wrong (Redis's one error for both), throws RdbError when the body is not function records.
 */
export function decodeFunctionsDump(payload: Buffer): string[] | null {
  if (payload.length < 10) return null;
  const footer = payload.length - 10;
  if (payload.readUInt16LE(footer) > C.RDB_VERSION) return null;
  const crc = new Crc64();
  crc.update(payload, 0, footer + 2);
  if (crc.value !== payload.readBigUInt64LE(footer + 2)) return null;
  const reader = new RdbReader(payload, 0, footer);
  const codes: string[] = [];
  while (reader.remaining > 0) {
    const type = reader.u8();
    if (type !== C.RDB_OPCODE_FUNCTION2) {
      throw new RdbError('VESTA_ERR_RDB_UNKNOWN_TYPE', 'given type is not a function', reader.offset);
    }
    codes.push(reader.string());
  }
  return codes;
}

/**
 * Decodes a DUMP payload (<type> <value> <RDB version u16le> <CRC-64 le>), as RESTORE does.
 * Rejects payloads from newer RDB versions, bad checksums and trailing bytes.
 * Redis equivalent: verifyDumpPayload + rdbLoadObject (cluster.c, rdb.c).
 */
export function decodeDumpPayload(payload: Buffer, options: RdbDecoderOptions = {}): Value {
  if (payload.length < 11) {
    throw corruptError('DUMP payload shorter than its footer', 0);
  }
  const footer = payload.length - 10;
  const version = payload.readUInt16LE(footer);
  if (version > C.RDB_VERSION) {
    throw new RdbError('VESTA_ERR_RDB_VERSION', `DUMP payload version ${version} is newer than ` +
      `${C.RDB_VERSION}`, footer);
  }
  const crc = new Crc64();
  crc.update(payload, 0, footer + 2);
  if (crc.value !== payload.readBigUInt64LE(footer + 2)) {
    throw new RdbError('VESTA_ERR_RDB_CHECKSUM', 'Bad DUMP payload checksum', footer + 2);
  }
  const reader = new RdbReader(payload, 0, footer);
  const type = reader.u8();
  if (!C.isKnownValueType(type)) {
    throw new RdbError('VESTA_ERR_RDB_UNKNOWN_TYPE', `Unknown RDB value type ${type} at offset 0`,
      0);
  }
  const value = loadObject(reader, type, '', 0, thresholdsFrom(options));
  if (value === null) throw corruptError('empty value in DUMP payload', 0);
  if (reader.remaining !== 0) throw corruptError('trailing bytes in DUMP payload', reader.offset);
  return value;
}

function hex64(v: bigint): string {
  return '0x' + v.toString(16).padStart(16, '0');
}

function readHeader(reader: RdbReader): number {
  const header = reader.bytes(C.RDB_HEADER_BYTES).toString('latin1');
  if (!header.startsWith(C.RDB_MAGIC) || !/^[0-9]{4}$/.test(header.slice(5))) {
    throw new RdbError('VESTA_ERR_RDB_HEADER', 'Wrong signature trying to load DB from file ' +
      '(not an RDB file) at offset 0', 0);
  }
  const version = Number(header.slice(5));
  if (version < C.RDB_VERSION_MIN || version > C.RDB_VERSION) {
    throw new RdbError('VESTA_ERR_RDB_VERSION', `Can't handle RDB format version ${version} ` +
      `(Vesta loads ${C.RDB_VERSION_MIN} to ${C.RDB_VERSION}) at offset 5`, 5);
  }
  return version;
}

// ---------------------------------------------------------------------------------------------
// Values. Redis equivalent: rdbLoadObject.
// ---------------------------------------------------------------------------------------------

/**
 * Reads one value of RDB type `type`. Returns null for an empty collection (Redis skips those
 * keys). `offset` is the type byte's offset, `key` is for messages.
 */
// eslint-disable-next-line max-params -- once per key of a load; `key` and `offset` only name the key in errors, no object per key
function loadObject(reader: RdbReader, type: number, key: string, offset: number,
  thresholds: Thresholds): Value | null {
  switch (type) {
    case C.RDB_TYPE_STRING:
      return reader.string();
    case C.RDB_TYPE_LIST:
      return loadPlainList(reader);
    case C.RDB_TYPE_LIST_ZIPLIST: {
      const at = reader.offset;
      return listFrom(ziplistEntries(reader.blob(), at));
    }
    case C.RDB_TYPE_LIST_QUICKLIST:
    case C.RDB_TYPE_LIST_QUICKLIST_2:
      return loadQuicklist(reader, type === C.RDB_TYPE_LIST_QUICKLIST_2);
    case C.RDB_TYPE_SET:
      return loadPlainSet(reader, thresholds);
    case C.RDB_TYPE_SET_INTSET: {
      const at = reader.offset;
      return setFrom(intsetMembers(reader.blob(), at), at, thresholds);
    }
    case C.RDB_TYPE_HASH:
      return loadPlainHash(reader, thresholds);
    case C.RDB_TYPE_HASH_LISTPACK: {
      // Redis 7's small hashes: straight into the packed form, no string per field and value.
      const at = reader.offset;
      const blob = reader.blob();
      const packed = listpackPacked(blob, at, builder);
      if (packed === null) return hashFrom(pairsOf(listpackEntries(blob, at), at), at, thresholds, false);
      if (builder.count % 2 !== 0) throw corruptError('odd number of entries in pair container', at);
      const hash = HashValue.fromPacked(packed, builder.count >>> 1);
      if (hash === null) throw corruptError('duplicate hash field', at);
      return finishHash(hash, thresholds, false);
    }
    case C.RDB_TYPE_HASH_ZIPMAP:
    case C.RDB_TYPE_HASH_ZIPLIST: {
      const at = reader.offset;
      const checkLengths = type === C.RDB_TYPE_HASH_ZIPMAP;
      return hashFrom(readPairsBlob(reader, type), at, thresholds, checkLengths);
    }
    case C.RDB_TYPE_ZSET:
    case C.RDB_TYPE_ZSET_2:
      return loadPlainZSet(reader, type === C.RDB_TYPE_ZSET_2, thresholds);
    case C.RDB_TYPE_ZSET_ZIPLIST:
    case C.RDB_TYPE_ZSET_LISTPACK: {
      const at = reader.offset;
      return zsetFrom(readPairsBlob(reader, type), at, thresholds);
    }
    case C.RDB_TYPE_STREAM_LISTPACKS:
    case C.RDB_TYPE_STREAM_LISTPACKS_2:
      return loadStream(reader, type);
    case C.RDB_TYPE_MODULE_PRE_GA:
    case C.RDB_TYPE_MODULE_2:
      throw new RdbError('VESTA_ERR_RDB_UNSUPPORTED', 'Vesta does not support module keys ' +
        `(module '${moduleName(reader.lengthBig())}', key '${describeKey(key)}' at offset ` +
        `${offset})`, offset);
    default:
      throw new RdbError('VESTA_ERR_RDB_UNKNOWN_TYPE',
        `Unknown RDB value type ${type} at offset ${offset}`, offset);
  }
}

/** Entries of a zipmap, ziplist or listpack blob that must come in pairs. */
function readPairsBlob(reader: RdbReader, type: number): string[] {
  const at = reader.offset;
  const blob = reader.blob();
  const entries = type === C.RDB_TYPE_HASH_ZIPMAP ? zipmapEntries(blob, at)
    : type === C.RDB_TYPE_HASH_LISTPACK || type === C.RDB_TYPE_ZSET_LISTPACK
      ? listpackEntries(blob, at) : ziplistEntries(blob, at);
  return pairsOf(entries, at);
}

function pairsOf(entries: string[], at: number): string[] {
  if (entries.length % 2 !== 0) throw corruptError('odd number of entries in pair container', at);
  return entries;
}

/** Packs listpack entries for the hash and list loaders (one decode at a time). */
const builder = new PackedBuilder();

function loadPlainList(reader: RdbReader): ListValue | null {
  const count = reader.count(1);
  const items = new Array<string>(count);
  for (let i = 0; i < count; i++) items[i] = reader.string();
  return listFrom(items);
}

/** Quicklist 1 (ziplist nodes) or 2 (container tag, then listpack or plain element). */
function loadQuicklist(reader: RdbReader, withContainers: boolean): ListValue | null {
  const nodeCount = reader.count(withContainers ? 2 : 1);
  // A quicklist 2 of one listpack node (every small list Redis 7 writes) goes straight into the
  // packed form; anything else is collected as strings and the list built once.
  if (withContainers && nodeCount === 1) {
    const at = reader.offset;
    const container = reader.length();
    if (container === C.QUICKLIST_NODE_CONTAINER_PACKED) {
      const blobAt = reader.offset;
      const blob = reader.blob();
      const packed = listpackPacked(blob, blobAt, builder);
      if (packed !== null) return builder.count === 0 ? null : ListValue.fromPacked(packed, builder.count);
      return listFrom(listpackEntries(blob, blobAt));
    }
    checkContainer(container, at);
    return listFrom([reader.string()]);
  }
  let items: string[] = [];
  for (let i = 0; i < nodeCount; i++) {
    let container = C.QUICKLIST_NODE_CONTAINER_PACKED;
    if (withContainers) {
      const at = reader.offset;
      container = reader.length();
      checkContainer(container, at);
    }
    if (container === C.QUICKLIST_NODE_CONTAINER_PLAIN) {
      items.push(reader.string());
      continue;
    }
    const at = reader.offset;
    const blob = reader.blob();
    // Empty nodes are skipped, as Redis does.
    const entries = withContainers ? listpackEntries(blob, at) : ziplistEntries(blob, at);
    if (items.length === 0) items = entries;
    else for (const entry of entries) items.push(entry);
  }
  return listFrom(items);
}

function checkContainer(container: number, at: number): void {
  if (container !== C.QUICKLIST_NODE_CONTAINER_PACKED && container !== C.QUICKLIST_NODE_CONTAINER_PLAIN) {
    throw corruptError(`unknown quicklist container ${container}`, at);
  }
}

function listFrom(entries: string[]): ListValue | null {
  return entries.length === 0 ? null : ListValue.from(entries);
}

function loadPlainSet(reader: RdbReader, thresholds: Thresholds): SetValue | null {
  const at = reader.offset;
  const count = reader.count(1);
  const members = new Array<string>(count);
  for (let i = 0; i < count; i++) members[i] = reader.string();
  return setFrom(members, at, thresholds);
}

function setFrom(members: string[], at: number, thresholds: Thresholds): SetValue | null {
  const set = SetValue.fromMembers(members);
  if (set === null) throw corruptError('duplicate set member', at);
  return finishSet(set, thresholds);
}

function finishSet(set: SetValue, thresholds: Thresholds): SetValue | null {
  if (set.size === 0) return null;
  let hashtable = set.size > thresholds.intsetEntries;
  if (!hashtable) {
    for (const member of set) {
      if (parseCanonicalInt64(member) === null) {
        hashtable = true;
        break;
      }
    }
  }
  set.hashtable = hashtable;
  return set;
}

function loadPlainHash(reader: RdbReader, thresholds: Thresholds): HashValue | null {
  const count = reader.count(2);
  const hash = new HashValue();
  for (let i = 0; i < count; i++) {
    const at = reader.offset;
    const field = reader.string();
    hash.set(field, reader.string());
    if (hash.size === i) throw corruptError('duplicate hash field', at);
  }
  return finishHash(hash, thresholds, true);
}

function hashFrom(pairs: string[], at: number, thresholds: Thresholds,
  checkLengths: boolean): HashValue | null {
  const hash = HashValue.fromPairs(pairs);
  if (hash === null) throw corruptError('duplicate hash field', at);
  return finishHash(hash, thresholds, checkLengths);
}

/**
 * Sets the sticky flag as Redis 7.0 does after loading (observed on 7.0.15): too many entries
 * always means a hashtable; long fields or values only count for plain and zipmap hashes, while
 * ziplist and listpack hashes keep the compact encoding whatever their element sizes.
 */
function finishHash(hash: HashValue, thresholds: Thresholds,
  checkLengths: boolean): HashValue | null {
  if (hash.size === 0) return null;
  let hashtable = hash.size > thresholds.hashEntries;
  if (!hashtable && checkLengths) {
    for (const [field, value] of hash) {
      if (field.length > thresholds.hashValue || value.length > thresholds.hashValue) {
        hashtable = true;
        break;
      }
    }
  }
  hash.hashtable = hashtable;
  return hash;
}

function loadPlainZSet(reader: RdbReader, binaryScores: boolean,
  thresholds: Thresholds): ZSetValue | null {
  const count = reader.count(binaryScores ? 9 : 2);
  const zset = new ZSetValue();
  for (let i = 0; i < count; i++) {
    const at = reader.offset;
    const member = reader.string();
    const score = binaryScores ? reader.f64le() : reader.textDouble();
    if (Number.isNaN(score)) throw corruptError('NaN zset score', at);
    if (!zset.add(member, score)) throw corruptError('duplicate zset member', at);
  }
  return finishZSet(zset, thresholds, true);
}

function zsetFrom(pairs: string[], at: number, thresholds: Thresholds): ZSetValue | null {
  // Compact sorted sets only convert on entry count (observed on 7.0.15), hence `false` below.
  const zset = new ZSetValue();
  for (let i = 0; i < pairs.length; i += 2) {
    const score = parseRedisDouble(pairs[i + 1] as string);
    if (score === null || Number.isNaN(score)) throw corruptError('invalid zset score', at);
    if (!zset.add(pairs[i] as string, score)) throw corruptError('duplicate zset member', at);
  }
  return finishZSet(zset, thresholds, false);
}

/** Sticky flag after loading: entry count always, member length only for plain sorted sets. */
function finishZSet(zset: ZSetValue, thresholds: Thresholds,
  checkLengths: boolean): ZSetValue | null {
  if (zset.size === 0) return null;
  let skiplist = zset.size > thresholds.zsetEntries;
  if (!skiplist && checkLengths) {
    for (const [member] of zset) {
      if (member.length > thresholds.zsetValue) {
        skiplist = true;
        break;
      }
    }
  }
  zset.skiplist = skiplist;
  return zset;
}

// ---------------------------------------------------------------------------------------------
// Modules. Module data is a stream of <opcode length> <payload> items ending in opcode 0, so it
// can be skipped without the module.
// ---------------------------------------------------------------------------------------------

const MODULE_NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A module id is nine 6-bit name characters followed by a 10-bit encoding version. */
function moduleName(id: bigint): string {
  let name = '';
  for (let i = 0; i < 9; i++) {
    name += MODULE_NAME_CHARS[Number((id >> BigInt(64 - 6 * (i + 1))) & 63n)];
  }
  return name;
}

function skipModuleAux(reader: RdbReader): string {
  const name = moduleName(reader.lengthBig());
  const whenAt = reader.offset;
  if (reader.length() !== C.RDB_MODULE_OPCODE_UINT) {
    throw corruptError('module aux "when" not stored as an unsigned integer', whenAt);
  }
  reader.length();
  for (;;) {
    const at = reader.offset;
    const opcode = reader.length();
    switch (opcode) {
      case C.RDB_MODULE_OPCODE_EOF:
        return name;
      case C.RDB_MODULE_OPCODE_SINT:
      case C.RDB_MODULE_OPCODE_UINT:
        reader.lengthBig();
        break;
      case C.RDB_MODULE_OPCODE_FLOAT:
        reader.skip(4);
        break;
      case C.RDB_MODULE_OPCODE_DOUBLE:
        reader.skip(8);
        break;
      case C.RDB_MODULE_OPCODE_STRING:
        reader.skipString();
        break;
      default:
        throw corruptError(`unknown module opcode ${opcode}`, at);
    }
  }
}
