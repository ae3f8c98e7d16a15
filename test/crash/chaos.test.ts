// The bounded chaos run (about 20 s): vesta-server processes killed with SIGKILL at random
// moments under a mixed workload with BGSAVE/BGREWRITEAOF, restarted, and checked per
// appendfsync mode (test/crash/chaos-run.ts). `npm run chaos -- --minutes N` runs it longer.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChaos } from './chaos-run.js';

test('chaos: kill -9 at random moments; always and no lose nothing acknowledged, everysec ' +
  'stays within its window', { timeout: 120_000 }, async (t) => {
  const seed = Number(process.env['CHAOS_SEED'] ?? Date.now() % 2147483647);
  const reports = await runChaos({ durationMs: Number(process.env['CHAOS_MS'] ?? 20_000),
    policies: ['always', 'everysec', 'no'], seed });
  for (const r of reports) {
    t.diagnostic(`${r.policy}: ${r.cycles} kills, ${r.ackedWrites} acknowledged writes, ` +
      `${r.lostWrites} lost, loss window max ${r.lossWindowMsMax} ms (seed ${seed})`);
    assert.deepEqual(r.violations, [], `${r.policy} (seed ${seed})`);
    assert.ok(r.cycles >= 2, `${r.policy}: ${r.cycles} kill cycles`);
    assert.ok(r.ackedWrites > 0, `${r.policy}: nothing acknowledged`);
  }
});
