// The DEBUG subcommands of Redis 7.0 that describe or exercise internals: PROTOCOL (a test reply
// of every RESP type), LISTPACK / QUICKLIST / HTSTATS / HTSTATS-KEY (structure reports, from
// Vesta's own structures), QUICKLIST-PACKED-THRESHOLD, STRINGMATCH-TEST, ERROR and LOG.
// Replies and error texts are Redis's; the numbers in the reports are Vesta's.
// Redis equivalent: debugCommand in debug.c.

import { parseMemory } from '../config/value.js';
import type { CommandContext } from './context.js';
import { globMatch } from '../util/glob.js';
import { parseInt64 } from '../util/numbers.js';
import { objectEncoding } from './encoding.js';
import { NOT_INTEGER, NO_SUCH_KEY } from './errors.js';

const PROTOCOL_TYPES = 'string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false';

/** DEBUG PROTOCOL <type>: the same test values Redis sends, in RESP2 and RESP3. */
export function debugProtocol(c: CommandContext, argv: string[]): void {
  const type = (argv[2] ?? '').toLowerCase();
  const resp3 = c.resp === 3;
  switch (type) {
    case 'string': return c.addReplyBulk('Hello World');
    case 'integer': return c.addReplyLongLong(12345);
    case 'double': return c.addReplyDouble(3.141);
    case 'bignum':
      return resp3 ? c.addReplyRaw('(1234567999999999999999999999999999999\r\n')
        : c.addReplyBulk('1234567999999999999999999999999999999');
    case 'null': return c.addReplyNull();
    case 'array':
    case 'set':
      if (type === 'array') c.addReplyArrayLen(3);
      else c.addReplySetLen(3);
      for (let i = 0; i < 3; i++) c.addReplyLongLong(i);
      return;
    case 'map':
      c.addReplyMapLen(3);
      for (let i = 0; i < 3; i++) {
        c.addReplyLongLong(i);
        c.addReplyBool(i === 1);
      }
      return;
    case 'attrib':
      if (resp3) c.addReplyRaw('|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n');
      return c.addReplyBulk('Some real reply following the attribute');
    case 'push':
      if (!resp3) return c.addReplyError('ERR RESP2 is not supported by this command');
      c.addReplyPushLen(2);
      c.addReplyBulk('server-cpu-usage');
      c.addReplyLongLong(42);
      return c.addReplyBulk('Some real reply following the push reply');
    case 'verbatim': return c.addReplyVerbatim('This is a verbatim\nstring');
    case 'true': return c.addReplyBool(true);
    case 'false': return c.addReplyBool(false);
    default:
      return c.addReplyError(`ERR Wrong protocol type name. Please use one of the following: ${PROTOCOL_TYPES}`);
  }
}

/** The plain-node threshold DEBUG QUICKLIST-PACKED-THRESHOLD sets (Redis's default is 1 GB). */
let packedThreshold = 1024 ** 3;

export function debugQuicklistPackedThreshold(c: CommandContext, argv: string[]): void {
  const bytes = parseMemory(argv[2] ?? '');
  if (bytes === null || bytes > 4n * 1024n ** 3n) {
    c.addReplyError('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
    return;
  }
  packedThreshold = bytes === 0n ? 1024 ** 3 : Number(bytes);
  c.addReplyOk();
}

/** Writes a structure report where Redis prints it (stdout: the log without a prefix). */
function printReport(c: CommandContext, lines: readonly string[]): void {
  c.services.log.raw(`${lines.join('\n')}\n`);
}

export function debugListpack(c: CommandContext, argv: string[]): void {
  const value = c.keyspace.peek(c.db, argv[2] ?? '');
  if (value === undefined) return c.addReplyError(NO_SUCH_KEY);
  if (objectEncoding(value, c.config) !== 'listpack') return c.addReplyError('ERR Not a listpack encoded object.');
  const entries = typeof value === 'string' ? 1 : 'size' in value ? value.size : 0;
  printReport(c, [`{listpack (Vesta: a ${typeof value === 'string' ? 'string' : value.constructor.name} of ${String(entries)} entries)}`]);
  c.addReplyStatus('Listpack structure printed on stdout');
}

export function debugQuicklist(c: CommandContext, argv: string[]): void {
  const value = c.keyspace.peek(c.db, argv[2] ?? '');
  if (value === undefined) return c.addReplyError(NO_SUCH_KEY);
  if (objectEncoding(value, c.config) !== 'quicklist') return c.addReplyError('ERR Not a quicklist encoded object.');
  const length = typeof value === 'string' ? 0 : 'length' in value ? value.length : 0;
  printReport(c, [`{quicklist (Vesta) count: ${String(length)} packed_threshold: ${String(packedThreshold)}}`]);
  c.addReplyStatus('Quicklist structure printed on stdout');
}

/** A hash table report in Redis's layout, from a size (Vesta's tables are JS Maps). */
function tableStats(title: string, size: number): string {
  if (size === 0) return `Hash table 0 stats (${title}):\nNo stats available for empty dictionaries\n`;
  let table = 4;
  while (table < size) table *= 2;
  return `Hash table 0 stats (${title}):\n table size: ${String(table)}\n number of elements: ${String(size)}\n`;
}

export function debugHtstats(c: CommandContext, argv: string[]): void {
  const id = parseInt64(argv[2] ?? '');
  if (id === null) return c.addReplyError(NOT_INTEGER);
  const db = c.keyspace.dbs[Number(id)];
  if (id < 0n || db === undefined) return c.addReplyError('ERR Out of range database');
  c.addReplyVerbatim(`[Dictionary HT]\n${tableStats('main hash table', db.dict.size)}` +
    `[Expires HT]\n${tableStats('main hash table', db.expires.size)}`);
}

export function debugHtstatsKey(c: CommandContext, argv: string[]): void {
  const value = c.keyspace.peek(c.db, argv[2] ?? '');
  if (value === undefined) return c.addReplyError(NO_SUCH_KEY);
  if (objectEncoding(value, c.config) !== 'hashtable' || typeof value === 'string' || !('size' in value)) {
    return c.addReplyError('ERR The value stored at the specified key is not represented using an hash table');
  }
  c.addReplyVerbatim(tableStats('main hash table', value.size));
}

/** DEBUG STRINGMATCH-TEST: random patterns and strings through the glob matcher; must not hang or throw. */
export function debugStringmatchTest(c: CommandContext): void {
  const alphabet = 'ab*?[]^-\\';
  const pick = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)] ?? 'a';
    return s;
  };
  for (let i = 0; i < 10_000; i++) globMatch(pick(Math.floor(Math.random() * 12)), pick(Math.floor(Math.random() * 12)));
  c.addReplyStatus('Apparently Redis did not crash: test passed');
}

export function debugError(c: CommandContext, argv: string[]): void {
  c.addReplyError(argv[2] ?? '');
}

export function debugLog(c: CommandContext, argv: string[]): void {
  c.services.log.warning(`DEBUG LOG: ${argv[2] ?? ''}`);
  c.addReplyOk();
}
