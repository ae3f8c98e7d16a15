// FAILOVER: a master hands its role to one of its replicas without losing writes. Writes are
// paused (as CLIENT PAUSE WRITE, a pause of its own that CLIENT UNPAUSE does not end); once the
// target replica (TO host port, or the first one found) has acknowledged the master's whole
// stream, the master becomes a replica of it and sends `PSYNC <replid> <offset> FAILOVER`, which
// makes the target promote itself and continue with it partially. A reply other than
// +CONTINUE/+FULLRESYNC makes the master a master again; TIMEOUT aborts the wait (or, with
// FORCE, fails over anyway); FAILOVER ABORT stops it at any point. States as INFO replication's
// master_failover_state shows them: no-failover, waiting-for-sync, failover-in-progress.
// Redis equivalent: failoverCommand, updateFailoverStatus, abortFailover, clearFailoverState,
// findReplica in replication.c.

import { PauseType } from '../server/pause.js';
import type { Replication, ReplicaPeer } from './replication.js';

export type FailoverState = 'no-failover' | 'waiting-for-sync' | 'failover-in-progress';

/** A FAILOVER request, its arguments already checked. */
export interface FailoverRequest {
  /** TO host port; null: any replica that catches up. */
  host: string | null;
  port: number;
  /** TIMEOUT in ms; 0: none. */
  timeoutMs: number;
  force: boolean;
}

export class Failover {
  readonly #repl: Replication;
  state: FailoverState = 'no-failover';
  #host: string | null = null;
  #port = 0;
  /** When the wait for the replica ends (unix ms); 0: no TIMEOUT. */
  #endMs = 0;
  #force = false;

  constructor(repl: Replication) {
    this.#repl = repl;
  }

  get inProgress(): boolean {
    return this.state === 'failover-in-progress';
  }

  /** A TIMEOUT was given (the master then stops its PINGs while paused, as Redis). */
  get hasTimeout(): boolean {
    return this.#endMs !== 0;
  }

  /** The peer FAILOVER TO names (Redis's findReplica: announced or connection IP, listening port). */
  findReplica(host: string, port: number): ReplicaPeer | undefined {
    const wanted = host.toLowerCase();
    for (const peer of this.#repl.peers.values()) {
      if (peer.ip.toLowerCase() === wanted && peer.listeningPort === port) return peer;
    }
    return undefined;
  }

  /** Starts waiting for the replica (the command checked everything). */
  start(request: FailoverRequest): void {
    const log = this.#repl.server.log;
    if (request.host !== null) {
      this.#host = request.host;
      this.#port = request.port;
      log.notice(`FAILOVER requested to ${request.host}:${request.port}.`);
    } else {
      log.notice('FAILOVER requested to any replica.');
    }
    this.#endMs = request.timeoutMs > 0 ? Date.now() + request.timeoutMs : 0;
    this.#force = request.force;
    this.state = 'waiting-for-sync';
    this.#repl.server.pause.pause(Infinity, PauseType.write, 'failover');
  }

  /**
   * Checks the wait (from beforeSleep and cron): the timeout, then whether the target (or any
   * replica) acknowledged our whole stream; then the master turns into its replica.
   */
  update(): void {
    if (this.state !== 'waiting-for-sync') return;
    const repl = this.#repl;
    if (this.#endMs !== 0 && this.#endMs <= Date.now()) {
      if (this.#force && this.#host !== null) {
        repl.server.log.notice(`FAILOVER to ${this.#host}:${this.#port} time out exceeded, failing over.`);
        this.#failOver(this.#host, this.#port);
      } else {
        this.abort('Replica never caught up before timeout');
      }
      return;
    }
    const offset = repl.offset;
    let target: ReplicaPeer | undefined;
    if (this.#host !== null) {
      target = this.findReplica(this.#host, this.#port);
    } else {
      for (const peer of repl.peers.values()) {
        if (peer.ackOffset !== offset) continue;
        target = peer;
        this.#host = peer.ip;
        this.#port = peer.listeningPort;
        break;
      }
    }
    if (target === undefined || target.ackOffset !== offset || this.#host === null) return;
    repl.server.log.notice(`Failover target ${this.#host}:${this.#port} is synced, failing over.`);
    this.#failOver(this.#host, this.#port);
  }

  #failOver(host: string, port: number): void {
    this.state = 'failover-in-progress';
    this.#repl.replicaOf(host, port);
  }

  /** The target answered PSYNC ... FAILOVER: accepted (true) or not (the master is one again). */
  psyncAnswered(accepted: boolean): void {
    if (this.state !== 'failover-in-progress') return;
    if (accepted) this.#clear();
    else this.abort('Failover target rejected psync request');
  }

  /** FAILOVER ABORT, a timeout or a refusal: back to no failover (a master again if demoted). */
  abort(why: string): void {
    if (this.state === 'no-failover') return;
    const log = this.#repl.server.log;
    if (this.#host !== null) log.notice(`FAILOVER to ${this.#host}:${this.#port} aborted: ${why}`);
    else log.notice(`FAILOVER to any replica aborted: ${why}`);
    if (this.state === 'failover-in-progress') this.#repl.promote(null);
    this.#clear();
  }

  #clear(): void {
    this.state = 'no-failover';
    this.#host = null;
    this.#port = 0;
    this.#endMs = 0;
    this.#force = false;
    this.#repl.server.pause.unpause('failover');
  }
}
