// One CLIENT LIST / CLIENT INFO line, with Redis 7.0's fields in Redis's order.
// Redis equivalent: catClientInfoString in networking.c.

import { ClientFlag, type Client } from '../server/client.js';

/** Clients that ran CLIENT NO-EVICT ON (flag `e`; set by commands/client-pause.ts). */
export const noEvict = new WeakSet<Client>();

function flagString(c: Client): string {
  let flags = '';
  if (c.has(ClientFlag.replica)) flags += 'S';
  if (c.has(ClientFlag.master)) flags += 'M';
  if (c.has(ClientFlag.multi)) flags += 'x';
  if (c.has(ClientFlag.blocked)) flags += 'b';
  const tracking = c.server.tracking.stateOf(c);
  if (tracking !== undefined) {
    flags += 't';
    if (tracking.brokenRedirect) flags += 'R';
    if (tracking.bcast) flags += 'B';
  }
  if (c.has(ClientFlag.dirtyCas)) flags += 'd';
  if (c.has(ClientFlag.closeAfterReply)) flags += 'c';
  if (c.has(ClientFlag.closeAsap)) flags += 'A';
  if (c.has(ClientFlag.pubsub)) flags += 'P';
  if (noEvict.has(c)) flags += 'e';
  return flags === '' ? 'N' : flags;
}

export function formatClientInfo(c: Client, self: Client): string {
  const now = Date.now();
  const cmd = c === self && c.currentCommand !== null ? c.currentCommand.fullName : c.lastCommand;
  const qbuf = c.parser.pendingBytes;
  const fd = c.socket === null ? -1 : 8 + (c.id % 1000);
  return (
    `id=${c.id} addr=${c.address} laddr=${c.localAddress} fd=${fd} name=${c.name} ` +
    `age=${Math.floor((now - c.createdAtMs) / 1000)} idle=${Math.floor((now - c.lastInteractionMs) / 1000)} ` +
    `flags=${flagString(c)} db=${c.dbIndex} sub=${c.channels.size} psub=${c.patterns.size} ssub=0 ` +
    `multi=${c.has(ClientFlag.multi) ? c.queue.length : -1} qbuf=${qbuf} qbuf-free=${Math.max(0, 20474 - qbuf)} ` +
    `argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=${c.out.length} oll=0 omem=0 ` +
    `tot-mem=${22426 + qbuf + c.out.length} events=r cmd=${cmd} user=${c.has(ClientFlag.master) ? '(superuser)' : c.user} redir=${redirOf(c)} resp=${c.resp}`
  );
}

/** CLIENT LIST's redir=: the tracking redirection, 0 tracking without one, -1 not tracking. */
function redirOf(c: Client): number {
  return c.server.tracking.stateOf(c)?.redirect ?? -1;
}
