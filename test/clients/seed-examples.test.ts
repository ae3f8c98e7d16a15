// The seed document's examples, run with real clients against real redis-server 7.0 and Vesta:
// what each client observes must be the same on both. redis-py (Debian's python3-redis, run
// with /usr/bin/python3) runs the scripts in test/clients/py/; ioredis and node-redis run the
// same session-store, transaction-log and pub/sub flows; redis-cli runs one-shot commands,
// stdin scripts and --pipe mass insertion.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';
import { haveRedis, REDIS_CLI, requireBinary, requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';

const PYTHON = '/usr/bin/python3';
/** A client that waits for a reply that never comes must fail the test, not hang the run. */
const TEST_TIMEOUT_MS = 60_000;
const PY_DIR = resolve('test/clients/py');

let redis: RunningServer | null = null;
let vesta: RunningServer | null = null;

before(async () => {
  if (haveRedis()) [redis, vesta] = await Promise.all([startRedis(), startVesta()]);
});
after(async () => {
  await Promise.all([redis?.stop(), vesta?.stop()]);
});

function servers(): [RunningServer, RunningServer] {
  assert.ok(redis !== null && vesta !== null, 'servers not started');
  return [redis, vesta];
}

/** Runs `fn` against Redis and then Vesta (each on a flushed db 0) and returns both results. */
async function onBoth<T>(fn: (port: number) => Promise<T>): Promise<[T, T]> {
  const [r, v] = servers();
  const results: T[] = [];
  for (const server of [r, v]) {
    const c = await server.client();
    await c.call('FLUSHALL');
    c.close();
    results.push(await fn(server.port));
  }
  return [results[0] as T, results[1] as T];
}

// ---------------------------------------------------------------------------- redis-py

function havePythonRedis(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import redis'], { stdio: 'ignore' }).status === 0;
}

/** Like requireRedis, for Debian's python3-redis: a visible skip, or a failure in CI. */
function requirePythonRedis(t: TestContext): boolean {
  if (!requireRedis(t)) return false;
  return requireBinary(t, `${PYTHON} with the redis module (python3-redis)`, havePythonRedis());
}

interface PyStep {
  step: string;
  value: unknown;
}

/** Runs a script from test/clients/py against a port; it must exit 0 with nothing on stderr. */
function runPython(script: string, port: number, args: string[] = []): PyStep[] {
  const r = spawnSync(PYTHON, [resolve(PY_DIR, script), String(port), ...args], {
    cwd: PY_DIR,
    // No __pycache__ in the source tree.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 0, `${script} against port ${port} failed:\n${r.stderr}`);
  assert.equal(r.stderr, '', `${script} wrote to stderr`);
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as PyStep);
}

/** Each script gets fresh servers, so counters such as rdb_changes_since_last_save compare. */
async function pythonOnFreshServers(script: string): Promise<[PyStep[], PyStep[]]> {
  const [r, v] = await Promise.all([startRedis(), startVesta()]);
  try {
    return [runPython(script, r.port), runPython(script, v.port)];
  } finally {
    await Promise.all([r.stop(), v.stop()]);
  }
}

function stepValue(steps: PyStep[], name: string): unknown {
  const found = steps.find((s) => s.step === name);
  assert.ok(found !== undefined, `no step ${name}`);
  return found.value;
}

test('redis-py: e-commerce session store (HSET mapping, EXPIRE, read back, TTL)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!requirePythonRedis(t)) return;
  const [expected, actual] = await pythonOnFreshServers('session_store.py');
  // The seed's session holds a list, which redis-py refuses before sending anything.
  assert.equal((stepValue(expected, 'seed_as_written') as { error: string }).error, 'DataError');
  assert.equal(stepValue(expected, 'ttl'), 3600);
  assert.deepEqual(actual, expected);
});

test('redis-py: financial transaction log (pipeline LPUSH + INCRBY 100.0 in MULTI/EXEC)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!requirePythonRedis(t)) return;
  const [expected, actual] = await pythonOnFreshServers('transaction_log.py');
  // Redis runs the transaction: the LPUSH is applied, INCRBY "100.0" fails inside EXEC's reply.
  assert.match(JSON.stringify(stepValue(expected, 'seed_usage')), /INCRBY balance:user123 100\.0.*not an integer/);
  assert.equal(stepValue(expected, 'seed_llen'), 1);
  assert.deepEqual(actual, expected);
});

