// The replication commands' replies and errors, compared with redis-server 7.0 byte for byte
// (ROLE, WAIT, REPLCONF, REPLICAOF / SLAVEOF, min-replicas-to-write), and the start of the
// PSYNC / SYNC protocol as a raw replica sees it from either server; WAIT waits for the
// stream as it was after the calling client's previous command (any command); REPLICAOF
// ends blocked clients' waits with an error and closes them.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import { sequenceTests, sharedPair } from '../helpers/differential.js';
import { encodeCommand } from '../helpers/resp-client.js';
import { freePort, requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { freeze, pair } from './failover-helpers.js';
import { info, until } from './helpers.js';

const p = sharedPair();

sequenceTests(p, {
  'ROLE and WAIT on a master without replicas': [
    ['ROLE'],
    ['WAIT', '0', '0'],
    ['WAIT', '1', '-1'],
    ['WAIT', 'x', '1'],
    ['WAIT', '1', 'x'],
    ['WAIT', '1', '5'],
  ],
  'REPLCONF options and errors': [
    ['REPLCONF', 'listening-port', '1234'],
    ['REPLCONF', 'listening-port', 'x'],
    ['REPLCONF', 'capa', 'eof', 'capa', 'psync2'],
    ['REPLCONF', 'ip-address', '10.0.0.1'],
    ['REPLCONF', 'foo', '1'],
    ['REPLCONF', 'ack'],
    ['REPLCONF', 'a', 'b', 'c'],
  ],
  'REPLICAOF / SLAVEOF argument errors and NO ONE on a master': [
    ['REPLICAOF', 'localhost', 'x'],
    ['REPLICAOF', 'no', 'x'],
    ['SLAVEOF', 'localhost', '-1'],
    ['REPLICAOF', 'NO', 'ONE'],
    ['SLAVEOF', 'no', 'one'],
    ['REPLICAOF', 'a'],
  ],
  'min-replicas-to-write refuses writes without enough good replicas': [
    ['CONFIG', 'SET', 'min-replicas-to-write', '1'],
    ['SET', 'k', 'v'],
    ['MULTI'],
    ['SET', 'k', 'v'],
    ['EXEC'],
    ['GET', 'k'],
    ['CONFIG', 'SET', 'min-replicas-max-lag', '0'],
    ['SET', 'k', 'v'],
    ['CONFIG', 'SET', 'min-replicas-max-lag', '10'],
    ['CONFIG', 'SET', 'min-replicas-to-write', '0'],
    ['SET', 'k', 'v'],
    ['DEL', 'k'],
  ],
});

/** What a raw replica reads after sending `request`: the first line and the payload header. */
function rawSync(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let data = '';
    const timer = setTimeout(() => finish(), 5000);
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data);
    };
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (/\$\d+\r\nREDIS0010/.test(data)) finish();
    });
    socket.write(request);
  });
}

const servers: RunningServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

for (const [name, start] of [['redis-server', startRedis], ['Vesta', startVesta]] as const) {
  test(`PSYNC ? -1 and SYNC without capa eof get a disk-style payload from ${name}`, async (t) => {
    if (!requireRedis(t)) return;
    const server = await start({ args: ['--repl-diskless-sync-delay', '0'] });
    servers.push(server);
    const psync = await rawSync(server.port, encodeCommand(['PSYNC', '?', '-1']));
    assert.match(psync, /^\+FULLRESYNC [0-9a-f]{40} \d+\r\n(\n)*\$\d+\r\nREDIS0010/);
    const sync = await rawSync(server.port, encodeCommand(['SYNC']));
    assert.match(sync, /^(\n)*\$\d+\r\nREDIS0010/);
    const info = await (await server.client()).call('INFO', 'stats');
    assert.match(info, /sync_full:2\r\n/);
  });
}

test('WAIT waits for the stream as it was after the calling client\'s previous command (as Redis 7.0)', async (t) => {
  if (!requireRedis(t)) return;
  const seen: string[][] = [];
  for (const kind of ['redis', 'vesta'] as const) {
    const group = await pair(kind, kind);
    const other = await group.master.client();
    try {
      // The replica stops acknowledging: only offsets it acknowledged already count.
      freeze(group.replica, true);
      const log = [await group.m.call('SET', 'w', '1')];
      // A new client has run nothing: it waits for nothing (then for the SET, like any command after it).
      log.push(await other.call('WAIT', '1', '200'), await other.call('WAIT', '1', '200'), await group.m.call('WAIT', '1', '200'));
      const third = await group.master.client();
      log.push(await third.call('PING'), await third.call('WAIT', '1', '200'));
      third.close();
      seen.push(log);
    } finally {
      freeze(group.replica, false);
      other.close();
      await group.stop();
    }
  }
  assert.deepEqual(seen[0], ['+OK\r\n', ':1\r\n', ':0\r\n', ':0\r\n', '+PONG\r\n', ':0\r\n'],
    'redis: a client waits for what the stream held after its previous command');
  assert.deepEqual(seen[1], seen[0]);
});

test('REPLICAOF unblocks blocked clients (BLPOP, XREAD BLOCK, WAIT) with an error and closes them (as Redis 7.0)', async (t) => {
  if (!requireRedis(t)) return;
  const deadPort = String(await freePort());
  const seen: unknown[][] = [];
  for (const start of [startRedis, startVesta]) {
    const server = await start();
    servers.push(server);
    const admin = await server.client();
    const blocked = [await server.client(), await server.client(), await server.client()];
    const idle = await server.client();
    const replies = [
      blocked[0]?.call('BLPOP', 'nolist', '0'),
      blocked[1]?.call('XREAD', 'BLOCK', '0', 'STREAMS', 'nostream', '$'),
      blocked[2]?.call('WAIT', '1', '0'),
    ];
    await until('the clients to block', async () => (await info(admin, 'clients', 'blocked_clients')) === '3');
    const log: unknown[] = [await admin.call('REPLICAOF', '127.0.0.1', deadPort)];
    // A client still blocked after 5 s shows as such (instead of the test hanging).
    const stillBlocked = new Promise<string>((resolve) => setTimeout(() => resolve('still blocked'), 5000).unref());
    log.push(...(await Promise.all(replies.map((r) => Promise.race([r, stillBlocked])))));
    await until('the connections to close', async () => blocked.every((c) => c.closed), 5000).catch(() => log.push('not closed'));
    // A client that was not blocked stays.
    log.push(await idle.call('PING'), await admin.call('REPLICAOF', 'NO', 'ONE'));
    seen.push(log);
    admin.close();
    idle.close();
  }
  const error = '-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)\r\n';
  assert.deepEqual(seen[0], ['+OK\r\n', error, error, error, '+PONG\r\n', '+OK\r\n'], 'redis');
  assert.deepEqual(seen[1], seen[0]);
});
