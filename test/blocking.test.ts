// Blocking commands with several clients, run as the same scenario against the real
// redis-server 7.0 and against Vesta: each client's replies (in the order that client got them)
// must be identical. Scenarios never assert timing, only outcomes; before a producer pushes,
// they wait until the server reports the expected number of blocked clients.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockingServers, Run, scenario, type Scenario } from './helpers/blocking-run.js';
import { requireRedis, startRedis, startVesta } from './helpers/servers.js';

blockingServers();

scenario('FIFO among three clients blocked on one key', async (run) => {
  for (const [i, name] of ['c1', 'c2', 'c3'].entries()) {
    await run.send(name, 'BLPOP', 'k', '0');
    await run.waitBlocked(i + 1);
  }
  await run.call('p', 'RPUSH', 'k', 'a', 'b');
  await run.waitBlocked(1);
  await run.call('p', 'LLEN', 'k');
  await run.call('p', 'RPUSH', 'k', 'c', 'd');
  await run.waitBlocked(0);
  await run.call('p', 'LRANGE', 'k', '0', '-1');
});

scenario('timeouts reply a null array, in RESP2 and RESP3', async (run) => {
  await run.quiet('c3', 'HELLO', '3');
  for (const name of ['c2', 'c3']) {
    await run.call(name, 'BLPOP', 'k', '0.1');
    await run.call(name, 'BRPOP', 'k1', 'k2', '0.05');
    await run.call(name, 'BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0.05');
    await run.call(name, 'BRPOPLPUSH', 'k', 'd', '0.05');
    await run.call(name, 'BLMPOP', '0.05', '2', 'k', 'k2', 'LEFT', 'COUNT', '3');
    await run.call(name, 'BZPOPMIN', 'z', '0.05');
    await run.call(name, 'BZMPOP', '0.05', '1', 'z', 'MAX');
  }
  await run.call('p', 'EXISTS', 'k', 'd', 'z');
});

scenario('served by LMOVE, RPOPLPUSH and a push that creates the key', async (run) => {
  await run.send('c1', 'BLPOP', 'dst', '0');
  await run.waitBlocked(1);
  await run.call('p', 'RPUSH', 'src', 'x', 'y', 'z');
  await run.call('p', 'LMOVE', 'src', 'dst', 'LEFT', 'LEFT');
  await run.waitBlocked(0);
  await run.send('c1', 'BRPOP', 'dst', '0');
  await run.waitBlocked(1);
  await run.call('p', 'RPOPLPUSH', 'src', 'dst');
  await run.waitBlocked(0);
  await run.call('p', 'LRANGE', 'src', '0', '-1');
  await run.call('p', 'EXISTS', 'dst');
});

scenario('MULTI/EXEC pushes serve after EXEC, with the final state', async (run) => {
  await run.send('c1', 'BLPOP', 'k', '0');
  await run.waitBlocked(1);
  await run.send('c2', 'BLPOP', 'k', '0');
  await run.waitBlocked(2);
  await run.call('p', 'MULTI');
  await run.call('p', 'RPUSH', 'k', 'a');
  await run.call('p', 'DEL', 'k');
  await run.call('p', 'EXEC');
  await run.call('p', 'MULTI');
  await run.call('p', 'RPUSH', 'k', 'a', 'b', 'c');
  await run.call('p', 'LPOP', 'k');
  await run.call('p', 'EXEC');
  await run.waitBlocked(0);
  await run.call('p', 'EXISTS', 'k');
});

scenario('a push in another db does not serve', async (run) => {
  await run.send('c1', 'BLPOP', 'k', '0');
  await run.waitBlocked(1);
  await run.call('p', 'SELECT', '1');
  await run.call('p', 'RPUSH', 'k', 'other-db');
  await run.call('p', 'LLEN', 'k');
  await run.waitBlocked(1);
  await run.call('p', 'SELECT', '0');
  await run.call('p', 'RPUSH', 'k', 'same-db');
  await run.waitBlocked(0);
  await run.call('p', 'SELECT', '1');
  await run.call('p', 'LRANGE', 'k', '0', '-1');
});

scenario('pipelined commands after a blocking command wait until it is served', async (run) => {
  await run.sendAll('c1', [['BLPOP', 'k', '0'], ['PING'], ['RPUSH', 'after', 'x'], ['LLEN', 'k']]);
  await run.waitBlocked(1);
  await run.call('p', 'EXISTS', 'after');
  await run.call('p', 'RPUSH', 'k', 'a', 'b');
  await run.waitBlocked(0);
  await run.call('c1', 'LRANGE', 'after', '0', '-1');
});

