// HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST. An HLL is a string in
// Redis's exact format (store/value/hyperloglog.ts), so dumps, AOFs, DUMP payloads and replicas
// carry it between Vesta and Redis unchanged. Redis equivalent: hyperloglog.c (the commands).

import type { CommandContext } from './context.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import { latin1Slice } from '../util/latin1.js';
import {
  HLL_DENSE,
  HLL_REGISTERS,
  cachedCountString,
  createHll,
  decodeSparse,
  denseAddsNothing,
  denseGet,
  hllAdd,
  hllCount,
  hllMerge,
  hllPatLen,
  hllSet,
  invalidateCache,
  isHll,
  murmurHash64A,
  rawCount,
  setCachedCount,
  sparseToDense,
} from '../store/value/hyperloglog.js';
import { WRONGTYPE } from './errors.js';
import type { CommandDef } from './types.js';

const INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';
const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';

/**
 * The bytes of the HLL last stored by this module and the string made of them: PFADD on the
 * same key again finds its string here and changes these bytes in place instead of copying 12 KB
 * out of the string. Strings are compared by value, so a hit is always the same bytes, whichever
 * server or key the string belongs to. Forgotten before any change to the bytes, so a failed
 * command cannot leave them out of step with the string.
 */
let lastHllString: string | null = null;
let lastHllBytes: Buffer | null = null;

function hllBytes(value: string): Buffer {
  if (lastHllBytes !== null && value === lastHllString) {
    const bytes = lastHllBytes;
    lastHllString = null;
    lastHllBytes = null;
    return bytes;
  }
  return Buffer.from(value, 'latin1');
}

/** The HLL string at key, null when absent, undefined after replying (wrong type). */
function hllStringOrReply(c: CommandContext, value: unknown): string | null | undefined {
  if (value === undefined) return null;
  if (typeof value !== 'string') {
    c.addReplyError(WRONGTYPE);
    return undefined;
  }
  if (!isHll(value)) {
    c.addReplyError(NOT_HLL);
    return undefined;
  }
  return value;
}

/** The HLL at key as a Buffer, null when absent, undefined after replying (wrong type). */
function hllOrReply(c: CommandContext, value: unknown): Buffer | null | undefined {
  const s = hllStringOrReply(c, value);
  return typeof s === 'string' ? hllBytes(s) : s;
}

/** Stores an HLL's new bytes; HLLs are changed in place in Redis, so their encoding is raw. */
function storeHll(c: CommandContext, key: string, existed: boolean, hll: Buffer): void {
  const ks = c.keyspace;
  const value = latin1Slice(hll, 0, hll.length);
  if (existed) ks.setKey(c.db, key, value, true);
  else ks.add(c.db, key, value);
  c.services.stringEncodings.mark(c.db, key, value, 'raw');
  lastHllString = value;
  lastHllBytes = hll;
}

function sparseMaxBytes(c: CommandContext): number {
  return c.config.num('hll-sparse-max-bytes');
}

function pfaddCommand(c: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const ks = c.keyspace;
  const current = ks.lookupWrite(c.db, key);
  const currentHll = hllStringOrReply(c, current);
  if (currentHll === undefined) return;
  if (currentHll !== null && denseAddsNothing(currentHll, argv, 2)) {
    c.services.stringEncodings.mark(c.db, key, currentHll, 'raw'); // Redis unshares it all the same
    c.addReplyLongLong(0);
    return;
  }
  let hll = currentHll === null ? null : hllBytes(currentHll);
  let updated = 0;
  const created = hll === null;
  if (hll === null) {
    hll = createHll();
    updated++;
  }
  const maxBytes = sparseMaxBytes(c);
  for (let j = 2; j < argv.length; j++) {
    const added = hllAdd(hll, argv[j] as string, maxBytes);
    if (added.result < 0) {
      c.addReplyError(INVALID_HLL);
      return;
    }
    hll = added.hll;
    updated += added.result;
  }
  if (updated > 0) {
    invalidateCache(hll);
    storeHll(c, key, !created, hll);
    ks.dirty += updated - 1; // storeHll counted one change
    notifyKeyspaceEvent(c, NOTIFY.string, 'pfadd', key);
  } else if (typeof current === 'string') {
    c.services.stringEncodings.mark(c.db, key, current, 'raw'); // Redis unshares it all the same
  }
  c.addReplyLongLong(updated > 0 ? 1 : 0);
}

function pfcountCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  if (argv.length > 2) {
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const hll = hllOrReply(c, ks.lookupRead(c.db, argv[j] as string));
      if (hll === undefined) return;
      if (hll === null) continue;
      if (!hllMerge(max, hll)) {
        c.addReplyError(INVALID_HLL);
        return;
      }
    }
    c.addReplyLongLong(rawCount(max));
    return;
  }
  const key = argv[1] as string;
  const current = hllStringOrReply(c, ks.lookupRead(c.db, key));
  if (current === undefined) return;
  if (current === null) {
    c.addReplyLongLong(0);
    return;
  }
  const cached = cachedCountString(current);
  if (cached !== null) {
    c.addReplyLongLong(cached);
    return;
  }
  const hll = hllBytes(current);
  const count = hllCount(hll);
  if (count === null) {
    c.addReplyError(INVALID_HLL);
    return;
  }
  // Caching the count changes the string: Redis counts it as a write and propagates PFCOUNT.
  setCachedCount(hll, count);
  ks.lookupWrite(c.db, key);
  storeHll(c, key, true, hll);
  c.addReplyLongLong(count);
}

function pfmergeCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const hll = hllOrReply(c, ks.lookupRead(c.db, argv[j] as string));
    if (hll === undefined) return;
    if (hll === null) continue;
    if (hll[4] === HLL_DENSE) useDense = true;
    if (!hllMerge(max, hll)) {
      c.addReplyError(INVALID_HLL);
      return;
    }
  }
  const key = argv[1] as string;
  const current = ks.lookupWrite(c.db, key);
  let hll = typeof current === 'string' ? Buffer.from(current, 'latin1') : createHll();
  if (useDense && hll[4] !== HLL_DENSE) {
    const dense = sparseToDense(hll);
    if (dense === null) {
      c.addReplyError(INVALID_HLL);
      return;
    }
    hll = dense;
  }
  const maxBytes = sparseMaxBytes(c);
  for (let i = 0; i < HLL_REGISTERS; i++) {
    const value = max[i] as number;
    if (value !== 0) hll = hllSet(hll, i, value, maxBytes).hll;
  }
  invalidateCache(hll);
  storeHll(c, key, current !== undefined, hll);
  // PFMERGE is a mass-add of elements: Redis raises a pfadd event for it.
  notifyKeyspaceEvent(c, NOTIFY.string, 'pfadd', key);
  c.addReplyOk();
}

function pfdebugCommand(c: CommandContext, argv: string[]): void {
  const sub = argv[1] as string;
  const key = argv[2] as string;
  const ks = c.keyspace;
  let hll = hllOrReplyMissing(c, ks.lookupWrite(c.db, key));
  if (hll === undefined) return;
  switch (sub.toLowerCase()) {
    case 'getreg':
    case 'todense': {
      const converted = hll[4] !== HLL_DENSE;
      if (converted) {
        const dense = sparseToDense(hll);
        if (dense === null) {
          c.addReplyError(INVALID_HLL);
          return;
        }
        hll = dense;
        storeHll(c, key, true, hll); // counts the change: Redis propagates the conversion
      }
      if (sub.toLowerCase() === 'todense') {
        c.addReplyLongLong(converted ? 1 : 0);
        return;
      }
      c.addReplyArrayLen(HLL_REGISTERS);
      for (let i = 0; i < HLL_REGISTERS; i++) c.addReplyLongLong(denseGet(hll, i));
      return;
    }
    case 'decode':
      if (hll[4] === HLL_DENSE) c.addReplyError('ERR HLL encoding is not sparse');
      else c.addReplyBulk(decodeSparse(hll));
      return;
    case 'encoding':
      c.addReplyStatus(hll[4] === HLL_DENSE ? 'dense' : 'sparse');
      return;
    default:
      c.addReplyError(`ERR Unknown PFDEBUG subcommand '${sub}'`);
  }
}

/** PFDEBUG's lookup: a missing key is an error rather than an empty HLL. */
function hllOrReplyMissing(c: CommandContext, value: unknown): Buffer | undefined {
  if (value === undefined) {
    c.addReplyError('ERR The specified key does not exist');
    return undefined;
  }
  return hllOrReply(c, value) ?? undefined;
}

/**
 * PFSELFTEST: checks the register encoding (every register set and read back in the dense
 * form, through sparse-to-dense conversion) and the estimator's error on known cardinalities.
 */
function pfselftestCommand(c: CommandContext): void {
  const error = hllSelfTest();
  if (error === null) c.addReplyOk();
  else c.addReplyError(`ERR TESTFAILED ${error}`);
}

function hllSelfTest(): string | null {
  let hll = createHll();
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let i = 0; i < HLL_REGISTERS; i += 7) {
    const value = (i % 63) + 1;
    hll = hllSet(hll, i, value, 1 << 30).hll;
    expected[i] = value;
  }
  const dense = hll[4] === HLL_DENSE ? hll : sparseToDense(hll);
  if (dense === null) return 'sparse encoding corrupt';
  for (let i = 0; i < HLL_REGISTERS; i++) {
    if (denseGet(dense, i) !== expected[i]) return `register ${i} reads back wrong`;
  }
  if (murmurHash64A('', 0).join(',') !== '0,0') return 'hash of the empty string';
  let probe = createHll();
  for (let n = 1; n <= 100_000; n++) {
    probe = hllAdd(probe, `selftest:${n}`, 3000).hll;
    if (n % 10_000 === 0) {
      const estimate = hllCount(probe) ?? -1;
      const relError = Math.abs(estimate - n) / n;
      // 1.04 / sqrt(16384) is the standard error; allow five of them.
      if (relError > 5 * 0.0081) return `estimate ${estimate} for ${n} elements`;
    }
  }
  return hllPatLen('a').count > 0 ? null : 'pattern length';
}

export const hyperloglogCommands: CommandDef[] = [
  { name: 'pfadd', handler: pfaddCommand },
  { name: 'pfcount', handler: pfcountCommand },
  { name: 'pfmerge', handler: pfmergeCommand },
  { name: 'pfdebug', handler: pfdebugCommand },
  { name: 'pfselftest', handler: (c) => pfselftestCommand(c) },
];
