// What each directive does, in a line or two, for the generated sample config (sample.ts):
// one entry per directive of the schema, written for Vesta (none of redis.conf's text is used).
// "VESTA:" marks where Vesta's default or meaning differs from Redis 7.0's. A value Vesta cannot
// honour is refused (src/config/unsupported.ts), never accepted and ignored; a note says why any
// value that is accepted changes nothing observable. test/tools/sample-conf.test.ts checks that
// every directive has one; test/server/directives.test.ts that none says "accepted, no effect".
// Redis equivalent: the comments of redis.conf (learned from its behaviour, not copied).

/** No-effect reasons shared by families of directives. */
const NO_TLS = 'VESTA: no TLS: tls-port takes only 0, tls-replication/tls-cluster only no; as in Redis with TLS off, others are never read.';
const NO_CLUSTER = 'VESTA: no cluster mode: cluster-enabled takes only no; as in Redis outside cluster mode, other cluster-* are then never read.';
const NO_DEFRAG = 'VESTA: activedefrag takes only no (the garbage collector compacts memory); as in Redis with it off, active-defrag-* are never read.';
const NO_AFFINITY = 'VESTA: Vesta sets no CPU affinity: only "" (no affinity, Redis\'s default) is accepted, a CPU list is refused.';
const LAZY_FREES = 'Only values of free effort > 64 (list nodes, hashtable/skiplist elements, stream nodes) go; INFO lazyfreed_objects counts them.';
const NO_SYSLOG = 'VESTA: syslog-enabled takes only no (logs go to stdout or logfile); as in Redis with syslog off, syslog-ident/facility are never read.';

