// Who runs a command, as data: the checks a command passes and what happens after it ran differ
// between a network client, the AOF loader, a Lua script's redis.call, and a replica applying its
// master's stream. Each kind is one shared, frozen profile a Client points at (Client#caller), so
// the executor (server/dispatch.ts) reads a field instead of branching on who called, and no
// caller copies lookup, arity or the checks. Redis equivalent: the client flags processCommand()
// and call() consult (CLIENT_MASTER, CLIENT_SCRIPT / server.script_caller, the AOF client's
// CLIENT_ID_AOF, call()'s CMD_CALL_* flags).

export type CallerKind = 'client' | 'aof' | 'script' | 'master';

export interface Caller {
  readonly kind: CallerKind;
  /** NOAUTH and the ACL checks (command, keys, channels); a denial goes to ACL LOG. */
  readonly checkAcl: boolean;
  /** Refuse commands without the `loading` flag while the dataset loads (-LOADING). */
  readonly refuseWhileLoading: boolean;
  /** MISCONF (a failed background save) and OOM (maxmemory) refusals. */
  readonly checkWriteState: boolean;
  /**
   * Refuse writes on a read-only replica (-READONLY). Vesta is not a replica yet: the check
   * arrives with replication and reads this field; the master link's profile has it false.
   */
  readonly checkReadOnlyReplica: boolean;
  /** Refuse commands with the `write` flag (a read-only script: EVAL_RO, or no-writes). */
  readonly readOnly: boolean;
  /** A command that changed the dataset is propagated (AOF, later replicas). */
  readonly propagate: boolean;
  /** The reply is kept in the client's buffer; false discards it after the command. */
  readonly reply: boolean;
  /** Counted: commandstats, INFO's total_commands_processed, latency, slow log, MONITOR. */
  readonly stats: boolean;
  /** A script: noscript commands are refused, and refusals use Redis's script texts. */
  readonly script: boolean;
  /**
   * A top-level command: afterwards, clients blocked on keys it made ready are served (Redis
   * does this in processCommand, so not for a script's commands nor EXEC's queued ones).
   */
  readonly servesBlocked: boolean;
}

/** A client on a socket (and tests' socketless clients): every check, reply, propagation. */
export const CLIENT_CALLER: Caller = Object.freeze({
  kind: 'client',
  checkAcl: true,
  refuseWhileLoading: true,
  checkWriteState: true,
  checkReadOnlyReplica: true,
  readOnly: false,
  propagate: true,
  reply: true,
  stats: true,
  script: false,
  servesBlocked: true,
});

/**
 * The AOF loader's client: the file is trusted (no ACL, no LOADING/MISCONF/OOM refusals), the
 * commands are already in the log (no propagation), replies are discarded, and, as in Redis's
 * loader (which calls the command's proc directly), nothing is counted.
 */
export const AOF_CALLER: Caller = Object.freeze({
  kind: 'aof',
  checkAcl: false,
  refuseWhileLoading: false,
  checkWriteState: false,
  checkReadOnlyReplica: false,
  readOnly: false,
  propagate: false,
  reply: false,
  stats: false,
  script: false,
  servesBlocked: false,
});

/**
 * A script's redis.call/pcall: runs as the script's user (ACL applies, NOAUTH cannot: the
 * script client is authenticated), refused writes under MISCONF/OOM, propagated, counted, and
 * the reply kept for the script to read (see executeForReply in dispatch.ts).
 */
export const SCRIPT_CALLER: Caller = Object.freeze({
  kind: 'script',
  checkAcl: true,
  refuseWhileLoading: false,
  checkWriteState: true,
  checkReadOnlyReplica: true,
  readOnly: false,
  propagate: true,
  reply: true,
  stats: true,
  script: true,
  servesBlocked: false,
});

/** A read-only script (EVAL_RO, EVALSHA_RO, a no-writes function): writes are refused. */
export const READ_ONLY_SCRIPT_CALLER: Caller = Object.freeze({ ...SCRIPT_CALLER, readOnly: true });

/**
 * A replica applying its master's stream: trusted (no ACL, no MISCONF/OOM/READONLY), no reply
 * to the master, counted, propagated on (to the replica's AOF and sub-replicas).
 */
export const MASTER_CALLER: Caller = Object.freeze({
  kind: 'master',
  checkAcl: false,
  refuseWhileLoading: true,
  checkWriteState: false,
  checkReadOnlyReplica: false,
  readOnly: false,
  propagate: true,
  reply: false,
  stats: true,
  script: false,
  servesBlocked: true,
});
