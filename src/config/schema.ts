// The declarative table of every directive redis-server 7.0 accepts, with kind, bounds, default,
// mutability and protection. Nothing here reads files or talks to clients: parse.ts turns text into
// directive arguments and config.ts keeps the live values. Redis equivalent: the static_configs[]
// table in config.c (learned by black-box testing redis-server 7.0.15, never copied).
//
// How the table was made: names, defaults and aliases come from `CONFIG GET *` of a live 7.0.15;
// kinds, bounds and error texts from sending CONFIG SET (or `--name value` at start-up for
// immutable ones) "xyz", -99999999999999 and 99999999999999 and reading the replies.
// Vesta's own defaults differ from Redis for: bind, dir, appendonly, save, daemonize/pidfile
// (Redis reports the values of the probing server there). Everything else is Redis 7.0's default.

/** Largest signed and unsigned 64-bit values, the bounds Redis uses for long long / size_t. */
export const I64_MAX = 9223372036854775807n;
export const U64_MAX = 18446744073709551615n;

interface EntryBase {
  /** Canonical name, as CONFIG REWRITE writes it. Lower case. */
  readonly name: string;
  /** Older names that read and write the same value (CONFIG GET lists them separately). */
  readonly aliases?: readonly string[];
  /** false: CONFIG SET replies "can't set immutable config". Default true. */
  readonly mutable?: boolean;
  /** true: CONFIG SET needs enable-protected-configs yes (or local from loopback). */
  readonly protected?: boolean;
  /** Whether Vesta acts on the value (set by the server owners); accepted-only when false. */
  readonly honoured?: boolean;
  /** Redis's HIDDEN_CONFIG (test-only knobs): CONFIG GET finds it by exact name, never by glob. */
  readonly hidden?: boolean;
}
export interface BoolEntry extends EntryBase {
  readonly kind: 'bool';
  readonly default: boolean;
}
export interface IntEntry extends EntryBase {
  readonly kind: 'int';
  readonly min: bigint;
  readonly max: bigint;
  readonly default: bigint;
}
/** Byte counts: "1gb", "64k" (k = 1000, kb = 1024, case-insensitive). `percent` also takes "10%". */
export interface MemoryEntry extends EntryBase {
  readonly kind: 'memory';
  readonly min: bigint;
  readonly max: bigint;
  /** Percent values are stored negated, as Redis does (-10n means "10%"). */
  readonly percent?: boolean;
  readonly default: bigint;
}
export interface EnumEntry extends EntryBase {
  readonly kind: 'enum';
  /** Allowed values, in the order Redis lists them in its error reply. */
  readonly values: readonly string[];
  readonly default: string;
  /**
   * A set of flags rather than one value (Redis's MULTI_ARG enum, shutdown-on-sigint): several
   * words, kept in `values` order, with values[0] meaning "none".
   */
  readonly flags?: true;
}
export interface StringEntry extends EntryBase {
  readonly kind: 'string';
  readonly default: string;
}
/** A file mode written in octal (unixsocketperm). */
export interface OctalEntry extends EntryBase {
  readonly kind: 'octal';
  readonly default: bigint;
}
/** Directives with their own grammar; see special.ts. The value is the CONFIG GET text. */
export interface SpecialEntry extends EntryBase {
  readonly kind: 'special';
  readonly default: string;
}
export type ConfigEntry =
  | BoolEntry
  | IntEntry
  | MemoryEntry
  | EnumEntry
  | StringEntry
  | OctalEntry
  | SpecialEntry;
export type ConfigKind = ConfigEntry['kind'];
/** A stored value: boolean for bool, bigint for int/memory/octal, string for the rest. */
export type ConfigValue = boolean | bigint | string;

/** A directive that takes several arguments (Redis's MULTI_ARG_CONFIG). */
export function isMultiArg(entry: ConfigEntry): boolean {
  return entry.kind === 'enum' ? entry.flags === true : entry.kind === 'special' && MULTI_ARG_SPECIALS.has(entry.name);
}

