// Crash-state testing (ALICE/CrashMonkey style): a workload runs against an in-process server
// while src/platform/fs.ts records every file operation; for each crash point (every prefix of
// that log) test/crash/fs-model.ts builds on-disk states a power loss could leave (fsynced data
// and fsynced directory entries are kept; anything later may survive as a prefix, the last write
// torn); Vesta is started on each state and must recover a prefix of the acknowledged history:
// never a state that was not acknowledged-or-in-flight, and under appendfsync always never less
// than what was acknowledged. With RDB only, the floor is the last SAVE that replied OK.
// Bounded: at most CRASH_STATES_MAX distinct states per scenario (default 600), and
// CRASH_STATES_PER_POINT random states per crash point (default 8) besides the two extremes.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServer, type Directives } from '../../src/index.js';
import { setFsRecorder, type FsEvent } from '../../src/platform/fs.js';
import { RespClient } from '../helpers/resp-client.js';
import {
  CrashModel, EVERYTHING, materialize, NOTHING_UNSYNCED, randomChooser, stateKey,
} from './fs-model.js';

const STATES_MAX = Number(process.env['CRASH_STATES_MAX'] ?? 600);
const RANDOM_STATES_PER_POINT = Number(process.env['CRASH_STATES_PER_POINT'] ?? 8);
const KEY_SLOTS = 7;

type Logged =
  | FsEvent
  | { op: 'sent'; count: number }
  | { op: 'acked'; count: number; durable: boolean };

