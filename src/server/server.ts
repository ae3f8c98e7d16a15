// The server: owns the config, keyspace, services and clients, and runs Redis's event-loop
// order in Node's terms. Socket reads parse and execute commands immediately (single-threaded,
// synchronous handlers, server/dispatch.ts); replies accumulate per client and are written once
// per turn after the persistence hooks (server/replies.ts, "log before reply"). A timer runs
// cron at `hz`. Listeners are in server/listeners.ts, counters in server/stats.ts, the hook
// interface in server/hooks.ts; services are wired by src/compose.ts.
// Redis equivalent: server.c (initServer, beforeSleep, serverCron) and networking.c.

import type { Scripting } from '../scripting/scripting.js';
import { scriptingFactory } from '../scripting/factory.js';
import { randomBytes } from '../platform/crypto.js';
import type { Socket } from 'node:net';
import { totalmem } from 'node:os';
import { allCommandDefs } from '../commands/index.js';
import { CommandTable } from '../commands/table.js';
import type { Config } from '../config/config.js';
import type { InfoFields } from '../observe/info.js';
import type { Persistence } from '../persistence/attach.js';
import { DumpReplInfo } from '../persistence/rdb/repl-info.js';
import type { Replication } from '../replication/replication.js';
import type { MigrateLinks } from '../commands/migrate.js';
import { Logger } from '../observe/log.js';
import { CommandLatencies, LatencyMonitor } from '../observe/latency.js';
import { ActiveExpire } from '../store/expire.js';
import { Keyspace } from '../store/keyspace.js';
import { STRING_BYTES_MAX, ACTIVE_EXPIRE_CYCLE_BUDGET_FRACTION } from '../limits.js';
import { ClientFlag, Client, asClient } from './client.js';
import type { CommandServices } from '../commands/context.js';
import { executeCommand, findCommand, processCommand, syncCommandClock } from './dispatch.js';
import type { Caller } from './caller.js';
import { Watches } from './watch.js';
import { Blocking } from './blocking.js';
import { Acl } from './acl.js';
import { Evictor } from './evict.js';
import { OutputLimits } from './output-limits.js';
import { PubSubRegistry } from '../commands/pubsub.js';
import { newCursorTable } from '../commands/scan.js';
import { StringEncodings } from '../commands/string-encoding.js';
import { hashLimitCells } from '../commands/hash.js';
import { readIntoSharedBuffer } from './read-buffer.js';
import type { ServerHooks } from './hooks.js';
import { Listeners, PROTECTED_MODE_DENIED, protectedModeDenies } from './listeners.js';
import { ReplyWriter } from './replies.js';
import { newServerStats, resetCommandStats, resetServerStats, sampleOps, type ServerStats,
  type SlowlogEntry } from './stats.js';

// Moved to their own files; re-exported for existing importers.
export type { ServerHooks } from './hooks.js';
export type { ServerStats, SlowlogEntry } from './stats.js';
export { PROTECTED_MODE_DENIED, protectedModeDenies } from './listeners.js';
import { PropagateTarget, PropagationStream } from './propagation.js';
import { KeyspaceEvents } from './notify.js';
import { Tracking } from './tracking.js';
import { ClientPause, PauseType } from './pause.js';
import { publishMessage } from '../commands/pubsub.js';

/** The longest error code errorstats keeps apart; a longer first word counts as ERR. */
const ERROR_CODE_MAX = 30;

/** A SHUTDOWN's flags: SAVE/NOSAVE (null: as the save points say), NOW, FORCE. */
export interface ShutdownRequest {
  save: boolean | null;
  reason: string;
  client?: Client;
  /** Do not wait for lagging replicas. */
  now?: boolean;
  /** Exit even when the final save fails. */
  force?: boolean;
}

