// Building a new AOF base from a cut of the dataset: the visitor that writes the base as
// commands (aof-use-rdb-preamble no), the choice between it and the RDB snapshot writer, and the
// synchronous feeding of the live keyspace into a visitor (the first base at start-up). The
// background side (when to rewrite, switching incr files, the manifest) lives in aof.ts.
// Redis equivalent: rewriteAppendOnlyFileRio and its rewrite{List,Set,SortedSet,Hash}Object.
//
// What the command base looks like (items batched 64 per command, as Redis's
// AOF_REWRITE_ITEMS_PER_CMD):
//
//   *2 SELECT 0
//   *3 SET key value             strings
//   *N RPUSH key item ...        lists        *N SADD key member ...      sets
//   *N ZADD key score member ... sorted sets  *N HMSET key field value .. hashes
//   *3 PEXPIREAT key ms          after a key with an expire

import type { Config } from '../../config/config.js';
import type { SnapshotVisitor } from '../../snapshot/engine.js';
import type { Keyspace } from '../../store/keyspace.js';
import { HashValue, ListValue, SetValue, StreamValue, type Value } from '../../store/value/types.js';
import { streamRewriteCommands } from './rewrite-stream.js';
import { formatDouble } from '../../util/numbers.js';
import { RdbFileWriter } from '../rdb/save.js';
import { RdbSnapshotWriter } from '../rdb/snapshot-writer.js';
import { encodeCommand } from './writer.js';

/** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
const ITEMS_PER_COMMAND = 64;
/** Encoded commands are handed to the file in chunks of about this size. */
const CHUNK_BYTES = 64 * 1024;

/** A visitor that writes the base into dir/name, replacing it only once complete and durable. */
export interface BaseVisitor extends SnapshotVisitor {
  /** Bytes of the finished file (valid after end()). */
  bytes(): number;
}

/** The base writer the config asks for: RDB preamble (aofBase aux) or commands. */
export function createBaseVisitor(config: Config, dir: string, name: string,
  functionCodes: readonly string[] = []): BaseVisitor {
  if (config.bool('aof-use-rdb-preamble')) {
    const rdb = new RdbSnapshotWriter(config, { dir, name }, { aofBase: true, functionCodes });
    return Object.assign(rdb, { bytes: () => rdb.writer.bytesWritten });
  }
  return new AofCommandVisitor(config, dir, name, functionCodes);
}

/** Writes the cut as commands (a .base.aof). */
export class AofCommandVisitor implements BaseVisitor {
  readonly #file: RdbFileWriter;
  #pending = '';
  #timestamps: boolean;

  /** Function libraries come first, as FUNCTION LOAD commands (Redis 7.0's rewrite order). */
  constructor(config: Config, dir: string, name: string, functionCodes: readonly string[] = []) {
    this.#file = RdbFileWriter.create(dir, name, config.bool('aof-rewrite-incremental-fsync'),
      true);
    this.#timestamps = config.bool('aof-timestamp-enabled');
    if (this.#timestamps) this.#pending += `#TS:${Math.floor(Date.now() / 1000)}\r\n`;
    for (const code of functionCodes) this.#emit(['FUNCTION', 'LOAD', code]);
  }

  bytes(): number {
    return this.#file.bytesWritten;
  }

  beginDb(dbIndex: number): void {
    this.#emit(['SELECT', String(dbIndex)]);
  }

  key(_dbIndex: number, key: string, value: Value, expireAtMs: number | null): void {
    if (typeof value === 'string') this.#emit(['SET', key, value]);
    else if (value instanceof ListValue) this.#batched('RPUSH', key, value, (item) => [item]);
    else if (value instanceof SetValue) this.#batched('SADD', key, value, (member) => [member]);
    else if (value instanceof StreamValue) {
      for (const argv of streamRewriteCommands(key, value)) this.#emit(argv);
    } else if (value instanceof HashValue) {
      this.#batched('HMSET', key, value, ([field, v]) => [field, v]);
    } else {
      this.#batched('ZADD', key, value, ([member, score]) => [formatDouble(score), member]);
    }
    if (expireAtMs !== null) this.#emit(['PEXPIREAT', key, String(expireAtMs)]);
  }

  #batched<T>(name: string, key: string, items: Iterable<T>, words: (item: T) => string[]): void {
    let argv: string[] = [name, key];
    let count = 0;
    for (const item of items) {
      argv.push(...words(item));
      if (++count === ITEMS_PER_COMMAND) {
        this.#emit(argv);
        argv = [name, key];
        count = 0;
      }
    }
    if (count > 0) this.#emit(argv);
  }

  #emit(argv: string[]): void {
    this.#pending += encodeCommand(argv);
    if (this.#pending.length >= CHUNK_BYTES) this.#drain();
  }

  #drain(): void {
    if (this.#pending === '') return;
    this.#file.write(Buffer.from(this.#pending, 'latin1'));
    this.#pending = '';
  }

  wantsMore(): boolean {
    return true;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  async end(): Promise<void> {
    this.#drain();
    await this.#file.commitAsync();
  }

  abort(): void {
    this.#file.abort();
  }
}

/**
 * Feeds every live key of the keyspace to `visitor` synchronously (start-up, when the dataset
 * cannot change meanwhile), then ends it. Keys past their expire time are written too, as
 * Redis's rewrite does (loading the base keeps them; they expire afterwards).
 */
export async function writeBaseNow(keyspace: Keyspace, visitor: BaseVisitor): Promise<void> {
  try {
    for (const db of keyspace.dbs) {
      if (db.dict.size === 0) continue;
      visitor.beginDb(db.id, db.dict.size, db.expires.size);
      const expires = db.expires;
      db.dict.forEach((value, key) => {
        const expireAtMs = expires.size === 0 ? null : (expires.get(key) ?? null);
        visitor.key(db.id, key, value, expireAtMs);
      });
    }
    await visitor.end(() => true);
  } catch (error: unknown) {
    visitor.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}
