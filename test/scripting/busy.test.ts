// Long scripts: `while true do end` past busy-reply-threshold, on redis-server and Vesta side by
// side. Other clients get -BUSY (the EVAL or the FUNCTION text), SCRIPT KILL / FUNCTION KILL
// stop a script that did not write, UNKILLABLE once it wrote, FUNCTION STATS during a function,
// SHUTDOWN without NOSAVE refused and SHUTDOWN NOSAVE served; the killed caller's reply and its
// pipeline afterwards (the error says where the script was stopped, "script: <sha1|name>, on
// @user_script:<line>."). Replies compared between the two servers.

import test from 'node:test';
import assert from 'node:assert/strict';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import type { RespClient } from '../helpers/resp-client.js';

const SPIN_LIB = "#!lua name=busy\n\nredis.register_function('spin', function()\n  local n = 0\n  while true do n = n + 1 end\nend)";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts the long call on its own connection; resolves with its reply once it ends. */
async function startLong(server: RunningServer, args: (string | number)[]): Promise<{ reply: Promise<string>; conn: RespClient }> {
  const conn = await server.client();
  const reply = conn.pipeline([args, ['PING']]).then((r) => r.join(''), () => 'closed');
  await sleep(400); // past the 100 ms threshold
  return { reply, conn };
}

/** Strips what differs by design: FUNCTION STATS' duration. */
function normalise(text: string): string {
  return text.replace(/duration_ms\r\n:\d+/g, 'duration_ms\r\n:N');
}

async function scenario(server: RunningServer): Promise<string[]> {
  const admin = await server.client();
  await admin.pipeline([['CONFIG', 'SET', 'busy-reply-threshold', 100], ['FUNCTION', 'LOAD', SPIN_LIB]]);
  const out: string[] = [];
  let long = await startLong(server, ['EVAL', 'local i = 0\nwhile true do i = i + 1 end', 0]);
  out.push(...(await admin.pipeline([['PING'], ['GET', 'x'], ['FUNCTION', 'KILL'], ['FUNCTION', 'STATS'], ['SHUTDOWN']])));
  out.push(await admin.call('SCRIPT', 'KILL'));
  out.push(normalise(await long.reply));
  long.conn.close();
  // a loop calling a leaf (a function without loops that calls only natives: Vesta runs it as
  // a plain function, not a generator) stays killable
  long = await startLong(server, ['EVAL', "local rcall = redis.call local function get() return rcall('GET', 'nokey') end local function spin() while true do get() end end spin()", 0]);
  out.push(await admin.call('SCRIPT', 'KILL'));
  out.push(normalise(await long.reply));
  long.conn.close();
  long = await startLong(server, ['FCALL', 'spin', 0]);
  out.push(...(await admin.pipeline([['PING'], ['SCRIPT', 'KILL']])));
  out.push(normalise(await admin.call('FUNCTION', 'STATS')));
  out.push(await admin.call('FUNCTION', 'KILL'));
  out.push(normalise(await long.reply));
  long.conn.close();
  long = await startLong(server, ['EVAL', "redis.call('set', 'x', '1') while true do end", 0]);
  out.push(...(await admin.pipeline([['SCRIPT', 'KILL'], ['MULTI'], ['GET', 'x'], ['EXEC']])));
  const shutdown = admin.call('SHUTDOWN', 'NOSAVE').catch(() => 'closed');
  out.push(await shutdown);
  out.push(await long.reply);
  long.conn.close();
  admin.close();
  return out;
}

test('BUSY, SCRIPT KILL, FUNCTION KILL, UNKILLABLE and SHUTDOWN NOSAVE match redis-server', async (t) => {
  if (!requireRedis(t)) return;
  const redis = await startRedis();
  const vesta = await startVesta();
  try {
    const [expected, actual] = await Promise.all([scenario(redis), scenario(vesta)]);
    assert.deepEqual(actual, expected);
    assert.ok(expected.some((r) => r.startsWith('-BUSY Redis is busy running a script. You can only call FUNCTION KILL')));
    assert.ok(expected.some((r) => r.startsWith('-UNKILLABLE')));
    // The killed caller's error names the script and the line it was stopped at.
    assert.ok(expected.some((r) => r.includes('SCRIPT KILL... script: spin, on @user_function:5.')));
  } finally {
    await Promise.all([redis.stop(), vesta.stop()]);
  }
});

