// INFO: sections and field names as Redis 7.0 reports them. Other modules add fields to a
// section through Server#addInfoFields (persistence adds the Persistence section) without this
// file knowing them. Redis equivalent: genRedisInfoString in server.c.

// `process` is the global: importing from 'node:process' costs ~5 ms of start-up (its ES module
// facade reads every property of process, loading the modules behind the lazy ones).
import { machine, platform, release } from 'node:os';
import type { Server } from '../server/server.js';
import { REDIS_VERSION, VESTA_VERSION } from '../version.js';
import { ClientFlag } from '../server/client.js';
import { parsePercentiles, percentileLabel } from './latency.js';
import { replicationInfo, replicationStats } from '../replication/info.js';

export type InfoFields = [string, string | number][];

/** Every section, in the order Redis 7.0 prints them whatever order they were asked in. */
const SECTION_ORDER = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'commandstats',
  'errorstats',
  'latencystats',
  'cluster',
  'keyspace',
];
/** INFO / INFO default: all but the per-command sections. */
const DEFAULT_SECTIONS = SECTION_ORDER.filter((s) => s !== 'commandstats' && s !== 'latencystats');

const SECTION_TITLES: Record<string, string> = {
  server: 'Server',
  clients: 'Clients',
  memory: 'Memory',
  persistence: 'Persistence',
  stats: 'Stats',
  replication: 'Replication',
  cpu: 'CPU',
  modules: 'Modules',
  errorstats: 'Errorstats',
  cluster: 'Cluster',
  keyspace: 'Keyspace',
  commandstats: 'Commandstats',
  latencystats: 'Latencystats',
};

/** Builds the INFO text for the requested section names (already lower-cased). */
export function genInfoString(server: Server, requested: string[]): string {
  const wanted = new Set<string>();
  if (requested.length === 0) for (const s of DEFAULT_SECTIONS) wanted.add(s);
  for (const r of requested) {
    // "all" is every section but module-generated ones, and Vesta has no modules: both are all.
    if (r === 'all' || r === 'everything') for (const s of SECTION_ORDER) wanted.add(s);
    else if (r === 'default') for (const s of DEFAULT_SECTIONS) wanted.add(s);
    else wanted.add(r);
  }
  const parts: string[] = [];
  for (const s of SECTION_ORDER) {
    if (!wanted.has(s)) continue;
    const fields = sectionFields(server, s);
    if (fields === null) continue;
    let text = `# ${SECTION_TITLES[s] ?? s}\r\n`;
    for (const [k, v] of fields) text += `${k}:${v}\r\n`;
    parts.push(text);
  }
  return parts.join('\r\n');
}

function sectionFields(server: Server, section: string): InfoFields | null {
  const base = BUILTIN[section];
  const extra = server.infoProviders.get(section) ?? [];
  if (base === undefined && extra.length === 0) return null;
  const fields = base === undefined ? [] : base(server);
  for (const p of extra) fields.push(...p());
  return fields;
}

const BUILTIN: Record<string, (server: Server) => InfoFields> = {
  server: serverSection,
  clients: clientsSection,
  memory: memorySection,
  persistence: () => [],
  stats: statsSection,
  replication: replicationSection,
  cpu: cpuSection,
  modules: () => [],
  errorstats: errorstatsSection,
  cluster: () => [['cluster_enabled', 0]],
  keyspace: keyspaceSection,
  commandstats: commandstatsSection,
  latencystats: latencystatsSection,
};

function serverSection(server: Server): InfoFields {
  const uptimeSec = Math.floor((Date.now() - server.startedAtMs) / 1000);
  const hz = server.config.num('hz');
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    ['os', `${platform() === 'linux' ? 'Linux' : platform()} ${release()} ${machine()}`],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', server.runId],
    ['tcp_port', server.ports[0] ?? server.config.num('port')],
    ['server_time_usec', Date.now() * 1000],
    ['uptime_in_seconds', uptimeSec],
    ['uptime_in_days', Math.floor(uptimeSec / 86400)],
    ['hz', hz],
    ['configured_hz', hz],
    ['lru_clock', Math.floor(Date.now() / 1000) & 0xffffff],
    ['executable', process.argv[1] ?? ''],
    ['config_file', server.config.configFile ?? ''],
    ['io_threads_active', 0],
    ['vesta_version', VESTA_VERSION],
    ['vesta_node_version', process.version],
  ];
}

