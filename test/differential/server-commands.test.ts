// Differential tests for the connection and server commands: COMMAND, CONFIG, CLIENT, INFO,
// DEBUG gating, SHUTDOWN, TIME, and the keyspace guarantees of SCAN, KEYS, RANDOMKEY and active
// expiry. Replies are compared byte for byte with redis-server 7.0 where Redis is
// deterministic; otherwise their shape (field names and order) is compared.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { same, sortedReply, sharedPair, startPair } from '../helpers/differential.js';
import { parseReply } from '../helpers/resp-client.js';
import { requireRedis, type RunningServer } from '../helpers/servers.js';

const p = sharedPair();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Both replies to one command, Redis first. */
async function both(...args: (string | number)[]): Promise<[string, string]> {
  const [expected, actual] = await Promise.all([p().redisClient.call(...args), p().vestaClient.call(...args)]);
  return [expected, actual];
}

function bulkText(reply: string): string {
  const value = parseReply(reply);
  assert.equal(typeof value, 'string', `expected a bulk string, got ${JSON.stringify(reply.slice(0, 80))}`);
  return value as string;
}

function stringArray(reply: string): string[] {
  const value = parseReply(reply);
  assert.ok(Array.isArray(value), `expected an array, got ${JSON.stringify(reply.slice(0, 80))}`);
  return value as string[];
}

// ---------------------------------------------------------------------------- COMMAND

