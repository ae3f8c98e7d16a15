// Protected mode and the default bind, against redis-server 7.0. A real non-loopback peer comes
// from a private network namespace joined to the host by a veth pair on 10.213.7.0/24 (addresses
// this test creates and removes); without root or `ip netns` that part skips visibly and only
// the decision function is tested.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { protectedModeDenies, PROTECTED_MODE_DENIED } from '../../src/server/server.js';
import { lookupConfig } from '../../src/config/schema.js';
import { haveRedis, requireBinary, requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';

const NS = 'vesta-pm-test';
const HOST_ADDRESS = '10.213.7.1';
const PEER_ADDRESS = '10.213.7.2';

test('decision: protected mode denies non-loopback peers only while the default user has no password', () => {
  const base = { protectedMode: true, defaultUserNopass: true };
  for (const address of ['127.0.0.1', '127.5.6.7', '::1', '::ffff:127.0.0.1']) {
    assert.equal(protectedModeDenies({ ...base, remoteAddress: address }), false, address);
  }
  for (const address of ['10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', '']) {
    assert.equal(protectedModeDenies({ ...base, remoteAddress: address }), true, address);
  }
  assert.equal(protectedModeDenies({ ...base, defaultUserNopass: false, remoteAddress: '10.0.0.1' }), false);
  assert.equal(protectedModeDenies({ ...base, protectedMode: false, remoteAddress: '10.0.0.1' }), false);
});

test('defaults: bind 127.0.0.1 -::1 and protected-mode yes', () => {
  assert.equal(lookupConfig('bind')?.default, '127.0.0.1 -::1');
  assert.equal(lookupConfig('protected-mode')?.default, true);
  assert.ok(PROTECTED_MODE_DENIED.startsWith('-DENIED Redis is running in protected mode'));
});

let netnsReady = false;

function sh(args: string[]): boolean {
  return spawnSync(args[0] as string, args.slice(1), { stdio: 'ignore' }).status === 0;
}

function teardownNetns(): void {
  sh(['ip', 'link', 'del', 'vpm0a']);
  sh(['ip', 'netns', 'del', NS]);
}

before(() => {
  if (process.getuid?.() !== 0) return;
  teardownNetns();
  netnsReady =
    sh(['ip', 'netns', 'add', NS]) &&
    sh(['ip', 'link', 'add', 'vpm0a', 'type', 'veth', 'peer', 'name', 'vpm0b']) &&
    sh(['ip', 'link', 'set', 'vpm0b', 'netns', NS]) &&
    sh(['ip', 'addr', 'add', `${HOST_ADDRESS}/24`, 'dev', 'vpm0a']) &&
    sh(['ip', 'link', 'set', 'vpm0a', 'up']) &&
    sh(['ip', 'netns', 'exec', NS, 'ip', 'addr', 'add', `${PEER_ADDRESS}/24`, 'dev', 'vpm0b']) &&
    sh(['ip', 'netns', 'exec', NS, 'ip', 'link', 'set', 'vpm0b', 'up']);
  if (!netnsReady) teardownNetns();
});

after(() => {
  if (netnsReady) teardownNetns();
});

/** From inside the namespace: connects, sends each command, returns everything read until close. */
function fromPeer(port: number, commands: string[][]): string {
  const script = `
    const net = require('node:net');
    let out = '';
    const done = () => { process.stdout.write(JSON.stringify(out)); process.exit(0); };
    const s = net.connect(${port}, '${HOST_ADDRESS}');
    const expected = ${commands.length};
    s.on('data', (d) => {
      out += d.toString('latin1');
      // Every reply here is one line: stop as soon as each command has its answer.
      if (out.split('\\r\\n').length - 1 >= expected) done();
    });
    const enc = (a) => '*' + a.length + '\\r\\n' + a.map((x) => '$' + x.length + '\\r\\n' + x + '\\r\\n').join('');
    s.on('connect', () => s.write(${JSON.stringify(commands)}.map(enc).join('')));
    s.on('close', done); s.on('error', done); setTimeout(done, 5000);`;
  const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, '-e', script], { encoding: 'latin1' });
  return JSON.parse(r.stdout || '""') as string;
}

async function both(args: string[], fn: (s: RunningServer) => Promise<void> | void): Promise<void> {
  const servers = await Promise.all([startRedis({ args }), startVesta({ args })]);
  try {
    for (const s of servers) await fn(s);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

test('non-loopback peer: DENIED without a password, NOAUTH with one, PONG with protected-mode no', async (t) => {
  if (!requireRedis(t)) return;
  if (!requireBinary(t, 'a network namespace (root and `ip netns`)', netnsReady)) return;
  const bind = ['--bind', HOST_ADDRESS, '127.0.0.1'];
  const replies: Record<string, string[]> = { redis: [], vesta: [] };
  await both(bind, async (s) => {
    replies[s.kind]?.push(fromPeer(s.port, [['PING']]));
    const admin = await s.client();
    await admin.call('CONFIG', 'SET', 'requirepass', 'pw');
    replies[s.kind]?.push(fromPeer(s.port, [['PING'], ['AUTH', 'pw'], ['PING']]));
    await admin.call('AUTH', 'pw');
    await admin.call('CONFIG', 'SET', 'requirepass', '');
    await admin.call('CONFIG', 'SET', 'protected-mode', 'no');
    replies[s.kind]?.push(fromPeer(s.port, [['PING']]));
    admin.close();
  });
  assert.deepEqual(replies['vesta'], replies['redis']);
  assert.ok(replies['redis']?.[0]?.startsWith('-DENIED'), 'redis denies the peer');
  assert.equal(replies['redis']?.[1], '-NOAUTH Authentication required.\r\n+OK\r\n+PONG\r\n');
  assert.equal(replies['redis'][2], '+PONG\r\n');
});

test('default bind: a server started without --bind is not reachable from another host', async (t) => {
  if (!requireRedis(t) || !requireBinary(t, 'a network namespace (root and `ip netns`)', netnsReady)) return;
  // startVesta passes --bind 127.0.0.1; the default (127.0.0.1 -::1) is the same for IPv4.
  const vesta = await startVesta();
  try {
    assert.equal(fromPeer(vesta.port, [['PING']]), '', 'connection refused from the peer');
  } finally {
    await vesta.stop();
  }
});
