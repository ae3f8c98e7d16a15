// INFO replication with Redis 7.0's fields in its order (master and replica forms), and the
// replication counters of INFO stats.
// Redis equivalent: the "replication" section of genRedisInfoString in server.c.

import type { Server } from '../server/server.js';
import { ZERO_REPLID, type Replication } from './replication.js';

export type InfoFields = [string, string | number][];

export function replicationInfo(server: Server): InfoFields {
  const repl = server.replication;
  const config = server.config;
  if (repl === null) {
    return [
      ['role', 'master'],
      ['connected_slaves', 0],
      ['master_failover_state', 'no-failover'],
      ['master_replid', server.runId],
      ['master_replid2', ZERO_REPLID],
      ['master_repl_offset', 0],
      ['second_repl_offset', -1],
      ['repl_backlog_active', 0],
      ['repl_backlog_size', config.num('repl-backlog-size')],
      ['repl_backlog_first_byte_offset', 0],
      ['repl_backlog_histlen', 0],
    ];
  }
  const now = Date.now();
  const fields: InfoFields = [];
  if (repl.link === null) fields.push(['role', 'master']);
  else fields.push(...replicaFields(server, repl, now));
  fields.push(['connected_slaves', repl.peers.size]);
  if (config.num('min-replicas-to-write') > 0 && config.num('min-replicas-max-lag') > 0) {
    fields.push(['min_slaves_good_slaves', repl.goodReplicas()]);
  }
  let i = 0;
  for (const peer of repl.peers.values()) {
    const state = peer.shownState;
    const lag = Math.floor((now - peer.ackTimeMs) / 1000);
    fields.push([`slave${i++}`, `ip=${peer.ip},port=${peer.listeningPort},state=${state},offset=${peer.ackOffset},lag=${lag}`]);
  }
  const backlog = repl.backlog;
  fields.push(
    ['master_failover_state', repl.failover.state],
    ['master_replid', repl.replid],
    ['master_replid2', repl.replid2],
    ['master_repl_offset', repl.offset],
    ['second_repl_offset', repl.secondOffset],
    ['repl_backlog_active', backlog === null ? 0 : 1],
    ['repl_backlog_size', config.num('repl-backlog-size')],
    ['repl_backlog_first_byte_offset', backlog === null ? 0 : backlog.firstByteOffset],
    ['repl_backlog_histlen', backlog === null ? 0 : backlog.histlen],
  );
  return fields;
}

/** A replica's fields about its master link, from role to replica_announced. */
function replicaFields(server: Server, repl: Replication, now: number): InfoFields {
  const config = server.config;
  const link = repl.link;
  if (link === null) return [];
  const fields: InfoFields = [];
  const up = link.state === 'connected';
  const syncing = link.state === 'transfer';
  fields.push(
    ['role', 'slave'],
    ['master_host', link.host],
    ['master_port', link.port],
    ['master_link_status', up ? 'up' : 'down'],
    ['master_last_io_seconds_ago', up ? Math.floor((now - link.lastIoMs) / 1000) : -1],
    ['master_sync_in_progress', syncing ? 1 : 0],
    ['slave_read_repl_offset', up ? link.readOffset : repl.offset],
    ['slave_repl_offset', repl.offset],
  );
  if (syncing) {
    // Redis's arithmetic: an `$EOF:` payload (size 0) has negative bytes left; before the
    // header (size -1) the share is -0.00.
    const size = link.transferSize;
    const perc = size === 0 ? 0 : (link.transferRead / size) * 100;
    fields.push(
      ['master_sync_total_bytes', size],
      ['master_sync_read_bytes', link.transferRead],
      ['master_sync_left_bytes', size - link.transferRead],
      ['master_sync_perc', Object.is(perc, -0) ? '-0.00' : perc.toFixed(2)],
      ['master_sync_last_io_seconds_ago', Math.floor((now - link.lastIoMs) / 1000)],
    );
  }
  if (!up) fields.push(['master_link_down_since_seconds', Math.floor((now - link.downSinceMs) / 1000)]);
  fields.push(
    ['slave_priority', config.num('replica-priority')],
    ['slave_read_only', config.bool('replica-read-only') ? 1 : 0],
    ['replica_announced', config.bool('replica-announced') ? 1 : 0],
  );
  return fields;
}

/** sync_full, sync_partial_ok, sync_partial_err and the replication byte counters. */
export function replicationStats(server: Server): {
  syncFull: number; syncPartialOk: number; syncPartialErr: number; replInputBytes: number; replOutputBytes: number;
} {
  const repl = server.replication;
  return repl?.stats ?? { syncFull: 0, syncPartialOk: 0, syncPartialErr: 0, replInputBytes: 0, replOutputBytes: 0 };
}
