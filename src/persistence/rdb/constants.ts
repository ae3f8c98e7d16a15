// Frozen on-disk numbers of the RDB format: the version we write, the opcodes, the value-type
// bytes, the length-prefix encodings and the container encodings. These are stored in files
// written by Redis and by Vesta, so they never change once released; the in-memory value model
// (src/store/value) is free to change, these are not.
// Redis equivalent: the RDB_* defines in rdb.h (numbers checked against Redis 7.0 documentation
// and public RDB format write-ups; no text copied).
//
// Places to update when a value type is added: RDB_TYPE_* below, isKnownValueType(), the
// encoder's choice of type (encoder.ts) and the decoder's switch (decoder.ts).

/** The RDB version Redis 7.0 writes, and the newest version Vesta loads. */
export const RDB_VERSION = 10;
/** The oldest RDB version Vesta loads (Redis 2.6 wrote 6). */
export const RDB_VERSION_MIN = 6;
/** "REDIS" followed by four ASCII digits of the version. */
export const RDB_MAGIC = 'REDIS';
export const RDB_HEADER_BYTES = 9;
/** The Redis version we claim in the redis-ver aux field: the version whose format we write. */
export const RDB_REDIS_VER = '7.0.15';

// ---------------------------------------------------------------------------------------------
// Opcodes: bytes in the position of a value type that announce something other than a key.
// ---------------------------------------------------------------------------------------------

/** Function library code (Redis 7.0 GA onwards): one string. */
export const RDB_OPCODE_FUNCTION2 = 245;
/** Function library data from Redis 7.0 release candidates; a different layout, refused. */
export const RDB_OPCODE_FUNCTION_PRE_GA = 246;
/** Module auxiliary data, not attached to a key. */
export const RDB_OPCODE_MODULE_AUX = 247;
/** LRU idle time of the next key, in seconds (length-encoded). */
export const RDB_OPCODE_IDLE = 248;
/** LFU frequency of the next key (one byte). */
export const RDB_OPCODE_FREQ = 249;
/** An auxiliary field: two strings, name and value. */
export const RDB_OPCODE_AUX = 250;
/** Hash table size hint: two lengths, keys and keys with an expire. */
export const RDB_OPCODE_RESIZEDB = 251;
/**
 * The fewest bytes one key takes in a dump (type byte, key length 0, value length 0): a
 * RESIZEDB hint is believed only up to the bytes left / this, so a corrupt or hostile count
 * cannot make the loader allocate for keys the file cannot hold.
 */
export const RDB_KEY_BYTES_MIN = 3;
/** Absolute expire time of the next key in Unix milliseconds (8 bytes little-endian). */
export const RDB_OPCODE_EXPIRETIME_MS = 252;
/** Old absolute expire time of the next key in Unix seconds (4 bytes little-endian). */
export const RDB_OPCODE_EXPIRETIME = 253;
/** The database number of the keys that follow (length-encoded). */
export const RDB_OPCODE_SELECTDB = 254;
/** End of the file; an 8-byte little-endian CRC-64 follows (zero when checksums are off). */
export const RDB_OPCODE_EOF = 255;

// ---------------------------------------------------------------------------------------------
// Value types (the byte before each key). Numbers 8 was never used by a release.
// ---------------------------------------------------------------------------------------------

export const RDB_TYPE_STRING = 0;
export const RDB_TYPE_LIST = 1;
export const RDB_TYPE_SET = 2;
export const RDB_TYPE_ZSET = 3;
export const RDB_TYPE_HASH = 4;
/** Sorted set with scores stored as binary doubles (RDB 8+). */
export const RDB_TYPE_ZSET_2 = 5;
/** Module value from Redis 4.0 release candidates. */
export const RDB_TYPE_MODULE_PRE_GA = 6;
/** Module value with opcode annotations (RDB 8+). */
export const RDB_TYPE_MODULE_2 = 7;
export const RDB_TYPE_HASH_ZIPMAP = 9;
export const RDB_TYPE_LIST_ZIPLIST = 10;
export const RDB_TYPE_SET_INTSET = 11;
export const RDB_TYPE_ZSET_ZIPLIST = 12;
export const RDB_TYPE_HASH_ZIPLIST = 13;
/** List as quicklist of ziplists (Redis 3.2 to 6.2). */
export const RDB_TYPE_LIST_QUICKLIST = 14;
export const RDB_TYPE_STREAM_LISTPACKS = 15;
export const RDB_TYPE_HASH_LISTPACK = 16;
export const RDB_TYPE_ZSET_LISTPACK = 17;
/** List as quicklist of listpacks or plain nodes, each with a container tag (Redis 7.0). */
export const RDB_TYPE_LIST_QUICKLIST_2 = 18;
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;