test('COMMAND COUNT, INFO and DOCS for every implemented command', async (t) => {
  if (!requireRedis(t)) return;
  const [redisCount, vestaCount] = (await both('COMMAND', 'COUNT')).map((r) => Number(r.slice(1, -2)));
  const vestaTop = stringArray(await p().vestaClient.call('COMMAND', 'LIST')).filter((n) => !n.includes('|'));
  assert.equal(vestaCount, vestaTop.length, 'COMMAND COUNT counts the commands COMMAND LIST shows');
  assert.ok((vestaCount as number) <= (redisCount as number), 'never more commands than Redis 7.0');
  const redisNames = new Set(stringArray(await p().redisClient.call('COMMAND', 'LIST')));
  const vestaNames = stringArray(await p().vestaClient.call('COMMAND', 'LIST'));
  for (const name of vestaNames) {
    assert.ok(redisNames.has(name), `Vesta lists ${name}, which Redis 7.0 does not have`);
    for (const protocol of [2, 3]) {
      await same(p(), [['HELLO', protocol]]);
      const [infoExpected, infoActual] = await both('COMMAND', 'INFO', name);
      // A container's subcommands come in Redis's hash-table order; compare them as a set.
      const isContainer = vestaNames.some((n) => n.startsWith(`${name}|`));
      if (isContainer) assert.equal(containerShape(infoActual), containerShape(infoExpected), `COMMAND INFO ${name}`);
      else assert.equal(infoActual, infoExpected, `COMMAND INFO ${name} (RESP${protocol})`);
      const [docsExpected, docsActual] = await both('COMMAND', 'DOCS', name);
      if (isContainer) assert.equal(docsActual.length, docsExpected.length, `COMMAND DOCS ${name} size`);
      else assert.equal(docsActual, docsExpected, `COMMAND DOCS ${name} (RESP${protocol})`);
    }
  }
  await same(p(), [
    ['HELLO', 2],
    ['COMMAND', 'INFO', 'nosuch', 'get', 'client|kill', 'get|x'],
    ['COMMAND', 'DOCS', 'nosuch', 'client|id'],
    ['COMMAND', 'NOSUCH'],
    ['COMMAND', 'COUNT', 'x'],
    ['COMMAND', 'GETKEYS', 'set', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2'],
    ['COMMAND', 'GETKEYS', 'ping'],
    ['COMMAND', 'GETKEYS', 'nosuch'],
  ]);
});

/** The entry of a container command with its subcommand entries sorted. */
function containerShape(reply: string): string {
  const entry = (parseReply(reply) as unknown[][])[0] as unknown[];
  const subcommands = (entry[9] as unknown[]).map((s) => JSON.stringify(s)).sort();
  return JSON.stringify([entry.slice(0, 9), subcommands]);
}

// ---------------------------------------------------------------------------- CONFIG

const CONFIG_DIRECTIVES = [
  'databases',
  'maxclients',
  'maxmemory',
  'maxmemory-policy',
  'hz',
  'timeout',
  'tcp-keepalive',
  'appendonly',
  'appendfsync',
  'appendfilename',
  'aof-use-rdb-preamble',
  'save',
  'dbfilename',
  'rdbcompression',
  'rdbchecksum',
  'protected-mode',
  'requirepass',
  'loglevel',
  'proto-max-bulk-len',
  'client-query-buffer-limit',
  'client-output-buffer-limit',
  'enable-debug-command',
  'hash-max-listpack-entries',
  'set-max-intset-entries',
  'zset-max-listpack-value',
  'slowlog-log-slower-than',
  'lazyfree-lazy-user-del',
  'notify-keyspace-events',
  'no-such-directive',
];

test('CONFIG GET and SET of common directives', async (t) => {
  if (!requireRedis(t)) return;
  await same(p(), CONFIG_DIRECTIVES.map((name) => ['CONFIG', 'GET', name]));
  // Patterns: Redis answers in its dict order, so compare as pairs sorted by name.
  for (const pattern of ['max*', '*fsync*', 'hash-*', 'save', '*', 'zzz*']) {
    const [expected, actual] = await both('CONFIG', 'GET', pattern);
    assert.equal(sortedPairs(actual), sortedPairs(expected), `CONFIG GET ${pattern}`);
  }
  const sets: (string | number)[][] = [
    ['CONFIG', 'SET', 'hz', '20'],
    ['CONFIG', 'GET', 'hz'],
    ['CONFIG', 'SET', 'hz', 'abc'],
    ['CONFIG', 'SET', 'maxmemory', '100mb'],
    ['CONFIG', 'GET', 'maxmemory'],
    ['CONFIG', 'SET', 'maxmemory', '1gb', 'maxmemory-policy', 'allkeys-lru'],
    ['CONFIG', 'GET', 'maxmemory-policy'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'bogus'],
    ['CONFIG', 'SET', 'appendfsync', 'always'],
    ['CONFIG', 'SET', 'save', '100 10 20 5'],
    ['CONFIG', 'GET', 'save'],
    ['CONFIG', 'SET', 'save', '100'],
    ['CONFIG', 'SET', 'loglevel', 'verbose'],
    ['CONFIG', 'SET', 'loglevel', 'loud'],
    ['CONFIG', 'SET', 'databases', '4'],
    ['CONFIG', 'SET', 'no-such-directive', '1'],
    ['CONFIG', 'SET', 'hz'],
    ['CONFIG', 'SET', 'hz', '10', 'hz', '11'],
    ['CONFIG', 'SET', 'timeout', '-1'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 100kb 30'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 2'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'bogus 1 2 3'],
    ['CONFIG', 'GET', 'client-output-buffer-limit'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'],
    ['CONFIG', 'GET', 'notify-keyspace-events'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'Q'],
    ['CONFIG', 'RESETSTAT'],
    ['CONFIG', 'RESETSTAT', 'x'],
    ['CONFIG', 'GET'],
    ['CONFIG', 'HELP'],
  ];
  try {
    await same(p(), sets);
  } finally {
    await same(p(), [
      ['CONFIG', 'SET', 'hz', '10', 'maxmemory', '0', 'maxmemory-policy', 'noeviction', 'appendfsync', 'everysec'],
      ['CONFIG', 'SET', 'save', '', 'loglevel', 'notice', 'notify-keyspace-events', ''],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60'],
    ]);
  }
});

/** Directives whose value differs by design: each server has its own port and dir. */
const CONFIG_PER_SERVER = new Set(['port', 'dir']);

function sortedPairs(reply: string): string {
  const items = parseReply(reply) as string[];
  const pairs: string[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    const name = items[i] as string;
    // vesta-* directives are Vesta's own (documented extensions); Redis has none of them.
    if (name.startsWith('vesta-')) continue;
    pairs.push(CONFIG_PER_SERVER.has(name) ? `${name}=(per server)` : `${name}=${items[i + 1]}`);
  }
  return pairs.sort().join('\n');
}

// ---------------------------------------------------------------------------- CLIENT

/** Field names of a CLIENT LIST / CLIENT INFO line, in order. */
function clientFields(line: string): string[] {
  return line
    .trim()
    .split(' ')
    .map((pair) => pair.slice(0, pair.indexOf('=')));
}

test('CLIENT SETNAME, GETNAME, ID, INFO and LIST', async (t) => {
  if (!requireRedis(t)) return;
  await same(p(), [
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'SETNAME', 'worker-1'],
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'SETNAME', 'bad name'],
    ['CLIENT', 'SETNAME', 'bad\nname'],
    ['CLIENT', 'SETNAME', ''],
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'SETNAME', 'worker-1'],
    ['CLIENT', 'SETNAME'],
    ['CLIENT', 'ID', 'extra'],
    ['CLIENT', 'LIST', 'TYPE', 'bogus'],
    ['CLIENT', 'LIST', 'ID', 'x'],
    ['CLIENT', 'LIST', 'ID', '0'],
    ['CLIENT', 'LIST', 'ID', '-5', '9223372036854775807'],
    ['CLIENT', 'LIST', 'ID', '1', 'x'],
    ['CLIENT', 'LIST', 'BOGUS'],
    ['CLIENT', 'NOSUCH'],
  ]);
  const [redisList, vestaList] = (await both('CLIENT', 'LIST')).map(bulkText);
  const [redisInfo, vestaInfo] = (await both('CLIENT', 'INFO')).map(bulkText);
  assert.deepEqual(clientFields(vestaList as string), clientFields(redisList as string), 'CLIENT LIST field names');
  assert.deepEqual(clientFields(vestaInfo as string), clientFields(redisInfo as string), 'CLIENT INFO field names');
  assert.match(vestaInfo as string, / name=worker-1 /);
  assert.match(vestaInfo as string, / cmd=client\|info /);
  assert.ok((vestaList as string).endsWith('\n') && (vestaInfo as string).endsWith('\n'));
  for (const [client, server] of [
    [p().redisClient, p().redis],
    [p().vestaClient, p().vesta],
  ] as const) {
    const id = Number((await client.call('CLIENT', 'ID')).slice(1, -2));
    assert.ok(id > 0, server.kind);
    const other = await server.client();
    const otherId = Number((await other.call('CLIENT', 'ID')).slice(1, -2));
    assert.ok(otherId > id, `${server.kind}: ids grow`);
    const mine = bulkText(await client.call('CLIENT', 'LIST', 'ID', String(id), String(otherId), '99999'));
    assert.equal(mine.split('\n').filter((l) => l !== '').length, 2, server.kind);
    assert.ok(mine.startsWith(`id=${id} `), server.kind);
    const normal = bulkText(await client.call('CLIENT', 'LIST', 'TYPE', 'normal'));
    assert.ok(normal.includes(`id=${otherId} `), server.kind);
    assert.equal(await client.call('CLIENT', 'LIST', 'TYPE', 'pubsub'), '$0\r\n\r\n', server.kind);
    other.close();
  }
  await same(p(), [['CLIENT', 'SETNAME', '']]);
});

