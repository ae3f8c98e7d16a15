// The chaos run behind `npm run chaos` (scripts/chaos.ts) and its short version in the normal
// suite (test/crash/chaos.test.ts): a vesta-server process under a mixed workload (writers that
// append sequence numbers to their own list, a client doing hashes, sets, sorted sets, expiries
// and transactions, and a client issuing BGSAVE and BGREWRITEAOF at random) is killed with
// SIGKILL at random moments and restarted on the same directory, cycle after cycle. After every
// restart each writer's list must be exactly 1..k (a prefix: no holes, nothing invented), with k
// no larger than what was sent and, per appendfsync mode: always and no, k at least what was
// acknowledged (a process kill loses nothing already written to the kernel); everysec, every
// lost write acknowledged within the fsync window before the kill (reported).

import { rmSync } from 'node:fs';
import { parseReply, RespClient } from '../helpers/resp-client.js';
import { startVesta, tempDir, type RunningServer } from '../helpers/servers.js';

export type Policy = 'always' | 'everysec' | 'no';

export interface ChaosOptions {
  durationMs: number;
  policies: readonly Policy[];
  writers?: number;
  /** Called with progress lines. */
  log?: (line: string) => void;
  seed?: number;
}

export interface ChaosReport {
  policy: Policy;
  cycles: number;
  ackedWrites: number;
  /** Acknowledged writes missing after a restart (must be 0 but for everysec). */
  lostWrites: number;
  /** The longest time between a lost write's acknowledgement and the kill (everysec). */
  lossWindowMsMax: number;
  violations: string[];
}

/** Redis's everysec bound: one second of fsync interval, writes postponed up to two more. */
const EVERYSEC_WINDOW_MS = 3000;

