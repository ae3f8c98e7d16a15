// The commented sample config (vesta.conf at the repository root, shipped in the package),
// generated from the schema so it cannot drift: every directive, grouped as redis.conf groups
// them, set to its default, with a line or two on what it does and where Vesta differs from
// Redis. test/tools/sample-conf.test.ts regenerates it and fails on a difference
// (`npm run -s conf` rewrites it).
// Redis equivalent: the redis.conf shipped with Redis (none of its text is used here).

import { CONFIG_TABLE, FILE_ONLY_DIRECTIVES, type ConfigEntry } from './schema.js';
import { rewriteLines } from './rewrite.js';

/** redis.conf's sections, in its order; a directive goes to the first whose test matches. */
const GROUPS: readonly { title: string; matches: (name: string) => boolean }[] = [
  { title: 'NETWORK', matches: (n) => /^(bind|bind-source-addr|protected-mode|port|tcp-|unixsocket|timeout|socket-mark-id)/.test(n) },
  { title: 'TLS/SSL', matches: (n) => n.startsWith('tls-') },
  { title: 'GENERAL', matches: (n) => /^(daemonize|supervised|pidfile|loglevel|logfile|syslog-|crash-|databases|always-show-logo|set-proc-title|proc-title-template|ignore-warnings|enable-.*-command|enable-protected-configs)/.test(n) },
  { title: 'SNAPSHOTTING', matches: (n) => /^(save|stop-writes-on-bgsave-error|rdb|dbfilename|dir|sanitize-dump-payload)/.test(n) },
  { title: 'REPLICATION', matches: (n) => /^(replica|repl-|masterauth|masteruser|min-replicas|propagation-error)/.test(n) },
  { title: 'SECURITY', matches: (n) => /^(acl|requirepass)/.test(n) },
  { title: 'CLIENTS', matches: (n) => n === 'maxclients' },
  { title: 'MEMORY MANAGEMENT', matches: (n) => n.startsWith('maxmemory') },
  { title: 'LAZY FREEING', matches: (n) => n.startsWith('lazyfree-') },
  { title: 'THREADED I/O', matches: (n) => n.startsWith('io-threads') },
  { title: 'KERNEL OOM CONTROL AND TRANSPARENT HUGE PAGES', matches: (n) => n.startsWith('oom-score') || n === 'disable-thp' },
  { title: 'APPEND ONLY MODE', matches: (n) => /^(appendonly|appendfilename|appenddirname|appendfsync|no-appendfsync|auto-aof|aof-)/.test(n) },
  { title: 'SHUTDOWN', matches: (n) => n.startsWith('shutdown-') },
  { title: 'LONG BLOCKING COMMANDS', matches: (n) => n === 'busy-reply-threshold' || n === 'lua-time-limit' },
  { title: 'REDIS CLUSTER', matches: (n) => n.startsWith('cluster-') },
  { title: 'SLOW LOG', matches: (n) => n.startsWith('slowlog-') },
  { title: 'LATENCY MONITOR AND TRACKING', matches: (n) => n.startsWith('latency-') },
  { title: 'EVENT NOTIFICATION', matches: (n) => n === 'notify-keyspace-events' },
  { title: 'ADVANCED CONFIG', matches: (n) => !n.startsWith('vesta-') && !n.startsWith('metrics-') && !n.endsWith('_cpulist') && !HIDDEN_TEST_KNOBS.has(n) },
  { title: 'ACTIVE DEFRAGMENTATION AND CPU AFFINITY', matches: (n) => n.endsWith('_cpulist') },
  { title: 'VESTA (Vesta\'s own directives; Redis has none of these)', matches: (n) => n.startsWith('vesta-') || n.startsWith('metrics-') },
  { title: 'TESTING KNOBS (hidden in Redis too; leave them at 0)', matches: () => true },
];

const HIDDEN_TEST_KNOBS = new Set(['key-load-delay', 'rdb-key-save-delay', 'loading-process-events-interval-bytes']);

