// The full sync payload stored as the dump while it arrives (repl-diskless-load disabled, or
// on-empty-db with keys present): each read is appended to a temp file next to dbfilename, the
// bytes past the payload's end (the EOF mark, the stream's first commands) are cut off at the
// end, and the file replaces the dump only once the payload is complete and the replica is
// about to load it. Writing during the transfer keeps the disk write off the sync's critical
// path (it was written in one piece after the last byte arrived).
// Redis equivalent: the repl_transfer_fd temp file of readSyncBulkPayload in replication.c.

import { closeSync, ftruncateSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

export class DumpFile {
  readonly #path: string;
  readonly #temp: string;
  #fd: number | null;
  #error: Error | null = null;

  /** Opens the temp file for `path` (the dump); throws as openSync does. */
  constructor(path: string) {
    this.#path = path;
    this.#temp = `${path}.temp-repl-${process.pid}`;
    this.#fd = openSync(this.#temp, 'w');
  }

  /**
   * Appends one read of the payload (it may run past the payload's end; see commit). Called
   * from the socket's data handler, so a failed write is kept and thrown by commit.
   */
  append(chunk: Buffer): void {
    const fd = this.#fd;
    if (fd === null || this.#error !== null) return;
    try {
      let written = 0;
      while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
    } catch (error: unknown) {
      this.#error = error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Cuts the file to the payload's `length` bytes and makes it the dump. */
  commit(length: number): void {
    const fd = this.#fd;
    if (fd === null) throw new Error('dump file already closed');
    this.#fd = null;
    try {
      if (this.#error !== null) throw this.#error;
      ftruncateSync(fd, length);
      closeSync(fd);
      renameSync(this.#temp, this.#path);
    } catch (error: unknown) {
      try {
        closeSync(fd);
      } catch {
        // closed above
      }
      this.#remove();
      throw error;
    }
  }

  /** The transfer failed (or the payload is not stored after all): the temp file goes. */
  discard(): void {
    const fd = this.#fd;
    this.#fd = null;
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.#remove();
  }

  #remove(): void {
    try {
      unlinkSync(this.#temp);
    } catch {
      // nothing to clean
    }
  }
}
