// Connection commands: PING ECHO QUIT RESET HELLO AUTH SELECT-less client state and CLIENT.
// Redis equivalent: the connection half of networking.c (clientCommand, helloCommand) and
// acl.c's AUTH.

import { ClientFlag, type Client } from '../server/client.js';
import { REDIS_VERSION } from '../version.js';
import { parseInt64 } from '../util/numbers.js';
import { SYNTAX, NOT_INTEGER, wrongArity } from './errors.js';
import { formatClientInfo } from './client-info.js';
import type { CommandDef } from './types.js';

import { WRONGPASS } from '../server/acl.js';
import { logAuthFailure } from './acl.js';

const CLIENT_NAME_CHARS = 'ERR Client names cannot contain spaces, newlines or special characters.';

function unknownClientType(type: string): string {
  return `ERR Unknown client type '${type}'`;
}

function pingCommand(c: Client, argv: string[]): void {
  if (argv.length > 2) {
    c.addReplyError(wrongArity('ping'));
    return;
  }
  if (c.resp === 2 && c.has(ClientFlag.pubsub)) {
    c.addReplyArrayLen(2);
    c.addReplyBulk('pong');
    c.addReplyBulk(argv[1] ?? '');
    return;
  }
  if (argv.length === 2) c.addReplyBulk(argv[1] as string);
  else c.addReplyStatus('PONG');
}

function echoCommand(c: Client, argv: string[]): void {
  c.addReplyBulk(argv[1] as string);
}

function quitCommand(c: Client): void {
  c.addReplyOk();
  c.flags |= ClientFlag.closeAfterReply;
}

/** Checks a username/password pair against the ACL; a refusal is logged in ACL LOG. */
function checkPassword(c: Client, user: string, password: string): boolean {
  if (c.server.acl.checkPassword(user, password)) return true;
  logAuthFailure(c, user);
  return false;
}

function authCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.addReplyError(SYNTAX);
    return;
  }
  if (argv.length === 2 && c.server.acl.defaultUser.nopass) {
    c.addReplyError(
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
    return;
  }
  const user = argv.length === 3 ? (argv[1] as string) : 'default';
  const password = argv[argv.length - 1] as string;
  if (!checkPassword(c, user, password)) {
    c.addReplyError(WRONGPASS);
    return;
  }
  c.authenticated = true;
  c.user = user;
  c.addReplyOk();
}

function helloCommand(c: Client, argv: string[]): void {
  let version = c.resp as number;
  let i = 1;
  if (argv.length >= 2) {
    const v = parseInt64(argv[1] as string);
    if (v === null) {
      c.addReplyError('ERR Protocol version is not an integer or out of range');
      return;
    }
    if (v !== 2 && v !== 3) {
      c.addReplyError('NOPROTO unsupported protocol version');
      return;
    }
    version = v;
    i = 2;
  }
  let auth: [string, string] | null = null;
  let name: string | null = null;
  for (; i < argv.length; i++) {
    const opt = (argv[i] as string).toUpperCase();
    const left = argv.length - i - 1;
    if (opt === 'AUTH' && left >= 2) {
      auth = [argv[i + 1] as string, argv[i + 2] as string];
      i += 2;
    } else if (opt === 'SETNAME' && left >= 1) {
      name = argv[i + 1] as string;
      i += 1;
    } else {
      c.addReplyError(`ERR Syntax error in HELLO option '${argv[i] as string}'`);
      return;
    }
  }
  if (auth !== null) {
    if (!checkPassword(c, auth[0], auth[1])) {
      c.addReplyError(WRONGPASS);
      return;
    }
    c.authenticated = true;
    c.user = auth[0];
  }
  if (!c.authenticated) {
    c.addReplyError('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
    return;
  }
  if (name !== null) {
    if (!validClientName(name)) {
      c.addReplyError(CLIENT_NAME_CHARS);
      return;
    }
    c.name = name;
  }
  c.resp = version as 2 | 3;
  c.addReplyMapLen(7);
  c.addReplyBulk('server');
  c.addReplyBulk('redis');
  c.addReplyBulk('version');
  c.addReplyBulk(REDIS_VERSION);
  c.addReplyBulk('proto');
  c.addReplyLongLong(version);
  c.addReplyBulk('id');
  c.addReplyLongLong(c.id);
  c.addReplyBulk('mode');
  c.addReplyBulk('standalone');
  c.addReplyBulk('role');
  c.addReplyBulk('master');
  c.addReplyBulk('modules');
  c.addReplyArrayLen(0);
}

function resetCommand(c: Client): void {
  c.server.resetClient(c);
  // RESET turns CLIENT REPLY back on before it answers.
  c.replyOff = false;
  c.replySkip = false;
  c.replySkipNext = false;
  c.endSilence();
  c.addReplyStatus('RESET');
}

function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 33 || code > 126) return false;
  }
  return true;
}