/** Transactions and a long script: EXEC while another client's script is busy, a script inside EXEC. */
async function transactionScenario(server: RunningServer): Promise<string[]> {
  const admin = await server.client();
  const queued = await server.client();
  await admin.call('CONFIG', 'SET', 'busy-reply-threshold', 100);
  const out: string[] = [];
  out.push(...(await queued.pipeline([['MULTI'], ['SET', 'x', '1']])));
  let long = await startLong(server, ['EVAL', 'local i = 0\nwhile true do i = i + 1 end', 0]);
  // EXEC (and commands queued) during the busy script: BUSY, then EXECABORT.
  out.push(...(await queued.pipeline([['EXEC'], ['MULTI'], ['GET', 'x'], ['EXEC']])));
  out.push(await admin.call('SCRIPT', 'KILL'));
  out.push(await long.reply);
  long.conn.close();
  // A long script inside EXEC is busy too and can be killed; EXEC then runs the rest.
  const tx = await server.client();
  const exec = tx.pipeline([['MULTI'], ['EVAL', 'local i = 0\nwhile true do i = i + 1 end', 0], ['SET', 'z', '1'], ['EXEC'], ['GET', 'z']]);
  await sleep(400);
  out.push(...(await admin.pipeline([['GET', 'z'], ['EXEC'], ['SCRIPT', 'KILL']])));
  out.push((await exec).join(''));
  out.push(await admin.call('GET', 'z'));
  for (const c of [admin, queued, tx]) c.close();
  return out;
}

test('EXEC during a busy script and a busy script inside EXEC match redis-server', async (t) => {
  if (!requireRedis(t)) return;
  const redis = await startRedis();
  const vesta = await startVesta();
  try {
    const [expected, actual] = await Promise.all([transactionScenario(redis), transactionScenario(vesta)]);
    assert.deepEqual(actual, expected);
    assert.ok(expected.some((r) => r.startsWith('-EXECABORT Transaction discarded because of: BUSY')));
    assert.ok(expected.some((r) => r.includes('*2\r\n-ERR Script killed by user with SCRIPT KILL...')));
  } finally {
    await Promise.all([redis.stop(), vesta.stop()]);
  }
});

test('before the threshold other clients wait for the script instead of getting BUSY', async (t) => {
  if (!requireRedis(t)) return;
  const vesta = await startVesta();
  try {
    const a = await vesta.client();
    const b = await vesta.client();
    await a.call('CONFIG', 'SET', 'busy-reply-threshold', 5000);
    const long = a.call('EVAL', "local t = redis.call('time')[1] local n = 0 for i = 1, 3000000 do n = n + i end redis.call('set', 'done', n) return n", 0);
    await sleep(20);
    const got = await b.call('GET', 'done');
    assert.match(await long, /^:\d+\r\n$/);
    // The GET waited for the script: it sees its write, never a BUSY.
    assert.match(got, /^\$\d+\r\n\d+\r\n$/);
    a.close();
    b.close();
  } finally {
    await vesta.stop();
  }
});

/** Multi-line loops killed by SCRIPT KILL: the error names the body's line, as Lua's hook does. */
async function killLineScenario(server: RunningServer): Promise<string[]> {
  const admin = await server.client();
  await admin.call('CONFIG', 'SET', 'busy-reply-threshold', 100);
  const out: string[] = [];
  const scripts = [
    'local x = 0\nwhile true do\n  x = x + 1\nend',
    'local x = 0\nlocal function f()\n  for i = 1, 1e12 do\n    x = x + i\n  end\nend\nf()',
    'local x = 0\nrepeat\n  x = x + 1\nuntil x < 0',
  ];
  for (const body of scripts) {
    const long = await startLong(server, ['EVAL', body, 0]);
    out.push(await admin.call('SCRIPT', 'KILL'));
    out.push(await long.reply);
    long.conn.close();
  }
  admin.close();
  return out;
}

test('SCRIPT KILL of a multi-line loop reports the line in the loop body as redis-server', async (t) => {
  if (!requireRedis(t)) return;
  const redis = await startRedis();
  const vesta = await startVesta();
  try {
    const [expected, actual] = await Promise.all([killLineScenario(redis), killLineScenario(vesta)]);
    assert.deepEqual(actual, expected);
    assert.ok(expected.some((r) => r.includes('on @user_script:3.')));
    assert.ok(expected.some((r) => r.includes('on @user_script:4.')));
  } finally {
    await Promise.all([redis.stop(), vesta.stop()]);
  }
});
