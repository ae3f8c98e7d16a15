// Differential tests for CLIENT PAUSE / UNPAUSE and CLIENT NO-EVICT against redis-server 7.0:
// what is held and what goes through in WRITE and ALL mode, that held commands (and what a
// client pipelined behind them) run in order once the pause ends, that the dataset stays
// static (no expiry) while paused, and the argument errors. Nothing here depends on timing
// beyond "has not replied yet": held replies are collected after the unpause.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Recorder } from '../helpers/recorder.js';
import { requireRedis, type RunningServer } from '../helpers/servers.js';
import { sharedServers } from '../helpers/differential.js';
import { encodeCommand, replyEnd } from '../helpers/resp-client.js';
import { connect, type Socket } from 'node:net';

const servers = sharedServers();
let tokenCounter = 0;

/** A connection that sends without waiting and collects a given number of replies later. */
class Raw {
  readonly socket: Socket;
  buffer = '';
  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => (this.buffer += d.toString('latin1')));
    socket.on('error', () => {});
  }

  static open(port: number): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' }, () => resolve(new Raw(s)));
      s.once('error', reject);
    });
  }

  send(...commands: string[][]): void {
    this.socket.write(commands.map((c) => encodeCommand(c)).join(''), 'latin1');
  }

  /** Waits for `count` complete replies and returns them. */
  async replies(count: number): Promise<string[]> {
    const deadline = Date.now() + 5000;
    const out: string[] = [];
    while (out.length < count) {
      const end = this.buffer.length === 0 ? -1 : replyEnd(this.buffer, 0);
      if (end > 0) {
        out.push(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(out)} ${JSON.stringify(this.buffer)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return out;
  }
}

function field(info: string, name: string): string {
  return new RegExp(`\\r\\n${name}:([^\\r]*)`).exec(info)?.[1] ?? '?';
}

/** One server's run of the WRITE-mode script; returns everything observed, in order. */
async function writeModeScript(server: RunningServer): Promise<string[]> {
  tokenCounter = 0;
  const log: string[] = [];
  const a = await Recorder.connect(server.port);
  const [b, d, e, m] = await Promise.all([Raw.open(server.port), Raw.open(server.port), Raw.open(server.port), Raw.open(server.port)]);
  const step = async (args: string[]): Promise<void> => {
    log.push(`${args.join(' ')} -> ${await a.step(args, `t${tokenCounter++}`)}`);
  };
  try {
    await step(['FLUSHALL']);
    await step(['SET', 'e', '1', 'PX', '300']);
    await step(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    b.send(['SET', 'k', '1'], ['GET', 'k'], ['INCR', 'n']);
    d.send(['MULTI'], ['SET', 'k', '2']);
    e.send(['PUBLISH', 'ch', 'm'], ['PING']);
    m.send(['MULTI'], ['GET', 'k'], ['EXEC']);
    log.push(`reads inside MULTI go through: ${(await m.replies(3)).join('')}`);
    for (let i = 0; i < 500; i++) {
      const info = await a.step(['INFO', 'clients'], `i${tokenCounter++}`);
      if (field(info, 'blocked_clients') === '3') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await step(['GET', 'k']);
    await step(['MGET', 'k', 'n']);
    await step(['CLIENT', 'INFO']).then(() => log.pop());
    log.push(`blocked_clients ${field(await a.step(['INFO', 'clients'], `i${tokenCounter++}`), 'blocked_clients')}`);
    assert.equal(b.buffer + e.buffer, '', `${server.kind}: a held command replied during the pause`);
    assert.equal(d.buffer, '+OK\r\n', `${server.kind}: MULTI passes, the write queued after it waits`);
    // Expiry is paused: the key reads as missing but stays in the dataset until the unpause.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await step(['GET', 'e']);
    await step(['EXISTS', 'e']);
    await step(['CLIENT', 'UNPAUSE']);
    log.push(`b: ${(await b.replies(3)).join('')}`);
    log.push(`d: ${(await d.replies(2)).join('')}`);
    d.send(['EXEC']);
    log.push(`d exec: ${(await d.replies(1)).join('')}`);
    log.push(`e: ${(await e.replies(2)).join('')}`);
    await step(['MGET', 'k', 'n']);
    await step(['GET', 'e']);
    await step(['DBSIZE']);
  } finally {
    a.close();
    for (const r of [b, d, e, m]) r.socket.destroy();
    const cleanup = await Raw.open(server.port);
    cleanup.send(['CLIENT', 'UNPAUSE']);
    await cleanup.replies(1);
    cleanup.socket.destroy();
  }
  return log;
}

test('CLIENT PAUSE WRITE: writes, may-replicate commands and MULTI writes wait, reads pass, order kept', async (t) => {
  if (!requireRedis(t)) return;
  const expected = await writeModeScript(servers().redis);
  const actual = await writeModeScript(servers().vesta);
  assert.deepEqual(actual, expected);
});

async function allModeScript(server: RunningServer): Promise<string[]> {
  tokenCounter = 0;
  const a = await Recorder.connect(server.port);
  const [b, c] = await Promise.all([Raw.open(server.port), Raw.open(server.port)]);
  try {
    await a.step(['SET', 'k', 'v'], `t${tokenCounter++}`);
    const paused = await a.step(['CLIENT', 'PAUSE', '300', 'ALL'], `t${tokenCounter++}`);
    // Everything waits, reads and CLIENT UNPAUSE included, until the 300 ms are over.
    b.send(['GET', 'k'], ['PING']);
    c.send(['CLIENT', 'UNPAUSE'], ['SET', 'k', 'w'], ['GET', 'k']);
    const [fromB, fromC] = await Promise.all([b.replies(2), c.replies(3)]);
    return [paused, fromB.join(''), fromC.join('')];
  } finally {
    a.close();
    b.socket.destroy();
    c.socket.destroy();
  }
}

test('CLIENT PAUSE ALL: every command waits for the timeout, then runs in order', async (t) => {
  if (!requireRedis(t)) return;
  const expected = await allModeScript(servers().redis);
  const actual = await allModeScript(servers().vesta);
  assert.deepEqual(actual, expected);
});

test('CLIENT PAUSE / UNPAUSE / NO-EVICT arguments', async (t) => {
  if (!requireRedis(t)) return;
  const script = [
    ['CLIENT', 'PAUSE', 'x'],
    ['CLIENT', 'PAUSE', '-1'],
    ['CLIENT', 'PAUSE', '99999999999999999999'],
    ['CLIENT', 'PAUSE', '9223372036854775807'],
    ['CLIENT', 'PAUSE', '10', 'foo'],
    ['CLIENT', 'PAUSE', 'x', 'foo'],
    ['CLIENT', 'PAUSE', '10', 'write', 'extra'],
    ['CLIENT', 'PAUSE'],
    ['CLIENT', 'UNPAUSE', 'x'],
    ['CLIENT', 'PAUSE', '0', 'write'],
    ['CLIENT', 'PAUSE', '0', 'ALL'],
    ['CLIENT', 'UNPAUSE'],
    ['CLIENT', 'UNPAUSE'],
    ['SET', 'k', 'v'],
    ['CLIENT', 'NO-EVICT', 'on'],
    ['CLIENT', 'NO-EVICT', 'maybe'],
    ['CLIENT', 'NO-EVICT'],
    ['CLIENT', 'NO-EVICT', 'OFF'],
  ];
  const results: string[][] = [];
  for (const server of [servers().redis, servers().vesta]) {
    tokenCounter = 0;
    const a = await Recorder.connect(server.port);
    const out: string[] = [];
    try {
      for (const args of script) out.push(await a.step(args, `t${tokenCounter++}`));
      await a.step(['CLIENT', 'NO-EVICT', 'on'], 'n1');
      out.push(/flags=(\S*)/.exec(await a.step(['CLIENT', 'INFO'], 'n2'))?.[1] ?? '?');
      await a.step(['CLIENT', 'NO-EVICT', 'off'], 'n3');
      out.push(/flags=(\S*)/.exec(await a.step(['CLIENT', 'INFO'], 'n4'))?.[1] ?? '?');
    } finally {
      await a.step(['CLIENT', 'UNPAUSE'], 'u');
      a.close();
    }
    results.push(out);
  }
  assert.deepEqual(results[1], results[0]);
});