interface Writer {
  id: number;
  sent: number;
  acked: number;
  ackTimesMs: Map<number, number>;
  killedAtMs: number;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport[]> {
  const reports: ChaosReport[] = [];
  const perPolicyMs = Math.floor(options.durationMs / options.policies.length);
  let seed = options.seed ?? Date.now() % 2147483647;
  const random = (): number => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  for (const policy of options.policies) {
    reports.push(await runPolicy(policy, perPolicyMs, options, random));
  }
  return reports;
}

async function runPolicy(policy: Policy, durationMs: number, options: ChaosOptions,
  random: () => number): Promise<ChaosReport> {
  const log = options.log ?? (() => {});
  const dir = tempDir(`vesta-chaos-${policy}-`);
  const report: ChaosReport = { policy, cycles: 0, ackedWrites: 0, lostWrites: 0,
    lossWindowMsMax: 0, violations: [] };
  const writers: Writer[] = Array.from({ length: options.writers ?? 6 }, (_, id) =>
    ({ id, sent: 0, acked: 0, ackTimesMs: new Map(), killedAtMs: 0 }));
  const args = ['--appendonly', 'yes', '--appendfsync', policy, '--auto-aof-rewrite-min-size',
    '262144', '--auto-aof-rewrite-percentage', '50'];
  const deadline = Date.now() + durationMs;
  let port: number | undefined;
  try {
    while (Date.now() < deadline && report.violations.length === 0) {
      const preamble = random() < 0.5 ? 'yes' : 'no';
      let server: RunningServer;
      try {
        server = await startVesta({ dir, ...(port === undefined ? {} : { port }),
          args: [...args, '--aof-use-rdb-preamble', preamble] });
      } catch (error: unknown) {
        report.violations.push(`the server did not start: ${String(error)}`);
        break;
      }
      port = server.port;
      await verify(server, writers, report, policy);
      const killAfterMs = 150 + Math.floor(random() * 1200);
      const stop = { now: false };
      const work = [
        ...writers.map((w) => writeLoop(server.port, w, stop)),
        mixedLoop(server.port, stop, random),
        backgroundLoop(server.port, stop, random),
      ];
      await sleep(killAfterMs);
      const killedAtMs = Date.now();
      await server.kill();
      stop.now = true;
      await Promise.allSettled(work);
      report.cycles++;
      for (const w of writers) {
        w.killedAtMs = killedAtMs;
        for (const [seq, t] of w.ackTimesMs) if (t < killedAtMs - 10_000) w.ackTimesMs.delete(seq);
      }
      log(`${policy}: cycle ${report.cycles} killed after ${killAfterMs} ms, ` +
        `${writers.reduce((n, w) => n + w.acked, 0)} writes acknowledged so far`);
    }
    if (report.violations.length === 0 && port !== undefined) {
      const server = await startVesta({ dir, port, args });
      await verify(server, writers, report, policy);
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report.ackedWrites = writers.reduce((n, w) => n + w.acked, 0);
  return report;
}

/** Checks every writer's list after a restart; resets `sent`/`acked` to what survived. */
async function verify(server: RunningServer, writers: Writer[], report: ChaosReport,
  policy: Policy): Promise<void> {
  const c = await server.client();
  try {
    for (const w of writers) {
      const items = parseReply(await c.call('LRANGE', `log:${w.id}`, 0, -1)) as string[];
      const k = items.length;
      for (let i = 0; i < k; i++) {
        if (items[i] !== String(i + 1)) {
          report.violations.push(`writer ${w.id}: item ${i} is ${items[i]}, not ${i + 1}`);
          return;
        }
      }
      if (k > w.sent) report.violations.push(`writer ${w.id}: ${k} items but only ${w.sent} sent`);
      if (k < w.acked) {
        const lost = w.acked - k;
        report.lostWrites += lost;
        const firstLostAckMs = w.ackTimesMs.get(k + 1) ?? 0;
        const windowMs = w.killedAtMs - firstLostAckMs;
        report.lossWindowMsMax = Math.max(report.lossWindowMsMax, windowMs);
        if (policy !== 'everysec') {
          report.violations.push(`writer ${w.id}: ${lost} acknowledged writes lost under ` +
            `appendfsync ${policy} (${k} of ${w.acked})`);
        } else if (windowMs > EVERYSEC_WINDOW_MS) {
          report.violations.push(`writer ${w.id}: lost a write acknowledged ${windowMs} ms ` +
            'before the kill, beyond the everysec window');
        }
      }
      w.sent = k;
      w.acked = k;
    }
  } finally {
    c.close();
  }
}

async function writeLoop(port: number, w: Writer, stop: { now: boolean }): Promise<void> {
  const c = await RespClient.connect(port).catch(() => null);
  if (c === null) return;
  try {
    while (!stop.now) {
      const seq = w.sent + 1;
      w.sent = seq;
      const reply = await c.call('RPUSH', `log:${w.id}`, seq);
      if (!reply.startsWith(':')) throw new Error(`RPUSH replied ${reply}`);
      w.acked = seq;
      w.ackTimesMs.set(seq, Date.now());
    }
  } catch {
    // The connection died with the server: the in-flight write is sent, not acknowledged.
  } finally {
    c.close();
  }
}

async function mixedLoop(port: number, stop: { now: boolean }, random: () => number):
  Promise<void> {
  const c = await RespClient.connect(port).catch(() => null);
  if (c === null) return;
  try {
    for (let i = 0; !stop.now; i++) {
      const key = `mix:${Math.floor(random() * 50)}`;
      const pick = Math.floor(random() * 7);
      if (pick === 0) await c.call('HSET', `${key}:h`, `f${i % 20}`, i);
      else if (pick === 1) await c.call('SADD', `${key}:s`, i % 100);
      else if (pick === 2) await c.call('ZADD', `${key}:z`, random() * 100, `m${i % 30}`);
      else if (pick === 3) await c.call('INCRBYFLOAT', `${key}:f`, '1.5');
      else if (pick === 4) await c.call('SET', `${key}:e`, 'x'.repeat(i % 500), 'PX', 200);
      else if (pick === 5) await c.pipeline([['MULTI'], ['INCR', `${key}:n`], ['LPUSH', `${key}:l`,
        i], ['EXEC']]);
      else await c.call('DEL', `${key}:s`);
    }
  } catch {
    // The server was killed.
  } finally {
    c.close();
  }
}

async function backgroundLoop(port: number, stop: { now: boolean }, random: () => number):
  Promise<void> {
  const c = await RespClient.connect(port).catch(() => null);
  if (c === null) return;
  try {
    while (!stop.now) {
      await sleep(50 + Math.floor(random() * 300));
      await c.call(random() < 0.5 ? 'BGSAVE' : 'BGREWRITEAOF');
    }
  } catch {
    // The server was killed.
  } finally {
    c.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
