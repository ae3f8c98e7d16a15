// Differential tests for MULTI / EXEC / DISCARD / WATCH / UNWATCH against redis-server 7.0:
// queued replies, EXECABORT, runtime errors inside EXEC's reply, and WATCH invalidation by
// another client's write, by expiry, and by FLUSHALL / FLUSHDB / SWAPDB, in RESP2 and RESP3.
// Two connections per server (a and b) run the same script; the bytes each receives are
// compared after every step.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Recorder } from '../helpers/recorder.js';
import { requireRedis, type RunningServer } from '../helpers/servers.js';
import { sharedServers } from '../helpers/differential.js';

const servers = sharedServers();
let tokenCounter = 0;

type Who = 'a' | 'b';
/** A command from connection a or b, or a pause (for expiry). */
type Step = [Who, ...string[]] | { sleepMs: number };

interface Side {
  a: Recorder;
  b: Recorder;
}

async function openSide(server: RunningServer, resp: 2 | 3): Promise<Side> {
  const [a, b] = await Promise.all([Recorder.connect(server.port), Recorder.connect(server.port)]);
  for (const r of [a, b]) {
    // HELLO's reply names the server and the client id, so it is not compared.
    if (resp === 3) await r.step(['HELLO', '3'], `hello-${tokenCounter++}`);
    await r.step(['FLUSHALL'], `flush-${tokenCounter++}`);
  }
  return { a, b };
}

async function runScript(resp: 2 | 3, steps: Step[], label: string): Promise<void> {
  const { redis, vesta } = servers();
  const [r, v] = await Promise.all([openSide(redis, resp), openSide(vesta, resp)]);
  try {
    for (const [index, step] of steps.entries()) {
      if (!Array.isArray(step)) {
        await new Promise((resolve) => setTimeout(resolve, step.sleepMs));
        continue;
      }
      const [who, ...args] = step;
      const token = `sync-${tokenCounter++}`;
      const [expected, actual] = await Promise.all([r[who].step(args, token), v[who].step(args, token)]);
      assert.equal(actual, expected, `${label} RESP${resp} step ${index} ${who} ${JSON.stringify(args)}`);
    }
  } finally {
    for (const side of [r, v]) {
      side.a.close();
      side.b.close();
    }
  }
}

