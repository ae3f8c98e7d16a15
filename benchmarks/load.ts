// A SET load generator for the BGSAVE workload: N connections, pipeline 1, random keys of the
// DEBUG POPULATE keyspace, each request's send time and latency recorded so throughput and p99
// can be cut into windows (idle vs during the save). redis-benchmark cannot report per-window
// latency, hence this. Only SET: every reply is one line (+OK or -ERR), so counting line ends
// is enough to match replies to requests.

import { connect, type Socket } from 'node:net';
import { encodeCommand } from './harness.js';

export interface LoadSample {
  sentMs: number;
  latencyMs: number;
}

export class SetLoad {
  readonly sentMs: number[] = [];
  readonly latencyMs: number[] = [];
  #sockets: Socket[] = [];
  #running = false;
  #outstanding = 0;
  #drained: (() => void) | null = null;
  readonly #keyspace: number;
  readonly #value: string;

  constructor(options: { keyspace: number; valueBytes: number }) {
    this.#keyspace = options.keyspace;
    this.#value = 'v'.repeat(options.valueBytes);
  }

  async start(port: number, connections: number): Promise<void> {
    this.#running = true;
    const opened = [];
    for (let i = 0; i < connections; i++) opened.push(this.#open(port));
    this.#sockets = await Promise.all(opened);
    for (const socket of this.#sockets) this.#send(socket, { sentMs: 0 });
  }

  /** Stops sending, waits for every request in flight, closes the connections. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#outstanding > 0) await new Promise<void>((r) => (this.#drained = r));
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets = [];
  }

  /** Completed requests sent in [fromMs, toMs): throughput (ops/s) and p99 latency (ms). */
  window(fromMs: number, toMs: number): { opsPerSec: number; p99Ms: number; count: number } {
    const latencies: number[] = [];
    for (let i = 0; i < this.sentMs.length; i++) {
      const sent = this.sentMs[i] as number;
      if (sent >= fromMs && sent < toMs) latencies.push(this.latencyMs[i] as number);
    }
    latencies.sort((a, b) => a - b);
    const rank = Math.max(0, Math.ceil(0.99 * latencies.length) - 1);
    return {
      opsPerSec: (latencies.length * 1000) / Math.max(1, toMs - fromMs),
      p99Ms: latencies[rank] ?? Number.NaN,
      count: latencies.length,
    };
  }

  #open(port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => {
        socket.removeListener('error', reject);
        resolve(socket);
      });
      socket.setNoDelay(true);
      socket.once('error', reject);
    });
  }

  #send(socket: Socket, state: { sentMs: number }): void {
    const key = `key:${Math.floor(Math.random() * this.#keyspace)}`;
    state.sentMs = performance.now();
    this.#outstanding++;
    if (socket.listenerCount('data') === 0) {
      socket.on('data', (chunk: Buffer) => this.#onData(socket, state, chunk));
      socket.on('error', () => {});
    }
    socket.write(encodeCommand(['SET', key, this.#value]), 'latin1');
  }

  #onData(socket: Socket, state: { sentMs: number }, chunk: Buffer): void {
    // One request in flight per connection, so one line end is one reply.
    if (chunk.indexOf(10) === -1) return;
    const now = performance.now();
    this.sentMs.push(state.sentMs);
    this.latencyMs.push(now - state.sentMs);
    this.#outstanding--;
    if (this.#running) {
      this.#send(socket, state);
    } else if (this.#outstanding === 0 && this.#drained !== null) {
      this.#drained();
    }
  }
}