test('redis-py: check_persistence_health reads INFO persistence', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!requirePythonRedis(t)) return;
  const [expected, actual] = await pythonOnFreshServers('persistence_health.py');
  // The fields the seed's function reads must exist and agree; the script ran without exceptions.
  const fields = stepValue(actual, 'fields') as string[];
  const read = ['rdb_changes_since_last_save', 'rdb_last_save_time', 'aof_enabled'];
  for (const f of [...read, 'aof_rewrite_in_progress', 'rdb_bgsave_in_progress']) {
    assert.ok(fields.includes(f), `INFO persistence lacks ${f}`);
  }
  for (const step of ['health_fresh', 'health_after_writes', 'alerts', 'last_save_recent']) {
    assert.deepEqual(stepValue(actual, step), stepValue(expected, step), step);
  }
  const redisFields = stepValue(expected, 'fields') as string[];
  const missing = redisFields.filter((f) => !fields.includes(f));
  const extra = fields.filter((f) => !redisFields.includes(f));
  if (missing.length + extra.length > 0) {
    t.diagnostic(`INFO persistence differs: missing ${missing.join(',')} extra ${extra.join(',')}`);
  }
  // Where both have a field, redis-py must parse it to the same type.
  const types = [stepValue(expected, 'types'), stepValue(actual, 'types')] as Record<string, string>[];
  for (const f of fields.filter((x) => redisFields.includes(x))) {
    assert.equal(types[1]?.[f], types[0]?.[f], `type of ${f}`);
  }
});

test('redis-py: check_persistence_health alerts when saves fail and changes pile up', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!requirePythonRedis(t)) return;
  // dbfilename is protected: CONFIG SET needs enable-protected-configs. A directory where the dump
  // should go makes the final rename of every save fail, on Redis and on Vesta alike.
  const options = { args: ['--enable-protected-configs', 'yes'] };
  const [r, v] = await Promise.all([startRedis(options), startVesta(options)]);
  try {
    const results: PyStep[][] = [];
    for (const server of [r, v]) {
      mkdirSync(join(server.dir, 'blocked.rdb'));
      results.push(runPython('persistence_health.py', server.port, ['failing-saves']));
    }
    const [expected, actual] = results as [PyStep[], PyStep[]];
    assert.equal(stepValue(expected, 'failed_status'), 'err');
    assert.deepEqual(stepValue(expected, 'failing_alerts'), ['RDB: No recent backup with pending changes']);
    assert.deepEqual(stepValue(expected, 'fixed_alerts'), ['RDB: No recent backup with pending changes']);
    for (const step of ['failed_status', 'failing_checks', 'failing_alerts', 'no_alert_without_clock',
      'fixed_checks', 'fixed_alerts']) {
      assert.deepEqual(stepValue(actual, step), stepValue(expected, step), step);
    }
    // spawnSync held the event loop: let the server's log lines arrive first.
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    assert.match(v.output(), /Background saving error after \d+\.\d{3} seconds/);
  } finally {
    await Promise.all([r.stop(), v.stop()]);
  }
});

// ---------------------------------------------------------------------------- ioredis

const SESSION_KEY = 'session:user:12345';
const SESSION = {
  user_id: '12345',
  cart_items: JSON.stringify(['item1', 'item2']),
  last_activity: '2024-01-15T10:30:00Z',
};
const TXN = JSON.stringify({ user_id: 'user123', amount: 100.0, type: 'credit' });

function sortedObject(o: Record<string, string>): [string, string][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function ioredis(port: number): IORedis {
  return new IORedis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, enableOfflineQueue: true });
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : `not an error: ${String(e)}`;
}

