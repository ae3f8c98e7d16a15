// ACL, AUTH and HELLO AUTH against redis-server 7.0: the same commands to both, replies compared
// byte for byte (RESP2 and RESP3), plus a random-rule test of ACL LIST's description.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { haveRedis, requireRedis } from '../helpers/servers.js';
import { same, startPair, type Pair } from '../helpers/differential.js';
import { RespClient } from '../helpers/resp-client.js';

let pair: Pair | null = null;

before(async () => {
  if (haveRedis()) pair = await startPair();
});
after(async () => {
  await pair?.stop();
});

function p(): Pair {
  if (pair === null) throw new Error('pair not started');
  return pair;
}

const RESET_USERS: (string | number)[][] = [
  ['ACL', 'DELUSER', 'alice', 'bob', 'carol', 'u'],
  ['ACL', 'LOG', 'RESET'],
];

const SEQUENCES: Record<string, (string | number)[][]> = {
  'default user and ACL basics': [
    ...RESET_USERS,
    ['ACL', 'LIST'],
    ['ACL', 'USERS'],
    ['ACL', 'WHOAMI'],
    ['ACL', 'GETUSER', 'default'],
    ['ACL', 'GETUSER', 'nosuch'],
    ['ACL', 'CAT'],
    ['ACL', 'CAT', 'nosuch'],
    ['ACL', 'HELP'],
    ['ACL', 'WHOAMI', 'x'],
    ['ACL', 'NOSUCH'],
    ['ACL', 'GENPASS', '0'],
    ['ACL', 'GENPASS', '5000'],
    ['ACL', 'LOAD'],
    ['ACL', 'SAVE'],
    ['ACL', 'LOG', 'x'],
    ['ACL', 'LOG'],
  ],
  'SETUSER rules and their description': [
    ...RESET_USERS,
    ['ACL', 'SETUSER', 'alice', 'on', '>pw1', '~k*', '+@read', '-get'],
    ['ACL', 'SETUSER', 'bob'],
    ['ACL', 'SETUSER', 'carol', 'on', 'nopass', 'allkeys', 'allchannels', 'allcommands', '-set'],
    ['ACL', 'LIST'],
    ['ACL', 'USERS'],
    ['ACL', 'GETUSER', 'alice'],
    ['ACL', 'GETUSER', 'bob'],
    ['ACL', 'GETUSER', 'carol'],
    ['ACL', 'SETUSER', 'u', 'reset', '%R~r*', '%W~w*', '%RW~b*', '&news', '&chat:*', '+config|get'],
    ['ACL', 'GETUSER', 'u'],
    ['ACL', 'SETUSER', 'u', 'reset', '+select|0', '+select|1', 'sanitize-payload'],
    ['ACL', 'LIST'],
    ['ACL', 'SETUSER', 'u', 'reset', 'skip-sanitize-payload', '+config', '-config|set', '#' + 'a'.repeat(64)],
    ['ACL', 'GETUSER', 'u'],
    ['ACL', 'SETUSER', 'u', '!' + 'a'.repeat(64)],
    ['ACL', 'SETUSER', 'u', '>x', '>y', '<x'],
    ['ACL', 'GETUSER', 'u'],
    ['ACL', 'DELUSER', 'bob', 'nosuch'],
    ['ACL', 'DELUSER', 'default'],
    ['ACL', 'USERS'],
  ],
  'SETUSER errors': [
    ...RESET_USERS,
    ['ACL', 'SETUSER', 'u', 'badrule'],
    ['ACL', 'SETUSER', 'u', '<nope'],
    ['ACL', 'SETUSER', 'u', '#abc'],
    ['ACL', 'SETUSER', 'u', '+nosuchcmd'],
    ['ACL', 'SETUSER', 'u', '+@nosuchcat'],
    ['ACL', 'SETUSER', 'u', '-select|0'],
    ['ACL', 'SETUSER', 'u', '+select|0|1'],
    ['ACL', 'SETUSER', 'u', '+config|nosuch'],
    ['ACL', 'SETUSER', 'u', '+config|get|x'],
    ['ACL', 'SETUSER', 'u', '%~y'],
    ['ACL', 'SETUSER', 'u', '%X~y'],
    ['ACL', 'SETUSER', 'u', 'allkeys', '~x'],
    ['ACL', 'SETUSER', 'u', 'allchannels', '&x'],
    ['ACL', 'SETUSER', 'a b', 'on'],
    // A failed SETUSER changes nothing, even for rules before the bad one.
    ['ACL', 'SETUSER', 'u', 'on', '~ok', 'bad'],
    ['ACL', 'LIST'],
  ],
  // The keys ACL checks are the keys COMMAND GETKEYSANDFLAGS finds, with their flags.
  'key permissions follow each call\'s keys: SORT STORE, MIGRATE KEYS, BITFIELD, counted keys': [
    ...RESET_USERS,
    ['ACL', 'SETUSER', 'u', 'on', 'nopass', '~k*', '%R~r*', '%W~w*', '+@all'],
    ['ACL', 'DRYRUN', 'u', 'sort', 'k', 'store', 'x'],
    ['ACL', 'DRYRUN', 'u', 'sort', 'k', 'store', 'k2'],
    ['ACL', 'DRYRUN', 'u', 'sort', 'k', 'store', 'w1'],
    ['ACL', 'DRYRUN', 'u', 'sort', 'k', 'limit', '0', '1', 'store', 'k2', 'store', 'x'],
    ['ACL', 'DRYRUN', 'u', 'sort_ro', 'r1', 'by', 'x'],
    ['ACL', 'DRYRUN', 'u', 'migrate', 'h', '1', '', '0', '1', 'keys', 'k1', 'x'],
    ['ACL', 'DRYRUN', 'u', 'migrate', 'h', '1', '', '0', '1', 'keys', 'k1', 'k2'],
    ['ACL', 'DRYRUN', 'u', 'bitfield', 'r1', 'get', 'u8', '0'],
    ['ACL', 'DRYRUN', 'u', 'bitfield', 'r1', 'set', 'u8', '0', '1'],
    ['ACL', 'DRYRUN', 'u', 'bitfield', 'w1', 'get', 'u8', '0'],
    ['ACL', 'DRYRUN', 'u', 'bitfield', 'w1', 'incrby', 'u8', '0', '1'],
    ['ACL', 'DRYRUN', 'u', 'zunionstore', 'k1', '01', 'x'],
    ['ACL', 'DRYRUN', 'u', 'zunionstore', 'k1', '1', 'r1'],
    ['ACL', 'DRYRUN', 'u', 'xread', 'streams', 'r1', 'x', '0', '0'],
    ['ACL', 'DRYRUN', 'u', 'set', 'r1', 'v', 'get'],
    ['ACL', 'DRYRUN', 'u', 'set', 'w1', 'v'],
    ['ACL', 'DRYRUN', 'u', 'eval', 'return 1', '1', 'x'],
    ['ACL', 'DRYRUN', 'u', 'eval', 'return 1', '2', 'x'],
  ],
  'permissions: NOPERM for commands, keys and channels, and ACL LOG': [
    ...RESET_USERS,
    ['ACL', 'SETUSER', 'alice', 'on', '>pw1', '~k*', '+@read', '+@write', '-get', '&news'],
    ['SET', 'k1', 'v'],
    ['ACL', 'DRYRUN', 'alice', 'get', 'k1'],
    ['ACL', 'DRYRUN', 'alice', 'mget', 'k1'],
    ['ACL', 'DRYRUN', 'alice', 'set', 'x', '1'],
    ['ACL', 'DRYRUN', 'alice', 'publish', 'other', 'm'],
    ['ACL', 'DRYRUN', 'alice', 'config', 'get', 'port'],
    ['ACL', 'DRYRUN', 'nosuch', 'get', 'x'],
    ['ACL', 'DRYRUN', 'alice', 'nosuchcmd'],
    ['ACL', 'DRYRUN', 'alice', 'get'],
    ['AUTH', 'alice', 'pw1'],
    ['ACL', 'WHOAMI'],
    ['GET', 'k1'],
    ['MGET', 'k1', 'x'],
    ['MGET', 'k1', 'k2'],
    ['SET', 'x', '1'],
    ['SET', 'k2', '1'],
    ['RENAME', 'k2', 'other'],
    ['LMOVE', 'k1', 'zz', 'LEFT', 'RIGHT'],
    ['ZUNIONSTORE', 'k9', '2', 'k1', 'no'],
    ['PUBLISH', 'other', 'm'],
    ['PUBLISH', 'news', 'm'],
    ['CONFIG', 'GET', 'port'],
    ['MULTI'],
    ['GET', 'k1'],
    ['SET', 'k3', 'v'],
    ['EXEC'],
    ['AUTH', 'alice', 'wrong'],
    ['AUTH', 'default', 'anything'],
    ['ACL', 'SETUSER', 'carol', 'on', 'nopass', 'allkeys', 'allcommands', '-set', '-config|set'],
    ['AUTH', 'carol', 'x'],
    ['SET', 'a', 'b'],
    ['CONFIG', 'SET', 'maxclients', '100'],
    ['CONFIG', 'GET', 'maxclients'],
    ['GET', 'a'],
    ['AUTH', 'default', 'anything'],
    ['ACL', 'WHOAMI'],
    ['ACL', 'LOG', '1'],
  ],
  'key permissions by read and write': [
    ...RESET_USERS,
    ['SET', 'r1', 'v'],
    ['SET', 'w1', 'v'],
    ['ACL', 'SETUSER', 'u', 'on', 'nopass', '%R~r*', '%W~w*', '+@all'],
    ['AUTH', 'u', 'x'],
    ['GET', 'r1'],
    ['GET', 'w1'],
    ['SET', 'r1', 'x'],
    ['SET', 'w1', 'x'],
    ['EXISTS', 'r1', 'w1'],
    ['COPY', 'r1', 'w2'],
    ['COPY', 'w1', 'r2'],
    ['APPEND', 'w1', 'x'],
    ['DEL', 'w1'],
    ['AUTH', 'default', 'x'],
  ],
  'AUTH and HELLO AUTH without requirepass': [
    ...RESET_USERS,
    ['AUTH', 'x'],
    ['AUTH', 'default', 'x'],
    ['AUTH', 'a', 'b', 'c'],
    ['HELLO', '2', 'AUTH', 'default', 'x'],
    ['HELLO', '2', 'AUTH', 'nosuch', 'x'],
    ['ACL', 'SETUSER', 'bob', 'on', '>b', '+@all', '~*'],
    ['HELLO', '3', 'AUTH', 'bob', 'b'],
    ['ACL', 'WHOAMI'],
    ['HELLO', '2', 'AUTH', 'bob', 'bad'],
    ['ACL', 'SETUSER', 'bob', 'off'],
    ['AUTH', 'bob', 'b'],
    ['HELLO', '2', 'AUTH', 'default', 'x'],
  ],
};

