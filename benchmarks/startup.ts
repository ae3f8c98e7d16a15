// Process start-up time, spawn -> first +PONG, as "Vesta's own milliseconds above Node's floor":
// each round spawns, in turn, the bare Node RESP server of node-reference.ts (Node plus node:net
// and a listen: the floor for any Node server) and Vesta in each configuration, so machine load
// hits them alike; medians over the rounds. Besides wall time it reads each process's CPU time
// at the first +PONG, which other processes on a busy machine hardly move.
// Unlike the bench's "start, empty" row (harness.ts polls every 10 ms), this polls every 2 ms.
// Redis equivalent: none.
//
// Usage (after `npm run build` and `tsc -p benchmarks/tsconfig.json`):
//   node build/benchmarks/startup.js [--runs=20] [--source-maps] [--bin=dist/bin/vesta-server.js ...]
// Several --bin give an A/B of builds, interleaved the same way. --source-maps adds a run with
// `node --enable-source-maps`, as `npm start` runs the server.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, median, sleep } from './harness.js';

const REFERENCE = fileURLToPath(new URL('./node-reference.js', import.meta.url));
const argv = process.argv.slice(2);
const runs = Number(argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 20);
const bins = argv.filter((a) => a.startsWith('--bin=')).map((a) => resolve(a.slice(6)));
if (bins.length === 0) bins.push(resolve('dist/bin/vesta-server.js'));

interface Variant {
  name: string;
  /** node flags and script, before the directives */
  args: string[];
  directives: string[];
}

const variants: Variant[] = [
  { name: 'node reference server', args: [REFERENCE], directives: [] },
  ...bins.flatMap((bin, i): Variant[] => {
    const tag = bins.length > 1 ? ` [${i}]` : '';
    return [
      { name: `vesta appendonly no${tag}`, args: [bin], directives: ['--appendonly', 'no', '--save', ''] },
      { name: `vesta appendonly yes${tag}`, args: [bin], directives: ['--appendonly', 'yes', '--save', ''] },
      ...(argv.includes('--source-maps')
        ? [{ name: `vesta source maps${tag}`, args: ['--enable-source-maps', bin], directives: ['--appendonly', 'yes', '--save', ''] }]
        : []),
    ];
  }),
];

/** One attempt: connect, PING, true on +PONG; false when refused or anything else. */
function ping(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
      if (reply.includes('\r\n')) {
        socket.destroy();
        done(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => done(false));
  });
}

/**
 * CPU time of every thread of `pid` so far, in ms (first field of /proc/<pid>/task/<tid>/schedstat,
 * in ns): unlike wall time, barely moved by other processes on a loaded machine.
 */
function cpuMs(pid: number): { main: number; all: number } {
  let all = 0;
  let main = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]) / 1e6;
      all += ns;
      if (tid === String(pid)) main = ns;
    } catch {
      // the thread ended meanwhile
    }
  }
  return { main, all };
}

interface Sample {
  wall: number;
  main: number;
  all: number;
}

async function startupMs(variant: Variant): Promise<Sample> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'startup-'));
  const args = [...variant.args, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...variant.directives];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${variant.name} exited with ${child.exitCode}`);
      if (await ping(port)) {
        const wall = performance.now() - started;
        return { wall, ...cpuMs(child.pid ?? 0) };
      }
      await sleep(2);
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const samples = new Map(variants.map((v): [string, Sample[]] => [v.name, []]));
for (let round = 0; round < runs; round++) {
  for (const variant of variants) samples.get(variant.name)?.push(await startupMs(variant));
}
const medianOf = (name: string, field: keyof Sample): number => median((samples.get(name) ?? []).map((s) => s[field]));
const fmt = (n: number): string => n.toFixed(1).padStart(8);
const FIELDS = ['wall', 'main', 'all'] as const;
console.log(`${runs} rounds, medians in ms: wall = spawn -> +PONG; main / all = CPU time of the main thread /`);
console.log('all threads at +PONG; "own" = the same above the node reference server');
console.log(`${''.padEnd(26)}${FIELDS.map((f) => f.padStart(8)).join('')}${FIELDS.map((f) => `own ${f}`.padStart(10)).join('')}`);
for (const name of samples.keys()) {
  const own = name.startsWith('vesta')
    ? FIELDS.map((f) => `  ${fmt(medianOf(name, f) - medianOf('node reference server', f))}`).join('')
    : '';
  console.log(`${name.padEnd(26)}${FIELDS.map((f) => fmt(medianOf(name, f))).join('')}${own}`);
}
