// The one propagation stream: every write leaves call() here as a deterministic command with
// the db it ran in, wrapped in MULTI ... EXEC when it is part of a block (EXEC of a MULTI, and
// later a script's effects), and goes to every consumer in the same order: the AOF
// (persistence/aof/writer.ts) and the replication stream (replication/replication.ts). Each
// consumer emits SELECT once per db change of its own output (Redis tracks aof_selected_db and
// slaveseldb separately too: the AOF restarts with a rewrite, a replica stream with a full
// sync); the replication consumer counts master_repl_offset in bytes of that RESP stream.
// Redis equivalent: propagateNow / alsoPropagate / propagatePendingCommands in server.c.

export type PropagateFn = (dbIndex: number, argv: readonly string[]) => void;

export class PropagationStream {
  /** The consumers, as bound functions (see Keyspace#bindHooks for why). */
  readonly #consumers: PropagateFn[] = [];
  #depth = 0;
  #started = false;
  /** A block's first command, held until a second makes the block a transaction. */
  #held: { dbIndex: number; argv: readonly string[] } | null = null;

  addConsumer(fn: PropagateFn): void {
    this.#consumers.push(fn);
  }

  /**
   * One command into the stream. Inside a block, Redis 7.0 wraps the block in MULTI/EXEC only
   * when it propagates more than one command (a lone write is atomic already): the first is
   * held until a second comes (then MULTI, both) or the block ends (then it alone).
   */
  propagate(dbIndex: number, argv: readonly string[]): void {
    const fns = this.#consumers;
    if (this.#depth > 0 && !this.#started) {
      const held = this.#held;
      if (held === null) {
        this.#held = { dbIndex, argv };
        return;
      }
      this.#held = null;
      this.#started = true;
      for (const fn of fns) fn(held.dbIndex, ['MULTI']);
      for (const fn of fns) fn(held.dbIndex, held.argv);
    }
    for (let i = 0; i < fns.length; i++) (fns[i] as PropagateFn)(dbIndex, argv);
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
      for (const fn of this.#consumers) fn(held.dbIndex, held.argv);
    } else if (this.#started) {
      this.#started = false;
      for (const fn of this.#consumers) fn(-1, ['EXEC']);
    }
  }
}
