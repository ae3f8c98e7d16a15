// REPLICAOF / SLAVEOF, ROLE, REPLCONF, PSYNC / SYNC and WAIT: the commands of replication; the
// protocol itself lives in src/replication/.
// Redis equivalent: replicaofCommand, roleCommand, replconfCommand, syncCommand, waitCommand in
// replication.c.

import { ClientFlag, type Client } from '../server/client.js';
import { parseInt64 } from '../util/numbers.js';
import type { Replication } from '../replication/replication.js';
import { ROLE_STATE } from '../replication/master-link.js';
import { SYNTAX, NOT_INTEGER, TIMEOUT_NEGATIVE, TIMEOUT_NOT_INTEGER } from './errors.js';
import type { CommandDef } from './types.js';

function replication(c: Client): Replication | null {
  const repl = c.server.replication;
  if (repl === null) c.addReplyError('ERR replication is not available on this server instance');
  return repl;
}

function replicaofCommand(c: Client, argv: string[]): void {
  const repl = replication(c);
  if (repl === null) return;
  const host = argv[1] as string;
  const portText = argv[2] as string;
  if (host.toLowerCase() === 'no' && portText.toLowerCase() === 'one') {
    if (repl.link !== null) repl.promote();
    c.addReplyOk();
    return;
  }
  if (c.has(ClientFlag.replica)) {
    c.addReplyError('ERR Command is not valid when client is a replica.');
    return;
  }
  const port = parseInt64(portText);
  if (port === null || typeof port === 'bigint' || port < 0 || port > 65535) {
    c.addReplyError('ERR Invalid master port');
    return;
  }
  const link = repl.link;
  if (link !== null && link.host.toLowerCase() === host.toLowerCase() && link.port === port) {
    c.server.log.notice('REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.');
    c.addReplyStatus('OK Already connected to specified master');
    return;
  }
  repl.replicaOf(host, port);
  c.server.log.notice(`REPLICAOF ${host}:${port} enabled (user request from '${c.address}')`);
  c.addReplyOk();
}

function roleCommand(c: Client): void {
  const repl = c.server.replication;
  const link = repl?.link ?? null;
  if (repl === null || link === null) {
    const peers = repl === null ? [] : [...repl.peers.values()].filter((p) => p.state === 'online');
    c.addReplyArrayLen(3);
    c.addReplyBulk('master');
    c.addReplyLongLong(repl?.offset ?? 0);
    c.addReplyArrayLen(peers.length);
    for (const peer of peers) {
      c.addReplyArrayLen(3);
      c.addReplyBulk(peer.ip);
      c.addReplyBulk(String(peer.listeningPort));
      c.addReplyBulk(String(peer.ackOffset));
    }
    return;
  }
  c.addReplyArrayLen(5);
  c.addReplyBulk('slave');
  c.addReplyBulk(link.host);
  c.addReplyLongLong(link.port);
  c.addReplyBulk(ROLE_STATE[link.state]);
  c.addReplyLongLong(link.state === 'connected' ? repl.offset : -1);
}

function replconfCommand(c: Client, argv: string[]): void {
  if (argv.length % 2 === 0) {
    c.addReplyError(SYNTAX);
    return;
  }
  const repl = replication(c);
  if (repl === null) return;
  for (let i = 1; i < argv.length; i += 2) {
    const option = (argv[i] as string).toLowerCase();
    const value = argv[i + 1] as string;
    if (option === 'ack') {
      // No reply, ever: the replica does not read one.
      const offset = parseInt64(value);
      if (offset !== null && typeof offset === 'number') repl.ack(c, offset);
      return;
    }
    if (option === 'getack') {
      if (c.has(ClientFlag.master)) repl.link?.sendAck();
      return;
    }
    if (option === 'listening-port') {
      const port = parseInt64(value);
      if (port === null || typeof port === 'bigint') {
        c.addReplyError(NOT_INTEGER);
        return;
      }
      repl.handshakeOption(c, option, String(port));
    } else if (option === 'ip-address' || option === 'capa') {
      repl.handshakeOption(c, option, value);
    } else if (option !== 'rdb-only' && option !== 'rdb-filter-only') {
      c.addReplyError(`ERR Unrecognized REPLCONF option: ${argv[i] as string}`);
      return;
    }
  }
  c.addReplyOk();
}

function psyncCommand(c: Client, argv: string[]): void {
  replication(c)?.sync(c, argv[1] as string, argv[2] as string, false);
}

function syncCommand(c: Client): void {
  replication(c)?.sync(c, '?', '-1', true);
}

function waitCommand(c: Client, argv: string[]): void {
  const repl = replication(c);
  if (repl === null) return;
  if (repl.link !== null) {
    c.addReplyError(
      'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.',
    );
    return;
  }
  const wanted = parseInt64(argv[1] as string);
  if (wanted === null || typeof wanted === 'bigint') {
    c.addReplyError(NOT_INTEGER);
    return;
  }
  const timeout = parseInt64(argv[2] as string);
  if (timeout === null || typeof timeout === 'bigint') {
    c.addReplyError(TIMEOUT_NOT_INTEGER);
    return;
  }
  if (timeout < 0) {
    c.addReplyError(TIMEOUT_NEGATIVE);
    return;
  }
  repl.wait(c, wanted, timeout);
}

export const replicationCommands: CommandDef[] = [
  { name: 'replicaof', admin: replicaofCommand },
  { name: 'slaveof', admin: replicaofCommand },
  { name: 'role', admin: roleCommand },
  { name: 'replconf', admin: replconfCommand },
  { name: 'psync', admin: psyncCommand },
  { name: 'sync', admin: syncCommand },
  { name: 'wait', admin: waitCommand },
];
