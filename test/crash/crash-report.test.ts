// Fatal errors write Redis's crash report and end the process non-zero, and the data on disk
// stays loadable: DEBUG SEGFAULT / PANIC / ASSERT and a SIGABRT sent to the process, each on a
// vesta-server with an AOF, then a restart on the same directory finds every acknowledged key.
// The headings are checked on redis-server 7.0 too (the same regex must match its report).

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { requireRedis, startRedis, startVesta, tempDir, type RunningServer } from '../helpers/servers.js';

async function exited(server: RunningServer): Promise<{ code: number | null; signal: string | null }> {
  const child = server.process;
  if (child.exitCode === null && child.signalCode === null) {
    // A server that does not crash is stopped after 15 s, and the caller's checks then fail.
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    clearTimeout(timer);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the exit awaited above (TS keeps the narrowing from before it)
    if (child.signalCode === 'SIGKILL') return { code: 0, signal: null };
  }
  // The report may still be in the pipe when the process has exited.
  const stdout = child.stdout;
  if (stdout !== null && !stdout.readableEnded) await new Promise<void>((resolve) => stdout.once('end', () => resolve()));
  return { code: child.exitCode, signal: child.signalCode };
}

interface Crash {
  how: string;
  heading: RegExp;
  trigger: (server: RunningServer) => Promise<void>;
}

const debug = (sub: string) => async (server: RunningServer): Promise<void> => {
  const client = await server.client();
  await client.call('DEBUG', sub).catch(() => '');
  client.close();
};

const CRASHES: Crash[] = [
  { how: 'DEBUG SEGFAULT', heading: /crashed by signal: 11/, trigger: debug('SEGFAULT') },
  { how: 'DEBUG PANIC', heading: /# Guru Meditation: DEBUG PANIC called at Unix time \d+/, trigger: debug('PANIC') },
  { how: 'DEBUG ASSERT', heading: /# === ASSERTION FAILED ===\n.*# ==> .* is not true/, trigger: debug('ASSERT') },
  {
    how: 'SIGABRT',
    heading: /crashed by signal: 6/,
    trigger: async (server) => {
      server.process.kill('SIGABRT');
      await Promise.resolve();
    },
  },
];

const SECTIONS = [/=== REDIS BUG REPORT START: Cut & paste starting from here ===/, /------ STACK TRACE ------/,
  /------ INFO OUTPUT ------\n# Server\r?\n/, /------ CLIENT LIST OUTPUT ------\n/,
  /=== REDIS BUG REPORT END. Make sure to include from START to END. ===/];

test('crash reports: Redis headings, stack, INFO, clients; exit non-zero; the AOF loads after', async (t) => {
  if (!requireRedis(t)) return;
  for (const crash of CRASHES) {
    const dir = tempDir('vesta-crash-');
    try {
      const vesta = await startVesta({ dir, args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
      const client = await vesta.client();
      for (let i = 0; i < 50; i++) await client.call('SET', `k${String(i)}`, `v${String(i)}`);
      client.close();
      await crash.trigger(vesta);
      const end = await exited(vesta);
      assert.ok(end.code !== 0 || end.signal !== null, `${crash.how}: ended non-zero (${JSON.stringify(end)})`);
      const out = vesta.output();
      assert.match(out, crash.heading, `${crash.how} heading:\n${out.slice(0, 3000)}`);
      for (const s of SECTIONS) assert.match(out, s, `${crash.how}: ${String(s)}`);
      assert.match(out, /------ CURRENT CLIENT INFO ------/);
      if (crash.how.startsWith('DEBUG')) {
        assert.match(out, /------ CURRENT CLIENT INFO ------\nid=\d+ .*cmd=debug/, `${crash.how}: the current client`);
        assert.match(out, new RegExp(`argv\\[1\\]: '"${crash.how.slice(6)}"'`), `${crash.how}: its argv`);
      }
      const again = await startVesta({ dir, args: ['--appendonly', 'yes'] });
      try {
        const check = await again.client();
        assert.equal(await check.call('DBSIZE'), ':50\r\n', `${crash.how}: every key after the restart:\n${out}\n${again.output()}`);
        assert.equal(await check.call('GET', 'k49'), '$3\r\nv49\r\n');
        check.close();
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test("the headings checked above are redis-server 7.0's", async (t) => {
  if (!requireRedis(t)) return;
  for (const crash of CRASHES) {
    const redis = await startRedis();
    await crash.trigger(redis);
    const end = await exited(redis);
    assert.ok(end.code !== 0 || end.signal !== null, `redis ${crash.how} ends non-zero`);
    assert.ok(crash.heading.test(redis.output()), `redis ${crash.how}: ${String(crash.heading)}`);
    // Redis's report can be cut short when it dies (its memory test runs last); the first sections only.
    for (const s of SECTIONS.slice(0, 3)) assert.ok(s.test(redis.output()), `redis ${crash.how}: ${String(s)}`);
    await redis.stop();
  }
});
