// MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP and LOLWUT: the reply shapes and
// field names are Redis 7.0's; the numbers are Vesta's own (a JS heap has no allocator to ask),
// documented in docs/INFO.md:
// - MEMORY USAGE: KEY_OVERHEAD_BYTES + key bytes + the value: a string's bytes, a collection's
//   COLLECTION_OVERHEAD_BYTES + its element count times the average size of SAMPLES elements
//   (default 5, 0 = all), each element its bytes + ELEMENT_OVERHEAD_BYTES (a zset member + 8).
// - MEMORY STATS: the figures INFO memory reports (used_memory, peak, startup) and V8's heap.
// Redis equivalent: object.c memoryCommand / objectComputeSize, lolwut.c.

import { getHeapStatistics } from 'node:v8';
import type { Client } from '../server/client.js';
import { HashValue, ZSetValue, type Value } from '../store/value/types.js';
import { REDIS_VERSION, VESTA_VERSION } from '../version.js';
import { parseInt64 } from '../util/numbers.js';
import { NOT_INTEGER, SYNTAX } from './errors.js';
import type { CommandDef } from './types.js';

const KEY_OVERHEAD_BYTES = 56;
const COLLECTION_OVERHEAD_BYTES = 64;
const ELEMENT_OVERHEAD_BYTES = 24;
const DEFAULT_SAMPLES = 5;

function helpReply(c: Client, lines: readonly string[]): void {
  c.addReplyArrayLen(lines.length);
  for (const line of lines) c.addReplyStatus(line);
}

function memoryHelpCommand(c: Client): void {
  helpReply(c, [
    'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'DOCTOR',
    '    Return memory problems reports.',
    'MALLOC-STATS',
    '    Return internal statistics report from the memory allocator.',
    'PURGE',
    '    Attempt to purge dirty pages for reclamation by the allocator.',
    'STATS',
    '    Return information about the memory usage of the server.',
    'USAGE <key> [SAMPLES <count>]',
    '    Return memory in bytes used by <key> and its value. Nested values are',
    '    sampled up to <count> times (default: 5, 0 means sample all).',
    'HELP',
    '    Prints this help.',
  ]);
}

/** Bytes of one element of a collection (a zset entry is [member, score]). */
function elementBytes(item: unknown): number {
  if (Array.isArray(item)) return String(item[0]).length + 8 + ELEMENT_OVERHEAD_BYTES;
  return String(item).length + ELEMENT_OVERHEAD_BYTES;
}

/** Vesta's estimate of a value's bytes, sampling `samples` elements (0: all). */
export function valueUsageBytes(value: Value, samples: number): number {
  if (typeof value === 'string') return value.length;
  let count = 0;
  let sampled = 0;
  let bytes = 0;
  const visit = (item: unknown): boolean => {
    count++;
    if (samples === 0 || sampled < samples) {
      sampled++;
      bytes += elementBytes(item);
    }
    return samples !== 0 && sampled >= samples;
  };
  if (value instanceof HashValue) {
    value.forEach((v, field) => {
      if (samples === 0 || sampled < samples) {
        sampled++;
        bytes += field.length + v.length + 2 * ELEMENT_OVERHEAD_BYTES;
      }
      count++;
    });
  } else {
    const iterable = value as Iterable<unknown>;
    for (const item of iterable) if (visit(item)) break;
    count = value instanceof ZSetValue ? value.size : sizeOf(value, count);
  }
  return COLLECTION_OVERHEAD_BYTES + (sampled === 0 ? 0 : Math.round((bytes / sampled) * count));
}

function sizeOf(value: Value, counted: number): number {
  if (typeof value === 'string') return 1;
  const sized = value as unknown as { size?: number; length?: number };
  return sized.size ?? sized.length ?? counted;
}

