// The TCP listeners: binding every configured address (optional '-' entries may fail quietly,
// port 0 picks a free port shared by all), closing them, and protected mode's refusal of
// non-loopback peers. Redis equivalent: listenToPort / initListeners (server.c) and the
// protected-mode check in networking.c's acceptCommonHandler.

import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { assert } from '../assert.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../observe/log.js';

export class Listeners {
  /** The TCP ports actually listened on (port 0 resolves to a free port). */
  readonly ports: number[] = [];
  #listeners: NetServer[] = [];
  readonly #config: Config;
  readonly #log: Logger;

  constructor(config: Config, log: Logger) {
    this.#config = config;
    this.#log = log;
  }

  /** Binds every configured address; `bind` entries starting with '-' may fail quietly. */
  async listen(onConnection: (socket: Socket) => void): Promise<void> {
    // port 0 picks a free port (embedded use and tests); every bind address then shares it.
    let actualPort = this.#config.num('port');
    for (const entry of this.#config.bind()) {
      const optional = entry.startsWith('-');
      const host = optional ? entry.slice(1) : entry;
      try {
        const listener = await this.#listenOne(host, actualPort, onConnection);
        const address = listener.address();
        assert(address !== null && typeof address === 'object', 'tcp listener has an address');
        actualPort = address.port;
        if (!this.ports.includes(actualPort)) this.ports.push(actualPort);
      } catch (error: unknown) {
        const code = (error as NodeJS.ErrnoException).code;
        if (optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
        const reason = error instanceof Error ? error.message : String(error);
        this.#log.warning(`Warning: Could not create server TCP listening socket ${host}:${actualPort}: ${reason}`);
        throw error;
      }
    }
  }

  #listenOne(host: string, port: number, onConnection: (socket: Socket) => void): Promise<NetServer> {
    return new Promise((resolve, reject) => {
      const listener = createServer({ noDelay: true }, onConnection);
      listener.once('error', reject);
      listener.listen({ host, port, backlog: this.#config.num('tcp-backlog'), exclusive: true }, () => {
        listener.removeListener('error', reject);
        listener.on('error', (error) => this.#log.warning(`Listener error: ${error.message}`));
        this.#listeners.push(listener);
        resolve(listener);
      });
    });
  }

  /**
   * Stops accepting; the promises resolve once each listener's open connections are gone
   * (net.Server#close waits for them, so the caller drops its clients meanwhile).
   */
  close(): Promise<void>[] {
    const closing = this.#listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve())));
    this.#listeners = [];
    return closing;
  }
}

/**
 * Redis 7.0's protected mode: with protected-mode yes and a default user that needs no
 * password, only loopback peers (127.0.0.0/8, ::1, and IPv4-mapped 127.x) may connect.
 */
export function protectedModeDenies(options: {
  protectedMode: boolean;
  defaultUserNopass: boolean;
  remoteAddress: string;
}): boolean {
  if (!options.protectedMode || !options.defaultUserNopass) return false;
  const address = options.remoteAddress;
  const loopback = address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
  return !loopback;
}

/** Redis 7.0's text, typo ("Setup a an") included: clients may match on it. */
export const PROTECTED_MODE_DENIED =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command \'CONFIG SET protected-mode no\' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to \'no\', and then restarting the server. 3) If you started the server manually just for testing, restart it with the \'--protected-mode no\' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n';
