// The replica side: the connection to our master. Handshake (PING, AUTH with masteruser /
// masterauth, REPLCONF listening-port / ip-address / capa eof psync2, PSYNC replid offset),
// the full sync payload (`$<length>` or `$EOF:<mark>`, loaded per repl-diskless-load), then the
// master's stream applied as the master client, with REPLCONF ACK every second; reconnects
// after the link drops and times out after repl-timeout of silence.
// Redis equivalent: connectWithMaster, syncWithMaster, slaveTryPartialResynchronization,
// readSyncBulkPayload, replicationSendAck and the replica half of replicationCron.

import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { encodeCommand } from '../persistence/aof/writer.js';
import { rdbLoadBufferSync, RdbStreamLoad, type RdbLoadTarget } from '../persistence/rdb/load.js';
import { Keyspace } from '../store/keyspace.js';
import { Logger, type LogLevel } from '../observe/log.js';
import { ClientFlag, type Client } from '../server/client.js';
import { executeCommand } from '../server/dispatch.js';
import { MASTER_CALLER } from '../server/caller.js';
import type { Replication } from './replication.js';
import { DumpFile } from './dump-file.js';

export type LinkState = 'connect' | 'connecting' | 'handshake' | 'transfer' | 'connected';

/** The replica's states as ROLE words them. */
export const ROLE_STATE: Record<LinkState, string> = {
  connect: 'connect',
  connecting: 'connecting',
  handshake: 'handshake',
  transfer: 'sync',
  connected: 'connected',
};

