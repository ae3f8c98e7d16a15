// Every value size around every internal threshold of the request path, from 0 to past 1 MiB:
// powers of two +-1 (and +-2, the CRLF), the big-argument threshold (BIG_ARG_BYTES), the shared
// read buffer (SHARED_READ_BYTES), and the sizes that make a whole request end exactly at a
// read boundary. Each value is sent whole, split at random points, byte by byte (in process,
// where it is cheap) and pipelined behind other commands. The parser is checked in process;
// the servers (redis-server 7.0 and Vesta) get the same bytes and must give the same replies.
// Issue 17 item 1: a value of 32-64 KiB hung the connection because no test ever sent one.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { BIG_ARG_BYTES } from '../../src/limits.js';
import { SHARED_READ_BYTES } from '../../src/server/read-buffer.js';
import { RespParser, type ParserLimits } from '../../src/server/resp-parser.js';
import { sharedPair } from '../helpers/differential.js';
import { encodeCommand } from '../helpers/resp-client.js';
import { requireRedis } from '../helpers/servers.js';

const LIMITS: ParserLimits = { bulkLenMax: 512 * 1024 * 1024, unauthenticated: false };
/** Bytes of `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$` before the value's length digits. */
const SET_PREFIX = encodeCommand(['SET', 'k', '']).indexOf('$0');

/** The sizes under test, sorted and without duplicates. */
function thresholdSizes(): number[] {
  const sizes = new Set<number>([0, 1, 2, 3]);
  const around = (n: number): void => {
    for (let d = -2; d <= 2; d++) if (n + d >= 0) sizes.add(n + d);
  };
  for (let bit = 1; bit <= 21; bit++) around(2 ** bit);
  around(BIG_ARG_BYTES);
  for (const reads of [1, 2, 3, 16]) {
    around(SHARED_READ_BYTES * reads);
    // The value size that makes the whole SET request exactly `reads` read buffers long.
    for (const digits of [5, 6, 7]) around(SHARED_READ_BYTES * reads - SET_PREFIX - digits - 4 - 2);
  }
  return [...sizes].sort((a, b) => a - b);
}

const SIZES = thresholdSizes();

/** A value of `size` bytes with CR, LF, NUL and high bytes in it, different per size. */
function valueOf(size: number): string {
  const pattern = `v${size}:\r\n\0\xff-`;
  return pattern.repeat(Math.ceil(size / pattern.length)).slice(0, size);
}

/** A small deterministic generator (the split points must be reproducible from the seed). */
function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

function randomCuts(length: number, count: number, random: () => number): number[] {
  const cuts = new Set<number>();
  for (let i = 0; i < count; i++) cuts.add(Math.floor(random() * (length + 1)));
  return [...cuts].sort((a, b) => a - b);
}