const SCRIPTS: Record<string, Step[]> = {
  'queued replies and the EXEC array': [
    ['a', 'MULTI'],
    ['a', 'SET', 'k', '1'],
    ['a', 'INCR', 'k'],
    ['a', 'GET', 'k'],
    ['a', 'GET', 'missing'],
    ['a', 'EXISTS', 'k', 'missing'],
    ['a', 'EXEC'],
    ['a', 'MULTI'],
    ['a', 'EXEC'],
    ['a', 'GET', 'k'],
  ],
  'EXECABORT after an unknown command': [
    ['a', 'MULTI'],
    ['a', 'SET', 'k', 'v'],
    ['a', 'NOSUCHCOMMAND', 'x'],
    ['a', 'SET', 'k2', 'v'],
    ['a', 'EXEC'],
    ['a', 'EXISTS', 'k', 'k2'],
    ['a', 'EXEC'],
  ],
  'EXECABORT after wrong arity': [
    ['a', 'MULTI'],
    ['a', 'SET', 'k'],
    ['a', 'GET'],
    ['a', 'INCR', 'k'],
    ['a', 'EXEC'],
    ['a', 'MULTI'],
    ['a', 'CONFIG', 'NOSUCHSUB'],
    ['a', 'EXEC'],
    ['a', 'GET', 'k'],
  ],
  'runtime errors stay inside the EXEC reply': [
    ['a', 'SET', 'bal', '10'],
    ['a', 'SET', 'str', 'abc'],
    ['a', 'MULTI'],
    ['a', 'INCRBY', 'bal', '100.0'],
    ['a', 'INCRBY', 'bal', '5'],
    ['a', 'INCR', 'str'],
    ['a', 'SET', 'k', 'v', 'EX', '-5'],
    ['a', 'GET', 'bal'],
    ['a', 'EXEC'],
    ['a', 'GET', 'bal'],
    ['a', 'GET', 'k'],
  ],
  'nested MULTI and control commands without MULTI': [
    ['a', 'EXEC'],
    ['a', 'DISCARD'],
    ['a', 'MULTI'],
    ['a', 'MULTI'],
    ['a', 'SET', 'k', 'v'],
    ['a', 'EXEC'],
    ['a', 'MULTI'],
    ['a', 'SET', 'k', 'discarded'],
    ['a', 'DISCARD'],
    ['a', 'GET', 'k'],
    ['a', 'MULTI', 'extra'],
    ['a', 'EXEC', 'extra'],
  ],
  'WATCH inside MULTI and UNWATCH': [
    ['a', 'MULTI'],
    ['a', 'WATCH', 'k'],
    ['a', 'SET', 'k', '1'],
    ['a', 'EXEC'],
    ['a', 'UNWATCH'],
    ['a', 'WATCH'],
    ['a', 'MULTI'],
    ['a', 'UNWATCH'],
    ['a', 'EXEC'],
  ],
  'another client invalidates a WATCH': [
    ['a', 'SET', 'k', '1'],
    ['a', 'WATCH', 'k'],
    ['b', 'SET', 'k', '2'],
    ['a', 'MULTI'],
    ['a', 'SET', 'k', '3'],
    ['a', 'EXEC'],
    ['a', 'GET', 'k'],
    // The failed EXEC unwatched everything: the next transaction runs.
    ['a', 'MULTI'],
    ['a', 'SET', 'k', '4'],
    ['a', 'EXEC'],
  ],
  'a WATCH on a missing key is invalidated by its creation': [
    ['a', 'WATCH', 'new'],
    ['b', 'SET', 'new', 'x'],
    ['a', 'MULTI'],
    ['a', 'GET', 'new'],
    ['a', 'EXEC'],
  ],
  'writes that change nothing or touch other keys keep a WATCH': [
    ['a', 'SET', 'k', '1'],
    ['a', 'WATCH', 'k', 'missing'],
    ['b', 'SET', 'other', 'x'],
    ['b', 'DEL', 'missing'],
    ['b', 'GET', 'k'],
    ['b', 'EXPIRE', 'missing', '100'],
    ['a', 'MULTI'],
    ['a', 'INCR', 'k'],
    ['a', 'EXEC'],
  ],
  'own writes before MULTI invalidate, and UNWATCH clears it': [
    ['a', 'WATCH', 'k'],
    ['a', 'SET', 'k', 'mine'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
    ['a', 'WATCH', 'k'],
    ['b', 'APPEND', 'k', '!'],
    ['a', 'UNWATCH'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
  ],
  'DISCARD forgets the WATCH': [
    ['a', 'WATCH', 'k'],
    ['b', 'SET', 'k', 'x'],
    ['a', 'MULTI'],
    ['a', 'DISCARD'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
  ],
  'EXPIRE and PERSIST by another client invalidate': [
    ['a', 'SET', 'k', 'v'],
    ['a', 'WATCH', 'k'],
    ['b', 'EXPIRE', 'k', '100'],
    ['a', 'MULTI'],
    ['a', 'TTL', 'k'],
    ['a', 'EXEC'],
    ['a', 'WATCH', 'k'],
    ['b', 'PERSIST', 'k'],
    ['a', 'MULTI'],
    ['a', 'TTL', 'k'],
    ['a', 'EXEC'],
  ],
  'a watched key that expires before EXEC aborts it': [
    ['a', 'SET', 'k', 'v', 'PX', '50'],
    ['a', 'WATCH', 'k'],
    { sleepMs: 120 },
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
  ],
  'a key already expired at WATCH time does not abort': [
    ['a', 'DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
    ['a', 'SET', 'k', 'v', 'PX', '20'],
    { sleepMs: 60 },
    ['a', 'WATCH', 'k'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
    ['a', 'DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
  ],
  'a key expired at WATCH time: deletion is no change, re-creation is': [
    ['a', 'DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
    ['a', 'SET', 'k', 'v', 'PX', '20'],
    ['a', 'SET', 'k2', 'v', 'PX', '20'],
    ['a', 'SET', 'k3', 'v', 'PX', '20'],
    { sleepMs: 60 },
    ['a', 'WATCH', 'k'],
    ['b', 'GET', 'k'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
    ['a', 'WATCH', 'k2'],
    ['b', 'SET', 'k2', 'new'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k2'],
    ['a', 'EXEC'],
    ['a', 'WATCH', 'k3'],
    ['b', 'FLUSHDB'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k3'],
    ['a', 'EXEC'],
    ['a', 'DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
  ],
  'a rejected EXEC inside MULTI aborts and discards': [
    ['a', 'WATCH', 'k'],
    ['a', 'MULTI'],
    ['a', 'SET', 'k', 'v'],
    ['a', 'EXEC', 'extra'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
  ],
  'an expired watched key removed by another client\'s read': [
    ['a', 'SET', 'k', 'v', 'PX', '50'],
    ['a', 'WATCH', 'k'],
    { sleepMs: 120 },
    ['b', 'GET', 'k'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
  ],
  'FLUSHALL and FLUSHDB invalidate watches on existing keys': [
    ['a', 'SET', 'k', 'v'],
    ['a', 'WATCH', 'k'],
    ['b', 'FLUSHALL'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
    ['a', 'SET', 'k', 'v'],
    ['a', 'WATCH', 'k'],
    ['b', 'FLUSHDB'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
    // A watched key that does not exist is not touched by a flush.
    ['a', 'WATCH', 'nothing'],
    ['b', 'FLUSHALL'],
    ['a', 'MULTI'],
    ['a', 'GET', 'nothing'],
    ['a', 'EXEC'],
    // A flush of another db leaves this db's watches alone.
    ['a', 'SET', 'k', 'v'],
    ['a', 'WATCH', 'k'],
    ['b', 'SELECT', '3'],
    ['b', 'SET', 'x', 'y'],
    ['b', 'FLUSHDB'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
  ],
  'SWAPDB invalidates watches on keys in either db': [
    ['a', 'SET', 'k', 'db0'],
    ['a', 'WATCH', 'k'],
    ['b', 'SWAPDB', '0', '1'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
    // The key exists only in the other db: swapping brings it in.
    ['b', 'SELECT', '2'],
    ['b', 'SET', 'only2', 'x'],
    ['a', 'WATCH', 'only2'],
    ['b', 'SWAPDB', '0', '2'],
    ['a', 'MULTI'],
    ['a', 'GET', 'only2'],
    ['a', 'EXEC'],
    // Neither db has the key: no abort.
    ['a', 'WATCH', 'nowhere'],
    ['b', 'SWAPDB', '0', '2'],
    ['a', 'MULTI'],
    ['a', 'GET', 'nowhere'],
    ['a', 'EXEC'],
  ],
  'WATCH follows the db it was issued in': [
    ['a', 'SELECT', '5'],
    ['a', 'SET', 'k', 'v'],
    ['a', 'WATCH', 'k'],
    ['b', 'SET', 'k', 'db0 write'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
    ['a', 'WATCH', 'k'],
    ['b', 'SELECT', '5'],
    ['b', 'DEL', 'k'],
    ['a', 'MULTI'],
    ['a', 'GET', 'k'],
    ['a', 'EXEC'],
  ],
  'commands that change the client state inside EXEC': [
    ['a', 'MULTI'],
    ['a', 'SELECT', '1'],
    ['a', 'SET', 'k', 'in db1'],
    ['a', 'SELECT', '100'],
    ['a', 'EXEC'],
    ['a', 'GET', 'k'],
    ['a', 'SELECT', '0'],
    ['a', 'GET', 'k'],
  ],
  'RESET inside MULTI and a WATCHed RESET client': [
    ['a', 'WATCH', 'k'],
    ['a', 'MULTI'],
    ['a', 'SET', 'k', 'v'],
    ['a', 'RESET'],
    ['a', 'EXEC'],
    ['a', 'GET', 'k'],
  ],
};

for (const resp of [2, 3] as const) {
  for (const [name, steps] of Object.entries(SCRIPTS)) {
    test(`transaction RESP${resp}: ${name}`, async (t) => {
      if (!requireRedis(t)) return;
      await runScript(resp, steps, name);
    });
  }
}
