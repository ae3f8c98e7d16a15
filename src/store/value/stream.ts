// In-memory stream value: entries in packed nodes (store/value/stream-node.ts) kept in an array
// ordered by master ID (binary search to seek, a head offset so trimming from the head is cheap),
// the stream's last ID, first ID, max deleted ID and entries-added counter, and its consumer
// groups (stream-group.ts). Redis equivalent: the stream struct of stream.h and the rax/listpack
// walking of t_stream.c (streamAppendItem, streamIterator*, streamTrim).

import { ConsumerGroup } from './stream-group.js';
import { radixTreeNodes } from '../../util/radix-nodes.js';
import { type StreamId, MAX_ID, ZERO_ID, compareIds, idKey } from './stream-id.js';
import { type NodeEntry, StreamNode } from './stream-node.js';

export { ConsumerGroup };

export interface NodeLimits {
  maxBytes: number;
  maxEntries: number;
}

export interface TrimOptions {
  maxlen?: number;
  minid?: StreamId;
  approx: boolean;
  /** Most entries removed; 0 means no limit. */
  limit: number;
}

/** Redis's STREAM_LISTPACK_MAX_SIZE. */
const NODE_MAX_BYTES_CAP = 1 << 30;

export class StreamValue {
  #nodes: StreamNode[] = [];
  #head = 0;
  /** Nodes whose owner is this token are this stream's alone (see StreamNode.owner). */
  #token: object = {};
  length = 0;
  lastId: StreamId = ZERO_ID;
  firstId: StreamId = ZERO_ID;
  maxDeletedId: StreamId = ZERO_ID;
  entriesAdded = 0n;
  readonly groups = new Map<string, ConsumerGroup>();

  /** Number of nodes (XINFO's radix-tree-keys). */
  get nodeCount(): number {
    return this.#nodes.length - this.#head;
  }

  /**
   * Nodes of Redis's radix tree over the macro nodes' master IDs (XINFO radix-tree-nodes, the
   * lazy-free effort): IDs as 16-byte big-endian keys, so ID order is byte order.
   */
  radixTreeNodes(): number {
    const keys: string[] = [];
    for (let i = this.#head; i < this.#nodes.length; i++) {
      const node = this.#nodes[i] as StreamNode;
      keys.push(idKey({ ms: node.ms, seq: node.seq }));
    }
    return radixTreeNodes(keys);
  }

  /** The nodes, oldest first (RDB encoder). */
  nodes(): StreamNode[] {
    return this.#nodes.slice(this.#head);
  }

  /** Adds a whole node (RDB loading); nodes come in ID order. */
  addNode(node: StreamNode): void {
    node.owner = this.#token;
    this.#nodes.push(node);
  }

  /** The node at index, first copied when another stream shares it (copy-on-write). */
  #own(index: number): StreamNode {
    const node = this.#nodes[index] as StreamNode;
    if (node.owner === this.#token) return node;
    const copy = node.clone();
    copy.owner = this.#token;
    this.#nodes[index] = copy;
    return copy;
  }

