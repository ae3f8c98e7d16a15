// repl-diskless-load as Redis 7.0 tells its modes apart, next to a redis-server replica of the
// same fake master: the master answers the handshake and sends a payload that fails to load.
// `swapdb` keeps the old dataset (put back after the failure) and writes no dump; `disabled`
// stores the payload as the dump before loading it, `on-empty-db` only when keys are present.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { fakeMaster, sleep, until } from './helpers.js';

/** RDB header, a SELECTDB 0, then a type byte no RDB has: the load fails after the flush. */
const BAD = Buffer.concat([Buffer.from('REDIS0010', 'latin1'), Buffer.from([0xfe, 0x00, 0x00, 0x01, 0x6b, 0x01, 0x76, 0x77, 0x77, 0x77])]);

test('repl-diskless-load swapdb: a payload that fails to load leaves the old dataset, as on redis-server', async (t) => {
  if (!requireRedis(t)) return;
  const master = await fakeMaster((socket) => {
    socket.write(`$${BAD.length}\r\n`);
    socket.write(BAD);
  });
  const replicas: RunningServer[] = [];
  try {
    const answers: string[][] = [];
    for (const start of [startRedis, startVesta]) {
      const replica = await start({ args: ['--repl-diskless-load', 'swapdb'] });
      replicas.push(replica);
      const r = await replica.client();
      answers.push(await tryBadSync(r, master, replica.kind, [['SET', 'old', '1'], ['SET', 'older', '2']]));
      assert.equal(existsSync(join(replica.dir, 'dump.rdb')), false, `${replica.kind}: diskless, no dump written`);
      r.close();
    }
    assert.deepEqual(answers[1], answers[0], 'Vesta keeps what redis-server keeps');
    assert.equal(answers[0]?.[0], ':2\r\n', 'the old dataset is back');
  } finally {
    for (const replica of replicas) await replica.stop();
    master.server.close();
  }
});

/** Sets up a dataset, follows the fake master until it sent its payload, answers DBSIZE and GET old. */
async function tryBadSync(r: RespClient, master: { port: number; syncs: () => number }, kind: string,
  setup: string[][]): Promise<string[]> {
  if (setup.length > 0) await r.pipeline(setup);
  const before = master.syncs();
  await r.call('REPLICAOF', '127.0.0.1', String(master.port));
  await until(`${kind} to try the payload`, () => Promise.resolve(master.syncs() > before));
  await sleep(500);
  const answer = await r.pipeline([['DBSIZE'], ['GET', 'old']]);
  await r.call('REPLICAOF', 'NO', 'ONE');
  return answer;
}

// redis-server exits on a corrupt payload loaded from disk (its RDB corruption check); Vesta
// stays up with the dataset flushed, so these are checked on Vesta alone.
const diskCases: [string, boolean, boolean][] = [
  // mode, dataset present before, dump written
  ['disabled', true, true],
  ['disabled', false, true],
  ['on-empty-db', true, true],
  ['on-empty-db', false, false],
];
for (const [mode, present, written] of diskCases) {
  test(`repl-diskless-load ${mode} with ${present ? 'keys' : 'no keys'}: the payload ${written ? 'is' : 'is not'} stored as the dump first; a failed load leaves no keys`, async () => {
    const master = await fakeMaster((socket) => {
    socket.write(`$${BAD.length}\r\n`);
    socket.write(BAD);
  });
    const replica = await startVesta({ args: ['--repl-diskless-load', mode] });
    try {
      const r = await replica.client();
      const answer = await tryBadSync(r, master, 'vesta', present ? [['SET', 'old', '1']] : []);
      assert.deepEqual(answer, [':0\r\n', '$-1\r\n']);
      assert.equal(existsSync(join(replica.dir, 'dump.rdb')), written);
      assert.match(await r.call('PING'), /^\+PONG/);
      r.close();
    } finally {
      await replica.stop();
      master.server.close();
    }
  });
}