test('ioredis: session store', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!requireRedis(t)) return;
  const [expected, actual] = await onBoth(async (port) => {
    const r = ioredis(port);
    try {
      const log: unknown[] = [];
      log.push(await r.hset(SESSION_KEY, SESSION));
      log.push(await r.expire(SESSION_KEY, 3600));
      log.push(sortedObject(await r.hgetall(SESSION_KEY)));
      log.push(await r.ttl(SESSION_KEY));
      log.push(await r.hmget(SESSION_KEY, 'user_id', 'missing'));
      log.push(await r.hincrby(SESSION_KEY, 'views', 3));
      log.push(await r.type(SESSION_KEY));
      log.push(await r.persist(SESSION_KEY));
      log.push(await r.ttl(SESSION_KEY));
      log.push(await r.hincrby(SESSION_KEY, 'user_id', '1.5').catch(errorText));
      log.push(sortedObject(await r.hgetall('session:none')));
      return log;
    } finally {
      r.disconnect();
    }
  });
  assert.equal(expected[3], 3600);
  assert.deepEqual(actual, expected);
});

test('ioredis: transaction log with MULTI/EXEC, a plain pipeline and WATCH', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!requireRedis(t)) return;
  const [expected, actual] = await onBoth(async (port) => {
    const r = ioredis(port);
    const other = ioredis(port);
    try {
      const log: unknown[] = [];
      const asPairs = (res: [Error | null, unknown][] | null): unknown =>
        res === null ? null : res.map(([e, v]) => [e === null ? null : errorText(e), v]);
      // The seed's amount 100.00 written as the text redis-py sends: "100.0".
      log.push(asPairs(await r.multi().lpush('transactions:user123', TXN).incrby('balance:user123', '100.0').exec()));
      log.push(await r.llen('transactions:user123'), await r.get('balance:user123'));
      log.push(asPairs(await r.multi().lpush('transactions:user123', TXN).incrby('balance:user123', 100).exec()));
      log.push(asPairs(await r.pipeline().lpush('t:p', 'a', 'b').incrby('b:p', '2.5').incrby('b:p', 2).exec()));
      // An unknown command inside MULTI: EXEC is refused with EXECABORT.
      log.push(await r.multi().set('x', '1').call('NOSUCHCMD').exec().then(asPairs, errorText));
      log.push(await r.exists('x'));
      // WATCH: another connection's write makes EXEC return null.
      await r.watch('balance:user123');
      await other.incrby('balance:user123', 1);
      log.push(asPairs(await r.multi().incrby('balance:user123', 1000).exec()));
      log.push(await r.get('balance:user123'));
      return log;
    } finally {
      r.disconnect();
      other.disconnect();
    }
  });
  assert.match(String(JSON.stringify(expected[0])), /not an integer or out of range/);
  assert.deepEqual(actual, expected);
});

/** Waits until `log` has `count` entries (messages arrive asynchronously). */
async function waitFor(log: unknown[], count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (log.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

test('ioredis: pub/sub with channels and patterns', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!requireRedis(t)) return;
  const [expected, actual] = await onBoth(async (port) => {
    const sub = ioredis(port);
    const pub = ioredis(port);
    const messages: unknown[] = [];
    sub.on('message', (channel: string, message: string) => messages.push(['message', channel, message]));
    sub.on('pmessage', (pattern: string, channel: string, message: string) =>
      messages.push(['pmessage', pattern, channel, message]),
    );
    try {
      const log: unknown[] = [];
      log.push(await sub.subscribe('orders', 'alerts'));
      log.push(await sub.psubscribe('orders.*'));
      log.push(await pub.publish('orders', 'order 1'));
      log.push(await pub.publish('orders.eu', 'order 2'));
      log.push(await pub.publish('alerts', 'disk full'));
      log.push(await pub.publish('nobody', 'x'));
      await waitFor(messages, 3);
      log.push(await pub.pubsub('NUMSUB', 'orders', 'alerts', 'nobody'));
      log.push(await pub.pubsub('NUMPAT'));
      log.push(await sub.unsubscribe('orders'));
      log.push(await pub.publish('orders', 'lost'));
      log.push(await sub.punsubscribe('orders.*')); // ioredis 6 never settles a bare PUNSUBSCRIBE
      log.push(await pub.publish('orders.eu', 'lost'));
      log.push(await pub.publish('alerts', 'last'));
      await waitFor(messages, 4);
      log.push(messages);
      return log;
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });
  assert.equal((expected.at(-1) as unknown[]).length, 4);
  assert.deepEqual(actual, expected);
});

// ---------------------------------------------------------------------------- node-redis

async function nodeRedis(port: number, resp: 2 | 3 = 2) {
  const client = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: false }, RESP: resp });
  client.on('error', () => {});
  await client.connect();
  return client;
}