const EOF_MARK_BYTES = 40;
/** How the payload is named in load errors. */
const PAYLOAD_NAME = '(payload from master)';
/** The size assumed for a `$EOF:` payload (unknown until its end) when sizing tables. */
const UNKNOWN_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** A payload loaded while it arrives (MasterLink#loadAside). */
interface AsideLoad {
  rdb: RdbStreamLoad;
  keyspace: Keyspace;
  functions: string[];
  /** The loader's lines, logged where a load after the transfer logs them. */
  log: HeldLog;
}

/** Keeps lines to log later, in order. */
class HeldLog extends Logger {
  readonly #held: [Exclude<LogLevel, 'nothing'>, string][] = [];

  override log(level: Exclude<LogLevel, 'nothing'>, message: string): void {
    this.#held.push([level, message]);
  }

  /** Logs the lines held so far to `log`. */
  release(log: Logger): void {
    for (const [level, message] of this.#held.splice(0)) log.log(level, message);
  }
}

export class MasterLink {
  readonly host: string;
  readonly port: number;
  readonly #repl: Replication;
  state: LinkState = 'connect';
  #socket: Socket | null = null;
  #buf: Buffer = Buffer.alloc(0);
  /** The full sync payload's chunks while it arrives, and the check run on each. */
  #chunks: Buffer[] | null = null;
  #onChunk: ((chunk: Buffer) => void) | null = null;
  #wake: (() => void) | null = null;
  #closed = false;
  /** The master client applying the stream (Redis: server.master). */
  client: Client | null = null;
  lastIoMs = Date.now();
  downSinceMs = Date.now();
  /** Bytes of the payload expected/received while in `transfer`. */
  transferSize = -1;
  transferRead = 0;
  transferLastIoMs = 0;
  /** Master stream bytes read (slave_read_repl_offset) and applied so far. */
  readOffset = 0;
  #raw: Buffer = Buffer.alloc(0);
  #rawPos = 0;
  #history: { replid: string; offset: number };
  /** The db the master's stream had selected when the link dropped (a partial resync continues in it). */
  streamDb = 0;
  #lastAckMs = 0;
  #connectStartedMs = 0;

  constructor(repl: Replication, host: string, port: number, history: { replid: string; offset: number }) {
    this.#repl = repl;
    this.host = host;
    this.port = port;
    this.#history = history;
  }

  get linkUp(): boolean {
    return this.state === 'connected';
  }

  start(): void {
    if (this.#closed || this.state !== 'connect') return;
    this.state = 'connecting';
    this.#connectStartedMs = Date.now();
    this.#run().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.#closed) this.#repl.server.log.warning(`Master link: ${message}`);
      this.#drop();
    });
  }

  close(): void {
    this.#closed = true;
    this.#drop();
  }

  /** Once a second: reconnect, ACK, repl-timeout. */
  cron(now: number): void {
    const timeoutMs = this.#repl.server.config.num('repl-timeout') * 1000;
    if (this.state === 'connect') {
      this.start();
      return;
    }
    const silentMs = now - this.lastIoMs;
    if (this.state === 'connected') {
      if (silentMs > timeoutMs) {
        this.#repl.server.log.warning('MASTER timeout: no data nor PING received...');
        this.#drop();
        return;
      }
      if (now - this.#lastAckMs >= 1000) this.sendAck();
    } else if (now - this.#connectStartedMs > timeoutMs && silentMs > timeoutMs) {
      this.#repl.server.log.warning('Timeout connecting to the MASTER...');
      this.#drop();
    }
  }

  /** REPLCONF ACK <applied offset>, every second and on GETACK. */
  sendAck(): void {
    if (this.state !== 'connected' || this.#socket === null) return;
    this.#lastAckMs = Date.now();
    this.#socket.write(encodeCommand(['REPLCONF', 'ACK', String(this.#repl.offset)]), 'latin1');
  }

  #drop(): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#chunks = null;
    this.#onChunk = null;
    socket?.destroy();
    const wasUp = this.state === 'connected';
    this.state = 'connect';
    if (wasUp) this.downSinceMs = Date.now();
    if (this.client !== null) {
      this.streamDb = this.client.dbIndex;
      this.client.flags |= ClientFlag.closeAsap;
      this.#repl.server.freeClient(this.client);
      this.client = null;
    }
    this.#history = { replid: this.#repl.replid, offset: this.#repl.offset };
    this.#wake?.();
  }

  // ------------------------------------------------------------------ handshake

  async #run(): Promise<void> {
    const socket = await this.#connect();
    this.state = 'handshake';
    const server = this.#repl.server;
    const config = server.config;
    const ping = await this.#command(['PING']);
    if (ping.startsWith('-') && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(ping)) {
      throw new Error(`Error reply to PING from master: '${ping}'`);
    }
    const auth = config.str('masterauth');
    if (auth !== '') {
      const user = config.str('masteruser');
      const reply = await this.#command(user === '' ? ['AUTH', auth] : ['AUTH', user, auth]);
      if (reply.startsWith('-')) throw new Error(`Unable to AUTH to MASTER: ${reply}`);
    }
    const announcedPort = config.num('replica-announce-port');
    await this.#command(['REPLCONF', 'listening-port', String(announcedPort || server.ports[0] || config.num('port'))]);
    const announcedIp = config.str('replica-announce-ip');
    if (announcedIp !== '') await this.#command(['REPLCONF', 'ip-address', announcedIp]);
    await this.#command(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
    const history = this.#history;
    const cached = history.offset >= 0 && history.replid !== '';
    const psync = cached ? ['PSYNC', history.replid, String(history.offset + 1)] : ['PSYNC', '?', '-1'];
    server.log.notice(cached ? `Trying a partial resynchronization (request ${history.replid}:${history.offset + 1}).`
      : 'Partial resynchronization not possible (no cached master)');
    // A FAILOVER in progress: the PSYNC asks our new master (our replica until now) to take over.
    const failover = this.#repl.failover;
    const failingOver = failover.inProgress;
    let reply: string;
    try {
      reply = await this.#command(failingOver ? [...psync, 'FAILOVER'] : psync);
    } catch (error: unknown) {
      // No reply at all is a refusal too (Redis: PSYNC_TRY_LATER aborts the failover).
      if (failingOver) failover.psyncAnswered(false);
      throw error;
    }
    if (failingOver) {
      const accepted = reply.startsWith('+CONTINUE') || reply.startsWith('+FULLRESYNC');
      // Refused: we are a master again (this link is closed).
      failover.psyncAnswered(accepted);
      if (!accepted) return;
    }
    if (reply.startsWith('+CONTINUE')) {
      const id = reply.slice('+CONTINUE'.length).trim();
      if (id !== '') this.#repl.switchHistory(id);
      server.log.notice('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
      this.#goOnline(socket, this.streamDb);
      return;
    }
    const full = /^\+FULLRESYNC ([0-9a-f]{40}) (\d+)/.exec(reply);
    if (full === null) throw new Error(`Unexpected reply to PSYNC from master: ${reply}`);
    server.log.notice(`Full resync from master: ${full[1]}:${full[2]}`);
    await this.#transfer(full[1] as string, Number(full[2]));
    this.#goOnline(socket, 0);
  }

  #connect(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      this.#socket = socket;
      socket.setNoDelay(!this.#repl.server.config.bool('repl-disable-tcp-nodelay'));
      socket.once('connect', () => {
        this.lastIoMs = Date.now();
        this.#repl.server.log.notice('MASTER <-> REPLICA sync started');
        resolve(socket);
      });
      socket.on('error', (error) => reject(error));
      socket.on('close', () => {
        reject(new Error('connection closed'));
        if (this.#socket === socket) this.#drop();
      });
      socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    });
  }

  #onData(chunk: Buffer): void {
    this.lastIoMs = Date.now();
    if (this.state === 'connected') {
      this.#applyStream(chunk);
      return;
    }
    if (this.#chunks !== null) {
      this.#chunks.push(chunk);
      this.transferRead += chunk.length;
      this.#onChunk?.(chunk);
    } else {
      this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    }
    this.#wake?.();
  }

  /** Waits until the buffer satisfies `take` (which consumes it) or the link drops. */
  async #read<T>(take: () => T | null): Promise<T> {
    for (;;) {
      if (this.#socket === null) throw new Error('connection lost');
      const value = take();
      if (value !== null) return value;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = null;
    }
  }

  /** One reply line (newlines sent as keep-alives before it are skipped). */
  #readLine(): Promise<string> {
    return this.#read(() => {
      let start = 0;
      while (start < this.#buf.length && this.#buf[start] === 0x0a) start++;
      const end = this.#buf.indexOf('\r\n', start);
      if (end < 0) {
        this.#buf = this.#buf.subarray(start);
        return null;
      }
      const line = this.#buf.toString('latin1', start, end);
      this.#buf = this.#buf.subarray(end + 2);
      return line;
    });
  }

  async #command(argv: string[]): Promise<string> {
    this.#socket?.write(encodeCommand(argv), 'latin1');
    return this.#readLine();
  }

  // ------------------------------------------------------------------ the payload

  /** The payload's header: `$<length>` or `$EOF:<mark>` (size 0). */
  async #payloadHeader(): Promise<{ eofMark: string | null; size: number }> {
    this.transferRead = 0;
    // Unknown until the header (Redis shows -1), then the length; 0 for an `$EOF:` payload.
    this.transferSize = -1;
    const header = await this.#readLine();
    if (!header.startsWith('$')) throw new Error(`Bad protocol from MASTER, the first byte is not '$': ${header}`);
    const eofMark = header.startsWith('$EOF:') ? header.slice(5) : null;
    if (eofMark !== null && eofMark.length !== EOF_MARK_BYTES) throw new Error('Bad EOF mark from MASTER');
    const size = eofMark === null ? Number(header.slice(1)) : 0;
    this.transferSize = size;
    this.transferRead = this.#buf.length; // the payload bytes that came with the header
    return { eofMark, size };
  }

  async #transfer(replid: string, offset: number): Promise<void> {
    this.state = 'transfer';
    const { eofMark, size } = await this.#payloadHeader();
    // The payload is gathered as a list of chunks (no copy per read), or by the loader when it
    // is loaded while it arrives (#loadWhileReceiving). Each chunk is searched for the EOF mark
    // in place (the stream's first bytes may follow it), and the few bytes around each chunk
    // boundary for a mark split across two reads.
    const chunks: Buffer[] = [this.#buf];
    const dump = this.#dumpWhileReceiving() ? new DumpFile(this.#dumpPath()) : null;
    const aside = this.#loadWhileReceiving() ? this.#loadAside(size) : null;
    const mark = eofMark === null ? null : Buffer.from(eofMark, 'latin1');
    let tail: Buffer = Buffer.alloc(0);
    this.#buf = Buffer.alloc(0);
    this.#chunks = chunks;
    let endAt = -1;
    let total = 0;
    const find = (chunk: Buffer): void => {
      const before = total;
      total += chunk.length;
      if (endAt < 0) dump?.append(chunk);
      if (mark === null) {
        if (total >= size) endAt = size;
        return;
      }
      if (endAt >= 0) return;
      // A mark across the boundary: the previous chunk's last bytes and this one's first.
      const seam = Buffer.concat([tail, chunk.subarray(0, EOF_MARK_BYTES - 1)]);
      const across = seam.indexOf(mark);
      if (across >= 0) {
        endAt = before - tail.length + across;
        return;
      }
      const at = chunk.indexOf(mark);
      if (at >= 0) endAt = before + at;
      else tail = Buffer.concat([tail, chunk.subarray(-(EOF_MARK_BYTES - 1))]).subarray(-(EOF_MARK_BYTES - 1));
    };
    let dropped = 0;
    const check = (chunk: Buffer): void => {
      const ended = endAt >= 0;
      find(chunk);
      if (aside === null || ended) return;
      aside.rdb.append(chunk);
      // The loader keeps the payload: from the read where the stream starts on is kept here.
      chunks.splice(0, chunks.length - 1);
      dropped = total - chunk.length;
      // The bytes known to be the payload's: up to its end, or short of a mark begun in them.
      aside.rdb.advance(endAt >= 0 ? endAt : mark === null ? total : total - (EOF_MARK_BYTES - 1));
    };
    try {
      check(chunks[0] as Buffer);
      this.#onChunk = check;
      await this.#read(() => (endAt >= 0 ? true : null));
    } catch (error: unknown) {
      dump?.discard();
      aside?.rdb.abort();
      throw error;
    } finally {
      this.#chunks = null;
      this.#onChunk = null;
    }
    this.#loadPayload(chunks, { endAt, restAt: endAt + (eofMark === null ? 0 : EOF_MARK_BYTES) - dropped }, { aside, dump });
    this.#repl.adoptHistory(replid, offset);
  }

  /** The payload is chunks' first `endAt` bytes (the aside's: it has them); the stream goes on at `restAt` of chunks. */
  #loadPayload(chunks: Buffer[], at: { endAt: number; restAt: number },
    into: { aside: AsideLoad | null; dump: DumpFile | null }): void {
    if (into.aside === null) {
      const all = Buffer.concat(chunks);
      this.#buf = all.subarray(at.restAt);
      this.#load(all.subarray(0, at.endAt), into.dump);
    } else {
      this.#buf = bytesFrom(chunks, at.restAt);
      this.#install(into.aside, at.endAt, into.dump);
    }
  }

  /**
   * Whether the payload is loaded while it arrives, into a dataset aside that replaces ours at
   * the end (Redis's repl-diskless-load swapdb keeps the old one the same way): with `swapdb`,
   * and whenever our dataset is empty as the transfer starts (`on-empty-db` loads it straight
   * from the socket then; `disabled` stores it as the dump as well, and loading it aside costs
   * no more memory than loading it afterwards). `disabled` or `on-empty-db` with keys present
   * load it after the transfer, once the old keys are flushed: memory never holds both.
   */
  #loadWhileReceiving(): boolean {
    const server = this.#repl.server;
    return server.config.str('repl-diskless-load') === 'swapdb' || totalKeys(server.keyspace.dbs) === 0;
  }

  /** The dataset aside a streamed payload loads into, and the libraries it holds (installed with it). */
  #loadAside(size: number): AsideLoad {
    const server = this.#repl.server;
    const keyspace = new Keyspace(server.keyspace.dbs.length);
    const functions: string[] = [];
    const target: RdbLoadTarget = {
      config: server.config, keyspace, log: new HeldLog(), loading: false, replInfo: server.replInfo,
      loadFunctionLibrary: (code) => {
        functions.push(code);
        return null;
      },
    };
    // A `$EOF:` payload's size is unknown: RESIZEDB may size tables for up to ~5M keys.
    const rdb = new RdbStreamLoad(target, PAYLOAD_NAME, size > 0 ? size : UNKNOWN_PAYLOAD_BYTES);
    return { rdb, keyspace, functions, log: target.log as HeldLog };
  }

  /** Whether repl-diskless-load has the payload stored as the dump (decided as the transfer starts). */
  #dumpWhileReceiving(): boolean {
    const server = this.#repl.server;
    const mode = server.config.str('repl-diskless-load');
    return !(mode === 'swapdb' || (mode === 'on-empty-db' && totalKeys(server.keyspace.dbs) === 0));
  }

  #dumpPath(): string {
    const config = this.#repl.server.config;
    return join(config.str('dir'), config.str('dbfilename'));
  }

  /**
   * Replaces the dataset with the payload. repl-diskless-load decides as in Redis 7.0:
   * `disabled` (and `on-empty-db` with keys present) stores the payload as the dump first;
   * `swapdb` keeps the old dataset aside and puts it back if the new one fails to load; with
   * `on-empty-db` on an empty dataset, or `swapdb`, nothing is written to disk.
   */
  #load(data: Buffer, dump: DumpFile | null): void {
    const server = this.#repl.server;
    const config = server.config;
    server.log.notice(`MASTER <-> REPLICA sync: receiving ${data.length} bytes from master`);
    this.#repl.disconnectPeers();
    // A BGSAVE still running would replace the new dump with the old dataset: cancelled first.
    server.persistence?.jobs.cancel('replica full sync');
    const mode = config.str('repl-diskless-load');
    const diskless = dump === null;
    dump?.commit(data.length);
    // replica-lazy-flush: the old dataset (and a failed load's partial one) is freed in the
    // background; swapdb always discards in the background, as Redis 7.0 does.
    const lazyFlush = config.bool('replica-lazy-flush');
    let backup = null;
    // The function libraries go with the dataset (the payload carries the master's); swapdb
    // keeps ours aside as well.
    const functions = server.scripting?.functions;
    const oldLibraries = functions === undefined ? [] : [...functions.libraries.values()];
    if (mode === 'swapdb') {
      server.log.notice('MASTER <-> REPLICA sync: Backing up the old dataset (repl-diskless-load swapdb)');
      backup = server.keyspace.detachAll();
    } else {
      server.log.notice('MASTER <-> REPLICA sync: Flushing old data');
      server.keyspace.flushAll(lazyFlush);
    }
    functions?.flush();
    // Tracking clients get the flush's null invalidation, as for FLUSHALL.
    server.tracking.flushed(lazyFlush);
    server.log.notice(`MASTER <-> REPLICA sync: Loading DB in memory${diskless ? ' (diskless)' : ''}`);
    let result;
    try {
      result = rdbLoadBufferSync(server, data, PAYLOAD_NAME);
    } catch (error: unknown) {
      server.log.warning('Failed trying to load the MASTER synchronization DB from socket');
      if (backup !== null) {
        server.log.notice('MASTER <-> REPLICA sync: Restoring the old dataset (repl-diskless-load swapdb)');
        server.keyspace.reattachAll(backup, true);
        server.scripting?.functions.install(oldLibraries, 'flush');
      } else {
        server.keyspace.flushAll(lazyFlush);
      }
      throw error;
    } finally {
      server.keyspace.activeExpire = false;
    }
    if (backup !== null) server.keyspace.lazyfree.defer(backup, totalKeys(backup));
    server.log.notice(`MASTER <-> REPLICA sync: Finished with success (${result.keysLoaded} keys)`);
    // The AOF must describe the new dataset: rewrite it from the loaded keys (Redis restarts
    // appendonly after a full sync for the same reason).
    const aof = server.persistence?.aof;
    if (aof !== undefined && aof.state !== 'off') {
      server.log.notice('MASTER <-> REPLICA sync: rewriting the AOF for the new dataset');
      aof.requestRewrite();
    }
  }

  /**
   * The payload, loaded aside while it arrived, replaces the dataset: as #load, with the same
   * log lines and outcomes (a failed load keeps the old dataset with `swapdb`, leaves none
   * otherwise), but the keys are in memory already.
   */
  #install(aside: AsideLoad, length: number, dump: DumpFile | null): void {
    const server = this.#repl.server;
    const config = server.config;
    server.log.notice(`MASTER <-> REPLICA sync: receiving ${length} bytes from master`);
    this.#repl.disconnectPeers();
    server.persistence?.jobs.cancel('replica full sync');
    const swapdb = config.str('repl-diskless-load') === 'swapdb';
    dump?.commit(length);
    const lazyFlush = config.bool('replica-lazy-flush');
    server.log.notice(swapdb ? 'MASTER <-> REPLICA sync: Backing up the old dataset (repl-diskless-load swapdb)'
      : 'MASTER <-> REPLICA sync: Flushing old data');
    // The function libraries go with the dataset, as in #load: ours are replaced by the
    // payload's (swapdb puts ours back if it fails), and tracking clients get the flush's null
    // invalidation. Nothing runs between here and the swap below.
    const functions = server.scripting?.functions;
    const oldLibraries = functions === undefined ? [] : [...functions.libraries.values()];
    server.tracking.flushed(lazyFlush);
    server.log.notice(`MASTER <-> REPLICA sync: Loading DB in memory${dump === null ? ' (diskless)' : ''}`);
    let result;
    try {
      try {
        result = aside.rdb.end(length);
      } finally {
        aside.log.release(server.log);
      }
      functions?.flush();
      for (const code of aside.functions) {
        const error = server.loadFunctionLibrary(code);
        if (error !== null) throw new Error(`a function library failed to load: ${error}`);
      }
    } catch (error: unknown) {
      server.log.warning('Failed trying to load the MASTER synchronization DB from socket');
      if (swapdb) {
        server.log.notice('MASTER <-> REPLICA sync: Restoring the old dataset (repl-diskless-load swapdb)');
        functions?.install(oldLibraries, 'flush');
      } else {
        server.keyspace.flushAll(lazyFlush);
        functions?.flush();
      }
      throw error;
    } finally {
      server.keyspace.activeExpire = false;
    }
    // swapdb always discards the old dataset in the background, as Redis 7.0 does.
    server.keyspace.replaceAll(aside.keyspace.dbs, swapdb || lazyFlush);
    server.log.notice(`MASTER <-> REPLICA sync: Finished with success (${result.keysLoaded} keys)`);
    const aof = server.persistence?.aof;
    if (aof !== undefined && aof.state !== 'off') {
      server.log.notice('MASTER <-> REPLICA sync: rewriting the AOF for the new dataset');
      aof.requestRewrite();
    }
  }

  // ------------------------------------------------------------------ the stream

  #goOnline(socket: Socket, dbIndex: number): void {
    const server = this.#repl.server;
    // The master caller (server/caller.ts): no ACL, READONLY or reply; counted and propagated
    // to our AOF (our replicas get the master's bytes as they are, see Replication#proxy).
    // Registered with its socket, as Redis's server.master: CLIENT LIST shows it (flags=M) and
    // CLIENT KILL TYPE master closes the link (the replica reconnects and resyncs partially).
    const c = server.createClient(socket);
    c.caller = MASTER_CALLER;
    c.authenticated = true;
    c.dbIndex = dbIndex;
    c.flags |= ClientFlag.master;
    this.client = c;
    this.state = 'connected';
    this.readOffset = this.#repl.offset;
    this.#raw = Buffer.alloc(0);
    this.#rawPos = 0;
    this.#lastAckMs = 0;
    this.sendAck();
    const rest = this.#buf;
    this.#buf = Buffer.alloc(0);
    if (rest.length > 0) this.#applyStream(rest);
  }

  /** Applies complete commands; the bytes of each one applied outside MULTI are proxied on. */
  #applyStream(chunk: Buffer): void {
    const c = this.client;
    if (c === null) return;
    const repl = this.#repl;
    c.lastInteractionMs = Date.now();
    this.readOffset += chunk.length;
    repl.stats.replInputBytes += chunk.length;
    this.#raw = this.#rawPos >= this.#raw.length ? chunk : Buffer.concat([this.#raw.subarray(this.#rawPos), chunk]);
    this.#rawPos = 0;
    c.parser.feed(chunk);
    const keyspace = repl.server.keyspace;
    const limits = { bulkLenMax: Number.MAX_SAFE_INTEGER, unauthenticated: false };
    // The bytes of the commands applied outside MULTI go on to our replicas once per read (a
    // MULTI's commands go with its EXEC), not once per command.
    let proxyEnd = this.#rawPos;
    for (;;) {
      const argv = c.parser.next(limits);
      if (argv === null) break;
      const consumed = this.#raw.length - c.parser.pendingBytes;
      if (argv.length === 0) continue;
      // REPLCONF GETACK answers with the offset applied so far: it must count the bytes before it.
      if ((argv[0] as string).length === 8 && (argv[0] as string).toLowerCase() === 'replconf') this.#proxyUpTo(proxyEnd);
      repl.applying = true;
      keyspace.masterView = true;
      try {
        executeCommand(repl.server, c, argv);
      } finally {
        repl.applying = false;
        keyspace.masterView = false;
      }
      c.out = '';
      // The link dropped while applying: the history was reset, nothing goes on.
      if (this.client !== c) return;
      if (!c.has(ClientFlag.multi)) proxyEnd = consumed;
    }
    this.#proxyUpTo(proxyEnd);
    // The applied writes reach our AOF and our replicas in this turn's beforeSleep.
    repl.server.requestBeforeSleep();
    if (c.parser.error !== null) {
      repl.server.log.warning(`Protocol error from MASTER: ${c.parser.error}`);
      this.#drop();
    }
  }

  /** Our master's applied bytes up to `end` of the read buffer go on to our replicas. */
  #proxyUpTo(end: number): void {
    if (end <= this.#rawPos) return;
    this.#repl.proxy(this.#raw.toString('latin1', this.#rawPos, end));
    this.#rawPos = end;
  }
}

/** The bytes of `chunks` (read one after the other) from position `from` on. */
function bytesFrom(chunks: readonly Buffer[], from: number): Buffer {
  let skip = from;
  const out: Buffer[] = [];
  for (const chunk of chunks) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    out.push(skip === 0 ? chunk : chunk.subarray(skip));
    skip = 0;
  }
  return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
}

function totalKeys(dbs: readonly { dict: { size: number } }[]): number {
  let n = 0;
  for (const db of dbs) n += db.dict.size;
  return n;
}
