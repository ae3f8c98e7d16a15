// DUMP and RESTORE: a value serialized as Redis serializes it (the RDB encoding of the value,
// then the RDB version as two little-endian bytes and a CRC-64 of everything before), so keys
// move between Vesta and Redis with DUMP/RESTORE and MIGRATE. Redis equivalent: cluster.c
// (dumpCommand, restoreCommand, createDumpPayload, verifyDumpPayload).

import type { CommandContext } from './context.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import { RDB_VERSION } from '../persistence/rdb/constants.js';
import { Crc64 } from '../persistence/rdb/crc64.js';
import { decodeDumpPayload, RdbError } from '../persistence/rdb/decoder.js';
import { encodeDumpPayload } from '../persistence/rdb/encoder.js';
import type { Value } from '../store/value/types.js';
import { latin1Slice } from '../util/latin1.js';
import { eqIgnoreCase, int64OrReply } from './args.js';
import { SYNTAX, DUMP_PAYLOAD_INVALID } from './errors.js';
import type { CommandDef } from './types.js';

export const BUSYKEY = 'BUSYKEY Target key name already exists.';
const BAD_PAYLOAD_HEADER = DUMP_PAYLOAD_INVALID;

/** The DUMP payload of a value, honouring rdbcompression as Redis does. */
export function dumpPayload(c: CommandContext, value: Value): string {
  const payload = encodeDumpPayload(value, { compression: c.config.bool('rdbcompression') });
  return latin1Slice(payload, 0, payload.length);
}

function dumpCommand(c: CommandContext, argv: string[]): void {
  const value = c.keyspace.lookupRead(c.db, argv[1] as string);
  if (value === undefined) {
    c.addReplyNull();
    return;
  }
  c.addReplyBulk(dumpPayload(c, value));
}

/** Redis's verifyDumpPayload: at least the footer, a version it can read, a matching CRC-64. */
function payloadHeaderValid(payload: Buffer): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  if (payload.readUInt16LE(footer) > RDB_VERSION) return false;
  const crc = new Crc64();
  crc.update(payload, 0, footer + 2);
  return crc.value === payload.readBigUInt64LE(footer + 2);
}

/** A payload's value, or null after replying Redis's error. */
export function decodePayloadOrReply(c: CommandContext, text: string): Value | null {
  const payload = Buffer.from(text, 'latin1');
  if (!payloadHeaderValid(payload)) {
    c.addReplyError(BAD_PAYLOAD_HEADER);
    return null;
  }
  try {
    const config = c.config;
    return decodeDumpPayload(payload, {
      hashMaxListpackEntries: config.num('hash-max-listpack-entries'),
      hashMaxListpackValue: config.num('hash-max-listpack-value'),
      zsetMaxListpackEntries: config.num('zset-max-listpack-entries'),
      zsetMaxListpackValue: config.num('zset-max-listpack-value'),
      setMaxIntsetEntries: config.num('set-max-intset-entries'),
    });
  } catch (error: unknown) {
    if (!(error instanceof RdbError)) throw error;
    c.addReplyError('ERR Bad data format');
    return null;
  }
}

interface RestoreOptions {
  replace: boolean;
  absTtl: boolean;
  idleSeconds: number | null;
  freq: number | null;
}

function parseRestoreOptions(c: CommandContext, argv: string[]): RestoreOptions | null {
  const o: RestoreOptions = { replace: false, absTtl: false, idleSeconds: null, freq: null };
  for (let j = 4; j < argv.length; j++) {
    const arg = argv[j] as string;
    const more = argv.length - j - 1;
    if (eqIgnoreCase(arg, 'REPLACE')) o.replace = true;
    else if (eqIgnoreCase(arg, 'ABSTTL')) o.absTtl = true;
    else if (eqIgnoreCase(arg, 'IDLETIME') && more >= 1 && o.freq === null) {
      const idle = int64OrReply(c, argv[++j] as string);
      if (idle === null) return null;
      if (idle < 0) {
        c.addReplyError('ERR Invalid IDLETIME value, must be >= 0');
        return null;
      }
      o.idleSeconds = Number(idle);
    } else if (eqIgnoreCase(arg, 'FREQ') && more >= 1 && o.idleSeconds === null) {
      const freq = int64OrReply(c, argv[++j] as string);
      if (freq === null) return null;
      if (freq < 0 || freq > 255) {
        c.addReplyError('ERR Invalid FREQ value, must be >= 0 and <= 255');
        return null;
      }
      o.freq = Number(freq);
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  return o;
}

function restoreCommand(c: CommandContext, argv: string[]): void {
  const o = parseRestoreOptions(c, argv);
  if (o === null) return;
  const key = argv[1] as string;
  const ks = c.keyspace;
  if (!o.replace && ks.lookupWrite(c.db, key) !== undefined) {
    c.addReplyError(BUSYKEY);
    return;
  }
  const ttlArg = int64OrReply(c, argv[2] as string);
  if (ttlArg === null) return;
  if (ttlArg < 0) {
    c.addReplyError('ERR Invalid TTL value, must be >= 0');
    return;
  }
  const value = decodePayloadOrReply(c, argv[3] as string);
  if (value === null) return;
  const deleted = o.replace && ks.delete(c.db, key);
  let ttl = Number(ttlArg);
  if (ttl !== 0 && !o.absTtl) ttl += ks.now;
  if (ttl !== 0 && ttl <= ks.now && !c.services.isLoading()) {
    // Already expired: nothing is created; a replaced key was deleted, which is what propagates.
    if (deleted) {
      c.propagateArgv = [c.config.bool('lazyfree-lazy-server-del') ? 'UNLINK' : 'DEL', key];
      notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
    }
    c.addReplyOk();
    return;
  }
  ks.add(c.db, key, value);
  if (ttl !== 0) {
    ks.setExpire(c.db, key, ttl);
    ks.dirty--; // setExpire counted a change; Redis counts one for the whole RESTORE
    // A relative TTL is propagated as the absolute time it resolved to.
    if (!o.absTtl) c.propagateArgv = ['RESTORE', key, String(ttl), argv[3] as string, ...argv.slice(4), 'ABSTTL'];
  }
  c.services.evictor.restoreAccess(c.db, key, { idleSeconds: o.idleSeconds, freq: o.freq });
  notifyKeyspaceEvent(c, NOTIFY.generic, 'restore', key);
  c.addReplyOk();
}

export const dumpCommands: CommandDef[] = [
  { name: 'dump', handler: dumpCommand },
  { name: 'restore', handler: restoreCommand },
];