test('node-redis: session store', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!requireRedis(t)) return;
  const [expected, actual] = await onBoth(async (port) => {
    const r = await nodeRedis(port);
    try {
      const log: unknown[] = [];
      log.push(await r.hSet(SESSION_KEY, SESSION));
      log.push(await r.expire(SESSION_KEY, 3600));
      log.push(sortedObject(await r.hGetAll(SESSION_KEY)));
      log.push(await r.ttl(SESSION_KEY));
      log.push(await r.hmGet(SESSION_KEY, ['user_id', 'missing']));
      log.push(await r.hIncrBy(SESSION_KEY, 'views', 3));
      log.push(await r.type(SESSION_KEY));
      log.push(await r.persist(SESSION_KEY));
      log.push(await r.ttl(SESSION_KEY));
      log.push(await r.sendCommand(['HINCRBY', SESSION_KEY, 'user_id', '1.5']).catch(errorText));
      return log;
    } finally {
      r.destroy();
    }
  });
  assert.equal(expected[3], 3600);
  assert.deepEqual(actual, expected);
});

test('node-redis: transaction log with MULTI/EXEC, a pipeline and WATCH', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!requireRedis(t)) return;
  const [expected, actual] = await onBoth(async (port) => {
    const r = await nodeRedis(port);
    const other = await nodeRedis(port);
    const multiError = (e: unknown): unknown => {
      const replies = (e as { replies?: unknown[] }).replies;
      return replies === undefined ? errorText(e) : replies.map((x) => (x instanceof Error ? errorText(x) : x));
    };
    try {
      const log: unknown[] = [];
      // The seed's amount 100.00, sent as redis-py sends it: "100.0".
      const seed = r.multi().lPush('transactions:user123', TXN).addCommand(['INCRBY', 'balance:user123', '100.0']);
      log.push(await seed.exec().catch(multiError));
      log.push(await r.lLen('transactions:user123'), await r.get('balance:user123'));
      log.push(await r.multi().lPush('transactions:user123', TXN).incrBy('balance:user123', 100).exec());
      log.push(await r.multi().lPush('t:p', ['a', 'b']).incrBy('b:p', 2).execAsPipeline());
      await r.watch('balance:user123');
      await other.incrBy('balance:user123', 1);
      log.push(await r.multi().incrBy('balance:user123', 1000).exec().catch(errorText));
      log.push(await r.get('balance:user123'));
      return log;
    } finally {
      r.destroy();
      other.destroy();
    }
  });
  assert.match(JSON.stringify(expected[0]), /not an integer or out of range/);
  assert.deepEqual(actual, expected);
});

