// The replication fields of a dump (aux repl-stream-db, repl-id, repl-offset): what a save
// writes when the server takes part in replication, and what the last load found, so a
// restarted replica can continue with a partial resync. One DumpReplInfo per server (the
// server's `replInfo` field, made by its constructor): replication sets the source, the RDB
// loader records what it read, persistence stays below replication.
// Redis equivalent: rdbSaveInfo / rdbPopulateSaveInfo in rdb.c.

export interface ReplInfo {
  streamDb: number;
  replId: string;
  offset: number;
}

export class DumpReplInfo {
  /** Replication says what to record in dumps of this server (null: nothing). */
  source: (() => ReplInfo | null) | null = null;
  #loaded: ReplInfo | undefined = undefined;

  current(): ReplInfo | null {
    return this.source?.() ?? null;
  }

  /** The replication fields the last loaded dump held (or undefined), forgotten once taken. */
  takeLoaded(): ReplInfo | undefined {
    const loaded = this.#loaded;
    this.#loaded = undefined;
    return loaded;
  }

  recordLoaded(info: Partial<ReplInfo>): void {
    const prev = this.#loaded ?? { streamDb: 0, replId: '', offset: -1 };
    this.#loaded = { ...prev, ...info };
  }

  /** Writes the fields through an encoder's writeAux when the server has some to record. */
  writeAux(writeAux: (name: string, value: string | number) => void): void {
    const info = this.current();
    if (info === null) return;
    writeAux('repl-stream-db', info.streamDb);
    writeAux('repl-id', info.replId);
    writeAux('repl-offset', info.offset);
  }
}