/** Special directives whose CONFIG SET value is split on spaces into several arguments. */
export const MULTI_ARG_SPECIALS: ReadonlySet<string> = new Set([
  'save',
  'bind',
  'client-output-buffer-limit',
  'oom-score-adj-values',
  'latency-tracking-info-percentiles',
  'replicaof',
]);

/**
 * Every directive of redis-server 7.0.15, sorted by name. CONFIG GET lists them in this order
 * (Redis's own order is its dict's, which is seeded randomly per process, so no order is "right").
 */
export const CONFIG_TABLE: readonly ConfigEntry[] = [
  { name: 'acl-pubsub-default', kind: 'enum', values: ['allchannels', 'resetchannels'], default: 'resetchannels' },
  { name: 'aclfile', kind: 'string', default: '', mutable: false },
  { name: 'acllog-max-len', kind: 'int', min: 0n, max: 9223372036854775807n, default: 128n },
  { name: 'active-defrag-cycle-max', kind: 'int', min: 1n, max: 99n, default: 25n },
  { name: 'active-defrag-cycle-min', kind: 'int', min: 1n, max: 99n, default: 1n },
  { name: 'active-defrag-ignore-bytes', kind: 'memory', min: 1n, max: I64_MAX, default: 104857600n },
  { name: 'active-defrag-max-scan-fields', kind: 'int', min: 1n, max: 9223372036854775807n, default: 1000n },
  { name: 'active-defrag-threshold-lower', kind: 'int', min: 0n, max: 1000n, default: 10n },
  { name: 'active-defrag-threshold-upper', kind: 'int', min: 0n, max: 1000n, default: 100n },
  { name: 'active-expire-effort', kind: 'int', min: 1n, max: 10n, default: 1n },
  { name: 'activedefrag', kind: 'bool', default: false },
  { name: 'activerehashing', kind: 'bool', default: true },
  { name: 'always-show-logo', kind: 'bool', default: false, mutable: false },
  { name: 'aof-disable-auto-gc', kind: 'bool', default: false },
  { name: 'aof-load-truncated', kind: 'bool', default: true },
  { name: 'aof-rewrite-incremental-fsync', kind: 'bool', default: true },
  { name: 'aof-timestamp-enabled', kind: 'bool', default: false },
  { name: 'aof-use-rdb-preamble', kind: 'bool', default: true },
  { name: 'aof_rewrite_cpulist', kind: 'string', default: '', mutable: false },
  { name: 'appenddirname', kind: 'string', default: 'appendonlydir', mutable: false },
  { name: 'appendfilename', kind: 'string', default: 'appendonly.aof', mutable: false },
  { name: 'appendfsync', kind: 'enum', values: ['everysec', 'always', 'no'], default: 'everysec' },
  { name: 'appendonly', kind: 'bool', default: true },
  { name: 'auto-aof-rewrite-min-size', kind: 'memory', min: 0n, max: I64_MAX, default: 67108864n },
  { name: 'auto-aof-rewrite-percentage', kind: 'int', min: 0n, max: 2147483647n, default: 100n },
  { name: 'bgsave_cpulist', kind: 'string', default: '', mutable: false },
  { name: 'bind', kind: 'special', default: '127.0.0.1 -::1' },
  { name: 'bind-source-addr', kind: 'string', default: '' },
  { name: 'bio_cpulist', kind: 'string', default: '', mutable: false },
  { name: 'busy-reply-threshold', aliases: ['lua-time-limit'], kind: 'int', min: 0n, max: 9223372036854775807n, default: 5000n },
  { name: 'client-output-buffer-limit', kind: 'special', default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60' },
  { name: 'client-query-buffer-limit', kind: 'memory', min: 1048576n, max: I64_MAX, default: 1073741824n },
  { name: 'cluster-allow-pubsubshard-when-down', kind: 'bool', default: true },
  { name: 'cluster-allow-reads-when-down', kind: 'bool', default: false },
  { name: 'cluster-allow-replica-migration', kind: 'bool', default: true },
  { name: 'cluster-announce-bus-port', kind: 'int', min: 0n, max: 65535n, default: 0n },
  { name: 'cluster-announce-hostname', kind: 'string', default: '' },
  { name: 'cluster-announce-ip', kind: 'string', default: '' },
  { name: 'cluster-announce-port', kind: 'int', min: 0n, max: 65535n, default: 0n },
  { name: 'cluster-announce-tls-port', kind: 'int', min: 0n, max: 65535n, default: 0n },
  { name: 'cluster-config-file', kind: 'string', default: 'nodes.conf', mutable: false },
  { name: 'cluster-enabled', kind: 'bool', default: false, mutable: false },
  { name: 'cluster-link-sendbuf-limit', kind: 'memory', min: 0n, max: U64_MAX, default: 0n },
  { name: 'cluster-migration-barrier', kind: 'int', min: 0n, max: 2147483647n, default: 1n },
  { name: 'cluster-node-timeout', kind: 'int', min: 0n, max: 9223372036854775807n, default: 15000n },
  { name: 'cluster-port', kind: 'int', min: 0n, max: 65535n, default: 0n, mutable: false },
  { name: 'cluster-preferred-endpoint-type', kind: 'enum', values: ['ip', 'hostname', 'unknown-endpoint'], default: 'ip' },
  { name: 'cluster-replica-no-failover', aliases: ['cluster-slave-no-failover'], kind: 'bool', default: false },
  { name: 'cluster-replica-validity-factor', aliases: ['cluster-slave-validity-factor'], kind: 'int', min: 0n, max: 2147483647n, default: 10n },
  { name: 'cluster-require-full-coverage', kind: 'bool', default: true },
  { name: 'crash-log-enabled', kind: 'bool', default: true },
  { name: 'crash-memcheck-enabled', kind: 'bool', default: true },
  { name: 'daemonize', kind: 'bool', default: false, mutable: false },
  { name: 'databases', kind: 'int', min: 1n, max: 2147483647n, default: 16n, mutable: false },
  { name: 'dbfilename', kind: 'string', default: 'dump.rdb', protected: true, honoured: true },
  { name: 'dir', kind: 'string', default: './data', protected: true, honoured: true },
  { name: 'disable-thp', kind: 'bool', default: true, mutable: false },
  { name: 'dynamic-hz', kind: 'bool', default: true },
  { name: 'enable-debug-command', kind: 'enum', values: ['no', 'yes', 'local'], default: 'no', mutable: false },
  { name: 'enable-module-command', kind: 'enum', values: ['no', 'yes', 'local'], default: 'no', mutable: false },
  { name: 'enable-protected-configs', kind: 'enum', values: ['no', 'yes', 'local'], default: 'no', mutable: false },
  { name: 'hash-max-listpack-entries', aliases: ['hash-max-ziplist-entries'], kind: 'int', min: 0n, max: 9223372036854775807n, default: 512n },
  { name: 'hash-max-listpack-value', aliases: ['hash-max-ziplist-value'], kind: 'memory', min: 0n, max: I64_MAX, default: 64n },
  { name: 'hll-sparse-max-bytes', kind: 'memory', min: 0n, max: I64_MAX, default: 3000n },
  { name: 'hz', kind: 'int', min: 0n, max: 2147483647n, default: 10n },
  { name: 'ignore-warnings', kind: 'string', default: '' },
  { name: 'io-threads', kind: 'int', min: 1n, max: 128n, default: 1n, mutable: false },
  { name: 'io-threads-do-reads', kind: 'bool', default: false, mutable: false },
  { name: 'jemalloc-bg-thread', kind: 'bool', default: true },
  { name: 'key-load-delay', kind: 'int', min: -2147483648n, max: 2147483647n, default: 0n, hidden: true, honoured: true },
  { name: 'latency-monitor-threshold', kind: 'int', min: 0n, max: 9223372036854775807n, default: 0n },
  { name: 'latency-tracking', kind: 'bool', default: true },
  { name: 'latency-tracking-info-percentiles', kind: 'special', default: '50 99 99.9' },
  { name: 'lazyfree-lazy-eviction', kind: 'bool', default: false },
  { name: 'lazyfree-lazy-expire', kind: 'bool', default: false },
  { name: 'lazyfree-lazy-server-del', kind: 'bool', default: false },
  { name: 'lazyfree-lazy-user-del', kind: 'bool', default: false },
  { name: 'lazyfree-lazy-user-flush', kind: 'bool', default: false },
  { name: 'lfu-decay-time', kind: 'int', min: 0n, max: 2147483647n, default: 1n },
  { name: 'lfu-log-factor', kind: 'int', min: 0n, max: 2147483647n, default: 10n },
  { name: 'list-compress-depth', kind: 'int', min: 0n, max: 2147483647n, default: 0n },
  { name: 'list-max-listpack-size', aliases: ['list-max-ziplist-size'], kind: 'int', min: -2147483648n, max: 2147483647n, default: -2n },
  { name: 'loading-process-events-interval-bytes', kind: 'int', min: 1024n, max: 2147483647n, default: 2097152n, hidden: true },
  { name: 'logfile', kind: 'string', default: '', mutable: false },
  { name: 'loglevel', kind: 'enum', values: ['debug', 'verbose', 'notice', 'warning'], default: 'notice' },
  { name: 'masterauth', kind: 'string', default: '' },
  { name: 'masteruser', kind: 'string', default: '' },
  { name: 'maxclients', kind: 'int', min: 1n, max: 4294967295n, default: 10000n },
  { name: 'maxmemory', kind: 'memory', min: 0n, max: U64_MAX, default: 0n },
  { name: 'maxmemory-clients', kind: 'memory', min: 0n, max: U64_MAX, percent: true, default: 0n },
  { name: 'maxmemory-eviction-tenacity', kind: 'int', min: 0n, max: 100n, default: 10n },
  { name: 'maxmemory-policy', kind: 'enum', values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'], default: 'noeviction' },
  { name: 'maxmemory-samples', kind: 'int', min: 1n, max: 2147483647n, default: 5n },
  // Vesta's own: the optional Prometheus endpoint (observe/metrics.ts). 0 = off; loopback by
  // default. Hidden, like Redis's test-only knobs, so CONFIG GET * still lists what Redis lists.
  { name: 'metrics-bind', kind: 'string', default: '127.0.0.1', mutable: false, hidden: true, honoured: true },
  { name: 'metrics-port', kind: 'int', min: 0n, max: 65535n, default: 0n, mutable: false, hidden: true, honoured: true },
  { name: 'min-replicas-max-lag', aliases: ['min-slaves-max-lag'], kind: 'int', min: 0n, max: 2147483647n, default: 10n },
  { name: 'min-replicas-to-write', aliases: ['min-slaves-to-write'], kind: 'int', min: 0n, max: 2147483647n, default: 0n },
  { name: 'no-appendfsync-on-rewrite', kind: 'bool', default: false },
  { name: 'notify-keyspace-events', kind: 'special', default: '' },
  { name: 'oom-score-adj', kind: 'enum', values: ['no', 'yes', 'relative', 'absolute'], default: 'no' },
  { name: 'oom-score-adj-values', kind: 'special', default: '0 200 800' },
  { name: 'pidfile', kind: 'string', default: '', mutable: false },
  { name: 'port', kind: 'int', min: 0n, max: 65535n, default: 6379n },
  { name: 'proc-title-template', kind: 'string', default: '{title} {listen-addr} {server-mode}' },
  { name: 'propagation-error-behavior', kind: 'enum', values: ['ignore', 'panic', 'panic-on-replicas'], default: 'ignore' },
  { name: 'protected-mode', kind: 'bool', default: true },
  { name: 'proto-max-bulk-len', kind: 'memory', min: 1048576n, max: I64_MAX, default: 536870912n },
  { name: 'rdb-del-sync-files', kind: 'bool', default: false, honoured: true },
  { name: 'rdb-key-save-delay', kind: 'int', min: -2147483648n, max: 2147483647n, default: 0n, hidden: true, honoured: true },
  { name: 'rdb-save-incremental-fsync', kind: 'bool', default: true, honoured: true },
  { name: 'rdbchecksum', kind: 'bool', default: true, mutable: false, honoured: true },
  { name: 'rdbcompression', kind: 'bool', default: true, honoured: true },
  { name: 'repl-backlog-size', kind: 'memory', min: 1n, max: I64_MAX, default: 1048576n },
  { name: 'repl-backlog-ttl', kind: 'int', min: 0n, max: 9223372036854775807n, default: 3600n },
  { name: 'repl-disable-tcp-nodelay', kind: 'bool', default: false },
  { name: 'repl-diskless-load', kind: 'enum', values: ['disabled', 'on-empty-db', 'swapdb'], default: 'disabled' },
  { name: 'repl-diskless-sync', kind: 'bool', default: true },
  { name: 'repl-diskless-sync-delay', kind: 'int', min: 0n, max: 2147483647n, default: 5n },
  { name: 'repl-diskless-sync-max-replicas', kind: 'int', min: 0n, max: 2147483647n, default: 0n },
  { name: 'repl-ping-replica-period', aliases: ['repl-ping-slave-period'], kind: 'int', min: 1n, max: 2147483647n, default: 10n },
  { name: 'repl-timeout', kind: 'int', min: 1n, max: 2147483647n, default: 60n },
  { name: 'replica-announce-ip', aliases: ['slave-announce-ip'], kind: 'string', default: '' },
  { name: 'replica-announce-port', aliases: ['slave-announce-port'], kind: 'int', min: 0n, max: 65535n, default: 0n },
  { name: 'replica-announced', kind: 'bool', default: true },
  { name: 'replica-ignore-disk-write-errors', kind: 'bool', default: false },
  { name: 'replica-ignore-maxmemory', aliases: ['slave-ignore-maxmemory'], kind: 'bool', default: true },
  { name: 'replica-lazy-flush', aliases: ['slave-lazy-flush'], kind: 'bool', default: false },
  { name: 'replica-priority', aliases: ['slave-priority'], kind: 'int', min: 0n, max: 2147483647n, default: 100n },
  { name: 'replica-read-only', aliases: ['slave-read-only'], kind: 'bool', default: true },
  { name: 'replica-serve-stale-data', aliases: ['slave-serve-stale-data'], kind: 'bool', default: true },
  { name: 'replicaof', aliases: ['slaveof'], kind: 'special', default: '', mutable: false },
  { name: 'requirepass', kind: 'string', default: '' },
  { name: 'sanitize-dump-payload', kind: 'enum', values: ['no', 'yes', 'clients'], default: 'no' },
  { name: 'save', kind: 'special', default: '3600 1 300 100 60 10000', honoured: true },
  { name: 'server_cpulist', kind: 'string', default: '', mutable: false },
  { name: 'set-max-intset-entries', kind: 'int', min: 0n, max: 9223372036854775807n, default: 512n },
  { name: 'set-proc-title', kind: 'bool', default: true, mutable: false },
  { name: 'shutdown-on-sigint', kind: 'enum', values: ['default', 'save', 'nosave', 'now', 'force'], default: 'default', flags: true },
  { name: 'shutdown-on-sigterm', kind: 'enum', values: ['default', 'save', 'nosave', 'now', 'force'], default: 'default', flags: true },
  { name: 'shutdown-timeout', kind: 'int', min: 0n, max: 2147483647n, default: 10n },
  { name: 'slowlog-log-slower-than', kind: 'int', min: -1n, max: 9223372036854775807n, default: 10000n },
  { name: 'slowlog-max-len', kind: 'int', min: 0n, max: 9223372036854775807n, default: 128n },
  { name: 'socket-mark-id', kind: 'int', min: 0n, max: 4294967295n, default: 0n, mutable: false },
  { name: 'stop-writes-on-bgsave-error', kind: 'bool', default: true, honoured: true },
  { name: 'stream-node-max-bytes', kind: 'memory', min: 0n, max: I64_MAX, default: 4096n },
  { name: 'stream-node-max-entries', kind: 'int', min: 0n, max: 9223372036854775807n, default: 100n },
  { name: 'supervised', kind: 'enum', values: ['upstart', 'systemd', 'auto', 'no'], default: 'no', mutable: false },
  { name: 'syslog-enabled', kind: 'bool', default: false, mutable: false },
  { name: 'syslog-facility', kind: 'enum', values: ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], default: 'local0', mutable: false },
  { name: 'syslog-ident', kind: 'string', default: 'redis', mutable: false },
  { name: 'tcp-backlog', kind: 'int', min: 0n, max: 2147483647n, default: 511n, mutable: false },
  { name: 'tcp-keepalive', kind: 'int', min: 0n, max: 2147483647n, default: 300n },
  { name: 'timeout', kind: 'int', min: 0n, max: 2147483647n, default: 0n },
  { name: 'tls-auth-clients', kind: 'enum', values: ['no', 'yes', 'optional'], default: 'yes' },
  { name: 'tls-ca-cert-dir', kind: 'string', default: '' },
  { name: 'tls-ca-cert-file', kind: 'string', default: '' },
  { name: 'tls-cert-file', kind: 'string', default: '' },
  { name: 'tls-ciphers', kind: 'string', default: '' },
  { name: 'tls-ciphersuites', kind: 'string', default: '' },
  { name: 'tls-client-cert-file', kind: 'string', default: '' },
  { name: 'tls-client-key-file', kind: 'string', default: '' },
  { name: 'tls-client-key-file-pass', kind: 'string', default: '' },
  { name: 'tls-cluster', kind: 'bool', default: false },
  { name: 'tls-dh-params-file', kind: 'string', default: '' },
  { name: 'tls-key-file', kind: 'string', default: '' },
  { name: 'tls-key-file-pass', kind: 'string', default: '' },
  { name: 'tls-port', kind: 'int', min: 0n, max: 65535n, default: 0n },
  { name: 'tls-prefer-server-ciphers', kind: 'bool', default: false },
  { name: 'tls-protocols', kind: 'string', default: '' },
  { name: 'tls-replication', kind: 'bool', default: false },
  { name: 'tls-session-cache-size', kind: 'int', min: 0n, max: 2147483647n, default: 20480n },
  { name: 'tls-session-cache-timeout', kind: 'int', min: 0n, max: 2147483647n, default: 300n },
  { name: 'tls-session-caching', kind: 'bool', default: true },
  { name: 'tracking-table-max-keys', kind: 'int', min: 0n, max: 9223372036854775807n, default: 1000000n },
  { name: 'unixsocket', kind: 'string', default: '', mutable: false },
  { name: 'unixsocketperm', kind: 'octal', default: 0n, mutable: false },
  // Vesta's own: under appendfsync always an fsync up to this long (µs) runs inline on the main
  // thread (as Redis does); a slower one moves fsyncs to the libuv pool for a second. 0: pool only.
  { name: 'vesta-aof-inline-fsync-max-us', kind: 'int', min: 0n, max: 1_000_000n, default: 1000n, hidden: true, honoured: true },
  // Vesta's own: accepted sockets read into one shared buffer (server/read-buffer.ts) instead
  // of a Buffer per read; `no` uses Node's 'data' events. Applies to new connections.
  { name: 'vesta-shared-read-buffer', kind: 'bool', default: true, hidden: true, honoured: true },
  // Vesta's own: the longest one slice of a background snapshot (BGSAVE, AOF rewrite) may run
  // before yielding to clients. Lower means lower client latency during saves, longer saves.
  { name: 'vesta-snapshot-slice-ms', kind: 'int', min: 0n, max: 1000n, default: 1n, hidden: true, honoured: true },
  // Vesta's own: the share of the event loop (percent) a background snapshot may take while
  // clients are active; idle, it runs at full speed. 15 keeps client throughput near 0.75-0.8x
  // of idle on 2 cores while a save of 300k keys under load takes about 1.3x as long as Redis's
  // (bench); 20 gave 0.7x and 1.1x, 12 gave 0.77x and 2.4x.
  { name: 'vesta-snapshot-cpu-percent', kind: 'int', min: 1n, max: 100n, default: 15n, hidden: true, honoured: true },
  { name: 'zset-max-listpack-entries', aliases: ['zset-max-ziplist-entries'], kind: 'int', min: 0n, max: 9223372036854775807n, default: 128n },
  { name: 'zset-max-listpack-value', aliases: ['zset-max-ziplist-value'], kind: 'memory', min: 0n, max: I64_MAX, default: 64n },
];

/**
 * Directives a config file may hold that are not CONFIG GET/SET values. `argsMin`/`argsMax`
 * count the arguments after the name; outside them Redis says "Bad directive or wrong number of
 * arguments". Deprecated ones are accepted and ignored, as 7.0 does.
 */
export interface FileOnlyDirective {
  readonly name: string;
  readonly argsMin: number;
  readonly argsMax: number;
  readonly deprecated?: boolean;
}
export const FILE_ONLY_DIRECTIVES: readonly FileOnlyDirective[] = [
  { name: 'include', argsMin: 1, argsMax: 1 },
  { name: 'rename-command', argsMin: 2, argsMax: 2 },
  { name: 'user', argsMin: 1, argsMax: Number.MAX_SAFE_INTEGER },
  { name: 'loadmodule', argsMin: 1, argsMax: Number.MAX_SAFE_INTEGER },
  { name: 'sentinel', argsMin: 1, argsMax: Number.MAX_SAFE_INTEGER },
  { name: 'list-max-ziplist-entries', argsMin: 0, argsMax: Number.MAX_SAFE_INTEGER, deprecated: true },
  { name: 'list-max-ziplist-value', argsMin: 0, argsMax: Number.MAX_SAFE_INTEGER, deprecated: true },
  { name: 'lua-replicate-commands', argsMin: 0, argsMax: Number.MAX_SAFE_INTEGER, deprecated: true },
];

const byName = new Map<string, ConfigEntry>();
for (const entry of CONFIG_TABLE) {
  for (const name of [entry.name, ...(entry.aliases ?? [])]) {
    if (byName.has(name)) throw new Error(`config table: duplicate name ${name}`);
    byName.set(name, entry);
  }
}

/** The entry for a name or alias, matched case-insensitively as Redis does; undefined if none. */
export function lookupConfig(name: string): ConfigEntry | undefined {
  // Internal callers pass lowercase literals on hot paths (every write checks MISCONF): try the
  // name as given before lowercasing it. Every key is lowercase, so the result is the same.
  return byName.get(name) ?? byName.get(name.toLowerCase());
}

/** Every name CONFIG GET can list: each entry's canonical name followed by its aliases. */
export function allConfigNames(): { name: string; entry: ConfigEntry }[] {
  const names: { name: string; entry: ConfigEntry }[] = [];
  for (const entry of CONFIG_TABLE) {
    if (entry.hidden === true) continue;
    names.push({ name: entry.name, entry });
    for (const alias of entry.aliases ?? []) names.push({ name: alias, entry });
  }
  return names;
}

export function lookupFileOnly(name: string): FileOnlyDirective | undefined {
  const lower = name.toLowerCase();
  return FILE_ONLY_DIRECTIVES.find((d) => d.name === lower);
}
