// ACL commands: SETUSER DELUSER GETUSER LIST USERS WHOAMI CAT LOG LOAD SAVE GENPASS DRYRUN HELP,
// with Redis 7.0's replies. The rules and checks themselves live in server/acl.ts.
// Redis equivalent: aclCommand in acl.c.

import { randomBytes } from '../platform/crypto.js';
import { ACL_CATEGORIES, aclCommandUniverse } from '../server/acl-user.js';
import { specOf } from '../server/acl.js';
import { ClientFlag, type Client } from '../server/client.js';
import { formatClientInfo } from './client-info.js';
import { NOT_INTEGER, wrongArity } from './errors.js';
import { arityAccepts } from './table.js';
import type { CommandDef } from './types.js';
import { parseInt64 } from '../util/numbers.js';

const NO_ACLFILE =
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';

function aclSetuserCommand(c: Client, argv: string[]): void {
  const error = c.server.acl.setUser(argv[2] as string, argv.slice(3));
  if (error !== null) c.addReplyError(error);
  else c.addReplyOk();
}

function aclDeluserCommand(c: Client, argv: string[]): void {
  const acl = c.server.acl;
  let deleted = 0;
  for (const name of argv.slice(2)) {
    if (name === 'default') {
      c.addReplyError("ERR The 'default' user cannot be removed");
      return;
    }
  }
  for (const name of argv.slice(2)) {
    if (!acl.users.delete(name)) continue;
    deleted++;
    // Clients authenticated as a deleted user are disconnected, as Redis does.
    for (const other of c.server.clients.values()) {
      if (other.user !== name) continue;
      if (other === c) other.flags |= ClientFlag.closeAfterReply;
      else {
        other.flags |= ClientFlag.closeAsap;
        other.socket?.destroy();
      }
    }
  }
  c.addReplyLongLong(deleted);
}

function aclGetuserCommand(c: Client, argv: string[]): void {
  const user = c.server.acl.users.get(argv[2] as string);
  if (user === undefined) {
    c.addReplyNull();
    return;
  }
  c.addReplyMapLen(6);
  c.addReplyBulk('flags');
  const flags = user.flagWords();
  c.addReplySetLen(flags.length);
  for (const f of flags) c.addReplyBulk(f);
  c.addReplyBulk('passwords');
  c.addReplyArrayLen(user.passwords.length);
  for (const p of user.passwords) c.addReplyBulk(p);
  c.addReplyBulk('commands');
  c.addReplyBulk(describeCommands(user.describe()));
  c.addReplyBulk('keys');
  c.addReplyBulk(user.describeKeys());
  c.addReplyBulk('channels');
  c.addReplyBulk(user.describeChannels());
  c.addReplyBulk('selectors');
  c.addReplyArrayLen(0);
}

/** The command rules are the tail of the LIST line, from its +@all / -@all word on. */
function describeCommands(line: string): string {
  const at = Math.max(line.lastIndexOf(' +@all'), line.lastIndexOf(' -@all'));
  return line.slice(at + 1);
}

function aclListCommand(c: Client): void {
  const users = c.server.acl.sortedUsers();
  c.addReplyArrayLen(users.length);
  for (const u of users) c.addReplyBulk(u.describe());
}

function aclUsersCommand(c: Client): void {
  const users = c.server.acl.sortedUsers();
  c.addReplyArrayLen(users.length);
  for (const u of users) c.addReplyBulk(u.name);
}

function aclWhoamiCommand(c: Client): void {
  c.addReplyBulk(c.user);
}

function aclCatCommand(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    c.addReplyArrayLen(ACL_CATEGORIES.length);
    for (const cat of ACL_CATEGORIES) c.addReplyBulk(cat);
    return;
  }
  const category = (argv[2] as string).toLowerCase();
  if (!(ACL_CATEGORIES as readonly string[]).includes(category)) {
    c.addReplyError(`ERR Unknown category '${argv[2] as string}'`);
    return;
  }
  const names = aclCommandUniverse()
    .list.filter((cmd) => cmd.categories.has(category))
    .map((cmd) => cmd.fullName);
  c.addReplyArrayLen(names.length);
  for (const n of names) c.addReplyBulk(n);
}

function aclLogCommand(c: Client, argv: string[]): void {
  const acl = c.server.acl;
  let count = acl.log.length;
  if (argv.length === 3) {
    if ((argv[2] as string).toLowerCase() === 'reset') {
      acl.log.length = 0;
      c.addReplyOk();
      return;
    }
    const n = parseInt64(argv[2] as string);
    if (n === null || typeof n === 'bigint' || n < 0) {
      c.addReplyError(NOT_INTEGER);
      return;
    }
    count = Math.min(count, n);
  } else if (argv.length > 3) {
    c.addReplyError(NOT_INTEGER);
    return;
  }
  const now = Date.now();
  c.addReplyArrayLen(count);
  for (const entry of acl.log.slice(0, count)) {
    c.addReplyMapLen(7);
    c.addReplyBulk('count');
    c.addReplyLongLong(entry.count);
    c.addReplyBulk('reason');
    c.addReplyBulk(entry.reason);
    c.addReplyBulk('context');
    c.addReplyBulk(entry.context);
    c.addReplyBulk('object');
    c.addReplyBulk(entry.object);
    c.addReplyBulk('username');
    c.addReplyBulk(entry.username);
    c.addReplyBulk('age-seconds');
    c.addReplyDouble((now - entry.createdAtMs) / 1000);
    c.addReplyBulk('client-info');
    c.addReplyBulk(entry.clientInfo);
  }
}