function memoryUsageCommand(c: Client, argv: string[]): void {
  let samples = DEFAULT_SAMPLES;
  for (let i = 3; i < argv.length; i++) {
    if ((argv[i] as string).toLowerCase() === 'samples' && i + 1 < argv.length) {
      const n = parseInt64(argv[i + 1] as string);
      if (n === null) {
        c.addReplyError(NOT_INTEGER);
        return;
      }
      if (n < 0n) {
        c.addReplyError(SYNTAX);
        return;
      }
      samples = n > 1_000_000n ? 1_000_000 : Number(n);
      i++;
    } else {
      c.addReplyError(SYNTAX);
      return;
    }
  }
  const key = argv[2] as string;
  const value = c.keyspace.peek(c.db, key);
  if (value === undefined) {
    c.addReplyNull();
    return;
  }
  c.addReplyLongLong(KEY_OVERHEAD_BYTES + key.length + valueUsageBytes(value, samples));
}

function memoryStatsCommand(c: Client): void {
  const server = c.server;
  const heap = getHeapStatistics();
  const rss = process.memoryUsage().rss;
  const used = server.evictor.usedMemory();
  const peak = Math.max(server.memoryPeak, used);
  const startup = Math.min(server.memoryStartup, used);
  let clientsNormal = 0;
  for (const client of server.clients.values()) clientsNormal += client.out.length;
  const dbs = server.keyspace.dbs.filter((db) => db.dict.size > 0);
  let keys = 0;
  let hashtables = 0;
  for (const db of dbs) {
    keys += db.dict.size;
    hashtables += (db.dict.size + db.expires.size) * 16;
  }
  const overhead = Math.min(used, startup + clientsNormal + hashtables);
  const dataset = used - overhead;
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  const fields: [string, number, 'int' | 'double'][] = [
    ['peak.allocated', peak, 'int'], ['total.allocated', used, 'int'], ['startup.allocated', startup, 'int'],
    ['replication.backlog', 0, 'int'], ['clients.slaves', 0, 'int'], ['clients.normal', clientsNormal, 'int'],
    ['cluster.links', 0, 'int'], ['aof.buffer', 0, 'int'], ['lua.caches', 0, 'int'], ['functions.caches', 0, 'int'],
  ];
  const tail: [string, number, 'int' | 'double'][] = [
    ['overhead.total', overhead, 'int'], ['keys.count', keys, 'int'],
    ['keys.bytes-per-key', keys === 0 ? 0 : Math.floor((used - startup) / keys), 'int'],
    ['dataset.bytes', dataset, 'int'], ['dataset.percentage', ratio(dataset * 100, Math.max(1, used - startup)), 'double'],
    ['peak.percentage', ratio(used * 100, peak), 'double'],
    ['allocator.allocated', heap.used_heap_size, 'int'], ['allocator.active', heap.total_heap_size, 'int'],
    ['allocator.resident', rss, 'int'],
    ['allocator-fragmentation.ratio', ratio(heap.total_heap_size, heap.used_heap_size), 'double'],
    ['allocator-fragmentation.bytes', heap.total_heap_size - heap.used_heap_size, 'int'],
    ['allocator-rss.ratio', ratio(rss, heap.total_heap_size), 'double'],
    ['allocator-rss.bytes', rss - heap.total_heap_size, 'int'],
    ['rss-overhead.ratio', ratio(rss, rss), 'double'], ['rss-overhead.bytes', 0, 'int'],
    ['fragmentation', ratio(rss, used), 'double'], ['fragmentation.bytes', rss - used, 'int'],
  ];
  c.addReplyMapLen(fields.length + dbs.length + tail.length);
  const put = ([name, n, kind]: [string, number, 'int' | 'double']): void => {
    c.addReplyBulk(name);
    if (kind === 'int') c.addReplyLongLong(Math.round(n));
    else c.addReplyDouble(n);
  };
  fields.forEach(put);
  for (const db of dbs) {
    c.addReplyBulk(`db.${String(db.id)}`);
    c.addReplyMapLen(3);
    put(['overhead.hashtable.main', db.dict.size * 16, 'int']);
    put(['overhead.hashtable.expires', db.expires.size * 16, 'int']);
    put(['overhead.hashtable.slot-to-keys', 0, 'int']);
  }
  tail.forEach(put);
}