export class Server {
  readonly config: Config;
  readonly log: Logger;
  readonly keyspace: Keyspace;
  readonly activeExpire: ActiveExpire;
  readonly commands: CommandTable;
  readonly watches: Watches;
  /** Clients blocked on list/zset keys (BLPOP, BZPOPMIN...); see server/blocking.ts. */
  readonly blocking: Blocking;
  /** Users, authentication and permission checks (requirepass is the default user's password). */
  readonly acl = new Acl();
  /** Scripts and functions (commands/scripting.ts creates it on first use). */
  scripting: Scripting | null = null;
  /** While a script runs: the time its commands see (Redis freezes it for the script). */
  frozenNowMs: number | null = null;
  /** Installs a function library read from an RDB file or AOF base; an error text or null. */
  loadFunctionLibrary(code: string): string | null {
    const create = scriptingFactory();
    if (create === null) return 'scripting is not available';
    this.scripting ??= create(this);
    return this.scripting.restoreLibraries([code], 'replace');
  }

  /** The function libraries' code, for RDB files and AOF rewrites. */
  functionCodes(): string[] {
    const libs = this.scripting?.functions.libraries;
    return libs === undefined ? [] : [...libs.values()].map((lib) => lib.code);
  }
  /** maxmemory: used-memory figure, eviction by policy, OOM refusals (server/evict.ts). */
  readonly evictor: Evictor;
  /** client-output-buffer-limit (server/output-limits.ts). */
  readonly outputLimits: OutputLimits;
  /** Keyspace notifications (server/notify.ts): handlers call notifyKeyspaceEvent. */
  readonly keyspaceEvents: KeyspaceEvents;
  /** CLIENT TRACKING: client-side caching invalidations (server/tracking.ts). */
  readonly tracking: Tracking;
  /** CLIENT PAUSE (server/pause.ts). */
  readonly pause: ClientPause;
  readonly clients = new Map<number, Client>();
  readonly startedAtMs = Date.now();
  readonly stats: ServerStats = newServerStats(Date.now());
  readonly errorStats = new Map<string, number>();
  readonly slowlog: SlowlogEntry[] = [];
  slowlogNextId = 0;
  slowlogThresholdUs = 10_000;
  /** LATENCY: events at or above latency-monitor-threshold (observe/latency.ts). */
  readonly latency = new LatencyMonitor();
  /** Per-command latency histograms (INFO latencystats), kept while latency-tracking is yes. */
  readonly commandLatencies = new CommandLatencies();
  latencyTracking = true;
  /** Clients that ran MONITOR. */
  readonly monitors = new Set<Client>();
  /** Channel and pattern subscriptions (commands/pubsub.ts). */
  readonly pubsub = new PubSubRegistry();
  /** SCAN/HSCAN/SSCAN/ZSCAN's live cursors (commands/scan.ts). */
  readonly scanCursors = newCursorTable();
  /** OBJECT ENCODING's raw/embstr marks on strings (commands/string-encoding.ts). */
  readonly stringEncodings: StringEncodings;
  /**
   * RDB, background jobs and AOF (persistence/attach.ts), wired by the composition root
   * (src/compose.ts); null on a server built without persistence.
   */
  persistence: Persistence | null = null;
  /** The replication fields of dumps (persistence/rdb/repl-info.ts): replication sets the source. */
  readonly replInfo = new DumpReplInfo();
  /**
   * The master and replica sides of replication (replication/replication.ts), wired by the
   * composition root; null on a server built without it.
   */
  replication: Replication | null = null;
  /** MIGRATE's cached target connections (commands/migrate.ts), wired by the composition root. */
  migrateLinks: MigrateLinks | null = null;
  /** Fields other modules add to INFO sections (persistence: the Persistence section). */
  readonly infoProviders = new Map<string, (() => InfoFields)[]>();
  loading = false;
  /** Background jobs (the snapshot engine's stand-ins for fork): INFO stats fields. */
  readonly forkStats = { latestForkUsec: 0, totalForks: 0 };
  readonly runId = randomBytes(20).toString('hex');
  memoryPeak = 0;
  memoryStartup = process.memoryUsage().heapUsed;
  readonly totalSystemMemory = totalmem();
  /** The one stream writes leave call() by (server/propagation.ts): AOF and replication. */
  readonly propagation = new PropagationStream();
  /** What data commands may use of this server (commands/context.ts); built once, below. */
  readonly services: CommandServices;
  #hooks: ServerHooks[] = [];
  /** Config read per client read, as cells (Config#numCell), and the parser limits reused. */
  readonly #protoMaxBulkLen: { readonly value: number };
  readonly #queryBufferLimit: { readonly value: number };
  readonly #parserLimits = { bulkLenMax: 0, unauthenticated: false };
  #writeDeniedFns: (() => string | null)[] = [];
  /** The hooks' staleDeniedReason, bound: asked before every command (as #writeDeniedFns). */
  #staleDeniedFns: (() => string | null)[] = [];
  readonly #listeners: Listeners;
  readonly #replies: ReplyWriter;
  #nextClientId = 1;
  #cronTimer: NodeJS.Timeout | null = null;
  #closing: Promise<void> | null = null;
  /** A SHUTDOWN waiting for its replicas to catch up (shutdown-timeout), with its blocked clients. */
  #shutdownWait: { options: ShutdownRequest; deadlineMs: number; clients: Client[] } | null = null;
  /** Resolves when the server has fully stopped (SHUTDOWN, close(), or a signal). */
  readonly stopped: Promise<void>;
  #resolveStopped: () => void = () => {};

