// FUNCTION (LOAD, DELETE, LIST, DUMP, RESTORE, FLUSH, STATS, KILL, HELP), FCALL and FCALL_RO.
// Argument parsing and replies; the libraries live in src/scripting/functions.ts.
// Redis equivalent: functions.c.

import type { Client } from '../server/client.js';
import { encodeFunctionsDump } from '../persistence/rdb/encoder.js';
import { decodeFunctionsDump } from '../persistence/rdb/decoder.js';
import { rdbEncoderOptions } from '../persistence/rdb/save.js';
import { globMatch } from '../util/glob.js';
import type { LibraryInfo, RestorePolicy } from '../scripting/functions.js';
import type { LuaFunctionRef } from '../scripting/lua-adapter.js';
import { scriptFlagNames } from '../scripting/shebang.js';
import { eqIgnoreCase } from './args.js';
import { LAZYFREE_THRESHOLD } from '../store/lazyfree.js';
import { flushIsAsync, killRunningOrReply, numKeysOrReply, replyHelp, scriptingOf } from './scripting.js';
import type { CommandDef } from './types.js';
import { BUSY_EVAL, DUMP_PAYLOAD_INVALID, unknownSubcommandOrArity } from './errors.js';

function fcallGeneric(c: Client, argv: string[], readOnly: boolean): void {
  const scripting = scriptingOf(c);
  const fn = scripting.findFunction(argv[1] as string);
  if (fn === undefined) {
    c.addReplyError('ERR Function not found');
    return;
  }
  const numKeys = numKeysOrReply(c, argv, 'ERR Bad number of keys provided');
  if (numKeys === null) return;
  c.propagateArgv = [];
  fn.calls++;
  scripting.run(c, { name: fn.name, fn: fn.fn, flags: fn.flags, isFunction: true },
    { keys: argv.slice(3, 3 + numKeys), args: argv.slice(3 + numKeys), readOnly, command: argv });
}

function functionLoad(c: Client, argv: string[]): void {
  let replace = false;
  let i = 2;
  for (; i < argv.length - 1; i++) {
    const option = argv[i] as string;
    if (eqIgnoreCase(option, 'REPLACE')) replace = true;
    else {
      c.addReplyError(`ERR Unknown option given: ${option}`);
      return;
    }
  }
  if (i !== argv.length - 1) {
    c.addReplyError('ERR Function code was not given');
    return;
  }
  const scripting = scriptingOf(c);
  const result = scripting.loadLibrary(argv[i] as string, replace);
  if (!result.ok) {
    c.addReplyError(result.error);
    return;
  }
  c.keyspace.dirty++;
  c.addReplyBulk(result.name);
}

function functionDelete(c: Client, argv: string[]): void {
  if (!scriptingOf(c).functions.delete(argv[2] as string)) {
    c.addReplyError('ERR Library not found');
    return;
  }
  c.keyspace.dirty++;
  c.addReplyOk();
}

function functionFlush(c: Client, argv: string[]): void {
  if (argv.length > 3 || (argv.length === 3 && !eqIgnoreCase(argv[2] as string, 'SYNC') &&
    !eqIgnoreCase(argv[2] as string, 'ASYNC'))) {
    c.addReplyError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    return;
  }
  const functions = scriptingOf(c).functions;
  const count = functions.functions.size;
  // Redis frees the functions in the background when there are more than the threshold.
  if (flushIsAsync(c, argv) && count > LAZYFREE_THRESHOLD) {
    c.keyspace.lazyfree.defer([functions.libraries, functions.functions], count);
  }
  functions.flush();
  c.keyspace.dirty++;
  c.addReplyOk();
}

function functionList(c: Client, argv: string[]): void {
  let pattern: string | null = null;
  let withCode = false;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (eqIgnoreCase(arg, 'WITHCODE') && !withCode) {
      withCode = true;
    } else if (eqIgnoreCase(arg, 'LIBRARYNAME') && pattern === null) {
      if (i + 1 >= argv.length) {
        c.addReplyError('ERR library name argument was not given');
        return;
      }
      pattern = argv[++i] as string;
    } else {
      c.addReplyError(`ERR Unknown argument ${arg}`);
      return;
    }
  }
  const libs = [...scriptingOf(c).functions.libraries.values()].filter(
    (lib) => pattern === null || globMatch(pattern, lib.name, false));
  c.addReplyArrayLen(libs.length);
  for (const lib of libs) replyLibrary(c, lib, withCode);
}