  /** Appends an entry whose ID is greater than lastId; the caller updates entriesAdded. */
  append(id: StreamId, fields: string[], limits: NodeLimits): void {
    let node = this.#nodes.length > this.#head ? (this.#nodes[this.#nodes.length - 1] as StreamNode) : null;
    if (node !== null) {
      const maxBytes = limits.maxBytes === 0 || limits.maxBytes > NODE_MAX_BYTES_CAP ? NODE_MAX_BYTES_CAP : limits.maxBytes;
      let elementBytes = 0;
      for (const f of fields) elementBytes += f.length;
      if (node.lpBytes + elementBytes >= maxBytes) node = null;
      else if (limits.maxEntries !== 0 && node.total >= limits.maxEntries) node = null;
    }
    if (node === null) {
      // Flattening changes no content: a shared node is flattened in place, not copied.
      (this.#nodes[this.#nodes.length - 1] as StreamNode | undefined)?.flatten();
      node = new StreamNode(id, fields);
      node.owner = this.#token;
      this.#nodes.push(node);
    } else node = this.#own(this.#nodes.length - 1);
    node.append(id, fields);
    this.length++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /** Index of the last node whose master ID is <= id, or head-1. */
  #seek(id: StreamId): number {
    let lo = this.#head;
    let hi = this.#nodes.length - 1;
    let found = this.#head - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const n = this.#nodes[mid] as StreamNode;
      if (n.ms < id.ms || (n.ms === id.ms && n.seq <= id.seq)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * Visits live entries with start <= ID <= end, ascending (or descending when reverse), until
   * visit returns false.
   */
  scan(start: StreamId, end: StreamId, reverse: boolean, visit: (e: NodeEntry, node: StreamNode) => boolean): void {
    if (compareIds(start, end) > 0) return;
    const nodes = this.#nodes;
    if (!reverse) {
      const first = Math.max(this.#seek(start), this.#head);
      for (let i = first; i < nodes.length; i++) {
        const node = nodes[i] as StreamNode;
        for (let at = i === first ? node.seek(start) : node.entriesStart; at < node.data.length;) {
          const e = node.entryAt(at);
          at = e.end;
          if (compareIds(e.id, start) < 0) continue;
          if (compareIds(e.id, end) > 0) return;
          if (!e.deleted && !visit(e, node)) return;
        }
      }
      return;
    }
    for (let i = this.#seek(end); i >= this.#head; i--) {
      const node = nodes[i] as StreamNode;
      const offsets = node.offsets();
      for (let j = offsets.length - 1; j >= 0; j--) {
        const e = node.entryAt(offsets[j] as number);
        if (compareIds(e.id, end) > 0) continue;
        if (compareIds(e.id, start) < 0) return;
        if (!e.deleted && !visit(e, node)) return;
      }
    }
  }

  /** The first (or last) live entry, or null. */
  edge(last: boolean): NodeEntry | null {
    if (last) {
      const node = this.#nodes[this.#nodes.length - 1];
      const at = node === undefined ? -1 : node.lastLiveOffset();
      if (node !== undefined && at >= 0) return node.entryAt(at);
    }
    let found: NodeEntry | null = null;
    this.scan(ZERO_ID, { ms: 0xffffffffffffffffn, seq: 0xffffffffffffffffn }, last, (e) => {
      found = e;
      return false;
    });
    return found;
  }

  /** Deletes the live entry with this ID; false when there is none. */
  delete(id: StreamId): boolean {
    const i = this.#seek(id);
    if (i < this.#head) return false;
    const node = this.#nodes[i] as StreamNode;
    for (let at = node.entriesStart; at < node.data.length;) {
      const e = node.entryAt(at);
      const cmp = compareIds(e.id, id);
      if (cmp > 0) return false;
      if (cmp === 0) {
        if (e.deleted) return false;
        this.#deleteAt(i, node, at);
        return true;
      }
      at = e.end;
    }
    return false;
  }

  #deleteAt(index: number, node: StreamNode, offset: number): void {
    if (node.live === 1) this.#removeNode(index);
    else this.#own(index).markDeleted(offset);
    this.length--;
  }

  #removeNode(index: number): void {
    if (index === this.#head) {
      this.#nodes[index] = undefined as unknown as StreamNode;
      this.#head++;
      if (this.#head > 64 && this.#head * 2 > this.#nodes.length) {
        this.#nodes = this.#nodes.slice(this.#head);
        this.#head = 0;
      }
    } else this.#nodes.splice(index, 1);
  }

  /** The first entry's ID, deleted or not (MAX_ID when there are no nodes). */
  firstEntryIdWithTombstones(): StreamId {
    const node = this.#nodes[this.#head];
    if (node === undefined) return MAX_ID;
    return { ms: node.ms, seq: node.seq };
  }

  /** Sets firstId to the first live entry's ID (0-0 when empty). */
  refreshFirstId(): void {
    const first = this.edge(false);
    this.firstId = first === null ? ZERO_ID : first.id;
  }

  /** XADD/XTRIM trimming as Redis 7.0's streamTrim: returns the entries removed. */
  trim(options: TrimOptions): number {
    let deleted = 0;
    while (this.#head < this.#nodes.length) {
      if (options.maxlen !== undefined && this.length <= options.maxlen) break;
      const node = this.#nodes[this.#head] as StreamNode;
      const entries = node.live;
      if (options.limit !== 0 && deleted + entries > options.limit) break;
      const remove = options.maxlen !== undefined
        ? this.length - entries >= options.maxlen
        : compareIds({ ms: node.lastMs, seq: node.lastSeq }, options.minid as StreamId) < 0;
      if (remove) {
        this.#removeNode(this.#head);
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (options.approx) break;
      const owned = this.#own(this.#head);
      for (let at = node.entriesStart; at < node.data.length;) {
        const e = node.entryAt(at);
        at = e.end;
        if (e.deleted) continue;
        if (options.maxlen !== undefined ? this.length <= options.maxlen : compareIds(e.id, options.minid as StreamId) >= 0) break;
        owned.markDeleted(e.offset);
        this.length--;
        deleted++;
      }
      break;
    }
    this.refreshFirstId();
    return deleted;
  }

  /**
   * Copy for COPY and snapshots in O(nodes) pointers: both streams share the node objects and
   * take new tokens, so a node is copied only when one side changes it (#own), once per side.
   */
  clone(): StreamValue {
    const copy = new StreamValue();
    copy.#nodes = this.#nodes.slice(this.#head);
    this.#token = {};
    copy.length = this.length;
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    for (const [name, g] of this.groups) copy.groups.set(name, g.clone());
    return copy;
  }

  /**
   * The entries-read counter of an ID, or -1 when it cannot be known (Redis 7.0's
   * streamEstimateDistanceFromFirstEverEntry).
   */
  estimateEntriesRead(id: StreamId): bigint {
    if (this.entriesAdded === 0n) return 0n;
    if (this.length === 0 && compareIds(id, this.lastId) < 1) return this.entriesAdded;
    const cmpLast = compareIds(id, this.lastId);
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return -1n;
    const cmpFirst = compareIds(id, this.firstId);
    const noTombstoneAhead = (this.maxDeletedId.ms === 0n && this.maxDeletedId.seq === 0n) ||
      compareIds(this.maxDeletedId, this.firstId) < 0;
    if (noTombstoneAhead) {
      if (cmpFirst < 0) return this.entriesAdded - BigInt(this.length);
      if (cmpFirst === 0) return this.entriesAdded - BigInt(this.length) + 1n;
    }
    return -1n;
  }

  /** Groups in name order (Redis's rax order). */
  sortedGroups(): [string, ConsumerGroup][] {
    return [...this.groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Approximate bytes held (maxmemory accounting, MEMORY USAGE). */
  memoryEstimate(): number {
    let bytes = 200;
    for (let i = this.#head; i < this.#nodes.length; i++) bytes += 120 + (this.#nodes[i] as StreamNode).data.length;
    for (const g of this.groups.values()) bytes += 200 + g.pel.size * 120 + g.consumers.size * 120;
    return bytes;
  }
}
