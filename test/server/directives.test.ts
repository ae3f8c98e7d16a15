// Directives Vesta used to accept and ignore: each now either acts as in Redis (tcp-keepalive,
// pidfile, shutdown-on-sigint/sigterm, replica-ignore-maxmemory) or is refused at start-up and by
// CONFIG SET with an error naming it (src/config/unsupported.ts), while a redis.conf holding
// every directive at Redis 7.0's default (taken from a live redis-server's CONFIG GET *) loads.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Config } from '../../src/config/config.js';
import { ConfigFileError, loadConfig } from '../../src/config/parse.js';
import { NOTES } from '../../src/config/sample-notes.js';
import { lookupConfig } from '../../src/config/schema.js';
import { SUPPORTED_ONLY } from '../../src/config/unsupported.js';
import { parseReply } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, tempDir } from '../helpers/servers.js';

/** A value Redis accepts for `name` but Vesta cannot honour. */
function otherValue(name: string): string {
  const entry = lookupConfig(name);
  assert.ok(entry !== undefined, name);
  if (entry.kind === 'bool') return 'yes';
  if (entry.kind === 'int') return name === 'io-threads' ? '4' : '6390';
  if (entry.kind === 'memory') return '100mb';
  if (entry.kind === 'enum') return entry.values.find((v) => v !== entry.default) ?? 'x';
  return name.endsWith('cpulist') ? '0-1' : name === 'unixsocket' ? '/tmp/vesta-x.sock' : '10.0.0.1';
}

const REFUSED = [...SUPPORTED_ONLY.keys()];

test('every refused directive fails start-up with Redis\'s FATAL CONFIG FILE ERROR naming it', () => {
  assert.ok(REFUSED.length >= 15);
  for (const name of REFUSED) {
    const value = otherValue(name);
    assert.throws(() => loadConfig([`--${name}`, value], { readFile: () => '' }), (error: unknown) => {
      assert.ok(error instanceof ConfigFileError, name);
      assert.match(error.message, /\*\*\* FATAL CONFIG FILE ERROR \(Redis 7\.0\.15\) \*\*\*/);
      assert.ok(error.message.includes(`Vesta does not support ${name} `), `${name}: ${error.message}`);
      return true;
    }, name);
    // The value that means what Vesta does loads.
    const supported = SUPPORTED_ONLY.get(name)?.value ?? '';
    const config = loadConfig([`--${name}`, supported], { readFile: () => '' });
    assert.equal(config.getFormatted(name), supported, name);
  }
});

test('every refused mutable directive fails CONFIG SET with Redis\'s error shape', () => {
  let mutable = 0;
  for (const name of REFUSED) {
    const entry = lookupConfig(name);
    if (entry === undefined || entry.mutable === false) continue;
    mutable++;
    const config = new Config();
    const before = config.getFormatted(name);
    const error = config.configSet([[name, otherValue(name)]], { clientIsLocal: true });
    assert.ok(error !== null, name);
    assert.ok(
      error.startsWith(`ERR CONFIG SET failed (possibly related to argument '${name}') - Vesta does not support ${name} `),
      error,
    );
    assert.equal(config.getFormatted(name), before, `${name} unchanged`);
    assert.equal(config.configSet([[name, before]], { clientIsLocal: true }), null, name);
  }
  assert.ok(mutable >= 8, `only ${mutable} mutable`);
});

test('CONFIG SET of a refused value over the wire', async () => {
  const vesta = await startVesta();
  try {
    const c = await vesta.client();
    assert.equal(
      await c.call('CONFIG', 'SET', 'tls-port', '6380'),
      "-ERR CONFIG SET failed (possibly related to argument 'tls-port') - Vesta does not support tls-port 6380: Vesta has no TLS (put a TLS proxy in front) (only 0 is accepted)\r\n",
    );
    assert.equal(await c.call('CONFIG', 'SET', 'tls-port', '0'), '+OK\r\n');
    c.close();
  } finally {
    await vesta.stop();
  }
});

test('a redis.conf with every directive at redis-server 7.0\'s default loads in Vesta', async (t) => {
  if (!requireRedis(t)) return;
  const redis = await startRedis();
  let reply: string;
  try {
    const c = await redis.client();
    reply = await c.call('CONFIG', 'GET', '*');
    c.close();
  } finally {
    await redis.stop();
  }
  const flat = parseReply(reply) as string[];
  const lines: string[] = [];
  // The probing server's own start-up arguments are not defaults.
  const own = new Set(['port', 'dir', 'bind', 'save', 'appendonly', 'enable-debug-command']);
  // An empty replicaof is no line at all (redis-server refuses `replicaof ""` too).
  const absent = new Set(['replicaof', 'slaveof']);
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i] ?? '';
    if (own.has(name) || (absent.has(name) && flat[i + 1] === '')) continue;
    const value = (flat[i + 1] ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    lines.push(`${name} "${value}"`);
  }
  assert.ok(lines.length > 150);
  const file = join(tempDir('defaults-'), 'redis.conf');
  writeFileSync(file, lines.join('\n') + '\n');
  const config = loadConfig([file]);
  assert.equal(config.getFormatted('io-threads'), '1');
});

/** Directives still accepted without acting (none: add one only with an issue that says why). */
const PENDING_ELSEWHERE = new Set<string>();

test('no directive note says "accepted, no effect"', () => {
  for (const [name, note] of Object.entries(NOTES)) {
    const silent = /accepted, no effect/i.test(note);
    assert.equal(silent, PENDING_ELSEWHERE.has(name), `${name}: ${note}`);
  }
});

