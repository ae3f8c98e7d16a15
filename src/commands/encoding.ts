// OBJECT ENCODING names as Redis 7.0 reports them, derived from the value and the sticky
// conversion flags the data-type commands maintain. Redis equivalent: strEncoding in object.c.

import type { Config } from '../config/config.js';
import { HashValue, ListValue, SetValue, StreamValue, type Value } from '../store/value/types.js';
import { parseInt64 } from '../util/numbers.js';

/** Strings up to this length are "embstr" in Redis (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
const EMBSTR_MAX = 44;

export function objectEncoding(value: Value, _config: Config): string {
  if (typeof value === 'string') {
    if (value.length <= 20 && parseInt64(value) !== null) return 'int';
    return value.length <= EMBSTR_MAX ? 'embstr' : 'raw';
  }
  if (value instanceof HashValue) return value.hashtable ? 'hashtable' : 'listpack';
  if (value instanceof ListValue) return 'quicklist';
  if (value instanceof SetValue) return value.hashtable ? 'hashtable' : 'intset';
  if (value instanceof StreamValue) return 'stream';
  return value.skiplist ? 'skiplist' : 'listpack';
}
