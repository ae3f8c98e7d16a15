// Writes a snapshot engine cut as an RDB file: the engine hands over keys slice by slice, the
// encoder turns them into RDB bytes, and RdbFileWriter puts them in a temp file that replaces
// the dump only once complete and fsynced. Used by BGSAVE and by the AOF rewrite's preamble.
// Redis equivalent: rdbSaveRio as run in the fork child.

import type { Config } from '../../config/config.js';
import type { SnapshotVisitor } from '../../snapshot/engine.js';
import type { Value } from '../../store/value/types.js';
import { RdbEncoder } from './encoder.js';
import type { DumpReplInfo } from './repl-info.js';
import { RdbFileWriter, rdbAuxInfo, rdbEncoderOptions } from './save.js';

export class RdbSnapshotWriter implements SnapshotVisitor {
  readonly writer: RdbFileWriter;
  readonly #encoder: RdbEncoder;
  keysWritten = 0;

  /** Writes into `target.name` in `target.dir` (through a temp file there). */
  constructor(config: Config, target: { dir: string; name: string },
    options: { aofBase: boolean; functionCodes?: readonly string[]; replInfo?: DumpReplInfo }) {
    const { dir: targetDir, name: targetName } = target;
    const { aofBase, functionCodes = [] } = options;
    // An AOF base honours aof-rewrite-incremental-fsync, a dump rdb-save-incremental-fsync.
    const incrementalFsync = config.bool(aofBase ? 'aof-rewrite-incremental-fsync'
      : 'rdb-save-incremental-fsync');
    this.writer = RdbFileWriter.create(targetDir, targetName, incrementalFsync, true);
    this.#encoder = new RdbEncoder(this.writer, rdbEncoderOptions(config));
    this.#encoder.writeHeader();
    this.#encoder.writeDefaultAux(rdbAuxInfo(aofBase));
    if (!aofBase) options.replInfo?.writeAux((name, value) => this.#encoder.writeAux(name, value));
    for (const code of functionCodes) this.#encoder.writeFunction(code);
  }

  beginDb(dbIndex: number, keyCount: number, expireCount: number): void {
    this.#encoder.writeSelectDb(dbIndex);
    this.#encoder.writeResizeDb(keyCount, expireCount);
  }

  key(_dbIndex: number, key: string, value: Value, expireAtMs: number | null): void {
    this.#encoder.writeKey(key, value, expireAtMs);
    this.keysWritten++;
  }

  /** Writes are synchronous chunks into the page cache, so the sink never falls behind. */
  wantsMore(): boolean {
    return true;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  /** EOF + checksum, then fsync off the main thread, rename, fsync the directory. */
  async end(stillWanted: () => boolean): Promise<void> {
    this.#encoder.writeEof();
    await this.writer.commitAsync(stillWanted);
  }

  abort(): void {
    this.writer.abort();
  }
}
