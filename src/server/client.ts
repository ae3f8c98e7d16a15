// Per-connection state: socket, query parser, reply buffer, selected db, protocol version,
// transaction and pub/sub state. Redis equivalent: the client struct in server.h plus the
// connection half of networking.c.

import type { Socket } from 'node:net';
import type { Command } from '../commands/table.js';
import type { Database, Keyspace } from '../store/keyspace.js';
import type { Config } from '../config/config.js';
import type { CommandContext, CommandServices } from '../commands/context.js';
import { assert } from '../assert.js';
import { RespParser } from './resp-parser.js';
import { ReplyBuffer } from './reply.js';
import type { Server } from './server.js';
import { CLIENT_CALLER, type Caller } from './caller.js';

export interface QueuedCommand {
  name: string;
  argv: string[];
}

export const ClientFlag = {
  closeAfterReply: 1,
  closeAsap: 2,
  multi: 4,
  dirtyCas: 8, // a WATCHed key was touched: EXEC must fail
  dirtyExec: 16, // a queued command had an error: EXEC must abort
  pubsub: 32,
  blocked: 64,
  monitor: 128,
  exec: 256, // EXEC is running this client's queued commands (checked when queued)
  /** A replica of ours, after SYNC/PSYNC (Redis CLIENT_SLAVE). */
  replica: 512,
  /** The client applying our master's stream (Redis CLIENT_MASTER). */
  master: 1024,
} as const;

/**
 * A connection, or an internal caller's client. Command handlers see it as a CommandContext
 * (commands/context.ts); only the server's own modules and admin commands use `server`.
 */
export class Client extends ReplyBuffer implements CommandContext {
  readonly id: number;
  readonly server: Server;
  /** The server's keyspace, config and command services, copied here once (read per command). */
  readonly keyspace: Keyspace;
  readonly config: Config;
  readonly services: CommandServices;
  /** No socket: the AOF loader, a script, a master link (Server#createInternalClient). */
  readonly internal: boolean;
  readonly socket: Socket | null;
  readonly parser = new RespParser();
  readonly createdAtMs: number;
  readonly address: string;
  readonly localAddress: string;
  name = '';
  dbIndex = 0;
  flags = 0;
  authenticated: boolean;
  user = 'default';
  lastInteractionMs: number;
  lastCommand = 'NULL';
  /** Commands queued by MULTI. */
  queue: QueuedCommand[] = [];
  /** Keys this client WATCHes (see server/watch.ts). */
  watched: { dbIndex: number; key: string; expiredAtWatch: boolean }[] = [];
  /** Pub/sub subscriptions (channels and patterns). */
  channels = new Set<string>();
  patterns = new Set<string>();
  /** Set while the client waits on a blocking command; see commands' blocking support. */
  blockedOn: unknown = null;
  /** Bytes of replies not yet handed to the socket, for client-output-buffer-limit. */
  pendingFlush = false;
  libName = '';
  libVersion = '';
  /**
   * The command this client is blocked in and how long its call took: when it is served (or
   * CLIENT UNBLOCKed) its stats and latency are completed (observe/calls.ts afterUnblock).
   */
  blockedCall: { cmd: Command; durationNs: number } | null = null;
  /** Set by a handler to propagate a deterministic form instead of its argv (SET EX -> PXAT). */
  propagateArgv: string[] | null = null;
  /** Set by a handler whose command is logged even when `dirty` did not move (FLUSHALL). */
  forcePropagate = false;
  /** The command being executed, for CLIENT LIST's cmd= and error reporting. */
  currentCommand: Command | null = null;
  /** Who runs commands through this client: which checks apply, reply/propagate/count or not. */
  caller: Caller = CLIENT_CALLER;
  /** master_repl_offset after this client's last command: what its WAIT waits for (Redis: woff). */
  replWriteOffset = 0;

  constructor(options: {
    server: Server;
    id: number;
    socket: Socket | null;
    nowMs: number;
    authenticated: boolean;
  }) {
    super();
    this.id = options.id;
    this.server = options.server;
    this.keyspace = options.server.keyspace;
    this.config = options.server.config;
    this.services = options.server.services;
    this.socket = options.socket;
    this.internal = options.socket === null;
    this.createdAtMs = options.nowMs;
    this.lastInteractionMs = options.nowMs;
    this.authenticated = options.authenticated;
    const s = options.socket;
    this.address = s === null ? '' : formatAddress(s.remoteAddress, s.remotePort);
    this.localAddress = s === null ? '' : formatAddress(s.localAddress, s.localPort);
  }

  /** The selected database. */
  get db(): Database {
    return this.keyspace.db(this.dbIndex);
  }

  // CLIENT REPLY (Redis's CLIENT_REPLY_OFF / _SKIP / _SKIP_NEXT flags). Replies written while a
  // command runs silenced are cut from `out` when it ends; pushes (pub/sub messages and
  // subscribe confirmations, Redis's CLIENT_PUSHING) written between pushStart() and pushEnd()
  // are kept, in order.
  /** CLIENT REPLY OFF: no replies until CLIENT REPLY ON. */
  replyOff = false;
  /** The command running now (or blocked) has its replies dropped (CLIENT REPLY SKIP). */
  replySkip = false;
  /** CLIENT REPLY SKIP ran: the next command is skipped. */
  replySkipNext = false;
  #silenceFrom = -1;
  #keptPushes = '';

  /** From here to endSilence(), replies are dropped (pushes kept). */
  beginSilence(): void {
    if (this.#silenceFrom >= 0) return;
    this.#silenceFrom = this.out.length;
    this.#keptPushes = '';
  }

  endSilence(): void {
    if (this.#silenceFrom < 0) return;
    this.out = this.out.slice(0, this.#silenceFrom) + this.#keptPushes;
    this.#silenceFrom = -1;
    this.#keptPushes = '';
  }

  /** Where a push starts; pass it to pushEnd() once the push is written. */
  pushStart(): number {
    return this.out.length;
  }

  /** A push is never silenced: moved aside so endSilence() keeps it. */
  pushEnd(start: number): void {
    if (this.#silenceFrom < 0 || start < this.#silenceFrom) return;
    this.#keptPushes += this.out.slice(start);
    this.out = this.out.slice(0, start);
  }

  /** After every command, even a refused or empty one (Redis's resetClient): SKIP covers one. */
  commandDone(): void {
    this.replySkip = this.replySkipNext;
    this.replySkipNext = false;
  }

  override onError(text: string, counted: boolean): void {
    if (counted) this.server.countError(text);
    else if (this.currentCommand !== null) this.currentCommand.stats.failedCalls++;
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size;
  }
}

/**
 * The Client behind a command's context, for the services that keep clients (blocking,
 * pub/sub delivery). Client is CommandContext's one implementation; this checks it.
 */
export function asClient(c: CommandContext): Client {
  assert(c instanceof Client, 'a command context that is not a client');
  return c;
}

/** The client is on the loopback interface (internal clients count as local). */
export function isLocal(c: Client): boolean {
  const address = c.socket?.remoteAddress ?? '127.0.0.1';
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function formatAddress(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '?:0';
  const clean = host.startsWith('::ffff:') ? host.slice(7) : host;
  return `${clean}:${port ?? 0}`;
}
