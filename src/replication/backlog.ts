// The replication backlog: a ring of the last repl-backlog-size bytes of the replication stream,
// addressed by stream offset, so a replica that lost its link can continue from where it was.
// Redis equivalent: repl_backlog in replication.c (feedReplicationBacklog, addReplyReplicationBacklog).

export class Backlog {
  #ring: Buffer;
  /** Offset of the last byte written (master_repl_offset). */
  offset: number;
  /** Bytes held (repl_backlog_histlen). */
  histlen = 0;
  /** Where the next byte goes in the ring. */
  #head = 0;

  constructor(size: number, offset: number) {
    this.#ring = Buffer.alloc(Math.max(1, size));
    this.offset = offset;
  }

  get size(): number {
    return this.#ring.length;
  }

  /** repl_backlog_first_byte_offset. */
  get firstByteOffset(): number {
    return this.offset - this.histlen + 1;
  }

  /** Appends latin1 text of the stream. */
  append(text: string): void {
    const bytes = text.length;
    this.offset += bytes;
    const ring = this.#ring;
    if (bytes >= ring.length) {
      ring.write(text.slice(bytes - ring.length), 0, 'latin1');
      this.#head = 0;
      this.histlen = ring.length;
      return;
    }
    const first = Math.min(bytes, ring.length - this.#head);
    ring.write(first === bytes ? text : text.slice(0, first), this.#head, 'latin1');
    if (first < bytes) ring.write(text.slice(first), 0, 'latin1');
    this.#head = (this.#head + bytes) % ring.length;
    this.histlen = Math.min(ring.length, this.histlen + bytes);
  }

  /** True when the bytes from `from` (a PSYNC offset: first byte wanted) to the end are held. */
  covers(from: number): boolean {
    return this.histlen > 0 ? from >= this.firstByteOffset && from <= this.offset + 1 : from === this.offset + 1;
  }

  /** The bytes from stream offset `from` to the end, as latin1 text. Check covers() first. */
  readFrom(from: number): string {
    const count = this.offset + 1 - from;
    if (count <= 0) return '';
    const ring = this.#ring;
    const start = (this.#head - count + ring.length * 2) % ring.length;
    if (start + count <= ring.length) return ring.toString('latin1', start, start + count);
    return ring.toString('latin1', start) + ring.toString('latin1', 0, (start + count) % ring.length);
  }

  /** repl-backlog-size changed: keep the newest bytes that fit. */
  resize(size: number): void {
    const keep = this.readFrom(this.offset + 1 - Math.min(this.histlen, size));
    const offset = this.offset;
    this.#ring = Buffer.alloc(Math.max(1, size));
    this.#head = 0;
    this.histlen = 0;
    this.offset = offset - keep.length;
    this.append(keep);
  }
}
