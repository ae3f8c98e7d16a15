// INFO persistence's aof_* fields, read from the AOF's state. Redis equivalent: the AOF part of
// genRedisInfoString's Persistence section (server.c).

import type { InfoFields } from '../../observe/info.js';
import type { Aof } from './aof.js';

/** aof_enabled ... aof_last_cow_size, in Redis 7.0's order. */
export function aofInfoFields(aof: Aof): InfoFields {
  const startedMs = aof.rewriteStartedMs;
  return [
    ['aof_enabled', aof.state === 'off' ? 0 : 1],
    ['aof_rewrite_in_progress', startedMs === null ? 0 : 1],
    ['aof_rewrite_scheduled', aof.rewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', aof.lastRewriteTimeSec],
    ['aof_current_rewrite_time_sec', startedMs === null ? -1
      : Math.floor((Date.now() - startedMs) / 1000)],
    ['aof_last_bgrewrite_status', aof.lastRewriteOk ? 'ok' : 'err'],
    ['aof_rewrites', aof.rewritesStarted],
    ['aof_rewrites_consecutive_failures', aof.rewriteConsecutiveFailures],
    ['aof_last_write_status', aof.writer.errorText === null ? 'ok' : 'err'],
    ['aof_last_cow_size', aof.lastCowBytes],
  ];
}

/** aof_current_size ... aof_delayed_fsync, present only while the AOF is on. */
export function aofEnabledInfoFields(aof: Aof): InfoFields {
  if (aof.state === 'off') return [];
  return [
    ['aof_current_size', aof.writer.totalBytes],
    ['aof_base_size', aof.baseSizeBytes],
    ['aof_pending_rewrite', aof.rewriteScheduled ? 1 : 0],
    ['aof_buffer_length', aof.writer.buffer.length],
    ['aof_pending_bio_fsync', aof.writer.fsyncPending ? 1 : 0],
    ['aof_delayed_fsync', aof.writer.delayedFsyncs],
  ];
}