for (const [name, commands] of Object.entries(SEQUENCES)) {
  for (const protocol of [2, 3] as const) {
    test(`${name} (RESP${protocol})`, async (t) => {
      if (!requireRedis(t)) return;
      const pr = p();
      await same(pr, [['HELLO', protocol]]);
      await same(pr, maskLogAges(commands), name);
      // Back to a clean connection for the next sequence.
      await same(pr, [['AUTH', 'default', 'x'], ['RESET']]);
    });
  }
}

/** ACL LOG carries ages and client-info lines that differ by nature; those tests avoid printing
 * more than the first entry, and we compare them after masking in the dedicated test below. */
function maskLogAges(commands: (string | number)[][]): (string | number)[][] {
  return commands.filter((c) => !(String(c[0]) === 'ACL' && String(c[1]) === 'LOG' && c.length === 3 && c[2] !== 'RESET' && c[2] !== 'x'));
}

test('ACL LOG entries: same fields and values except age and client-info', async (t) => {
  if (!requireRedis(t)) return;
  const pr = p();
  const script: (string | number)[][] = [
    ...RESET_USERS,
    ['ACL', 'SETUSER', 'alice', 'on', '>pw1', '~k*', '+@read', '-get', '&news'],
    ['AUTH', 'alice', 'pw1'],
    ['GET', 'k1'],
    ['MGET', 'k1', 'x'],
    ['MGET', 'k1', 'x'],
    ['PUBLISH', 'zz', 'm'],
    ['AUTH', 'alice', 'bad'],
    ['AUTH', 'default', 'x'],
    ['ACL', 'LOG'],
  ];
  const [expected, actual] = await Promise.all([
    pr.redisClient.pipeline(script),
    pr.vestaClient.pipeline(script),
  ]);
  const mask = (reply: string): string =>
    reply
      .replace(/\$11\r\nage-seconds\r\n(\$\d+\r\n[^\r]*|,[^\r]*)\r\n/g, 'AGE\r\n')
      .replace(/\$11\r\nclient-info\r\n\$\d+\r\n[^\r]*\r\n/g, 'CLIENT\r\n');
  assert.equal(mask(actual.at(-1) as string), mask(expected.at(-1) as string));
  await same(pr, [['RESET']]);
});

