// vesta.conf (the commented sample config at the repository root, shipped in the package) is
// generated from the config schema: it must be current (regenerated here and compared), name
// every directive with a description of its own (never the old "As in Redis 7.0." placeholder),
// mark with VESTA: every directive whose default differs from a default redis-server's, and load
// as is into a server whose CONFIG GET * is then exactly a default server's. Regenerate it with
// `npm run -s conf` after changing src/config/schema.ts or src/config/sample-notes.ts.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import { sampleConfig } from '../../src/config/sample.js';
import { NOTES } from '../../src/config/sample-notes.js';
import { CONFIG_TABLE, lookupConfig } from '../../src/config/schema.js';
import { formatValue } from '../../src/config/value.js';
import { parseReply, RespClient } from '../helpers/resp-client.js';
import { freePort, REDIS_SERVER, requireRedis, startVesta, tempDir } from '../helpers/servers.js';

test('vesta.conf is what src/config/sample.ts generates from the schema', () => {
  const onDisk = readFileSync('vesta.conf', 'latin1');
  assert.ok(onDisk === sampleConfig(), 'vesta.conf is stale: run `npm run -s conf` and commit it');
});

test('vesta.conf names every directive of the schema', () => {
  const text = sampleConfig();
  for (const entry of CONFIG_TABLE) {
    assert.match(text, new RegExp(`^#? ?${entry.name.replace(/[-_]/g, '[-_]')} `, 'm'), entry.name);
  }
});

test('vesta.conf loads as is and changes nothing from the defaults', async () => {
  const [withFile, without] = await Promise.all([startVesta({ configFile: 'vesta.conf' }), startVesta()]);
  try {
    const [a, b] = await Promise.all([withFile, without].map(async (server) => {
      const c = await server.client();
      const reply = await c.call('CONFIG', 'GET', '*');
      c.close();
      // Each server's own port and dir differ; everything else must be the same.
      return reply.replace(/\$4\r\nport\r\n\$\d+\r\n\d+\r\n/, '').replace(/\$3\r\ndir\r\n\$\d+\r\n[^\r]*\r\n/, '');
    }));
    assert.ok((a as string).length > 1000);
    assert.equal(a, b);
  } finally {
    await Promise.all([withFile.stop(), without.stop()]);
  }
});

/** The comment block right above a directive's line in the sample (its description). */
function commentAbove(text: string, name: string): string {
  const lines = text.split('\n');
  let at = lines.findIndex((l) => l.startsWith(`${name} `));
  // Directives without a default line: their commented form (`# replicaof <value>`).
  if (at < 0) at = lines.findIndex((l) => l === `# ${name} <value>` || l.startsWith(`# ${name} normal `));
  assert.ok(at > 0, name);
  const block: string[] = [];
  for (let i = at - 1; i >= 0 && (lines[i] as string).startsWith('# '); i--) block.unshift(lines[i] as string);
  return block.join(' ');
}

test('every directive has a description of its own, never the placeholder', () => {
  const text = sampleConfig();
  assert.doesNotMatch(text, /As in Redis 7\.0\./);
  const seen = new Map<string, string>();
  for (const entry of CONFIG_TABLE) {
    const note = NOTES[entry.name];
    assert.ok(note !== undefined && note.split(' ').length >= 4, `${entry.name}: no description`);
    assert.ok(note.length <= 200, `${entry.name}: a line or two, not ${note.length} characters`);
    assert.ok(commentAbove(text, entry.name).includes(note.split(' ').slice(0, 4).join(' ')), entry.name);
    // A description copied from another directive says nothing about this one.
    assert.equal(seen.get(note), undefined, `${entry.name} repeats ${seen.get(note) ?? ''}`);
    seen.set(note, entry.name);
  }
  for (const name of Object.keys(NOTES)) {
    assert.equal(lookupConfig(name)?.name, name, `sample-notes.ts describes ${name}, not a directive`);
  }
});

test('a directive whose default differs from redis-server\'s is marked VESTA:', async (t) => {
  if (!requireRedis(t)) return;
  // No config at all: redis-server's compiled-in defaults; only port and dir are given (both
  // are set aside below: dir is the probe's own and differs from Vesta's ./data anyway).
  const dir = tempDir('sample-conf-redis-');
  const port = await freePort();
  const redis = spawn(REDIS_SERVER, ['--port', String(port), '--dir', dir], { stdio: 'ignore' });
  let reply: unknown;
  try {
    let c: RespClient | null = null;
    for (let i = 0; c === null && i < 100; i++) {
      c = await RespClient.connect(port).catch(async () => {
        await new Promise((r) => setTimeout(r, 50));
        return null;
      });
    }
    assert.ok(c !== null, 'redis-server did not start');
    reply = parseReply(await c.call('CONFIG', 'GET', '*'));
    c.close();
  } finally {
    redis.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(Array.isArray(reply));
  const differing: string[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const entry = lookupConfig(String(reply[i]));
    if (entry === undefined || entry.name !== reply[i] || entry.name === 'port') continue;
    if (formatValue(entry, entry.default) !== String(reply[i + 1])) differing.push(entry.name);
  }
  assert.deepEqual(differing.sort(), ['appendonly', 'bind', 'dir']);
  for (const name of [...differing, 'aof-use-rdb-preamble', 'appenddirname', 'protected-mode']) {
    assert.match(NOTES[name] ?? '', /VESTA:/, name);
  }
});
