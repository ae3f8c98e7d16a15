// What a master shows of a replica during and after a full sync, next to redis-server 7.0, seen
// by a hand-driven replica (handshake, PSYNC, then reading or not): diskless (`$EOF:` payload)
// the replica is `wait_bgsave` while the payload goes out, then `online` (counted by
// min-replicas-to-write) but the stream written since is held until its first REPLCONF ACK
// (so nothing follows the EOF mark in the same read); disk-backed it is `wait_bgsave` during
// the save, `send_bulk` while the file goes out (a replica that does not read keeps it there)
// and `online` once it has, with the stream right after the payload.

import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import type { RespClient } from '../helpers/resp-client.js';
import { requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';
import { info, sleep, until } from './helpers.js';

type Start = (options: { args?: string[] }) => Promise<RunningServer>;

/** A replica driven by hand: it reads only when told to. */
class HandReplica {
  readonly socket: Socket;
  data = '';

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => (this.data += chunk.toString('latin1')));
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<HandReplica> {
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    return new HandReplica(socket);
  }

  send(...argv: string[]): void {
    this.socket.write(`*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`, 'latin1');
  }

  /** Sends a handshake command and waits for its one-line reply. */
  async command(...argv: string[]): Promise<string> {
    this.data = '';
    this.send(...argv);
    await until(`a reply to ${argv[0] as string}`, async () => this.data.includes('\r\n'));
    return this.data;
  }

  /** After +FULLRESYNC: true once the whole payload arrived; `rest` is what followed it. */
  payloadEnd(): { done: boolean; rest: string } {
    const eof = /\$EOF:([0-9a-f]{40})\r\n/.exec(this.data);
    if (eof !== null) {
      const at = this.data.indexOf(eof[1] as string, eof.index + eof[0].length);
      return at < 0 ? { done: false, rest: '' } : { done: true, rest: this.data.slice(at + 40) };
    }
    const bulk = /\n\$(\d+)\r\n/.exec(this.data);
    if (bulk === null) return { done: false, rest: '' };
    const end = bulk.index + bulk[0].length + Number(bulk[1]);
    return this.data.length < end ? { done: false, rest: '' } : { done: true, rest: this.data.slice(end) };
  }
}

async function slaveState(m: RespClient): Promise<string> {
  return /state=([a-z_]+)/.exec(await info(m, 'replication', 'slave0'))?.[1] ?? 'none';
}

/** One full sync to a hand-driven replica; what the master shows and sends at each step. */
async function scenario(start: Start, diskless: boolean, stall: boolean): Promise<unknown[]> {
  const master = await start({ args: ['--repl-diskless-sync', diskless ? 'yes' : 'no', '--repl-diskless-sync-delay', '0',
    '--min-replicas-to-write', '1', '--min-replicas-max-lag', '100', '--repl-ping-replica-period', '100', '--rdbcompression', 'no'] });
  const m = await master.client();
  let replica: HandReplica | null = null;
  try {
    const log: unknown[] = [];
    // A payload (24 MB, not compressed) larger than the socket buffers: a replica that does
    // not read stalls it.
    if (stall) assert.equal(await m.call('DEBUG', 'POPULATE', '60000', 'key', '400'), '+OK\r\n');
    replica = await HandReplica.open(master.port);
    log.push(await replica.command('PING'));
    log.push(await replica.command('REPLCONF', 'listening-port', '4321'));
    log.push(await replica.command('REPLCONF', 'capa', 'eof', 'capa', 'psync2'));
    replica.data = '';
    if (stall) replica.socket.pause();
    replica.send('PSYNC', '?', '-1');
    if (stall) {
      await until('the sync to start', async () => (await info(m, 'stats', 'sync_full')) === '1');
      log.push('snapshot', await slaveState(m));
      // Disk-backed, the dump is written (which takes a while on a busy machine), then sent
      // (and stalls); diskless, the payload stalls and the state stays.
      const deadline = Date.now() + (diskless ? 1000 : 20_000);
      while ((await slaveState(m)) === 'wait_bgsave' && Date.now() < deadline) await sleep(25);
      log.push('stalled', await slaveState(m), await info(m, 'replication', 'min_slaves_good_slaves'));
      replica.socket.resume();
    }
    const r = replica;
    await until('the payload', async () => r.payloadEnd().done, 30_000);
    await until('the replica to be online', async () => (await slaveState(m)) === 'online');
    log.push('synced', await info(m, 'replication', 'min_slaves_good_slaves'));
    log.push(await m.call('SET', 'after', 'sync'));
    await sleep(300);
    log.push('before its ACK', r.payloadEnd().rest);
    r.send('REPLCONF', 'ACK', '0');
    await sleep(300);
    log.push('after its ACK', r.payloadEnd().rest, await slaveState(m));
    return log;
  } finally {
    replica?.socket.destroy();
    m.close();
    await master.stop();
  }
}

const STREAM = '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$4\r\nsync\r\n';

for (const diskless of [true, false]) {
  for (const stall of [false, true]) {
    const name = `${diskless ? 'diskless' : 'disk-backed'} full sync${stall ? ', replica not reading' : ''}: states and the stream's start as Redis 7.0`;
    test(name, async (t) => {
      if (!requireRedis(t)) return;
      const redis = await scenario(startRedis, diskless, stall);
      const vesta = await scenario(startVesta, diskless, stall);
      const held = redis.indexOf('before its ACK');
      assert.equal(redis[held + 1], diskless ? '' : STREAM, 'redis: the stream before the ACK');
      assert.deepEqual(vesta, redis);
    });
  }
}
