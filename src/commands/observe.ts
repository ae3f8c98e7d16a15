// LATENCY (LATEST HISTORY RESET DOCTOR GRAPH HISTOGRAM HELP) and MONITOR: the commands that read
// the latency monitor and per-command histograms (observe/latency.ts) and turn a connection
// into a MONITOR feed (observe/calls.ts writes the lines).
// Redis equivalent: latencyCommand in latency.c, monitorCommand in replication.c.

import { ClientFlag, type Client } from '../server/client.js';
import type { LatencyEvent } from '../observe/latency.js';
import type { CommandDef } from './types.js';

function latencyLatestCommand(c: Client): void {
  const events = c.server.latency.events;
  c.addReplyArrayLen(events.size);
  for (const [name, e] of events) {
    const last = e.samples[e.samples.length - 1];
    c.addReplyArrayLen(4);
    c.addReplyBulk(name);
    c.addReplyLongLong(last?.timeSec ?? 0);
    c.addReplyLongLong(last?.latencyMs ?? 0);
    c.addReplyLongLong(e.maxMs);
  }
}

function latencyHistoryCommand(c: Client, argv: string[]): void {
  const e = c.server.latency.events.get(argv[2] as string);
  const samples = e?.samples ?? [];
  c.addReplyArrayLen(samples.length);
  for (const s of samples) {
    c.addReplyArrayLen(2);
    c.addReplyLongLong(s.timeSec);
    c.addReplyLongLong(s.latencyMs);
  }
}

function latencyResetCommand(c: Client, argv: string[]): void {
  c.addReplyLongLong(c.server.latency.reset(argv.slice(2)));
}

function latencyDoctorCommand(c: Client): void {
  c.addReplyVerbatim(doctorReport(c.server.latency.events, c.server.latency.thresholdMs, c.server.slowlogThresholdUs));
}

function latencyGraphCommand(c: Client, argv: string[]): void {
  const name = argv[2] as string;
  const e = c.server.latency.events.get(name);
  if (e === undefined || e.samples.length === 0) {
    c.addReplyError(`ERR No samples available for event '${name}'`);
    return;
  }
  c.addReplyVerbatim(graph(name, e, Math.floor(Date.now() / 1000)));
}

/** LATENCY HISTOGRAM [command ...]: calls and cumulative counts per power-of-two bound. */
function latencyHistogramCommand(c: Client, argv: string[]): void {
  const all = c.server.commandLatencies.byCommand;
  const names = argv.length > 2 ? argv.slice(2).map((n) => n.toLowerCase()) : [...all.keys()];
  const found = [...new Set(names)].filter((n) => all.has(n));
  c.addReplyMapLen(found.length);
  for (const name of found) {
    const h = all.get(name);
    if (h === undefined) continue;
    c.addReplyBulk(name);
    c.addReplyMapLen(2);
    c.addReplyBulk('calls');
    c.addReplyLongLong(h.totalCount);
    c.addReplyBulk('histogram_usec');
    const buckets = h.cumulativeUsec();
    c.addReplyMapLen(buckets.length);
    for (const [boundUs, count] of buckets) {
      c.addReplyLongLong(boundUs);
      c.addReplyLongLong(count);
    }
  }
}

function latencyHelpCommand(c: Client): void {
  const lines = [
    'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'DOCTOR',
    '    Return a human readable latency analysis report.',
    'GRAPH <event>',
    '    Return an ASCII latency graph for the <event> class.',
    'HISTORY <event>',
    '    Return time-latency samples for the <event> class.',
    'LATEST',
    '    Return the latest latency samples for all events.',
    'RESET [<event> ...]',
    '    Reset latency data of one or more <event> classes.',
    '    (default: reset all data for all event classes)',
    'HISTOGRAM [COMMAND ...]',
    '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
    '    If no commands are specified then all histograms are replied.',
    'HELP',
    '    Prints this help.',
  ];
  c.addReplyArrayLen(lines.length);
  for (const line of lines) c.addReplyStatus(line);
}

/** MONITOR: from now on this connection receives every executed command (see observe/calls). */
function monitorCommand(c: Client): void {
  if (c.has(ClientFlag.monitor)) return;
  c.flags |= ClientFlag.monitor;
  c.server.monitors.add(c);
  c.addReplyOk();
}

// ---------------------------------------------------------------------------------------------
// DOCTOR and GRAPH text.
// ---------------------------------------------------------------------------------------------

const DISABLED =
  "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
const NO_SPIKES =
  'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';

