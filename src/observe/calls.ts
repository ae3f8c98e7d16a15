// What is observed about each executed command after it ran: the per-command latency histogram
// (INFO latencystats, LATENCY HISTOGRAM), the latency monitor's "command"/"fast-command" event,
// the slow log, and the MONITOR feed. dispatch.ts calls afterCall() once per call(); this file
// never changes the keyspace or the calling client's reply.
// Redis equivalent: the statistics half of call() in server.c, slowlog.c's
// slowlogPushEntryIfNeeded and replicationFeedMonitors in replication.c.

import { ClientFlag, type Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { CommandFlag, type Command } from '../commands/table.js';

/** Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
const SLOWLOG_ARGS_MAX = 32;
const SLOWLOG_ARG_BYTES_MAX = 128;

/**
 * Records one executed command. `durationNs` is the handler's run time; `usec` is the same,
 * rounded as commandstats counts it.
 */
// eslint-disable-next-line max-params -- runs after every command; positional arguments spare an object per call
export function afterCall(server: Server, c: Client, cmd: Command, argv: string[], durationNs: number): void {
  const usec = Math.round(durationNs / 1000);
  // A command that blocked has not finished: its latency is recorded when it is served.
  if (c.has(ClientFlag.blocked)) c.blockedCall = { cmd, durationNs };
  else if (server.latencyTracking) server.commandLatencies.record(cmd.fullName, cmd.stats, durationNs);
  const fast = (cmd.flags & CommandFlag.fast) !== 0;
  server.latency.addSampleIfNeeded(fast ? 'fast-command' : 'command', durationNs / 1e6);
  const skipSlowlog = (cmd.flags & CommandFlag.skipSlowlog) !== 0;
  if (!skipSlowlog && server.slowlogThresholdUs >= 0 && usec >= server.slowlogThresholdUs) {
    server.slowlogPush(c, slowlogArgv(redactedArgv(cmd, argv)), usec);
  }
  if (server.monitors.size > 0 && !server.loading && (cmd.flags & (CommandFlag.admin | CommandFlag.skipMonitor)) === 0) {
    feedMonitors(server, c, redactedArgv(cmd, argv));
  }
}

/**
 * A blocked command ends. Served (its key became ready) or ended by CLIENT UNBLOCK, it is
 * completed as Redis 7.0's updateStatsOnUnblock does: the time of its call plus `replyNs` (the
 * serving) goes into its usec and latency histogram (the wait itself is not counted), and it
 * failed if `failed` (CLIENT UNBLOCK always says so, as Redis counts it). A timeout or a
 * disconnect records nothing (`complete` false), as in Redis 7.0.
 */
export function afterUnblock(server: Server, c: Client, options: { complete: boolean; replyNs: number; failed: boolean }): void {
  const blocked = c.blockedCall;
  c.blockedCall = null;
  if (blocked === null || !options.complete || !c.caller.stats) return;
  const { cmd } = blocked;
  const durationNs = blocked.durationNs + options.replyNs;
  cmd.stats.usec += Math.round(options.replyNs / 1000);
  if (options.failed) cmd.stats.failedCalls++;
  if (server.latencyTracking) server.commandLatencies.record(cmd.fullName, cmd.stats, durationNs);
}

/** Sends `+<unix.micro> [db addr] "arg" ...` to every MONITOR client. */
export function feedMonitors(server: Server, c: Client, argv: readonly string[]): void {
  const line = monitorLine(c, argv, Date.now(), performance.now());
  for (const m of server.monitors) {
    m.addReplyRaw(line);
    server.queueFlush(m);
  }
}

/**
 * One MONITOR line. The microseconds come from the ms wall clock plus the sub-ms part of the
 * monotonic clock, so successive lines are ordered and carry six digits as Redis's do. `from`
 * is the client that ran the command (its db and address).
 */
export function monitorLine(
  from: { dbIndex: number; address: string }, argv: readonly string[], nowMs: number, monoMs: number,
): string {
  const { dbIndex, address } = from;
  const micros = (nowMs % 1000) * 1000 + (Math.floor(monoMs * 1000) % 1000);
  let line = `+${Math.floor(nowMs / 1000)}.${String(micros).padStart(6, '0')} [${dbIndex} ${address}]`;
  for (const arg of argv) line += ' ' + quoteRepr(arg);
  return line + '\r\n';
}

/**
 * A byte string quoted as Redis shows it in MONITOR (sdscatrepr): backslash escapes for
 * \\ " \n \r \t \a \b, printable ASCII as is, every other byte as \xhh.
 */
export function quoteRepr(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = text[i] as string;
    if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (code === 10) out += '\\n';
    else if (code === 13) out += '\\r';
    else if (code === 9) out += '\\t';
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else out += '\\x' + code.toString(16).padStart(2, '0');
  }
  return out + '"';
}

/** Secrets never reach MONITOR or the slow log: AUTH's arguments, HELLO's AUTH pair. */
function redactedArgv(cmd: Command, argv: string[]): string[] {
  const name = (cmd.parent ?? cmd).fullName;
  if (name === 'auth') return argv.map((a, i) => (i === 0 ? a : '(redacted)'));
  if (name !== 'hello') return argv;
  const out = [...argv];
  for (let i = 2; i < out.length; i++) {
    if ((out[i] as string).toLowerCase() === 'auth' && i + 2 < out.length) {
      out[i + 1] = '(redacted)';
      out[i + 2] = '(redacted)';
      i += 2;
    } else if ((out[i] as string).toLowerCase() === 'setname') {
      i += 1;
    }
  }
  return out;
}

/** At most 32 arguments (the last says how many more) and 128 bytes each, as Redis keeps. */
function slowlogArgv(argv: string[]): string[] {
  const count = Math.min(argv.length, SLOWLOG_ARGS_MAX);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (count === SLOWLOG_ARGS_MAX && argv.length > SLOWLOG_ARGS_MAX && i === count - 1) {
      out.push(`... (${argv.length - SLOWLOG_ARGS_MAX + 1} more arguments)`);
      break;
    }
    const arg = argv[i] as string;
    out.push(arg.length > SLOWLOG_ARG_BYTES_MAX
      ? `${arg.slice(0, SLOWLOG_ARG_BYTES_MAX)}... (${arg.length - SLOWLOG_ARG_BYTES_MAX} more bytes)`
      : arg);
  }
  return out;
}