function clientsSection(server: Server): InfoFields {
  let blocked = 0;
  let pubsub = 0;
  let replicas = 0;
  for (const c of server.clients.values()) {
    if (c.has(ClientFlag.replica)) replicas++;
    if (c.has(ClientFlag.blocked)) blocked++;
    if (c.has(ClientFlag.pubsub)) pubsub++;
  }
  void pubsub;
  return [
    // Redis counts its master's client but not its replicas.
    ['connected_clients', server.clients.size - replicas],
    ['cluster_connections', 0],
    ['maxclients', server.config.num('maxclients')],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0],
    ['blocked_clients', blocked],
    ['tracking_clients', server.tracking.clientCount],
    ['clients_in_timeout_table', blocked],
  ];
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(2)}K`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)}M`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)}G`;
}

/** Bytes held in client query and reply buffers (mem_clients_normal). */
function clientBuffersBytes(server: Server): number {
  let bytes = 0;
  for (const c of server.clients.values()) bytes += c.out.length + c.parser.pendingBytes;
  return bytes;
}

function memorySection(server: Server): InfoFields {
  const mem = process.memoryUsage();
  // The figure maxmemory is enforced against (server/evict.ts).
  const used = server.evictor.usedMemory();
  const peak = Math.max(server.memoryPeak, used);
  server.memoryPeak = peak;
  const maxmemory = server.config.num('maxmemory');
  const clientsBytes = clientBuffersBytes(server);
  const overhead = Math.min(used, server.memoryStartup + clientsBytes);
  const dataset = used - overhead;
  const netUsed = used - Math.min(used, server.memoryStartup);
  const scripting = server.scripting;
  const vm = scripting?.vmBytes() ?? { eval: 0, functions: 0 };
  const scriptsEval = scripting?.cache.bytes ?? 0;
  const functionsBytes = scripting?.functions.bytes ?? 0;
  return [
    ['used_memory', used],
    ['used_memory_human', humanBytes(used)],
    ['used_memory_rss', mem.rss],
    ['used_memory_rss_human', humanBytes(mem.rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', humanBytes(peak)],
    ['used_memory_peak_perc', `${((used / peak) * 100).toFixed(2)}%`],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', server.memoryStartup],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', `${((dataset * 100) / Math.max(1, netUsed)).toFixed(2)}%`],
    ['allocator_allocated', mem.heapUsed],
    ['allocator_active', mem.heapTotal],
    ['allocator_resident', mem.rss],
    ['total_system_memory', server.totalSystemMemory],
    ['total_system_memory_human', humanBytes(server.totalSystemMemory)],
    ['used_memory_lua', vm.eval],
    ['used_memory_vm_eval', vm.eval],
    ['used_memory_lua_human', humanBytes(vm.eval)],
    ['used_memory_scripts_eval', scriptsEval],
    ['number_of_cached_scripts', scripting?.cache.size ?? 0],
    ['number_of_functions', scripting?.functions.functions.size ?? 0],
    ['number_of_libraries', scripting?.functions.libraries.size ?? 0],
    ['used_memory_vm_functions', vm.functions],
    ['used_memory_vm_total', vm.eval + vm.functions],
    ['used_memory_vm_total_human', humanBytes(vm.eval + vm.functions)],
    ['used_memory_functions', functionsBytes],
    ['used_memory_scripts', scriptsEval + functionsBytes],
    ['used_memory_scripts_human', humanBytes(scriptsEval + functionsBytes)],
    ['maxmemory', maxmemory],
    ['maxmemory_human', humanBytes(maxmemory)],
    ['maxmemory_policy', server.config.str('maxmemory-policy')],
    ['allocator_frag_ratio', (mem.heapTotal / Math.max(1, mem.heapUsed)).toFixed(2)],
    ['allocator_frag_bytes', mem.heapTotal - mem.heapUsed],
    ['mem_fragmentation_ratio', (mem.rss / Math.max(1, used)).toFixed(2)],
    ['mem_fragmentation_bytes', mem.rss - used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', clientsBytes],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', 'v8'],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', server.keyspace.lazyfree.pending],
    ['lazyfreed_objects', server.keyspace.lazyfree.freed],
  ];
}

function average(samples: number[]): number {
  return samples.length === 0 ? 0 : samples.reduce((a, b) => a + b, 0) / samples.length;
}

function statsSection(server: Server): InfoFields {
  const s = server.stats;
  const ks = server.keyspace.stats;
  const samples = s.opsSamples;
  const ops = samples.length === 0 ? 0 : Math.round(samples.reduce((a, b) => a + b, 0) / samples.length);
  let pubsubChannels = 0;
  let pubsubPatterns = 0;
  for (const c of server.clients.values()) {
    pubsubChannels += c.channels.size;
    pubsubPatterns += c.patterns.size;
  }
  const repl = replicationStats(server);
  return [
    ['total_connections_received', s.connectionsReceived],
    ['total_commands_processed', s.commandsProcessed],
    ['instantaneous_ops_per_sec', ops],
    ['total_net_input_bytes', s.netInputBytes],
    ['total_net_output_bytes', s.netOutputBytes],
    ['total_net_repl_input_bytes', repl.replInputBytes],
    ['total_net_repl_output_bytes', repl.replOutputBytes],
    ['instantaneous_input_kbps', average(s.inputKbpsSamples).toFixed(2)],
    ['instantaneous_output_kbps', average(s.outputKbpsSamples).toFixed(2)],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', repl.syncFull],
    ['sync_partial_ok', repl.syncPartialOk],
    ['sync_partial_err', repl.syncPartialErr],
    ['expired_keys', ks.expiredKeys],
    ['expired_stale_perc', (server.activeExpire.stalePerc * 100).toFixed(2)],
    ['expired_time_cap_reached_count', server.activeExpire.timeCapReachedCount],
    ['expire_cycle_cpu_milliseconds', Math.round(server.activeExpire.cpuMsTotal)],
    ['evicted_keys', server.evictor.evictedKeys],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', ks.hits],
    ['keyspace_misses', ks.misses],
    ['pubsub_channels', server.pubsubChannelCount()],
    ['pubsub_patterns', server.pubsubPatternCount()],
    ['pubsubshard_channels', 0],
    ['latest_fork_usec', server.forkStats.latestForkUsec],
    ['total_forks', server.forkStats.totalForks],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', server.tracking.totalKeys],
    ['tracking_total_items', server.tracking.totalItems],
    ['tracking_total_prefixes', server.tracking.totalPrefixes],
    ['unexpected_error_replies', 0],
    ['total_error_replies', s.errorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', s.readsProcessed],
    ['total_writes_processed', s.writesProcessed],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ].filter((f) => f[0] !== undefined) as InfoFields;
  void pubsubChannels;
  void pubsubPatterns;
}

function replicationSection(server: Server): InfoFields {
  return replicationInfo(server);
}

function cpuSection(): InfoFields {
  const u = process.cpuUsage();
  return [
    ['used_cpu_sys', (u.system / 1e6).toFixed(6)],
    ['used_cpu_user', (u.user / 1e6).toFixed(6)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', (u.system / 1e6).toFixed(6)],
    ['used_cpu_user_main_thread', (u.user / 1e6).toFixed(6)],
  ];
}

function errorstatsSection(server: Server): InfoFields {
  const fields: InfoFields = [];
  const codes = [...server.errorStats.keys()].sort();
  for (const code of codes) fields.push([`errorstat_${code}`, `count=${server.errorStats.get(code) ?? 0}`]);
  return fields;
}

function keyspaceSection(server: Server): InfoFields {
  const fields: InfoFields = [];
  for (const db of server.keyspace.dbs) {
    if (db.dict.size === 0) continue;
    fields.push([
      `db${db.id}`,
      `keys=${db.dict.size},expires=${db.expires.size},avg_ttl=${Math.round(db.avgTtlMs)}`,
    ]);
  }
  return fields;
}

function commandstatsSection(server: Server): InfoFields {
  const fields: InfoFields = [];
  const visit = (cmd: { fullName: string; stats: { calls: number; usec: number; rejectedCalls: number; failedCalls: number } }): void => {
    const s = cmd.stats;
    if (s.calls === 0 && s.rejectedCalls === 0 && s.failedCalls === 0) return;
    const per = s.calls === 0 ? 0 : s.usec / s.calls;
    fields.push([
      `cmdstat_${cmd.fullName}`,
      `calls=${s.calls},usec=${s.usec},usec_per_call=${per.toFixed(2)},rejected_calls=${s.rejectedCalls},failed_calls=${s.failedCalls}`,
    ]);
  };
  for (const cmd of server.commands.all()) {
    visit(cmd);
    if (cmd.subcommands !== null) for (const sub of cmd.subcommands.values()) visit(sub);
  }
  return fields;
}

/** latency_percentiles_usec_<cmd>:p50=..,p99=..,p99.9=.. per latency-tracking-info-percentiles. */
function latencystatsSection(server: Server): InfoFields {
  const fields: InfoFields = [];
  if (!server.latencyTracking) return fields;
  const percentiles = parsePercentiles(server.config.str('latency-tracking-info-percentiles'));
  for (const [name, h] of server.commandLatencies.byCommand) {
    const values = percentiles.map((p) => `${percentileLabel(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`);
    fields.push([`latency_percentiles_usec_${name}`, values.join(',')]);
  }
  return fields;
}
