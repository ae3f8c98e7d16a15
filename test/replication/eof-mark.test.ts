// The diskless payload's end: `$EOF:<40 bytes>` ... the same 40 bytes, which a replica finds in
// whatever reads the socket gives it: the mark split across reads (at its first, middle and last
// byte, and trickled in reads shorter than itself), then the master's stream. (redis-server looks
// for the mark at the end of a read only, so the stream comes in a later read.)
// A Vesta replica and a redis-server replica follow the same fake master and must end up alike;
// under repl-diskless-load disabled both store exactly the payload as the dump (Vesta writes it
// while it arrives and cuts off what followed the payload in the last read).

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeRdb } from '../../src/persistence/rdb/encoder.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { fakeMaster, sleep, until } from './helpers.js';

const MARK = '0123456789abcdef0123456789abcdef01234567';
const PAYLOAD = encodeRdb([{ db: 0, entries: [
  { key: 'str', value: 'hello', expireAtMs: null },
  { key: 'big', value: 'x'.repeat(70_000), expireAtMs: null },
] }], { ctimeSec: 1700000000, usedMemBytes: 1000000, aofBase: false });
/** The stream's first command, after the payload. */
const STREAM = '*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n';

/** Writes `pieces` one per 100 ms, so each arrives in a read of its own. */
function trickle(socket: Socket, pieces: string[]): void {
  let i = 0;
  const next = (): void => {
    if (i >= pieces.length || socket.destroyed) return;
    socket.write(pieces[i++] as string, 'latin1');
    setTimeout(next, 100);
  };
  next();
}

type Cut = number | 'trickle' | 'length';

function split(cut: Cut): string[] {
  const payload = PAYLOAD.toString('latin1');
  // A disk-based master's `$<length>` payload, the stream in the same read.
  if (cut === 'length') return [`$${PAYLOAD.length}\r\n${payload}${STREAM}`];
  const body = `$EOF:${MARK}\r\n${payload}`;
  if (cut === 'trickle') {
    const pieces = [body];
    for (let at = 0; at < MARK.length; at += 7) pieces.push(MARK.slice(at, at + 7));
    return [...pieces, STREAM];
  }
  return [body + MARK.slice(0, cut), MARK.slice(cut), STREAM];
}

function describe(cut: Cut): string {
  if (cut === 'trickle') return 'diskless payload whose EOF mark arrives in 7-byte reads';
  if (cut === 'length') return '$<length> payload followed by the stream in the same read';
  return `diskless payload whose EOF mark arrives split after ${cut} bytes`;
}

// swapdb loads from memory; disabled stores the payload as the dump first (exactly the payload:
// no mark, no stream bytes).
const cases: [Cut, 'swapdb' | 'disabled'][] = [[1, 'swapdb'], [20, 'disabled'], [39, 'swapdb'], ['trickle', 'disabled'], ['length', 'disabled']];
for (const [cut, mode] of cases) {
  test(`${describe(cut)}, repl-diskless-load ${mode}: loaded, and the stream after it applied, as on redis-server`, async (t) => {
    if (!requireRedis(t)) return;
    const master = await fakeMaster((socket) => trickle(socket, split(cut)));
    const replicas: RunningServer[] = [];
    try {
      const answers: string[][] = [];
      for (const start of [startRedis, startVesta]) {
        const replica = await start({ args: ['--repl-diskless-load', mode] });
        replicas.push(replica);
        const r = await replica.client();
        await r.call('REPLICAOF', '127.0.0.1', String(master.port));
        await until(`${replica.kind} to apply the stream`, async () => (await r.call('GET', 'after')) === '$1\r\n1\r\n');
        await sleep(50);
        answers.push(await r.pipeline([['DBSIZE'], ['GET', 'str'], ['STRLEN', 'big']]));
        const dump = join(replica.dir, 'dump.rdb');
        if (mode === 'disabled') assert.ok(readFileSync(dump).equals(PAYLOAD), `${replica.kind}: the dump is the payload`);
        else assert.equal(existsSync(dump), false, `${replica.kind}: no dump`);
        r.close();
      }
      assert.deepEqual(answers[0], [':3\r\n', '$5\r\nhello\r\n', ':70000\r\n']);
      assert.deepEqual(answers[1], answers[0], 'Vesta has what redis-server has');
    } finally {
      for (const replica of replicas) await replica.stop();
      master.server.close();
    }
  });
}
