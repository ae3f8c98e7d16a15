// One node of a stream: up to stream-node-max-entries entries in ONE latin1 string holding the
// listpack Redis would hold for the node (stream-listpack.ts), minus the listpack header, the
// master entry's live/deleted counters (kept as numbers here) and the terminator. Saving a node
// to an RDB dump is then one concatenation, loading it one slice, and the node splits where
// Redis's does (its byte size is Redis's). Redis equivalent: a radix-tree node's listpack in
// t_stream.c:
//
//   master entry: count deleted num-fields field_1..field_N 0
//   entry:        flags ms-diff seq-diff [num-fields] (field value)... | value... lp-count
//
// flags: 1 deleted, 2 same fields as the master entry (only values are stored).

import { assert } from '../../assert.js';
import { type StreamId, U64_MAX } from './stream-id.js';
import { flatCopy, latin1Slice } from '../../util/latin1.js';
import {
  lpEnd, lpInt, lpPutInt, lpPutStr, lpPutStrMax, lpRead, lpReadText, lpScratch, lpSkip, lpStr,
} from './stream-listpack.js';

export const FLAG_DELETED = 1;
export const FLAG_SAME_FIELDS = 2;

export interface NodeEntry {
  id: StreamId;
  /** Flat field, value, field, value... */
  fields: string[];
  deleted: boolean;
  /** Offset of the entry's flags element in the node's data. */
  offset: number;
  /** Offset just past the entry. */
  end: number;
}

export class StreamNode {
  /** The master ID: the first ID appended to this node (its key in Redis's radix tree). */
  ms: bigint;
  seq: bigint;
  masterFields: string[];
  /** Listpack elements from num-fields of the master entry to the last entry's lp-count. */
  data: string;
  /** Offset of the first entry in data. */
  entriesStart: number;
  /** Listpack elements in data. */
  elements: number;
  /** Entries appended, deleted ones included. */
  total = 0;
  live = 0;
  /** Offset of the last entry appended (-1 before any). */
  lastOffset = -1;
  /** The last ID appended (deleted or not). */
  lastMs: bigint;
  lastSeq: bigint;
  /**
   * The token of the one StreamValue that may change this node in place. A stream's clone
   * (COPY, a snapshot's preserved state) shares the node objects and both sides take new
   * tokens, so whichever side changes a shared node copies that node first (StreamValue#own):
   * per-node copy-on-write. null on a node no stream owns yet.
   */
  owner: object | null = null;

  constructor(id: StreamId, fields: string[]) {
    this.ms = id.ms;
    this.seq = id.seq;
    this.lastMs = id.ms;
    this.lastSeq = id.seq;
    this.masterFields = [];
    let data = lpInt(fields.length >> 1);
    for (let i = 0; i < fields.length; i += 2) {
      const f = fields[i] as string;
      this.masterFields.push(f);
      data += lpStr(f);
    }
    data += lpInt(0);
    this.data = data;
    this.entriesStart = data.length;
    this.elements = this.masterFields.length + 2;
  }

  flatten(): void {
    this.data = flatCopy(this.data);
  }

  /** Redis's lpBytes() for this node. */
  get lpBytes(): number {
    return 7 + lpCountSize(this.live) + lpCountSize(this.total - this.live) + this.data.length;
  }

  clone(): StreamNode {
    const copy = Object.create(StreamNode.prototype) as StreamNode;
    Object.assign(copy, this);
    return copy;
  }

  append(id: StreamId, fields: string[]): void {
    const n = fields.length >> 1;
    let same = n === this.masterFields.length;
    for (let i = 0; same && i < n; i++) same = fields[2 * i] === this.masterFields[i];
    let bytes = 60;
    for (const f of fields) bytes += lpPutStrMax(f);
    const b = lpScratch(bytes);
    let p = lpPutInt(b, 0, same ? FLAG_SAME_FIELDS : 0);
    p = lpPutInt(b, p, diff(id.ms, this.ms));
    p = lpPutInt(b, p, diff(id.seq, this.seq));
    if (same) {
      for (let i = 1; i < fields.length; i += 2) p = lpPutStr(b, p, fields[i] as string);
      p = lpPutInt(b, p, n + 3);
      this.elements += n + 4;
    } else {
      p = lpPutInt(b, p, n);
      for (const f of fields) p = lpPutStr(b, p, f);
      p = lpPutInt(b, p, 2 * n + 4);
      this.elements += 2 * n + 5;
    }
    this.lastOffset = this.data.length;
    // One flat string for the entry (no pieces, nothing of the command's arguments pinned).
    this.data += latin1Slice(b, 0, p);
    this.total++;
    // Appends chain cons strings (32 B a link, plus the entry's own string): made one flat
    // string every 16 entries and when the node is closed (flatten()).
    if ((this.total & 15) === 0) this.flatten();
    this.live++;
    this.lastMs = id.ms;
    this.lastSeq = id.seq;
  }

