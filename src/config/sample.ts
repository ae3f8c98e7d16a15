// The commented sample config (vesta.conf at the repository root, shipped in the package),
// generated from the schema so it cannot drift: every directive, grouped as redis.conf groups
// them, set to its default, with a line or two on what it does and where Vesta differs from
// Redis (the texts are in sample-notes.ts). test/tools/sample-conf.test.ts regenerates it and
// fails on a difference (`npm run -s conf` rewrites it).
// Redis equivalent: the redis.conf shipped with Redis (none of its text is used here).

import { CONFIG_TABLE, FILE_ONLY_DIRECTIVES, type ConfigEntry } from './schema.js';
import { rewriteLines } from './rewrite.js';
import { NOTES } from './sample-notes.js';

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
  { title: 'LONG BLOCKING COMMANDS', matches: (n) => n === 'busy-reply-threshold' },
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

/** The text of a directive's comment: what it does (sample-notes.ts) and how it may change. */
function describe(entry: ConfigEntry): string {
  const note = NOTES[entry.name];
  if (note === undefined || note === '') {
    throw new Error(`src/config/sample-notes.ts has no description of ${entry.name}`);
  }
  const parts: string[] = [note];
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
    '# Each directive line holds its default. "VESTA:" marks a default or meaning that differs from',
    '# Redis 7.0; "accepted, no effect" marks a directive Vesta reads (and CONFIG GET reports) so an',
    '# existing redis.conf loads, but does not act on. Everything else acts as in Redis 7.0.',
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