test('CLIENT KILL variants', async (t) => {
  if (!requireRedis(t)) return;
  await same(p(), [
    ['CLIENT', 'KILL', '10.0.0.1:1234'],
    ['CLIENT', 'KILL', 'ID', '999999'],
    ['CLIENT', 'KILL', 'ID', '0'],
    ['CLIENT', 'KILL', 'ID', 'x'],
    ['CLIENT', 'KILL', 'ADDR', '10.0.0.1:1234'],
    ['CLIENT', 'KILL', 'LADDR', '10.0.0.1:1234'],
    ['CLIENT', 'KILL', 'TYPE', 'bogus'],
    ['CLIENT', 'KILL', 'TYPE', 'master'],
    ['CLIENT', 'KILL', 'TYPE', 'pubsub'],
    ['CLIENT', 'KILL', 'USER', 'nobody'],
    ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
    ['CLIENT', 'KILL', 'ID'],
    ['CLIENT', 'KILL', 'ID', '1', 'BOGUS', 'x'],
    ['CLIENT', 'KILL'],
  ]);
  const outcomes: string[][] = [];
  for (const server of [p().redis, p().vesta]) {
    outcomes.push(await killScenario(server));
  }
  assert.deepEqual(outcomes[1], outcomes[0]);
});

/** Kills clients in each supported way; returns the replies and which victims were closed. */
async function killScenario(server: RunningServer): Promise<string[]> {
  const log: string[] = [];
  const control = await server.client();
  const victims = [await server.client(), await server.client(), await server.client(), await server.client()];
  const ids: number[] = [];
  const addrs: string[] = [];
  for (const v of victims) {
    ids.push(Number((await v.call('CLIENT', 'ID')).slice(1, -2)));
    const info = bulkText(await v.call('CLIENT', 'INFO'));
    addrs.push(/ addr=(\S+) /.exec(info)?.[1] ?? '');
  }
  log.push(await control.call('CLIENT', 'KILL', 'ID', String(ids[0])));
  log.push(await control.call('CLIENT', 'KILL', addrs[1] as string));
  log.push(await control.call('CLIENT', 'KILL', 'ADDR', addrs[2] as string, 'SKIPME', 'yes'));
  log.push(await control.call('CLIENT', 'KILL', 'USER', 'default', 'ID', String(ids[3])));
  await sleep(100);
  log.push(victims.map((v) => String(v.closed)).join(','));
  // SKIPME no: a client may kill itself; it gets its reply, then the connection closes.
  const selfId = (await control.call('CLIENT', 'ID')).slice(1, -2);
  log.push(await control.call('CLIENT', 'KILL', 'ID', selfId, 'SKIPME', 'no'));
  await sleep(100);
  log.push(String(control.closed));
  const last = await server.client();
  log.push(await last.call('CLIENT', 'KILL', 'ID', selfId));
  last.close();
  for (const v of victims) v.close();
  control.close();
  return log;
}

