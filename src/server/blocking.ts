// Clients blocked on list and sorted-set keys (BLPOP, BLMOVE, BLMPOP, BZPOPMIN, BZMPOP...):
// the registry of who waits on which (db, key), FIFO per key, the ready-key queue the keyspace
// fills, serving after each top-level command, timeouts, and cleanup on disconnect.
// It never pops or replies by itself: the blocking command hands in a `serve` callback that
// does the pop, the reply and the propagation. Redis equivalent: blocked.c (blockForKeys,
// signalKeyAsReady, handleClientsBlockedOnKeys, unblockClient, replyToBlockedClientTimedOut)
// and the timeout half of timeout.c.
//
// Flow:
//   1. A blocking command finds nothing to pop and calls block(c, ...): the client gets
//      ClientFlag.blocked (its input loop stops) and joins each key's FIFO queue.
//   2. A write creates a list or zset key: the keyspace's keyReady hook queues (db, key) once,
//      only when somebody waits on it.
//   3. After the top-level command (processCommand, after call()), handleReadyKeys() serves the
//      queued keys in order; each key serves its waiters first-blocked-first-served while it has
//      elements of the right type. A pop that creates another key (BLMOVE) queues that key too.
//   4. A served or timed-out client's buffered commands run on the next check phase
//      (setImmediate), like Redis's processUnblockedClients in beforeSleep.

import { ListValue, ZSetValue } from '../store/value/types.js';
import type { Database, KeyspaceHooks } from '../store/keyspace.js';
import { parseDouble } from '../util/numbers.js';
import { ClientFlag, type Client } from './client.js';
import type { Server } from './server.js';
import type { CommandContext } from '../commands/context.js';
import { afterUnblock } from '../observe/calls.js';
import { TIMEOUT_NEGATIVE } from '../commands/errors.js';

/** What a blocked client waits for: a list key, a sorted-set key or new stream entries. */
export type BlockedType = 'list' | 'zset' | 'stream';

export interface BlockOptions {
  keys: readonly string[];
  /** Absolute unix time in ms at which the client times out; 0 waits forever. */
  timeoutAtMs: number;
  type: BlockedType;
  /**
   * Pops from `key` (which exists and holds a non-empty value of `type`) for the client, replies
   * to it and propagates the non-blocking form with server.propagate(). The client is already
   * unblocked when this runs.
   */
  serve: (c: Client, key: string) => void;
  /**
   * Streams: called while the client is still blocked when `key` was written (or deleted);
   * true when serve() should run now (new entries, or an error to reply), false to keep waiting.
   */
  ready?: (c: Client, key: string) => boolean;
}

interface BlockState {
  dbIndex: number;
  keys: string[];
  type: BlockedType;
  timeoutAtMs: number;
  timer: NodeJS.Timeout | null;
  serve: (c: Client, key: string) => void;
  ready: ((c: Client, key: string) => boolean) | null;
}

/** setTimeout's largest delay; longer timeouts re-arm. */
const TIMER_DELAY_MAX_MS = 2 ** 31 - 1;

export class Blocking implements KeyspaceHooks {
  readonly #server: Server;
  /** dbIndex -> key -> clients waiting, oldest first. */
  readonly #waiters = new Map<number, Map<string, Client[]>>();
  readonly #states = new Map<Client, BlockState>();
  /** Keys that became ready since the last handleReadyKeys(), in signal order, deduplicated. */
  #ready: { dbIndex: number; key: string }[] = [];
  #readySet = new Map<number, Set<string>>();
  /** Clients unblocked whose pipelined input has not been processed yet. */
  #unblocked: Client[] = [];
  #unblockedScheduled = false;
  /** Clients blocked on streams: while 0, keyModified costs one comparison. */
  #streamBlocked = 0;

  constructor(server: Server) {
    this.#server = server;
    server.keyspace.addHooks(this);
    server.addHooks({
      clientClosed: (c) => this.#forget(c),
      resetClient: (c) => this.#forget(c),
    });
  }

