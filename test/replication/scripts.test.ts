// Scripts on a master with replicas, as Redis 7.0 replicates them: as effects (the commands a
// script ran, wrapped in MULTI/EXEC), never the script. The stream a raw replica reads after
// EVAL / FCALL is compared byte for byte with redis-server's; a redis-server replica of Vesta
// keeps an equal digest through non-deterministic scripts; a killed read-only script sends
// nothing; SCRIPT KILL without a script is NOTBUSY.

import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { encodeCommand, type RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { caughtUp, digest, FAST, sleep, until } from './helpers.js';

type Start = (options: { args?: string[] }) => Promise<RunningServer>;

/** A replica speaking the protocol by hand: what arrives after the full-sync payload. */
class RawReplica {
  readonly #socket: Socket;
  #data = Buffer.alloc(0);
  #streamStart = -1;

  constructor(port: number) {
    this.#socket = connect({ port, host: '127.0.0.1' });
    this.#socket.on('error', () => {});
    let asked = false;
    this.#socket.on('data', (chunk: Buffer) => {
      this.#data = Buffer.concat([this.#data, chunk]);
      // PSYNC after REPLCONF's reply: Redis refuses it while a reply is pending.
      if (!asked && this.#data.toString('latin1').startsWith('+OK\r\n')) {
        asked = true;
        this.#socket.write(encodeCommand(['PSYNC', '?', '-1']));
      }
      this.#findStream();
    });
    this.#socket.write(encodeCommand(['REPLCONF', 'capa', 'psync2']));
  }

  #findStream(): void {
    if (this.#streamStart >= 0) return;
    const text = this.#data.toString('latin1');
    const m = /\r\n\n*\$(\d+)\r\n/.exec(text.slice(text.indexOf('+FULLRESYNC')));
    if (m === null) return;
    const headerEnd = text.indexOf('+FULLRESYNC') + m.index + m[0].length;
    if (this.#data.length >= headerEnd + Number(m[1])) this.#streamStart = headerEnd + Number(m[1]);
  }

  get synced(): boolean {
    return this.#streamStart >= 0;
  }

  /** The stream received so far (after the payload). */
  stream(): string {
    return this.#streamStart < 0 ? '' : this.#data.toString('latin1', this.#streamStart);
  }

  close(): void {
    this.#socket.destroy();
  }
}

const LIB = "#!lua name=lib\nredis.register_function('two', function(keys, args) redis.call('SET', keys[1], args[1]) return redis.call('INCR', keys[2]) end)";

/** Scripts whose effects are deterministic, so both masters' streams can be compared. */
async function scripts(c: RespClient): Promise<string[]> {
  return c.pipeline([
    ['EVAL', "redis.call('SET', KEYS[1], 'v') redis.call('INCR', KEYS[2]) return 1", 2, 's1', 'n1'],
    ['EVAL', "redis.call('SELECT', 3) redis.call('HSET', KEYS[1], 'f', ARGV[1]) return redis.call('GET', 'absent')", 1, 'h3', 'x'],
    ['EVAL', "return redis.call('GET', KEYS[1])", 1, 's1'],
    ['EVAL', "redis.call('SET', KEYS[1], 'only') return 0", 1, 'single'],
    ['FCALL', 'two', 2, 'f1', 'f2', 'val'],
    ['EVAL', "redis.call('DEL', 'nothing-here') return 1", 0],
    ['SET', 'plain', '1'],
  ]);
}

test('EVAL and FCALL reach replicas as their effects in MULTI/EXEC, byte for byte as redis-server sends them', async (t) => {
  if (!requireRedis(t)) return;
  const streams: string[] = [];
  for (const start of [startRedis, startVesta] as Start[]) {
    const master = await start({ args: ['--repl-diskless-sync-delay', '0'] });
    const raw = new RawReplica(master.port);
    try {
      const m = await master.client();
      await until(`${master.kind}: the raw replica's payload`, () => Promise.resolve(raw.synced));
      assert.ok((await m.call('FUNCTION', 'LOAD', LIB)).startsWith('$'));
      const replies = await scripts(m);
      for (const r of replies) assert.ok(!r.startsWith('-'), `${master.kind}: ${r}`);
      await until(`${master.kind}: the stream`, () => Promise.resolve(raw.stream().includes('plain')));
      streams.push(raw.stream());
      m.close();
    } finally {
      raw.close();
      await master.stop();
    }
  }
  // FUNCTION LOAD, then the scripts' effects: everything after the sync is in the stream.
  assert.equal(streams[1], streams[0]);
  assert.match(streams[0] as string, /\*1\r\n\$5\r\nMULTI\r\n\*3\r\n\$3\r\nSET\r\n\$2\r\ns1/, 'effects in MULTI');
});

test('a redis-server replica of Vesta stays equal through non-deterministic scripts; killed scripts send nothing', async (t) => {
  if (!requireRedis(t)) return;
  // The default repl-ping-replica-period (10 s): no PING moves the offset during the test.
  const master = await startVesta({ args: ['--repl-diskless-sync-delay', '0'] });
  const replica = await startRedis({ args: [...FAST, '--replicaof', '127.0.0.1', String(master.port)] });
  try {
    const m = await master.client();
    const r = await replica.client();
    await caughtUp(m, r);
    for (let i = 0; i < 5; i++) {
      const reply = await m.call('EVAL',
        "local t = redis.call('TIME') redis.call('SET', KEYS[1], t[1] .. '.' .. t[2]) redis.call('RPUSH', KEYS[2], math.random(1000000)) return t[2]",
        '2', 'clock', 'rand');
      assert.ok(reply.startsWith('$'), reply);
      await sleep(3);
    }
    await caughtUp(m, r);
    assert.equal(await digest(r), await digest(m), 'the replica got the values the master computed');
    assert.equal(await m.call('SCRIPT', 'KILL'), '-NOTBUSY No scripts in execution right now.\r\n');
    // A read-only script killed past busy-reply-threshold: nothing to propagate.
    await m.call('CONFIG', 'SET', 'busy-reply-threshold', '100');
    const offsetBefore = await m.call('INFO', 'replication');
    const long = await master.client();
    const longReply = long.call('EVAL', "local n = 0 while true do n = n + 1 end", '0');
    await sleep(300);
    const admin = await master.client();
    assert.equal(await admin.call('SCRIPT', 'KILL'), '+OK\r\n');
    assert.match(await longReply, /^-ERR Script killed by user with SCRIPT KILL/);
    const offsetOf = (text: string): string => /master_repl_offset:(\d+)/.exec(text)?.[1] ?? '?';
    assert.equal(offsetOf(await m.call('INFO', 'replication')), offsetOf(offsetBefore), 'no bytes for a killed read-only script');
    await caughtUp(m, r);
    assert.equal(await digest(r), await digest(m));
    for (const c of [m, r, long, admin]) c.close();
  } finally {
    await replica.stop();
    await master.stop();
  }
});