// ------------------------------------------------------------------------ CLIENT

function clientIdCommand(c: Client): void {
  c.addReplyLongLong(c.id);
}

function clientSetnameCommand(c: Client, argv: string[]): void {
  const name = argv[2] as string;
  if (!validClientName(name)) {
    c.addReplyError(CLIENT_NAME_CHARS);
    return;
  }
  c.name = name;
  c.addReplyOk();
}

function clientGetnameCommand(c: Client): void {
  if (c.name === '') c.addReplyNull();
  else c.addReplyBulk(c.name);
}

function clientTypeOf(other: Client): string {
  if (other.has(ClientFlag.master)) return 'master';
  if (other.has(ClientFlag.replica)) return 'replica';
  if (other.has(ClientFlag.pubsub)) return 'pubsub';
  return 'normal';
}

function clientListCommand(c: Client, argv: string[]): void {
  let type: string | null = null;
  let ids: Set<number> | null = null;
  if (argv.length === 4 && (argv[2] as string).toUpperCase() === 'TYPE') {
    type = (argv[3] as string).toLowerCase();
    if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) {
      c.addReplyError(unknownClientType(argv[3] as string));
      return;
    }
  } else if (argv.length >= 4 && (argv[2] as string).toUpperCase() === 'ID') {
    ids = new Set();
    for (let i = 3; i < argv.length; i++) {
      // Any 64-bit integer is accepted; ids that name no client (0, negative) just match none.
      const id = parseInt64(argv[i] as string);
      if (id === null) {
        c.addReplyError('ERR Invalid client ID');
        return;
      }
      if (typeof id === 'number') ids.add(id);
    }
  } else if (argv.length !== 2) {
    c.addReplyError(SYNTAX);
    return;
  }
  let text = '';
  for (const other of c.server.clients.values()) {
    if (type !== null && clientTypeOf(other) !== (type === 'slave' ? 'replica' : type)) continue;
    if (ids !== null && !ids.has(other.id)) continue;
    text += formatClientInfo(other, c) + '\n';
  }
  c.addReplyVerbatim(text);
}

function clientInfoCommand(c: Client): void {
  c.addReplyVerbatim(formatClientInfo(c, c) + '\n');
}

/** The old form, CLIENT KILL ip:port: the one client at that address, +OK or an error. */
function clientKillAddr(c: Client, addr: string): void {
  for (const other of c.server.clients.values()) {
    if (other.address === addr) {
      killClient(other, c);
      c.addReplyOk();
      return;
    }
  }
  c.addReplyError('ERR No such client');
}

