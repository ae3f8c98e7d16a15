// Keyspace notifications: the events a command (or expiry, eviction, key creation) publishes on
// `__keyspace@<db>__:<key>` (message: the event name) and `__keyevent@<db>__:<event>` (message:
// the key), filtered by the classes of notify-keyspace-events. Redis equivalent: notify.c.
//
// The API for command handlers is one call after the change is made:
//   notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key)          // in the client's selected db
//   c.services.keyspaceEvents.notify(NOTIFY.generic, 'move_to', key, dbId)   // any other db
// With notifications off both cost one integer test: no string is built, nothing is looked up.
// Store-level events (expired, evicted, new, keymiss) are raised here from Keyspace hooks and
// the evictor, so handlers never signal them.

import type { Config } from '../config/config.js';
import type { Database, Keyspace } from '../store/keyspace.js';
import type { CommandContext } from '../commands/context.js';

/** Event classes, as Redis's NOTIFY_* bits; the config letter of each is in CLASS_LETTERS. */
export const NOTIFY = {
  keyspace: 1 << 0, // K
  keyevent: 1 << 1, // E
  generic: 1 << 2, // g
  string: 1 << 3, // $
  list: 1 << 4, // l
  set: 1 << 5, // s
  hash: 1 << 6, // h
  zset: 1 << 7, // z
  expired: 1 << 8, // x
  evicted: 1 << 9, // e
  stream: 1 << 10, // t
  keyMiss: 1 << 11, // m (not part of A)
  loaded: 1 << 12, // module key-loaded events; never raised by Vesta
  module: 1 << 13, // d
  new: 1 << 14, // n (not part of A)
} as const;

const CLASS_LETTERS: Record<string, number> = {
  K: NOTIFY.keyspace,
  E: NOTIFY.keyevent,
  g: NOTIFY.generic,
  $: NOTIFY.string,
  l: NOTIFY.list,
  s: NOTIFY.set,
  h: NOTIFY.hash,
  z: NOTIFY.zset,
  x: NOTIFY.expired,
  e: NOTIFY.evicted,
  t: NOTIFY.stream,
  m: NOTIFY.keyMiss,
  d: NOTIFY.module,
  n: NOTIFY.new,
};
const ALL_LETTERS = 'g$lshzxetd';

/** The class bits of a notify-keyspace-events value (already validated by the config layer). */
export function notifyFlagsOf(text: string): number {
  let flags = 0;
  for (const ch of text) {
    if (ch === 'A') for (const a of ALL_LETTERS) flags |= CLASS_LETTERS[a] ?? 0;
    else flags |= CLASS_LETTERS[ch] ?? 0;
  }
  return flags;
}

/** Delivers a pub/sub message; pub/sub is a commands/ module, wired in by the server. */
export type Publish = (channel: string, message: string) => void;

export class KeyspaceEvents {
  /** The enabled classes (NOTIFY bits); 0 when notifications are off. */
  flags = 0;
  readonly #publish: Publish;

  constructor(options: { config: Config; keyspace: Keyspace; publish: Publish }) {
    this.#publish = options.publish;
    const apply = (value: unknown): void => {
      this.flags = notifyFlagsOf(String(value));
    };
    apply(options.config.str('notify-keyspace-events'));
    options.config.onApply('notify-keyspace-events', apply);
    options.keyspace.addHooks({
      keyExpired: (db: Database, key: string) => this.notify(NOTIFY.expired, 'expired', key, db.id),
      keyAdded: (db: Database, key: string) => this.notify(NOTIFY.new, 'new', key, db.id),
      keyMiss: (db: Database, key: string) => this.notify(NOTIFY.keyMiss, 'keymiss', key, db.id),
    });
  }

  /** Publishes `event` for `key` in db `dbId` if its class `type` is enabled. */
  notify(type: number, event: string, key: string, dbId: number): void {
    const flags = this.flags;
    if ((flags & type) === 0) return;
    if ((flags & NOTIFY.keyspace) !== 0) this.#publish(`__keyspace@${dbId}__:${key}`, event);
    if ((flags & NOTIFY.keyevent) !== 0) this.#publish(`__keyevent@${dbId}__:${event}`, key);
  }
}

/** Publishes `event` for `key` in the client's selected db, if its class is enabled. */
export function notifyKeyspaceEvent(c: CommandContext, type: number, event: string, key: string): void {
  const events = c.services.keyspaceEvents;
  if ((events.flags & type) === 0) return;
  events.notify(type, event, key, c.dbIndex);
}
