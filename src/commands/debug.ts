// DEBUG: the subcommands tests and tools rely on (SLEEP OBJECT SET-ACTIVE-EXPIRE POPULATE
// DIGEST DIGEST-VALUE RELOAD LOADAOF, and debug-extra.ts's PROTOCOL LISTPACK QUICKLIST HTSTATS...), gated by enable-debug-command exactly as Redis 7.0 gates it.
// Redis equivalent: debug.c.

import { createHash } from '../platform/crypto.js';
import { isLocal, type Client } from '../server/client.js';
import type { Database } from '../store/keyspace.js';
import { quicklistNodes } from '../store/lazyfree.js';
import { HashValue, ListValue, SetValue, StreamValue, ZSetValue, type Value } from '../store/value/types.js';
import { formatDouble, parseInt64 } from '../util/numbers.js';
import { parseDouble } from '../util/numbers.js';
import { objectEncoding } from './encoding.js';
import { debugLoadAofCommand, debugReloadCommand } from './persistence.js';
import { SYNTAX, NOT_INTEGER, NO_SUCH_KEY, unknownSubcommandOrArity, NOT_FLOAT } from './errors.js';
import { crashByAssertion, crashByPanic, crashBySignal, crashHandlersInstalled } from '../observe/crash.js';
import {
  debugError, debugHtstats, debugHtstatsKey, debugListpack, debugLog, debugProtocol, debugQuicklist,
  debugQuicklistPackedThreshold, debugStringmatchTest,
} from './debug-extra.js';

const DEBUG_REFUSED =
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

export function debugCommand(c: Client, argv: string[]): void {
  const gate = c.config.str('enable-debug-command');
  if (gate === 'no' || (gate === 'local' && !isLocal(c))) {
    c.addReplyError(DEBUG_REFUSED);
    return;
  }
  const sub = (argv[1] as string).toLowerCase();
  const handler = SUBCOMMANDS[sub];
  if (handler === undefined) {
    unknownSubcommand(c, argv);
    return;
  }
  handler(c, argv);
}

const SUBCOMMANDS: Record<string, (c: Client, argv: string[]) => void> = {
  help: debugHelp,
  sleep: debugSleep,
  object: debugObject,
  'set-active-expire': debugSetActiveExpire,
  populate: debugPopulate,
  digest: debugDigest,
  'digest-value': debugDigestValue,
  reload: debugReloadCommand,
  loadaof: debugLoadAofCommand,
  protocol: exact(3, debugProtocol),
  'quicklist-packed-threshold': exact(3, debugQuicklistPackedThreshold),
  listpack: exact(3, debugListpack),
  quicklist: (c, argv) => (argv.length === 3 || argv.length === 4 ? debugQuicklist(c, argv) : unknownSubcommand(c, argv)),
  htstats: exact(3, debugHtstats),
  'htstats-key': exact(3, debugHtstatsKey),
  'stringmatch-test': exact(2, debugStringmatchTest),
  error: exact(3, debugError),
  segfault: exact(2, (c, argv) => debugCrash(c, argv, 'segfault')),
  panic: exact(2, (c, argv) => debugCrash(c, argv, 'panic')),
  assert: exact(2, (c, argv) => debugCrash(c, argv, 'assert')),
  log: exact(3, debugLog),
  'change-repl-id': exact(2, debugChangeReplId),
};

/** DEBUG CHANGE-REPL-ID: a new replication ID, and no secondary one (INFO replication). */
function debugChangeReplId(c: Client): void {
  const repl = c.server.replication;
  if (repl === null) {
    c.addReplyError('ERR replication is not available on this server instance');
    return;
  }
  c.server.log.warning('Changing replication IDs after receiving DEBUG change-repl-id');
  repl.changeReplId();
  c.addReplyOk();
}

