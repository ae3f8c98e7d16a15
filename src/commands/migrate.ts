// MIGRATE: moves (or with COPY, copies) keys to another Redis or Vesta with DUMP payloads and
// RESTORE, optionally AUTH / AUTH2 and SELECT first, then deletes the moved keys here and
// propagates that as a DEL. Redis blocks its whole event loop for the round trip; Vesta blocks
// only the calling client: the payloads are taken when the command runs (the point-in-time Redis
// gives), and after the target answers a key is deleted only if it still holds the value that
// was sent, so a write that raced the migration is never lost.
// Redis equivalent: cluster.c (migrateCommand, the MIGRATE half without cached sockets).

import { connect, type Socket } from 'node:net';
import { ClientFlag, type Client } from '../server/client.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import type { Value } from '../store/value/types.js';
import { eqIgnoreCase, int64OrReply } from './args.js';
import { dumpPayload } from './dump.js';
import { SYNTAX } from './errors.js';
import type { CommandDef } from './types.js';

interface MigrateRequest {
  host: string;
  port: number;
  dbIndex: number;
  timeoutMs: number;
  copy: boolean;
  replace: boolean;
  auth: string[] | null;
  keys: string[];
}

function parseMigrate(c: Client, argv: string[]): MigrateRequest | null {
  const request: MigrateRequest = {
    host: argv[1] as string, port: 0, dbIndex: 0, timeoutMs: 0, copy: false, replace: false, auth: null,
    keys: [argv[3] as string],
  };
  for (let j = 6; j < argv.length; j++) {
    const arg = argv[j] as string;
    const more = argv.length - 1 - j;
    if (eqIgnoreCase(arg, 'COPY')) request.copy = true;
    else if (eqIgnoreCase(arg, 'REPLACE')) request.replace = true;
    else if (eqIgnoreCase(arg, 'AUTH') && more >= 1) request.auth = [argv[++j] as string];
    else if (eqIgnoreCase(arg, 'AUTH2') && more >= 2) {
      request.auth = [argv[j + 1] as string, argv[j + 2] as string];
      j += 2;
    } else if (eqIgnoreCase(arg, 'KEYS')) {
      if ((argv[3] as string).length !== 0) {
        c.addReplyError('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string');
        return null;
      }
      request.keys = argv.slice(j + 1);
      break;
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  const timeout = int64OrReply(c, argv[5] as string);
  if (timeout === null) return null;
  const dbIndex = int64OrReply(c, argv[4] as string);
  if (dbIndex === null) return null;
  request.timeoutMs = timeout <= 0 ? 1000 : Number(timeout);
  request.dbIndex = Number(dbIndex);
  request.port = Number(argv[2]);
  return request;
}

function encodeCommand(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

interface Outgoing {
  key: string;
  value: Value;
}

function migrateCommand(c: Client, argv: string[]): void {
  const request = parseMigrate(c, argv);
  if (request === null) return;
  // The round trip is asynchronous here; inside EXEC or a script the reply could not keep its
  // place, so Vesta refuses rather than answer out of order.
  if (c.has(ClientFlag.exec) || c.caller.script) {
    c.addReplyError('ERR MIGRATE is not supported inside MULTI/EXEC or scripts by Vesta');
    return;
  }
  const ks = c.keyspace;
  const outgoing: Outgoing[] = [];
  let text = '';
  for (const key of request.keys) {
    const value = ks.lookupRead(c.db, key);
    if (value === undefined) continue;
    let ttl = 0;
    const expireAt = c.db.expires.get(key);
    if (expireAt !== undefined) {
      ttl = expireAt - ks.now;
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    outgoing.push({ key, value });
    const restore = ['RESTORE', key, String(ttl), dumpPayload(c, value)];
    if (request.replace) restore.push('REPLACE');
    text += encodeCommand(restore);
  }
  if (outgoing.length === 0) {
    c.addReplyStatus('NOKEY');
    return;
  }
  c.flags |= ClientFlag.blocked;
  void runMigration(c, request, text, outgoing.length).then((outcome) => finishMigrate(c, request, outgoing, outcome));
}

type Stage = 'connecting' | 'writing' | 'reading';
type Outcome = { kind: 'replies'; lines: string[] } | { kind: 'io'; stage: Stage; timeout: boolean };

/**
 * A connection to a MIGRATE target, kept for reuse as Redis keeps them (10 s idle at most, 64
 * targets at most): a target that was authenticated and had its db selected stays so. One
 * exchange at a time per connection; callers queue on `busy`.
 */
class TargetLink {
  readonly socket: Socket;
  lastDbIndex = -1;
  lastUseMs = Date.now();
  busy: Promise<unknown> = Promise.resolve();
  #buffer = '';
  #waiter: ((line: string | null) => void) | null = null;
  #lines: string[] = [];
  #closed = false;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString('latin1');
      let eol: number;
      while ((eol = this.#buffer.indexOf('\r\n')) >= 0) {
        this.#lines.push(this.#buffer.slice(0, eol));
        this.#buffer = this.#buffer.slice(eol + 2);
      }
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('error', () => socket.destroy());
  }

  get closed(): boolean {
    return this.#closed;
  }

  #wake(): void {
    const waiter = this.#waiter;
    if (waiter === null) return;
    if (this.#lines.length > 0) {
      this.#waiter = null;
      waiter(this.#lines.shift() as string);
    } else if (this.#closed) {
      this.#waiter = null;
      waiter(null);
    }
  }

  /** The next reply line, or null when the connection closed first. */
  readLine(): Promise<string | null> {
    return new Promise((resolve) => {
      this.#waiter = resolve;
      this.#wake();
    });
  }

  close(): void {
    this.#closed = true;
    this.socket.destroy();
  }
}

const MIGRATE_SOCKET_CACHE_TTL_MS = 10_000;
const MIGRATE_SOCKET_CACHE_ITEMS = 64;

/**
 * A server's cached connections to MIGRATE targets (Redis's server.migrate_cached_sockets), a
 * Server field wired in src/compose.ts. Idle links are closed by a once-a-second sweep that
 * starts with the first MIGRATE.
 */
export class MigrateLinks {
  readonly #links = new Map<string, TargetLink>();
  #sweeping = false;

  /** The cache, keyed "host:port". */
  use(): Map<string, TargetLink> {
    if (!this.#sweeping) {
      this.#sweeping = true;
      setInterval(() => this.#sweep(), 1000).unref();
    }
    return this.#links;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [name, link] of this.#links) {
      if (link.closed || now - link.lastUseMs > MIGRATE_SOCKET_CACHE_TTL_MS) {
        link.close();
        this.#links.delete(name);
      }
    }
  }
}

function linkCache(c: Client): Map<string, TargetLink> {
  // A server built without the composition root gets its cache on first use.
  c.server.migrateLinks ??= new MigrateLinks();
  return c.server.migrateLinks.use();
}

/** A connected link to the target (cached or new), or the stage at which connecting failed. */
function openLink(request: MigrateRequest, cache: Map<string, TargetLink>): Promise<TargetLink | Outcome> {
  const name = `${request.host}:${request.port}`;
  const cached = cache.get(name);
  if (cached !== undefined && !cached.closed) return Promise.resolve(cached);
  cache.delete(name);
  return new Promise((resolve) => {
    const socket = connect({ host: request.host, port: request.port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ kind: 'io', stage: 'connecting', timeout: true });
    }, request.timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      if (cache.size >= MIGRATE_SOCKET_CACHE_ITEMS) {
        const [oldest] = cache.keys();
        if (oldest !== undefined) {
          cache.get(oldest)?.close();
          cache.delete(oldest);
        }
      }
      const link = new TargetLink(socket);
      cache.set(name, link);
      resolve(link);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      // Redis connects without blocking and learns of a refused connection only when it
      // writes; a name that does not resolve fails the connect itself.
      const refused = error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET';
      resolve({ kind: 'io', stage: refused ? 'writing' : 'connecting', timeout: false });
    });
  });
}

/** Writes the request and reads `expected` reply lines, within the timeout for the exchange. */
async function exchange(link: TargetLink, payload: string, expected: number, timeoutMs: number): Promise<Outcome> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    link.close();
  }, timeoutMs);
  try {
    if (link.closed) return { kind: 'io', stage: 'writing', timeout: false };
    link.socket.write(payload, 'latin1');
    const lines: string[] = [];
    while (lines.length < expected) {
      const line = await link.readLine();
      if (line === null) return { kind: 'io', stage: 'reading', timeout: timedOut };
      lines.push(line);
    }
    return { kind: 'replies', lines };
  } finally {
    clearTimeout(timer);
  }
}

