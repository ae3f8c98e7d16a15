// A full synchronization's payload: the fork-less snapshot engine's cut (the same one BGSAVE
// takes) serialized as RDB for the replicas waiting for it, while the master keeps serving and
// buffers the stream for them. Diskless (repl-diskless-sync yes and every replica said
// `capa eof`): RDB bytes go straight to the sockets between `$EOF:<40 random bytes>` and the
// same 40 bytes. Disk-backed: the dump is written to dbfilename, then sent as `$<length>`.
// repl-diskless-sync-delay and -max-replicas decide when a diskless sync starts.
// Redis equivalent: startBgsaveForReplication, rdbSaveToSlavesSockets, sendBulkToSlave,
// updateSlavesWaitingBgsave in replication.c / rdb.c.

import { randomBytes } from '../platform/crypto.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type { Config } from '../config/config.js';
import { snapshotOptions, type BackgroundJobs } from '../persistence/bgsave.js';
import { RdbEncoder, type RdbSink } from '../persistence/rdb/encoder.js';
import { rdbAuxInfo, rdbEncoderOptions } from '../persistence/rdb/save.js';
import type { DumpReplInfo } from '../persistence/rdb/repl-info.js';
import { RdbSnapshotWriter } from '../persistence/rdb/snapshot-writer.js';
import type { Snapshot, SnapshotVisitor } from '../snapshot/engine.js';
import type { Value } from '../store/value/types.js';
import type { Client } from '../server/client.js';
import type { Replication, ReplicaPeer } from './replication.js';

/** Unsent bytes per replica socket above which the snapshot waits for it to drain. */
const SOCKET_HIGH_WATER = 4 * 1024 * 1024;

export class FullSync {
  readonly #repl: Replication;
  #peers: ReplicaPeer[];
  readonly #snapshot: Snapshot;
  readonly #diskless: boolean;

  /** Starts a full sync for the replicas waiting for one, when the time and the engine allow. */
  static maybeStart(repl: Replication): void {
    if (repl.fullSync !== null) return;
    const waiting = [...repl.peers.values()].filter((p) => p.state === 'wait_bgsave');
    if (waiting.length === 0) return;
    const config = repl.server.config;
    const diskless = config.bool('repl-diskless-sync') && waiting.every((p) => p.capaEof && !p.oldSync);
    if (diskless) {
      const delayMs = config.num('repl-diskless-sync-delay') * 1000;
      const max = config.num('repl-diskless-sync-max-replicas');
      const oldest = Math.min(...waiting.map((p) => p.waitingSinceMs));
      const enough = max > 0 && waiting.length >= max;
      if (!enough && Date.now() - oldest < delayMs) return;
    }
    const jobs = repl.server.persistence?.jobs;
    if (jobs === undefined) {
      for (const peer of waiting) repl.dropPeer(peer, 'no snapshot engine (persistence not attached)');
      return;
    }
    // One background job at a time (Redis: one child); cron retries when it ends.
    if (jobs.running !== null) return;
    repl.fullSync = new FullSync(repl, jobs, waiting, diskless);
  }

  private constructor(repl: Replication, jobs: BackgroundJobs, peers: ReplicaPeer[], diskless: boolean) {
    this.#repl = repl;
    this.#peers = peers;
    this.#diskless = diskless;
    const server = repl.server;
    const config = server.config;
    for (const peer of peers) repl.beginFullSync(peer);
    let visitor: SnapshotVisitor;
    let send: () => Promise<void>;
    if (diskless) {
      const mark = randomBytes(20).toString('hex');
      for (const peer of peers) peer.c.socket?.write(`$EOF:${mark}\r\n`, 'latin1');
      const sockets = (): Socket[] => this.#sockets();
      visitor = new SocketVisitor(server.config, { sockets, mark, replInfo: server.replInfo, functionCodes: server.functionCodes() });
      send = () => Promise.resolve();
      server.log.notice(`Starting BGSAVE for SYNC with target: replicas sockets (${peers.length} replicas)`);
    } else {
      const writer = new RdbSnapshotWriter(config, { dir: config.str('dir'), name: config.str('dbfilename') },
        { aofBase: false, replInfo: server.replInfo, functionCodes: server.functionCodes() });
      visitor = writer;
      send = () => this.#sendFile(join(config.str('dir'), config.str('dbfilename')));
      server.log.notice('Starting BGSAVE for SYNC with target: disk');
    }
    this.#snapshot = jobs.engine.start(visitor, snapshotOptions(server));
    jobs.claim('rdb', this.#snapshot);
    this.#snapshot.done.then(send).then(
      () => this.#finish(null),
      (error: unknown) => this.#finish(error instanceof Error ? error : new Error(String(error))),
    );
  }

