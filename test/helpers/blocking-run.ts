// Blocking scenarios with several clients, run against redis-server 7.0 and Vesta and compared
// reply by reply (each client's replies in the order it got them): the Run driver and
// scenario() shared by test/blocking.test.ts and the stream blocking tests.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RespClient } from './resp-client.js';
import { haveRedis, requireRedis, startRedis, startVesta, type RunningServer } from './servers.js';

let redis: RunningServer | null = null;
let vesta: RunningServer | null = null;

/** Starts the pair for the file (call once at top level). */
export function blockingServers(): void {
  before(async () => {
    if (!haveRedis()) return;
    [redis, vesta] = await Promise.all([startRedis(), startVesta()]);
  });
  after(async () => {
    await Promise.all([redis?.stop(), vesta?.stop()]);
  });
}

/** One run of a scenario on one server: named clients and the replies each one received. */
export class Run {
  readonly #port: number;
  readonly #clients = new Map<string, RespClient>();
  readonly #pending: Promise<unknown>[] = [];
  readonly log = new Map<string, string[]>();

  constructor(port: number) {
    this.#port = port;
  }

  async client(name: string): Promise<RespClient> {
    let c = this.#clients.get(name);
    if (c === undefined) {
      c = await RespClient.connect(this.#port);
      this.#clients.set(name, c);
      this.log.set(name, []);
    }
    return c;
  }

  /** Sends a command without waiting; its reply is logged under the client's name. */
  async send(name: string, ...args: (string | number)[]): Promise<void> {
    const c = await this.client(name);
    this.#track(name, c.call(...args));
  }

  /** Sends and waits; the reply is logged and returned. */
  async call(name: string, ...args: (string | number)[]): Promise<string> {
    const c = await this.client(name);
    const reply = await c.call(...args);
    this.log.get(name)?.push(reply);
    return reply;
  }

  /** Sends and waits without logging (client ids differ between servers). */
  async quiet(name: string, ...args: (string | number)[]): Promise<string> {
    return (await this.client(name)).call(...args);
  }

  close(name: string): void {
    this.#clients.get(name)?.close();
  }

  /** Polls INFO until `count` clients are blocked. */
  async waitBlocked(count: number): Promise<void> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const info = await this.quiet('__ctl', 'INFO', 'clients');
      const match = /blocked_clients:(\d+)/.exec(info);
      if (Number(match?.[1]) === count) return;
      if (Date.now() > deadline) throw new Error(`port ${this.#port}: expected ${count} blocked clients: ${info.replace(/\r\n/g, " ")}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Waits for every logged reply still outstanding, then closes the clients. */
  async finish(): Promise<Record<string, string[]>> {
    const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('replies still pending after 5 s')), 5000).unref(),
    );
    await Promise.race([Promise.all(this.#pending), timeout]);
    for (const c of this.#clients.values()) c.close();
    this.log.delete('__ctl');
    return Object.fromEntries(this.log);
  }

  #track(name: string, reply: Promise<string>): void {
    this.#pending.push(
      reply.then(
        (text) => this.log.get(name)?.push(text),
        () => this.log.get(name)?.push('<closed>'),
      ),
    );
  }

  /** Pipelines commands; every reply is logged in order. */
  async sendAll(name: string, commands: (string | number)[][]): Promise<void> {
    const c = await this.client(name);
    this.#pending.push(
      c.pipeline(commands).then(
        (texts) => {
          for (const t of texts) this.log.get(name)?.push(t);
        },
        () => this.log.get(name)?.push('<closed>'),
      ),
    );
  }
}

export type Scenario = (run: Run) => Promise<void>;

/** Runs the scenario on Redis, then on Vesta, and compares what every client received. */
export function scenario(name: string, body: Scenario): void {
  test(name, async (t) => {
    if (!requireRedis(t)) return;
    const results: Record<string, string[]>[] = [];
    for (const server of [redis, vesta]) {
      assert.ok(server !== null);
      const run = new Run(server.port);
      await run.quiet('__ctl', 'FLUSHALL');
      await body(run);
      results.push(await run.finish());
    }
    assert.deepEqual(results[1], results[0], `${name}: vesta's replies differ from redis's`);
  });
}