// ---------------------------------------------------------------------------- INFO

/**
 * Fields Redis 7.0 reports that Vesta intentionally leaves out (allocator, Lua, replication
 * internals it does not have). Anything else missing, or any extra field, fails the test.
 */
/** Fields only Vesta reports (its own version and runtime). */
const INFO_FIELDS_ONLY_IN_VESTA: Record<string, string[]> = {
  server: ['vesta_version', 'vesta_node_version'],
};

const INFO_FIELDS_NOT_IN_VESTA: Record<string, string[]> = {
  server: [],
  clients: [],
  // Allocator and RSS breakdowns that only make sense for jemalloc.
  stats: ['total_net_repl_input_bytes', 'total_net_repl_output_bytes', 'instantaneous_input_repl_kbps', 'instantaneous_output_repl_kbps'],
  memory: ['used_memory_dataset_perc', 'allocator_rss_ratio', 'allocator_rss_bytes', 'rss_overhead_ratio', 'rss_overhead_bytes'],

  keyspace: [],
};

function infoSections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) {
      current = [];
      sections.set(line.slice(2).toLowerCase(), current);
    } else if (line !== '' && current !== null) {
      current.push(line.slice(0, line.indexOf(':')));
    }
  }
  return sections;
}

test('INFO section names and field names', async (t) => {
  if (!requireRedis(t)) return;
  await same(p(), [['FLUSHALL'], ['SET', 'k', 'v'], ['SELECT', '3'], ['SET', 'k', 'v'], ['SELECT', '0']]);
  const [redisAll, vestaAll] = (await both('INFO')).map(bulkText);
  assert.deepEqual([...infoSections(vestaAll as string).keys()], [...infoSections(redisAll as string).keys()], 'INFO sections');
  for (const section of ['server', 'clients', 'memory', 'stats', 'keyspace']) {
    const [redisText, vestaText] = (await both('INFO', section)).map(bulkText);
    const redisFields = infoSections(redisText as string).get(section) ?? [];
    const vestaFields = infoSections(vestaText as string).get(section) ?? [];
    const allowed = new Set(INFO_FIELDS_NOT_IN_VESTA[section]);
    const missing = redisFields.filter((f) => !vestaFields.includes(f) && !allowed.has(f));
    const ours = new Set(INFO_FIELDS_ONLY_IN_VESTA[section] ?? []);
    const extra = vestaFields.filter((f) => !redisFields.includes(f) && !ours.has(f));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `INFO ${section}`);
    const expectedOrder = redisFields.filter((f) => vestaFields.includes(f));
    const sharedOrder = vestaFields.filter((f) => redisFields.includes(f));
    assert.deepEqual(sharedOrder, expectedOrder, `INFO ${section}: field order`);
  }
  await same(p(), [['INFO', 'keyspace'], ['INFO', 'nosuchsection'], ['FLUSHALL']]);
});

