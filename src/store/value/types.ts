// The value model of the keyspace: what a key can hold. Codecs (RDB, AOF rewrite) and
// commands depend on this file; it depends on nothing outside store/value.
// Strings are latin1 JS strings: one char per byte, binary safe, immutable.

import { HashValue } from './hash.js';
import { ListValue } from './list.js';
import { SetValue } from './set.js';
import { StreamValue } from './stream.js';
import { ZSetValue } from './zset.js';

export { HashValue, ListValue, SetValue, StreamValue, ZSetValue };

export type Value = string | HashValue | ListValue | SetValue | ZSetValue | StreamValue;

export type TypeName = 'string' | 'hash' | 'list' | 'set' | 'zset' | 'stream';

/** The TYPE command's name for a value. */
export function typeName(value: Value): TypeName {
  if (typeof value === 'string') return 'string';
  if (value instanceof HashValue) return 'hash';
  if (value instanceof ListValue) return 'list';
  if (value instanceof SetValue) return 'set';
  if (value instanceof StreamValue) return 'stream';
  return 'zset';
}

/** Deep copy, used by COPY and by the snapshot engine's copy-on-write. */
export function cloneValue(value: Value): Value {
  if (typeof value === 'string') return value;
  if (value instanceof HashValue) return value.clone();
  if (value instanceof SetValue) return value.clone();
  if (value instanceof StreamValue) return value.clone();
  return value.clone();
}
