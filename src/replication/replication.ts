// Replication state shared by both roles and the master side of the protocol: replication IDs
// and offset, the backlog, the stream of writes sent to replicas (SELECT once per db change,
// counted in bytes of RESP), PSYNC (+CONTINUE / +FULLRESYNC), REPLCONF ACK, WAIT and
// min-replicas-to-write. The replica side (the link to our own master) is master-link.ts; the
// full sync payload is full-sync.ts.
// Redis equivalent: replication.c (replicationFeedSlaves, syncCommand, masterTryPartialResynchronization,
// replconfCommand, waitCommand, refreshGoodSlavesCount, replicationCron).

import { randomBytes } from '../platform/crypto.js';
import { ClientFlag, type Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { encodeCommand } from '../persistence/aof/writer.js';
import { Backlog } from './backlog.js';
import { FullSync } from './full-sync.js';
import { MasterLink } from './master-link.js';
import { Failover } from './failover.js';
import { afterUnblock } from '../observe/calls.js';

export type PeerState = 'wait_bgsave' | 'send_bulk' | 'online';

/** A replica of ours, as the master sees it (Redis: a client with CLIENT_SLAVE). */
export class ReplicaPeer {
  readonly c: Client;
  state: PeerState = 'wait_bgsave';
  ackOffset = 0;
  ackTimeMs = Date.now();
  listeningPort = 0;
  announcedIp = '';
  capaEof = false;
  capaPsync2 = false;
  /** SYNC (not PSYNC): no +FULLRESYNC line. */
  oldSync = false;
  waitingSinceMs = Date.now();
  /** The stream produced while this replica's snapshot is sent. */
  pending: string[] = [];
  pendingBytes = 0;

  constructor(c: Client) {
    this.c = c;
  }

  get ip(): string {
    if (this.announcedIp !== '') return this.announcedIp;
    const addr = this.c.address;
    return addr.slice(0, addr.lastIndexOf(':'));
  }
}

interface Waiter {
  c: Client;
  target: number;
  wanted: number;
  deadlineMs: number;
}

export const ZERO_REPLID = '0'.repeat(40);

export function newReplId(): string {
  return randomBytes(20).toString('hex');
}

export class Replication {
  readonly server: Server;
  replid = newReplId();
  replid2 = ZERO_REPLID;
  secondOffset = -1;
  /** master_repl_offset when there is no backlog (it never moves then). */
  #offsetNoBacklog = 0;
  backlog: Backlog | null = null;
  /** The db the stream last selected; -1 makes the next command send SELECT. */
  selectedDb = -1;
  /** Stream text of this event-loop turn, not yet in the backlog or sent. */
  #turn = '';
  /** master_repl_offset after the last write of ours (not PING/GETACK): what WAIT waits for. */
  #lastWriteOffset = 0;
  readonly peers = new Map<Client, ReplicaPeer>();
  readonly stats = { syncFull: 0, syncPartialOk: 0, syncPartialErr: 0, replInputBytes: 0, replOutputBytes: 0 };
  /** Our link to our master when we are a replica. */
  link: MasterLink | null = null;
  /** True while our master's stream is being applied (its writes bypass READONLY and are proxied). */
  applying = false;
  fullSync: FullSync | null = null;
  /** FAILOVER's state (failover.ts). */
  readonly failover: Failover = new Failover(this);
  #waiters: Waiter[] = [];
  #ackRequested = false;
  #lastPingMs = Date.now();
  #lastCronSec = 0;
  /** When the last replica left (or a replica or no backlog was last seen): repl-backlog-ttl. */
  #noReplicasSinceMs = Date.now();

  constructor(server: Server) {
    this.server = server;
    this.#minReplicas = server.config.numCell('min-replicas-to-write');
    server.replInfo.source = () => this.#replInfo();
    server.addHooks({
      propagate: (dbIndex, argv) => this.feed(dbIndex, argv),
      propagateTarget: 2,
      propagateActive: () => this.link === null && this.backlog !== null,
      beforeSleep: () => {
        this.#flushTurn();
        // Acks that arrived may let a FAILOVER go on (not where they arrive: it drops peers).
        this.failover.update();
        return null;
      },
      cron: () => {
        this.failover.update();
        this.#cron();
      },
      writeDeniedReason: () => this.#writeDeniedReason(),
      staleDeniedReason: () => {
        const link = this.link;
        if (link === null || link.state === 'connected' || this.server.config.bool('replica-serve-stale-data')) return null;
        return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
      },
      clientClosed: (c) => this.#clientClosed(c),
      resetStats: () => {
        this.stats.syncFull = 0;
        this.stats.syncPartialOk = 0;
        this.stats.syncPartialErr = 0;
      },
      shutdown: async () => {
        this.#flushTurn();
        this.link?.close();
      },
    });
    server.config.onApply('repl-backlog-size', (value) => this.backlog?.resize(Number(value)));
  }

  /** Starts replicating from the `replicaof` directive, if set (after the dataset loaded). */
  start(): void {
    const directive = this.server.config.str('replicaof');
    if (directive === '') return;
    const [host, port] = directive.split(' ');
    this.replicaOf(host as string, Number(port));
  }

  /** master_repl_offset, counting this turn's stream not yet flushed. */
  get offset(): number {
    return (this.backlog?.offset ?? this.#offsetNoBacklog) + this.#turn.length;
  }

  get isReplica(): boolean {
    return this.link !== null;
  }

  // ------------------------------------------------------------------ the stream

  /** The propagate hook: one write of ours enters the stream (not on a replica: it proxies). */
  feed(dbIndex: number, argv: readonly string[]): void {
    if (this.link !== null || this.backlog === null) return;
    if (dbIndex >= 0 && dbIndex !== this.selectedDb) {
      this.#turn += encodeCommand(['SELECT', String(dbIndex)]);
      this.selectedDb = dbIndex;
    }
    this.#turn += encodeCommand(argv);
    this.#lastWriteOffset = this.offset;
  }

  /** Bytes of our master's stream that we applied: they go on unchanged (same offsets). */
  proxy(text: string): void {
    if (this.backlog === null) this.backlog = new Backlog(this.server.config.num('repl-backlog-size'), this.#offsetNoBacklog);
    this.#turn += text;
  }

  #flushTurn(): void {
    // No GETACK while clients are paused (it would move the offset): it goes after the pause.
    if (this.#ackRequested && this.server.pause.type === 0) {
      this.#ackRequested = false;
      if (this.link === null && this.backlog !== null) this.#turn += encodeCommand(['REPLCONF', 'GETACK', '*']);
    }
    const text = this.#turn;
    if (text === '' || this.backlog === null) return;
    this.#turn = '';
    this.backlog.append(text);
    for (const peer of this.peers.values()) this.sendToPeer(peer, text);
  }

  /** Stream text to one replica: written now when online, buffered while its snapshot goes out. */
  sendToPeer(peer: ReplicaPeer, text: string): void {
    const socket = peer.c.socket;
    if (socket === null || socket.destroyed) return;
    // Before its cut a replica needs nothing: the snapshot will hold it.
    if (peer.state === 'wait_bgsave') return;
    if (peer.state !== 'online') {
      peer.pending.push(text);
      peer.pendingBytes += text.length;
      if (this.#overLimit(peer, peer.pendingBytes)) this.dropPeer(peer, 'output buffer limit');
      return;
    }
    this.stats.replOutputBytes += text.length;
    socket.write(text, 'latin1');
    if (this.#overLimit(peer, socket.writableLength)) this.dropPeer(peer, 'output buffer limit');
  }

  #overLimit(peer: ReplicaPeer, bytes: number): boolean {
    return this.server.outputLimits.exceeded(peer.c, 'replica', bytes, Date.now());
  }

  /** The snapshot reached the replica: the buffered stream follows, then it is online. */
  peerOnline(peer: ReplicaPeer): void {
    peer.state = 'online';
    peer.ackTimeMs = Date.now();
    const pending = peer.pending.join('');
    peer.pending = [];
    peer.pendingBytes = 0;
    if (pending !== '') this.sendToPeer(peer, pending);
    this.server.log.notice(`Synchronization with replica ${peer.ip}:${peer.listeningPort} succeeded`);
  }

  dropPeer(peer: ReplicaPeer, why: string): void {
    this.server.log.warning(`Connection with replica ${peer.ip}:${peer.listeningPort} lost (${why}).`);
    this.peers.delete(peer.c);
    peer.c.flags |= ClientFlag.closeAsap;
    peer.c.socket?.destroy();
  }

  /** Our replicas must resync (our dataset or history changed). */
  disconnectPeers(): void {
    for (const peer of [...this.peers.values()]) this.dropPeer(peer, 'resync needed');
    this.fullSync?.cancel('replicas disconnected');
  }

  // ------------------------------------------------------------------ master side: PSYNC

  /**
   * PSYNC replid offset / SYNC from a replica. `failoverFrom` (PSYNC ... FAILOVER, with the
   * client's CLIENT LIST line) comes from our master handing its role to us: we promote
   * ourselves if its history is ours, then answer its PSYNC as any other.
   */
  sync(c: Client, request: { replid: string; offset: string; oldSync: boolean; failoverFrom?: string }): void {
    const { replid, offset: offsetText, oldSync } = request;
    if (this.peers.has(c)) return;
    if (request.failoverFrom !== undefined) {
      this.server.log.warning(`Failover request received for replid ${replid}.`);
      if (this.link === null) {
        c.addReplyError("ERR PSYNC FAILOVER can't be sent to a master.");
        return;
      }
      if (replid.toLowerCase() !== this.replid) {
        c.addReplyError('ERR PSYNC FAILOVER replid must match my replid.');
        return;
      }
      this.promote(`MASTER MODE enabled (failover request from '${request.failoverFrom}')`);
    }
    if (this.failover.state !== 'no-failover') {
      c.addReplyError("NOMASTERLINK Can't SYNC while failing over");
      return;
    }
    if (this.link !== null && this.link.state !== 'connected') {
      c.addReplyError("NOMASTERLINK Can't SYNC while not connected with my master");
      return;
    }
    const peer = this.#peerFor(c);
    peer.oldSync = oldSync;
    const want = Number(offsetText);
    if (!oldSync && this.#tryPartial(peer, replid, want)) return;
    if (!oldSync && replid !== '?') this.stats.syncPartialErr++;
    this.stats.syncFull++;
    if (this.backlog === null) {
      // A master's first replica: a fresh history (Redis: changeReplicationId, clearReplicationId2).
      if (this.link === null) this.#newHistory(false);
      this.backlog = new Backlog(this.server.config.num('repl-backlog-size'), this.#offsetNoBacklog);
    }
    peer.state = 'wait_bgsave';
    peer.waitingSinceMs = Date.now();
    this.peers.set(c, peer);
    c.flags |= ClientFlag.replica;
    this.server.log.notice(`Replica ${peer.ip}:${peer.listeningPort} asks for synchronization`);
    this.#flushReplies(c);
    FullSync.maybeStart(this);
  }

  #peerFor(c: Client): ReplicaPeer {
    const pre = preHandshake.get(c);
    const peer = new ReplicaPeer(c);
    if (pre !== undefined) Object.assign(peer, pre);
    return peer;
  }

  #tryPartial(peer: ReplicaPeer, replid: string, want: number): boolean {
    const backlog = this.backlog;
    if (backlog === null || !Number.isSafeInteger(want)) return false;
    const idOk = replid === this.replid || (replid === this.replid2 && want <= this.secondOffset);
    if (!idOk) return false;
    this.#flushTurn();
    if (!backlog.covers(want)) return false;
    peer.state = 'online';
    this.peers.set(peer.c, peer);
    peer.c.flags |= ClientFlag.replica;
    this.stats.syncPartialOk++;
    const head = peer.capaPsync2 ? `+CONTINUE ${this.replid}\r\n` : '+CONTINUE\r\n';
    peer.c.addReplyRaw(head);
    this.#flushReplies(peer.c);
    this.sendToPeer(peer, backlog.readFrom(want));
    this.server.log.notice(
      `Partial resynchronization request from ${peer.ip}:${peer.listeningPort} accepted. Sending ${this.backlog === null ? 0 : backlog.offset + 1 - want} bytes of backlog starting from offset ${want}.`,
    );
    return true;
  }

  /** Writes the client's queued replies now, ahead of the stream written straight to its socket. */
  #flushReplies(c: Client): void {
    if (c.out === '' || c.socket === null) return;
    c.socket.write(c.out, 'latin1');
    c.out = '';
  }

  /** The full sync's cut: the +FULLRESYNC line; the stream after it starts with a SELECT. */
  beginFullSync(peer: ReplicaPeer): number {
    this.#flushTurn();
    if (this.link === null) this.selectedDb = -1;
    const offset = this.offset;
    peer.state = 'send_bulk';
    if (!peer.oldSync) peer.c.socket?.write(`+FULLRESYNC ${this.replid} ${offset}\r\n`, 'latin1');
    return offset;
  }

  // ------------------------------------------------------------------ REPLCONF / WAIT

  /** REPLCONF ACK from a replica; true when the client is one. */
  ack(c: Client, offset: number): boolean {
    const peer = this.peers.get(c);
    if (peer === undefined) return false;
    if (offset > peer.ackOffset) peer.ackOffset = offset;
    peer.ackTimeMs = Date.now();
    if (this.#waiters.length > 0) this.#checkWaiters(false);
    if (this.failover.state === 'waiting-for-sync') this.server.requestBeforeSleep();
    return true;
  }

  /** REPLCONF options before SYNC/PSYNC (listening-port, ip-address, capa). */
  handshakeOption(c: Client, option: string, value: string): void {
    const peer = this.peers.get(c) ?? preHandshake.get(c) ?? {};
    if (option === 'listening-port') peer.listeningPort = Number(value);
    else if (option === 'ip-address') peer.announcedIp = value;
    else if (option === 'capa') {
      const capa = value.toLowerCase();
      if (capa === 'eof') peer.capaEof = true;
      else if (capa === 'psync2') peer.capaPsync2 = true;
    }
    if (!this.peers.has(c)) preHandshake.set(c, peer);
  }

  /** Online replicas that acknowledged at least `offset`. */
  ackedCount(offset: number): number {
    let n = 0;
    for (const peer of this.peers.values()) if (peer.state === 'online' && peer.ackOffset >= offset) n++;
    return n;
  }

  /** WAIT numreplicas timeout: blocks the client unless enough replicas already acknowledged. */
  wait(c: Client, wanted: number, timeoutMs: number): void {
    const target = this.#lastWriteOffset;
    const count = this.ackedCount(target);
    if (count >= wanted || c.has(ClientFlag.multi)) {
      c.addReplyLongLong(count);
      return;
    }
    c.flags |= ClientFlag.blocked;
    this.#waiters.push({ c, target, wanted, deadlineMs: timeoutMs === 0 ? Infinity : Date.now() + timeoutMs });
    this.#ackRequested = true;
  }

  #checkWaiters(timedOutOnly: boolean): void {
    const now = Date.now();
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      const count = this.ackedCount(w.target);
      const served = !timedOutOnly && count >= w.wanted;
      if (served || now >= w.deadlineMs) {
        w.c.addReplyLongLong(count);
        // Served by acks, WAIT's stats and latency are completed; a timeout records nothing.
        this.#endWait(w.c, { complete: served, replyNs: 0, failed: false });
      } else {
        still.push(w);
      }
    }
    this.#waiters = still;
  }

  /**
   * CLIENT UNBLOCK on a client in WAIT: it gets the acknowledged count (or the UNBLOCKED error)
   * now. False when the client is not waiting here.
   */
  unblockWait(c: Client, error: boolean): boolean {
    const w = this.#waiters.find((x) => x.c === c);
    if (w === undefined) return false;
    this.#waiters = this.#waiters.filter((x) => x !== w);
    if (error) c.addReplyError('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    else c.addReplyLongLong(this.ackedCount(w.target));
    this.#endWait(c, { complete: true, replyNs: 0, failed: true });
    return true;
  }

  /** The waiting client continues: its reply goes out, its pipelined commands run. */
  #endWait(c: Client, stats: { complete: boolean; replyNs: number; failed: boolean }): void {
    c.flags &= ~ClientFlag.blocked;
    afterUnblock(this.server, c, stats);
    c.commandDone();
    this.server.queueFlush(c);
    setImmediate(() => {
      if (this.server.clients.has(c.id) && !c.has(ClientFlag.blocked)) this.server.processInputBuffer(c);
    });
  }

  /** SHUTDOWN: every replica acknowledged our whole stream (Redis's isReadyToShutdown). */
  replicasInSync(): boolean {
    const offset = this.offset;
    for (const peer of this.peers.values()) if (peer.ackOffset !== offset) return false;
    return true;
  }

  /**
   * SHUTDOWN, before it pauses writes: REPLCONF GETACK goes out now, so the replicas' acks
   * count it (not while clients are paused: it would move the offset they wait for).
   */
  requestAckNow(): void {
    this.#ackRequested = true;
    this.#flushTurn();
  }

  /** finishShutdown's report: each lagging replica, then how many are in sync. */
  logShutdownSync(): void {
    if (this.peers.size === 0) return;
    const offset = this.offset;
    const nowSec = Math.floor(Date.now() / 1000);
    let lagging = 0;
    for (const peer of this.peers.values()) {
      if (peer.ackOffset === offset) continue;
      lagging++;
      const lag = peer.state === 'online' ? nowSec - Math.floor(peer.ackTimeMs / 1000) : 0;
      this.server.log.warning(
        `Lagging replica ${peer.ip}:${peer.listeningPort} reported offset ${offset - peer.ackOffset} behind master, lag=${lag}, state=${peer.state}.`,
      );
    }
    this.server.log.notice(`${this.peers.size - lagging} of ${this.peers.size} replicas are in sync when shutting down.`);
  }

  /** min-replicas-to-write: replicas online whose last ack is at most min-replicas-max-lag old. */
  goodReplicas(): number {
    const maxLagMs = this.server.config.num('min-replicas-max-lag') * 1000;
    const now = Date.now();
    let n = 0;
    for (const peer of this.peers.values()) {
      if (peer.state === 'online' && now - peer.ackTimeMs <= maxLagMs) n++;
    }
    return n;
  }

  /** min-replicas-to-write, read before every write command (a cell, not a map lookup). */
  readonly #minReplicas: { readonly value: number };

  #writeDeniedReason(): string | null {
    if (this.applying) return null;
    const config = this.server.config;
    if (this.link !== null) {
      return config.bool('replica-read-only') ? "READONLY You can't write against a read only replica." : null;
    }
    const minimum = this.#minReplicas.value;
    if (minimum > 0 && config.num('min-replicas-max-lag') > 0 && this.goodReplicas() < minimum) {
      return 'NOREPLICAS Not enough good replicas to write.';
    }
    return null;
  }

  // ------------------------------------------------------------------ roles

  /** REPLICAOF host port: follow a master (PSYNC with our own history first). */
  replicaOf(host: string, port: number): void {
    if (this.link === null) {
      this.server.log.notice('Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.');
    }
    this.link?.close();
    this.#flushTurn();
    this.disconnectPeers();
    this.#failWaiters();
    this.server.pause.setActiveExpire(false);
    this.server.evictor.isReplica = true;
    const cached = this.#cachedHistory();
    this.link = new MasterLink(this, host, port, cached);
    this.link.streamDb = cached.streamDb;
    this.server.config.setFromArgs('replicaof', [host, String(port)]);
    this.server.log.notice(`Connecting to MASTER ${host}:${port}`);
    this.link.start();
  }

  /** What to PSYNC with: our history (a loaded dump's, at start-up). */
  #cachedHistory(): { replid: string; offset: number; streamDb: number } {
    const loaded = this.server.replInfo.takeLoaded();
    if (loaded !== undefined && loaded.replId !== '' && loaded.offset >= 0 && this.backlog === null) {
      this.replid = loaded.replId;
      this.#offsetNoBacklog = loaded.offset;
      this.backlog = new Backlog(this.server.config.num('repl-backlog-size'), loaded.offset);
      return { replid: this.replid, offset: this.offset, streamDb: loaded.streamDb };
    }
    return { replid: this.replid, offset: this.offset, streamDb: Math.max(0, this.selectedDb) };
  }

  /**
   * REPLICAOF NO ONE, PSYNC ... FAILOVER, an aborted FAILOVER: we become a master with a new
   * history, keeping the old one as replid2; `message` is logged after (null: nothing).
   */
  promote(message: string | null): void {
    if (this.link === null) return;
    this.link.close();
    this.link = null;
    this.#newHistory(true);
    this.selectedDb = -1;
    this.server.pause.setActiveExpire(true);
    this.server.evictor.isReplica = false;
    this.server.config.setFromArgs('replicaof', ['no', 'one']);
    this.disconnectPeers();
    this.#noReplicasSinceMs = Date.now();
    if (message !== null) this.server.log.notice(message);
  }

  /**
   * DEBUG CHANGE-REPL-ID: a new history ID, the secondary one cleared (Redis's
   * changeReplicationId and clearReplicationId2). Replicas are not told.
   */
  changeReplId(): void {
    this.replid = newReplId();
    this.replid2 = ZERO_REPLID;
    this.secondOffset = -1;
  }

  /** Our master gave us a full sync: its history is now ours. */
  adoptHistory(replid: string, offset: number): void {
    this.replid = replid;
    this.replid2 = ZERO_REPLID;
    this.secondOffset = -1;
    this.#turn = '';
    this.#offsetNoBacklog = offset;
    this.backlog = new Backlog(this.server.config.num('repl-backlog-size'), offset);
  }

  /** +CONTINUE with a new replid: our master changed history (it was promoted). */
  switchHistory(replid: string): void {
    if (replid === this.replid) return;
    this.replid2 = this.replid;
    this.secondOffset = this.offset + 1;
    this.replid = replid;
    this.disconnectPeers();
  }

  #newHistory(keepOld: boolean): void {
    if (keepOld) {
      this.replid2 = this.replid;
      this.secondOffset = this.offset + 1;
    } else {
      this.replid2 = ZERO_REPLID;
      this.secondOffset = -1;
    }
    this.replid = newReplId();
    if (keepOld) {
      this.server.log.warning(`Setting secondary replication ID to ${this.replid2}, valid up to offset: ${this.secondOffset}. New replication ID is ${this.replid}`);
    }
  }

  #replInfo(): { streamDb: number; replId: string; offset: number } | null {
    if (this.backlog === null && this.link === null) return null;
    this.#flushTurn();
    const link = this.link;
    const streamDb = link === null ? Math.max(0, this.selectedDb) : (link.client?.dbIndex ?? link.streamDb);
    return { streamDb, replId: this.replid, offset: this.offset };
  }

  #failWaiters(): void {
    for (const w of this.#waiters) w.deadlineMs = 0;
    this.#checkWaiters(true);
  }

  /**
   * repl-backlog-ttl: a master whose last replica left that many seconds ago frees its backlog
   * and starts a new history (a replica never frees it: it may be promoted).
   */
  #expireBacklog(now: number): void {
    if (this.peers.size > 0 || this.link !== null || this.backlog === null) {
      this.#noReplicasSinceMs = now;
      return;
    }
    const ttlSec = this.server.config.num('repl-backlog-ttl');
    if (ttlSec === 0 || Math.floor((now - this.#noReplicasSinceMs) / 1000) <= ttlSec) return;
    this.#flushTurn();
    this.#offsetNoBacklog = this.backlog.offset;
    this.backlog = null;
    this.#newHistory(false);
    this.server.log.notice(`Replication backlog freed after ${ttlSec} seconds without connected replicas.`);
  }

  #clientClosed(c: Client): void {
    preHandshake.delete(c);
    if (this.peers.delete(c)) this.fullSync?.peerGone(c);
    this.#waiters = this.#waiters.filter((w) => w.c !== c);
  }

  // ------------------------------------------------------------------ cron

  #cron(): void {
    if (this.#waiters.length > 0) this.#checkWaiters(true);
    const now = Date.now();
    const sec = Math.floor(now / 1000);
    if (sec === this.#lastCronSec) return;
    this.#lastCronSec = sec;
    const config = this.server.config;
    this.link?.cron(now);
    FullSync.maybeStart(this);
    // A FAILOVER with a TIMEOUT keeps the offset still while it waits: no PING (as Redis).
    const quiet = this.failover.hasTimeout && this.server.pause.type !== 0;
    if (this.link === null && this.peers.size > 0 && !quiet && now - this.#lastPingMs >= config.num('repl-ping-replica-period') * 1000) {
      this.#lastPingMs = now;
      this.#turn += encodeCommand(['PING']);
    }
    this.#expireBacklog(now);
    const timeoutMs = config.num('repl-timeout') * 1000;
    for (const peer of [...this.peers.values()]) {
      if (peer.state === 'online' && now - peer.ackTimeMs > timeoutMs) this.dropPeer(peer, 'timeout');
      // A newline keeps a replica waiting for its snapshot from timing out (Redis does the same).
      else if (peer.state === 'wait_bgsave') peer.c.socket?.write('\n');
    }
    this.#flushTurn();
  }
}

/** REPLCONF options seen before a client's SYNC/PSYNC. */
const preHandshake = new WeakMap<Client, Partial<ReplicaPeer>>();

/** The replication service of `server`; the composition root (src/compose.ts) stores it in server.replication. */
export function attachReplication(server: Server): Replication {
  return new Replication(server);
}