/** Vesta's advice per event: what an operator can change when that event is slow. */
const ADVICE: Record<string, string> = {
  command: '- Check the slow log (SLOWLOG GET) for the commands that are too slow to execute; commands over large collections (KEYS, SMEMBERS, HGETALL, ZRANGE without LIMIT) run in one event-loop turn.',
  'fast-command': '- Commands flagged as fast (O(1) or O(log N)) were slow: the process may be starved of CPU or swapping; check used_memory_rss against the machine\'s memory.',
  'rdb-slice': '- Background save or AOF rewrite slices held the event loop: lower vesta-snapshot-slice-ms so each slice yields to clients sooner (saves take longer).',
  'aof-write': '- Writes to the AOF were slow: the disk is busy or slow; consider a dedicated disk for the AOF directory.',
  'aof-write-pending-fsync': '- AOF writes waited behind a running fsync: the disk is slow to flush; appendfsync everysec tolerates this, or put the AOF on a faster disk.',
  'aof-fsync-always': '- With appendfsync always every reply waits for an fsync: consider appendfsync everysec, or a disk with a faster cache flush.',
  'expire-cycle': '- The active expire cycle ran long: many keys expire at the same time; spread their TTLs.',
};

function doctorReport(events: Map<string, LatencyEvent>, thresholdMs: number, slowlogUs: number): string {
  if (events.size === 0) return thresholdMs <= 0 ? DISABLED : NO_SPIKES;
  let text = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  let i = 1;
  const advice: string[] = [];
  for (const [name, e] of events) {
    const values = e.samples.map((s) => s.latencyMs);
    const avg = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const meanDev = values.reduce((a, b) => a + Math.abs(b - avg), 0) / Math.max(1, values.length);
    const first = e.samples[0]?.timeSec ?? 0;
    const last = e.samples[e.samples.length - 1]?.timeSec ?? 0;
    const period = values.length === 0 ? 0 : (last - first) / values.length;
    text += `${i++}. ${name}: ${values.length} latency spikes (average ${Math.floor(avg)}ms, mean deviation ${Math.floor(meanDev)}ms, period ${period.toFixed(2)} sec). Worst all time event ${e.maxMs}ms.\n`;
    const line = ADVICE[name];
    if (line !== undefined && !advice.includes(line)) advice.push(line);
  }
  if (events.has('command') && slowlogUs > thresholdMs * 1000) {
    advice.unshift(`- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${thresholdMs * 1000}'.`);
  }
  text += '\nI have a few advices for you:\n\n';
  for (const line of advice) text += line + '\n';
  return text;
}

const GRAPH_ROWS = 4;
const GRAPH_WIDTH = 80;

/**
 * The event's samples as columns (oldest left), GRAPH_ROWS high between the lowest and highest
 * sample: '#' marks a column's top, '|' fills below it, '_' is a sample at the lowest level.
 * Under each column, vertically, how long ago the sample was taken (s, m, h).
 */
function graph(name: string, e: LatencyEvent, nowSec: number): string {
  const samples = e.samples.slice(-GRAPH_WIDTH);
  const values = samples.map((s) => s.latencyMs);
  const high = Math.max(...values);
  const low = Math.min(...values);
  let text = `${name} - high ${high} ms, low ${low} ms (all time high ${e.maxMs} ms)\n`;
  text += '-'.repeat(GRAPH_WIDTH) + '\n';
  const levels = values.map((v) => (high === low ? GRAPH_ROWS : Math.round(((v - low) / (high - low)) * (GRAPH_ROWS - 1)) + 1));
  for (let row = GRAPH_ROWS; row >= 1; row--) {
    let line = '';
    for (const level of levels) {
      if (level === row) line += level === 1 && high !== low ? '_' : '#';
      else line += level > row ? '|' : ' ';
    }
    text += line + '\n';
  }
  const labels = samples.map((s) => age(nowSec - s.timeSec));
  const height = Math.max(...labels.map((l) => l.length));
  for (let row = 0; row < height; row++) {
    text += labels.map((l) => l.padStart(height)[row] ?? ' ').join('') + '\n';
  }
  return text;
}

function age(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h`;
}

export const observeCommands: CommandDef[] = [
  { name: 'latency|latest', admin: latencyLatestCommand },
  { name: 'latency|history', admin: latencyHistoryCommand },
  { name: 'latency|reset', admin: latencyResetCommand },
  { name: 'latency|doctor', admin: latencyDoctorCommand },
  { name: 'latency|graph', admin: latencyGraphCommand },
  { name: 'latency|histogram', admin: latencyHistogramCommand },
  { name: 'latency|help', admin: latencyHelpCommand },
  { name: 'monitor', admin: monitorCommand },
];