/** What a directive does, where a line helps; "VESTA:" marks a difference from Redis. */
const NOTES: Readonly<Record<string, string>> = {
  bind: 'Addresses to listen on ("-" before one: skip it if unavailable). VESTA: the same loopback-only default as redis.conf\'s line (compiled-in Redis listens on every address).',
  'protected-mode': 'While the default user has no password, refuse clients that are not on loopback. On by default, as in Redis.',
  port: 'TCP port (0: no TCP listener).',
  'tcp-backlog': 'listen() backlog.',
  timeout: 'Close a client idle this many seconds (0: never).',
  'tcp-keepalive': 'TCP keepalive interval in seconds (0: off).',
  unixsocket: 'Path of a Unix socket to listen on as well.',
  unixsocketperm: 'Permissions of the Unix socket (octal).',
  pidfile: 'Write the process id to this file.',
  loglevel: 'debug, verbose, notice or warning.',
  logfile: 'Log to this file ("": standard output).',
  databases: 'Number of databases (SELECT 0 .. databases-1).',
  'always-show-logo': 'Print the start-up logo block even when logging to a file.',
  save: 'RDB save points: "<seconds> <changes>" pairs; save "" disables them. Several pairs may be one argument.',
  'stop-writes-on-bgsave-error': 'Refuse writes (MISCONF) after a failed background save.',
  rdbcompression: 'LZF-compress strings in RDB files.',
  rdbchecksum: 'Write and verify the CRC64 at the end of RDB files.',
  dbfilename: 'Name of the RDB file, inside dir.',
  'rdb-del-sync-files': 'Delete RDB files used only for replication.',
  dir: 'Working directory: the RDB file and the AOF directory live here. VESTA: defaults to ./data (Redis: the current directory).',
  requirepass: 'Password of the default user (AUTH <password>).',
  aclfile: 'ACL users file (ACL LOAD / ACL SAVE).',
  maxclients: 'Most clients connected at once.',
  maxmemory: 'Memory limit for the dataset (0: none); see maxmemory-policy.',
  'maxmemory-policy': 'What to do at maxmemory: evict (lru, lfu, random, ttl) or refuse writes (noeviction).',
  'maxmemory-samples': 'Keys sampled per eviction.',
  appendonly: 'Log every write to the AOF. VESTA: yes by default (Redis: no), so data survives a crash out of the box.',
  appendfilename: 'Base name of the AOF files.',
  appenddirname: 'Directory of the AOF files and their manifest, inside dir.',
  appendfsync: 'fsync the AOF always, everysec or no (leave it to the OS).',
  'aof-use-rdb-preamble': 'A rewritten AOF starts with an RDB snapshot (the hybrid format). VESTA: on, as in Redis 7.0; together with appendonly yes this makes the hybrid format the default.',
  'aof-load-truncated': 'Load an AOF whose last command is cut short (and truncate it).',
  'auto-aof-rewrite-percentage': 'Rewrite the AOF when it grew this much since the last rewrite (0: never).',
  'auto-aof-rewrite-min-size': 'But not before it is at least this big.',
  'notify-keyspace-events': 'Keyspace notification classes (K E g $ l s h z x e t m d n A); "" is off.',
  'slowlog-log-slower-than': 'Log commands slower than this many microseconds (-1: off, 0: all).',
  'slowlog-max-len': 'Entries kept in the slow log.',
  'latency-monitor-threshold': 'Record events slower than this many ms in LATENCY (0: off).',
  hz: 'Background task frequency (expiry, timeouts) per second.',
  'proto-max-bulk-len': 'Largest bulk string a client may send. VESTA: capped at 512 MB (a V8 string limit).',
  'client-query-buffer-limit': 'Largest unparsed input a client may hold.',
  'client-output-buffer-limit': 'Per class (normal, replica, pubsub): hard limit, soft limit, soft seconds; over it the client is closed.',
  'enable-debug-command': 'Allow DEBUG: no, yes or local (loopback only).',
  'enable-protected-configs': 'Allow CONFIG SET of protected directives (dir, dbfilename...): no, yes or local.',
  'lazyfree-lazy-user-del': 'DEL frees like UNLINK (in the background).',
  'lazyfree-lazy-user-flush': 'FLUSHALL/FLUSHDB free like their ASYNC forms.',
  'metrics-port': 'VESTA: serve Prometheus metrics over HTTP on this port (0: off).',
  'metrics-bind': 'VESTA: address of the metrics endpoint.',
  replicaof: 'Replicate from <host> <port>.',
  'shutdown-timeout': 'Seconds SHUTDOWN waits for replicas to catch up.',
};