/** DEBUG SEGFAULT / PANIC / ASSERT: a crash report, then the process ends (never when embedded). */
function debugCrash(c: Client, argv: string[], kind: 'segfault' | 'panic' | 'assert'): void {
  if (!crashHandlersInstalled()) {
    c.addReplyError(`ERR DEBUG ${kind.toUpperCase()} would end the host process: refused in an embedded server`);
    return;
  }
  const context = { client: c, argv };
  const stack = new Error(`DEBUG ${kind}`).stack ?? '';
  if (kind === 'segfault') crashBySignal(c.server, 'SIGSEGV', context, stack);
  if (kind === 'panic') crashByPanic(c.server, `DEBUG PANIC called at Unix time ${String(Math.floor(Date.now() / 1000))}`, context, stack);
  crashByAssertion(c.server, "debug.ts 'DEBUG ASSERT' is not true", context, stack);
}

function unknownSubcommand(c: Client, argv: string[]): void {
  c.addReplyError(unknownSubcommandOrArity(argv[1] as string, 'DEBUG'));
}

/** Redis matches most DEBUG subcommands on name and exact argc together. */
function exact(argc: number, handler: (c: Client, argv: string[]) => void): (c: Client, argv: string[]) => void {
  return (c, argv) => (argv.length === argc ? handler(c, argv) : unknownSubcommand(c, argv));
}

function debugHelp(c: Client): void {
  const lines = [
    'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'DIGEST',
    '    Output a hex signature representing the current DB content.',
    'DIGEST-VALUE <key> [<key> ...]',
    '    Output a hex signature of the values of all the specified keys.',
    'ASSERT',
    '    Crash by assertion failed.',
    'CHANGE-REPL-ID',
    '    Change the replication IDs of the instance.',
    '    Dangerous: should be used only for testing the replication subsystem.',
    'PANIC',
    '    Crash the server simulating a panic.',
    'SEGFAULT',
    '    Crash the server with sigsegv.',
    'ERROR <string>',
    '    Return a Redis protocol error with <string> as message. Useful for clients',
    '    unit tests to simulate Redis errors.',
    'LOG <message>',
    '    Write <message> to the server log.',
    'HTSTATS <dbid>',
    '    Return hash table statistics of the specified Redis database.',
    'HTSTATS-KEY <key>',
    '    Like HTSTATS but for the hash table stored at <key>\'s value.',
    'LOADAOF',
    '    Flush the AOF buffers on disk and reload the AOF in memory.',
    'OBJECT <key>',
    '    Show low level info about the key and associated value.',
    'POPULATE <count> [<prefix>] [<size>]',
    '    Create <count> string keys named key:<num>. If <prefix> is specified then',
    '    it is used instead of the \'key\' prefix. These are not propagated to',
    '    replicas. Cluster slots are not respected so keys not belonging to the',
    '    current node can be created in cluster mode.',
    'PROTOCOL <type>',
    '    Reply with a test value of the specified type. <type> can be: string,',
    '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
    '    true, false.',
    'RELOAD [option ...]',
    '    Save the RDB on disk and reload it back to memory. Available options:',
    '    * MERGE: Merge the content of the RDB file with the existing data.',
    '    * NOFLUSH: Do not flush the existing data before loading.',
    '    * NOSAVE: Do not save the RDB file before reloading it.',
    'SET-ACTIVE-EXPIRE <0|1>',
    '    Setting it to 0 disables expiring keys in background when they are not',
    '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
    '    default.',
    'QUICKLIST-PACKED-THRESHOLD <size>',
    '    Sets the threshold for elements to be inserted as plain vs packed nodes',
    '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
    'SLEEP <seconds>',
    '    Stop the server for <seconds>. Decimals allowed.',
    'STRINGMATCH-TEST',
    '    Run a fuzz tester against the stringmatchlen() function.',
    'LISTPACK <key>',
    '    Show low level info about the listpack encoding of <key>.',
    'QUICKLIST <key> [<0|1>]',
    '    Show low level info about the quicklist encoding of <key>.',
    '    The optional argument (0 by default) sets the level of detail',
    'HELP',
    '    Prints this help.',
  ];
  c.addReplyArrayLen(lines.length);
  for (const line of lines) c.addReplyStatus(line);
}

