// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT: argument parsing and replies; running the
// script is the scripting service's (src/scripting/). Redis equivalent: evalCommand,
// evalShaCommand and scriptCommand in eval.c.

import type { Client } from '../server/client.js';
import { assert } from '../assert.js';
import { scriptingFactory } from '../scripting/factory.js';
import type { Scripting } from '../scripting/scripting.js';
import { eqIgnoreCase } from './args.js';
import { BUSY_EVAL, BUSY_FUNCTION, NOT_INTEGER, NUMKEYS_TOO_MANY } from './errors.js';
import type { CommandDef } from './types.js';

export const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';

/** The server's scripting service, created on first use (the Lua engine loads then). */
export function scriptingOf(c: Client): Scripting {
  const server = c.server;
  if (server.scripting === null) {
    const create = scriptingFactory();
    assert(create !== null, 'the scripting engine loads');
    server.scripting = create(server);
  }
  return server.scripting;
}

/** numkeys at argv[2] with EVAL/FCALL's checks; null after replying an error. */
export function numKeysOrReply(c: Client, argv: string[], notInteger = NOT_INTEGER): number | null {
  const text = argv[2] as string;
  if (!/^-?\d+$/.test(text) || Math.abs(Number(text)) > Number.MAX_SAFE_INTEGER) {
    c.addReplyError(notInteger);
    return null;
  }
  const n = Number(text);
  if (n > argv.length - 3) {
    c.addReplyError(NUMKEYS_TOO_MANY);
    return null;
  }
  if (n < 0) {
    c.addReplyError("ERR Number of keys can't be negative");
    return null;
  }
  return n;
}

function evalGeneric(c: Client, argv: string[], bySha: boolean, readOnly: boolean): void {
  const numKeys = numKeysOrReply(c, argv);
  if (numKeys === null) return;
  const scripting = scriptingOf(c);
  let script;
  if (bySha) {
    script = scripting.cache.get(argv[1] as string);
    if (script === undefined) {
      c.addReplyError(NOSCRIPT);
      return;
    }
  } else {
    script = scripting.loadScript(argv[1] as string);
    if (typeof script === 'string') {
      c.addReplyError(script);
      return;
    }
  }
  // The EVAL itself is never propagated: its writes are, as the commands it ran.
  c.propagateArgv = [];
  scripting.run(c, { name: script.sha, fn: script.fn, flags: script.flags, isFunction: false },
    { keys: argv.slice(3, 3 + numKeys), args: argv.slice(3 + numKeys), readOnly, command: argv });
}

function scriptLoad(c: Client, argv: string[]): void {
  const script = scriptingOf(c).loadScript(argv[2] as string);
  if (typeof script === 'string') c.addReplyError(script);
  else c.addReplyBulk(script.sha);
}

function scriptExists(c: Client, argv: string[]): void {
  const cache = scriptingOf(c).cache;
  c.addReplyArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.addReplyLongLong(cache.has(argv[i] as string) ? 1 : 0);
}

function scriptFlush(c: Client, argv: string[]): void {
  if (argv.length > 3 || (argv.length === 3 && !eqIgnoreCase(argv[2] as string, 'SYNC') &&
    !eqIgnoreCase(argv[2] as string, 'ASYNC'))) {
    c.addReplyError('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    return;
  }
  scriptingOf(c).flushScripts(flushIsAsync(c, argv));
  c.addReplyOk();
}

/**
 * SCRIPT FLUSH / FUNCTION FLUSH [ASYNC|SYNC] (the argument already checked): async when told,
 * or without an argument when lazyfree-lazy-user-flush is on.
 */
export function flushIsAsync(c: Client, argv: string[]): boolean {
  if (argv.length === 3) return eqIgnoreCase(argv[2] as string, 'ASYNC');
  return c.config.bool('lazyfree-lazy-user-flush');
}

/**
 * SCRIPT KILL (kills: 'script') and FUNCTION KILL (kills: 'function'): stops the running script
 * of that kind unless it already wrote; the other kind running is reported as BUSY.
 */
export function killRunningOrReply(c: Client, kills: 'script' | 'function'): void {
  const running = scriptingOf(c).running;
  if (running === null) {
    c.addReplyError('NOTBUSY No scripts in execution right now.');
  } else if (running.isFunction !== (kills === 'function')) {
    c.addReplyError(running.isFunction ? BUSY_FUNCTION : BUSY_EVAL);
  } else if (running.wrote) {
    c.addReplyError('UNKILLABLE Sorry the script already executed write commands against the ' +
      'dataset. You can either wait the script termination or kill the server in a hard way ' +
      'using the SHUTDOWN NOSAVE command.');
  } else {
    running.killed = true;
    c.addReplyOk();
  }
}

function scriptDebug(c: Client, argv: string[]): void {
  const mode = argv[2] as string;
  if (c.parser.pendingBytes > 0) {
    c.addReplyError('ERR SCRIPT DEBUG must be called outside a pipeline');
    return;
  }
  if (eqIgnoreCase(mode, 'NO')) {
    c.addReplyOk();
  } else if (eqIgnoreCase(mode, 'YES') || eqIgnoreCase(mode, 'SYNC')) {
    c.addReplyError('ERR SCRIPT DEBUG (the Lua debugger) is not supported by Vesta');
  } else {
    c.addReplyError('ERR Use SCRIPT DEBUG YES/SYNC/NO');
  }
}

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

/** A HELP reply: status lines, as Redis's addReplyHelp. */
export function replyHelp(c: Client, lines: readonly string[]): void {
  c.addReplyArrayLen(lines.length);
  for (const line of lines) c.addReplyStatus(line);
}

export const scriptingCommands: CommandDef[] = [
  { name: 'eval', admin: (c, argv) => evalGeneric(c, argv, false, false) },
  { name: 'evalsha', admin: (c, argv) => evalGeneric(c, argv, true, false) },
  { name: 'eval_ro', admin: (c, argv) => evalGeneric(c, argv, false, true) },
  { name: 'evalsha_ro', admin: (c, argv) => evalGeneric(c, argv, true, true) },
  { name: 'script|load', admin: scriptLoad },
  { name: 'script|exists', admin: scriptExists },
  { name: 'script|flush', admin: scriptFlush },
  { name: 'script|kill', admin: (c) => killRunningOrReply(c, 'script') },
  { name: 'script|debug', admin: scriptDebug },
  { name: 'script|help', admin: (c) => replyHelp(c, SCRIPT_HELP) },
];