  constructor(config: Config, log = new Logger()) {
    this.config = config;
    this.log = log;
    this.keyspace = new Keyspace(config.num('databases'));
    this.#protoMaxBulkLen = config.numCell('proto-max-bulk-len');
    this.#queryBufferLimit = config.numCell('client-query-buffer-limit');
    this.activeExpire = new ActiveExpire(this.keyspace);
    this.stringEncodings = new StringEncodings(this.keyspace);
    this.commands = new CommandTable(allCommandDefs());
    this.watches = new Watches(this);
    this.keyspace.addHooks(this.watches);
    this.blocking = new Blocking(this);
    // Redis propagates a DEL for every key that expires (lazily or actively), so the AOF (and
    // replicas) delete it at the same point of the command stream.
    this.keyspace.addHooks({
      // As Redis's propagateDeletion: UNLINK when lazyfree-lazy-expire is on.
      keyExpired: (db, key) => this.propagate(db.id, [this.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]),
    });
    this.keyspaceEvents = new KeyspaceEvents({
      config,
      keyspace: this.keyspace,
      publish: (channel, message) => publishMessage(this.services, channel, message),
    });
    this.tracking = new Tracking(this);
    this.pause = new ClientPause(this, { execute: executeCommand, find: findCommand });
    this.slowlogThresholdUs = config.num('slowlog-log-slower-than');
    this.#setUpAcl();
    this.evictor = new Evictor(this);
    this.outputLimits = new OutputLimits(config);
    this.#listeners = new Listeners(config, log);
    this.#replies = new ReplyWriter({ stats: this.stats, outputLimits: this.outputLimits, log,
      beforeSleepGate: () => this.#beforeSleepGate() });
    this.services = this.#commandServices();
    this.latency.thresholdMs = config.num('latency-monitor-threshold');
    this.latencyTracking = config.bool('latency-tracking');
    config.onApply('slowlog-log-slower-than', (v) => {
      this.slowlogThresholdUs = Number(v);
    });
    config.onApply('latency-monitor-threshold', (v) => {
      this.latency.thresholdMs = Number(v);
    });
    config.onApply('latency-tracking', (v) => {
      this.latencyTracking = v === true;
    });
    this.#applyLazyfreeConfig();
    this.stopped = new Promise((resolve) => {
      this.#resolveStopped = resolve;
    });
  }

