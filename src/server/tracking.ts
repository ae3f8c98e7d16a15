// Client-side caching support (CLIENT TRACKING): the table of keys each tracking client read,
// invalidation messages when any of them changes (writes, expiry, eviction: every change goes
// through the keyspace's keyModified hook), broadcast mode with prefixes, OPTIN/OPTOUT with
// CLIENT CACHING, NOLOOP, redirection to another connection (RESP2: a `__redis__:invalidate`
// subscriber) and the null invalidation of FLUSHALL/FLUSHDB. Redis equivalent: tracking.c.
//
// As in Redis the table is keyed by key name only (not by db), an invalidation removes the key
// from the table, and messages for the client whose command caused them are sent after that
// command's reply. Broadcast invalidations are collected per prefix and sent in beforeSleep,
// keys in byte order.

import { CommandFlag, type Command } from '../commands/table.js';
import { ClientFlag, type Client } from './client.js';
import { keyArguments } from './acl.js';
import type { Server } from './server.js';
import { LAZYFREE_THRESHOLD } from '../store/lazyfree.js';
import { radixTreeNodes } from '../util/radix-nodes.js';

export interface TrackingState {
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** Client id invalidations go to; 0 for the client itself. */
  redirect: number;
  brokenRedirect: boolean;
  /** BCAST prefixes of this client (Redis keeps them in a sorted radix tree). */
  prefixes: Set<string>;
  /** Set by CLIENT CACHING yes|no; lasts for the next command (or the next MULTI/EXEC). */
  caching: boolean;
  /** The previous command was a CLIENT subcommand, which keeps the caching flag alive. */
  previousWasClient: boolean;
}

interface PrefixEntry {
  clients: Set<Client>;
  /** Keys changed since the last broadcast, with the client that changed them (null: several). */
  keys: Map<string, Client | null>;
}

export class Tracking {
  /** Number of clients with tracking on (INFO tracking_clients); 0 keeps every hook a no-op. */
  clientCount = 0;
  readonly #server: Server;
  readonly #states = new Map<Client, TrackingState>();
  /** key -> ids of the clients that may cache it. */
  #table = new Map<string, Set<number>>();
  #items = 0;
  readonly #prefixes = new Map<string, PrefixEntry>();
  /** The client whose command is running; its own invalidations wait for its reply. */
  #current: Client | null = null;
  /** Keys (null: a flush) to invalidate for #current after its command. */
  #pending: (string | null)[] = [];
  readonly #maxKeys: { readonly value: number };

