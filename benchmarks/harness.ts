// The benchmark harness: starts redis-server and vesta-server with identical settings on free
// loopback ports, talks to them (a small RESP client), runs redis-benchmark, samples RSS from
// /proc, and stops every process it started by pid. It never judges results (report.ts does)
// and never runs inside the server. Redis equivalent: none (redis-benchmark is the load tool).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REDIS_SERVER = process.env['REDIS_SERVER'] ?? '/usr/bin/redis-server';
export const REDIS_BENCHMARK = process.env['REDIS_BENCHMARK'] ?? '/usr/bin/redis-benchmark';
export const VESTA_BIN = resolve('dist/bin/vesta-server.js');
/**
 * The minimal Node RESP server (node-reference.ts), compiled next to this file. For an
 * A/B of two Vesta builds, BENCH_REFERENCE_BIN names another build's dist/bin/vesta-server.js:
 * it then runs in the reference slot, interleaved round by round with this build and Redis, and
 * the "node ref" column is that build's ratio to Redis.
 */
export const REFERENCE_BIN = process.env['BENCH_REFERENCE_BIN'] ??
  fileURLToPath(new URL('./node-reference.js', import.meta.url));

export type ServerKind = 'redis' | 'vesta';
/** What BenchServer can start: the pair, or node-reference.ts, the bare-runtime yardstick. */
export type ProcessKind = ServerKind | 'reference';

export function haveRedisTools(): boolean {
  return existsSync(REDIS_SERVER) && existsSync(REDIS_BENCHMARK);
}

/** Settings both servers get, as redis-server argv directives. */
export const BASE_DIRECTIVES = [
  '--save', '',
  '--appendonly', 'no',
  '--enable-debug-command', 'yes',
  '--protected-mode', 'no',
];

export interface StartOptions {
  /** Extra directives, identical for both servers: ['--appendonly', 'yes']. */
  directives?: string[];
  /** Reuse a data directory (restart tests); a fresh temp dir otherwise. */
  dir?: string;
  /** Extra node flags for Vesta (--cpu-prof ...). */
  nodeFlags?: string[];
}

export class BenchServer {
  readonly kind: ProcessKind;
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
  readonly #ownsDir: boolean;
  #output = '';
  #exited: Promise<void>;
  #conn: RespConnection | null = null;

  private constructor(kind: ProcessKind, port: number, dir: string, child: ChildProcess, ownsDir: boolean) {
    this.kind = kind;
    this.port = port;
    this.dir = dir;
    this.child = child;
    this.#ownsDir = ownsDir;
    child.stdout?.on('data', (d: Buffer) => (this.#output += d.toString('latin1')));
    child.stderr?.on('data', (d: Buffer) => (this.#output += d.toString('latin1')));
    this.#exited = new Promise((r) => child.once('exit', () => r()));
  }

  /**
   * Starts a server and waits until it answers PING with +PONG (so loading is over).
   * `startupMs` is the time from spawn to that first +PONG: the load-at-start measure.
   */
  static async start(kind: ProcessKind, options: StartOptions = {}): Promise<BenchServer> {
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), `bench-${kind}-`));
    const port = await freePort();
    const directives = [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
      ...BASE_DIRECTIVES, ...(options.directives ?? []),
    ];
    const [command, args] = kind === 'redis'
      ? [REDIS_SERVER, directives]
      : kind === 'reference'
        ? [process.execPath, [REFERENCE_BIN, ...directives]]
        : [process.execPath, [...(options.nodeFlags ?? []), VESTA_BIN, ...directives]];
    const startedMs = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new BenchServer(kind, port, dir, child, ownsDir);
    await server.#waitReady();
    server.startupMs = performance.now() - startedMs;
    return server;
  }

  startupMs = 0;

  get pid(): number {
    const pid = this.child.pid;
    if (pid === undefined) throw new Error(`${this.kind} has no pid`);
    return pid;
  }

  output(): string {
    return this.#output;
  }

  async #waitReady(): Promise<void> {
    const deadlineMs = Date.now() + 600_000;
    while (Date.now() < deadlineMs) {
      if (this.child.exitCode !== null) {
        throw new Error(`${this.kind} exited early (${this.child.exitCode}):\n${this.#output}`);
      }
      try {
        const conn = await RespConnection.open(this.port);
        const reply = await conn.call(['PING']);
        conn.close();
        if (reply === 'PONG') return;
      } catch (error: unknown) {
        if (!isConnectionError(error)) throw error;
      }
      await sleep(10);
    }
    throw new Error(`${this.kind} on port ${this.port} did not start:\n${this.#output}`);
  }