  /** Decodes the entry at `offset`. */
  entryAt(offset: number): NodeEntry {
    const d = this.data;
    const flags = lpRead(d, offset) as number;
    const msDiff = lpRead(d, lpEnd);
    const seqDiff = lpRead(d, lpEnd);
    let at = lpEnd;
    const fields: string[] = [];
    if ((flags & FLAG_SAME_FIELDS) !== 0) {
      for (const f of this.masterFields) {
        fields.push(f, lpReadText(d, at));
        at = lpEnd;
      }
    } else {
      const n = Number(lpRead(d, at)) * 2;
      at = lpEnd;
      for (let i = 0; i < n; i++) {
        fields.push(lpReadText(d, at));
        at = lpEnd;
      }
    }
    lpRead(d, at); // lp-count
    return { id: idFrom(this, msDiff, seqDiff), fields, deleted: (flags & FLAG_DELETED) !== 0, offset, end: lpEnd };
  }

  /**
   * Reads the entry at `at` without its fields: its flags, ID diffs (in hdrFlags, hdrMs, hdrSeq)
   * and end (returned).
   */
  header(at: number): number {
    const d = this.data;
    hdrFlags = lpRead(d, at) as number;
    hdrMs = lpRead(d, lpEnd) as number | bigint;
    hdrSeq = lpRead(d, lpEnd) as number | bigint;
    let p = lpEnd;
    let n: number;
    if ((hdrFlags & FLAG_SAME_FIELDS) !== 0) n = this.masterFields.length;
    else {
      n = 2 * (lpRead(d, p) as number);
      p = lpEnd;
    }
    hdrFields = n;
    for (let i = 0; i <= n; i++) p = lpSkip(d, p); // the fields, then lp-count
    return p;
  }

  /** The ID of the entry header() read last. */
  headerId(): StreamId {
    return idFrom(this, hdrMs, hdrSeq);
  }

  /**
   * The offset of the first entry whose ID is >= id (data.length when none), comparing the
   * diffs as numbers and skipping the fields undecoded (XRANGE's seek into a node).
   */
  seek(id: StreamId): number {
    const d = this.data;
    const msTarget = id.ms - this.ms;
    const seqTarget = id.seq - this.seq;
    if (msTarget < 0n) return this.entriesStart;
    const big = msTarget > 2n ** 53n || seqTarget > 2n ** 53n || seqTarget < -(2n ** 53n);
    const tMs = Number(msTarget);
    const tSeq = Number(seqTarget);
    let at = this.entriesStart;
    while (at < d.length) {
      const end = this.header(at);
      if (big || typeof hdrMs !== 'number' || typeof hdrSeq !== 'number') {
        const e = this.headerId();
        if (e.ms > id.ms || (e.ms === id.ms && e.seq >= id.seq)) return at;
      } else if (hdrMs > tMs || (hdrMs === tMs && hdrSeq >= tSeq)) return at;
      at = end;
    }
    return at;
  }

  /** All entries' offsets, in order (deleted included). */
  offsets(): number[] {
    const out: number[] = [];
    for (let at = this.entriesStart; at < this.data.length; at = this.header(at)) out.push(at);
    return out;
  }

  /** The last entry's offset when it is live, else -1. */
  lastLiveOffset(): number {
    const at = this.lastOffset;
    return at >= 0 && (this.data.charCodeAt(at) & FLAG_DELETED) === 0 ? at : -1;
  }

  /** Marks the entry at `offset` deleted (its flags element is one byte: 0 or 2). */
  markDeleted(offset: number): void {
    const d = this.data;
    const flags = d.charCodeAt(offset) | FLAG_DELETED;
    this.data = d.slice(0, offset) + String.fromCharCode(flags) + d.slice(offset + 1);
    this.live--;
  }