  constructor(server: Server) {
    this.#server = server;
    this.#maxKeys = server.config.numCell('tracking-table-max-keys');
    server.keyspace.addHooks({ keyModified: (_db, key) => this.#keyModified(key) });
    server.addHooks({
      clientClosed: (c) => this.disable(c),
      resetClient: (c) => this.disable(c),
      beforeSleep: () => {
        if (this.#prefixes.size !== 0) this.#broadcast();
        return null;
      },
      cron: () => this.#limitKeys(),
    });
  }

  stateOf(c: Client): TrackingState | undefined {
    return this.clientCount === 0 ? undefined : this.#states.get(c);
  }

  get totalKeys(): number {
    return this.#table.size;
  }

  get totalItems(): number {
    return this.#items;
  }

  get totalPrefixes(): number {
    return this.#prefixes.size;
  }

  /** CLIENT TRACKING ON with options already validated by the command. */
  enable(c: Client, options: { redirect: number; bcast: boolean; optin: boolean; optout: boolean; noloop: boolean; prefixes: string[] }): void {
    let state = this.#states.get(c);
    if (state === undefined) {
      state = {
        bcast: false,
        optin: false,
        optout: false,
        noloop: false,
        redirect: 0,
        brokenRedirect: false,
        prefixes: new Set(),
        caching: false,
        previousWasClient: true,
      };
      this.#states.set(c, state);
      this.clientCount++;
    }
    state.brokenRedirect = false;
    state.redirect = options.redirect;
    state.bcast = options.bcast;
    state.optin = options.optin;
    state.optout = options.optout;
    state.noloop = options.noloop;
    if (options.bcast) {
      const prefixes = options.prefixes.length === 0 ? [''] : options.prefixes;
      for (const prefix of prefixes) this.#addPrefix(c, state, prefix);
    }
  }

  disable(c: Client): void {
    const state = this.#states.get(c);
    if (state === undefined) return;
    for (const prefix of state.prefixes) {
      const entry = this.#prefixes.get(prefix);
      if (entry === undefined) continue;
      entry.clients.delete(c);
      if (entry.clients.size === 0) this.#prefixes.delete(prefix);
    }
    this.#states.delete(c);
    this.clientCount--;
    if (this.#current === c) this.#pending = [];
  }

  #addPrefix(c: Client, state: TrackingState, prefix: string): void {
    let entry = this.#prefixes.get(prefix);
    if (entry === undefined) {
      entry = { clients: new Set(), keys: new Map() };
      this.#prefixes.set(prefix, entry);
    }
    entry.clients.add(c);
    state.prefixes.add(prefix);
  }

  // ---------------------------------------------------------------- command hooks (dispatch)

  /** Before a command from `c` runs: the CLIENT CACHING flag outlives only one command. */
  commandStarting(c: Client, argv: readonly string[]): void {
    this.#current = c;
    const state = this.#states.get(c);
    if (state === undefined) return;
    if (state.caching && !state.previousWasClient && !c.has(ClientFlag.multi)) state.caching = false;
    state.previousWasClient = (argv[0] as string).toLowerCase() === 'client';
  }

  /** After the command (and any EXEC it was) replied: the client's own invalidations. */
  commandDone(c: Client): void {
    if (this.#table.size > this.#maxKeys.value) this.#limitKeys();
    this.#current = null;
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    const state = this.#states.get(c);
    if (state === undefined) return;
    for (const key of pending) this.#send(c, state, key === null ? null : [key]);
  }

  /** After a read-only command ran: remembers its keys for a tracking client (default mode). */
  afterCall(c: Client, cmd: Command, argv: readonly string[]): void {
    if ((cmd.flags & CommandFlag.readonly) === 0) return;
    const state = this.#states.get(c);
    if (state === undefined || state.bcast) return;
    if (state.optin && !state.caching) return;
    if (state.optout && state.caching) return;
    for (const { index } of keyArguments(cmd.spec, argv)) {
      const key = argv[index] as string;
      let ids = this.#table.get(key);
      if (ids === undefined) {
        ids = new Set();
        this.#table.set(key, ids);
      }
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.#items++;
      }
    }
  }

  /**
   * FLUSHALL / FLUSHDB: a null invalidation to every tracking client, and an empty table. An
   * async flush frees the old table in the background when its radix tree (Redis keeps the
   * keys in one) has more nodes than the lazy-free threshold, counted as its keys.
   */
  flushed(async = false): void {
    for (const [c, state] of this.#states) {
      if (c === this.#current) this.#pending.push(null);
      else this.#send(c, state, null);
    }
    const table = this.#table;
    // Every key ends on a node of its own: past 64 keys there are past 64 nodes, uncounted.
    if (async && table.size !== 0 &&
      (table.size > LAZYFREE_THRESHOLD || radixTreeNodes([...table.keys()].sort()) > LAZYFREE_THRESHOLD)) {
      this.#server.keyspace.lazyfree.defer(table, table.size);
    }
    this.#table = new Map();
    this.#items = 0;
  }

  // ---------------------------------------------------------------- invalidation

  #keyModified(key: string): void {
    if (this.#table.size !== 0) this.#invalidate(key);
    if (this.#prefixes.size !== 0) {
      const current = this.#current;
      for (const [prefix, entry] of this.#prefixes) {
        if (!key.startsWith(prefix)) continue;
        const previous = entry.keys.get(key);
        if (previous === undefined) entry.keys.set(key, current);
        else if (previous !== current) entry.keys.set(key, null);
      }
    }
  }

  #invalidate(key: string): void {
    const ids = this.#table.get(key);
    if (ids === undefined) return;
    this.#table.delete(key);
    this.#items -= ids.size;
    const clients = this.#server.clients;
    for (const id of ids) {
      const target = clients.get(id);
      if (target === undefined) continue;
      const state = this.#states.get(target);
      if (state === undefined || state.bcast) continue;
      if (target === this.#current) {
        if (!state.noloop) this.#pending.push(key);
        continue;
      }
      this.#send(target, state, [key]);
    }
  }

  /** Broadcast mode: one message per prefix and client, with the keys changed since last time. */
  #broadcast(): void {
    const prefixes = [...this.#prefixes.keys()].sort(compareBytes);
    for (const prefix of prefixes) {
      const entry = this.#prefixes.get(prefix) as PrefixEntry;
      if (entry.keys.size === 0) continue;
      const changed = [...entry.keys].sort((a, b) => compareBytes(a[0], b[0]));
      entry.keys = new Map();
      for (const c of entry.clients) {
        const state = this.#states.get(c);
        if (state === undefined) continue;
        const keys = state.noloop ? changed.filter(([, by]) => by !== c) : changed;
        if (keys.length !== 0) this.#send(c, state, keys.map(([key]) => key));
      }
    }
  }

  /**
   * Delivers an invalidation of `keys` (null: everything) for tracking client `c`: as a push in
   * RESP3, as a `__redis__:invalidate` message to a RESP2 redirect target in pub/sub mode, or
   * not at all (a RESP2 client without redirection). A vanished redirect target marks the
   * redirection broken and tells a RESP3 client so.
   */
  #send(c: Client, state: TrackingState, keys: string[] | null): void {
    let target = c;
    if (state.redirect !== 0) {
      const redirected = this.#server.clients.get(state.redirect);
      if (redirected === undefined) {
        state.brokenRedirect = true;
        if (c.resp === 3) {
          const push = c.pushStart(); // kept under CLIENT REPLY OFF, as in Redis
          c.addReplyPushLen(2);
          c.addReplyBulk('tracking-redir-broken');
          c.addReplyLongLong(state.redirect);
          c.pushEnd(push);
          this.#server.queueFlush(c);
        }
        return;
      }
      target = redirected;
    }
    const push = target.pushStart(); // kept under CLIENT REPLY OFF, as in Redis
    if (target.resp === 3) {
      target.addReplyPushLen(2);
      target.addReplyBulk('invalidate');
    } else if (target !== c && target.has(ClientFlag.pubsub)) {
      target.addReplyArrayLen(3);
      target.addReplyBulk('message');
      target.addReplyBulk('__redis__:invalidate');
    } else {
      return;
    }
    // Redis writes the null in the tracking client's protocol, whoever receives it.
    if (keys === null) target.addReplyRaw(c.resp === 3 ? '_\r\n' : '$-1\r\n');
    else target.addReplyBulks(keys);
    target.pushEnd(push);
    this.#server.queueFlush(target);
  }

  /** tracking-table-max-keys: forget (and invalidate) keys beyond the limit. */
  #limitKeys(): void {
    const max = this.#maxKeys.value;
    if (max <= 0 || this.#table.size <= max) return;
    // Redis evicts random keys with an effort bound per cron run; the oldest entries go here.
    let excess = this.#table.size - max;
    for (const key of this.#table.keys()) {
      if (excess-- <= 0) break;
      this.#invalidate(key);
    }
  }
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