/** MEMORY DOCTOR: Redis's report format, from Vesta's figures. */
function memoryDoctorCommand(c: Client): void {
  const server = c.server;
  const used = server.evictor.usedMemory();
  const peak = Math.max(server.memoryPeak, used);
  const keys = server.keyspace.dbs.reduce((n, db) => n + db.dict.size, 0);
  let report: string;
  if (used < 5 * 1024 * 1024 || keys === 0) {
    report = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in " +
      'these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I ' +
      'will be back to our programming as soon as I finished rebooting.\n';
  } else if (peak > used * 1.5) {
    report = 'Sam, I detected a few issues in this Vesta instance memory implants:\n\n' +
      ` * Peak memory: In the past this instance used more than 150% the memory that is currently using. ` +
      'The JavaScript heap may not give the memory back to the system at once; this is usually harmless.\n\n' +
      "I'm here to keep you safe, Sam. I want to help you.\n";
  } else {
    report = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  }
  c.addReplyVerbatim(report);
}

/** MEMORY MALLOC-STATS: there is no malloc to ask; V8's heap statistics instead. */
function memoryMallocStatsCommand(c: Client): void {
  const heap = getHeapStatistics();
  let text = '___ Begin V8 heap statistics (Vesta: no malloc allocator) ___\n';
  for (const [name, value] of Object.entries(heap)) text += `  ${name}: ${String(value)}\n`;
  for (const [name, value] of Object.entries(process.memoryUsage())) text += `  process.${name}: ${String(value)}\n`;
  text += '--- End V8 heap statistics ---\n';
  c.addReplyVerbatim(text);
}

/** MEMORY PURGE: runs a full garbage collection when node exposes it (--expose-gc); OK as Redis. */
function memoryPurgeCommand(c: Client): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
  c.addReplyOk();
}

/** LOLWUT [VERSION v]: Vesta's own art (a hearth), then the version line, as a verbatim text. */
function lolwutCommand(c: Client, argv: string[]): void {
  let version = 5;
  for (let i = 1; i < argv.length; i++) {
    if ((argv[i] as string).toLowerCase() === 'version' && i + 1 < argv.length) {
      const n = parseInt64(argv[i + 1] as string);
      if (n === null) {
        c.addReplyError(NOT_INTEGER);
        return;
      }
      version = n > 1000n || n < -1000n ? 0 : Number(n);
      i++;
    }
  }
  const footer = `Vesta ver. ${VESTA_VERSION} (Redis ver. ${REDIS_VERSION} compatible)\n`;
  if (version !== 5 && version !== 6) {
    c.addReplyVerbatim(footer);
    return;
  }
  const flames = version === 5 ? ['   (  )   (  )', '  ( )( ) ( )( )', '   \\  /   \\  /'] : ['  ~  ~  ~  ~  ~', ' ~ ~ ~ ~ ~ ~ ~ ~'];
  const art = [...flames, ' _|__|_____|__|_', '|_______________|', '  \\___________/', ''].join('\n');
  c.addReplyVerbatim(`${art}\nThe hearth of Vesta, version ${String(version)}. ${footer}`);
}

export const memoryCommands: CommandDef[] = [
  { name: 'memory|help', admin: memoryHelpCommand },
  { name: 'memory|usage', admin: memoryUsageCommand },
  { name: 'memory|stats', admin: memoryStatsCommand },
  { name: 'memory|doctor', admin: memoryDoctorCommand },
  { name: 'memory|malloc-stats', admin: memoryMallocStatsCommand },
  { name: 'memory|purge', admin: memoryPurgeCommand },
  { name: 'lolwut', admin: lolwutCommand },
];
