// DEBUG LOADAOF with appendonly no, against redis-server 7.0: the AOF left in the directory from
// when appendonly was yes is loaded (the dataset replaced by it, no changes to save). With no
// AOF at all Redis 7.0 exits (its load fails and it calls exit(1)); Vesta refuses instead and
// keeps the dataset, which the second test checks on both.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';

async function digestAndKeys(c: RespClient): Promise<string[]> {
  return [await c.call('DBSIZE'), await c.call('DEBUG', 'DIGEST')];
}

test('DEBUG LOADAOF with appendonly no loads the AOF left in the directory', async (t) => {
  if (!requireRedis(t)) return;
  const seen: unknown[][] = [];
  for (const start of [startRedis, startVesta]) {
    const server = await start({ args: ['--appendonly', 'yes'] });
    const c = await server.client();
    try {
      const log: unknown[] = [];
      await c.pipeline([['SET', 'a', '1'], ['RPUSH', 'l', 'x', 'y'], ['SELECT', '2'], ['SET', 'b', '2'], ['SELECT', '0']]);
      const inAof = await digestAndKeys(c);
      log.push(await c.call('CONFIG', 'SET', 'appendonly', 'no'));
      // Written after the AOF was turned off: gone once the AOF is loaded.
      await c.pipeline([['SET', 'later', '1'], ['DEL', 'a']]);
      log.push(await c.call('DEBUG', 'LOADAOF'));
      const loaded = await digestAndKeys(c);
      log.push(loaded[0], loaded[1] === inAof[1]);
      log.push(await c.call('GET', 'a'), await c.call('EXISTS', 'later'));
      log.push(/rdb_changes_since_last_save:(\d+)/.exec(await c.call('INFO', 'persistence'))?.[1]);
      seen.push(log);
    } finally {
      c.close();
      await server.stop();
    }
  }
  assert.deepEqual(seen[1], seen[0]);
});

test('DEBUG LOADAOF with appendonly no and no AOF: Redis 7.0 exits, Vesta refuses and keeps the data', async (t) => {
  if (!requireRedis(t)) return;
  const redis: RunningServer = await startRedis();
  try {
    const c = await redis.client();
    await c.call('SET', 'a', '1');
    const exited = new Promise<number | null>((resolve) => redis.process.once('exit', (code) => resolve(code)));
    await c.call('DEBUG', 'LOADAOF').catch(() => 'closed');
    assert.equal(await exited, 1, 'redis-server 7.0 exits with status 1 here');
    c.close();
  } finally {
    await redis.stop();
  }
  const vesta = await startVesta();
  try {
    const c = await vesta.client();
    await c.call('SET', 'a', '1');
    assert.equal(await c.call('DEBUG', 'LOADAOF'),
      '-ERR DEBUG LOADAOF found no AOF to load (appendonly is no and the AOF directory has no manifest)\r\n');
    assert.equal(await c.call('GET', 'a'), '$1\r\n1\r\n');
    c.close();
  } finally {
    await vesta.stop();
  }
});
