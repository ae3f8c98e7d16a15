// Running the operator tools as an operator does: the built bin/ scripts in a child process,
// with their exit code, stdout and stderr; and redis-check-rdb / redis-check-aof for comparison.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runBin(tool: string, args: string[], input?: string): ToolRun {
  const r = spawnSync(process.execPath, [resolve(`dist/bin/${tool}.js`), ...args],
    { encoding: 'latin1', input: input ?? '', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function runRedisTool(tool: 'redis-check-rdb' | 'redis-check-aof', args: string[],
  input?: string): ToolRun {
  const r = spawnSync(`/usr/bin/${tool}`, args, { encoding: 'latin1', input: input ?? '' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The number after `[offset N]` on the first line containing `marker`, or null. */
export function offsetOf(text: string, marker: string): number | null {
  for (const line of text.split('\n')) {
    if (!line.includes(marker)) continue;
    const m = /\[offset ([0-9]+)\]/.exec(line);
    if (m !== null) return Number(m[1]);
  }
  return null;
}

/** "ok_up_to=N" values of every "AOF analyzed" line, by file name. */
export function okUpTo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/AOF analyzed: filename=([^,]+), size=[0-9]+, ok_up_to=([0-9]+)/g)) {
    out.set((m[1] as string).replace(/^.*\//, ''), Number(m[2]));
  }
  return out;
}