test('tcp-keepalive sets SO_KEEPALIVE with that idle time on client sockets', async (t) => {
  try {
    execFileSync('ss', ['-V']);
  } catch {
    t.skip('ss (iproute2) not installed');
    return;
  }
  const vesta = await startVesta({ args: ['--tcp-keepalive', '77'] });
  const off = await startVesta({ args: ['--tcp-keepalive', '0'] });
  try {
    const [a, b] = [await vesta.client(), await off.client()];
    await a.call('PING');
    await b.call('PING');
    const timers = (port: number): string =>
      execFileSync('ss', ['-tnoH', 'state', 'established', `( sport = :${port} )`], { encoding: 'latin1' });
    assert.match(timers(vesta.port), /timer:\(keepalive,1min1[0-9]sec/);
    assert.doesNotMatch(timers(off.port), /keepalive/);
    a.close();
    b.close();
  } finally {
    await Promise.all([vesta.stop(), off.stop()]);
  }
});

test('pidfile holds the pid while running and is removed on shutdown', async () => {
  const dir = tempDir('pidfile-');
  const pidfile = join(dir, 'vesta.pid');
  const vesta = await startVesta({ args: ['--pidfile', pidfile] });
  assert.equal(readFileSync(pidfile, 'latin1'), `${vesta.process.pid}\n`);
  await vesta.stop();
  assert.equal(existsSync(pidfile), false);
});

/** Starts Vesta with a save point, writes a key, sends `signal`; resolves when it has exited. */
async function signalled(signal: 'SIGINT' | 'SIGTERM', args: string[]): Promise<string> {
  const dir = tempDir('signal-');
  const vesta = await startVesta({ dir, args: ['--save', '3600 1', ...args] });
  const c = await vesta.client();
  await c.call('SET', 'k', 'v');
  c.close();
  const exited = new Promise<void>((r) => vesta.process.once('exit', () => r()));
  vesta.process.kill(signal);
  await exited;
  return dir;
}

test('shutdown-on-sigint nosave: SIGINT exits without saving; default saves', async () => {
  assert.equal(existsSync(join(await signalled('SIGINT', ['--shutdown-on-sigint', 'nosave']), 'dump.rdb')), false);
  assert.equal(existsSync(join(await signalled('SIGINT', []), 'dump.rdb')), true);
});

test('shutdown-on-sigterm save: SIGTERM saves with no save points', async () => {
  const dir = await signalled('SIGTERM', ['--save', '', '--shutdown-on-sigterm', 'save']);
  assert.equal(existsSync(join(dir, 'dump.rdb')), true);
  const plain = await signalled('SIGTERM', ['--save', '']);
  assert.equal(existsSync(join(plain, 'dump.rdb')), false);
});

/** SIGTERM to a server whose save will fail (dump.rdb is a non-empty directory): exit code or null. */
async function failedSaveSigterm(args: string[]): Promise<{ code: number | null; output: string }> {
  const dir = tempDir('signal-force-');
  const vesta = await startVesta({ dir, args: ['--save', '3600 1', ...args] });
  mkdirSync(join(dir, 'dump.rdb', 'x'), { recursive: true });
  const exited = new Promise<number | null>((r) => vesta.process.once('exit', (code) => r(code)));
  vesta.process.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 1500))]);
  const output = vesta.output();
  await vesta.kill();
  return { code, output };
}

test('shutdown-on-sigterm force: exits even when the save fails; default keeps running', async () => {
  const forced = await failedSaveSigterm(['--shutdown-on-sigterm', 'force']);
  assert.equal(forced.code, 0, forced.output);
  const plain = await failedSaveSigterm([]);
  assert.equal(plain.code, null, plain.output);
});

/** A replica of a live master with maxmemory 1 byte and writable replica: does a write pass? */
async function replicaWrite(ignore: 'yes' | 'no'): Promise<string> {
  const master = await startVesta();
  const replica = await startVesta({
    args: ['--replicaof', '127.0.0.1', String(master.port), '--replica-read-only', 'no',
      '--maxmemory', '1', '--replica-ignore-maxmemory', ignore],
  });
  try {
    const c = await replica.client();
    const reply = await c.call('SET', 'local', 'x');
    c.close();
    return reply;
  } finally {
    await Promise.all([replica.stop(), master.stop()]);
  }
}

test('replica-ignore-maxmemory: yes leaves eviction to the master, no applies maxmemory', async () => {
  assert.equal(await replicaWrite('yes'), '+OK\r\n');
  assert.match(await replicaWrite('no'), /^-OOM /);
});

test('set-proc-title: ps shows proc-title-template rendered; CONFIG SET re-renders and checks it', async () => {
  const vesta = await startVesta();
  try {
    const title = (): string => readFileSync(`/proc/${vesta.process.pid}/cmdline`, 'latin1').replace(/\0+$/, '');
    assert.equal(title(), `vesta-server 127.0.0.1:${vesta.port}`);
    const c = await vesta.client();
    assert.equal(await c.call('CONFIG', 'SET', 'proc-title-template', 'v {port}'), '+OK\r\n');
    assert.equal(title(), `v ${vesta.port}`);
    assert.equal(
      await c.call('CONFIG', 'SET', 'proc-title-template', '{nope}'),
      "-ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables\r\n",
    );
    c.close();
  } finally {
    await vesta.stop();
  }
});