  /** The services data commands reach through their context: fields, wired once. */
  #commandServices(): CommandServices {
    const blocking = this.blocking;
    return {
      log: this.log,
      stringEncodings: this.stringEncodings,
      pubsub: this.pubsub,
      scanCursors: this.scanCursors,
      hashLimits: hashLimitCells(this.config),
      keyspaceEvents: this.keyspaceEvents,
      propagation: this.propagation,
      tracking: this.tracking,
      acl: this.acl,
      evictor: this.evictor,
      blocking: { block: (c, request) => blocking.block(asClient(c), request) },
      queueFlush: (c) => this.queueFlush(asClient(c)),
      afterFlushAll: () => this.afterFlushAll(),
      isLoading: () => this.loading,
      isReplica: () => (this.replication?.link ?? null) !== null,
    };
  }

  /** requirepass, acl-pubsub-default, then `user` lines or the aclfile (never both, as Redis). */
  #setUpAcl(): void {
    const config = this.config;
    this.acl.channelsDefault = config.str('acl-pubsub-default') as 'allchannels' | 'resetchannels';
    config.onApply('acl-pubsub-default', (value) => {
      this.acl.channelsDefault = value as 'allchannels' | 'resetchannels';
    });
    this.acl.setRequirePass(config.str('requirepass'));
    config.onApply('requirepass', (value) => this.acl.setRequirePass(String(value)));
    const aclfile = config.str('aclfile');
    if (config.users.length > 0 && aclfile !== '') {
      throw new Error(
        'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.',
      );
    }
    if (config.users.length > 0) {
      const lines = config.users.map((words) => ['user', ...words]);
      const table = this.acl.parseUsers(lines, (i) => `Error in user declaration ${i + 1}`);
      if (typeof table === 'string') throw new Error(table);
      // A `user default` line replaces the requirepass-built default user, as in Redis.
      if (!config.users.some((words) => words[0] === 'default')) table.set('default', this.acl.defaultUser);
      this.acl.replaceUsers(table);
    } else if (aclfile !== '') {
      const error = this.acl.loadFile(aclfile);
      if (error !== null) throw new Error(error);
    }
  }

  /** Adds fields to an INFO section, after the section's own (observe/info.ts). */
  addInfoFields(section: string, provider: () => InfoFields): void {
    const list = this.infoProviders.get(section);
    if (list === undefined) this.infoProviders.set(section, [provider]);
    else list.push(provider);
  }

  addHooks(hooks: ServerHooks): void {
    this.#hooks.push(hooks);
    if (hooks.propagate !== undefined) {
      this.propagation.addConsumer({
        fn: hooks.propagate.bind(hooks),
        target: hooks.propagateTarget ?? PropagateTarget.all,
        ...(hooks.propagateActive !== undefined ? { active: hooks.propagateActive.bind(hooks) } : {}),
      });
    }
    if (hooks.writeDeniedReason !== undefined) this.#writeDeniedFns.push(hooks.writeDeniedReason.bind(hooks));
    if (hooks.staleDeniedReason !== undefined) this.#staleDeniedFns.push(hooks.staleDeniedReason.bind(hooks));
  }

  // ------------------------------------------------------------------ lifecycle

  /** The TCP ports actually listened on (port 0 resolves to a free port). */
  get ports(): number[] {
    return this.#listeners.ports;
  }

  /** Binds every configured address; `bind` entries starting with '-' may fail quietly. */
  async listen(): Promise<void> {
    await this.#listeners.listen((socket) => this.#onConnection(socket));
    this.#startCron();
  }

  #startCron(): void {
    const hz = Math.min(500, Math.max(1, this.config.num('hz')));
    this.#cronTimer = setInterval(() => this.cron(), Math.floor(1000 / hz));
    this.#cronTimer.unref();
  }

  /**
   * Stops the server: closes listeners and clients, runs shutdown hooks (saving when
   * configured or `save` is true) and resolves when everything is released.
   */
  shutdown(options: { save: boolean | null; reason: string }): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    this.#closing = this.#shutdown(options);
    return this.#closing;
  }

  async #shutdown(options: { save: boolean | null; reason: string }): Promise<void> {
    this.log.warning(`${options.reason}, preparing to shut down...`);
    for (const h of this.#hooks) await h.shutdown?.({ save: options.save });
    if (this.#cronTimer !== null) clearInterval(this.#cronTimer);
    this.#cronTimer = null;
    // Stop accepting first, then drop clients: net.Server#close waits for open connections.
    const closing = this.#listeners.close();
    for (const c of this.clients.values()) {
      this.#replies.writeNow(c);
      c.socket?.destroy();
    }
    await Promise.all(closing);
    for (const h of this.#hooks) await h.closed?.();
    this.log.warning(`Vesta is now ready to exit, bye bye...`);
    this.#resolveStopped();
  }

  // ------------------------------------------------------------------ connections

  #onConnection(socket: Socket): void {
    this.stats.connectionsReceived++;
    if (this.clients.size >= this.config.num('maxclients')) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    if (this.#deniedByProtectedMode(socket)) {
      this.stats.rejectedConnections++;
      socket.end(PROTECTED_MODE_DENIED);
      return;
    }
    socket.setNoDelay(true);
    // tcp-keepalive: probes after this many idle seconds (0: none), as Redis sets per client.
    const keepalive = this.config.num('tcp-keepalive');
    if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    const c = this.createClient(socket);
    const shared = this.config.bool('vesta-shared-read-buffer') &&
      readIntoSharedBuffer(socket, (bytes, buffer) => this.#onSharedData(c, bytes, buffer));
    if (!shared) socket.on('data', (chunk: Buffer) => this.#onData(c, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.freeClient(c));
  }

  #deniedByProtectedMode(socket: Socket): boolean {
    return protectedModeDenies({
      protectedMode: this.config.bool('protected-mode'),
      defaultUserNopass: this.acl.defaultUser.nopass,
      remoteAddress: socket.remoteAddress ?? '',
    });
  }

  /** Creates a client; socket null makes an internal client (AOF loading, tests). */
  createClient(socket: Socket | null): Client {
    const c = new Client({
      server: this,
      id: this.#nextClientId++,
      socket,
      nowMs: Date.now(),
      authenticated: this.acl.autoAuthenticated(),
    });
    if (socket !== null) this.clients.set(c.id, c);
    return c;
  }

  /**
   * A client without a socket for an internal caller (server/caller.ts: the AOF loader, a
   * script, a replica's master link), to run commands with executeCommand (server/dispatch.ts).
   * Not registered (CLIENT LIST does not show it) and cheap: create one per use or keep one.
   */
  createInternalClient(caller: Caller): Client {
    const c = this.createClient(null);
    c.caller = caller;
    c.authenticated = true;
    return c;
  }

  freeClient(c: Client): void {
    if (!this.clients.delete(c.id)) return;
    this.monitors.delete(c);
    c.flags |= ClientFlag.closeAsap;
    this.watches.unwatchAll(c);
    this.pubsub.dropClient(c);
    for (const h of this.#hooks) h.clientClosed?.(c);
  }

  #onData(c: Client, chunk: Buffer, shared = false): void {
    this.stats.netInputBytes += chunk.length;
    this.stats.readsProcessed++;
    if (c.has(ClientFlag.closeAsap | ClientFlag.closeAfterReply)) return;
    c.parser.feed(chunk, shared);
    this.processInputBuffer(c);
  }

  /** A read into the shared buffer (server/read-buffer.ts): what is left must be copied out. */
  #onSharedData(c: Client, bytes: number, buffer: Buffer): void {
    try {
      this.#onData(c, buffer.subarray(0, bytes), true);
    } finally {
      c.parser.releaseShared();
    }
  }

  /** Parses and runs buffered commands until the buffer is empty or the client blocks. */
  processInputBuffer(c: Client): void {
    c.lastInteractionMs = syncCommandClock();
    const limits = this.#parserLimits;
    limits.bulkLenMax = Math.min(this.#protoMaxBulkLen.value, STRING_BYTES_MAX);
    limits.unauthenticated = !c.authenticated;
    const stop = ClientFlag.blocked | ClientFlag.closeAfterReply | ClientFlag.closeAsap;
    while ((c.flags & stop) === 0) {
      const argv = c.parser.next(limits);
      if (argv === null) {
        if (c.parser.error !== null) this.#protocolError(c, c.parser.error);
        break;
      }
      if (argv.length === 0) {
        c.replySkip = false; // an empty request is a command to CLIENT REPLY SKIP, as in Redis
        continue;
      }
      processCommand(this, c, argv);
      limits.unauthenticated = !c.authenticated;
    }
    if (c.parser.pendingBytes > this.#queryBufferLimit.value) {
      this.log.warning(`Closing client that reached max query buffer length: id=${c.id} addr=${c.address}`);
      c.flags |= ClientFlag.closeAsap;
      c.socket?.destroy();
      return;
    }
    this.queueFlush(c);
  }

  #protocolError(c: Client, text: string): void {
    this.log.verbose(`Protocol error (${text}) from client: id=${c.id} addr=${c.address}`);
    c.addReplyError(`ERR Protocol error: ${text}`);
    c.flags |= ClientFlag.closeAfterReply;
  }

  // ------------------------------------------------------------------ replies

  /** Marks a client as having output; one beforeSleep per turn writes all of them. */
  queueFlush(c: Client): void {
    this.#replies.queueFlush(c);
  }

  /**
   * Schedules beforeSleep for this turn without a client reply to write: work done for an
   * internal client (a replica applying its master's stream) must still reach the AOF and the
   * sub-replicas.
   */
  requestBeforeSleep(): void {
    this.#replies.requestBeforeSleep();
  }

  /** Redis's beforeSleep: persistence first, then replies ("log before reply"). */
  beforeSleep(): void {
    this.#replies.beforeSleep();
  }

  /** The beforeSleep hooks' gates, joined: replies wait for it (null: nothing to wait for). */
  #beforeSleepGate(): Promise<void> | null {
    let gate: Promise<void> | null = null;
    for (const h of this.#hooks) {
      const g = h.beforeSleep?.() ?? null;
      if (g !== null) gate = gate === null ? g : Promise.all([gate, g]).then(() => undefined);
    }
    return gate;
  }

  // ------------------------------------------------------------------ hooks for commands

  propagate(dbIndex: number, argv: readonly string[]): void {
    this.propagation.propagate(dbIndex, argv);
  }

  /**
   * Commands propagated until the matching end are one unit: wrapped in MULTI/EXEC when there
   * are several (EXEC of a MULTI, a script's writes).
   */
  beginPropagationBlock(): void {
    this.propagation.beginBlock();
  }

  endPropagationBlock(): void {
    this.propagation.endBlock();
  }

  afterFlushAll(): void {
    for (const h of this.#hooks) h.afterFlushAll?.();
  }

  /** RESET: back to a fresh connection's state (Redis's resetCommand). */
  resetClient(c: Client): void {
    c.flags &= ~(ClientFlag.multi | ClientFlag.dirtyCas | ClientFlag.dirtyExec | ClientFlag.pubsub);
    c.queue = [];
    this.watches.unwatchAll(c);
    this.pubsub.dropClient(c);
    for (const h of this.#hooks) h.resetClient?.(c);
    c.dbIndex = 0;
    c.resp = 2;
    c.name = '';
    c.authenticated = this.acl.autoAuthenticated();
    c.user = 'default';
  }

  /** The keyspace's lazy-freeing policy follows the lazyfree directives (and the list fill). */
  #applyLazyfreeConfig(): void {
    const ks = this.keyspace;
    const config = this.config;
    ks.lazyServerDel = config.bool('lazyfree-lazy-server-del');
    ks.lazyExpire = config.bool('lazyfree-lazy-expire');
    ks.lazyfree.listFill = config.num('list-max-listpack-size');
    config.onApply('lazyfree-lazy-server-del', (v) => {
      ks.lazyServerDel = v === true;
    });
    config.onApply('lazyfree-lazy-expire', (v) => {
      ks.lazyExpire = v === true;
    });
    config.onApply('list-max-listpack-size', (v) => {
      ks.lazyfree.listFill = Number(v);
    });
  }

  resetStats(): void {
    resetServerStats(this.stats);
    this.keyspace.lazyfree.resetStats();
    this.forkStats.latestForkUsec = 0;
    this.forkStats.totalForks = 0;
    this.activeExpire.resetStats();
    this.commandLatencies.reset();
    for (const h of this.#hooks) h.resetStats?.();
    this.keyspace.stats.hits = 0;
    this.keyspace.stats.misses = 0;
    this.keyspace.stats.expiredKeys = 0;
    this.errorStats.clear();
    for (const cmd of this.commands.all()) {
      resetCommandStats(cmd.stats);
      if (cmd.subcommands !== null) for (const sub of cmd.subcommands.values()) resetCommandStats(sub.stats);
    }
  }

  pubsubChannelCount(): number {
    return this.pubsub.channels.size;
  }

  pubsubPatternCount(): number {
    return this.pubsub.patterns.size;
  }

  /**
   * SHUTDOWN from a client or a signal. Unless NOW (or shutdown-timeout 0), a master whose
   * replicas have not acknowledged its whole stream first pauses writes and waits for them, up
   * to shutdown-timeout seconds (checked by cron), as Redis 7.0's prepareForShutdown. Then
   * finishShutdown: on success the process (or embedded host) is told via `stopped`; a failed
   * save cancels the shutdown (unless FORCE) and the waiting clients get Redis's error.
   */
  requestShutdown(options: ShutdownRequest): void {
    const waiting = this.#shutdownWait;
    if (waiting !== null || this.#closing !== null) {
      // Already under way: a later SHUTDOWN waits with the first (Redis keeps it blocked).
      if (waiting !== null && options.client !== undefined) this.#blockOnShutdown(waiting.clients, options.client);
      return;
    }
    const replication = this.replication;
    const timeoutSec = this.config.num('shutdown-timeout');
    if (options.now !== true && timeoutSec !== 0 && replication !== null && !replication.replicasInSync()) {
      replication.requestAckNow();
      this.pause.pause(Infinity, PauseType.write, 'shutdown');
      this.#shutdownWait = { options, deadlineMs: Date.now() + timeoutSec * 1000, clients: [] };
      if (options.client !== undefined) this.#blockOnShutdown(this.#shutdownWait.clients, options.client);
      this.log.notice('Waiting for replicas before shutting down.');
      return;
    }
    this.#finishShutdown(options, options.client === undefined ? [] : [options.client]);
  }

  /** SHUTDOWN ABORT: false when no shutdown is waiting (Redis's abortShutdown). */
  abortShutdown(): boolean {
    const waiting = this.#shutdownWait;
    if (waiting === null) return false;
    this.#cancelShutdown(waiting.clients);
    this.log.notice('Shutdown manually aborted.');
    return true;
  }

  /** Whether a shutdown was asked for and is waiting or under way (a second SIGINT exits). */
  get shuttingDown(): boolean {
    return this.#shutdownWait !== null || this.#closing !== null;
  }

  #blockOnShutdown(clients: Client[], c: Client): void {
    c.flags |= ClientFlag.blocked;
    clients.push(c);
  }

  /** Cron: the wait ends when every replica caught up or shutdown-timeout passed. */
  #checkShutdownWait(): void {
    const waiting = this.#shutdownWait;
    if (waiting === null) return;
    if (Date.now() < waiting.deadlineMs && !(this.replication?.replicasInSync() ?? true)) return;
    this.#shutdownWait = null;
    this.#finishShutdown(waiting.options, waiting.clients);
  }

  #finishShutdown(options: ShutdownRequest, clients: Client[]): void {
    this.replication?.logShutdownSync();
    this.shutdown({ save: options.save, reason: options.reason }).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.log.warning(`Error trying to shut down: ${message}`);
      this.#closing = null;
      // FORCE (SHUTDOWN FORCE, shutdown-on-sigint/sigterm force): a failed save does not stop the exit.
      if (options.force === true) {
        this.log.warning('Errors trying to shut down ignored (force): exiting without saving.');
        this.#finishShutdown({ ...options, save: false }, clients);
        return;
      }
      this.#cancelShutdown(clients);
    });
  }

  /** The shutdown is off: writes resume, the clients that asked get Redis's error. */
  #cancelShutdown(clients: Client[]): void {
    this.#shutdownWait = null;
    this.pause.unpause('shutdown');
    for (const c of clients) {
      if (c.socket?.destroyed !== false) continue;
      c.flags &= ~(ClientFlag.closeAsap | ClientFlag.blocked);
      c.addReplyError('ERR Errors trying to SHUTDOWN. Check logs.');
      c.commandDone();
      this.#replies.writeNow(c);
      setImmediate(() => {
        if (this.clients.has(c.id) && !c.has(ClientFlag.blocked)) this.processInputBuffer(c);
      });
    }
  }

  staleDeniedReason(): string | null {
    const fns = this.#staleDeniedFns;
    for (let i = 0; i < fns.length; i++) {
      const reason = (fns[i] as () => string | null)();
      if (reason !== null) return reason;
    }
    return null;
  }

  writeDeniedReason(): string | null {
    const fns = this.#writeDeniedFns;
    for (let i = 0; i < fns.length; i++) {
      const reason = (fns[i] as () => string | null)();
      if (reason !== null) return reason;
    }
    return null;
  }

  /** OOM refusal for denyoom commands, after evicting by maxmemory-policy (server/evict.ts). */
  oomReason(): string | null {
    return this.evictor.oomReason();
  }

  /**
   * Counts an error reply under its code: the text up to its first space, when that space is
   * within the first 31 characters; any other error (no space, or a longer first word) counts
   * as ERR, as Redis 7.0's afterErrorReply does.
   */
  countError(text: string): void {
    this.stats.errorReplies++;
    const space = text.indexOf(' ');
    const code = space < 0 || space > ERROR_CODE_MAX ? 'ERR' : text.slice(0, space);
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  }

  slowlogPush(c: Client, argv: string[], usec: number): void {
    const maxLen = this.config.num('slowlog-max-len');
    this.slowlog.unshift({
      id: this.slowlogNextId++,
      timeSec: Math.floor(Date.now() / 1000),
      usec,
      argv,
      address: c.address,
      name: c.name,
    });
    if (this.slowlog.length > maxLen) this.slowlog.length = maxLen;
  }

  // ------------------------------------------------------------------ cron

  cron(): void {
    // While a script runs (suspended past busy-reply-threshold) nothing else may touch the
    // dataset: no active expiry, no cron-triggered work, as Redis's whileBlockedCron.
    if (this.scripting?.running != null) return;
    const ks = this.keyspace;
    ks.now = Date.now();
    const periodMs = 1000 / Math.max(1, this.config.num('hz'));
    this.activeExpire.cycle(periodMs * ACTIVE_EXPIRE_CYCLE_BUDGET_FRACTION, () => performance.now());
    this.latency.addSampleIfNeeded('expire-cycle', this.activeExpire.lastCycleMs);
    sampleOps(this.stats, Date.now());
    this.#closeIdleClients();
    for (const h of this.#hooks) h.cron?.();
    this.#checkShutdownWait();
    this.#replies.requeuePending();
  }

  #closeIdleClients(): void {
    const timeoutSec = this.config.num('timeout');
    if (timeoutSec <= 0) return;
    const now = Date.now();
    for (const c of this.clients.values()) {
      const exempt = c.has(ClientFlag.pubsub | ClientFlag.blocked | ClientFlag.monitor | ClientFlag.master | ClientFlag.replica);
      if (!exempt && now - c.lastInteractionMs > timeoutSec * 1000) {
        this.log.verbose('Closing idle client');
        c.socket?.destroy();
      }
    }
  }
}

