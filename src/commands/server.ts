// Server commands: INFO CONFIG COMMAND TIME DEBUG SHUTDOWN SLOWLOG.
// Redis equivalent: the command halves of server.c, config.c, debug.c and slowlog.c.

import { ClientFlag, isLocal, type Client } from '../server/client.js';
import { genInfoString } from '../observe/info.js';
import { parseInt64 } from '../util/numbers.js';
import { globMatch } from '../util/glob.js';
import { encodeRespTree, getCommandSpec, type CommandSpec } from './spec.js';
import { arityAccepts, CommandFlag, type Command } from './table.js';
import { SYNTAX, NOT_INTEGER, unknownSubcommand, wrongArity } from './errors.js';
import { debugCommand } from './debug.js';
import { commandHasKeys, keyArgumentsWithFlags } from './key-args.js';
import type { CommandDef } from './types.js';

function infoCommand(c: Client, argv: string[]): void {
  const sections = argv.slice(1).map((s) => s.toLowerCase());
  c.addReplyVerbatim(genInfoString(c.server, sections));
}

function timeCommand(c: Client): void {
  const nowUs = BigInt(Date.now()) * 1000n + BigInt(Math.floor((performance.now() % 1) * 1000));
  c.addReplyArrayLen(2);
  c.addReplyBulk(String(nowUs / 1000000n));
  c.addReplyBulk(String(nowUs % 1000000n));
}

// ------------------------------------------------------------------------ CONFIG

function configGetCommand(c: Client, argv: string[]): void {
  const pairs = c.config.configGet(argv.slice(2));
  c.addReplyMapLen(pairs.length);
  for (const [name, value] of pairs) {
    c.addReplyBulk(name);
    c.addReplyBulk(value);
  }
}

function configSetCommand(c: Client, argv: string[]): void {
  if (argv.length % 2 !== 0) {
    c.addReplyError(wrongArity('config|set'));
    return;
  }
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i] as string, argv[i + 1] as string]);
  const error = c.config.configSet(pairs, { clientIsLocal: isLocal(c) });
  if (error !== null) c.addReplyError(error);
  else c.addReplyOk();
}

function configResetstatCommand(c: Client): void {
  c.server.resetStats();
  c.addReplyOk();
}

function configRewriteCommand(c: Client): void {
  const config = c.config;
  if (config.configFile === null) {
    c.addReplyError('ERR The server is running without a config file');
    return;
  }
  try {
    config.rewrite();
    c.server.log.notice('CONFIG REWRITE executed with success.');
    c.addReplyOk();
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    c.server.log.warning(`CONFIG REWRITE failed: ${message}`);
    c.addReplyError(`ERR Rewriting config file: ${message}`);
  }
}

function helpReply(c: Client, lines: string[]): void {
  c.addReplyArrayLen(lines.length);
  for (const line of lines) c.addReplyStatus(line);
}

function configHelpCommand(c: Client): void {
  helpReply(c, [
    'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'GET <pattern>',
    '    Return parameters matching the glob-like <pattern> and their values.',
    'SET <directive> <value>',
    '    Set the configuration <directive> to <value>.',
    'RESETSTAT',
    '    Reset statistics reported by the INFO command.',
    'REWRITE',
    '    Rewrite the configuration file.',
    'HELP',
    '    Prints this help.',
  ]);
}

// ------------------------------------------------------------------------ COMMAND

function implementedSpecs(c: Client): CommandSpec[] {
  const specs: CommandSpec[] = [];
  for (const cmd of c.server.commands.all()) specs.push(cmd.spec);
  return specs;
}

function commandCommand(c: Client, argv: string[]): void {
  if (argv.length > 1) {
    c.addReplyError(unknownSubcommand(argv[1] as string, 'COMMAND'));
    return;
  }
  const specs = implementedSpecs(c);
  c.addReplyArrayLen(specs.length);
  for (const spec of specs) c.addReplyRaw(encodeRespTree(spec.info, c.resp));
}

function commandCountCommand(c: Client): void {
  c.addReplyLongLong(c.server.commands.size);
}

/** A command by name, or a subcommand by "container|sub" as COMMAND INFO/DOCS accept it. */
function lookupByFullName(c: Client, name: string): Command | undefined {
  const bar = name.indexOf('|');
  if (bar < 0) return c.server.commands.lookup(name);
  const parent = c.server.commands.lookup(name.slice(0, bar));
  return parent?.subcommands?.get(name.slice(bar + 1).toLowerCase());
}

