// CLIENT PAUSE / CLIENT UNPAUSE (and FAILOVER's pause of writes): while paused, commands that would be refused wait (Redis
// "postpones" the client: it counts as blocked and its later pipelined commands wait behind
// it) and run in arrival order when the pause ends, by timeout or CLIENT UNPAUSE. ALL holds
// every command, WRITE holds commands flagged write or may-replicate (EVAL, PUBLISH...) and an
// EXEC whose transaction holds one. The dataset stays static while paused: keys are not
// expired (an expired key reads as missing but is not deleted) and nothing is evicted.
// Redis equivalent: pauseClients/unpauseClients and the BLOCKED_POSTPONE path in networking.c,
// server.c and blocked.c.

import { CommandFlag, type Command } from '../commands/table.js';
import { ClientFlag, type Client } from './client.js';
import type { Server } from './server.js';

/** The longest delay a Node timer takes. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Commands Redis 7.0 flags may_replicate (internal: COMMAND INFO does not list the flag, so
 * the generated spec lacks it). CLIENT PAUSE WRITE holds them with the write commands.
 */
const MAY_REPLICATE = new Set(['eval', 'evalsha', 'fcall', 'publish', 'spublish', 'pfcount']);

function maybeReplicates(flags: number, name: string): boolean {
  return (flags & (CommandFlag.write | CommandFlag.mayReplicate)) !== 0 || MAY_REPLICATE.has(name);
}

export const PauseType = { none: 0, write: 1, all: 2 } as const;

/**
 * Who asked for a pause: CLIENT PAUSE, a FAILOVER in progress, or a SHUTDOWN waiting for its
 * replicas (Redis's pause purposes). Each
 * has its own type and end; the pause in force is the strictest type and the latest end, and
 * CLIENT UNPAUSE ends only the client's.
 */
export type PausePurpose = 'client' | 'failover' | 'shutdown';

export class ClientPause {
  /** PauseType of the pause in force; none costs dispatch one integer test. */
  type: number = PauseType.none;
  endMs = 0;
  readonly #server: Server;
  #timer: NodeJS.Timeout | null = null;
  readonly #purposes = new Map<PausePurpose, { type: number; endMs: number }>();
  /** Postponed clients with the command each will run first, in arrival order. */
  #postponed: { c: Client; argv: string[] }[] = [];
  /** Keyspace.activeExpire before the pause (false while loading or on a replica). */
  #expireBefore = true;

  /** The executor's entry points, passed in by the server (dispatch.ts imports this module's
   * users, so importing it here would close a cycle). */
  readonly #execute: (server: Server, c: Client, argv: string[]) => unknown;
  readonly #find: (server: Server, argv: readonly string[]) => Command | undefined;

  constructor(
    server: Server,
    executor: {
      execute: (server: Server, c: Client, argv: string[]) => unknown;
      find: (server: Server, argv: readonly string[]) => Command | undefined;
    },
  ) {
    this.#server = server;
    this.#execute = executor.execute;
    this.#find = executor.find;
    server.addHooks({
      clientClosed: (c) => {
        this.#postponed = this.#postponed.filter((p) => p.c !== c);
      },
      closed: () => this.#clearTimer(),
    });
  }

  /**
   * Pauses until `endMs` (unix ms; Infinity: until unpaused); a pause of the same purpose in
   * force keeps the later end and the stricter type.
   */
  pause(endMs: number, type: number, purpose: PausePurpose = 'client'): void {
    const current = this.#purposes.get(purpose);
    if (current === undefined) this.#purposes.set(purpose, { type, endMs });
    else this.#purposes.set(purpose, { type: Math.max(current.type, type), endMs: Math.max(current.endMs, endMs) });
    this.#update();
  }

  /**
   * Sets Keyspace.activeExpire (replication turns it off on a replica): while paused, it is
   * what expiry goes back to when the pause ends.
   */
  setActiveExpire(value: boolean): void {
    if (this.type === PauseType.none) this.#server.keyspace.activeExpire = value;
    else this.#expireBefore = value;
  }

  /** Ends the pause of `purpose` (CLIENT UNPAUSE: the client's; the end of a FAILOVER: its own). */
  unpause(purpose: PausePurpose = 'client'): void {
    if (this.#purposes.delete(purpose)) this.#update();
  }

  /**
   * Recomputes the pause in force from the purposes' and arms a timer for the next end. When
   * it ends, or gets less strict, the postponed commands run again (and may wait again).
   */
  #update(): void {
    this.#clearTimer();
    const before = this.type;
    let type: number = PauseType.none;
    let endMs = 0;
    let nextEndMs = Infinity;
    for (const p of this.#purposes.values()) {
      type = Math.max(type, p.type);
      endMs = Math.max(endMs, p.endMs);
      nextEndMs = Math.min(nextEndMs, p.endMs);
    }
    if (before === PauseType.none && type !== PauseType.none) {
      this.#expireBefore = this.#server.keyspace.activeExpire;
      this.#server.keyspace.activeExpire = false;
    } else if (before !== PauseType.none && type === PauseType.none) {
      this.#server.keyspace.activeExpire = this.#expireBefore;
    }
    this.type = type;
    this.endMs = endMs;
    if (nextEndMs !== Infinity) this.#arm(nextEndMs);
    if (type < before) this.#release();
  }

  /** A timer for the next end (re-armed when it is beyond what one timer can wait). */
  #arm(endMs: number): void {
    const delay = Math.max(0, endMs - Date.now());
    this.#timer = setTimeout(() => {
      const now = Date.now();
      if (now < endMs) {
        this.#arm(endMs);
        return;
      }
      for (const [purpose, p] of this.#purposes) if (p.endMs <= now) this.#purposes.delete(purpose);
      this.#update();
    }, Math.min(delay, MAX_TIMER_MS));
  }

  /** Runs the postponed commands, each client's pipeline in turn. */
  #release(): void {
    const postponed = this.#postponed;
    this.#postponed = [];
    for (const { c } of postponed) c.flags &= ~ClientFlag.blocked;
    // As Redis (unblocked clients run in beforeSleep): after the current client's batch.
    setImmediate(() => this.#runPostponed(postponed));
  }

  #runPostponed(postponed: { c: Client; argv: string[] }[]): void {
    const server = this.#server;
    for (const { c, argv } of postponed) {
      if (!server.clients.has(c.id) || c.has(ClientFlag.closeAsap)) continue;
      if (c.has(ClientFlag.blocked)) {
        // Paused again by an earlier postponed client: wait again, in the same order.
        this.#postponed.push({ c, argv });
        continue;
      }
      this.#execute(server, c, argv);
      if (c.has(ClientFlag.blocked)) server.queueFlush(c);
      else server.processInputBuffer(c);
    }
  }

  /** Whether `cmd` from `c` must wait for the pause to end (dispatch asks only while paused). */
  holds(c: Client, cmd: Command): boolean {
    if (this.type === PauseType.all) return true;
    if (maybeReplicates(cmd.flags, cmd.fullName)) return true;
    if (cmd.fullName !== 'exec' || !c.has(ClientFlag.multi)) return false;
    return c.queue.some((q) => {
      const queued = this.#find(this.#server, q.argv);
      return queued !== undefined && maybeReplicates(queued.flags, queued.fullName);
    });
  }

  /** Blocks `c` until the pause ends; `argv` runs first then. */
  postpone(c: Client, argv: string[]): void {
    c.flags |= ClientFlag.blocked;
    this.#postponed.push({ c, argv });
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