function describe(entry: ConfigEntry): string {
  const note = NOTES[entry.name];
  const parts: string[] = [];
  if (note !== undefined) parts.push(note);
  else if (entry.kind === 'enum') parts.push(`One of: ${entry.values.join(', ')}. As in Redis 7.0.`);
  else if (entry.kind === 'int' || entry.kind === 'memory') parts.push(`${entry.min} to ${entry.max}${entry.kind === 'memory' ? ' bytes (units: k, kb, m, mb, g, gb)' : ''}. As in Redis 7.0.`);
  else parts.push('As in Redis 7.0.');
  if (entry.aliases !== undefined) parts.push(`Also read as: ${entry.aliases.join(', ')}.`);
  if (entry.mutable === false) parts.push('Start-up only (CONFIG SET refuses it).');
  if (entry.protected === true) parts.push('Protected: CONFIG SET needs enable-protected-configs.');
  return wrap(parts.join(' '));
}

/** Comment lines of at most 96 columns. */
function wrap(text: string): string {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > 96 && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** The directive at its default, as a line the config loader reads back; commented if none. */
function defaultLines(entry: ConfigEntry): string[] {
  const lines = rewriteLines(entry, entry.default);
  if (lines.length > 0) return lines;
  // The loader's form for "nothing set" (replicaof) or every class at its default.
  if (entry.name === 'client-output-buffer-limit') {
    return ['# client-output-buffer-limit normal 0 0 0', '# client-output-buffer-limit replica 256mb 64mb 60', '# client-output-buffer-limit pubsub 32mb 8mb 60'];
  }
  return [`# ${entry.name} <value>`];
}

/** The whole sample file. */
export function sampleConfig(): string {
  const out: string[] = [
    '# vesta.conf: every directive Vesta accepts, set to its default, grouped as redis.conf',
    '# groups them. Start with: vesta-server vesta.conf [--directive value ...]',
    '# Generated from src/config/schema.ts by src/config/sample.ts; do not edit by hand.',
    '# Lines marked VESTA: differ from Redis 7.0. Any directive not described acts as in Redis 7.0',
    '# or is accepted and reported by CONFIG GET for compatibility (docs/ARCHITECTURE.md).',
    '#',
    '# Units: 1k = 1000 bytes, 1kb = 1024 bytes, 1m/1mb, 1g/1gb likewise; case does not matter.',
  ];
  const placed = new Set<string>();
  for (const group of GROUPS) {
    const entries = CONFIG_TABLE.filter((e) => !placed.has(e.name) && group.matches(e.name));
    if (entries.length === 0) continue;
    out.push('', `################################ ${group.title} ################################`);
    for (const entry of entries) {
      placed.add(entry.name);
      out.push('', describe(entry), ...defaultLines(entry));
    }
  }
  out.push('', '################################ FILE-ONLY DIRECTIVES ################################', '');
  for (const d of FILE_ONLY_DIRECTIVES) {
    out.push(`# ${d.name} ...${d.deprecated === true ? '   (deprecated: accepted and ignored, as in Redis 7.0)' : ''}`);
  }
  return out.join('\n') + '\n';
}
