// The optional Prometheus endpoint: GET /metrics on metrics-port (0, the default, turns it off)
// bound to metrics-bind (loopback by default). Every value comes from the same counters INFO
// reports (the INFO text itself is parsed, so the two can never disagree), under the metric
// names redis_exporter users know where one maps; Vesta-only figures are prefixed vesta_.
// It never changes server state and never runs commands.
// Redis equivalent: none in Redis itself; oliver006/redis_exporter's naming.

import { createServer, type Server as HttpServer } from 'node:http';
import type { Server } from '../server/server.js';
import { genInfoString } from './info.js';

/** Starts the endpoint when metrics-port is set; resolves to a handle to close, or null. */
export async function startMetrics(server: Server): Promise<{ port: number; close(): Promise<void> } | null> {
  const port = server.config.num('metrics-port');
  if (port === 0) return null;
  const host = server.config.str('metrics-bind');
  const http: HttpServer = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: try /metrics\n');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    response.end(renderMetrics(server));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen({ host, port }, () => {
      http.removeListener('error', reject);
      resolve();
    });
  });
  const address = http.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  server.log.notice(`Prometheus metrics on http://${host}:${actualPort}/metrics`);
  return {
    port: actualPort,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

type Kind = 'gauge' | 'counter';

/** INFO field -> [metric name, type, help, scale]. Names follow redis_exporter. */
const INFO_METRICS: [string, string, Kind, string, number?][] = [
  ['uptime_in_seconds', 'redis_uptime_in_seconds', 'gauge', 'Seconds since the server started'],
  ['connected_clients', 'redis_connected_clients', 'gauge', 'Client connections'],
  ['blocked_clients', 'redis_blocked_clients', 'gauge', 'Clients blocked on a key'],
  ['maxclients', 'redis_config_maxclients', 'gauge', 'maxclients'],
  ['used_memory', 'redis_memory_used_bytes', 'gauge', 'used_memory: V8 heap plus buffers'],
  ['used_memory_rss', 'redis_memory_used_rss_bytes', 'gauge', 'Resident set size from the OS'],
  ['used_memory_peak', 'redis_memory_used_peak_bytes', 'gauge', 'Peak used_memory'],
  ['used_memory_startup', 'redis_memory_used_startup_bytes', 'gauge', 'used_memory at start'],
  ['used_memory_dataset', 'redis_memory_used_dataset_bytes', 'gauge', 'used_memory minus overhead'],
  ['used_memory_overhead', 'redis_memory_used_overhead_bytes', 'gauge', 'Memory not holding data'],
  ['maxmemory', 'redis_memory_max_bytes', 'gauge', 'maxmemory'],
  ['total_system_memory', 'redis_total_system_memory_bytes', 'gauge', 'Memory of the machine'],
  ['mem_fragmentation_ratio', 'redis_mem_fragmentation_ratio', 'gauge', 'RSS / used_memory'],
  ['mem_clients_normal', 'redis_mem_clients_normal', 'gauge', 'Bytes in client buffers'],
  ['loading', 'redis_loading_dump_file', 'gauge', '1 while the dataset loads'],
  ['rdb_changes_since_last_save', 'redis_rdb_changes_since_last_save', 'gauge', 'Writes since the last save'],
  ['rdb_bgsave_in_progress', 'redis_rdb_bgsave_in_progress', 'gauge', '1 while BGSAVE runs'],
  ['rdb_last_save_time', 'redis_rdb_last_save_timestamp_seconds', 'gauge', 'Unix time of the last successful save'],
  ['rdb_last_bgsave_time_sec', 'redis_rdb_last_bgsave_duration_sec', 'gauge', 'Duration of the last BGSAVE'],
  ['rdb_current_bgsave_time_sec', 'redis_rdb_current_bgsave_duration_sec', 'gauge', 'Duration of the running BGSAVE'],
  ['rdb_saves', 'redis_rdb_saves_total', 'counter', 'Saves since start or RESETSTAT'],
  ['rdb_last_cow_size', 'redis_rdb_last_cow_size_bytes', 'gauge', 'Bytes preserved by copy-on-write in the last save'],
  ['aof_enabled', 'redis_aof_enabled', 'gauge', '1 when appendonly is on'],
  ['aof_rewrite_in_progress', 'redis_aof_rewrite_in_progress', 'gauge', '1 while a rewrite runs'],
  ['aof_rewrite_scheduled', 'redis_aof_rewrite_scheduled', 'gauge', '1 when a rewrite waits'],
  ['aof_last_rewrite_time_sec', 'redis_aof_last_rewrite_duration_sec', 'gauge', 'Duration of the last rewrite'],
  ['aof_current_rewrite_time_sec', 'redis_aof_current_rewrite_duration_sec', 'gauge', 'Duration of the running rewrite'],
  ['aof_rewrites', 'redis_aof_rewrites_total', 'counter', 'Rewrites started'],
  ['aof_current_size', 'redis_aof_current_size_bytes', 'gauge', 'AOF size'],
  ['aof_base_size', 'redis_aof_base_size_bytes', 'gauge', 'AOF size after the last rewrite'],
  ['aof_buffer_length', 'redis_aof_buffer_length', 'gauge', 'Bytes not yet written to the AOF'],
  ['aof_pending_bio_fsync', 'redis_aof_pending_bio_fsync', 'gauge', '1 while an fsync runs'],
  ['aof_delayed_fsync', 'redis_aof_delayed_fsync', 'counter', 'Writes done while an fsync was late'],
  ['total_connections_received', 'redis_connections_received_total', 'counter', 'Connections accepted'],
  ['total_commands_processed', 'redis_commands_processed_total', 'counter', 'Commands executed'],
  ['instantaneous_ops_per_sec', 'redis_instantaneous_ops_per_sec', 'gauge', 'Commands per second, recent'],
  ['total_net_input_bytes', 'redis_net_input_bytes_total', 'counter', 'Bytes read from clients'],
  ['total_net_output_bytes', 'redis_net_output_bytes_total', 'counter', 'Bytes written to clients'],
  ['rejected_connections', 'redis_rejected_connections_total', 'counter', 'Connections refused'],
  ['expired_keys', 'redis_expired_keys_total', 'counter', 'Keys expired'],
  ['evicted_keys', 'redis_evicted_keys_total', 'counter', 'Keys evicted'],
  ['keyspace_hits', 'redis_keyspace_hits_total', 'counter', 'Key lookups that found the key'],
  ['keyspace_misses', 'redis_keyspace_misses_total', 'counter', 'Key lookups that missed'],
  ['latest_fork_usec', 'redis_latest_fork_usec', 'gauge', 'Time to take the last snapshot cut'],
  ['total_forks', 'redis_total_forks_total', 'counter', 'Background snapshots started'],
  ['total_error_replies', 'redis_total_error_replies', 'counter', 'Error replies sent'],
  ['used_cpu_sys', 'redis_cpu_sys_seconds_total', 'counter', 'System CPU'],
  ['used_cpu_user', 'redis_cpu_user_seconds_total', 'counter', 'User CPU'],
  ['vesta_snapshot_preserved_bytes_peak', 'vesta_snapshot_preserved_bytes_peak', 'gauge', 'Copy-on-write bytes of the running or last snapshot'],
  ['vesta_snapshot_slice_max_ms', 'vesta_snapshot_slice_max_seconds', 'gauge', 'Longest slice of the running or last snapshot', 1 / 1000],
];

/** The whole exposition text. */
export function renderMetrics(server: Server): string {
  const info = parseInfo(genInfoString(server, ['everything']));
  const out = new Exposition();
  out.add('redis_up', 'gauge', 'The server answers', [['', 1]]);
  for (const [field, name, kind, help, scale] of INFO_METRICS) {
    const raw = info.fields.get(field);
    if (raw === undefined) continue;
    const value = Number.parseFloat(raw);
    if (Number.isNaN(value)) continue;
    out.add(name, kind, help, [['', value * (scale ?? 1)]]);
  }
  for (const [field, name] of [['rdb_last_bgsave_status', 'redis_rdb_last_bgsave_status'],
    ['aof_last_bgrewrite_status', 'redis_aof_last_bgrewrite_status'],
    ['aof_last_write_status', 'redis_aof_last_write_status']] as const) {
    const raw = info.fields.get(field);
    if (raw !== undefined) out.add(name, 'gauge', `${field}: 1 ok, 0 err`, [['', raw === 'ok' ? 1 : 0]]);
  }
  addKeyspace(out, info.keyspace);
  addErrors(out, info.errors);
  addCommands(out, server);
  addLatencyEvents(out, server);
  out.add('redis_slowlog_length', 'gauge', 'Entries in the slow log', [['', server.slowlog.length]]);
  return out.text();
}

function addKeyspace(out: Exposition, keyspace: Map<string, string>): void {
  const keys: [string, number][] = [];
  const expiring: [string, number][] = [];
  for (const [db, text] of keyspace) {
    const values = new Map(text.split(',').map((kv) => kv.split('=') as [string, string]));
    keys.push([`db="${db}"`, Number(values.get('keys') ?? 0)]);
    expiring.push([`db="${db}"`, Number(values.get('expires') ?? 0)]);
  }
  out.add('redis_db_keys', 'gauge', 'Keys per database', keys);
  out.add('redis_db_keys_expiring', 'gauge', 'Keys with an expire per database', expiring);
}

function addErrors(out: Exposition, errors: Map<string, string>): void {
  const samples: [string, number][] = [];
  for (const [code, text] of errors) samples.push([`err="${escapeLabel(code)}"`, Number(text.replace('count=', ''))]);
  out.add('redis_errors_total', 'counter', 'Error replies by error code', samples);
}

/** Per command: calls, time, rejected and failed calls, and the latency histogram. */
function addCommands(out: Exposition, server: Server): void {
  const calls: [string, number][] = [];
  const seconds: [string, number][] = [];
  const rejected: [string, number][] = [];
  const failed: [string, number][] = [];
  const histogram: [string, number][] = [];
  for (const top of server.commands.all()) {
    for (const cmd of [top, ...(top.subcommands?.values() ?? [])]) {
      const s = cmd.stats;
      if (s.calls === 0 && s.rejectedCalls === 0 && s.failedCalls === 0) continue;
      const label = `cmd="${escapeLabel(cmd.fullName)}"`;
      calls.push([label, s.calls]);
      seconds.push([label, s.usec / 1e6]);
      rejected.push([label, s.rejectedCalls]);
      failed.push([label, s.failedCalls]);
      const h = server.commandLatencies.byCommand.get(cmd.fullName);
      if (h === undefined) continue;
      for (const [boundUs, count] of h.cumulativeUsec()) histogram.push([`${label},le="${boundUs}"`, count]);
      histogram.push([`${label},le="+Inf"`, h.totalCount]);
      out.pendingSeries.push([`redis_commands_latencies_usec_sum{${label}}`, s.usec]);
      out.pendingSeries.push([`redis_commands_latencies_usec_count{${label}}`, h.totalCount]);
    }
  }
  out.add('redis_commands_total', 'counter', 'Calls per command', calls);
  out.add('redis_commands_duration_seconds_total', 'counter', 'Time spent per command', seconds);
  out.add('redis_commands_rejected_calls_total', 'counter', 'Calls refused before running', rejected);
  out.add('redis_commands_failed_calls_total', 'counter', 'Calls that replied an error', failed);
  out.addHistogram('redis_commands_latencies_usec', 'Command latency histogram (microseconds)', histogram);
}

/** The latency monitor's events (LATENCY LATEST). */
function addLatencyEvents(out: Exposition, server: Server): void {
  const last: [string, number][] = [];
  const duration: [string, number][] = [];
  const max: [string, number][] = [];
  for (const [name, e] of server.latency.events) {
    const sample = e.samples[e.samples.length - 1];
    const label = `event_name="${escapeLabel(name)}"`;
    last.push([label, sample?.timeSec ?? 0]);
    duration.push([label, (sample?.latencyMs ?? 0) / 1000]);
    max.push([label, e.maxMs / 1000]);
  }
  out.add('redis_latency_spike_last', 'gauge', 'Unix time of the latest spike per event', last);
  out.add('redis_latency_spike_duration_seconds', 'gauge', 'Duration of the latest spike per event', duration);
  out.add('vesta_latency_spike_max_seconds', 'gauge', 'Worst spike per event since reset', max);
}

class Exposition {
  #text = '';
  /** Lines written right after the next histogram (its _sum and _count series). */
  pendingSeries: [string, number][] = [];

  add(name: string, kind: Kind, help: string, samples: [string, number][]): void {
    this.#text += `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n`;
    for (const [labels, value] of samples) {
      this.#text += `${name}${labels === '' ? '' : `{${labels}}`} ${formatValue(value)}\n`;
    }
  }

  addHistogram(name: string, help: string, buckets: [string, number][]): void {
    this.#text += `# HELP ${name} ${help}\n# TYPE ${name} histogram\n`;
    for (const [labels, value] of buckets) this.#text += `${name}_bucket{${labels}} ${formatValue(value)}\n`;
    for (const [series, value] of this.pendingSeries) this.#text += `${series} ${formatValue(value)}\n`;
    this.pendingSeries = [];
  }

  text(): string {
    return this.#text;
  }
}

function formatValue(value: number): string {
  return Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

interface ParsedInfo {
  fields: Map<string, string>;
  keyspace: Map<string, string>;
  errors: Map<string, string>;
}

function parseInfo(text: string): ParsedInfo {
  const parsed: ParsedInfo = { fields: new Map(), keyspace: new Map(), errors: new Map() };
  let section = '';
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) section = line.slice(2).toLowerCase();
    const colon = line.indexOf(':');
    if (line === '' || line.startsWith('#') || colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (section === 'keyspace') parsed.keyspace.set(key, value);
    else if (section === 'errorstats') parsed.errors.set(key.replace('errorstat_', ''), value);
    else if (section !== 'commandstats' && section !== 'latencystats') parsed.fields.set(key, value);
  }
  return parsed;
}