test('ACL CAT <category> lists the same commands (Redis lists them in hash order)', async (t) => {
  if (!requireRedis(t)) return;
  const pr = p();
  for (const cat of ['keyspace', 'read', 'write', 'admin', 'dangerous', 'pubsub', 'fast', 'scripting']) {
    const [r, v] = await Promise.all([pr.redisClient.call('ACL', 'CAT', cat), pr.vestaClient.call('ACL', 'CAT', cat)]);
    assert.deepEqual(bulkSet(v), bulkSet(r), cat);
  }
});

const RULE_POOL = [
  '+@read', '-@read', '+@write', '-@write', '+@string', '-@string', '+@hash', '-@hash', '+@list',
  '+@set', '-@set', '+@admin', '-@admin', '+@dangerous', '-@dangerous', '+@fast', '-@slow',
  '+@keyspace', '-@keyspace', '+@pubsub', '+@all', '-@all', '+get', '-get', '+set', '-set',
  '+config', '-config|set', '+config|get', '+client|list', '-client', '+del', '+select|0', 'on',
  'off', 'nopass', '>pw', 'resetpass', '~a*', '%R~r*', 'allkeys', 'resetkeys', '&ch', 'allchannels',
  'resetchannels',
];

test('random rule lists: ACL LIST describes users as Redis 7.0 does', async (t) => {
  if (!requireRedis(t)) return;
  const pr = p();
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom(...RULE_POOL), { maxLength: 8 }), async (rules) => {
      const commands = [['ACL', 'SETUSER', 'u', 'reset', ...rules], ['ACL', 'LIST']];
      const [r, v] = await Promise.all([pr.redisClient.pipeline(commands), pr.vestaClient.pipeline(commands)]);
      assert.equal(v[0], r[0], `SETUSER ${rules.join(' ')}`);
      assert.deepEqual(normalizeList(v[1] as string), normalizeList(r[1] as string), rules.join(' '));
    }),
    { numRuns: 150, seed: 20260710 },
  );
});

