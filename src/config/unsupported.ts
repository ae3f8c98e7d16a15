// Directive values Vesta cannot honour. Each listed directive accepts only the value that means
// what Vesta does (for all of them that is Redis 7.0's default, so a stock redis.conf loads);
// any other value is refused at start-up and by CONFIG SET with a reason naming the directive,
// instead of being stored and silently ignored. Redis equivalent: none (redis-server supports
// all of these); the refusal reuses Redis's own bad-value error shapes (parse.ts, config.ts).

import type { ConfigEntry, ConfigValue } from './schema.js';
import { formatValue } from './value.js';
import { procTitleTemplateReason } from './proc-title.js';

interface Supported {
  /** The one value Vesta accepts, as CONFIG GET prints it. */
  readonly value: string;
  /** Why no other value can work, completing "Vesta does not support <name> <value>: ...". */
  readonly why: string;
}

const NO_TLS = 'Vesta has no TLS (put a TLS proxy in front)';
const NO_CLUSTER = 'Vesta has no cluster mode';

/** Directive name (canonical) to the only value Vesta accepts for it. */
export const SUPPORTED_ONLY: ReadonlyMap<string, Supported> = new Map<string, Supported>([
  ['tls-port', { value: '0', why: NO_TLS }],
  ['tls-replication', { value: 'no', why: NO_TLS }],
  ['tls-cluster', { value: 'no', why: NO_TLS }],
  ['cluster-enabled', { value: 'no', why: NO_CLUSTER }],
  ['daemonize', { value: 'no', why: 'Vesta stays in the foreground (run it under a service manager)' }],
  ['supervised', { value: 'no', why: 'Vesta sends no readiness notification to upstart or systemd' }],
  ['syslog-enabled', { value: 'no', why: 'Vesta logs to standard output or logfile only' }],
  ['activedefrag', { value: 'no', why: 'Vesta has no active defragmentation (the garbage collector compacts memory)' }],
  ['io-threads', { value: '1', why: 'one event loop does all client I/O' }],
  ['bind-source-addr', { value: '', why: 'the replica link always lets the system pick its local address' }],
  ['socket-mark-id', { value: '0', why: 'Node cannot set SO_MARK on sockets' }],
  ['server_cpulist', { value: '', why: 'Vesta sets no CPU affinity' }],
  ['bio_cpulist', { value: '', why: 'Vesta sets no CPU affinity' }],
  ['aof_rewrite_cpulist', { value: '', why: 'Vesta sets no CPU affinity' }],
  ['bgsave_cpulist', { value: '', why: 'Vesta sets no CPU affinity' }],
  ['oom-score-adj', { value: 'no', why: 'Vesta does not adjust its OOM-killer score' }],
  ['enable-module-command', { value: 'no', why: 'Vesta cannot load modules' }],
  ['maxmemory-clients', { value: '0', why: 'Vesta has no client eviction (client-output-buffer-limit still applies)' }],
  ['replica-ignore-disk-write-errors', { value: 'no', why: 'Vesta has no mode that lets a replica go on past a failed disk write' }],
  ['propagation-error-behavior', { value: 'ignore', why: 'a failing replicated or AOF command is always logged and skipped' }],
  ['unixsocket', { value: '', why: 'Vesta listens on TCP only' }],
]);

/** null when Vesta honours `value` for `name`, else the reason text for the error. */
export function unsupportedReason(entry: ConfigEntry, value: ConfigValue): string | null {
  const name = entry.name;
  if (name === 'proc-title-template') return procTitleTemplateReason(String(value));
  const supported = SUPPORTED_ONLY.get(name);
  if (supported === undefined) return null;
  const text = formatValue(entry, value);
  if (text === supported.value) return null;
  const only = supported.value === '' ? 'only ""' : `only ${supported.value}`;
  return `Vesta does not support ${name} ${text === '' ? '""' : text}: ${supported.why} (${only} is accepted)`;
}