for (const resp of [2, 3] as const) {
  test(`node-redis: pub/sub over RESP${resp}`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (!requireRedis(t)) return;
    const [expected, actual] = await onBoth(async (port) => {
      const pub = await nodeRedis(port, resp);
      const sub = await nodeRedis(port, resp);
      const messages: unknown[] = [];
      try {
        const log: unknown[] = [];
        await sub.subscribe(['orders', 'alerts'], (message, channel) => messages.push(['message', channel, message]));
        await sub.pSubscribe('orders.*', (message, channel) => messages.push(['pmessage', channel, message]));
        log.push(await pub.publish('orders', 'order 1'));
        log.push(await pub.publish('orders.eu', 'order 2'));
        log.push(await pub.publish('alerts', 'disk full'));
        await waitFor(messages, 3);
        log.push(await pub.pubSubNumSub(['orders', 'alerts', 'nobody']));
        log.push(await pub.pubSubNumPat());
        log.push([...(await pub.pubSubChannels())].sort());
        await sub.unsubscribe('orders');
        log.push(await pub.publish('orders', 'lost'));
        await sub.pUnsubscribe();
        log.push(await pub.publish('alerts', 'last'));
        await waitFor(messages, 4);
        log.push(messages);
        if (resp === 3) log.push(await sub.get('k')); // RESP3 allows commands while subscribed
        return log;
      } finally {
        pub.destroy();
        sub.destroy();
      }
    });
    assert.equal((expected.at(resp === 3 ? -2 : -1) as unknown[]).length, 4);
    assert.deepEqual(actual, expected);
  });
}

// ---------------------------------------------------------------------------- redis-cli

function cli(port: number, args: string[], input?: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(REDIS_CLI, ['-p', String(port), ...args], { input, encoding: 'latin1', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

test('redis-cli: one-shot commands and a stdin script print the same', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!requireRedis(t)) return;
  const commands: string[][] = [
    ['SET', 'counter', '1'],
    ['INCR', 'counter'],
    ['INCRBY', 'counter', '100.0'],
    ['GET', 'counter'],
    ['HSET', 'session:user:12345', 'user_id', '12345', 'last_activity', '2024-01-15T10:30:00Z'],
    ['EXPIRE', 'session:user:12345', '3600'],
    ['TTL', 'session:user:12345'],
    ['HGETALL', 'session:user:12345'],
    ['EXISTS', 'counter', 'nope'],
    ['GET', 'nope'],
    ['DEL', 'counter'],
    ['PING'],
    ['NOSUCHCOMMAND'],
    ['SET', 'only-key'],
  ];
  const script = 'SET a 1\nINCR a\nGET a\nMULTI\nINCR a\nINCRBY a 1.5\nEXEC\nGET a\n';
  const [expected, actual] = await onBoth(async (port) => {
    const outputs = commands.map((args) => cli(port, args));
    outputs.push(cli(port, [], script));
    outputs.push(cli(port, ['--no-raw'], script));
    const lastsave = cli(port, ['LASTSAVE']).stdout.trim();
    const stats = cli(port, ['INFO', 'stats']).stdout.split('\r\n');
    const forks = stats.filter((l) => l.includes('fork')).map((l) => l.split(':')[0]);
    return { outputs, lastsaveIsInteger: /^\d+$/.test(lastsave), forks };
  });
  assert.equal(expected.outputs[0]?.stdout, 'OK\n');
  assert.deepEqual(actual, expected);
});

test('redis-cli --pipe: mass insertion of 100k SET commands', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!requireRedis(t)) return;
  const count = 100_000;
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = `key:${i}`;
    const value = `value:${i}`;
    parts.push(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`);
  }
  const input = parts.join('');
  const timings: string[] = [];
  for (const server of servers()) {
    const c = await server.client();
    await c.call('FLUSHALL');
    const start = performance.now();
    const r = cli(server.port, ['--pipe'], input);
    const ms = performance.now() - start;
    timings.push(`${server.kind} ${ms.toFixed(0)} ms`);
    assert.equal(r.status, 0, `${server.kind}: redis-cli --pipe exit status\n${r.stderr}`);
    assert.match(r.stdout, /errors: 0, replies: 100000/, `${server.kind}: ${r.stdout}`);
    assert.equal(await c.call('DBSIZE'), `:${count}\r\n`, server.kind);
    assert.equal(await c.call('GET', 'key:99999'), '$11\r\nvalue:99999\r\n', server.kind);
    c.close();
  }
  t.diagnostic(`redis-cli --pipe 100k SETs: ${timings.join(', ')}`);
});