/** Connects (or reuses the cached link), sends AUTH / SELECT as needed and the RESTOREs. */
async function runMigration(c: Client, request: MigrateRequest, restores: string, keyCount: number): Promise<Outcome> {
  const cache = linkCache(c);
  for (let attempt = 0; ; attempt++) {
    const opened = await openLink(request, cache);
    if (!(opened instanceof TargetLink)) return opened;
    const link = opened;
    const previous = link.busy;
    let release = (): void => undefined;
    link.busy = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      const select = link.lastDbIndex !== request.dbIndex;
      const prefix = (request.auth === null ? '' : encodeCommand(['AUTH', ...request.auth])) +
        (select ? encodeCommand(['SELECT', String(request.dbIndex)]) : '');
      const expected = (request.auth === null ? 0 : 1) + (select ? 1 : 0) + keyCount;
      const outcome = await exchange(link, prefix + restores, expected, request.timeoutMs);
      link.lastUseMs = Date.now();
      if (outcome.kind === 'io') {
        link.close();
        cache.delete(`${request.host}:${request.port}`);
        // As Redis: one more try on a fresh connection, unless it was a timeout.
        if (attempt === 0 && !outcome.timeout) continue;
        return outcome;
      }
      const failed = outcome.lines.some((line) => line.startsWith('-'));
      link.lastDbIndex = failed ? -1 : request.dbIndex;
      return outcome;
    } finally {
      release();
    }
  }
}

