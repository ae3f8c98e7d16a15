// Starting and stopping real redis-server and vesta-server processes for tests: free loopback
// ports, private temp dirs, stopped by pid. Tests that need Redis binaries call requireRedis(t):
// a visible skip when they are missing, a failure when VESTA_REQUIRE_REDIS=1.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { RespClient } from './resp-client.js';

export const REDIS_SERVER = process.env['REDIS_SERVER'] ?? '/usr/bin/redis-server';
export const REDIS_CLI = '/usr/bin/redis-cli';
export const VESTA_BIN = resolve('dist/bin/vesta-server.js');

export function haveRedis(): boolean {
  return existsSync(REDIS_SERVER) && existsSync(REDIS_CLI);
}

/**
 * True when the test may go on. Without Redis binaries: prints a visible skip line and skips,
 * or throws when VESTA_REQUIRE_REDIS=1 (CI), so a missing install can never pass silently.
 */
export function requireRedis(t: TestContext): boolean {
  return requireBinary(t, REDIS_SERVER, haveRedis());
}

/**
 * The one gate for every test that needs something outside Node (a Redis binary, python3-redis,
 * network namespaces): true when `path` is usable (by default: the file exists). Otherwise a
 * visible `# SKIP` line and a skip, or a failure when VESTA_REQUIRE_REDIS=1 (CI), so nothing a
 * test needs can be missing silently.
 */
export function requireBinary(t: TestContext, path: string, usable: boolean = existsSync(path)): boolean {
  if (usable) return true;
  if (process.env['VESTA_REQUIRE_REDIS'] === '1') {
    throw new Error(`${path} is required (VESTA_REQUIRE_REDIS=1) but is not usable here`);
  }
  console.log(`# SKIP ${t.name}: ${path} not usable here`);
  t.skip(`${path} not usable here`);
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export function tempDir(prefix = 'vesta-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface RunningServer {
  readonly kind: 'redis' | 'vesta';
  readonly port: number;
  readonly dir: string;
  readonly process: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  client(): Promise<RespClient>;
  /** Stops the process by pid (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** kill -9, no shutdown. */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Extra directives, as argv pairs: ['--appendonly', 'yes']. */
  args?: string[];
  dir?: string;
  port?: number;
  /** Keep the dir after stop (for restart tests). */
  keepDir?: boolean;
  configFile?: string;
}

export async function startRedis(options: StartOptions = {}): Promise<RunningServer> {
  const base = ['--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'];
  return startProcess('redis', [REDIS_SERVER], base, options);
}

export async function startVesta(options: StartOptions = {}): Promise<RunningServer> {
  const base = ['--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'];
  return startProcess('vesta', [process.execPath, '--enable-source-maps', VESTA_BIN], base, options);
}

/** Starts `commandLine` (the program, then its first arguments) with the server directives. */
async function startProcess(
  kind: 'redis' | 'vesta',
  commandLine: [string, ...string[]],
  base: string[],
  options: StartOptions,
): Promise<RunningServer> {
  const [command, ...prefix] = commandLine;
  const dir = options.dir ?? tempDir(`${kind}-`);
  const port = options.port ?? (await freePort());
  const args = [
    ...prefix,
    ...(options.configFile !== undefined ? [options.configFile] : []),
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    ...base,
    ...(options.args ?? []),
  ];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (output += d.toString('latin1')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitForPort(port, child, () => output);
  let stopped = false;
  const server: RunningServer = {
    kind,
    port,
    dir,
    process: child,
    output: () => output,
    client: () => RespClient.connect(port),
    stop: async () => {
      if (!stopped && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      stopped = true;
      if (options.keepDir !== true && options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  return server;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output()}`);
    try {
      const c = await RespClient.connect(port);
      const reply = await c.call('PING');
      c.close();
      if (reply.startsWith('+PONG') || reply.startsWith('-LOADING')) {
        if (reply.startsWith('+PONG')) return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server on port ${port} did not start:\n${output()}`);
}

/** Runs redis-cli with arguments; returns stdout. */
export function redisCli(port: number, args: string[], input?: string): string {
  const r = spawnSync(REDIS_CLI, ['-p', String(port), ...args], { input, encoding: 'latin1' });
  return r.stdout;
}

/** Both kinds, for tests that run the same application code against each. */
export const SERVER_KINDS = ['redis', 'vesta'] as const;

/** Starts a server of `kind`, runs `fn` with it, and stops it whatever happens. */
export async function withServer(kind: 'redis' | 'vesta', fn: (server: RunningServer) => Promise<void>): Promise<void> {
  const server = await (kind === 'redis' ? startRedis() : startVesta());
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}
