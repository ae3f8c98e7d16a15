// The one executor. Every command, whoever sends it (a network client, the AOF loader, EXEC's
// queued commands, and next a script's redis.call and a replica's master link), runs through
// executeCommand(): lookup, arity, the checks its caller is subject to, MULTI queueing, then
// call() with stats and propagation. What differs between callers is data on the client
// (Client#caller, see server/caller.ts), never a copy of this code. Redis equivalent:
// processCommand() and call() in server.c, and scriptCall() in script.c for a script's rules.

// The module's own binding: the global `performance` is a lazy getter Node runs on every read.
import { performance } from 'node:perf_hooks';
import { arityAccepts, CommandFlag, type Command } from '../commands/table.js';
import { formatClientInfo } from '../commands/client-info.js';
import { ClientFlag, type Client } from './client.js';
import type { Caller } from './caller.js';
import type { Server } from './server.js';
import { afterCall } from '../observe/calls.js';
import { unknownSubcommand, wrongArity } from '../commands/errors.js';

/** How executeCommand() ended; the reply (if the caller keeps replies) says the rest. */
export const Outcome = {
  /** The handler ran (its reply may still be an error, e.g. WRONGTYPE). */
  ran: 0,
  /** Queued inside MULTI (+QUEUED). */
  queued: 1,
  /** No such command or subcommand, or one Vesta has no handler for. */
  unknown: 2,
  /** Wrong number of arguments. */
  arity: 3,
  /** Refused by a check: NOAUTH, ACL, LOADING, MISCONF, OOM, a script rule, MULTI, pub/sub. */
  refused: 4,
  /** Held by CLIENT PAUSE: it runs when the pause ends (server/pause.ts). */
  postponed: 5,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

const MULTI_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
const PUBSUB_ALLOWED = new Set([
  'ping',
  'subscribe',
  'ssubscribe',
  'unsubscribe',
  'sunsubscribe',
  'psubscribe',
  'punsubscribe',
  'quit',
  'reset',
]);

/**
 * Runs one request from a network client under CLIENT REPLY's rules: a client with replies off
 * (or skipping this command) gets none of its replies, only pushes; a blocked command's reply
 * is dropped when it comes (server/blocking.ts) and SKIP ends with it.
 */
export function processCommand(server: Server, c: Client, argv: string[]): void {
  let outcome: Outcome;
  if (!c.replyOff && !c.replySkip && !c.replySkipNext) {
    outcome = executeCommand(server, c, argv);
    // Nothing more to do unless CLIENT REPLY OFF or SKIP just ran (maybe inside EXEC).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the command may have set them (TS keeps the narrowing from before the call)
    if (!c.replyOff && !c.replySkipNext) return;
  } else {
    if (c.replyOff || c.replySkip) c.beginSilence();
    outcome = executeCommand(server, c, argv);
  }
  c.endSilence();
  // A blocked command is done when it is served or times out (BlockingManager).
  if (!c.has(ClientFlag.blocked) && outcome !== Outcome.postponed) c.commandDone();
}

/**
 * Runs one command for any caller: the only place that looks a command up, checks its arity
 * and the refusals (NOAUTH, ACL, noscript, read-only script, MULTI rules, pub/sub context,
 * LOADING, MISCONF, OOM), queues it inside MULTI, and calls it (handler, stats, propagation).
 *
 * Which checks apply and what happens after is `c.caller` (server/caller.ts): a network
 * client's CLIENT_CALLER, the AOF loader's AOF_CALLER (no checks, no propagation, replies
 * discarded, not counted), SCRIPT_CALLER / READ_ONLY_SCRIPT_CALLER for redis.call (noscript
 * and write refusals with Redis's script texts), MASTER_CALLER for a replica applying its
 * master's stream. Make such a client with Server#createInternalClient(caller); set its
 * dbIndex, resp and user as the caller needs (a script: the calling client's).
 * While EXEC runs its queue (ClientFlag.exec) the checks are skipped: they ran at queueing.
 *
 * The reply goes to the client's buffer (RESP2 or RESP3 per c.resp), or is discarded when
 * the caller keeps none. executeForReply() returns it instead.
 */
export function executeCommand(server: Server, c: Client, argv: string[]): Outcome {
  const tracking = server.tracking;
  let outcome: Outcome;
  if (tracking.clientCount === 0 || c.caller.kind !== 'client' || (c.flags & ClientFlag.exec) !== 0) {
    outcome = execute(server, c, argv, c.caller);
  } else {
    // CLIENT TRACKING: the caching flag's lifetime, and the client's own invalidations sent
    // after its reply (Redis's tracking_pending_keys).
    tracking.commandStarting(c, argv);
    try {
      outcome = execute(server, c, argv, c.caller);
    } finally {
      tracking.commandDone(c);
    }
  }
  if (!c.caller.reply) c.out = '';
  return outcome;
}

/**
 * Runs one command (as executeCommand) and returns its reply, RESP2 or RESP3 per c.resp, taking
 * it out of the client's buffer: what a script's redis.call needs. A reply that is one integer
 * comes as that number (or bigint) instead of its RESP text (ReplyBuffer#captureInteger). The
 * client's caller must keep replies (SCRIPT_CALLER does).
 */
export function executeForReply(server: Server, c: Client, argv: string[]): string | number | bigint {
  const before = c.out;
  c.out = '';
  c.captureInteger = true;
  try {
    executeCommand(server, c, argv);
  } finally {
    c.captureInteger = false;
  }
  let reply: string | number | bigint = c.out;
  const integer = c.capturedInteger;
  if (integer !== null) {
    c.capturedInteger = null;
    // Written after it (never by a single command's reply): the text in order, as without capture.
    reply = reply === '' ? integer : ':' + String(integer) + '\r\n' + reply;
  }
  c.out = before;
  return reply;
}

function execute(server: Server, c: Client, argv: string[], caller: Caller): Outcome {
  const cmd = findCommand(server, argv);
  if (cmd === undefined) {
    reject(server, c, unknownCommandError(caller, argv), undefined);
    return Outcome.unknown;
  }
  // A container (CONFIG, CLIENT...) whose subcommand is unknown; COMMAND runs with any word.
  if (cmd.subcommands !== null && argv.length >= 2 &&
    (cmd.handler === null || (cmd.spec.subcommands.size > 0 && cmd.fullName !== 'command'))) {
    const error = caller.script ? SCRIPT_UNKNOWN
      : unknownSubcommand(truncate(argv[1] as string, 128), cmd.fullName.toUpperCase());
    reject(server, c, error, undefined);
    return Outcome.unknown;
  }
  if (!arityAccepts(cmd.arity, argv.length)) {
    reject(server, c, arityError(caller, cmd), cmd);
    return Outcome.arity;
  }
  if (cmd.handler === null) {
    reject(server, c, arityError(caller, cmd), cmd);
    return Outcome.unknown;
  }
  if ((c.flags & ClientFlag.exec) !== 0) {
    call(server, c, cmd, argv);
    return Outcome.ran;
  }
  const admitted = admit(server, c, cmd, argv);
  if (admitted !== Outcome.ran) return admitted;
  call(server, c, cmd, argv);
  // Like Redis's processCommand: clients blocked on keys this command (or EXEC) made ready are
  // served now, so their pops propagate after the command that pushed.
  if (caller.servesBlocked) server.blocking.handleReadyKeys();
  return Outcome.ran;
}

/** The checks a resolved command passes before it runs or is queued; ran = go ahead. */
function admit(server: Server, c: Client, cmd: Command, argv: string[]): Outcome {
  const caller = c.caller;
  if (caller.script && (cmd.flags & CommandFlag.noscript) !== 0) {
    return reject(server, c, 'ERR This Redis command is not allowed from script', cmd);
  }
  if (caller.checkAcl && (cmd.flags & CommandFlag.noAuth) === 0) {
    if (!c.authenticated) return reject(server, c, 'NOAUTH Authentication required.', cmd);
    // The command, then its keys and channels (Redis's ACLCheckAllPerm, before queueing).
    if (!aclAllows(server, c, cmd, argv)) return Outcome.refused;
  }
  if (caller.readOnly && (cmd.flags & CommandFlag.write) !== 0) {
    return reject(server, c, 'ERR Write commands are not allowed from read-only scripts.', cmd);
  }
  const topName = cmd.parent === null ? cmd.fullName : cmd.parent.fullName;
  const queueing = c.has(ClientFlag.multi) && !MULTI_CONTROL.has(topName);
  if (queueing && (cmd.flags & CommandFlag.noMulti) !== 0) {
    return reject(server, c, 'ERR Command not allowed inside a transaction', cmd);
  }
  if (c.resp === 2 && c.has(ClientFlag.pubsub) && !PUBSUB_ALLOWED.has(topName)) {
    return reject(server, c, `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / ` +
      `(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`, cmd);
  }
  // As in Redis, state-based refusals (LOADING, MISCONF, OOM) apply before queueing, so a
  // refused command inside MULTI makes EXEC fail with EXECABORT.
  const denied = checkDenied(server, c, cmd, caller);
  if (denied !== null) return reject(server, c, denied, cmd);
  // A script running past busy-reply-threshold: clients get -BUSY but for allow-busy commands
  // (SCRIPT KILL, FUNCTION KILL, SHUTDOWN...). The script's own commands run.
  if (caller.kind === 'client' && (cmd.flags & CommandFlag.allowBusy) === 0) {
    const busy = server.scripting?.busyError() ?? null;
    if (busy !== null) return reject(server, c, busy, cmd);
  }
  // CLIENT PAUSE: a client's command waits (the client is postponed) until the pause ends.
  const pause = server.pause;
  if (pause.type !== 0 && caller.kind === 'client' && pause.holds(c, cmd)) {
    pause.postpone(c, argv);
    return Outcome.postponed;
  }
  if (queueing) {
    c.queue.push({ name: cmd.fullName, argv });
    c.addReplyStatus('QUEUED');
    return Outcome.queued;
  }
  return Outcome.ran;
}

/** Runs the ACL check; on a denial logs it (ACL LOG), replies NOPERM and returns false. */
function aclAllows(server: Server, c: Client, cmd: Command, argv: string[]): boolean {
  const denied = server.acl.check(c.user, cmd.spec, argv);
  if (denied === null) return true;
  const script = c.caller.script;
  server.acl.addLogEntry(
    {
      reason: denied.reason,
      context: script ? 'lua' : c.has(ClientFlag.multi) ? 'multi' : 'toplevel',
      object: denied.object,
      username: c.user,
      clientInfo: formatClientInfo(c, c),
    },
    Date.now(),
    server.config.num('acllog-max-len'),
  );
  reject(server, c, script ? SCRIPT_ACL_DENIED[denied.reason] : denied.error, cmd);
  return false;
}

/** Reasons a command may not run now that do not depend on its arguments. */
function checkDenied(server: Server, c: Client, cmd: Command, caller: Caller): string | null {
  if (caller.refuseWhileLoading && server.loading && (cmd.flags & CommandFlag.loading) === 0) {
    return 'LOADING Redis is loading the dataset in memory';
  }
  if (!caller.checkWriteState) return staleDenied(server, cmd, caller);
  // EXEC counts as a write (and as denyoom) when its transaction contains one.
  const inExec = cmd.fullName === 'exec' && c.has(ClientFlag.multi);
  const flags = inExec ? cmd.flags | queuedFlags(server, c) : cmd.flags;
  if ((flags & CommandFlag.write) !== 0) {
    const reason = server.writeDeniedReason();
    if (reason !== null) return reason;
  }
  // Inside MULTI every queued command is refused when out of memory, as in Redis: queueing
  // itself takes memory without bound.
  const queueing = c.has(ClientFlag.multi) && !MULTI_CONTROL.has(cmd.parent?.fullName ?? cmd.fullName);
  if ((flags & CommandFlag.denyoom) !== 0 || queueing) {
    const reason = server.oomReason();
    if (reason !== null) return reason;
  }
  return staleDenied(server, cmd, caller);
}

/** A replica whose link is down refuses commands without the `stale` flag when so configured. */
function staleDenied(server: Server, cmd: Command, caller: Caller): string | null {
  if (!caller.checkReadOnlyReplica || (cmd.flags & CommandFlag.stale) !== 0) return null;
  return server.staleDeniedReason();
}

function queuedFlags(server: Server, c: Client): number {
  let flags = 0;
  for (const queued of c.queue) flags |= findCommand(server, queued.argv)?.flags ?? 0;
  return flags;
}

/**
 * The command (or subcommand) an argv names: the container itself when the subcommand is
 * unknown (executeCommand decides whether that is an error). The one lookup; exported for
 * callers that describe a command they could not run (the AOF loader's messages).
 */
export function findCommand(server: Server, argv: readonly string[]): Command | undefined {
  const cmd = server.commands.lookup(argv[0] as string);
  if (cmd?.subcommands == null || argv.length < 2) return cmd;
  return cmd.subcommands.get((argv[1] as string).toLowerCase()) ?? cmd;
}

/**
 * Executes a command whose checks passed: the handler, then (as the caller says) stats and
 * propagation to the AOF (and later replicas) when it changed the dataset.
 */
function call(server: Server, c: Client, cmd: Command, argv: string[]): void {
  const ks = server.keyspace;
  const caller = c.caller;
  const start = performance.now();
  // A script's commands all see the time the script started (Redis freezes it for scripts).
  ks.now = server.frozenNowMs ?? commandTimeMs(start);
  const dirtyBefore = ks.dirty;
  const dbIndex = c.dbIndex;
  c.propagateArgv = null;
  c.forcePropagate = false;
  c.currentCommand = cmd;
  (cmd.handler as NonNullable<Command['handler']>)(c, argv);
  if (server.tracking.clientCount !== 0) server.tracking.afterCall(c, cmd, argv);
  c.currentCommand = null;
  if (caller.stats) {
    const durationNs = (performance.now() - start) * 1e6;
    const stats = cmd.stats;
    stats.calls++;
    stats.usec += Math.round(durationNs / 1000);
    if (server.stats.errorReplies > server.stats.errorRepliesAtLastCall) stats.failedCalls++;
    server.stats.errorRepliesAtLastCall = server.stats.errorReplies;
    server.stats.commandsProcessed++;
    c.lastCommand = cmd.fullName;
    afterCall(server, c, cmd, argv, durationNs);
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the handler may set forcePropagate; TypeScript keeps the narrowing from the reset above
  if (caller.propagate && (ks.dirty !== dirtyBefore || c.forcePropagate) &&
    (cmd.flags & (CommandFlag.write | CommandFlag.mayReplicate)) !== 0) {
    // An empty propagateArgv propagates nothing: the handler propagated its effects itself
    // (XREADGROUP, XCLAIM) or its commands did (EVAL, FCALL).
    const logged = c.propagateArgv as string[] | null;
    if (logged === null || logged.length !== 0) server.propagate(dbIndex, logged ?? argv);
  }
}

// The time commands see. Redis reads the wall clock at every call(); here it is read once per
// client read (syncCommandClock, from processInputBuffer) and advanced for each command by the
// monotonic reading call() takes for the command's duration anyway, so a command costs two
// clock reads instead of three. A base older than a second is refreshed, so a wall-clock
// change is seen within a second even by calls outside a client read.
let wallBaseMs = Date.now();
let monotonicBaseMs = performance.now();

/** Re-reads the wall clock, which the next commands' time counts from; returns it (unix ms). */
export function syncCommandClock(): number {
  wallBaseMs = Date.now();
  monotonicBaseMs = performance.now();
  return wallBaseMs;
}

/** Unix time in ms at the monotonic instant `monotonicMs` (a performance.now() reading). */
function commandTimeMs(monotonicMs: number): number {
  const elapsedMs = monotonicMs - monotonicBaseMs;
  if (elapsedMs >= 0 && elapsedMs < 1000) return Math.floor(wallBaseMs + elapsedMs);
  syncCommandClock();
  return wallBaseMs;
}

/**
 * Refuses a command: counts it, replies the error (if the caller keeps replies). Returns
 * Outcome.refused; a caller whose refusal is another outcome (unknown, arity) returns that.
 */
function reject(server: Server, c: Client, error: string, cmd: Command | undefined): Outcome {
  const caller = c.caller;
  if (cmd !== undefined && caller.stats) cmd.stats.rejectedCalls++;
  if (c.has(ClientFlag.multi)) c.flags |= ClientFlag.dirtyExec;
  if (cmd?.fullName === 'exec') {
    // A rejected EXEC (arity, NOAUTH) discards the transaction, in MULTI or not, and Redis words
    // it as an abort: "EXECABORT ... because of: NOAUTH ..." (a plain ERR loses its code).
    c.queue = [];
    c.flags &= ~(ClientFlag.multi | ClientFlag.dirtyCas | ClientFlag.dirtyExec);
    server.watches.unwatchAll(c);
    const reason = error.startsWith('ERR ') ? error.slice(4) : error;
    if (caller.reply) c.addReplyError(`EXECABORT Transaction discarded because of: ${reason}`);
  } else if (caller.reply) {
    // A caller without replies (the AOF loader) learns the refusal from the outcome alone.
    c.addReplyError(error);
  }
  // The refusal's error is this command's, not the next one's (see errorRepliesAtLastCall).
  if (caller.stats) server.stats.errorRepliesAtLastCall = server.stats.errorReplies;
  return Outcome.refused;
}

/** printf's `%.*s`, as Redis formats these texts: at most `max` chars, none from a NUL on. */
function truncate(text: string, max: number): string {
  const nul = text.indexOf('\0');
  const end = nul === -1 ? max : Math.min(nul, max);
  return text.length > end ? text.slice(0, end) : text;
}

const SCRIPT_UNKNOWN = 'ERR Unknown Redis command called from script';

/** Redis 7.0's scriptVerifyACL texts, by what the ACL denied. */
const SCRIPT_ACL_DENIED = {
  command: "ERR The user executing the script can't run this command or subcommand",
  key: "ERR The user executing the script can't access at least one of the keys mentioned in " +
    'the command arguments',
  channel: "ERR The user executing the script can't publish to the channel mentioned in the command",
} as const;

function arityError(caller: Caller, cmd: Command): string {
  if (caller.script) return 'ERR Wrong number of args calling Redis command from script';
  return wrongArity(cmd.fullName);
}

/** Redis 7.0's text: the name and the start of the arguments, each quoted, 128 chars max. */
function unknownCommandError(caller: Caller, argv: string[]): string {
  if (caller.script) return SCRIPT_UNKNOWN;
  const name = argv[0] as string;
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${truncate(argv[i] as string, 128 - args.length)}' `;
  }
  return `ERR unknown command '${truncate(name, 128)}', with args beginning with: ${args}`;
}
