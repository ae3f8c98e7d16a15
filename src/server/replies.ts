// Writing replies, once per event-loop turn: clients with output are queued, one setImmediate
// runs beforeSleep, which first runs the persistence gates (the AOF write, and its fsync for
// appendfsync always, "log before reply") and then hands each client's output to its socket in
// one write, applying client-output-buffer-limit and back-pressure. Replies a gate holds back
// keep their order. Redis equivalent: beforeSleep's handleClientsWithPendingWrites and
// writeToClient (networking.c), checkClientOutputBufferLimits.

import type { Logger } from '../observe/log.js';
import { formatClientInfo } from '../commands/client-info.js';
import { ClientFlag, type Client } from './client.js';
import { OUTPUT_PAUSE_BYTES, type OutputLimits } from './output-limits.js';
import type { ServerStats } from './stats.js';

export interface ReplyWriterOptions {
  stats: ServerStats;
  outputLimits: OutputLimits;
  log: Logger;
  /** The beforeSleep hooks: a promise when replies must wait (durability), else null. */
  beforeSleepGate: () => Promise<void> | null;
}

export class ReplyWriter {
  readonly #stats: ServerStats;
  readonly #outputLimits: OutputLimits;
  readonly #log: Logger;
  readonly #gate: () => Promise<void> | null;
  #pending: Client[] = [];
  /** Clients with reply batches held by a beforeSleep gate, and how many batches. */
  #holding = new Map<Client, number>();
  #flushScheduled = false;

  constructor(options: ReplyWriterOptions) {
    this.#stats = options.stats;
    this.#outputLimits = options.outputLimits;
    this.#log = options.log;
    this.#gate = options.beforeSleepGate;
  }

  /** Marks a client as having output; one beforeSleep per turn writes all of them. */
  queueFlush(c: Client): void {
    if (c.out.length === 0 && !c.has(ClientFlag.closeAfterReply)) return;
    if (!c.pendingFlush) {
      c.pendingFlush = true;
      this.#pending.push(c);
    }
    this.requestBeforeSleep();
  }

  /** Schedules this turn's beforeSleep (once), even with no reply to write. */
  requestBeforeSleep(): void {
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.beforeSleep());
    }
  }

  /** Cron: clients still queued with output get a flush scheduled. */
  requeuePending(): void {
    for (const c of this.#pending) if (c.out.length !== 0) this.queueFlush(c);
  }

  /** Redis's beforeSleep: persistence first, then replies ("log before reply"). */
  beforeSleep(): void {
    this.#flushScheduled = false;
    const pending = this.#pending;
    this.#pending = [];
    const gate = this.#gate();
    if (gate === null) {
      for (const c of pending) {
        // A client with replies still held behind an earlier gate keeps its new output queued
        // behind them; the held batch writes it (replies never overtake one another).
        if (this.#holding.has(c)) c.pendingFlush = false;
        else this.writeNow(c);
      }
      return;
    }
    // Replies whose writes are not yet durable wait for the gate (appendfsync always). Their
    // text is captured now, so replies produced meanwhile are ordered after them. Gates resolve
    // in the order they were created (the AOF's fsyncs are sequential).
    const held = pending.map((c) => ({ c, out: c.out, close: c.has(ClientFlag.closeAfterReply) }));
    for (const c of pending) {
      c.out = '';
      c.pendingFlush = false;
      this.#holding.set(c, (this.#holding.get(c) ?? 0) + 1);
    }
    const release = (): void => {
      for (const h of held) this.#writeHeld(h.c, h.out, h.close);
    };
    gate.then(release, release);
  }

  #writeHeld(c: Client, out: string, close: boolean): void {
    const count = (this.#holding.get(c) ?? 1) - 1;
    if (count === 0) this.#holding.delete(c);
    else this.#holding.set(c, count);
    if (count === 0) {
      c.out = out + c.out;
      if (close) c.flags |= ClientFlag.closeAfterReply;
      this.writeNow(c);
      return;
    }
    // A later batch is still held: write only this batch, leaving newer output queued.
    const newer = c.out;
    c.out = out;
    if (close) c.flags |= ClientFlag.closeAfterReply;
    this.writeNow(c);
    c.out = newer;
  }

  /** Hands the client's output to its socket now (beforeSleep, shutdown, a failed SHUTDOWN). */
  writeNow(c: Client): void {
    c.pendingFlush = false;
    const socket = c.socket;
    if (socket === null || socket.destroyed) {
      c.out = '';
      return;
    }
    // Pending output = bytes the socket has not sent yet plus replies not yet handed to it.
    const cls = c.has(ClientFlag.pubsub) ? 'pubsub' : 'normal';
    if (this.#outputLimits.exceeded(c, cls, socket.writableLength + c.out.length, Date.now())) {
      this.#log.warning(
        `Client ${formatClientInfo(c, c)} scheduled to be closed ASAP for overcoming of output buffer limits.`,
      );
      c.out = '';
      c.flags |= ClientFlag.closeAsap;
      socket.destroy();
      return;
    }
    if (c.out.length !== 0) {
      this.#stats.netOutputBytes += c.out.length;
      this.#stats.writesProcessed++;
      socket.write(c.out, 'latin1');
      c.out = '';
      // Back-pressure: a client that does not read its replies is not read from either, so a
      // pipelining slow reader holds at most this much output plus one read's worth.
      if (socket.writableLength > OUTPUT_PAUSE_BYTES && !socket.isPaused()) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    }
    if (c.has(ClientFlag.closeAfterReply)) {
      c.flags |= ClientFlag.closeAsap;
      // Redis closes the descriptor once the reply is written, without waiting for the peer's
      // end: destroy when the output is flushed, so 'close' frees the client now.
      socket.end(() => socket.destroy());
    }
  }
}