function commandInfoCommand(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    commandCommand(c, ['command']);
    return;
  }
  c.addReplyArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const cmd = lookupByFullName(c, argv[i] as string);
    if (cmd === undefined) c.addReplyNull();
    else c.addReplyRaw(encodeRespTree(cmd.spec.info, c.resp));
  }
}

function commandDocsCommand(c: Client, argv: string[]): void {
  const names = argv.length === 2 ? implementedSpecs(c).map((s) => s.name) : argv.slice(2);
  const found: CommandSpec[] = [];
  for (const name of names) {
    const cmd = lookupByFullName(c, name);
    if (cmd !== undefined) found.push(cmd.spec);
  }
  c.addReplyMapLen(found.length);
  for (const spec of found) {
    c.addReplyBulk(spec.name);
    c.addReplyRaw(encodeRespTree(spec.docs, c.resp));
  }
}

function commandListCommand(c: Client, argv: string[]): void {
  let names: string[] = [];
  for (const cmd of c.server.commands.all()) {
    names.push(cmd.fullName);
    if (cmd.subcommands !== null) for (const sub of cmd.subcommands.values()) names.push(sub.fullName);
  }
  if (argv.length === 5 && (argv[2] as string).toUpperCase() === 'FILTERBY') {
    const kind = (argv[3] as string).toUpperCase();
    const value = argv[4] as string;
    if (kind === 'PATTERN') names = names.filter((n) => globMatch(value, n, true));
    else if (kind === 'ACLCAT') {
      names = names.filter((n) => getCommandSpec(n)?.aclCategories.includes(`@${value.toLowerCase()}`) === true);
    } else if (kind === 'MODULE') names = [];
    else {
      c.addReplyError(SYNTAX);
      return;
    }
  } else if (argv.length !== 2) {
    c.addReplyError(SYNTAX);
    return;
  }
  c.addReplyBulks(names);
}

/**
 * COMMAND GETKEYS / GETKEYSANDFLAGS: the command (or subcommand) named, then whether it has keys
 * at all, then its arity, then the keys of this call (commands/key-args.ts), as Redis 7.0's
 * getKeysSubcommandImpl checks them. No key found is an empty reply for commands whose keys are
 * optional (EVAL, FCALL), an error for the rest. With flags, each key comes with its key-spec
 * flags (a set in RESP3).
 */
function getkeysGeneric(c: Client, argv: string[], withFlags: boolean): void {
  const target = argv.slice(2);
  let cmd = c.server.commands.lookup(target[0] as string);
  if (cmd?.subcommands != null && target.length >= 2) cmd = cmd.subcommands.get((target[1] as string).toLowerCase());
  if (cmd === undefined) {
    c.addReplyError('ERR Invalid command specified');
    return;
  }
  if (!commandHasKeys(cmd.spec)) {
    c.addReplyError('ERR The command has no key arguments');
    return;
  }
  if (!arityAccepts(cmd.arity, target.length)) {
    c.addReplyError('ERR Invalid number of arguments specified for command');
    return;
  }
  const keys = keyArgumentsWithFlags(cmd.spec, target);
  if (keys.length === 0 && !cmd.spec.flags.has('no_mandatory_keys')) {
    c.addReplyError('ERR Invalid arguments specified for command');
    return;
  }
  c.addReplyArrayLen(keys.length);
  for (const { index, flags } of keys) {
    if (!withFlags) {
      c.addReplyBulk(target[index] as string);
      continue;
    }
    c.addReplyArrayLen(2);
    c.addReplyBulk(target[index] as string);
    c.addReplySetLen(flags.length);
    for (const flag of flags) c.addReplyStatus(flag);
  }
}

function commandHelpCommand(c: Client): void {
  helpReply(c, [
    'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    '(no subcommand)',
    '    Return details about all Redis commands.',
    'COUNT',
    '    Return the total number of commands in this Redis server.',
    'LIST',
    '    Return a list of all commands in this Redis server.',
    'INFO [<command-name> ...]',
    '    Return details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'DOCS [<command-name> ...]',
    '    Return documentation details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'GETKEYS <full-command>',
    '    Return the keys from a full Redis command.',
    'GETKEYSANDFLAGS <full-command>',
    '    Return the keys and the access flags from a full Redis command.',
    'HELP',
    '    Prints this help.',
  ]);
}

// ------------------------------------------------------------------------ SHUTDOWN

