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

export function wrongArity(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

export function invalidExpire(command: string): string {
  return `ERR invalid expire time in '${command}' command`;
}