  /** One shared connection for control commands. */
  async conn(): Promise<RespConnection> {
    if (this.#conn === null || this.#conn.closed) this.#conn = await RespConnection.open(this.port);
    return this.#conn;
  }

  async call(args: string[]): Promise<RespValue> {
    return (await this.conn()).call(args);
  }

  /** INFO <section> as a field map. */
  async info(section: string): Promise<Map<string, string>> {
    const text = String(await this.call(['INFO', section]));
    const fields = new Map<string, string>();
    for (const line of text.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
    }
    return fields;
  }

  /** Resident set size of the server process (VmRSS), in bytes. */
  rssBytes(): number {
    return readRssBytes(this.pid);
  }

  /** RSS of the server's child processes (Redis's fork for BGSAVE), in bytes. */
  childrenRssBytes(): number {
    let total = 0;
    for (const pid of childPids(this.pid)) total += readRssBytes(pid);
    return total;
  }

  /** Stops the process by pid: SIGTERM, SIGKILL after 30 s. Removes its temp dir if owned. */
  async stop(options: { keepDir?: boolean } = {}): Promise<void> {
    this.#conn?.close();
    this.#conn = null;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
      await this.#exited;
      clearTimeout(timer);
    }
    if (this.#ownsDir && options.keepDir !== true) rmSync(this.dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------ /proc

export function readRssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0; // exited meanwhile
    throw error;
  }
}

function childPids(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim();
    return text === '' ? [] : text.split(/\s+/).map(Number);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

// ------------------------------------------------------------------------ RESP client

export type RespValue = string | number | null | RespError | RespValue[];

export class RespError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** A minimal pipelining RESP2 client: replies are decoded (bulk strings as latin1 strings). */
export class RespConnection {
  readonly #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #waiters: { resolve: (v: RespValue) => void; reject: (e: Error) => void }[] = [];
  closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.#waiters.splice(0)) w.reject(new Error('connection closed'));
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RespConnection> {
    return new Promise((resolveConn, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => {
        socket.removeListener('error', reject);
        resolveConn(new RespConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  call(args: string[]): Promise<RespValue> {
    return new Promise((resolveReply, reject) => {
      this.#waiters.push({ resolve: resolveReply, reject });
      this.#socket.write(encodeCommand(args), 'latin1');
    });
  }

  /** Sends many commands in one write; resolves with every reply. */
  pipeline(commands: string[][]): Promise<RespValue[]> {
    let bytes = '';
    const replies: Promise<RespValue>[] = [];
    for (const args of commands) {
      bytes += encodeCommand(args);
      replies.push(new Promise((r, reject) => this.#waiters.push({ resolve: r, reject })));
    }
    this.#socket.write(bytes, 'latin1');
    return Promise.all(replies);
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let pos = 0;
    for (;;) {
      const parsed = parseReply(this.#buffer, pos);
      if (parsed === null) break;
      pos = parsed.end;
      this.#waiters.shift()?.resolve(parsed.value);
    }
    this.#buffer = this.#buffer.subarray(pos);
  }
}

export function encodeCommand(args: readonly string[]): string {
  let text = `*${args.length}\r\n`;
  for (const arg of args) text += `$${arg.length}\r\n${arg}\r\n`;
  return text;
}

/** One reply starting at `pos`, or null when incomplete. */
function parseReply(buf: Buffer, pos: number): { value: RespValue; end: number } | null {
  const lineEnd = buf.indexOf('\r\n', pos, 'latin1');
  if (lineEnd === -1) return null;
  const type = buf[pos];
  const line = buf.toString('latin1', pos + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case 0x2b: // +
      return { value: line, end: next };
    case 0x2d: // -
      return { value: new RespError(line), end: next };
    case 0x3a: // :
      return { value: Number(line), end: next };
    case 0x24: { // $
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buf.length < next + length + 2) return null;
      return { value: buf.toString('latin1', next, next + length), end: next + length + 2 };
    }
    case 0x2a: { // *
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at);
        if (item === null) return null;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`unexpected reply type ${String(type)} at ${pos}`);
  }
}

// ------------------------------------------------------------------------ redis-benchmark

export interface BenchmarkLine {
  /** The test name as redis-benchmark prints it: "SET", "LPUSH", "HSET". */
  test: string;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export interface BenchmarkOptions {
  port: number;
  tests: string[];
  clients: number;
  requests: number;
  pipeline: number;
  valueBytes: number;
  keyspace: number;
}

/** Runs redis-benchmark --csv and parses its lines. */
export function runRedisBenchmark(options: BenchmarkOptions): Promise<BenchmarkLine[]> {
  const args = [
    '-h', '127.0.0.1', '-p', String(options.port), '-c', String(options.clients),
    '-n', String(options.requests), '-P', String(options.pipeline), '-d', String(options.valueBytes),
    '-r', String(options.keyspace), '-t', options.tests.join(','), '--csv',
  ];
  return new Promise((resolveRun, reject) => {
    const child = spawn(REDIS_BENCHMARK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`redis-benchmark exited ${String(code)}: ${stderr}`));
      else resolveRun(parseBenchmarkCsv(stdout));
    });
  });
}

/**
 * redis-benchmark 7.0's CSV: a header, then one line per test:
 *   "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms",...
 *   "SET","71428.57","0.376","0.104","0.351","0.599","0.807","2.167"
 */
export function parseBenchmarkCsv(text: string): BenchmarkLine[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('"'));
  const header = (lines[0] ?? '').split(',').map((f) => f.replace(/"/g, ''));
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`redis-benchmark CSV lacks ${name}: ${text}`);
    return index;
  };
  const [rps, p50, p99] = [column('rps'), column('p50_latency_ms'), column('p99_latency_ms')];
  return lines.slice(1).map((line) => {
    const fields = line.split('","').map((f) => f.replace(/"/g, ''));
    // "LPUSH (needed to benchmark LPOP)" style names keep only the command.
    const test = (fields[0] ?? '').split(' ')[0] ?? '';
    return {
      test,
      opsPerSec: Number(fields[rps]),
      p50Ms: Number(fields[p50]),
      p99Ms: Number(fields[p99]),
    };
  });
}

// ------------------------------------------------------------------------ small helpers

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The value at quantile q (0..1) of unsorted samples, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
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

function isConnectionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || String(error).includes('closed');
}

/**
 * redis-benchmark running one arbitrary command with 50 clients at pipeline 1 (the custom
 * workloads of issues 19-21); `range` is -r for __rand_int__. Resolves to ops/s.
 */
export function customCommandBenchmark(port: number, requests: number, command: string[], range = 0): Promise<number> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', '50', '-n', String(requests), '-P', '1',
    ...(range > 0 ? ['-r', String(range)] : []), '--csv', ...command];
  return new Promise((resolveRun, reject) => {
    const child = spawn(REDIS_BENCHMARK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = parseBenchmarkCsv(stdout)[0];
      if (code !== 0 || line === undefined) reject(new Error(`redis-benchmark exited ${String(code)}`));
      else resolveRun(line.opsPerSec);
    });
  });
}
