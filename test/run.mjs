// Runs every compiled test file under build/ with node's test runner, reporter pinned (CI reads
// TAP's closing lines). Node 20 does not expand globs in --test, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const reporter = process.argv.find((a) => a.startsWith('--reporter='))?.slice(11) ?? 'tap';
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

let files = walk('build', []).sort();
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
const result = spawnSync(
  process.execPath,
  // A hung test fails after 5 minutes instead of holding CI for its whole 90.
  ['--enable-source-maps', '--test', `--test-reporter=${reporter}`, '--test-concurrency=2', '--test-timeout=300000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
