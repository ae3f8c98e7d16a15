// redis.call / redis.pcall: runs one command for a script through the command executor with
// the script's client, after the checks Redis makes for scripts (arguments, lookup, arity,
// noscript, ACL of the script's user, no-writes, OOM), and turns the reply into a Lua value.
// Redis equivalent: luaRedisGenericCommand (script_lua.c) and scriptCall (script.c).

import { CommandFlag } from '../commands/table.js';
import { executeForReply, findCommand } from '../server/dispatch.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { PropagateTarget } from '../server/propagation.js';
import { IGNORE_ERR_STATS, replyToLua } from './convert.js';
import { type LuaValue, type LuaTableValue, LuaThrow, fieldTable, isTable, luaToString, tset } from './lua-adapter.js';
import { ScriptFlag } from './shebang.js';

/** The state of the script being run, as redis.call needs it. */
export interface RunState {
  readonly server: Server;
  readonly caller: Client;
  /** The client the script's commands run as (its db, user and protocol). */
  readonly client: Client;
  readonly flags: number;
  /** EVAL_RO / FCALL_RO or a no-writes script. */
  readonly readOnly: boolean;
  /** Set once a command of the script changed the dataset (SCRIPT KILL is refused then). */
  wrote: boolean;
  /** redis.setresp's choice. */
  resp: 2 | 3;
  /** redis.set_repl's choice (REPL_ALL by default). */
  repl: number;
  /** Computed once at the start, as Redis does for compatibility-mode scripts. */
  readonly oom: boolean;
}

/**
 * The {err=...} table for an error text, as Redis's luaPushErrorBuff: "-CODE text" keeps its
 * code, "-text" without a space and plain text get ERR.
 */
export function errorTable(message: string): LuaTableValue {
  let text: string;
  if (message.startsWith('-')) {
    const space = message.indexOf(' ');
    text = space < 0 ? 'ERR ' + message.slice(1) : message.slice(1, space) + ' ' + message.slice(space + 1);
  } else {
    text = 'ERR ' + message;
  }
  return fieldTable('err', text.replace(/[\r\n]+$/, ''));
}

/** redis.call (raise = true) or redis.pcall (raise = false). */
export function scriptCall(state: RunState, args: readonly LuaValue[], raise: boolean): LuaValue {
  const reply = runCommand(state, args);
  if (typeof reply !== 'string') {
    // An integer reply, as replyToLua reads ":<n>": a double (-0 is "0"), a bigint rounded.
    if (typeof reply === 'number') return reply === 0 ? 0 : reply;
    if (typeof reply === 'bigint') return Number(reply);
    const table = errorTable(reply.text);
    if (raise) throw new LuaThrow(table);
    return table;
  }
  const value = replyToLua(reply);
  if (reply.charCodeAt(0) === 45 && isTable(value)) {
    // The command's error was counted when it was replied: passed on as the script's reply (by
    // redis.call raising it, or a script returning pcall's table) it is not counted again.
    tset(value, IGNORE_ERR_STATS, true);
    if (raise) throw new LuaThrow(value);
  }
  return value;
}

/**
 * The command's arguments as strings (numbers converted as lua_tostring does), or the error.
 * Arguments that are all strings already (the usual call) are used as they are: the array is
 * the call's own (the compiled call site builds it; the VM and the handlers never change an
 * argument array), so copying it would only make garbage.
 */
function commandArgv(args: readonly LuaValue[]): string[] | string {
  const count = args.length;
  if (count === 0) return 'Please specify at least one argument for this redis lib call';
  let i = 0;
  while (i < count && typeof args[i] === 'string') i++;
  if (i === count) return args as string[];
  const argv = args.slice(0, i) as string[];
  for (; i < count; i++) {
    const text = luaToString(args[i]);
    if (text === null) return 'Lua redis lib command arguments must be strings or integers';
    argv.push(text);
  }
  return argv;
}

/** A refusal made before the executor (argument types, Redis's OOM rule for scripts). */
interface Refusal {
  readonly text: string;
}

/**
 * Runs the command through the one executor (lookup, arity, noscript, the script user's ACL,
 * read-only refusal, MISCONF/OOM, stats, propagation) and returns its reply (RESP text, or the
 * number of an integer reply), or a refusal made here, before it.
 */
function runCommand(state: RunState, args: readonly LuaValue[]): string | number | bigint | Refusal {
  const argv = commandArgv(args);
  if (typeof argv === 'string') return { text: argv };
  const server = state.server;
  const c = state.client;
  // Redis decides OOM for a script once, when it starts; allow-oom scripts are never refused.
  if (state.oom && (state.flags & ScriptFlag.allowOom) === 0) {
    const cmd = findCommand(server, argv);
    if (cmd !== undefined && (cmd.flags & CommandFlag.denyoom) !== 0) {
      return { text: "-OOM command not allowed when used memory > 'maxmemory'." };
    }
  }
  c.resp = state.resp;
  const dirty = server.keyspace.dirty;
  let reply: string | number | bigint;
  if (state.repl === PropagateTarget.all) {
    reply = executeForReply(server, c, argv);
  } else {
    // redis.set_repl: where this command's effects propagate (AOF, replicas, or none).
    const propagation = server.propagation;
    propagation.target = state.repl;
    try {
      reply = executeForReply(server, c, argv);
    } finally {
      propagation.target = PropagateTarget.all;
    }
  }
  if (server.keyspace.dirty !== dirty) state.wrote = true;
  return reply;
}
