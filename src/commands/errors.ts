// Redis 7.0's error texts, in one place, so tests compare them with real Redis and handlers
// never drift apart. Redis equivalent: the shared.* error objects in server.c.

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const SYNTAX = 'ERR syntax error';
/** A script past busy-reply-threshold (scripting/script-run.ts), for EVAL and for FCALL. */
export const BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
export const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';
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

export const TIMEOUT_NOT_INTEGER = 'ERR timeout is not an integer or out of range';
export const TIMEOUT_NEGATIVE = 'ERR timeout is negative';
export const COUNT_NOT_POSITIVE = 'ERR count should be greater than 0';
/** COUNT of XAUTOCLAIM and GEOSEARCH/GEORADIUS. */
export const COUNT_OPTION_NOT_POSITIVE = 'ERR COUNT must be > 0';
export const INVALID_STREAM_ID = 'ERR Invalid stream ID specified as stream command argument';
export const DUMP_PAYLOAD_INVALID = 'ERR DUMP payload version or checksum are wrong';
/** What a script error that carries no text of its own becomes. */
export const UNKNOWN_ERROR = 'ERR unknown error';

export function wrongArity(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

export function invalidExpire(command: string): string {
  return `ERR invalid expire time in '${command}' command`;
}

/** A container command's unknown subcommand (or a known one with the wrong arity). */
export function unknownSubcommandOrArity(sub: string, container: string): string {
  return `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${container} HELP.`;
}

export function unknownSubcommand(sub: string, container: string): string {
  return `ERR unknown subcommand '${sub}'. Try ${container} HELP.`;
}

export function noSuchGroup(group: string, key: string): string {
  return `NOGROUP No such consumer group '${group}' for key name '${key}'`;
}

export function libraryExists(name: string): string {
  return `ERR Library '${name}' already exists`;
}
