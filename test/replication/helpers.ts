// Shared pieces of the replication tests: a dataset with every type, INFO fields, waiting for a
// replica to catch up, and digests (DEBUG DIGEST is the same function in Vesta and Redis).

import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { parseReply, type RespClient } from '../helpers/resp-client.js';

/** Fast syncs in tests: no diskless delay, short timeouts. */
export const FAST = ['--repl-diskless-sync-delay', '0', '--repl-ping-replica-period', '1'];

export async function info(client: RespClient, section: string, field: string): Promise<string> {
  const text = parseReply(await client.call('INFO', section)) as string;
  const line = text.split('\r\n').find((l) => l.startsWith(field + ':'));
  return line === undefined ? '' : line.slice(field.length + 1);
}

export async function digest(client: RespClient): Promise<string> {
  return parseReply(await client.call('DEBUG', 'DIGEST')) as string;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `check` is true (or fails with `what` after `ms`). */
export async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Waits until the replica's link is up and it applied everything the master produced. */
export async function caughtUp(master: RespClient, replica: RespClient): Promise<void> {
  let last = '';
  try {
    await until('the replica to catch up', async () => {
      const link = await info(replica, 'replication', 'master_link_status');
      const target = await info(master, 'replication', 'master_repl_offset');
      const applied = await info(replica, 'replication', 'slave_repl_offset');
      last = `link ${link}, master offset ${target}, replica offset ${applied}`;
      return link === 'up' && applied === target;
    });
  } catch (error: unknown) {
    throw new Error(`${(error as Error).message} (${last})`);
  }
}

/** Strings, integers, hashes, sets (intset and hashtable), zsets, lists, expires, dbs 0 and 2. */
export async function writeDataset(client: RespClient, tag: string, count: number): Promise<void> {
  const cmds: (string | number)[][] = [];
  for (const db of [0, 2]) {
    cmds.push(['SELECT', db]);
    for (let i = 0; i < count; i++) {
      cmds.push(['SET', `${tag}:s:${i}`, `v${i}\x00\xff${'y'.repeat(i % 70)}`]);
      if (i % 3 === 0) cmds.push(['INCRBY', `${tag}:n:${i % 7}`, i]);
      if (i % 5 === 0) cmds.push(['HSET', `${tag}:h:${i % 4}`, `f${i}`, `${i}`]);
      if (i % 4 === 0) cmds.push(['SADD', `${tag}:si:${i % 3}`, i]);
      if (i % 6 === 0) cmds.push(['SADD', `${tag}:sh`, `m-${i}`]);
      if (i % 2 === 0) cmds.push(['ZADD', `${tag}:z`, i / 3, `m${i}`]);
      if (i % 3 === 1) cmds.push(['RPUSH', `${tag}:l:${i % 5}`, `e${i}`, 'x'.repeat(i % 90)]);
      if (i % 9 === 0) cmds.push(['EXPIRE', `${tag}:s:${i}`, 10_000 + i]);
      if (i % 11 === 0) cmds.push(['DEL', `${tag}:s:${i - 1}`]);
    }
    cmds.push(['MULTI'], ['SET', `${tag}:tx`, 'a'], ['INCR', `${tag}:txn`], ['LPUSH', `${tag}:txl`, 'q'], ['EXEC']);
    cmds.push(['SET', `${tag}:px`, 'p', 'PX', 50_000_000]);
    cmds.push(['INCRBYFLOAT', `${tag}:f`, '1.5']);
  }
  cmds.push(['SELECT', 0]);
  const replies = await client.pipeline(cmds);
  for (const r of replies) assert.ok(!r.startsWith('-'), `write failed: ${r}`);
}

/** The live stream's awkward parts: keys that expire on the master, FLUSHALL, db switches. */
export async function writeStream(client: RespClient, tag: string): Promise<void> {
  const replies = await client.pipeline([
    ['SELECT', 5], ['SET', `${tag}:gone`, '1', 'PX', 30], ['SET', `${tag}:five`, '5'],
    ['SELECT', 1], ['FLUSHDB'], ['SET', `${tag}:one`, '1', 'EX', 1000],
    ['MULTI'], ['SELECT', 3], ['HSET', `${tag}:h3`, 'a', '1'], ['SELECT', 4], ['SADD', `${tag}:s4`, 'x'], ['EXEC'],
    ['SELECT', 0], ['GETDEL', `${tag}:tx`], ['EXPIRE', `${tag}:txl`, 1, 'NX'],
  ]);
  for (const r of replies) assert.ok(!r.startsWith('-'), `write failed: ${r}`);
  await sleep(1200);
  // Reading the expired keys on the master makes it delete them and stream the DELs.
  await client.pipeline([['SELECT', 5], ['GET', `${tag}:gone`], ['SELECT', 0], ['EXISTS', `${tag}:txl`]]);
}

/**
 * A master that completes the handshake, answers PSYNC with +FULLRESYNC (replid ab..., offset 0)
 * and lets `sendSync` write the payload (and anything after it) to the replica's socket.
 */
export function fakeMaster(sendSync: (socket: Socket) => void): Promise<{ server: Server; port: number; syncs: () => number }> {
  let syncs = 0;
  const server = createServer((socket: Socket) => {
    let buffered = '';
    // After the sync the replica's REPLCONF ACKs get no reply (as from a real master).
    let synced = false;
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (;;) {
        const m = /^\*(\d+)\r\n/.exec(buffered);
        if (m === null) return;
        const args: string[] = [];
        let pos = m[0].length;
        for (let i = 0; i < Number(m[1]); i++) {
          const len = /^\$(\d+)\r\n/.exec(buffered.slice(pos));
          if (len === null || buffered.length < pos + len[0].length + Number(len[1]) + 2) return;
          pos += len[0].length;
          args.push(buffered.slice(pos, pos + Number(len[1])));
          pos += Number(len[1]) + 2;
        }
        buffered = buffered.slice(pos);
        const name = (args[0] ?? '').toUpperCase();
        if (name === 'PING') socket.write('+PONG\r\n');
        else if (name === 'PSYNC' || name === 'SYNC') {
          syncs++;
          synced = true;
          socket.write(`+FULLRESYNC ${'ab'.repeat(20)} 0\r\n`);
          sendSync(socket);
        } else if (!synced) socket.write('+OK\r\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ server, port: typeof address === 'object' && address !== null ? address.port : 0, syncs: () => syncs });
  }));
}