function debugSleep(c: Client, argv: string[]): void {
  const seconds = parseDouble(argv[2] ?? '');
  if (seconds === null) {
    c.addReplyError(NOT_FLOAT);
    return;
  }
  // Blocks the whole server, as DEBUG SLEEP does in Redis (tests use it to simulate stalls).
  const ms = Math.max(0, Math.min(seconds * 1000, 2 ** 31 - 1));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  c.addReplyOk();
}

function debugObject(c: Client, argv: string[]): void {
  if (argv.length !== 3) {
    c.addReplyError(SYNTAX);
    return;
  }
  const value = c.keyspace.peek(c.db, argv[2] as string);
  if (value === undefined) {
    c.addReplyError(NO_SUCH_KEY);
    return;
  }
  const encoding = objectEncoding(value, c.config);
  let extra = '';
  if (value instanceof ListValue) {
    // The node layout of a list built by pushes (the lazy-free model); fill as quicklist clamps it.
    const fill = Math.max(-5, Math.min(c.keyspace.lazyfree.fillOf(value), 32767));
    const nodes = quicklistNodes(value, fill);
    extra = ` ql_nodes:${nodes} ql_avg_node:${ratioFixed2(value.length, Math.max(1, nodes))} ql_listpack_max:${fill} ql_compressed:0 ql_uncompressed_size:0`;
  }
  c.addReplyStatus(
    `Value at:0x0 refcount:1 encoding:${encoding} serializedlength:${serializedLength(value)} lru:0 lru_seconds_idle:0${extra}`,
  );
}

/**
 * num/den with 2 decimals as C's %.2f prints the double: an exact tie (a double in eighths
 * ending in 5 thousandths) rounds to even, where toFixed rounds up; the rest agree.
 */
function ratioFixed2(num: number, den: number): string {
  const x = num / den;
  const hundredths = x * 100;
  if (Number.isInteger(x * 8) && hundredths % 1 === 0.5 && Math.floor(hundredths) % 2 === 0) {
    return (Math.floor(hundredths) / 100).toFixed(2);
  }
  return x.toFixed(2);
}

function serializedLength(value: Value): number {
  if (typeof value === 'string') return value.length + 1;
  let n = 1;
  if (value instanceof StreamValue) return value.memoryEstimate();
  if (value instanceof ZSetValue) for (const [m] of value) n += m.length + 9;
  else if (value instanceof HashValue) for (const [f, v] of value) n += f.length + v.length + 2;
  else for (const item of value) n += item.length + 1;
  return n;
}

function debugSetActiveExpire(c: Client, argv: string[]): void {
  if (argv.length !== 3) {
    c.addReplyError(SYNTAX);
    return;
  }
  c.server.activeExpire.enabled = argv[2] !== '0';
  c.addReplyOk();
}