function chunksAt(data: Buffer, cuts: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, data.length]) {
    if (cut > from) chunks.push(data.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return chunks;
}

/** Parses chunks as the server does; every request in order (throws on a protocol error). */
function parse(chunks: Buffer[]): string[][] {
  const parser = new RespParser();
  const out: string[][] = [];
  for (const chunk of chunks) {
    parser.feed(chunk);
    for (let r = parser.next(LIMITS); r !== null; r = parser.next(LIMITS)) out.push(r);
    assert.equal(parser.error, null);
  }
  assert.equal(parser.pendingBytes, 0, 'bytes left over after the last request');
  return out;
}

function expectParsed(size: number, chunks: Buffer[], how: string): void {
  const value = valueOf(size);
  const requests = parse(chunks);
  assert.equal(requests.length, 3, `size ${size} ${how}: ${requests.length} requests`);
  assert.deepEqual(requests[0], ['PING']);
  const set = requests[1] as string[];
  assert.equal(set.length, 3, `size ${size} ${how}`);
  assert.ok(set[2] === value, `size ${size} ${how}: value differs (got ${set[2]?.length} bytes)`);
  assert.deepEqual(requests[2], ['GET', 'k']);
}

function request(size: number): Buffer {
  const text = encodeCommand(['PING']) + encodeCommand(['SET', 'k', valueOf(size)]) + encodeCommand(['GET', 'k']);
  return Buffer.from(text, 'latin1');
}

test('parser: every threshold size whole, at every read-buffer boundary and split at random points', () => {
  const random = rng(17);
  for (const size of SIZES) {
    const data = request(size);
    expectParsed(size, [data], 'whole');
    // As a socket with a 64 KiB read buffer delivers it.
    const reads: number[] = [];
    for (let at = SHARED_READ_BYTES; at < data.length; at += SHARED_READ_BYTES) reads.push(at);
    expectParsed(size, chunksAt(data, reads), 'in read-buffer chunks');
    for (let round = 0; round < 6; round++) {
      const cuts = randomCuts(data.length, 1 + Math.floor(random() * 8), random);
      expectParsed(size, chunksAt(data, cuts), `split at ${cuts.join(',')}`);
    }
  }
});

test('parser: byte by byte, and split at each byte around the value and its CRLF', () => {
  for (const size of SIZES) {
    const data = request(size);
    const valueStart = data.indexOf(`$${size}\r\n`, 14, 'latin1');
    const valueEnd = valueStart + String(size).length + 3 + size;
    for (const at of [valueStart - 1, valueStart, valueStart + 1, valueStart + 3, valueEnd - 1, valueEnd,
      valueEnd + 1, valueEnd + 2, valueEnd + 3]) {
      if (at > 0 && at < data.length) expectParsed(size, chunksAt(data, [at]), `split at ${at}`);
    }
    // Byte by byte costs a buffer join per byte below the big-argument threshold: small ones.
    if (size <= 4096 || (size >= BIG_ARG_BYTES && size <= 2 * SHARED_READ_BYTES + 2)) {
      const bytes: Buffer[] = [];
      for (let i = 0; i < data.length; i++) bytes.push(data.subarray(i, i + 1));
      expectParsed(size, bytes, 'byte by byte');
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Both servers.

const p = sharedPair();

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.removeListener('error', reject);
      socket.on('error', () => {});
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** A connection that collects everything the server sends. */
interface Conn {
  socket: Socket;
  received(): Buffer;
  /** Resolves once `bytes` bytes have arrived; rejects after `ms` (a hang). */
  waitFor(bytes: number, ms: number): Promise<Buffer>;
}

async function conn(port: number): Promise<Conn> {
  const socket = await openSocket(port);
  const parts: Buffer[] = [];
  let total = 0;
  let wake: (() => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    parts.push(chunk);
    total += chunk.length;
    wake?.();
  });
  socket.on('close', () => wake?.());
  const received = (): Buffer => Buffer.concat(parts);
  return {
    socket,
    received,
    waitFor: async (bytes, ms) => {
      const deadline = Date.now() + ms;
      while (total < bytes && !socket.destroyed && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      wake = null;
      return received();
    },
  };
}

/** What PING, SET k <value>, GET k must answer (the same in RESP2 and RESP3). */
function expectedReply(size: number): Buffer {
  return Buffer.from(`+PONG\r\n+OK\r\n$${size}\r\n${valueOf(size)}\r\n`, 'latin1');
}

function digest(data: Buffer): string {
  return `${data.length} bytes, sha1 ${createHash('sha1').update(data).digest('hex').slice(0, 12)}`;
}

type Mode = 'whole' | 'split' | 'pipelined';

/** Sends the request for `size` to one server in the given mode; the bytes it answered. */
async function send(port: number, size: number, mode: Mode, seed: number): Promise<Buffer> {
  const c = await conn(port);
  try {
    let data = request(size);
    let expectBytes = expectedReply(size).length;
    if (mode === 'pipelined') {
      // Behind (and in front of) other commands in one write.
      const before = encodeCommand(['SET', 'other', 'x'.repeat(size % 100)]) + encodeCommand(['INCR', 'n']);
      data = Buffer.concat([Buffer.from(before, 'latin1'), data, Buffer.from(encodeCommand(['DEL', 'n']), 'latin1')]);
      expectBytes += 5 + 4 + 4; // +OK, :1 (n is deleted after each round), :1
    }
    if (mode === 'split') {
      const random = rng(seed);
      const chunks = chunksAt(data, randomCuts(data.length, 1 + Math.floor(random() * 4), random));
      for (const chunk of chunks) {
        c.socket.write(chunk);
        // A pause makes each chunk a read of its own.
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    } else {
      c.socket.write(data);
    }
    return await c.waitFor(expectBytes, 10_000);
  } finally {
    c.socket.destroy();
  }
}

for (const mode of ['whole', 'split', 'pipelined'] as const) {
  test(`servers: SET and GET of every threshold size, ${mode}`, async (t) => {
    if (!requireRedis(t)) return;
    for (const size of SIZES) {
      const [redis, vesta] = await Promise.all([
        send(p().redis.port, size, mode, size + 1),
        send(p().vesta.port, size, mode, size + 1),
      ]);
      let expected = expectedReply(size);
      if (mode === 'pipelined') {
        expected = Buffer.concat([Buffer.from('+OK\r\n:1\r\n', 'latin1'), expected, Buffer.from(':1\r\n', 'latin1')]);
      }
      assert.ok(redis.equals(expected), `redis, size ${size} ${mode}: ${digest(redis)} vs ${digest(expected)}`);
      assert.ok(vesta.equals(redis), `vesta, size ${size} ${mode}: ${digest(vesta)}, redis ${digest(redis)}`);
    }
  });
}

test('servers: a key and two values past the big-argument threshold in one pipelined write', async (t) => {
  if (!requireRedis(t)) return;
  for (const size of [BIG_ARG_BYTES - 1, BIG_ARG_BYTES, BIG_ARG_BYTES + 1, SHARED_READ_BYTES - 40, 100_000]) {
    const key = `K${valueOf(size)}`;
    const commands = encodeCommand(['MSET', key, valueOf(size), 'small', valueOf(size + 1)]) +
      encodeCommand(['STRLEN', key]) + encodeCommand(['STRLEN', 'small']) + encodeCommand(['DEL', key, 'small']);
    const expected = Buffer.from(`+OK\r\n:${size}\r\n:${size + 1}\r\n:2\r\n`, 'latin1');
    for (const server of [p().redis, p().vesta]) {
      const c = await conn(server.port);
      c.socket.write(commands, 'latin1');
      const got = await c.waitFor(expected.length, 10_000);
      c.socket.destroy();
      assert.equal(got.toString('latin1'), expected.toString('latin1'), `${server.kind}, size ${size}`);
    }
  }
});
