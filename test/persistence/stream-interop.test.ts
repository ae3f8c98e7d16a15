// Streams in RDB and AOF against redis-server 7.0: the same writes (consumer groups, pending
// entries, deleted entries, several nodes, the largest IDs) go to both servers; then Vesta's dump
// passes redis-check-rdb and loads into redis-server with the same DEBUG DIGEST-VALUE and XINFO
// STREAM FULL, Redis's dump loads into Vesta the same way, and an AOF rewritten by each
// (aof-use-rdb-preamble no) loads into the other with the same groups and PELs.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseReply, type RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, tempDir, type RunningServer } from '../helpers/servers.js';

const MAX = '18446744073709551615';

/** Writes a dataset of streams; the same on either server. */
async function writeStreams(client: RespClient): Promise<void> {
  const cmds: (string | number)[][] = [['CONFIG', 'SET', 'stream-node-max-entries', '4']];
  for (let i = 1; i <= 30; i++) cmds.push(['XADD', 's', `${i}-${i % 3}`, 'f', `v${i}`, 'n', i]);
  cmds.push(['XADD', 's', '31-0', 'other', 'x'.repeat(300)]);
  cmds.push(['XADD', 's', `${MAX}-5`, 'big', '1']);
  cmds.push(['XDEL', 's', '2-2', '5-2', '9-0', '10-1', '11-2', '12-0']);
  cmds.push(['XGROUP', 'CREATE', 's', 'g', '0'], ['XGROUP', 'CREATE', 's', 'g2', '$', 'ENTRIESREAD', '3']);
  cmds.push(['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '5', 'STREAMS', 's', '>']);
  cmds.push(['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '3', 'STREAMS', 's', '>']);
  cmds.push(['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '2', 'NOACK', 'STREAMS', 's', '>']);
  cmds.push(['XCLAIM', 's', 'g', 'carol', '0', '3-0', 'TIME', '1700000000000', 'RETRYCOUNT', '9']);
  cmds.push(['XGROUP', 'CREATECONSUMER', 's', 'g', 'dave'], ['XACK', 's', 'g', '1-1']);
  cmds.push(['XDEL', 's', '4-1']);
  cmds.push(['XGROUP', 'CREATE', 'empty', 'g', '$', 'MKSTREAM']);
  cmds.push(['XADD', 'gone', '1-1', 'a', 'b'], ['XDEL', 'gone', '1-1'], ['XSETID', 'gone', '7-7', 'MAXDELETEDID', '5-0']);
  cmds.push(['XADD', 't', '5-0', 'a', '1'], ['XTRIM', 't', 'MAXLEN', '0']);
  cmds.push(['CONFIG', 'SET', 'stream-node-max-entries', '100']);
  const replies = await client.pipeline(cmds);
  for (const [i, r] of replies.entries()) assert.ok(!r.startsWith('-'), `${JSON.stringify(cmds[i])} failed: ${r}`);
}

const KEYS = ['s', 'empty', 'gone', 't'];

/** What must survive: contents (digest), metadata, groups, PELs with times and counts. */
async function snapshot(client: RespClient, options: { times: boolean }): Promise<string[]> {
  const out: string[] = [];
  for (const key of KEYS) {
    out.push(`${key} ${parseReply(await client.call('DEBUG', 'DIGEST-VALUE', key)) as string}`);
    let full = await client.call('XINFO', 'STREAM', key, 'FULL', 'COUNT', '0');
    // seen-time is the load time after an AOF replay; delivery times survive only via RDB.
    if (!options.times) full = full.replace(/:1\d{12}\r\n/g, ':T\r\n');
    out.push(full);
    out.push(await client.call('XINFO', 'GROUPS', key));
  }
  return out;
}

async function save(server: RunningServer, client: RespClient): Promise<string> {
  assert.equal(await client.call('SAVE'), '+OK\r\n');
  return join(server.dir, 'dump.rdb');
}

async function withLoaded<T>(kind: 'redis' | 'vesta', dir: string, args: string[], fn: (c: RespClient) => Promise<T>): Promise<T> {
  const server = kind === 'redis' ? await startRedis({ dir, args }) : await startVesta({ dir, args });
  const client = await server.client();
  try {
    return await fn(client);
  } finally {
    client.close();
    await server.stop();
  }
}

test('streams: Vesta dump passes redis-check-rdb and loads into redis-server as written', async (t) => {
  if (!requireRedis(t)) return;
  const vesta = await startVesta();
  const client = await vesta.client();
  try {
    await writeStreams(client);
    const expected = await snapshot(client, { times: true });
    const dump = await save(vesta, client);
    const check = spawnSync('/usr/bin/redis-check-rdb', [dump], { encoding: 'latin1' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const dir = tempDir('stream-rdb-');
    cpSync(dump, join(dir, 'dump.rdb'));
    const loaded = await withLoaded('redis', dir, [], (c) => snapshot(c, { times: true }));
    assert.deepEqual(loaded, expected);
  } finally {
    client.close();
    await vesta.stop();
  }
});

test('streams: a BGSAVE holds the streams as of its start while XADD, XDEL, XTRIM and groups change them', async (t) => {
  if (!requireRedis(t)) return;
  // A per-key delay and 1 ms slices: the scanner reaches the streams (created after the fillers)
  // long after the writes below, so their state at the cut comes from copy-on-write.
  const vesta = await startVesta({ args: ['--rdb-key-save-delay', '3000', '--vesta-snapshot-slice-ms', '1'] });
  const client = await vesta.client();
  try {
    const fillers: (string | number)[][] = [];
    for (let i = 0; i < 150; i++) fillers.push(['SET', `filler:${i}`, i]);
    await client.pipeline(fillers);
    await writeStreams(client);
    const expected = await snapshot(client, { times: true });
    assert.equal(await client.call('BGSAVE'), '+Background saving started\r\n');
    const writes: (string | number)[][] = [['CONFIG', 'SET', 'stream-node-max-entries', '4']];
    for (let i = 0; i < 12; i++) writes.push(['XADD', 's', '*', 'f', `new${i}`]);
    writes.push(['XDEL', 's', '14-2', '20-2', '30-0'], ['XTRIM', 's', 'MAXLEN', '15']);
    writes.push(['XREADGROUP', 'GROUP', 'g', 'erin', 'COUNT', '4', 'STREAMS', 's', '>'], ['XACK', 's', 'g', '3-0']);
    writes.push(['XGROUP', 'DESTROY', 's', 'g2'], ['XSETID', 'gone', '9-9'], ['XADD', 't', '6-0', 'b', '2']);
    writes.push(['XADD', 'empty', '1-0', 'c', '3'], ['XTRIM', 't', 'MINID', '7']);
    for (const [i, r] of (await client.pipeline(writes)).entries()) {
      assert.ok(!r.startsWith('-'), `${JSON.stringify(writes[i])} failed: ${r}`);
    }
    const persistence = (): Promise<string> => client.call('INFO', 'persistence');
    assert.match(await persistence(), /rdb_bgsave_in_progress:1/, 'the save spanned the writes');
    assert.notDeepEqual(await snapshot(client, { times: true }), expected, 'the writes changed the streams');
    const deadline = Date.now() + 60_000;
    while (/rdb_bgsave_in_progress:1/.test(await persistence())) {
      assert.ok(Date.now() < deadline, 'BGSAVE finished');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(await persistence(), /rdb_last_bgsave_status:ok/);
    const dump = join(vesta.dir, 'dump.rdb');
    const check = spawnSync('/usr/bin/redis-check-rdb', [dump], { encoding: 'latin1' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const dir = tempDir('stream-cow-');
    cpSync(dump, join(dir, 'dump.rdb'));
    assert.deepEqual(await withLoaded('redis', dir, [], (c) => snapshot(c, { times: true })), expected);
  } finally {
    client.close();
    await vesta.stop();
  }
});

test('streams: a dump written by redis-server loads into Vesta as written', async (t) => {
  if (!requireRedis(t)) return;
  const redis = await startRedis();
  const client = await redis.client();
  try {
    await writeStreams(client);
    const expected = await snapshot(client, { times: true });
    const dump = await save(redis, client);
    const dir = tempDir('stream-rdb-');
    cpSync(dump, join(dir, 'dump.rdb'));
    const loaded = await withLoaded('vesta', dir, [], (c) => snapshot(c, { times: true }));
    assert.deepEqual(loaded, expected);
    // Vesta then writes the same dataset back.
    const again = await withLoaded('vesta', dir, [], async (c) => {
      await c.call('SAVE');
      return readFileSync(join(dir, 'dump.rdb')).length > 0;
    });
    assert.ok(again);
  } finally {
    client.close();
    await redis.stop();
  }
});

async function rewriteAofDir(kind: 'redis' | 'vesta'): Promise<{ dir: string; expected: string[] }> {
  const args = ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'];
  const dir = tempDir(`stream-aof-${kind}-`);
  const server = kind === 'redis' ? await startRedis({ dir, args, keepDir: true }) : await startVesta({ dir, args, keepDir: true });
  const client = await server.client();
  try {
    await writeStreams(client);
    const expected = await snapshot(client, { times: false });
    await client.call('BGREWRITEAOF');
    const deadline = Date.now() + 30_000;
    for (;;) {
      const info = parseReply(await client.call('INFO', 'persistence')) as string;
      if (info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrite_scheduled:0')) break;
      assert.ok(Date.now() < deadline, 'rewrite finished');
      await new Promise((r) => setTimeout(r, 50));
    }
    return { dir, expected };
  } finally {
    client.close();
    await server.stop();
  }
}

function baseText(dir: string): string {
  const base = readdirSync(join(dir, 'appendonlydir')).find((n) => n.endsWith('.base.aof'));
  assert.ok(base !== undefined, 'a command base was written');
  return readFileSync(join(dir, 'appendonlydir', base), 'latin1');
}

/** The base's commands grouped by key (in their order), keys sorted: dict order differs. */
function byKey(text: string): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const command of text.split(/(?=\*\d+\r\n\$)/)) {
    const words = command.split('\r\n').filter((_, i) => i % 2 === 0 && i > 0);
    const key = words[0] === 'XGROUP' ? words[2] : words[1];
    if (key === undefined || words[0] === 'SELECT') continue;
    groups.set(key, [...(groups.get(key) ?? []), command]);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : 1));
}

test('streams: BGREWRITEAOF (no preamble) writes the same commands as redis-server 7.0', async (t) => {
  if (!requireRedis(t)) return;
  const [ours, theirs] = [await rewriteAofDir('vesta'), await rewriteAofDir('redis')];
  // Consumers' delivery times are clock readings; everything else must match byte for byte.
  const mask = (text: string): string => text.replace(/\$13\r\n1\d{12}\r\n/g, '$13\r\nT\r\n');
  assert.deepEqual(byKey(mask(baseText(ours.dir))), byKey(mask(baseText(theirs.dir))));
  assert.match(baseText(ours.dir), /XSETID\r\n/);
});

for (const writer of ['vesta', 'redis'] as const) {
  test(`streams: an AOF rewritten by ${writer} loads into Vesta as into redis-server`, async (t) => {
    if (!requireRedis(t)) return;
    const { dir } = await rewriteAofDir(writer);
    const copy = tempDir('stream-aof-copy-');
    cpSync(dir, copy, { recursive: true });
    const args = ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'];
    const inRedis = await withLoaded('redis', dir, args, (c) => snapshot(c, { times: false }));
    const inVesta = await withLoaded('vesta', copy, args, (c) => snapshot(c, { times: false }));
    assert.deepEqual(inVesta, inRedis);
  });
}
