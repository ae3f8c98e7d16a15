// Consumer groups of a stream: the group's last delivered ID and entries-read counter, its
// pending entries list (PEL) ordered by ID, and its consumers, each with its own PEL view of
// the same pending entries. Redis equivalent: streamCG, streamConsumer and streamNACK in
// stream.h / t_stream.c (rax-ordered PELs; here sorted key arrays with binary search).

import { type StreamId, idKey } from './stream-id.js';

/** Redis's SCG_INVALID_ENTRIES_READ. */
export const INVALID_ENTRIES_READ = -1n;

/** A map ordered by stream ID. */
export class IdMap<T> {
  #keys: string[] = [];
  #values = new Map<string, T>();

  get size(): number {
    return this.#keys.length;
  }

  get(id: StreamId): T | undefined {
    return this.#values.get(idKey(id));
  }

  has(id: StreamId): boolean {
    return this.#values.has(idKey(id));
  }

  set(id: StreamId, value: T): void {
    const key = idKey(id);
    if (!this.#values.has(key)) {
      const keys = this.#keys;
      if (keys.length === 0 || (keys[keys.length - 1] as string) < key) keys.push(key);
      else keys.splice(lowerBound(keys, key), 0, key);
    }
    this.#values.set(key, value);
  }

  delete(id: StreamId): boolean {
    const key = idKey(id);
    if (!this.#values.delete(key)) return false;
    const keys = this.#keys;
    keys.splice(lowerBound(keys, key), 1);
    return true;
  }

  /** Values with ID >= start (or all), in order, as a lazily walked list. */
  *from(start: StreamId | null): IterableIterator<T> {
    const keys = this.#keys;
    let i = start === null ? 0 : lowerBound(keys, idKey(start));
    while (i < keys.length) {
      const key = keys[i] as string;
      const v = this.#values.get(key) as T;
      yield v;
      // The caller may delete the current entry while walking.
      if (keys[i] === key) i++;
    }
  }

  values(): IterableIterator<T> {
    return this.from(null);
  }

  first(): T | undefined {
    const k = this.#keys[0];
    return k === undefined ? undefined : this.#values.get(k);
  }

  last(): T | undefined {
    const k = this.#keys[this.#keys.length - 1];
    return k === undefined ? undefined : this.#values.get(k);
  }
}

function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface PendingEntry {
  id: StreamId;
  consumer: Consumer;
  /** Unix ms of the last delivery. */
  deliveryTime: number;
  deliveryCount: number;
}

export class Consumer {
  readonly name: string;
  seenTime: number;
  readonly pel = new IdMap<PendingEntry>();
  constructor(name: string, seenTime: number) {
    this.name = name;
    this.seenTime = seenTime;
  }
}

export class ConsumerGroup {
  lastId: StreamId;
  entriesRead: bigint;
  readonly pel = new IdMap<PendingEntry>();
  readonly consumers = new Map<string, Consumer>();

  constructor(lastId: StreamId, entriesRead: bigint) {
    this.lastId = lastId;
    this.entriesRead = entriesRead;
  }

  /** Consumers in name order (Redis's rax order). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Deep copy (COPY, snapshots). */
  clone(): ConsumerGroup {
    const copy = new ConsumerGroup(this.lastId, this.entriesRead);
    for (const c of this.sortedConsumers()) copy.consumers.set(c.name, new Consumer(c.name, c.seenTime));
    for (const p of this.pel.values()) {
      const consumer = copy.consumers.get(p.consumer.name) as Consumer;
      const entry: PendingEntry = { ...p, consumer };
      copy.pel.set(p.id, entry);
      consumer.pel.set(p.id, entry);
    }
    return copy;
  }
}