  #sockets(): Socket[] {
    const out: Socket[] = [];
    for (const peer of this.#peers) if (peer.c.socket !== null && !peer.c.socket.destroyed) out.push(peer.c.socket);
    return out;
  }

  /** The dump to each replica (send_bulk from now on). */
  async #sendFile(path: string): Promise<void> {
    const data = await readFile(path);
    for (const peer of this.#peers) peer.bulkStarted = true;
    for (const socket of this.#sockets()) {
      socket.write(`$${data.length}\r\n`, 'latin1');
      socket.write(data);
    }
  }

  /**
   * The payload is out: diskless replicas are online now, disk-backed ones once their socket
   * took the whole file (each on its own: a slow one does not hold the next sync back).
   */
  #finish(error: Error | null): void {
    const repl = this.#repl;
    repl.fullSync = null;
    for (const peer of this.#peers) {
      if (!repl.peers.has(peer.c)) continue;
      if (error !== null) repl.dropPeer(peer, `full sync failed: ${error.message}`);
      else if (this.#diskless || peer.c.socket === null) repl.peerOnline(peer, this.#diskless);
      else {
        void drainedOrClosed(peer.c.socket).then(() => {
          if (repl.peers.get(peer.c) === peer) repl.peerOnline(peer, false);
        });
      }
    }
    this.#peers = [];
    FullSync.maybeStart(repl);
  }

  /** A replica of this sync disconnected; with none left the snapshot stops. */
  peerGone(c: Client): void {
    this.#peers = this.#peers.filter((p) => p.c !== c);
    if (this.#peers.length === 0) this.cancel('no replica left');
  }

  cancel(reason: string): void {
    this.#snapshot.cancel(new Error(reason));
  }
}

function drainedOrClosed(socket: Socket): Promise<void> {
  if (socket.writableLength === 0 || socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('drain', resolve);
    socket.once('close', resolve);
  });
}

/** Streams the cut as RDB into the replicas' sockets, pausing while they are backed up. */
class SocketVisitor implements SnapshotVisitor, RdbSink {
  readonly #encoder: RdbEncoder;
  readonly #sockets: () => Socket[];
  readonly #mark: string;

  constructor(config: Config, options: { sockets: () => Socket[]; mark: string; replInfo: DumpReplInfo; functionCodes: readonly string[] }) {
    this.#sockets = options.sockets;
    this.#mark = options.mark;
    this.#encoder = new RdbEncoder(this, rdbEncoderOptions(config));
    this.#encoder.writeHeader();
    this.#encoder.writeDefaultAux(rdbAuxInfo(false));
    options.replInfo.writeAux((name, value) => this.#encoder.writeAux(name, value));
    // The function libraries, before the keys (as in a dump).
    for (const code of options.functionCodes) this.#encoder.writeFunction(code);
  }

  write(chunk: Buffer): void {
    const sockets = this.#sockets();
    if (sockets.length === 0) throw new Error('no replica left');
    for (const socket of sockets) socket.write(chunk);
  }

  beginDb(dbIndex: number, keyCount: number, expireCount: number): void {
    this.#encoder.writeSelectDb(dbIndex);
    this.#encoder.writeResizeDb(keyCount, expireCount);
  }

  key(_dbIndex: number, key: string, value: Value, expireAtMs: number | null): void {
    this.#encoder.writeKey(key, value, expireAtMs);
  }

  wantsMore(): boolean {
    return this.#sockets().every((s) => s.writableLength < SOCKET_HIGH_WATER);
  }

  drained(): Promise<void> {
    const slow = this.#sockets().filter((s) => s.writableLength >= SOCKET_HIGH_WATER);
    return Promise.all(
      slow.map((s) => new Promise<void>((resolve) => {
        s.once('drain', resolve);
        s.once('close', resolve);
      })),
    ).then(() => undefined);
  }

  end(): Promise<void> {
    this.#encoder.writeEof();
    for (const socket of this.#sockets()) socket.write(this.#mark, 'latin1');
    return Promise.resolve();
  }

  abort(): void {
    // The replicas of a failed sync are dropped by FullSync#finish.
  }
}
