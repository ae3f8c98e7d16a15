// The server's counters: INFO stats' figures, the instantaneous ops/kbps samples cron takes,
// the slow log's entries, and resetting them all (CONFIG RESETSTAT). Plain data and functions;
// the Server holds one ServerStats and calls these. Redis equivalent: the stat_* fields of
// struct redisServer, trackInstantaneousMetric (server.c) and resetServerStats.

export interface ServerStats {
  connectionsReceived: number;
  rejectedConnections: number;
  commandsProcessed: number;
  netInputBytes: number;
  netOutputBytes: number;
  errorReplies: number;
  /**
   * errorReplies when the last command was counted: a command failed if errorReplies moved
   * since. One counter for the server, not one per call, as Redis's prev_err_count: a command
   * run inside another (EXEC's queue) takes its errors with it, so EXEC itself fails only when
   * it replies an error of its own (EXECABORT), and an error replied between commands (a blocked
   * client unblocked with an error) is charged to the command that caused it.
   */
  errorRepliesAtLastCall: number;
  readsProcessed: number;
  writesProcessed: number;
  opsSamples: number[];
  inputKbpsSamples: number[];
  outputKbpsSamples: number[];
  lastSampleInputBytes: number;
  lastSampleOutputBytes: number;
  lastOpsSampleCommands: number;
  lastOpsSampleMs: number;
}

export interface SlowlogEntry {
  id: number;
  timeSec: number;
  usec: number;
  argv: string[];
  address: string;
  name: string;
}

/** Zeroed counters, the ops sample clock starting now. */
export function newServerStats(nowMs: number): ServerStats {
  return {
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    errorReplies: 0,
    errorRepliesAtLastCall: 0,
    readsProcessed: 0,
    writesProcessed: 0,
    opsSamples: [],
    inputKbpsSamples: [],
    outputKbpsSamples: [],
    lastSampleInputBytes: 0,
    lastSampleOutputBytes: 0,
    lastOpsSampleCommands: 0,
    lastOpsSampleMs: nowMs,
  };
}

/** CONFIG RESETSTAT's part of the counters (the ops sample clock keeps running). */
export function resetServerStats(s: ServerStats): void {
  s.connectionsReceived = 0;
  s.rejectedConnections = 0;
  s.commandsProcessed = 0;
  s.netInputBytes = 0;
  s.netOutputBytes = 0;
  s.errorReplies = 0;
  s.errorRepliesAtLastCall = 0;
  s.readsProcessed = 0;
  s.writesProcessed = 0;
  s.opsSamples = [];
  s.inputKbpsSamples = [];
  s.outputKbpsSamples = [];
  s.lastSampleInputBytes = 0;
  s.lastSampleOutputBytes = 0;
  s.lastOpsSampleCommands = 0;
}

/** Cron's instantaneous metrics: one sample per 100 ms or more, the last 16 kept. */
export function sampleOps(s: ServerStats, now: number): void {
  const elapsed = now - s.lastOpsSampleMs;
  if (elapsed < 100) return;
  const ops = s.commandsProcessed - s.lastOpsSampleCommands;
  s.opsSamples.push(Math.round((ops * 1000) / elapsed));
  s.inputKbpsSamples.push((s.netInputBytes - s.lastSampleInputBytes) / 1024 / (elapsed / 1000));
  s.outputKbpsSamples.push((s.netOutputBytes - s.lastSampleOutputBytes) / 1024 / (elapsed / 1000));
  for (const list of [s.opsSamples, s.inputKbpsSamples, s.outputKbpsSamples]) if (list.length > 16) list.shift();
  s.lastSampleInputBytes = s.netInputBytes;
  s.lastSampleOutputBytes = s.netOutputBytes;
  s.lastOpsSampleCommands = s.commandsProcessed;
  s.lastOpsSampleMs = now;
}

export function resetCommandStats(stats: { calls: number; usec: number; rejectedCalls: number; failedCalls: number }): void {
  stats.calls = 0;
  stats.usec = 0;
  stats.rejectedCalls = 0;
  stats.failedCalls = 0;
}