  /**
   * Writes the whole listpack as Redis stores it (for RDB) at `at`, without building it as a
   * string first; returns its length (lpBytes). `out` must have lpBytes bytes from `at`.
   */
  writeListpack(out: Buffer, at: number): number {
    const bytes = this.lpBytes;
    const count = this.elements + 2;
    out.writeUInt32LE(bytes, at);
    out[at + 4] = count >= 65535 ? 255 : count & 255;
    out[at + 5] = count >= 65535 ? 255 : count >>> 8;
    let p = at + 6;
    p += out.write(lpInt(this.live), p, 'latin1');
    p += out.write(lpInt(this.total - this.live), p, 'latin1');
    p += out.write(this.data, p, 'latin1');
    out[p++] = 0xff;
    assert(p - at === bytes, 'stream node listpack size');
    return bytes;
  }


  /**
   * A node from a listpack Redis wrote (RDB), keyed by its master ID; null when the listpack is
   * not a valid stream node.
   */
  static fromListpack(master: StreamId, lp: string): StreamNode | null {
    if (lp.length < 8 || lp.charCodeAt(lp.length - 1) !== 0xff) return null;
    const bytes = lp.charCodeAt(0) + lp.charCodeAt(1) * 256 + lp.charCodeAt(2) * 65536 + lp.charCodeAt(3) * 16777216;
    if (bytes !== lp.length) return null;
    try {
      return parseListpack(master, lp);
    } catch {
      return null;
    }
  }
}

/** Bytes of a listpack integer element for a count (non-negative). */
function lpCountSize(n: number): number {
  if (n <= 127) return 2;
  if (n <= 4095) return 3;
  if (n <= 32767) return 4;
  if (n <= 8388607) return 5;
  return lpInt(n).length;
}

// What header() read last (module variables: no object per entry).
let hdrFlags = 0;
let hdrMs: number | bigint = 0;
let hdrSeq: number | bigint = 0;
let hdrFields = 0;

function parseListpack(master: StreamId, lp: string): StreamNode | null {
  const end = lp.length - 1;
  const live = lpRead(lp, 6);
  const deleted = lpRead(lp, lpEnd);
  if (typeof live !== 'number' || typeof deleted !== 'number' || live < 0 || deleted < 0) return null;
  const dataStart = lpEnd;
  const node = Object.create(StreamNode.prototype) as StreamNode;
  const nf = lpRead(lp, dataStart);
  if (typeof nf !== 'number' || nf < 0) return null;
  node.masterFields = [];
  let at = lpEnd;
  for (let i = 0; i < nf; i++) {
    node.masterFields.push(lpReadText(lp, at));
    at = lpEnd;
  }
  if (lpRead(lp, at) !== 0) return null;
  at = lpEnd;
  node.ms = master.ms;
  node.seq = master.seq;
  // lp is a slice of the string the RDB reader made for a chunk of nodes: this slice shares it
  // too (no copy per node).
  node.data = lp.slice(dataStart, end);
  node.entriesStart = at - dataStart;
  node.elements = nf + 2;
  node.total = 0;
  node.live = 0;
  node.lastMs = master.ms;
  node.lastSeq = master.seq;
  let offset = node.entriesStart;
  node.lastOffset = -1;
  while (offset < node.data.length) {
    const end = node.header(offset);
    if (end > node.data.length) return null;
    node.total++;
    if ((hdrFlags & FLAG_DELETED) === 0) node.live++;
    const same = (hdrFlags & FLAG_SAME_FIELDS) !== 0;
    node.elements += same ? nf + 4 : hdrFields + 5;
    node.lastOffset = offset;
    offset = end;
  }
  if (node.lastOffset >= 0) {
    node.header(node.lastOffset);
    const last = node.headerId();
    node.lastMs = last.ms;
    node.lastSeq = last.seq;
  }
  if (offset !== node.data.length || node.live !== live || node.total - node.live !== deleted) return null;
  return node;
}

const SAFE = 2n ** 53n;

/** a - b as Redis's int64 ID diff: a number when it is one exactly, else a bigint. */
function diff(a: bigint, b: bigint): number | bigint {
  if (a === b) return 0;
  const d = a - b;
  return d >= -SAFE && d <= SAFE ? Number(d) : BigInt.asIntN(64, d);
}

/** An entry's ID from its diffs against the node's master ID (wrapping as Redis's int64 diffs do). */
function idFrom(node: StreamNode, msDiff: number | bigint | string, seqDiff: number | bigint | string): StreamId {
  const ms = typeof msDiff === 'number' && msDiff >= 0 ? node.ms + BigInt(msDiff) : BigInt.asUintN(64, node.ms + BigInt(msDiff));
  const seq = seqDiff === 0 ? node.seq : BigInt.asUintN(64, node.seq + BigInt(seqDiff));
  return { ms: ms > U64_MAX ? BigInt.asUintN(64, ms) : ms, seq };
}