// ---------------------------------------------------------------------------- DEBUG, SHUTDOWN

test('DEBUG is gated by enable-debug-command exactly as in Redis', async (t) => {
  if (!requireRedis(t)) return;
  for (const setting of ['no', 'local']) {
    const gated = await startPair({ args: ['--enable-debug-command', setting] });
    try {
      await same(gated, [
        ['DEBUG', 'SLEEP', '0'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
        ['DEBUG', 'NOSUCH'],
        ['CONFIG', 'GET', 'enable-debug-command'],
        ['CONFIG', 'SET', 'enable-debug-command', 'yes'],
        ['PING'],
      ], `enable-debug-command ${setting}`);
    } finally {
      await gated.stop();
    }
  }
  await same(p(), [
    ['DEBUG', 'SLEEP', '0'],
    ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
    ['DEBUG', 'NOSUCH'],
    ['DEBUG'],
    ['SET', 'dbg', '12345'],
    ['DEBUG', 'DIGEST-VALUE', 'dbg', 'nokey'],
    ['DEBUG', 'OBJECT', 'nokey'],
    ['DEL', 'dbg'],
  ]);
});

test('SHUTDOWN NOSAVE closes the connection and exits 0', async (t) => {
  if (!requireRedis(t)) return;
  const doomed = await startPair();
  const outcomes: string[][] = [];
  for (const server of [doomed.redis, doomed.vesta]) {
    const client = server.kind === 'redis' ? doomed.redisClient : doomed.vestaClient;
    const log: string[] = [];
    log.push(await client.call('SHUTDOWN', 'BOGUS'));
    log.push(await client.call('SHUTDOWN', 'NOSAVE', 'SAVE'));
    log.push(await client.call('SHUTDOWN', 'ABORT', 'NOW'));
    const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
    const reply = client.call('SHUTDOWN', 'NOSAVE').then(
      (r) => `reply ${r}`,
      (e: unknown) => `rejected ${(e as Error).message}`,
    );
    log.push(await reply);
    log.push(`exit ${await exited}`);
    outcomes.push(log);
  }
  await doomed.stop();
  assert.deepEqual(outcomes[1], outcomes[0]);
  assert.equal(outcomes[0]?.[4], 'exit 0');
});

// ---------------------------------------------------------------------------- TIME, ECHO, PING

test('TIME shape, ECHO and PING', async (t) => {
  if (!requireRedis(t)) return;
  for (const client of [p().redisClient, p().vestaClient]) {
    const reply = await client.call('TIME');
    assert.match(reply, /^\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n\d{1,6}\r\n$/);
    const [seconds, micros] = parseReply(reply) as string[];
    assert.ok(Math.abs(Number(seconds) - Date.now() / 1000) < 5);
    assert.ok(Number(micros) < 1_000_000 && !(micros as string).startsWith('0') || micros === '0');
  }
  for (const protocol of [2, 3]) {
    await same(p(), [
      ['HELLO', protocol],
      ['PING'],
      ['PING', 'hello world'],
      ['PING', ''],
      ['PING', 'a', 'b'],
      ['ECHO', 'x\0y\r\nz'],
      ['ECHO', ''],
      ['ECHO'],
      ['ECHO', 'a', 'b'],
    ]);
  }
  await same(p(), [['HELLO', 2]]);
});

// ---------------------------------------------------------------------------- SCAN, KEYS

test('SCAN returns every key present for the whole iteration while others come and go', async (t) => {
  if (!requireRedis(t)) return;
  for (const client of [p().redisClient, p().vestaClient]) {
    await client.call('FLUSHALL');
    const stable: string[] = [];
    const setup: string[][] = [];
    for (let i = 0; i < 2000; i++) {
      const key = `stable:${i}`;
      stable.push(key);
      setup.push(i % 4 === 0 ? ['HSET', `set:${i}`, 'f', 'v'] : ['SET', key, 'v']);
      if (i % 4 === 0) stable[stable.length - 1] = `set:${i}`;
      if (i % 3 === 0) setup.push(['SET', `churn:${i}`, 'v']);
    }
    await client.pipeline(setup);
    for (const variant of [
      { args: ['COUNT', '7'], expect: (_k: string) => true, allow: (_k: string) => true },
      {
        args: ['MATCH', 'stable:*', 'COUNT', '50'],
        expect: (k: string) => k.startsWith('stable:'),
        allow: (k: string) => k.startsWith('stable:'),
      },
      {
        args: ['TYPE', 'string', 'COUNT', '20'],
        expect: (k: string) => k.startsWith('stable:'),
        allow: (k: string) => !k.startsWith('set:'),
      },
      {
        args: ['MATCH', '*:1?', 'TYPE', 'hash'],
        expect: (k: string) => /^set:1\d$/.test(k),
        allow: (k: string) => /^set:1\d$/.test(k),
      },
    ]) {
      const seen = new Set<string>();
      let cursor = '0';
      let round = 0;
      do {
        const [next, keys] = parseReply(await client.call('SCAN', cursor, ...variant.args)) as [string, string[]];
        for (const k of keys) {
          assert.ok(variant.allow(k), `SCAN ${variant.args.join(' ')} returned ${k}`);
          seen.add(k);
        }
        cursor = next;
        // Churn: add new keys and delete some that were there at the start.
        const churn: string[][] = [];
        for (let j = 0; j < 20; j++) churn.push(['SET', `new:${round}:${j}`, 'v']);
        churn.push(['DEL', `churn:${(round * 3) % 2000}`, `new:${round - 1}:0`]);
        await client.pipeline(churn);
        round++;
      } while (cursor !== '0' && round < 5000);
      assert.equal(cursor, '0', `SCAN ${variant.args.join(' ')} ends although keys keep being added`);
      const missing = stable.filter((k) => variant.expect(k) && !seen.has(k));
      assert.deepEqual(missing.slice(0, 10), [], `SCAN ${variant.args.join(' ')}: keys present throughout were missed`);
    }
  }
  await same(p(), [
    ['FLUSHALL'],
    ['SCAN', '0'],
    ['SCAN', 'x'],
    ['SCAN', '0', 'COUNT', '0'],
    ['SCAN', '0', 'COUNT', '-1'],
    ['SCAN', '0', 'COUNT', 'x'],
    ['SCAN', '0', 'TYPE'],
    ['SCAN', '0', 'BOGUS', 'x'],
    ['SCAN', '18446744073709551615'],
    ['SCAN', '18446744073709551616'],
    ['SCAN', '-1'],
  ]);
});

test('KEYS patterns with escapes and classes', async (t) => {
  if (!requireRedis(t)) return;
  const names = [
    'hello', 'hallo', 'hxllo', 'hllo', 'heeeello', 'h*llo', 'h?llo', 'h[a]llo', 'h\\llo', 'a-b', 'a]b', 'a^b',
    'A', 'b', 'c', 'x\0y', 'foo:1', 'foo:22', 'foo:bar:3', '', '[', ']', '-', '\\', 'ab\\',
  ];
  await same(p(), [['FLUSHALL'], ['MSET', ...names.flatMap((n) => [n, '1'])]]);
  const patterns = [
    '*', 'h?llo', 'h*llo', 'h[ae]llo', 'h[^e]llo', 'h[!e]llo', 'h[a-b]llo', 'h[b-a]llo', 'h\\*llo',
    'h\\?llo', 'h[\\]]llo', 'h\\[a\\]llo', 'h\\\\llo', 'a[-]b', 'a[]]b', 'a[^]b', 'a\\^b', '[a-c]',
    '[A-C]', '[abc', 'foo:*', 'foo:?', 'foo:??', 'foo:*:*', '*\\', '\\', '[', ']', '-', 'x?y', '', '**', '*o*o*',
    'ab\\\\', 'h[a-]llo', 'h[-a]llo', '[[]', '[\\[]',
  ];
  for (const pattern of patterns) {
    const [expected, actual] = await both('KEYS', pattern);
    assert.equal(sortedReply(actual), sortedReply(expected), `KEYS ${JSON.stringify(pattern)}`);
  }
  await same(p(), [['FLUSHALL']]);
});

// ---------------------------------------------------------------------------- RANDOMKEY, expiry

test('RANDOMKEY on empty and all-expired databases', async (t) => {
  if (!requireRedis(t)) return;
  await same(p(), [
    ['FLUSHALL'],
    ['RANDOMKEY'],
    ['SET', 'only', 'v'],
    ['RANDOMKEY'],
    ['DEL', 'only'],
    ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
    ['SET', 'e1', 'v', 'PX', '1'],
    ['SET', 'e2', 'v', 'PX', '1'],
    ['SET', 'e3', 'v', 'PX', '1'],
  ]);
  await sleep(20);
  await same(p(), [['DBSIZE'], ['RANDOMKEY'], ['DBSIZE'], ['SET', 'live', 'v'], ['SET', 'e4', 'v', 'PX', '1']]);
  await sleep(20);
  await same(p(), [['RANDOMKEY'], ['RANDOMKEY'], ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'], ['FLUSHALL'], ['HELLO', 3], ['RANDOMKEY'], ['HELLO', 2]]);
});

test('active expiry removes keys nobody reads', async (t) => {
  if (!requireRedis(t)) return;
  const count = 500;
  for (const client of [p().redisClient, p().vestaClient]) {
    await client.pipeline([['FLUSHALL'], ['CONFIG', 'RESETSTAT']]);
    const commands: string[][] = [];
    for (let i = 0; i < count; i++) commands.push(['SET', `short:${i}`, 'v', 'PX', String(50 + (i % 100))]);
    for (let i = 0; i < 10; i++) commands.push(['SET', `long:${i}`, 'v', 'EX', '1000']);
    await client.pipeline(commands);
  }
  const deadline = Date.now() + 5000;
  const sizes = ['', ''];
  while (Date.now() < deadline) {
    await sleep(100);
    const [redisSize, vestaSize] = await both('DBSIZE');
    sizes[0] = redisSize;
    sizes[1] = vestaSize;
    if (redisSize === ':10\r\n' && vestaSize === ':10\r\n') break;
  }
  assert.deepEqual(sizes, [':10\r\n', ':10\r\n'], 'both dropped every short-lived key without reads');
  for (const [info, kind] of [
    [bulkText((await both('INFO', 'stats'))[0]), 'redis'],
    [bulkText((await both('INFO', 'stats'))[1]), 'vesta'],
  ] as const) {
    assert.match(info, new RegExp(`\\r\\nexpired_keys:${count}\\r\\n`), kind);
  }
  await same(p(), [['FLUSHALL']]);
});

// ---------------------------------------------------------------------------- HELP subcommands

test('OBJECT HELP and COMMAND HELP are Redis 7.0\'s texts', async (t) => {
  if (!requireRedis(t)) return;
  for (const protocol of [2, 3]) {
    await same(p(), [['HELLO', protocol], ['OBJECT', 'HELP'], ['COMMAND', 'HELP']]);
  }
  await same(p(), [['HELLO', 2]]);
});

test('CLIENT HELP: every entry Vesta lists is Redis 7.0\'s, in Redis\'s order', async (t) => {
  if (!requireRedis(t)) return;
  // Vesta lists only the subcommands it implements, so its entries are a subsequence of Redis's.
  const [redis, vesta] = await Promise.all([p().redisClient.call('CLIENT', 'HELP'), p().vestaClient.call('CLIENT', 'HELP')]);
  const theirs = parseReply(redis) as string[];
  const ours = parseReply(vesta) as string[];
  assert.ok(ours.length >= 10, `${ours.length} lines`);
  let at = 0;
  for (const line of ours) {
    const found = theirs.indexOf(line, at);
    assert.ok(found >= 0, `CLIENT HELP line not in Redis's (or out of order): ${JSON.stringify(line)}`);
    at = found + 1;
  }
});
