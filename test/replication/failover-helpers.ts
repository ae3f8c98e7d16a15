// Shared pieces of the FAILOVER tests: a master with one replica (any mix of redis-server and
// Vesta), stopping a process so it cannot acknowledge, and the INFO fields a failover changes.

import type { RespClient } from '../helpers/resp-client.js';
import { startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { caughtUp, info, until } from './helpers.js';

export type Kind = 'redis' | 'vesta';

/** No diskless delay; the default PING period (a PING every second would move the offset the
 * failover waits for as often as the replica acknowledges it). */
export function start(kind: Kind, args: string[] = []): Promise<RunningServer> {
  return (kind === 'redis' ? startRedis : startVesta)({ args: ['--repl-diskless-sync-delay', '0', ...args] });
}

export interface Pair {
  master: RunningServer;
  replica: RunningServer;
  m: RespClient;
  r: RespClient;
  stop(): Promise<void>;
}

/** A master of `masterKind` and its replica of `replicaKind`, synced, with a few keys. */
export async function pair(masterKind: Kind, replicaKind: Kind): Promise<Pair> {
  const master = await start(masterKind);
  const replica = await start(replicaKind, ['--replicaof', '127.0.0.1', String(master.port)]);
  const m = await master.client();
  const r = await replica.client();
  await m.pipeline([['SET', 'k1', 'v1'], ['HSET', 'h', 'f', '1'], ['SELECT', 3], ['RPUSH', 'l', 'a', 'b'], ['SELECT', 0]]);
  await caughtUp(m, r);
  // Online on the master's side too (FAILOVER TO refuses a replica that is not), and acknowledged.
  await until('the replica to be online and acknowledge', async () => {
    const line = await info(m, 'replication', 'slave0');
    return line.includes('state=online,') && line.includes(`offset=${await info(m, 'replication', 'master_repl_offset')},`);
  });
  return {
    master, replica, m, r,
    stop: async () => {
      m.close();
      r.close();
      await replica.stop();
      await master.stop();
    },
  };
}

/** SIGSTOP / SIGCONT: a stopped replica acknowledges nothing. */
export function freeze(server: RunningServer, frozen: boolean): void {
  server.process.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
}

export function failoverState(c: RespClient): Promise<string> {
  return info(c, 'replication', 'master_failover_state');
}

/** Waits until the process has logged `text` (both servers log to stdout here). */
export async function logged(server: RunningServer, text: string): Promise<void> {
  await until(`the log line "${text}"`, async () => server.output().includes(text));
}