  /** Number of clients blocked on keys (INFO blocked_clients counts the flag instead). */
  get blockedCount(): number {
    return this.#states.size;
  }

  /** Blocks `c` on keys of its current db. The caller has replied nothing. */
  block(c: Client, options: BlockOptions): void {
    const keys = [...new Set(options.keys)];
    const state: BlockState = {
      dbIndex: c.dbIndex,
      keys,
      type: options.type,
      timeoutAtMs: options.timeoutAtMs,
      timer: null,
      serve: options.serve,
      ready: options.ready ?? null,
    };
    if (options.type === 'stream') this.#streamBlocked++;
    let byKey = this.#waiters.get(c.dbIndex);
    if (byKey === undefined) {
      byKey = new Map();
      this.#waiters.set(c.dbIndex, byKey);
    }
    for (const key of keys) {
      const queue = byKey.get(key);
      if (queue === undefined) byKey.set(key, [c]);
      else queue.push(c);
    }
    this.#states.set(c, state);
    c.flags |= ClientFlag.blocked;
    c.blockedOn = state;
    if (state.timeoutAtMs > 0) this.#armTimer(c, state);
  }

  isBlocked(c: Client): boolean {
    return this.#states.has(c);
  }

  /**
   * CLIENT UNBLOCK: ends the wait with the timeout reply, or with an UNBLOCKED error when
   * `error`. False when the client is not blocked on keys.
   */
  unblockByRequest(c: Client, error: boolean): boolean {
    if (!this.#states.has(c)) return false;
    this.#unblock(c);
    if (error) c.addReplyError('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    else c.addReplyNullArray();
    // Redis 7.0 completes the command's stats here and counts it failed, error or not.
    afterUnblock(this.#server, c, { complete: true, replyNs: 0, failed: true });
    this.#afterUnblock(c);
    return true;
  }

  /**
   * REPLICAOF: every client blocked on keys gets `error` and is closed after it (Redis's
   * disconnectAllBlockedClients: the instance's state changed under them).
   */
  disconnectAll(error: string): void {
    for (const c of [...this.#states.keys()]) {
      this.#unblock(c);
      c.addReplyError(error);
      c.flags |= ClientFlag.closeAfterReply;
      afterUnblock(this.#server, c, { complete: false, replyNs: 0, failed: false });
      this.#afterUnblock(c);
    }
  }

  // ------------------------------------------------------------------ keyspace hooks

  /** Streams wake on any write to the key (XADD, XGROUP DESTROY, DEL...), as Redis signals them. */
  keyModified(db: Database, key: string): void {
    if (this.#streamBlocked === 0) return;
    this.keyReady(db, key);
  }

  keyReady(db: Database, key: string): void {
    if (this.#waiters.get(db.id)?.has(key) !== true) return;
    let keys = this.#readySet.get(db.id);
    if (keys === undefined) {
      keys = new Set();
      this.#readySet.set(db.id, keys);
    }
    if (keys.has(key)) return;
    keys.add(key);
    this.#ready.push({ dbIndex: db.id, key });
  }

  /** SWAPDB: clients stay blocked on their db index, whose keys may now be ready. */
  dbSwapped(a: Database, b: Database): void {
    for (const db of [a, b]) {
      const byKey = this.#waiters.get(db.id);
      if (byKey === undefined) continue;
      for (const key of byKey.keys()) {
        this.keyReady(db, key);
      }
    }
  }

  // ------------------------------------------------------------------ serving

  /**
   * Serves clients blocked on keys that became ready, until no key is ready (serving can make
   * more keys ready). Called after every top-level command; cheap when nothing is ready.
   */
  handleReadyKeys(): void {
    while (this.#ready.length !== 0) {
      const batch = this.#ready;
      this.#ready = [];
      this.#readySet = new Map();
      for (const { dbIndex, key } of batch) this.#serveKey(dbIndex, key);
    }
  }

  #serveKey(dbIndex: number, key: string): void {
    const queue = this.#waiters.get(dbIndex)?.get(key);
    if (queue === undefined) return;
    const ks = this.#server.keyspace;
    const db = ks.db(dbIndex);
    // A snapshot: clients served here leave the queue while we walk it.
    for (const c of [...queue]) {
      const state = this.#states.get(c);
      if (state === undefined) continue;
      ks.now = Date.now();
      if (state.ready !== null) {
        if (state.ready(c, key)) this.#serveClient(c, state, key);
        continue;
      }
      const value = ks.peek(db, key);
      if (value === undefined) continue;
      const type = value instanceof ListValue ? 'list' : value instanceof ZSetValue ? 'zset' : null;
      if (type === null || type !== state.type) continue;
      this.#serveClient(c, state, key);
    }
  }

  /** Unblocks and serves one client, completing its command's stats (observe/calls.ts). */
  #serveClient(c: Client, state: BlockState, key: string): void {
    const stats = this.#server.stats;
    const errors = stats.errorReplies;
    const start = performance.now();
    this.#unblock(c);
    state.serve(c, key);
    const replyNs = (performance.now() - start) * 1e6;
    afterUnblock(this.#server, c, { complete: true, replyNs, failed: stats.errorReplies !== errors });
    // An error served here (NOGROUP) was this command's: the next command does not fail by it.
    stats.errorRepliesAtLastCall = stats.errorReplies;
    this.#afterUnblock(c);
  }

  // ------------------------------------------------------------------ unblocking

  #armTimer(c: Client, state: BlockState): void {
    const delayMs = Math.max(0, Math.min(state.timeoutAtMs - Date.now(), TIMER_DELAY_MAX_MS));
    state.timer = setTimeout(() => {
      state.timer = null;
      if (this.#states.get(c) !== state) return;
      if (Date.now() < state.timeoutAtMs) {
        this.#armTimer(c, state);
        return;
      }
      this.#unblock(c);
      c.addReplyNullArray();
      afterUnblock(this.#server, c, { complete: false, replyNs: 0, failed: false });
      this.#afterUnblock(c);
    }, delayMs);
  }

  /** Removes the client from every queue and clears its blocked state; no reply. */
  #unblock(c: Client): void {
    const state = this.#states.get(c);
    if (state === undefined) return;
    this.#states.delete(c);
    if (state.type === 'stream') this.#streamBlocked--;
    if (state.timer !== null) clearTimeout(state.timer);
    const byKey = this.#waiters.get(state.dbIndex);
    for (const key of state.keys) {
      const queue = byKey?.get(key);
      if (queue === undefined) continue;
      const index = queue.indexOf(c);
      if (index >= 0) queue.splice(index, 1);
      if (queue.length === 0) byKey?.delete(key);
    }
    if (byKey?.size === 0) this.#waiters.delete(state.dbIndex);
    c.flags &= ~ClientFlag.blocked;
    c.blockedOn = null;
    // The reply about to be written is the blocked command's: CLIENT REPLY OFF/SKIP drop it.
    if (c.replyOff || c.replySkip) c.beginSilence();
  }

  /** Disconnect or RESET: drop the wait silently. */
  #forget(c: Client): void {
    c.blockedCall = null;
    this.#unblock(c);
  }

  /** The reply goes out with the next flush; buffered commands run on the next check phase. */
  #afterUnblock(c: Client): void {
    c.endSilence();
    c.commandDone();
    this.#server.queueFlush(c);
    this.#unblocked.push(c);
    if (this.#unblockedScheduled) return;
    this.#unblockedScheduled = true;
    setImmediate(() => this.#processUnblocked());
  }

  #processUnblocked(): void {
    this.#unblockedScheduled = false;
    const clients = this.#unblocked;
    this.#unblocked = [];
    for (const c of clients) {
      if (c.has(ClientFlag.blocked | ClientFlag.closeAsap)) continue;
      if (!this.#server.clients.has(c.id)) continue;
      this.#server.processInputBuffer(c);
    }
  }
}

// ------------------------------------------------------------------ timeout argument

/**
 * Parses a blocking command's timeout in seconds (a float, as Redis's strtold reads it) into
 * an absolute unix time in ms, 0 meaning forever. Replies Redis 7.0's error and returns null.
 * 7.0 converts ceil(seconds*1000) to a 64-bit integer without a range check, so infinities and
 * values of 2^63 ms or more wrap negative and report "timeout is negative"; smaller huge values
 * block (for practical purposes) forever.
 */
export function timeoutOrReply(c: CommandContext, text: string): number | null {
  const ms = timeoutMs(text);
  if (ms === null) {
    c.addReplyError('ERR timeout is not a float or out of range');
    return null;
  }
  if (ms < 0n || ms >= 2n ** 63n) {
    c.addReplyError(TIMEOUT_NEGATIVE);
    return null;
  }
  if (ms === 0n) return 0;
  return Math.min(Date.now() + Number(ms), Number.MAX_SAFE_INTEGER);
}

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX_FLOAT_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/**
 * ceil(seconds * 1000) as an exact integer (decimal input is scaled exactly, as a long double
 * would hold it near 2^63), or null when strtold would refuse the text (NaN included).
 */
function timeoutMs(text: string): bigint | null {
  const seconds = parseDouble(text);
  const decimal = seconds === null ? null : DECIMAL_RE.exec(text);
  if (seconds !== null && decimal !== null) {
    const intDigits = decimal[2] ?? '';
    const fracDigits = decimal[3] ?? '';
    const digits = BigInt((intDigits + fracDigits).replace(/^0+/, '') || '0');
    const exponent = Number(decimal[4] ?? '0') - fracDigits.length + 3;
    if (digits === 0n) return 0n;
    if (exponent > 30) return decimal[1] === '-' ? -(2n ** 64n) : 2n ** 64n;
    const magnitude = exponent >= 0 ? digits * 10n ** BigInt(exponent) : ceilDiv(digits, exponent);
    return decimal[1] === '-' ? -floorDiv(digits, exponent, magnitude) : magnitude;
  }
  if (seconds !== null) return seconds > 0 ? 2n ** 64n : -(2n ** 64n); // inf / -inf
  const hex = HEX_FLOAT_RE.exec(text);
  if (hex === null) return null;
  const intDigits = hex[2] ?? '';
  const fracDigits = hex[3] ?? '';
  if (intDigits.length + fracDigits.length === 0) return null;
  let value = 0;
  for (const d of intDigits + fracDigits) value = value * 16 + parseInt(d, 16);
  value *= 2 ** (Number(hex[4] ?? '0') - 4 * fracDigits.length);
  const ms = Math.ceil((hex[1] === '-' ? -value : value) * 1000);
  if (!Number.isFinite(ms)) return ms > 0 ? 2n ** 64n : -(2n ** 64n);
  return BigInt(ms);
}

/** ceil(digits / 10^-exponent) for a negative exponent. */
function ceilDiv(digits: bigint, exponent: number): bigint {
  if (exponent < -400) return 1n;
  const divisor = 10n ** BigInt(-exponent);
  return (digits + divisor - 1n) / divisor;
}

/** For a negative value, ceil(-x) = -floor(x): floor(digits * 10^exponent). */
function floorDiv(digits: bigint, exponent: number, ceiled: bigint): bigint {
  if (exponent >= 0) return ceiled;
  if (exponent < -400) return 0n;
  return digits / 10n ** BigInt(-exponent);
}

/**
 * True when a blocking command must not block and behaves like its non-blocking form instead:
 * inside MULTI/EXEC (Redis's CLIENT_DENY_BLOCKING) and for internal clients (AOF loading).
 */
export function blockingDenied(c: CommandContext): boolean {
  return c.has(ClientFlag.multi) || c.internal;
}
