// The vesta-server program (dist/bin/vesta-server.js) against redis-server 7.0: argv and config
// file handling (quoted args, include, multi-arg save, command-line overrides), fatal config
// errors in Redis's format, SIGTERM, and the default start-up that `npm start` performs.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RespClient } from './helpers/resp-client.js';
import { REDIS_SERVER, VESTA_BIN, freePort, requireRedis, tempDir } from './helpers/servers.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const dir = tempDir('vesta-cli-');
  dirs.push(dir);
  return dir;
}

interface Started {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<number | null>;
}

/** Spawns a server and waits until it answers PING (with AUTH when given a password). */
async function spawnServer(command: string, args: string[], port: number, cwd?: string): Promise<Started> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd !== undefined ? { cwd } : {}) });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (output += d.toString('latin1')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`did not start:\n${output}`);
    }
    try {
      const c = await RespClient.connect(port);
      c.close();
      // The log line may reach the pipe just after the port opens.
      while (!output.includes('Ready to accept connections') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { child, port, output: () => output, exited };
}

async function stopServer(s: Started): Promise<number | null> {
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
  const code = await s.exited;
  clearTimeout(timer);
  return code;
}

const DIRECTIVES = ['port', 'save', 'requirepass', 'maxclients', 'hz', 'appendonly', 'loglevel', 'databases', 'notify-keyspace-events', 'bind'];

test('config file with quoted args, include, multi-arg save and command-line overrides', async (t) => {
  if (!requireRedis(t)) return;
  const dir = scratch();
  writeFileSync(join(dir, 'extra.conf'), 'maxclients 123\nhz 20\n# a comment\n  loglevel   "verbose"\n');
  writeFileSync(
    join(dir, 'main.conf'),
    [
      '# Vesta test configuration',
      'port 1',
      `include ${join(dir, 'extra.conf')}`,
      'save 900 1 300 10',
      'requirepass "pass word\\x21"',
      'databases 8',
      "notify-keyspace-events 'Ex'",
      'appendonly no',
      'bind 127.0.0.1',
      '',
    ].join('\n'),
  );
  const replies: string[][] = [];
  for (const kind of ['redis', 'vesta'] as const) {
    const port = await freePort();
    const dataDir = join(dir, `data-${kind}`);
    mkdirSync(dataDir);
    const overrides = [join(dir, 'main.conf'), '--port', String(port), '--hz', '15', '--dir', dataDir];
    const server =
      kind === 'redis'
        ? await spawnServer(REDIS_SERVER, overrides, port)
        : await spawnServer(process.execPath, [VESTA_BIN, ...overrides], port);
    try {
      const client = await RespClient.connect(port);
      const log = [await client.call('PING'), await client.call('AUTH', 'pass word!')];
      for (const name of DIRECTIVES) {
        const reply = await client.call('CONFIG', 'GET', name);
        log.push(name === 'port' ? reply.replace(String(port), 'PORT') : reply);
      }
      client.close();
      replies.push(log);
    } finally {
      assert.equal(await stopServer(server), 0, `${kind} exits 0 on SIGTERM`);
    }
  }
  assert.deepEqual(replies[1], replies[0]);
  assert.ok(replies[0]?.includes('*2\r\n$2\r\nhz\r\n$2\r\n15\r\n'), 'the command line overrides the file');
  assert.ok(replies[0]?.includes('*2\r\n$4\r\nsave\r\n$12\r\n900 1 300 10\r\n'));
});

const BAD_FILES: Record<string, string> = {
  'unknown directive': 'port 7000\nbogus-directive yes\n',
  'bad integer': 'maxclients abc\n',
  'out of range': 'databases 0\n',
  'odd save arguments': 'save 900 1 300\n',
  'unbalanced quotes': 'requirepass "open\n',
  'bad enum': 'appendfsync sometimes\n',
  'bad bool': 'appendonly maybe\n',
  'wrong argument count': 'port 1 2\n',
  'missing include': 'include /nonexistent/vesta/none.conf\n',
};

/** The lines of a fatal config report that must match Redis's (the banner names the version). */
function fatalReport(output: string): string[] {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const banner = lines.findIndex((l) => l.startsWith('*** FATAL CONFIG FILE ERROR'));
  if (banner >= 0) return lines.slice(banner + 1);
  // Errors opening a file are one line; Redis writes it as a log line ("pid:C date # ...").
  const fatal = lines.find((l) => l.includes('Fatal error'));
  return fatal === undefined ? [`no fatal report in: ${output}`] : [fatal.slice(fatal.indexOf('Fatal error'))];
}

for (const [name, text] of Object.entries(BAD_FILES)) {
  test(`fatal config error: ${name}`, (t) => {
    if (!requireRedis(t)) return;
    const dir = scratch();
    const file = join(dir, 'bad.conf');
    writeFileSync(file, text);
    const redis = spawnSync(REDIS_SERVER, [file], { encoding: 'latin1', timeout: 10_000 });
    const vesta = spawnSync(process.execPath, [VESTA_BIN, file], { encoding: 'latin1', timeout: 10_000 });
    assert.notEqual(redis.status, 0, 'redis refuses the file');
    assert.notEqual(vesta.status, 0, 'vesta refuses to start');
    assert.notEqual(vesta.status, null, 'vesta exits by itself');
    const vestaOutput = vesta.stderr + vesta.stdout;
    if (!text.startsWith('include')) {
      assert.match(vestaOutput, /^\*\*\* FATAL CONFIG FILE ERROR \(Redis 7\.0\.15\) \*\*\*$/m);
    }
    assert.deepEqual(fatalReport(vestaOutput), fatalReport(redis.stderr + redis.stdout));
  });
}

test('fatal error for a bad command-line directive', (t) => {
  if (!requireRedis(t)) return;
  const args = ['--port', '0', '--maxclients', 'lots'];
  const redis = spawnSync(REDIS_SERVER, args, { encoding: 'latin1', timeout: 10_000 });
  const vesta = spawnSync(process.execPath, [VESTA_BIN, ...args], { encoding: 'latin1', timeout: 10_000 });
  assert.notEqual(vesta.status, 0);
  assert.deepEqual(fatalReport(vesta.stderr + vesta.stdout), fatalReport(redis.stderr + redis.stdout));
});

test('SIGTERM shuts down cleanly, exit code 0, with Redis-style log lines', async () => {
  const dir = scratch();
  const port = await freePort();
  const server = await spawnServer(
    process.execPath,
    [VESTA_BIN, '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'],
    port,
  );
  assert.match(server.output(), /Server initialized/);
  assert.match(server.output(), /Ready to accept connections$/m);
  assert.equal(await stopServer(server), 0);
  assert.match(server.output(), /Received SIGTERM scheduling shutdown\.\.\./);
  assert.match(server.output(), /ready to exit, bye bye/);
  // Redis's log line shape: "pid:role dd Mon yyyy hh:mm:ss.mmm * message".
  assert.match(server.output(), /^\d+:M \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} [.\-*#] Server initialized$/m);
});

test('default start-up (as npm start runs it) creates ./data in the working directory', async () => {
  const cwd = scratch();
  const port = await freePort();
  // npm start = build, then `node dist/bin/vesta-server.js` with the arguments after `--`.
  const server = await spawnServer(process.execPath, [VESTA_BIN, '--port', String(port)], port, cwd);
  try {
    assert.ok(existsSync(join(cwd, 'data')), './data exists');
    const client = await RespClient.connect(port);
    assert.equal(await client.call('PING'), '+PONG\r\n');
    assert.equal(await client.call('CONFIG', 'GET', 'appendonly'), '*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n');
    assert.equal(await client.call('CONFIG', 'GET', 'bind'), '*2\r\n$4\r\nbind\r\n$14\r\n127.0.0.1 -::1\r\n');
    assert.equal(
      await client.call('CONFIG', 'GET', 'save'),
      '*2\r\n$4\r\nsave\r\n$23\r\n3600 1 300 100 60 10000\r\n',
    );
    client.close();
  } finally {
    assert.equal(await stopServer(server), 0);
  }
});



// Redis chdir()s into `dir` and CONFIG GET dir answers the absolute path; Vesta (which must not
// chdir when embedded) makes the configured path absolute at start-up.
test('CONFIG GET dir answers an absolute path as Redis does', async () => {
  const cwd = scratch();
  const port = await freePort();
  const server = await spawnServer(process.execPath, [VESTA_BIN, '--port', String(port), '--appendonly', 'no'], port, cwd);
  try {
    const client = await RespClient.connect(port);
    const dirReply = await client.call('CONFIG', 'GET', 'dir');
    client.close();
    assert.ok(dirReply.includes(join(cwd, 'data')), dirReply);
  } finally {
    await stopServer(server);
  }
});

/** The raw (unprefixed) block around the `Port:` line: its lines, and where Port/PID sit in it. */
function logoLayout(output: string, port: number, pid: number | undefined): { rows: number; portRow: number; pidRow: number; portCol: number; pidCol: number } {
  const lines = output.split('\n');
  const portAt = lines.findIndex((l) => l.endsWith(`Port: ${String(port)}`));
  assert.ok(portAt >= 0, `a logo line ends with "Port: ${String(port)}":\n${output}`);
  const prefixed = (l: string | undefined): boolean => l === undefined || /^\d+:[CMSX] /.test(l);
  let start = portAt;
  while (!prefixed(lines[start - 1])) start--;
  let end = portAt;
  while (!prefixed(lines[end + 1])) end++;
  const pidAt = lines.findIndex((l) => l.endsWith(`PID: ${String(pid)}`));
  assert.ok(pidAt > start && pidAt <= end, 'the PID line (with the real pid) is in the block');
  return {
    rows: end - start + 1,
    portRow: portAt - start,
    pidRow: pidAt - start,
    portCol: (lines[portAt] ?? '').indexOf('Port: '),
    pidCol: (lines[pidAt] ?? '').indexOf('PID: '),
  };
}

test('start-up log: logo with Port/PID in Redis layout, Running mode line, Ready only after the load', async (t) => {
  if (!requireRedis(t)) return;
  const [redisDir, vestaDir] = [scratch(), scratch()];
  const seedPort = await freePort();
  const seed = await spawnServer(REDIS_SERVER, ['--port', String(seedPort), '--dir', redisDir, '--save', ''], seedPort);
  const client = await RespClient.connect(seedPort);
  for (let i = 0; i < 100; i++) await client.call('SET', `k${String(i)}`, 'v');
  await client.call('SAVE');
  client.close();
  await stopServer(seed);
  writeFileSync(join(vestaDir, 'dump.rdb'), readFileSync(join(redisDir, 'dump.rdb')));
  const logo = ['--always-show-logo', 'yes', '--save', '', '--appendonly', 'no'];
  const [redisPort, vestaPort] = [await freePort(), await freePort()];
  const redis = await spawnServer(REDIS_SERVER, ['--port', String(redisPort), '--dir', redisDir, ...logo], redisPort);
  const vesta = await spawnServer(process.execPath, [VESTA_BIN, '--port', String(vestaPort), '--dir', vestaDir, ...logo], vestaPort);
  try {
    const expected = logoLayout(redis.output(), redisPort, redis.child.pid);
    assert.deepEqual(logoLayout(vesta.output(), vestaPort, vesta.child.pid), expected);
    assert.match(vesta.output(), /Vesta/);
    for (const server of [redis, vesta]) {
      const out = server.output();
      const loaded = out.indexOf('DB loaded from disk');
      assert.ok(loaded > 0, 'the dump was loaded');
      assert.ok(out.indexOf('Ready to accept connections') > loaded, `Ready comes after the load:\n${out}`);
    }
  } finally {
    await Promise.all([stopServer(redis), stopServer(vesta)]);
  }
  const plainPort = await freePort();
  const plain = await spawnServer(process.execPath, [VESTA_BIN, '--port', String(plainPort), '--dir', vestaDir, '--save', '', '--appendonly', 'no'], plainPort);
  await stopServer(plain);
  // Redis's line when the log is not a terminal (seen above in redis-server's output without the logo).
  assert.match(plain.output(), new RegExp(`^\\d+:M [^*#]+ \\* Running mode=standalone, port=${String(plainPort)}\\.$`, 'm'));
  assert.doesNotMatch(plain.output(), /PID: /);
});