function replyLibrary(c: Client, lib: LibraryInfo<LuaFunctionRef>, withCode: boolean): void {
  c.addReplyMapLen(withCode ? 4 : 3);
  c.addReplyBulk('library_name');
  c.addReplyBulk(lib.name);
  c.addReplyBulk('engine');
  c.addReplyBulk(lib.engine);
  c.addReplyBulk('functions');
  c.addReplyArrayLen(lib.functions.size);
  for (const fn of lib.functions.values()) {
    c.addReplyMapLen(3);
    c.addReplyBulk('name');
    c.addReplyBulk(fn.name);
    c.addReplyBulk('description');
    c.addReplyBulkOrNull(fn.description);
    c.addReplyBulk('flags');
    const flags = scriptFlagNames(fn.flags);
    c.addReplySetLen(flags.length);
    for (const flag of flags) c.addReplyStatus(flag);
  }
  if (withCode) {
    c.addReplyBulk('library_code');
    c.addReplyBulk(lib.code);
  }
}

function functionDump(c: Client): void {
  const codes = [...scriptingOf(c).functions.libraries.values()].map((lib) => lib.code);
  c.addReplyBulk(encodeFunctionsDump(codes, rdbEncoderOptions(c.config)).toString('latin1'));
}

function functionRestore(c: Client, argv: string[]): void {
  let policy: RestorePolicy = 'append';
  if (argv.length > 4) {
    c.addReplyError(unknownSubcommandOrArity(argv[1] as string, 'FUNCTION'));
    return;
  }
  if (argv.length === 4) {
    const p = (argv[3] as string).toLowerCase();
    if (p !== 'append' && p !== 'replace' && p !== 'flush') {
      c.addReplyError('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
      return;
    }
    policy = p;
  }
  let codes: string[] | null;
  try {
    codes = decodeFunctionsDump(Buffer.from(argv[2] as string, 'latin1'));
  } catch {
    c.addReplyError('ERR given type is not a function');
    return;
  }
  if (codes === null) {
    c.addReplyError(DUMP_PAYLOAD_INVALID);
    return;
  }
  const error = scriptingOf(c).restoreLibraries(codes, policy);
  if (error !== null) {
    c.addReplyError(error);
    return;
  }
  c.keyspace.dirty++;
  c.addReplyOk();
}

function functionStats(c: Client): void {
  const scripting = scriptingOf(c);
  const running = scripting.running;
  if (running !== null && !running.isFunction) {
    c.addReplyError(BUSY_EVAL);
    return;
  }
  c.addReplyMapLen(2);
  c.addReplyBulk('running_script');
  if (running === null || !running.isFunction) {
    c.addReplyNull();
  } else {
    c.addReplyMapLen(3);
    c.addReplyBulk('name');
    c.addReplyBulk(running.name);
    c.addReplyBulk('command');
    c.addReplyBulks(running.command);
    c.addReplyBulk('duration_ms');
    c.addReplyLongLong(Date.now() - running.startMs);
  }
  c.addReplyBulk('engines');
  c.addReplyMapLen(1);
  c.addReplyBulk('LUA');
  c.addReplyMapLen(2);
  c.addReplyBulk('libraries_count');
  c.addReplyLongLong(scripting.functions.libraries.size);
  c.addReplyBulk('functions_count');
  c.addReplyLongLong(scripting.functions.functions.size);
}


const FUNCTION_HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

export const functionCommands: CommandDef[] = [
  { name: 'fcall', admin: (c, argv) => fcallGeneric(c, argv, false) },
  { name: 'fcall_ro', admin: (c, argv) => fcallGeneric(c, argv, true) },
  { name: 'function|load', admin: functionLoad },
  { name: 'function|delete', admin: functionDelete },
  { name: 'function|flush', admin: functionFlush },
  { name: 'function|list', admin: functionList },
  { name: 'function|dump', admin: functionDump },
  { name: 'function|restore', admin: functionRestore },
  { name: 'function|stats', admin: functionStats },
  { name: 'function|kill', admin: (c) => killRunningOrReply(c, 'function') },
  { name: 'function|help', admin: (c) => replyHelp(c, FUNCTION_HELP) },
];