export const NOTES: Readonly<Record<string, string>> = {
  // NETWORK
  bind: 'Addresses to listen on ("-" before one: skip it if unavailable). VESTA: loopback only by default (Redis: every address, "* -::*").',
  'bind-source-addr': 'Local address a replica connects to its master from. VESTA: only "" (the system picks it) is accepted; an address is refused.',
  port: 'TCP port to listen on (0: no TCP listener; an embedded server picks a free one).',
  'protected-mode': 'While the default user has no password, refuse clients that are not on loopback. On, as in Redis; VESTA: with the loopback bind a fresh server is reachable only from this machine.',
  'socket-mark-id': 'Mark (SO_MARK) set on listening sockets for routing rules. VESTA: only 0 (no mark) is accepted: Node cannot set SO_MARK.',
  'tcp-backlog': 'Length of the queue of connections not yet accepted (listen backlog).',
  'tcp-keepalive': 'Seconds between TCP keepalive probes on idle clients (0: none). Set on every accepted client socket, as Redis.',
  timeout: 'Close a client that has been idle this many seconds (0: never).',
  unixsocket: 'Path of a Unix socket to listen on. VESTA: only "" is accepted (Vesta listens on TCP only); a path is refused.',
  unixsocketperm: 'File mode (octal) of that Unix socket. VESTA: unixsocket accepts only "", and like Redis without unixsocket this is then never read.',

  // TLS/SSL
  'tls-auth-clients': `Whether TLS clients must present a certificate (no, yes, optional). ${NO_TLS}`,
  'tls-ca-cert-dir': `Directory of CA certificates used to verify peers. ${NO_TLS}`,
  'tls-ca-cert-file': `File of CA certificates used to verify peers. ${NO_TLS}`,
  'tls-cert-file': `The server's certificate. ${NO_TLS}`,
  'tls-ciphers': `TLS 1.2 cipher list. ${NO_TLS}`,
  'tls-ciphersuites': `TLS 1.3 cipher suites. ${NO_TLS}`,
  'tls-client-cert-file': `Certificate used when this server connects out (replication). ${NO_TLS}`,
  'tls-client-key-file': `Private key for tls-client-cert-file. ${NO_TLS}`,
  'tls-client-key-file-pass': `Passphrase of tls-client-key-file. ${NO_TLS}`,
  'tls-cluster': `Use TLS on the cluster bus. ${NO_TLS}`,
  'tls-dh-params-file': `Diffie-Hellman parameters file. ${NO_TLS}`,
  'tls-key-file': `Private key of tls-cert-file. ${NO_TLS}`,
  'tls-key-file-pass': `Passphrase of tls-key-file. ${NO_TLS}`,
  'tls-port': `Port for TLS clients (0: none). ${NO_TLS}`,
  'tls-prefer-server-ciphers': `Prefer the server's cipher order over the client's. ${NO_TLS}`,
  'tls-protocols': `TLS versions allowed ("TLSv1.2 TLSv1.3"). ${NO_TLS}`,
  'tls-replication': `Use TLS for the link to a master. ${NO_TLS}`,
  'tls-session-cache-size': `Number of TLS sessions kept for resumption. ${NO_TLS}`,
  'tls-session-cache-timeout': `Seconds a cached TLS session stays valid. ${NO_TLS}`,
  'tls-session-caching': `Allow TLS session resumption. ${NO_TLS}`,

  // GENERAL
  daemonize: 'Detach into the background at start. VESTA: only no is accepted (yes is refused): Vesta stays in the foreground (run it under a service manager).',
  supervised: 'How to signal readiness to upstart/systemd. VESTA: only no is accepted; Vesta sends no readiness notification.',
  pidfile: 'File to write the process id into. Written with the pid once listening and removed at a clean shutdown, as Redis (the data directory also holds vesta.lock).',
  loglevel: 'How much to log: debug, verbose, notice or warning.',
  logfile: 'File to append log lines to ("": standard output).',
  'syslog-enabled': `Send log lines to syslog as well. ${NO_SYSLOG}`,
  'syslog-ident': `Program name used for syslog. ${NO_SYSLOG}`,
  'syslog-facility': `Syslog facility (user, local0 to local7). ${NO_SYSLOG}`,
  'crash-log-enabled': 'Write a crash report (stack, INFO, clients) to the log on a fatal error. VESTA: accepted; the report is always written.',
  'crash-memcheck-enabled': 'Run a memory test after a crash. VESTA: NOT HONOURED, accepted either way because yes is Redis\'s default: Vesta\'s crash report never runs a memory test (V8 owns the heap).',
  databases: 'Number of logical databases (SELECT 0 to databases-1).',
  'always-show-logo': 'Print the start-up logo even when the log is not a terminal.',
  'set-proc-title': 'Change the process title shown by ps (no: it stays "node ..."), from proc-title-template.',
  'proc-title-template': 'Template of that process title: {title} (vesta-server), {listen-addr}, {port}, {config-file}, {server-mode}, {tls-port}, {unixsocket}; an unknown variable is refused.',
  'ignore-warnings': 'Start-up warnings to silence (such as ARM64-COW-BUG). Vesta prints none of those warnings, so any value behaves as Redis on a machine without them.',
  'enable-debug-command': 'Allow the DEBUG command: no, yes, or local (loopback clients only).',
  'enable-module-command': 'Allow the MODULE command. VESTA: only no is accepted: modules cannot be loaded.',
  'enable-protected-configs': 'Allow CONFIG SET of protected directives (dir, dbfilename): no, yes or local.',

  // SNAPSHOTTING
  save: 'RDB save points: "<seconds> <changes>" pairs, a background save when either is reached; save "" turns them off.',
  'stop-writes-on-bgsave-error': 'After a failed background save, refuse writes (MISCONF) until a save succeeds.',
  'rdb-del-sync-files': 'Delete RDB files written only to feed a replica when persistence is off.',
  'rdb-save-incremental-fsync': 'fsync the dump in steps while writing it, instead of all at once at the end.',
  rdbchecksum: 'Write a CRC64 at the end of each RDB file, and check it when loading.',
  rdbcompression: 'Compress long strings in RDB files with LZF.',
  dbfilename: 'Name of the RDB file, a plain name inside dir.',
  dir: 'Data directory: the RDB file, vesta.lock and (by default) the AOF directory. VESTA: defaults to ./data, created 0700 (Redis: the current directory).',
  'sanitize-dump-payload': 'Deep-check RESTORE and replication payloads: no, yes, or clients only. VESTA: accepted; payloads are always decoded completely before use.',

  // REPLICATION
  replicaof: 'Start as a replica of <host> <port>. Not set by default (a master).',
  masterauth: 'Password this replica uses to authenticate to its master.',
  masteruser: 'ACL user name this replica uses with masterauth.',
  'replica-serve-stale-data': 'While the link to the master is down or syncing, keep answering reads with the old data.',
  'replica-read-only': 'Refuse writes from clients on a replica.',
  'repl-diskless-sync': 'A master streams the RDB to replicas over the socket instead of writing a file first.',
  'repl-diskless-sync-delay': 'Seconds a master waits for more replicas before a diskless transfer starts.',
  'repl-diskless-sync-max-replicas': 'Start a diskless transfer as soon as this many replicas wait (0: only the delay counts).',
  'repl-diskless-load': 'How a replica loads the master\'s RDB: disabled (via a file), on-empty-db or swapdb (straight from the socket).',
  'repl-ping-replica-period': 'Seconds between the master\'s PINGs to its replicas.',
  'repl-timeout': 'Seconds without traffic after which a replication link is dropped.',
  'repl-disable-tcp-nodelay': 'Batch small writes to replicas (less bandwidth, more lag).',
  'repl-backlog-size': 'Bytes of recent writes a master keeps so a reconnecting replica can resume without a full sync.',
  'repl-backlog-ttl': 'Seconds without replicas after which a master frees its backlog and starts a new history (0: never); a replica keeps its backlog (it may be promoted).',
  'replica-priority': 'Rank for promotion by Sentinel (lower first, 0: never). Reported in INFO.',
  'replica-announced': 'Whether Sentinel should list this replica.',
  'replica-announce-ip': 'Address this replica reports to its master (behind NAT).',
  'replica-announce-port': 'Port this replica reports to its master (0: the real one).',
  'min-replicas-to-write': 'Refuse writes unless at least this many replicas are connected with little lag (0: off).',
  'min-replicas-max-lag': 'Seconds of lag under which a replica counts for min-replicas-to-write.',
  'replica-ignore-disk-write-errors': 'Let a replica go on when it cannot write its AOF or RDB. VESTA: only no is accepted.',
  'replica-ignore-maxmemory': 'A replica does not evict on its own (it follows the master): no OOM and no eviction while a replica; no applies maxmemory on the replica too.',
  'replica-lazy-flush': 'Free the old dataset in the background after a full sync (repl-diskless-load swapdb always does); counted in lazyfreed_objects as its keys, as in Redis.',
  'propagation-error-behavior': 'What a replica or AOF load does when a replicated command fails. VESTA: only ignore (Redis\'s default: the error is logged and skipped) is accepted; panic and panic-on-replicas are refused.',

  // SECURITY
  'acl-pubsub-default': 'Channels a new ACL user may use: resetchannels (none) or allchannels.',
  aclfile: 'File of ACL users (ACL LOAD and ACL SAVE); not together with user lines in the config.',
  'acllog-max-len': 'Entries kept in ACL LOG.',
  requirepass: 'Password of the default user (AUTH <password>); "" leaves it open to loopback clients under protected-mode.',

  // CLIENTS
  maxclients: 'Most clients connected at once; more are refused with an error.',

  // MEMORY MANAGEMENT
  maxmemory: 'Memory limit for the dataset (0: none). VESTA: counts V8 heap plus external memory (INFO used_memory); see maxmemory-policy.',
  'maxmemory-policy': 'At maxmemory: evict by LRU, LFU, random or TTL (volatile-* among keys with an expire, allkeys-* among all), or noeviction (refuse writes).',
  'maxmemory-samples': 'Keys sampled to pick each eviction victim (more: closer to exact, slower).',
  'maxmemory-eviction-tenacity': 'How long one eviction round may run. VESTA: any value accepted; it only trades latency for memory: Vesta\'s rounds run up to 5 ms, and a round that runs out of time lets the command run, as Redis.',
  'maxmemory-clients': 'Memory all clients together may use before the largest are disconnected (0: off). VESTA: only 0 is accepted: Vesta has no client eviction (client-output-buffer-limit applies).',

  // LAZY FREEING
  'lazyfree-lazy-eviction': `Free evicted keys in the background; logged as UNLINK, not DEL. ${LAZY_FREES}`,
  'lazyfree-lazy-expire': `Free expired keys in the background; logged as UNLINK, not DEL. ${LAZY_FREES}`,
  'lazyfree-lazy-server-del': 'Overwrites and deletions the server makes itself (SET/RENAME over a key, *STORE, RESTORE REPLACE...) act like UNLINK: big values are freed in the background.',
  'lazyfree-lazy-user-del': `DEL acts like UNLINK. ${LAZY_FREES}`,
  'lazyfree-lazy-user-flush': 'FLUSHALL, FLUSHDB, SCRIPT and FUNCTION FLUSH default to ASYNC; lazyfreed_objects counts a flushed db\'s keys, and over 64 scripts or functions.',

  // THREADED I/O
  'io-threads': 'Threads for client socket I/O. VESTA: only 1 is accepted: one event loop does all I/O.',
  'io-threads-do-reads': 'Use the I/O threads for reads too. Like Redis with io-threads 1 (the only value Vesta accepts), never read.',

  // KERNEL OOM CONTROL AND TRANSPARENT HUGE PAGES
  'oom-score-adj': 'Adjust the kernel OOM-killer score of the process: no, yes, relative or absolute. VESTA: only no is accepted.',
  'oom-score-adj-values': 'The three scores (master, replica, background child) for oom-score-adj. Like Redis with oom-score-adj no (the only value Vesta accepts), never read.',
  'disable-thp': 'Turn off transparent huge pages for the process. VESTA: any value accepted; Vesta leaves THP as the system sets it, which changes only memory footprint and latency, never a reply.',

  // APPEND ONLY MODE
  appendonly: 'Log every write to the AOF and load it at start. VESTA: yes by default (Redis: no), so writes survive a crash out of the box.',
  appendfilename: 'Base name of the AOF files (manifest, base and incr files), a plain name.',
  appenddirname: 'Directory of the AOF files: a plain name inside dir, or VESTA: an absolute path (the AOF on its own disk; Redis refuses paths), created 0700 and locked.',
  appendfsync: 'When the AOF is fsynced: always (before replying), everysec, or no (left to the OS). See docs/DURABILITY.md.',
  'no-appendfsync-on-rewrite': 'Skip AOF fsyncs while a background save or rewrite runs (less latency, less durability).',
  'auto-aof-rewrite-percentage': 'Rewrite the AOF once it has grown this many percent since the last rewrite (0: never on its own).',
  'auto-aof-rewrite-min-size': 'No automatic rewrite before the AOF is at least this big.',
  'aof-load-truncated': 'At start, load an AOF whose last command was cut short (cutting the file back), instead of refusing to start.',
  'aof-use-rdb-preamble': 'A rewrite writes the base as RDB (the hybrid format) rather than commands. VESTA: with appendonly yes by default, hybrid persistence is the default.',
  'aof-timestamp-enabled': 'Write #TS:<unix time> lines into the AOF (for vesta-check-aof --truncate-to-timestamp).',
  'aof-rewrite-incremental-fsync': 'fsync a rewrite\'s base in steps while writing it, instead of all at once at the end.',
  'aof-disable-auto-gc': 'Keep the files a rewrite replaced (marked history in the manifest) instead of deleting them.',

  // SHUTDOWN
  'shutdown-on-sigint': 'What SIGINT does: default, or save, nosave, now, force combined ("nosave now"). force exits even if the save fails; now does not wait for replicas.',
  'shutdown-on-sigterm': 'What SIGTERM does, as shutdown-on-sigint.',
  'shutdown-timeout': 'Seconds a SHUTDOWN (or SIGTERM/SIGINT) waits, writes paused, for lagging replicas to acknowledge everything; 0 does not wait.',

  // LONG BLOCKING COMMANDS
  'busy-reply-threshold': 'Milliseconds a script or function may run before other clients get -BUSY (and SCRIPT KILL is allowed).',
  

  // REDIS CLUSTER
  'cluster-enabled': `Run as a cluster node. ${NO_CLUSTER}`,
  'cluster-config-file': `File where a node keeps its view of the cluster. ${NO_CLUSTER}`,
  'cluster-node-timeout': `Milliseconds before an unreachable node is considered failing. ${NO_CLUSTER}`,
  'cluster-port': `Port of the cluster bus (0: port + 10000). ${NO_CLUSTER}`,
  'cluster-replica-validity-factor': `How stale a replica may be and still fail over. ${NO_CLUSTER}`,
  'cluster-migration-barrier': `Replicas a master keeps before one may move to an orphaned master. ${NO_CLUSTER}`,
  'cluster-allow-replica-migration': `Let replicas move to orphaned masters. ${NO_CLUSTER}`,
  'cluster-require-full-coverage': `Stop serving when some hash slots have no node. ${NO_CLUSTER}`,
  'cluster-replica-no-failover': `Never promote this replica automatically. ${NO_CLUSTER}`,
  'cluster-allow-reads-when-down': `Serve reads while the cluster is down. ${NO_CLUSTER}`,
  'cluster-allow-pubsubshard-when-down': `Serve sharded pub/sub while the cluster is down. ${NO_CLUSTER}`,
  'cluster-link-sendbuf-limit': `Bytes a cluster bus link may buffer before it is closed. ${NO_CLUSTER}`,
  'cluster-announce-hostname': `Hostname this node announces. ${NO_CLUSTER}`,
  'cluster-preferred-endpoint-type': `What clients are sent to: ip, hostname or unknown-endpoint. ${NO_CLUSTER}`,
  'cluster-announce-ip': `Address this node announces (behind NAT). ${NO_CLUSTER}`,
  'cluster-announce-port': `Client port this node announces. ${NO_CLUSTER}`,
  'cluster-announce-tls-port': `TLS port this node announces. ${NO_CLUSTER}`,
  'cluster-announce-bus-port': `Bus port this node announces. ${NO_CLUSTER}`,

  // SLOW LOG
  'slowlog-log-slower-than': 'Log commands that run longer than this many microseconds (-1: off, 0: every command).',
  'slowlog-max-len': 'Entries kept in SLOWLOG GET.',

  // LATENCY MONITOR AND TRACKING
  'latency-monitor-threshold': 'Record events slower than this many milliseconds for LATENCY (0: off).',
  'latency-tracking': 'Keep per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM).',
  'latency-tracking-info-percentiles': 'Percentiles INFO latencystats reports.',

  // EVENT NOTIFICATION
  'notify-keyspace-events': 'Keyspace notification classes published over pub/sub (K E g $ l s h z x e t m d n A); "" is off.',

  // ADVANCED CONFIG
  'hash-max-listpack-entries': 'A hash with at most this many fields (and short values) is reported and saved as a listpack.',
  'hash-max-listpack-value': 'Longest field or value of a hash kept as a listpack.',
  'list-max-listpack-size': 'Size of each list node: negative is a byte cap (-2: 8 KB), positive an entry count. VESTA: any value: Redis 7.0 lists are always quicklist, so only node sizes differ (Vesta saves 8 KB nodes).',
  'list-compress-depth': 'List nodes left uncompressed at each end (0: no compression). VESTA: any value accepted: compression changes only memory use, never a reply; Vesta keeps lists and saves their nodes uncompressed.',
  'set-max-intset-entries': 'A set of at most this many integers is reported and saved as an intset.',
  'zset-max-listpack-entries': 'A sorted set with at most this many members (and short ones) is reported and saved as a listpack.',
  'zset-max-listpack-value': 'Longest member of a sorted set kept as a listpack.',
  'hll-sparse-max-bytes': 'Size up to which a HyperLogLog keeps the sparse form before turning dense.',
  'stream-node-max-bytes': 'Bytes of one stream node before a new one starts (0: no limit).',
  'stream-node-max-entries': 'Entries of one stream node before a new one starts (0: no limit).',
  activerehashing: 'Rehash main dictionaries in the background. VESTA: any value accepted: it changes only memory and latency; JavaScript maps resize themselves.',
  'client-output-buffer-limit': 'Per class (normal, replica, pubsub): hard limit, soft limit and soft seconds of a client\'s unsent output; past them it is closed.',
  'client-query-buffer-limit': 'Most unparsed input one client may hold.',
  'proto-max-bulk-len': 'Largest bulk string a client may send. VESTA: never above V8\'s string limit (512 MB less 24 bytes).',
  hz: 'Background task runs per second (expiry, timeouts, statistics).',
  'dynamic-hz': 'Raise hz with many clients. VESTA: any value accepted: it changes only how often background jobs run (timing); hz stays as set.',
  'active-expire-effort': 'How hard the background expiry cycle works (1-10). VESTA: any value: it only changes how soon expired keys are reclaimed (they are never visible); Vesta\'s effort is fixed.',
  'jemalloc-bg-thread': 'Let jemalloc purge memory in a thread. VESTA: any value accepted: it changes only when freed memory returns to the system; there is no jemalloc.',
  'lfu-log-factor': 'How slowly the LFU counter grows with hits (LFU eviction and OBJECT FREQ).',
  'lfu-decay-time': 'An idle key\'s LFU counter drops by one for every this many minutes without access (0: never).',
  'tracking-table-max-keys': 'Keys remembered for client-side caching (0: no limit); past it, keys are invalidated and forgotten.',

  // ACTIVE DEFRAGMENTATION AND CPU AFFINITY
  activedefrag: `Move values in memory to reduce fragmentation. ${NO_DEFRAG}`,
  'active-defrag-ignore-bytes': `Fragmentation in bytes below which defragmentation does not start. ${NO_DEFRAG}`,
  'active-defrag-threshold-lower': `Fragmentation percent at which defragmentation starts. ${NO_DEFRAG}`,
  'active-defrag-threshold-upper': `Fragmentation percent at which it works hardest. ${NO_DEFRAG}`,
  'active-defrag-cycle-min': `Least CPU percent defragmentation takes. ${NO_DEFRAG}`,
  'active-defrag-cycle-max': `Most CPU percent defragmentation takes. ${NO_DEFRAG}`,
  'active-defrag-max-scan-fields': `Fields of a collection scanned in one defragmentation step. ${NO_DEFRAG}`,
  server_cpulist: `CPUs the main thread may run on. ${NO_AFFINITY}`,
  bio_cpulist: `CPUs the background I/O threads may run on. ${NO_AFFINITY}`,
  aof_rewrite_cpulist: `CPUs the AOF rewrite child may run on. ${NO_AFFINITY}`,
  bgsave_cpulist: `CPUs the background save child may run on. ${NO_AFFINITY}`,

  // VESTA
  'metrics-port': 'VESTA: serve Prometheus metrics over HTTP on this port (0: off).',
  'metrics-bind': 'VESTA: address the metrics endpoint listens on.',
  'vesta-aof-inline-fsync-max-us': 'VESTA: under appendfsync always, fsyncs up to this many microseconds run inline; slower disks move them off the main thread (0: never inline).',
  'vesta-shared-read-buffer': 'VESTA: read client sockets into one shared buffer (no: a buffer per read). Applies to new connections.',
  'vesta-snapshot-slice-ms': 'VESTA: longest slice (ms) a background save or rewrite runs before letting clients in.',
  'vesta-snapshot-cpu-percent': 'VESTA: share of the event loop a background save or rewrite may take while clients are active.',

  // TESTING KNOBS
  'key-load-delay': 'Testing only: pause this many microseconds per key while loading. Leave at 0.',
  'rdb-key-save-delay': 'Testing only: pause this many microseconds per key while saving. Leave at 0.',
  'loading-process-events-interval-bytes': 'Testing only: bytes loaded between two rounds of serving clients. VESTA: any value accepted: it only paces the LOADING replies clients get; Vesta serves them on its own schedule.',
};
