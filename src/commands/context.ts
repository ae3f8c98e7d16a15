// What a command handler may touch: its CommandContext (the calling client's reply buffer and
// command state, the keyspace and the config) and, through `services`, the named server
// services a data command uses. Not the Server: a data command cannot reach it. The few admin
// commands that manage the server itself (INFO, CONFIG, CLIENT, DEBUG, SHUTDOWN...) are
// registered as `admin` handlers and get the Client, whose `server` is the whole server
// (test/tidy.test.ts keeps `.server` out of every other file of src/commands/).
// Redis equivalent: none (Redis's commands read the global `server`); this is the seam.

import type { Caller } from '../server/caller.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../observe/log.js';
import type { ReplyBuffer } from '../server/reply.js';
import type { Database, Keyspace } from '../store/keyspace.js';
import type { Acl } from '../server/acl.js';
import type { Evictor } from '../server/evict.js';
import type { KeyspaceEvents } from '../server/notify.js';
import type { PropagationStream } from '../server/propagation.js';
import type { Tracking } from '../server/tracking.js';
import type { BlockedType } from '../server/blocking.js';
import type { PubSubRegistry } from './pubsub.js';
import type { CursorTable } from './scan.js';
import type { StringEncodings } from './string-encoding.js';
import type { HashLimitCells } from './hash.js';

/**
 * The calling client as a command sees it: replies (ReplyBuffer: `addReply*`, `resp`), the
 * selected db, flags, the propagation overrides, pub/sub subscriptions, and the services.
 * The server's Client is the one implementation (server/client.ts).
 */
export interface CommandContext extends ReplyBuffer {
  readonly id: number;
  /** The selected database's index, and the database itself. */
  dbIndex: number;
  readonly db: Database;
  /** ClientFlag bits (server/client.ts). */
  flags: number;
  has(flag: number): boolean;
  /** The ACL user the client is authenticated as. */
  readonly user: string;
  /** Who runs the command (server/caller.ts): a socket client, the AOF loader, a script... */
  readonly caller: Caller;
  /** True for a client without a socket (the AOF loader, a script, a master link). */
  readonly internal: boolean;
  /** Set to propagate a deterministic form instead of argv (SET EX -> PXAT); [] for nothing. */
  propagateArgv: string[] | null;
  /** Set to propagate the command even when `dirty` did not move (FLUSHALL). */
  forcePropagate: boolean;
  /** While the client waits on a blocking command (server/blocking.ts). */
  readonly blockedOn: unknown;
  /** Pub/sub subscriptions (channels and patterns), and their total. */
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  readonly subscriptionCount: number;
  /** A push (pub/sub message) starts here; see Client#pushStart. */
  pushStart(): number;
  pushEnd(start: number): void;
  /** The server's keyspace (the one write path) and config: plain fields, read per command. */
  readonly keyspace: Keyspace;
  readonly config: Config;
  /** The services a data command may use, wired once per server (Server#services). */
  readonly services: CommandServices;
}

/** What blocking commands hand the blocking service (server/blocking.ts BlockOptions). */
export interface BlockRequest {
  keys: readonly string[];
  timeoutAtMs: number;
  type: BlockedType;
  serve: (c: CommandContext, key: string) => void;
  ready?: (c: CommandContext, key: string) => boolean;
}

/**
 * The named services of one server a data command uses; built once by the Server's
 * constructor (the composition root wires the rest: persistence, replication, MIGRATE's links,
 * which only admin commands reach). Each is the service itself or the narrow part of it that
 * commands call.
 */
export interface CommandServices {
  readonly log: Logger;
  /** OBJECT ENCODING's raw/embstr marks (commands/string-encoding.ts). */
  readonly stringEncodings: StringEncodings;
  /** Channel and pattern subscriptions (commands/pubsub.ts). */
  readonly pubsub: PubSubRegistry;
  /** The hash encoding limits, as live config cells (commands/hash.ts). */
  readonly hashLimits: HashLimitCells;
  /** SCAN-family cursors (commands/scan.ts). */
  readonly scanCursors: CursorTable;
  /** Keyspace notifications (server/notify.ts). */
  readonly keyspaceEvents: KeyspaceEvents;
  /** The write stream to the AOF and replicas: a command's own effects, blocks of several. */
  readonly propagation: Pick<PropagationStream, 'propagate' | 'beginBlock' | 'endBlock'>;
  /** CLIENT TRACKING: FLUSHDB/FLUSHALL invalidate everything. */
  readonly tracking: Pick<Tracking, 'flushed'>;
  /** SORT's BY/GET patterns need a user allowed every key. */
  readonly acl: Pick<Acl, 'users'>;
  /** RESTORE's IDLETIME/FREQ. */
  readonly evictor: Pick<Evictor, 'restoreAccess'>;
  /** Blocks a client on keys until a write serves it or it times out (server/blocking.ts). */
  readonly blocking: { block(c: CommandContext, request: BlockRequest): void };
  /** Makes sure a client's output (a pub/sub message) is written this event-loop turn. */
  queueFlush(c: CommandContext): void;
  /** FLUSHALL's persistence hooks (a save when save points are configured). */
  afterFlushAll(): void;
  /** True while the dataset loads (RESTORE keeps already-expired keys then). */
  isLoading(): boolean;
  /** True on a replica with a master link (an EXPIRE in the past does not delete there). */
  isReplica(): boolean;
}