function debugPopulate(c: Client, argv: string[]): void {
  if (argv.length < 3 || argv.length > 5) {
    c.addReplyError(SYNTAX);
    return;
  }
  const count = parseInt64(argv[2] as string);
  if (count === null || typeof count === 'bigint' || count < 0) {
    c.addReplyError(count === null ? NOT_INTEGER : 'ERR count must be greater than or equal to 0');
    return;
  }
  const prefix = argv[3] ?? 'key';
  let size = -1;
  if (argv[4] !== undefined) {
    const v = parseInt64(argv[4]);
    if (v === null || typeof v === 'bigint' || v < 0) {
      c.addReplyError(NOT_INTEGER);
      return;
    }
    size = v;
  }
  const ks = c.keyspace;
  const db = c.db;
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`;
    if (ks.peek(db, key) !== undefined) continue;
    let value = `value:${j}`;
    if (size >= 0) value = value.length >= size ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
    ks.add(db, key, value);
  }
  c.addReplyOk();
}

// ------------------------------------------------------------------------ digest

/**
 * The dataset digest: order-independent across keys and set/hash members, order-dependent for
 * list elements, sensitive to expires, computed with SHA-1 "mix" (xor then rehash) and "xor"
 * steps over 20-byte digests as Redis's DEBUG DIGEST does, so equal datasets give equal digests.
 */
function sha1(data: Buffer): Buffer {
  return createHash('sha1').update(data).digest();
}

function xorDigest(digest: Buffer, data: Buffer): void {
  const hash = sha1(data);
  for (let i = 0; i < 20; i++) digest[i] = (digest[i] as number) ^ (hash[i] as number);
}

function mixDigest(digest: Buffer, data: Buffer): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

function latin1(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

const TYPE_CODES = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 } as const;

function typeCode(value: Value): number {
  if (typeof value === 'string') return TYPE_CODES.string;
  if (value instanceof ListValue) return TYPE_CODES.list;
  if (value instanceof SetValue) return TYPE_CODES.set;
  if (value instanceof ZSetValue) return TYPE_CODES.zset;
  if (value instanceof StreamValue) return TYPE_CODES.stream;
  return TYPE_CODES.hash;
}

function be32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** Mixes one value (and whether it has an expire) into `digest`. */
function xorValueDigest(digest: Buffer, value: Value, hasExpire: boolean): void {
  mixDigest(digest, be32(typeCode(value)));
  if (typeof value === 'string') {
    mixDigest(digest, latin1(value));
  } else if (value instanceof ListValue) {
    for (const item of value) mixDigest(digest, latin1(item));
  } else if (value instanceof SetValue) {
    for (const member of value) xorDigest(digest, latin1(member));
  } else if (value instanceof StreamValue) {
    value.scan({ ms: 0n, seq: 0n }, { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n }, false, (e) => {
      mixDigest(digest, latin1(`${e.id.ms}.${e.id.seq}`));
      for (const f of e.fields) mixDigest(digest, latin1(f));
      return true;
    });
  } else if (value instanceof ZSetValue) {
    for (const [member, score] of value) {
      const element = Buffer.alloc(20);
      mixDigest(element, latin1(member));
      mixDigest(element, latin1(formatDouble(score)));
      xorDigest(digest, element);
    }
  } else {
    for (const [field, v] of value) {
      const element = Buffer.alloc(20);
      mixDigest(element, latin1(field));
      mixDigest(element, latin1(v));
      xorDigest(digest, element);
    }
  }
  if (hasExpire) xorDigest(digest, latin1('!!expire!!'));
}

/**
 * DEBUG DIGEST: per db with keys, the db index is mixed in; per key, a digest of the key mixed
 * with its value's digest is xored in, so key order does not matter. Keys are read as stored,
 * logically expired ones included, exactly as Redis iterates its dict (checked against
 * redis-server 7.0.15 on every type and encoding). An empty dataset gives 40 zeros.
 */
export function datasetDigest(dbs: readonly Database[]): string {
  const final = Buffer.alloc(20);
  for (const db of dbs) {
    if (db.dict.size === 0) continue;
    mixDigest(final, be32(db.id));
    for (const [key, value] of db.dict) {
      const digest = Buffer.alloc(20);
      mixDigest(digest, latin1(key));
      xorValueDigest(digest, value, db.expires.has(key));
      xorDigest(final, digest);
    }
  }
  return final.toString('hex');
}

function debugDigest(c: Client): void {
  c.addReplyStatus(datasetDigest(c.keyspace.dbs));
}

function debugDigestValue(c: Client, argv: string[]): void {
  c.addReplyArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    // Read without expiring, as Redis does: a debug command sees logically expired keys too.
    const key = argv[i] as string;
    const value = c.db.dict.get(key);
    const digest = Buffer.alloc(20);
    if (value !== undefined) xorValueDigest(digest, value, c.db.expires.has(key));
    c.addReplyStatus(digest.toString('hex'));
  }
}