const dirs: string[] = [];
after(() => {
  setFsRecorder(null);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** The value op `i` writes: varied lengths so some writes span several chunks of the log. */
function valueOf(i: number): string {
  return `${i}:` + 'x'.repeat((i * 37) % 300);
}

/** The dataset after the first `count` ops: k0..k6 and `last`. */
function expectedAfter(count: number): Map<string, string> {
  const data = new Map<string, string>();
  for (let i = 1; i <= count; i++) {
    data.set(`k${i % KEY_SLOTS}`, valueOf(i));
    data.set('last', String(i));
  }
  return data;
}

interface Scenario {
  name: string;
  directives: Directives;
  ops: number;
  /** Extra commands issued (not awaited for completion) before op i. */
  extras: Record<number, string[][]>;
  /** How acknowledgements bound recovery from below. */
  floor: 'acked' | 'saved' | 'none';
}

/** Runs the workload with the recorder on; returns the log. */
async function record(scenario: Scenario, dir: string): Promise<Logged[]> {
  const log: Logged[] = [];
  setFsRecorder((event) => log.push(event));
  const handle = await startServer({ port: 0, bind: '127.0.0.1', dir, ...scenario.directives });
  const c = await RespClient.connect(handle.port);
  try {
    for (let i = 1; i <= scenario.ops; i++) {
      for (const extra of scenario.extras[i] ?? []) {
        const reply = await c.call(...extra);
        const durable = extra[0] === 'SAVE' && reply === '+OK\r\n';
        if (durable) log.push({ op: 'acked', count: i - 1, durable: true });
      }
      log.push({ op: 'sent', count: i });
      const reply = await c.call('MSET', `k${i % KEY_SLOTS}`, valueOf(i), 'last', String(i));
      assert.equal(reply, '+OK\r\n');
      log.push({ op: 'acked', count: i, durable: false });
    }
    await waitIdle(c);
  } finally {
    setFsRecorder(null);
    c.close();
    await handle.close({ save: false });
  }
  return log;
}

async function waitIdle(c: RespClient): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const info = await c.call('INFO', 'persistence');
    if (/rdb_bgsave_in_progress:0/.test(info) && /aof_rewrite_in_progress:0/.test(info) &&
      !/aof_rewrite_scheduled:1/.test(info)) {
      await new Promise((r) => setTimeout(r, 1100)); // one everysec fsync
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail('background work did not finish');
}

/** Starts Vesta on one crash state; returns the op count it recovered, or the refusal text. */
async function recover(scenario: Scenario, state: Map<string, Buffer>): Promise<number | string> {
  const dir = newDir('vesta-crash-state-');
  state.delete('vesta.lock');
  materialize(state, dir);
  let handle;
  try {
    handle = await startServer({ port: 0, bind: '127.0.0.1', dir, ...scenario.directives });
  } catch (error: unknown) {
    rmSync(dir, { recursive: true, force: true });
    return `refused to start: ${error instanceof Error ? error.message : String(error)}`;
  }
  try {
    const db = handle.server.keyspace.db(0);
    const actual = new Map<string, string>();
    for (const [key, value] of db.dict) actual.set(key, String(value));
    const count = Number(actual.get('last') ?? 0);
    const expected = expectedAfter(count);
    if (actual.size !== expected.size || [...expected].some(([k, v]) => actual.get(k) !== v)) {
      return `recovered a state that is no prefix of the history (last=${count}, keys ` +
        `${[...actual.keys()].sort().join(',')})`;
    }
    return count;
  } finally {
    await handle.close({ save: false });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Walks every crash point, checks a bounded sample of states at each. */
async function checkCrashStates(scenario: Scenario): Promise<{ points: number; states: number }> {
  const root = newDir(`vesta-crash-${scenario.name}-`);
  const log = await record(scenario, root);
  const model = new CrashModel(root);
  const results = new Map<string, number | string>();
  let seed = 0x9e3779b9;
  const random = (): number => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed / 4294967296;
  };
  let sent = 0;
  let acked = 0;
  let saved = 0;
  let points = 0;
  const failures: string[] = [];
  for (let p = 0; p <= log.length; p++) {
    if (p > 0) {
      const event = log[p - 1] as Logged;
      if (event.op === 'sent') sent = event.count;
      else if (event.op === 'acked') {
        if (event.durable) saved = event.count;
        else acked = event.count;
        continue;
      } else model.apply(event);
    }
    points++;
    const floor = scenario.floor === 'acked' ? acked : scenario.floor === 'saved' ? saved : 0;
    const choosers = [NOTHING_UNSYNCED, EVERYTHING];
    for (let r = 0; r < RANDOM_STATES_PER_POINT; r++) choosers.push(randomChooser(random));
    for (const choose of choosers) {
      const state = model.crashState(choose);
      const key = stateKey(state);
      let result = results.get(key);
      if (result === undefined) {
        if (results.size >= STATES_MAX) continue;
        result = await recover(scenario, state);
        results.set(key, result);
      }
      if (typeof result === 'string') failures.push(`crash point ${p}/${log.length}: ${result}`);
      else if (result < floor || result > sent) {
        failures.push(`crash point ${p}/${log.length}: recovered ${result} ops, acknowledged ` +
          `${floor}, sent ${sent}`);
      }
    }
  }
  assert.deepEqual([...new Set(failures)].slice(0, 10), []);
  return { points, states: results.size };
}

const scenarios: Scenario[] = [
  {
    name: 'always-preamble',
    directives: { save: '', appendonly: 'yes', appendfsync: 'always',
      'aof-use-rdb-preamble': 'yes' },
    ops: 24,
    extras: { 8: [['BGREWRITEAOF']], 14: [['BGSAVE']], 18: [['BGREWRITEAOF']] },
    floor: 'acked',
  },
  {
    // fsyncs on the libuv pool (the default runs fast fsyncs inline): both paths are modelled.
    name: 'always-commands-base-pool-fsync',
    directives: { save: '', appendonly: 'yes', appendfsync: 'always',
      'aof-use-rdb-preamble': 'no', 'vesta-aof-inline-fsync-max-us': '0' },
    ops: 20,
    extras: { 6: [['BGREWRITEAOF']], 12: [['BGREWRITEAOF']] },
    floor: 'acked',
  },
  {
    name: 'everysec',
    directives: { save: '', appendonly: 'yes', appendfsync: 'everysec' },
    ops: 20,
    extras: { 10: [['BGREWRITEAOF']] },
    floor: 'none',
  },
  {
    name: 'rdb-only',
    directives: { save: '', appendonly: 'no' },
    ops: 16,
    extras: { 5: [['SAVE']], 9: [['BGSAVE']], 12: [['SAVE']] },
    floor: 'saved',
  },
];

for (const scenario of scenarios) {
  test(`crash states (${scenario.name}): every sampled power-loss state recovers a prefix of the ` +
    'acknowledged history', async (t) => {
    const { points, states } = await checkCrashStates(scenario);
    t.diagnostic(`${points} crash points, ${states} distinct crash states started`);
    assert.ok(points > scenario.ops, `${points} crash points`);
    assert.ok(states > 5, `${states} distinct states`);
  });
}