function finishMigrate(c: Client, request: MigrateRequest, outgoing: Outgoing[], outcome: Outcome): void {
  c.flags &= ~ClientFlag.blocked;
  const server = c.server;
  if (outcome.kind === 'io') {
    const text = outcome.stage === 'connecting'
      ? 'IOERR error or timeout connecting to the client'
      : `IOERR error or timeout ${outcome.stage} to target instance`;
    replyAndResume(c, text);
    return;
  }
  // A failed AUTH or SELECT fails every key; a failed RESTORE only its own. The first error
  // (AUTH's, then SELECT's, then the keys' in order) is the one reported.
  const headerReplies = outcome.lines.length - outgoing.length;
  const headerError = outcome.lines.slice(0, headerReplies).find((line) => line.startsWith('-')) ?? null;
  let error: string | null = headerError === null ? null : headerError.slice(1);
  const deleted: string[] = [];
  const ks = server.keyspace;
  const db = ks.db(c.dbIndex);
  outcome.lines.slice(headerReplies).forEach((line, i) => {
    if (headerError !== null || line.startsWith('-')) {
      error ??= line.slice(1);
      return;
    }
    const { key, value } = outgoing[i] as Outgoing;
    // Deleted only if it still holds what was sent: a write that raced the round trip wins.
    if (request.copy || ks.peek(db, key) !== value) return;
    ks.delete(db, key);
    deleted.push(key);
    notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
  });
  if (deleted.length > 0) server.propagate(c.dbIndex, ['DEL', ...deleted]);
  replyAndResume(c, error === null ? null : `ERR Target instance replied with error: ${error}`);
}

function replyAndResume(c: Client, error: string | null): void {
  if (error === null) c.addReplyOk();
  else c.addReplyError(error);
  if (!c.server.clients.has(c.id) && c.socket !== null) return;
  c.server.processInputBuffer(c);
}

export const migrateCommands: CommandDef[] = [{ name: 'migrate', admin: migrateCommand }];
