// Load, loopback only, bounded in count and time: up to 10,000 connections (capped by the open-
// file limit, which a Node process cannot raise itself), 1,000 of them pipelining, a slow
// consumer that never reads, and one client sending a bulk as large as V8 allows (512 MiB less
// 24 bytes; see STRING_BYTES_MAX). Meanwhile a fresh client's PING round trip is measured, and
// the server's used_memory and RSS are sampled against the configured limits.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { startVesta, type RunningServer } from '../helpers/servers.js';
import { RespClient, encodeCommand } from '../helpers/resp-client.js';
import { STRING_BYTES_MAX } from '../../src/limits.js';

const CONNECTIONS_WANTED = 10_000;
const PIPELINING_CLIENTS = 1_000;
const PIPELINE_DEPTH = 50;
const MAXMEMORY_BYTES = 1536 * 1024 * 1024;

function openFileLimit(): number {
  const r = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'latin1' });
  const n = Number(r.stdout.trim());
  return Number.isFinite(n) ? n : 1024;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m === null ? 0 : Number(m[1]) * 1024;
}

async function openConnections(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 500) {
    const batch = Array.from({ length: Math.min(500, count - i) }, () =>
      new Promise<Socket>((resolve, reject) => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** Sends `depth` commands in one write and resolves when all replies arrived. */
function pipelineRound(socket: Socket, round: number, depth: number): Promise<void> {
  return new Promise((resolve) => {
    let text = '';
    for (let i = 0; i < depth; i++) text += encodeCommand(['INCR', `counter:${i % 10}`]);
    let received = 0;
    const onData = (d: Buffer): void => {
      for (const byte of d) if (byte === 10) received++;
      if (received >= depth) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.write(text);
    void round;
  });
}

interface Sample {
  pingMs: number;
  usedMemory: number;
  rss: number;
}

async function sampler(server: RunningServer, stop: () => boolean): Promise<Sample[]> {
  const samples: Sample[] = [];
  while (!stop()) {
    const fresh = await RespClient.connect(server.port);
    const start = performance.now();
    assert.equal(await fresh.call('PING'), '+PONG\r\n');
    const pingMs = performance.now() - start;
    const info = await fresh.call('INFO', 'memory');
    fresh.close();
    const usedMemory = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    samples.push({ pingMs, usedMemory, rss: rssBytes(server.process.pid as number) });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return samples;
}

// eslint-disable-next-line max-lines-per-function -- one load scenario whose steps read in the order they happen, each sharing the connections before it
test('load: 10k connections, 1k pipelining, a slow consumer and a 512 MiB bulk', { timeout: 180_000 }, async () => {
  const limit = openFileLimit();
  // Both ends of every connection live on this machine: the client and server processes each
  // need one descriptor per connection, plus a margin for files, pipes and listeners.
  const connections = Math.min(CONNECTIONS_WANTED, limit - 200);
  if (connections < CONNECTIONS_WANTED) {
    console.log(`# load test capped at ${connections} connections by the open-file limit (${limit})`);
  }
  const vesta = await startVesta({
    args: [
      '--maxclients', String(connections + 100),
      '--maxmemory', String(MAXMEMORY_BYTES),
      '--maxmemory-policy', 'allkeys-lru',
      '--client-output-buffer-limit', 'normal', '256mb', '64mb', '10',
    ],
  });
  let sockets: Socket[] = [];
  try {
    const t0 = performance.now();
    sockets = await openConnections(vesta.port, connections);
    for (const s of sockets) s.on('error', () => {});
    const connectMs = performance.now() - t0;

    let done = false;
    const sampling = sampler(vesta, () => done);

    // The slow consumer: 200 x 1 MB replies requested, never read.
    const admin = await vesta.client();
    await admin.call('SET', 'big-reply', 'r'.repeat(1024 * 1024));
    const slow = connect(vesta.port, '127.0.0.1');
    slow.on('error', () => {});
    slow.pause();
    slow.write(encodeCommand(['GET', 'big-reply']).repeat(200));

    // The huge bulk: announced and streamed in 16 MiB chunks, as a client would.
    const hugeBytes = STRING_BYTES_MAX;
    const huge = connect(vesta.port, '127.0.0.1');
    const hugeReply = new Promise<string>((resolve) => {
      let text = '';
      huge.on('data', (d) => {
        text += d.toString('latin1');
        if (text.endsWith('\r\n')) resolve(text);
      });
    });
    const chunk = Buffer.alloc(16 * 1024 * 1024, 120);
    const sendHuge = (async () => {
      huge.write(`*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n$${hugeBytes}\r\n`);
      for (let sent = 0; sent < hugeBytes; sent += chunk.length) {
        const piece = chunk.subarray(0, Math.min(chunk.length, hugeBytes - sent));
        if (!huge.write(piece)) await new Promise((resolve) => huge.once('drain', resolve));
      }
      huge.write('\r\n');
    })();

    const t1 = performance.now();
    const pipeliners = sockets.slice(0, PIPELINING_CLIENTS);
    for (let round = 0; round < 3; round++) {
      await Promise.all(pipeliners.map((s) => pipelineRound(s, round, PIPELINE_DEPTH)));
    }
    const pipelineMs = performance.now() - t1;
    await sendHuge;
    assert.equal(await hugeReply, '+OK\r\n');
    assert.equal(await admin.call('STRLEN', 'huge'), `:${hugeBytes}\r\n`);
    const counters = await admin.pipeline(Array.from({ length: 10 }, (_, i) => ['GET', `counter:${i}`]));
    const total = counters.reduce((sum, r) => sum + Number(r.split('\r\n')[1]), 0);
    assert.equal(total, PIPELINING_CLIENTS * PIPELINE_DEPTH * 3, 'every pipelined INCR applied once');
    assert.equal(await admin.call('DEL', 'huge'), ':1\r\n');
    done = true;
    const samples = await sampling;
    const clients = await admin.call('INFO', 'clients');
    admin.close();
    slow.destroy();
    huge.destroy();

    const pings = samples.map((s) => s.pingMs).sort((a, b) => a - b);
    const maxUsed = Math.max(...samples.map((s) => s.usedMemory));
    const maxRss = Math.max(...samples.map((s) => s.rss));
    const p99 = pings[Math.floor(pings.length * 0.99)] ?? 0;
    console.log(
      `# load: ${connections} connections in ${connectMs.toFixed(0)} ms; ` +
        `${PIPELINING_CLIENTS}x${PIPELINE_DEPTH}x3 pipelined INCR in ${pipelineMs.toFixed(0)} ms; ` +
        `PING rtt from a fresh client: median ${(pings[Math.floor(pings.length / 2)] ?? 0).toFixed(1)} ms, ` +
        `p99 ${p99.toFixed(1)} ms, max ${(pings.at(-1) ?? 0).toFixed(1)} ms over ${pings.length} samples; ` +
        `max used_memory ${(maxUsed / 2 ** 20).toFixed(0)} MiB (maxmemory ${MAXMEMORY_BYTES / 2 ** 20} MiB); ` +
        `max RSS ${(maxRss / 2 ** 20).toFixed(0)} MiB; ${/connected_clients:\d+/.exec(clients)?.[0]}`,
    );
    assert.ok(pings.length >= 5, 'PING was sampled during the load');
    // Responsive: the worst PING includes the single synchronous 512 MiB string conversion.
    assert.ok((pings.at(-1) ?? Infinity) < 3000, 'PING stays under 3 s at worst');
    assert.ok(p99 < 3000);
    assert.ok(maxUsed <= MAXMEMORY_BYTES, 'used_memory within maxmemory');
    // RSS also holds the socket buffers and the 512 MiB bulk twice (bytes, then the string).
    assert.ok(maxRss < MAXMEMORY_BYTES + 1024 * 1024 * 1024, `RSS bounded (${maxRss})`);
  } finally {
    for (const s of sockets) s.destroy();
    await vesta.stop();
  }
});
