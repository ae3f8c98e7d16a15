// npm run chaos -- --minutes N [--policy always|everysec|no] [--seed S]: kills vesta-server with
// SIGKILL at random moments under a mixed workload and concurrent BGSAVE/BGREWRITEAOF, restarts
// it, and checks the acknowledged-write invariant per appendfsync mode (test/crash/chaos-run.ts).
// Not part of the normal suite (test/crash/chaos.test.ts runs a 20-second version). Exits 1 on
// any violation.

import { parseArgs } from 'node:util';
import { runChaos, type Policy } from '../test/crash/chaos-run.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    policy: { type: 'string', multiple: true },
    seed: { type: 'string' },
  },
  strict: true,
});
const policies = (values.policy ?? ['always', 'everysec', 'no']) as Policy[];
const durationMs = Math.round(Number(values.minutes) * 60_000);
const seed = values.seed === undefined ? Date.now() % 2147483647 : Number(values.seed);
process.stdout.write(`chaos: ${values.minutes} min over ${policies.join(', ')}, seed ${seed}\n`);
const reports = await runChaos({ durationMs, policies, seed,
  log: (line) => process.stdout.write(line + '\n') });
let failed = false;
for (const r of reports) {
  process.stdout.write(`${r.policy}: ${r.cycles} kills, ${r.ackedWrites} acknowledged writes ` +
    `surviving, ${r.lostWrites} lost (longest ack-to-kill of a lost write ` +
    `${r.lossWindowMsMax} ms)\n`);
  for (const v of r.violations) process.stdout.write(`  VIOLATION: ${v}\n`);
  if (r.violations.length > 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
