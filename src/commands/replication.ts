// REPLICAOF / SLAVEOF, ROLE, REPLCONF, PSYNC / SYNC, WAIT and FAILOVER: the commands of
// replication; the protocol itself lives in src/replication/.
// Redis equivalent: replicaofCommand, roleCommand, replconfCommand, syncCommand, waitCommand,
// failoverCommand in replication.c.

import { ClientFlag, type Client } from '../server/client.js';
import { parseInt64 } from '../util/numbers.js';
import type { Replication } from '../replication/replication.js';
import type { FailoverRequest } from '../replication/failover.js';
import { ROLE_STATE } from '../replication/master-link.js';
import { formatClientInfo } from './client-info.js';
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
  if (repl.failover.state !== 'no-failover') {
    c.addReplyError('ERR REPLICAOF not allowed while failing over.');
    return;
  }
  const host = argv[1] as string;
  const portText = argv[2] as string;
  if (host.toLowerCase() === 'no' && portText.toLowerCase() === 'one') {
    if (repl.link !== null) repl.promote(`MASTER MODE enabled (user request from '${formatClientInfo(c, c)}')`);
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
  const repl = replication(c);
  if (repl === null) return;
  const request = { replid: argv[1] as string, offset: argv[2] as string, oldSync: false };
  // PSYNC replid offset FAILOVER: our master hands its role to us (further arguments ignored).
  const failover = argv.length > 3 && (argv[3] as string).toLowerCase() === 'failover';
  repl.sync(c, failover ? { ...request, failoverFrom: formatClientInfo(c, c) } : request);
}

function syncCommand(c: Client): void {
  replication(c)?.sync(c, { replid: '?', offset: '-1', oldSync: true });
}

/** FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds], checked in Redis's order. */
function failoverCommand(c: Client, argv: string[]): void {
  const repl = replication(c);
  if (repl === null) return;
  const failover = repl.failover;
  if (argv.length === 2 && (argv[1] as string).toLowerCase() === 'abort') {
    if (failover.state === 'no-failover') {
      c.addReplyError('ERR No failover in progress.');
      return;
    }
    failover.abort('Failover manually aborted');
    c.addReplyOk();
    return;
  }
  const request = parseFailover(c, argv);
  if (request === null) return;
  const refusal = failoverRefusal(repl, request);
  if (refusal !== null) {
    c.addReplyError(refusal);
    return;
  }
  failover.start(request);
  c.addReplyOk();
}

/** The arguments, or null after replying the first error (Redis's parse loop). */
function parseFailover(c: Client, argv: string[]): FailoverRequest | null {
  const request: FailoverRequest = { host: null, port: 0, timeoutMs: 0, force: false };
  for (let j = 1; j < argv.length; j++) {
    const word = (argv[j] as string).toLowerCase();
    if (word === 'timeout' && j + 1 < argv.length && request.timeoutMs === 0) {
      const ms = parseLong(c, argv[j + 1] as string);
      if (ms === null) return null;
      if (ms <= 0) {
        c.addReplyError('ERR FAILOVER timeout must be greater than 0');
        return null;
      }
      request.timeoutMs = ms;
      j++;
    } else if (word === 'to' && j + 2 < argv.length && request.host === null) {
      const port = parseLong(c, argv[j + 2] as string);
      if (port === null) return null;
      request.host = argv[j + 1] as string;
      request.port = port;
      j += 2;
    } else if (word === 'force' && !request.force) {
      request.force = true;
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  return request;
}

function parseLong(c: Client, text: string): number | null {
  const n = parseInt64(text);
  if (n === null || typeof n === 'bigint') {
    c.addReplyError(NOT_INTEGER);
    return null;
  }
  return n;
}

/** Why the server cannot start this failover now (null: it can). */
function failoverRefusal(repl: Replication, request: FailoverRequest): string | null {
  if (repl.failover.state !== 'no-failover') return 'ERR FAILOVER already in progress.';
  if (repl.link !== null) return 'ERR FAILOVER is not valid when server is a replica.';
  if (repl.peers.size === 0) return 'ERR FAILOVER requires connected replicas.';
  if (request.force && (request.timeoutMs === 0 || request.host === null)) {
    return 'ERR FAILOVER with force option requires both a timeout and target HOST and IP.';
  }
  if (request.host === null) return null;
  const target = repl.failover.findReplica(request.host, request.port);
  if (target === undefined) return 'ERR FAILOVER target HOST and PORT is not a replica.';
  if (target.state !== 'online') return 'ERR FAILOVER target replica is not online.';
  return null;
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
  { name: 'failover', admin: failoverCommand },
];