function aclLoadCommand(c: Client): void {
  const path = c.config.str('aclfile');
  if (path === '') {
    c.addReplyError(NO_ACLFILE);
    return;
  }
  const error = c.server.acl.loadFile(path);
  if (error !== null) {
    c.addReplyError(`ERR ${error}`);
    return;
  }
  dropClientsOfMissingUsers(c);
  c.addReplyOk();
}

function aclSaveCommand(c: Client): void {
  const path = c.config.str('aclfile');
  if (path === '') {
    c.addReplyError(NO_ACLFILE);
    return;
  }
  try {
    c.server.acl.saveFile(path);
    c.addReplyOk();
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    c.server.log.warning(`Saving the ACL file failed: ${message}`);
    c.addReplyError('ERR There was an error trying to save the ACLs. Please check the server logs for more information');
  }
}

function aclGenpassCommand(c: Client, argv: string[]): void {
  let bits = 256;
  if (argv.length === 3) {
    const n = parseInt64(argv[2] as string);
    if (n === null || typeof n === 'bigint' || n <= 0 || n > 4096) {
      c.addReplyError(
        'ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096',
      );
      return;
    }
    bits = n;
  }
  const chars = Math.ceil(bits / 4);
  c.addReplyBulk(randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars));
}

function aclDryrunCommand(c: Client, argv: string[]): void {
  const name = argv[2] as string;
  if (!c.server.acl.users.has(name)) {
    c.addReplyError(`ERR User '${name}' not found`);
    return;
  }
  const args = argv.slice(3);
  const top = specOf((args[0] as string).toLowerCase());
  if (top === undefined) {
    c.addReplyError(`ERR Command '${args[0] as string}' not found`);
    return;
  }
  const sub = args.length >= 2 ? top.subcommands.get((args[1] as string).toLowerCase()) : undefined;
  const spec = sub ?? top;
  if (!arityAccepts(spec.arity, args.length)) {
    c.addReplyError(wrongArity(spec.name));
    return;
  }
  const denied = c.server.acl.check(name, spec, args);
  if (denied === null) {
    c.addReplyOk();
    return;
  }
  const text =
    denied.reason === 'command'
      ? `This user has no permissions to run the '${spec.name}' command`
      : denied.reason === 'key'
        ? `This user has no permissions to access the '${denied.object}' key`
        : `This user has no permissions to access the '${denied.object}' channel`;
  c.addReplyBulk(text);
}

function aclHelpCommand(c: Client): void {
  const lines = [
    'ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'CAT [<category>]',
    '    List all commands that belong to <category>, or all command categories',
    '    when no category is specified.',
    'DELUSER <username> [<username> ...]',
    '    Delete a list of users.',
    'DRYRUN <username> <command> [<arg> ...]',
    '    Returns whether the user can execute the given command without executing the command.',
    'GETUSER <username>',
    "    Get the user's details.",
    'GENPASS [<bits>]',
    '    Generate a secure 256-bit user password. The optional `bits` argument can',
    '    be used to specify a different size.',
    'LIST',
    '    Show users details in config file format.',
    'LOAD',
    '    Reload users from the ACL file.',
    'LOG [<count> | RESET]',
    '    Show the ACL log entries.',
    'SAVE',
    '    Save the current config to the ACL file.',
    'SETUSER <username> <attribute> [<attribute> ...]',
    '    Create or modify a user with the specified attributes.',
    'USERS',
    '    List all the registered usernames.',
    'WHOAMI',
    '    Return the current connection username.',
    'HELP',
    '    Prints this help.',
  ];
  c.addReplyArrayLen(lines.length);
  for (const line of lines) c.addReplyStatus(line);
}

/** After ACL LOAD: clients whose user no longer exists are disconnected, as Redis does. */
function dropClientsOfMissingUsers(c: Client): void {
  for (const other of c.server.clients.values()) {
    if (c.server.acl.users.has(other.user)) continue;
    if (other === c) other.flags |= ClientFlag.closeAfterReply;
    else {
      other.flags |= ClientFlag.closeAsap;
      other.socket?.destroy();
    }
  }
}

/** Records a refused AUTH / HELLO AUTH in ACL LOG (reason "auth", object "AUTH"). */
export function logAuthFailure(c: Client, username: string): void {
  const server = c.server;
  server.acl.addLogEntry(
    {
      reason: 'auth',
      context: c.has(ClientFlag.multi) ? 'multi' : 'toplevel',
      object: 'AUTH',
      username,
      clientInfo: formatClientInfo(c, c),
    },
    Date.now(),
    server.config.num('acllog-max-len'),
  );
}

export const aclCommands: CommandDef[] = [
  { name: 'acl|setuser', admin: aclSetuserCommand },
  { name: 'acl|deluser', admin: aclDeluserCommand },
  { name: 'acl|getuser', admin: aclGetuserCommand },
  { name: 'acl|list', admin: aclListCommand },
  { name: 'acl|users', admin: aclUsersCommand },
  { name: 'acl|whoami', admin: aclWhoamiCommand },
  { name: 'acl|cat', admin: aclCatCommand },
  { name: 'acl|log', admin: aclLogCommand },
  { name: 'acl|load', admin: aclLoadCommand },
  { name: 'acl|save', admin: aclSaveCommand },
  { name: 'acl|genpass', admin: aclGenpassCommand },
  { name: 'acl|dryrun', admin: aclDryrunCommand },
  { name: 'acl|help', admin: aclHelpCommand },
];