function clientKillCommand(c: Client, argv: string[]): void {
  const clients = c.server.clients;
  if (argv.length === 3) return clientKillAddr(c, argv[2] as string);
  if (argv.length % 2 !== 0) {
    c.addReplyError(SYNTAX);
    return;
  }
  let id: number | null = null;
  let addr: string | null = null;
  let laddr: string | null = null;
  let type: string | null = null;
  let user: string | null = null;
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = (argv[i] as string).toUpperCase();
    const value = argv[i + 1] as string;
    if (opt === 'ID') {
      const v = parseInt64(value);
      if (v === null || typeof v === 'bigint' || v <= 0) {
        c.addReplyError('ERR client-id should be greater than 0');
        return;
      }
      id = v;
    } else if (opt === 'ADDR') addr = value;
    else if (opt === 'LADDR') laddr = value;
    else if (opt === 'TYPE') {
      type = value.toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) {
        c.addReplyError(unknownClientType(value));
        return;
      }
    } else if (opt === 'USER') {
      if (!c.server.acl.users.has(value)) {
        c.addReplyError(`ERR No such user '${value}'`);
        return;
      }
      user = value;
    } else if (opt === 'SKIPME') {
      const v = value.toLowerCase();
      if (v !== 'yes' && v !== 'no') {
        c.addReplyError(SYNTAX);
        return;
      }
      skipMe = v === 'yes';
    } else {
      c.addReplyError(SYNTAX);
      return;
    }
  }
  let killed = 0;
  for (const other of [...clients.values()]) {
    if (id !== null && other.id !== id) continue;
    if (addr !== null && other.address !== addr) continue;
    if (laddr !== null && other.localAddress !== laddr) continue;
    if (type !== null && clientTypeOf(other) !== (type === 'slave' ? 'replica' : type)) continue;
    if (user !== null && other.user !== user) continue;
    if (skipMe && other === c) continue;
    killClient(other, c);
    killed++;
  }
  c.addReplyLongLong(killed);
}

function killClient(target: Client, self: Client): void {
  if (target === self) {
    target.flags |= ClientFlag.closeAfterReply;
    return;
  }
  target.flags |= ClientFlag.closeAsap;
  target.socket?.destroy();
}

/**
 * CLIENT REPLY ON|OFF|SKIP. OFF and SKIP answer nothing, as in Redis; OFF also silences the
 * rest of an EXEC it runs in. Pushes still go out (server/client.ts).
 */
function clientReplyCommand(c: Client, argv: string[]): void {
  const mode = (argv[2] as string).toUpperCase();
  if (mode === 'ON') {
    c.replyOff = false;
    c.replySkip = false;
    c.replySkipNext = false;
    c.endSilence();
    c.addReplyOk();
  } else if (mode === 'OFF') {
    c.replyOff = true;
    c.beginSilence();
  } else if (mode === 'SKIP') {
    if (!c.replyOff) c.replySkipNext = true;
  } else {
    c.addReplyError(SYNTAX);
  }
}

function clientHelpCommand(c: Client): void {
  const lines = [
    'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'GETNAME',
    '    Return the name of the current connection.',
    'ID',
    '    Return the ID of the current connection.',
    'INFO',
    '    Return information about the current client connection.',
    'KILL <ip:port>',
    '    Kill connection made from <ip:port>.',
    'KILL <option> <value> [<option> <value> [...]]',
    '    Kill connections. Options are:',
    '    * ADDR (<ip:port>|<unixsocket>:0)',
    '      Kill connections made from the specified address',
    '    * LADDR (<ip:port>|<unixsocket>:0)',
    '      Kill connections made to specified local address',
    '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
    '      Kill connections by type.',
    '    * USER <username>',
    '      Kill connections authenticated by <username>.',
    '    * SKIPME (YES|NO)',
    '      Skip killing current connection (default: yes).',
    'LIST [options ...]',
    '    Return information about client connections. Options:',
    '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
    '      Return clients of specified type.',
    'SETNAME <name>',
    '    Assign the name <name> to the current connection.',
    'HELP',
    '    Prints this help.',
  ];
  c.addReplyArrayLen(lines.length);
  for (const line of lines) c.addReplyStatus(line);
}

export const connectionCommands: CommandDef[] = [
  { name: 'ping', admin: pingCommand },
  { name: 'echo', admin: echoCommand },
  { name: 'quit', admin: quitCommand },
  { name: 'reset', admin: resetCommand },
  { name: 'auth', admin: authCommand },
  { name: 'hello', admin: helloCommand },
  { name: 'client|id', admin: clientIdCommand },
  { name: 'client|setname', admin: clientSetnameCommand },
  { name: 'client|getname', admin: clientGetnameCommand },
  { name: 'client|list', admin: clientListCommand },
  { name: 'client|info', admin: clientInfoCommand },
  { name: 'client|kill', admin: clientKillCommand },
  { name: 'client|reply', admin: clientReplyCommand },
  { name: 'client|help', admin: clientHelpCommand },
];

export { NOT_INTEGER };
