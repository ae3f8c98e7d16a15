// The one propagation stream: every write leaves call() here as a deterministic command with
// the db it ran in, wrapped in MULTI ... EXEC when it is part of a block (EXEC of a MULTI, and
// later a script's effects), and goes to every consumer in the same order: the AOF
// (persistence/aof/writer.ts) and the replication stream (replication/replication.ts). Each
// consumer emits SELECT once per db change of its own output (Redis tracks aof_selected_db and
// slaveseldb separately too: the AOF restarts with a rewrite, a replica stream with a full
// sync); the replication consumer counts master_repl_offset in bytes of that RESP stream.
// Each command has a target (the AOF, the replicas, or both): a script's redis.set_repl chooses
// it for the commands the script runs next; a command whose targets are all inactive is not
// propagated at all (so it does not count towards a block's MULTI/EXEC either).
// Redis equivalent: propagateNow / alsoPropagate / shouldPropagate / propagatePendingCommands
// in server.c.

export type PropagateFn = (dbIndex: number, argv: readonly string[]) => void;

/** Where a command goes (Redis's PROPAGATE_AOF / PROPAGATE_REPL, the REPL_* of scripts). */
export const PropagateTarget = { none: 0, aof: 1, replicas: 2, all: 3 } as const;

export interface PropagationConsumer {
  fn: PropagateFn;
  /** PropagateTarget.aof or .replicas (all: gets every command). */
  target: number;
  /** Whether it takes commands now (AOF on, a backlog to feed); absent: always. */
  active?: () => boolean;
}

export class PropagationStream {
  /** The consumers, as bound functions (see Keyspace#bindHooks for why). */
  readonly #consumers: PropagateFn[] = [];
  readonly #targets: number[] = [];
  readonly #actives: ((() => boolean) | null)[] = [];
  #depth = 0;
  #started = false;
  /** A block's first command, held until a second makes the block a transaction. */
  #held: { dbIndex: number; argv: readonly string[]; target: number } | null = null;
  /** The target of commands propagated now (a script's redis.set_repl changes it). */
  target: number = PropagateTarget.all;

  addConsumer(consumer: PropagationConsumer): void {
    this.#consumers.push(consumer.fn);
    this.#targets.push(consumer.target);
    this.#actives.push(consumer.active ?? null);
  }

  /** Whether some active consumer takes commands of `target` (Redis's shouldPropagate). */
  #wanted(target: number): boolean {
    for (let i = 0; i < this.#targets.length; i++) {
      if (((this.#targets[i] as number) & target) === 0) continue;
      const active = this.#actives[i];
      if (active === null || active === undefined || active()) return true;
    }
    return false;
  }

  /** Sends one command to the consumers `target` covers. */
  #emit(dbIndex: number, argv: readonly string[], target: number): void {
    const fns = this.#consumers;
    for (let i = 0; i < fns.length; i++) {
      if (((this.#targets[i] as number) & target) !== 0) (fns[i] as PropagateFn)(dbIndex, argv);
    }
  }

  /**
   * One command into the stream. Inside a block, Redis 7.0 wraps the block in MULTI/EXEC only
   * when it propagates more than one command (a lone write is atomic already): the first is
   * held until a second comes (then MULTI, both) or the block ends (then it alone).
   */
  propagate(dbIndex: number, argv: readonly string[]): void {
    const target = this.target;
    if (target !== PropagateTarget.all) {
      if (!this.#wanted(target)) return;
    }
    if (this.#depth > 0 && !this.#started) {
      const held = this.#held;
      if (held === null) {
        this.#held = { dbIndex, argv, target };
        return;
      }
      this.#held = null;
      this.#started = true;
      // MULTI and EXEC go to every consumer, the commands to their targets only (as Redis).
      this.#emit(held.dbIndex, ['MULTI'], PropagateTarget.all);
      this.#emit(held.dbIndex, held.argv, held.target);
    }
    if (target === PropagateTarget.all) {
      const fns = this.#consumers;
      for (let i = 0; i < fns.length; i++) (fns[i] as PropagateFn)(dbIndex, argv);
    } else {
      this.#emit(dbIndex, argv, target);
    }
  }

  /** A command that expands into several (one write of each, in order, in one db): a block. */
  propagateAll(dbIndex: number, argvs: readonly (readonly string[])[]): void {
    this.beginBlock();
    for (const argv of argvs) this.propagate(dbIndex, argv);
    this.endBlock();
  }

  /** Commands propagated until the matching end are wrapped in MULTI/EXEC (EXEC of a MULTI). */
  beginBlock(): void {
    this.#depth++;
  }

  endBlock(): void {
    this.#depth--;
    if (this.#depth !== 0) return;
    const held = this.#held;
    if (held !== null) {
      this.#held = null;
      this.#emit(held.dbIndex, held.argv, held.target);
    } else if (this.#started) {
      this.#started = false;
      this.#emit(-1, ['EXEC'], PropagateTarget.all);
    }
  }
}
