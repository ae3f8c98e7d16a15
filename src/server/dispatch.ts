// Command dispatch: lookup, arity, authentication, MULTI queueing, context checks, then the
// call itself with stats and propagation. Redis equivalent: processCommand() and call() in
// server.c.

import { CommandFlag, type Command } from '../commands/table.js';
import { formatClientInfo } from '../commands/client-info.js';
import { ClientFlag, type Client } from './client.js';
import type { Server } from './server.js';
import { afterCall } from '../observe/calls.js';

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

/** Runs one request from a client: every check Redis makes before call(), then call(). */
export function processCommand(server: Server, c: Client, argv: string[]): void {
  const name = argv[0] as string;
  let cmd = server.commands.lookup(name);
  if (cmd === undefined) {
    rejectCommand(server, c, unknownCommandError(name, argv));
    return;
  }
  if (cmd.subcommands !== null && argv.length >= 2) {
    const sub = cmd.subcommands.get((argv[1] as string).toLowerCase());
    if (sub !== undefined) {
      cmd = sub;
    } else if (cmd.handler === null || cmd.spec.subcommands.size > 0) {
      const top = cmd.fullName.toUpperCase();
      const subName = argv[1] as string;
      if (cmd.handler === null || cmd.fullName !== 'command') {
        rejectCommand(
          server,
          c,
          `ERR unknown subcommand '${truncate(subName, 128)}'. Try ${top} HELP.`,
        );
        return;
      }
    }
  }
  if ((cmd.arity > 0 && argv.length !== cmd.arity) || argv.length < -cmd.arity) {
    rejectCommand(server, c, `ERR wrong number of arguments for '${cmd.fullName}' command`, cmd);
    return;
  }
  if (cmd.handler === null) {
    rejectCommand(server, c, `ERR wrong number of arguments for '${cmd.fullName}' command`, cmd);
    return;
  }
  if (!c.authenticated && (cmd.flags & CommandFlag.noAuth) === 0) {
    rejectCommand(server, c, 'NOAUTH Authentication required.', cmd);
    return;
  }
  // ACL: the command, then its keys and channels (Redis's ACLCheckAllPerm, before queueing).
  if ((cmd.flags & CommandFlag.noAuth) === 0 && !aclAllows(server, c, cmd, argv)) return;
  const topName = cmd.parent === null ? cmd.fullName : cmd.parent.fullName;
  const queueing = c.has(ClientFlag.multi) && !MULTI_CONTROL.has(topName);
  if (queueing && (cmd.flags & CommandFlag.noMulti) !== 0) {
    rejectCommand(server, c, 'ERR Command not allowed inside a transaction', cmd);
    return;
  }
  if (c.resp === 2 && c.has(ClientFlag.pubsub) && !PUBSUB_ALLOWED.has(topName)) {
    rejectCommand(
      server,
      c,
      `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      cmd,
    );
    return;
  }
  // As in Redis, state-based refusals (LOADING, MISCONF, OOM) apply before queueing, so a
  // refused command inside MULTI makes EXEC fail with EXECABORT.
  const denied = checkDenied(server, c, cmd);
  if (denied !== null) {
    rejectCommand(server, c, denied, cmd);
    return;
  }
  // A script running past busy-reply-threshold: only allow-busy commands are served.
  if ((cmd.flags & CommandFlag.allowBusy) === 0) {
    const busy = server.scripting?.busyError() ?? null;
    if (busy !== null) {
      rejectCommand(server, c, busy, cmd);
      return;
    }
  }
  if (queueing) {
    c.queue.push({ name: cmd.fullName, argv });
    c.addReplyStatus('QUEUED');
    return;
  }
  call(server, c, cmd, argv);
  // Like Redis's processCommand: clients blocked on keys this command (or EXEC) made ready are
  // served now, so their pops propagate after the command that pushed.
  server.blocking.handleReadyKeys();
}

/** Runs the ACL check; on a denial logs it (ACL LOG), replies NOPERM and returns false. */
function aclAllows(server: Server, c: Client, cmd: Command, argv: string[]): boolean {
  const denied = server.acl.check(c.user, cmd.spec, argv);
  if (denied === null) return true;
  server.acl.addLogEntry(
    {
      reason: denied.reason,
      context: c.has(ClientFlag.multi) ? 'multi' : 'toplevel',
      object: denied.object,
      username: c.user,
      clientInfo: formatClientInfo(c, c),
    },
    Date.now(),
    server.config.num('acllog-max-len'),
  );
  rejectCommand(server, c, denied.error, cmd);
  return false;
}

/** Reasons a command may not run now that do not depend on its arguments. */
function checkDenied(server: Server, c: Client, cmd: Command): string | null {
  if (server.loading && (cmd.flags & CommandFlag.loading) === 0) {
    return 'LOADING Redis is loading the dataset in memory';
  }
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
  return null;
}

function queuedFlags(server: Server, c: Client): number {
  let flags = 0;
  for (const queued of c.queue) flags |= resolveCommand(server, queued.argv)?.flags ?? 0;
  return flags;
}

/** The command (or subcommand) an argv names, as dispatch resolved it; for queued commands. */
export function resolveCommand(server: Server, argv: readonly string[]): Command | undefined {
  const cmd = server.commands.lookup(argv[0] as string);
  if (cmd?.subcommands == null || argv.length < 2) return cmd;
  return cmd.subcommands.get((argv[1] as string).toLowerCase()) ?? cmd;
}

/**
 * Executes a command whose checks passed: stats, the handler, then propagation to the AOF
 * (and later replicas) when it changed the dataset. Also used by EXEC for queued commands.
 */
export function call(server: Server, c: Client, cmd: Command, argv: string[]): void {
  const ks = server.keyspace;
  const start = performance.now();
  ks.now = server.frozenNowMs ?? commandTimeMs(start);
  const dirtyBefore = ks.dirty;
  const dbIndex = c.dbIndex;
  const errorsBefore = c.errorReplies;
  c.propagateArgv = null;
  c.currentCommand = cmd;
  (cmd.handler as NonNullable<Command['handler']>)(c, argv);
  const durationNs = (performance.now() - start) * 1e6;
  const usec = Math.round(durationNs / 1000);
  c.currentCommand = null;
  const stats = cmd.stats;
  stats.calls++;
  stats.usec += usec;
  if (c.errorReplies !== errorsBefore) stats.failedCalls++;
  server.stats.commandsProcessed++;
  c.lastCommand = cmd.fullName;
  afterCall(server, c, cmd, argv, durationNs);
  if (ks.dirty !== dirtyBefore && (cmd.flags & (CommandFlag.write | CommandFlag.mayReplicate)) !== 0) {
    // An empty propagateArgv propagates nothing (EVAL: its commands propagated themselves).
    const logged = c.propagateArgv ?? argv;
    if (logged.length !== 0) server.propagate(dbIndex, logged);
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

function rejectCommand(server: Server, c: Client, error: string, cmd?: Command): void {
  if (cmd !== undefined) cmd.stats.rejectedCalls++;
  if (c.has(ClientFlag.multi)) c.flags |= ClientFlag.dirtyExec;
  if (cmd?.fullName === 'exec') {
    // A rejected EXEC (arity, NOAUTH) discards the transaction, in MULTI or not, and Redis words
    // it as an abort: "EXECABORT ... because of: NOAUTH ..." (a plain ERR loses its code).
    c.queue = [];
    c.flags &= ~(ClientFlag.multi | ClientFlag.dirtyCas | ClientFlag.dirtyExec);
    server.watches.unwatchAll(c);
    const reason = error.startsWith('ERR ') ? error.slice(4) : error;
    c.addReplyError(`EXECABORT Transaction discarded because of: ${reason}`);
    return;
  }
  c.addReplyError(error);
}

function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

/** Redis 7.0's text: the name and the start of the arguments, each quoted, 128 chars max. */
function unknownCommandError(name: string, argv: string[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${truncate(argv[i] as string, 128 - args.length)}' `;
  }
  return `ERR unknown command '${truncate(name, 128)}', with args beginning with: ${args}`;
}
