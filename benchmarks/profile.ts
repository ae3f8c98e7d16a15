// --profile: runs one redis-benchmark workload against Vesta started with node --cpu-prof, and
// prints the functions with the most self time, so an optimisation starts from data. The
// .cpuprofile stays under <out>/profile/ for Chrome DevTools or speedscope.

import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BenchServer, runRedisBenchmark } from './harness.js';

export interface ProfileOptions {
  quick: boolean;
  outDir: string;
  log(message: string): void;
}

/** "LPUSH p1 3B", "SET p32 1KiB", "SET p1 3B aof always". */
export function parseWorkloadName(name: string): {
  test: string; pipeline: number; valueBytes: number; directives: string[];
} {
  const match = /^(\w+) p(\d+) (\d+)(B|KiB)(?: aof (\w+))?$/.exec(name.trim());
  if (match === null) throw new Error(`cannot profile '${name}': expected e.g. "SET p1 3B"`);
  const [, test, pipeline, size, unit, policy] = match;
  return {
    test: (test as string).toLowerCase(),
    pipeline: Number(pipeline),
    valueBytes: Number(size) * (unit === 'KiB' ? 1024 : 1),
    directives: policy === undefined ? [] : ['--appendonly', 'yes', '--appendfsync', policy],
  };
}

export async function profileWorkload(name: string, options: ProfileOptions): Promise<void> {
  const workload = parseWorkloadName(name);
  const profileDir = join(options.outDir, 'profile');
  mkdirSync(profileDir, { recursive: true });
  const startedMs = Date.now();
  options.log(`profiling Vesta on ${name} (node --cpu-prof, profiles in ${profileDir})`);
  const vesta = await BenchServer.start('vesta', {
    directives: workload.directives,
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=250'],
  });
  try {
    const lines = await runRedisBenchmark({
      port: vesta.port,
      tests: [workload.test],
      clients: 50,
      requests: (options.quick ? 100_000 : 300_000) * (workload.pipeline > 1 ? 5 : 1),
      pipeline: workload.pipeline,
      valueBytes: workload.valueBytes,
      keyspace: 100_000,
    });
    for (const l of lines) options.log(`  ${l.test}: ${Math.round(l.opsPerSec)} ops/s (profiled)`);
  } finally {
    await vesta.stop();
  }
  const file = newestProfile(profileDir, startedMs);
  if (file === null) throw new Error(`no .cpuprofile written in ${profileDir}`);
  options.log(`\n${file}\n`);
  options.log(formatTopSelf(readFileSync(file, 'utf8'), 30));
}

function newestProfile(dir: string, sinceMs: number): string | null {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ path: join(dir, f), mtimeMs: statSync(join(dir, f)).mtimeMs }))
    .filter((f) => f.mtimeMs >= sinceMs)
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  return files[0]?.path ?? null;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (summed over the profile's nodes), top `count`, as a text table. */
export function formatTopSelf(json: string, count: number): string {
  const profile = JSON.parse(json) as CpuProfile;
  const labelById = new Map<number, string>();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const file = frame.url === '' ? '' : ` ${frame.url.replace(/^.*\/(dist|node:)/, '$1')}:${frame.lineNumber + 1}`;
    labelById.set(node.id, `${frame.functionName === '' ? '(anonymous)' : frame.functionName}${file}`);
  }
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const label = labelById.get(id) ?? '?';
    selfUs.set(label, (selfUs.get(label) ?? 0) + delta);
    totalUs += delta;
  });
  const top = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
  const lines = ['self ms   self %  function'];
  for (const [label, us] of top) {
    lines.push(`${(us / 1000).toFixed(1).padStart(7)}  ${((100 * us) / totalUs).toFixed(1).padStart(6)}%  ${label}`);
  }
  return lines.join('\n');
}
