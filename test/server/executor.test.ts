// The one executor (src/server/dispatch.ts) run for the callers that have no network client
// yet: a script's redis.call (SCRIPT_CALLER / READ_ONLY_SCRIPT_CALLER) and a replica's master
// link (MASTER_CALLER), plus the AOF loader's profile. The script refusals are compared with
// what redis-server 7.0's redis.pcall returns for the same command (EVAL relays the error
// reply unchanged), in RESP2; the rest are Redis's documented behaviour for those callers.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type VestaHandle } from '../../src/index.js';
import {
  AOF_CALLER,
  MASTER_CALLER,
  READ_ONLY_SCRIPT_CALLER,
  SCRIPT_CALLER,
} from '../../src/server/caller.js';
import { executeCommand, executeForReply, Outcome } from '../../src/server/dispatch.js';
import { haveRedis, requireRedis, startRedis, type RunningServer } from '../helpers/servers.js';
import type { RespClient } from '../helpers/resp-client.js';

let vesta: VestaHandle;
let redis: RunningServer | null = null;
let redisClient: RespClient | null = null;

before(async () => {
  vesta = await startServer({ port: 0, save: '', appendonly: false });
  if (haveRedis()) {
    redis = await startRedis();
    redisClient = await redis.client();
  }
});

after(async () => {
  redisClient?.close();
  await redis?.stop();
  await vesta.close();
});

/** What Redis's redis.pcall returns for argv, relayed by EVAL (or EVAL_RO) as a reply. */
function redisPcall(argv: string[], readOnly = false): Promise<string> {
  const client = redisClient as RespClient;
  return client.call(readOnly ? 'EVAL_RO' : 'EVAL', 'return redis.pcall(unpack(ARGV))', '0', ...argv);
}

const SCRIPT_CASES: string[][] = [
  ['multi'], // noscript
  ['nosuchcommand', 'x'],
  ['config', 'nosuchsub'],
  ['set', 'k'], // arity
  ['set', 'executor:k', 'v'],
  ['incr', 'executor:k'], // runs: the handler's own error
  ['get', 'executor:k'],
];

test("a script caller's refusals and replies match redis.pcall's", async (t) => {
  if (!requireRedis(t)) return;
  const server = vesta.server;
  const c = server.createInternalClient(SCRIPT_CALLER);
  for (const argv of SCRIPT_CASES) {
    assert.equal(executeForReply(server, c, argv), await redisPcall(argv), argv.join(' '));
  }
  assert.equal(c.out, '', 'executeForReply takes the reply out of the buffer');
});

test('a read-only script caller refuses writes as EVAL_RO does, and reads', async (t) => {
  if (!requireRedis(t)) return;
  const server = vesta.server;
  const c = server.createInternalClient(READ_ONLY_SCRIPT_CALLER);
  for (const argv of [['set', 'executor:ro', 'v'], ['get', 'executor:ro'], ['del', 'executor:ro']]) {
    assert.equal(executeForReply(server, c, argv), await redisPcall(argv, true), argv.join(' '));
  }
});

test("a script caller runs as the script's user: ACL texts and ACL LOG context as Redis's", async (t) => {
  if (!requireRedis(t)) return;
  const rules = ['on', 'nopass', '+@all', '-flushall', '~a*', 'resetchannels'];
  const client = redisClient as RespClient;
  await client.call('ACL', 'SETUSER', 'scriptuser', ...rules);
  await client.call('AUTH', 'scriptuser', 'x');
  const server = vesta.server;
  const admin = server.createClient(null);
  assert.equal(executeForReply(server, admin, ['acl', 'setuser', 'scriptuser', ...rules]), '+OK\r\n');
  const c = server.createInternalClient(SCRIPT_CALLER);
  c.user = 'scriptuser';
  try {
    for (const argv of [['set', 'b', 'v'], ['publish', 'chan', 'm'], ['flushall'], ['set', 'a', 'v']]) {
      assert.equal(executeForReply(server, c, argv), await redisPcall(argv), argv.join(' '));
    }
    assert.equal(server.acl.log[0]?.context, 'lua');
  } finally {
    await client.call('AUTH', 'default', 'x');
  }
});

test('the master caller needs no ACL and keeps no reply, but is counted', () => {
  const server = vesta.server;
  const c = server.createInternalClient(MASTER_CALLER);
  c.user = 'nosuchuser';
  const calls = server.commands.lookup('set')?.stats.calls ?? -1;
  assert.equal(executeCommand(server, c, ['set', 'executor:master', 'v']), Outcome.ran);
  assert.equal(c.out, '');
  assert.equal(server.commands.lookup('set')?.stats.calls, calls + 1);
  assert.ok(server.keyspace.db(0).dict.has('executor:master'));
});

test('the AOF caller: no checks, nothing counted, reply discarded; refusals come back as outcomes', () => {
  const server = vesta.server;
  const c = server.createInternalClient(AOF_CALLER);
  c.authenticated = false;
  const set = server.commands.lookup('set');
  const before = { calls: set?.stats.calls, processed: server.stats.commandsProcessed };
  server.loading = true;
  try {
    assert.equal(executeCommand(server, c, ['set', 'executor:aof', 'v']), Outcome.ran);
  } finally {
    server.loading = false;
  }
  assert.equal(c.out, '');
  assert.deepEqual({ calls: set?.stats.calls, processed: server.stats.commandsProcessed }, before);
  assert.equal(executeCommand(server, c, ['nosuchcommand']), Outcome.unknown);
  assert.equal(executeCommand(server, c, ['get']), Outcome.arity);
  assert.equal(c.out, '');
});