/** Quicklist-2 node container tags. */
export const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
export const QUICKLIST_NODE_CONTAINER_PACKED = 2;

// ---------------------------------------------------------------------------------------------
// Length prefix. The two high bits of the first byte select the form:
//
//   00|XXXXXX                        6-bit length
//   01|XXXXXX XXXXXXXX               14-bit length, big-endian
//   10|000000 <4 bytes big-endian>   32-bit length
//   10|000001 <8 bytes big-endian>   64-bit length
//   11|OBKIND                        a specially encoded string follows; OBKIND is one of
//                                    RDB_ENC_* below
// ---------------------------------------------------------------------------------------------

export const RDB_6BITLEN = 0;
export const RDB_14BITLEN = 1;
export const RDB_ENCVAL = 3;
export const RDB_32BITLEN = 0x80;
export const RDB_64BITLEN = 0x81;

/** String stored as an 8-bit signed integer. */
export const RDB_ENC_INT8 = 0;
/** String stored as a 16-bit signed little-endian integer. */
export const RDB_ENC_INT16 = 1;
/** String stored as a 32-bit signed little-endian integer. */
export const RDB_ENC_INT32 = 2;
/** LZF-compressed string: compressed length, original length, then the compressed bytes. */
export const RDB_ENC_LZF = 3;

// Old string-format doubles (RDB_TYPE_ZSET): one length byte, then ASCII; these lengths are
// special values instead.
export const RDB_DOUBLE_NAN = 253;
export const RDB_DOUBLE_POS_INF = 254;
export const RDB_DOUBLE_NEG_INF = 255;

// Module value annotations (RDB_TYPE_MODULE_2 and RDB_OPCODE_MODULE_AUX).
export const RDB_MODULE_OPCODE_EOF = 0;
export const RDB_MODULE_OPCODE_SINT = 1;
export const RDB_MODULE_OPCODE_UINT = 2;
export const RDB_MODULE_OPCODE_FLOAT = 3;
export const RDB_MODULE_OPCODE_DOUBLE = 4;
export const RDB_MODULE_OPCODE_STRING = 5;

// ---------------------------------------------------------------------------------------------
// Redis 7.0 built-in defaults that decide compact encodings. The decoder uses them only to mirror
// Redis's choice of in-memory encoding after a load; callers may pass the server's configured
// values instead. Observed on redis-server 7.0.15 started without a config file (CONFIG GET):
// hash-max-listpack-entries is 512, not the 128 some write-ups give.
// ---------------------------------------------------------------------------------------------

export const DEFAULT_HASH_MAX_LISTPACK_ENTRIES = 512;
export const DEFAULT_HASH_MAX_LISTPACK_VALUE = 64;
export const DEFAULT_ZSET_MAX_LISTPACK_ENTRIES = 128;
export const DEFAULT_ZSET_MAX_LISTPACK_VALUE = 64;
export const DEFAULT_SET_MAX_INTSET_ENTRIES = 512;
/** list-max-listpack-size -2: quicklist nodes hold up to 8 KiB of listpack. */
export const DEFAULT_LIST_NODE_BYTES = 8 * 1024;
/** Elements at least this large get a plain quicklist node (Redis 7.0 packed_threshold, 1 GiB). */
export const DEFAULT_LIST_PLAIN_THRESHOLD_BYTES = 1024 * 1024 * 1024;

/** Largest string Vesta can hold: V8 caps one-byte strings at 2^29 - 24 characters. */
export const MAX_STRING_BYTES = 2 ** 29 - 24;

/** True for every value-type byte this file names (supported or not). */
export function isKnownValueType(type: number): boolean {
  return (type >= RDB_TYPE_STRING && type <= RDB_TYPE_MODULE_2) ||
    (type >= RDB_TYPE_HASH_ZIPMAP && type <= RDB_TYPE_STREAM_LISTPACKS_2);
}