function shutdownCommand(c: Client, argv: string[]): void {
  let nosave = false;
  let saveFlag = false;
  let abort = false;
  let now = false;
  let force = false;
  for (let i = 1; i < argv.length; i++) {
    const opt = (argv[i] as string).toUpperCase();
    if (opt === 'NOSAVE') nosave = true;
    else if (opt === 'SAVE') saveFlag = true;
    else if (opt === 'NOW') now = true;
    else if (opt === 'FORCE') force = true;
    else if (opt === 'ABORT') abort = true;
    else {
      c.addReplyError(SYNTAX);
      return;
    }
  }
  // As Redis 7.0: ABORT takes no other flag, and NOSAVE and SAVE exclude each other.
  if ((abort && (nosave || saveFlag || now || force)) || (nosave && saveFlag)) {
    c.addReplyError(SYNTAX);
    return;
  }
  if (abort) {
    if (c.server.abortShutdown()) c.addReplyStatus('OK');
    else c.addReplyError('ERR No shutdown in progress.');
    return;
  }
  const save = nosave ? false : saveFlag ? true : null;
  // While a script runs past busy-reply-threshold only SHUTDOWN NOSAVE is served; the script
  // then stops where it is (its writes so far never get their EXEC in the AOF).
  const busy = c.server.scripting?.busyError() ?? null;
  if (busy !== null) {
    if (!nosave) {
      c.addReplyError(busy);
      return;
    }
    c.server.scripting?.dropRunning();
  }
  c.flags |= ClientFlag.closeAsap;
  c.server.requestShutdown({ save, reason: 'User requested shutdown', client: c, now, force });
}

// ------------------------------------------------------------------------ SLOWLOG

function slowlogGetCommand(c: Client, argv: string[]): void {
  let count = 10;
  if (argv.length === 3) {
    const n = parseInt64(argv[2] as string);
    if (n === null || typeof n === 'bigint' || n < -1) {
      c.addReplyError('ERR count should be greater than or equal to -1');
      return;
    }
    count = n === -1 ? c.server.slowlog.length : n;
  }
  const entries = c.server.slowlog.slice(0, count);
  c.addReplyArrayLen(entries.length);
  for (const e of entries) {
    c.addReplyArrayLen(6);
    c.addReplyLongLong(e.id);
    c.addReplyLongLong(e.timeSec);
    c.addReplyLongLong(e.usec);
    c.addReplyBulks(e.argv);
    c.addReplyBulk(e.address);
    c.addReplyBulk(e.name);
  }
}

function slowlogLenCommand(c: Client): void {
  c.addReplyLongLong(c.server.slowlog.length);
}

function slowlogResetCommand(c: Client): void {
  c.server.slowlog.length = 0;
  c.addReplyOk();
}

function slowlogHelpCommand(c: Client): void {
  helpReply(c, [
    'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'GET [<count>]',
    '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
    '    Entries are made of:',
    '    id, timestamp, time in microseconds, arguments array, client IP and port,',
    '    client name',
    'LEN',
    '    Return the length of the slowlog.',
    'RESET',
    '    Reset the slowlog.',
    'HELP',
    '    Prints this help.',
  ]);
}

export const serverCommands: CommandDef[] = [
  { name: 'info', admin: infoCommand },
  { name: 'time', admin: timeCommand },
  { name: 'config|get', admin: configGetCommand },
  { name: 'config|set', admin: configSetCommand },
  { name: 'config|resetstat', admin: configResetstatCommand },
  { name: 'config|rewrite', admin: configRewriteCommand },
  { name: 'config|help', admin: configHelpCommand },
  { name: 'command', admin: commandCommand },
  { name: 'command|count', admin: commandCountCommand },
  { name: 'command|info', admin: commandInfoCommand },
  { name: 'command|docs', admin: commandDocsCommand },
  { name: 'command|list', admin: commandListCommand },
  { name: 'command|getkeys', admin: (c, argv) => getkeysGeneric(c, argv, false) },
  { name: 'command|getkeysandflags', admin: (c, argv) => getkeysGeneric(c, argv, true) },
  { name: 'command|help', admin: commandHelpCommand },
  { name: 'shutdown', admin: shutdownCommand },
  { name: 'slowlog|get', admin: slowlogGetCommand },
  { name: 'slowlog|len', admin: slowlogLenCommand },
  { name: 'slowlog|reset', admin: slowlogResetCommand },
  { name: 'slowlog|help', admin: slowlogHelpCommand },
  { name: 'debug', admin: debugCommand },
];

export { CommandFlag, NOT_INTEGER };