scenario('a client that disconnects while blocked is forgotten', async (run) => {
  await run.send('c1', 'BLPOP', 'k', '0');
  await run.waitBlocked(1);
  await run.send('c2', 'BLPOP', 'k', '0');
  await run.waitBlocked(2);
  run.close('c1');
  await run.waitBlocked(1);
  await run.call('p', 'RPUSH', 'k', 'a', 'b');
  await run.waitBlocked(0);
  await run.call('p', 'LRANGE', 'k', '0', '-1');
});

scenario('BLMOVE chains serve every hop in one go', async (run) => {
  await run.send('c1', 'BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0');
  await run.waitBlocked(1);
  await run.send('c2', 'BRPOPLPUSH', 'b', 'c', '0');
  await run.waitBlocked(2);
  await run.send('c3', 'BLPOP', 'c', '0');
  await run.waitBlocked(3);
  await run.call('p', 'RPUSH', 'a', 'x', 'y');
  await run.waitBlocked(0);
  await run.call('p', 'LRANGE', 'a', '0', '-1');
  await run.call('p', 'EXISTS', 'b', 'c');
});

scenario('BZPOPMIN and BZPOPMAX are served by ZADD (RESP2 and RESP3)', async (run) => {
  await run.quiet('c2', 'HELLO', '3');
  await run.send('c1', 'BZPOPMIN', 'z', '0');
  await run.waitBlocked(1);
  await run.send('c2', 'BZPOPMAX', 'z', '0');
  await run.waitBlocked(2);
  await run.send('c3', 'BZMPOP', '0', '2', 'nokey', 'z', 'MIN', 'COUNT', '5');
  await run.waitBlocked(3);
  const members = ['1.5', 'a', '2', 'b', '3', 'c', '4', 'd', '-1e100', 'e', '5', 'f'];
  await run.call('p', 'ZADD', 'z', ...members);
  await run.waitBlocked(0);
  await run.call('p', 'ZRANGE', 'z', '0', '-1', 'WITHSCORES');
});

scenario('a list client is not served by a zset and vice versa', async (run) => {
  await run.send('c1', 'BLPOP', 'k', '0');
  await run.waitBlocked(1);
  await run.send('c2', 'BZPOPMIN', 'k', '0');
  await run.waitBlocked(2);
  await run.call('p', 'ZADD', 'k', '1', 'm');
  await run.waitBlocked(1);
  await run.call('p', 'SET', 'k', 'string');
  await run.call('p', 'DEL', 'k');
  await run.call('p', 'RPUSH', 'k', 'x');
  await run.waitBlocked(0);
});

scenario('BLMPOP and multi-key BLPOP are served from the key that became ready', async (run) => {
  await run.send('c1', 'BLMPOP', '0', '2', 'k1', 'k2', 'RIGHT', 'COUNT', '2');
  await run.waitBlocked(1);
  await run.send('c2', 'BLPOP', 'k1', 'k2', '0');
  await run.waitBlocked(2);
  await run.call('p', 'RPUSH', 'k2', 'a', 'b', 'c');
  await run.waitBlocked(0);
  await run.call('p', 'LRANGE', 'k2', '0', '-1');
});