/**
 * Redis lists single-command rules in its command table's hash order (seeded per process), so
 * words after the categories are compared as a set; everything before them exactly.
 */
function normalizeList(reply: string): string[] {
  return bulkItems(reply).map((line) => {
    const words = line.split(' ');
    let i = words.findIndex((w) => w === '+@all' || w === '-@all');
    const head = words.slice(0, i + 1);
    for (i++; i < words.length && /^[+-]@/.test(words[i] as string); i++) head.push(words[i] as string);
    return [...head, '|', ...words.slice(i).sort()].join(' ');
  });
}

function bulkItems(reply: string): string[] {
  const items: string[] = [];
  const re = /\$(\d+)\r\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(reply)) !== null) {
    const len = Number(m[1]);
    items.push(reply.slice(re.lastIndex, re.lastIndex + len));
    re.lastIndex += len + 2;
  }
  return items;
}

function bulkSet(reply: string): string[] {
  return bulkItems(reply).sort();
}

test('requirepass is the default user password: NOAUTH, AUTH one and two args, HELLO AUTH', async (t) => {
  if (!requireRedis(t)) return;
  const pr = p();
  await same(pr, [['CONFIG', 'SET', 'requirepass', 'sekret'], ['ACL', 'LIST'], ['ACL', 'GETUSER', 'default']]);
  const fresh = await Promise.all([RespClient.connect(pr.redis.port), RespClient.connect(pr.vesta.port)]);
  try {
    const script = [
      ['GET', 'x'],
      ['HELLO', '3'],
      ['ACL', 'WHOAMI'],
      ['AUTH', 'wrong'],
      ['AUTH', 'sekret'],
      ['GET', 'x'],
      ['RESET'],
      ['PING'],
      ['HELLO', '3', 'AUTH', 'default', 'sekret'],
      ['AUTH', 'default', 'sekret'],
      ['AUTH', 'default', 'wrong'],
      ['PING'],
    ];
    const [r, v] = await Promise.all(fresh.map((c) => c.pipeline(script)));
    for (let i = 0; i < script.length; i++) {
      const maskId = (s: string): string => s.replace(/\$2\r\nid\r\n:\d+/, 'ID');
      assert.equal(maskId(v?.[i] as string), maskId(r?.[i] as string), JSON.stringify(script[i]));
    }
  } finally {
    for (const c of fresh) c.close();
  }
  await same(pr, [['AUTH', 'sekret'], ['CONFIG', 'SET', 'requirepass', ''], ['ACL', 'LIST']]);
});

test('ACL DELUSER disconnects the deleted user\'s clients; CLIENT LIST shows user=', async (t) => {
  if (!requireRedis(t)) return;
  const pr = p();
  await same(pr, [...RESET_USERS, ['ACL', 'SETUSER', 'carol', 'on', 'nopass', '+@all', '~*']]);
  for (const server of [pr.redis, pr.vesta]) {
    const other = await RespClient.connect(server.port);
    assert.equal(await other.call('AUTH', 'carol', 'x'), '+OK\r\n');
    const list = await other.call('CLIENT', 'INFO');
    assert.match(list, / user=carol /, server.kind);
    const admin = await RespClient.connect(server.port);
    assert.equal(await admin.call('ACL', 'DELUSER', 'carol'), ':1\r\n');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(other.closed, true, `${server.kind}: client of a deleted user is closed`);
    admin.close();
  }
});
