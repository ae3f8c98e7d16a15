// Redis 7.0's error texts, in one place, so tests compare them with real Redis and handlers
// never drift apart. Redis equivalent: the shared.* error objects in server.c.

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const SYNTAX = 'ERR syntax error';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const NOT_FLOAT = 'ERR value is not a valid float';
export const OVERFLOW = 'ERR increment or decrement would overflow';
export const NO_SUCH_KEY = 'ERR no such key';
export const DB_INDEX = 'ERR DB index is out of range';
export const INDEX_OUT_OF_RANGE = 'ERR index out of range';
export const STRING_TOO_LONG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
export const OFFSET_OUT_OF_RANGE = 'ERR offset is out of range';
export const NAN_OR_INFINITY = 'ERR increment would produce NaN or Infinity';
export const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
export const SAME_OBJECT = 'ERR source and destination objects are the same';
export const VALUE_OUT_OF_RANGE = 'ERR value is out of range';
export const VALUE_NAN_OR_INFINITY = 'ERR value is NaN or Infinity';
export const HASH_VALUE_NOT_INTEGER = 'ERR hash value is not an integer';
export const HASH_VALUE_NOT_FLOAT = 'ERR hash value is not a float';
/** HRANDFIELD / SRANDMEMBER / ZRANDMEMBER counts must lie in [-LONG_MAX, LONG_MAX]. */
export const RANDOM_COUNT_OUT_OF_RANGE =
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
export const NUMKEYS_NOT_POSITIVE = 'ERR numkeys should be greater than 0';
export const NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args";
export const LIMIT_NEGATIVE = "ERR LIMIT can't be negative";

export function wrongArity(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

export function invalidExpire(command: string): string {
  return `ERR invalid expire time in '${command}' command`;
}