scenario('BLMOVE whose destination became the wrong type', async (run) => {
  await run.send('c1', 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
  await run.waitBlocked(1);
  await run.send('c2', 'BLMOVE', 'src', 'dst2', 'LEFT', 'LEFT', '0');
  await run.waitBlocked(2);
  await run.call('p', 'SET', 'dst', 'string');
  await run.call('p', 'RPUSH', 'src', 'x');
  await run.waitBlocked(0);
  await run.call('p', 'LRANGE', 'src', '0', '-1');
  await run.call('p', 'LRANGE', 'dst2', '0', '-1');
});

scenario('CLIENT UNBLOCK with TIMEOUT and ERROR', async (run) => {
  const id = (await run.quiet('c1', 'CLIENT', 'ID')).slice(1, -2);
  await run.send('c1', 'BLPOP', 'k', '0');
  await run.waitBlocked(1);
  await run.call('p', 'CLIENT', 'UNBLOCK', id);
  await run.waitBlocked(0);
  await run.call('p', 'CLIENT', 'UNBLOCK', id);
  await run.send('c1', 'BZPOPMIN', 'z', '0');
  await run.waitBlocked(1);
  await run.call('p', 'CLIENT', 'UNBLOCK', id, 'ERROR');
  await run.waitBlocked(0);
  await run.call('c1', 'PING');
});

scenario('SWAPDB makes keys ready for clients blocked on that db index', async (run) => {
  await run.send('c1', 'BLPOP', 'k', '0');
  await run.waitBlocked(1);
  await run.call('p', 'SELECT', '1');
  await run.call('p', 'RPUSH', 'k', 'from-db-1');
  await run.call('p', 'SWAPDB', '0', '1');
  await run.waitBlocked(0);
  await run.call('p', 'SELECT', '0');
  await run.call('p', 'EXISTS', 'k');
});

scenario('inside MULTI a blocking command does not block', async (run) => {
  await run.call('c1', 'MULTI');
  await run.call('c1', 'BLPOP', 'k', '0');
  await run.call('c1', 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
  await run.call('c1', 'BZPOPMIN', 'z', '0');
  await run.call('c1', 'EXEC');
  await run.waitBlocked(0);
});

scenario('a served client whose next pipelined command blocks again', async (run) => {
  await run.sendAll('c1', [['BLPOP', 'k', '0'], ['BLPOP', 'k', '0'], ['ECHO', 'done']]);
  await run.waitBlocked(1);
  await run.call('p', 'RPUSH', 'k', 'a');
  await run.waitBlocked(1);
  await run.call('p', 'RPUSH', 'k', 'b');
  await run.waitBlocked(0);
});

// ------------------------------------------------------------------ propagation

test('immediate and served blocking pops reach the AOF in their non-blocking form', async (t) => {
  if (!requireRedis(t)) return;
  const args = ['--appendonly', 'yes', '--appendfsync', 'always'];
  const [r, v] = await Promise.all([startRedis({ args }), startVesta({ args })]);
  try {
    const logs: string[] = [];
    for (const server of [r, v]) {
      const run = new Run(server.port);
      await propagationScenario(run);
      await run.finish();
      logs.push(await readIncrAof(server.dir));
    }
    assert.equal(logs[1], logs[0]);
  } finally {
    await Promise.all([r.stop(), v.stop()]);
  }
});

async function propagationScenario(run: Run): Promise<void> {
  // Immediate pops.
  await run.call('p', 'RPUSH', 'k', 'a', 'b', 'c', 'd', 'e', 'f');
  await run.call('p', 'BLPOP', 'nokey', 'k', '0');
  await run.call('p', 'BRPOP', 'k', '0');
  await run.call('p', 'BLMOVE', 'k', 'd', 'left', 'Right', '0');
  await run.call('p', 'BRPOPLPUSH', 'k', 'd', '0');
  await run.call('p', 'BLMPOP', '0', '2', 'nokey', 'k', 'LEFT', 'COUNT', '5');
  await run.call('p', 'LMPOP', '1', 'd', 'RIGHT');
  await run.call('p', 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
  await run.call('p', 'BZPOPMIN', 'z', '0');
  await run.call('p', 'BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '5');
  // Served pops, each in the db of the client it serves.
  await run.quiet('c4', 'SELECT', '3');
  const served: [string, (string | number)[], (string | number)[]][] = [
    ['c1', ['BLPOP', 'k', '0'], ['RPUSH', 'k', 'x', 'y']],
    ['c2', ['BLMOVE', 's', 'd', 'RIGHT', 'left', '0'], ['RPUSH', 's', 'x']],
    ['c3', ['BRPOPLPUSH', 's2', 'd', '0'], ['LPUSH', 's2', 'y']],
    ['c4', ['BLMPOP', '0', '1', 'm', 'RIGHT', 'COUNT', '5'], ['RPUSH', 'm', '1', '2']],
    ['c5', ['BZPOPMAX', 'z', '0'], ['ZADD', 'z', '1', 'a', '2', 'b']],
    ['c6', ['BZMPOP', '0', '1', 'z2', 'MIN', 'COUNT', '2'], ['ZADD', 'z2', '1', 'a', '2', 'b']],
  ];
  for (const [name, command, push] of served) {
    await run.send(name, ...command);
    await run.waitBlocked(1);
    if (name === 'c4') await run.quiet('p', 'SELECT', '3');
    await run.call('p', ...push);
    await run.waitBlocked(0);
    if (name === 'c4') await run.quiet('p', 'SELECT', '0');
  }
  await run.call('p', 'PING');
}

/** The incr AOF file's commands (after the first SELECT), as one string. */
async function readIncrAof(dir: string): Promise<string> {
  const { readdirSync, readFileSync } = await import('node:fs');
  const aofDir = `${dir}/appendonlydir`;
  const names = readdirSync(aofDir).filter((n) => n.endsWith('.incr.aof')).sort();
  return names.map((n) => readFileSync(`${aofDir}/${n}`, 'latin1')).join('');
}
