// Incremental RESP request parser: multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline
// (telnet-style `GET k\n`) requests, fed with whatever chunks the socket delivers.
// Arguments come out as latin1 strings (one char per byte), so they are binary safe.
// Redis equivalent: processMultibulkBuffer / processInlineBuffer in networking.c.
//
// It never trusts a length: header lines are bounded, counts and bulk lengths are checked
// against the configured limits before anything is allocated, and a bulk of BIG_ARG_BYTES or
// more is copied into a buffer of exactly its size instead of growing the query buffer.

import {
  BIG_ARG_BYTES,
  HEADER_LINE_MAX_BYTES,
  INLINE_MAX_BYTES,
  UNAUTHENTICATED_BULK_MAX,
  UNAUTHENTICATED_MULTIBULK_MAX,
} from '../limits.js';
import { latin1Slice } from '../util/latin1.js';
import { splitArgs } from '../util/split-args.js';

const CR = 13;
/**
 * A whole request's argument array is allocated at its count up to this many arguments (no
 * growth by push); a larger count, not yet checked against the bytes it needs, grows.
 */
const ARGS_PRESIZE_MAX = 1024;
const LF = 10;
const INT_MAX = 2147483647;

export interface ParserLimits {
  /** proto-max-bulk-len */
  bulkLenMax: number;
  /** True until the client has authenticated on a server with a password. */
  unauthenticated: boolean;
}

/** Why parsing stopped for good; the text follows "-ERR Protocol error: ". */
export type ProtocolErrorText = string;

export class RespParser {
  #buf: Buffer | null = null;
  /** #buf is a view of the server's shared read buffer, valid only until releaseShared(). */
  #bufShared = false;
  #pos = 0;
  // Multibulk state: how many args are still expected (0 = between requests).
  #argsLeft = 0;
  #args: string[] = [];
  #bulkLen = -1; // length of the bulk being read, -1 while its $ header is still expected
  #bigArg: Buffer | null = null;
  #bigFilled = 0;
  #lastName = '';
  /** Set when the stream is unrecoverable; the client must get the error and be closed. */
  error: ProtocolErrorText | null = null;
  /** True when the request being parsed is inline (affects nothing but diagnostics). */
  inline = false;

  /** Bytes held that no complete command has consumed yet (client-query-buffer-limit). */
  get pendingBytes(): number {
    const buffered = this.#buf === null ? 0 : this.#buf.length - this.#pos;
    return buffered + this.#bigFilled;
  }

  /**
   * Adds bytes read from the socket. `shared` marks a chunk of the server's shared read buffer
   * (server/read-buffer.ts): it is parsed in place, and releaseShared() must run before the next
   * read of any socket overwrites it.
   */
  feed(chunk: Buffer, shared = false): void {
    if (this.#bigArg !== null) {
      const room = this.#bigArg.length - this.#bigFilled;
      const take = Math.min(room, chunk.length);
      chunk.copy(this.#bigArg, this.#bigFilled, 0, take);
      this.#bigFilled += take;
      if (take === chunk.length) return;
      chunk = chunk.subarray(take);
    }
    if (this.#buf === null || this.#pos >= this.#buf.length) {
      this.#buf = chunk;
      this.#bufShared = shared;
    } else {
      this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), chunk]);
      this.#bufShared = false;
    }
    this.#pos = 0;
  }

  /** Copies the bytes not yet consumed out of the shared read buffer (see feed). */
  releaseShared(): void {
    if (!this.#bufShared) return;
    this.#bufShared = false;
    const buf = this.#buf as Buffer;
    this.#buf = this.#pos < buf.length ? Buffer.from(buf.subarray(this.#pos)) : null;
    this.#pos = 0;
  }

  /**
   * The next complete request, an empty array for a request to skip (blank inline line or
   * `*0`), or null when more bytes are needed or `error` was set.
   */
  next(limits: ParserLimits): string[] | null {
    if (this.error !== null) return null;
    if (this.#argsLeft > 0 || this.#bigArg !== null) return this.#multibulk(limits);
    const buf = this.#buf;
    if (buf === null || this.#pos >= buf.length) return null;
    if (buf[this.#pos] === 0x2a /* '*' */) {
      this.inline = false;
      return this.#wholeMultibulk(buf, limits) ?? this.#multibulkHeader(limits);
    }
    this.inline = true;
    return this.#inline(buf);
  }

  #inline(buf: Buffer): string[] | null {
    const newline = lineEnd(buf, this.#pos, LF);
    if (newline === -1) {
      if (buf.length - this.#pos > INLINE_MAX_BYTES) this.error = 'too big inline request';
      return null;
    }
    let end = newline;
    if (end > this.#pos && buf[end - 1] === CR) end--;
    const line = buf.toString('latin1', this.#pos, end);
    this.#pos = newline + 1;
    const args = splitArgs(line);
    if (args === null) {
      this.error = 'unbalanced quotes in request';
      return null;
    }
    return args;
  }

  /**
   * The fast path for the common case: a whole, well-formed request already in the buffer
   * (every pipelined command but the last of a read). Lengths are read by a byte loop instead
   * of Buffer#indexOf (a native call per header), and a repeated command name reuses the
   * string decoded last time. Returns undefined, having consumed nothing, for anything else
   * (incomplete, malformed, over a limit, a big argument): #multibulkHeader then parses it
   * and reports the error exactly as before.
   */
  #wholeMultibulk(buf: Buffer, limits: ParserLimits): string[] | undefined {
    const end = buf.length;
    let at = this.#pos + 1;
    const count = readLength(buf, at);
    if (count <= 0) return undefined;
    if (limits.unauthenticated && count > UNAUTHENTICATED_MULTIBULK_MAX) return undefined;
    at = lengthEnd + 2;
    if (at > end) return undefined;
    const bulkMax = limits.unauthenticated
      ? Math.min(limits.bulkLenMax, UNAUTHENTICATED_BULK_MAX)
      : limits.bulkLenMax;
    // Sized once (count is bounded by the bytes a request needs, checked as it is read).
    const args = new Array<string>(count > ARGS_PRESIZE_MAX ? 0 : count);
    for (let i = 0; i < count; i++) {
      if (buf[at] !== 0x24 /* '$' */) return undefined;
      const len = readLength(buf, at + 1);
      if (len < 0 || len > bulkMax || len >= BIG_ARG_BYTES) return undefined;
      const start = lengthEnd + 2;
      at = start + len + 2;
      if (at > end) return undefined;
      args[i] = i === 0 ? this.#commandName(buf, start, len) : latin1Slice(buf, start, start + len);
    }
    this.#pos = at;
    return args;
  }

  /** argv[0], reusing the previous request's string when the bytes are the same. */
  #commandName(buf: Buffer, start: number, len: number): string {
    const last = this.#lastName;
    if (last.length === len) {
      let i = 0;
      while (i < len && buf[start + i] === last.charCodeAt(i)) i++;
      if (i === len) return last;
    }
    const name = latin1Slice(buf, start, start + len);
    this.#lastName = name;
    return name;
  }

  #multibulkHeader(limits: ParserLimits): string[] | null {
    const buf = this.#buf as Buffer;
    const cr = lineEnd(buf, this.#pos, CR);
    if (cr === -1 || cr + 1 >= buf.length) {
      if (buf.length - this.#pos > INLINE_MAX_BYTES) this.error = 'too big mbulk count string';
      return null;
    }
    const count = parseDecimal(buf, this.#pos + 1, cr);
    if (count === null || count > INT_MAX) {
      this.error = 'invalid multibulk length';
      return null;
    }
    if (limits.unauthenticated && count > UNAUTHENTICATED_MULTIBULK_MAX) {
      this.error = 'unauthenticated multibulk length';
      return null;
    }
    this.#pos = cr + 2;
    if (count <= 0) return [];
    this.#argsLeft = count;
    this.#args = [];
    this.#bulkLen = -1;
    return this.#multibulk(limits);
  }

  #multibulk(limits: ParserLimits): string[] | null {
    while (this.#argsLeft > 0) {
      if (this.#bigArg !== null) {
        if (!this.#takeBigArg()) return null;
        continue;
      }
      const buf = this.#buf;
      if (buf === null || this.#pos >= buf.length) return null;
      if (this.#bulkLen === -1) {
        if (!this.#bulkHeader(buf, limits)) return null;
        // A big argument not yet all here is collected by feed(); it may also be complete
        // already (the rest of the read held it), so look at it now, not after the next read.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- #bulkHeader() may have set it (TS keeps the narrowing from before the call)
        if (this.#bigArg !== null) continue;
      }
      const need = this.#bulkLen + 2;
      if (buf.length - this.#pos < need) return null;
      this.#args.push(latin1Slice(buf, this.#pos, this.#pos + this.#bulkLen));
      this.#pos += need;
      this.#bulkLen = -1;
      this.#argsLeft--;
    }
    const args = this.#args;
    this.#args = [];
    return args;
  }

  /** Reads a `$<len>\r\n` header; false when more bytes are needed or on error. */
  #bulkHeader(buf: Buffer, limits: ParserLimits): boolean {
    const cr = lineEnd(buf, this.#pos, CR);
    if (cr === -1 || cr + 1 >= buf.length) {
      if (buf.length - this.#pos > HEADER_LINE_MAX_BYTES) this.error = 'too big bulk count string';
      return false;
    }
    if (buf[this.#pos] !== 0x24 /* '$' */) {
      this.error = `expected '$', got '${String.fromCharCode(buf[this.#pos] as number)}'`;
      return false;
    }
    const len = parseDecimal(buf, this.#pos + 1, cr);
    if (len === null || len < 0 || len > limits.bulkLenMax) {
      this.error = 'invalid bulk length';
      return false;
    }
    if (limits.unauthenticated && len > UNAUTHENTICATED_BULK_MAX) {
      this.error = 'unauthenticated bulk length';
      return false;
    }
    this.#pos = cr + 2;
    this.#bulkLen = len;
    if (len >= BIG_ARG_BYTES && buf.length - this.#pos < len + 2) {
      // Give a big argument still arriving its own exact-size buffer, so a 512 MB bulk arriving
      // in 64 KB reads is copied once instead of re-concatenated on every read.
      const big = Buffer.allocUnsafe(len + 2);
      const available = Math.min(buf.length - this.#pos, len + 2);
      buf.copy(big, 0, this.#pos, this.#pos + available);
      this.#pos += available;
      this.#bigArg = big;
      this.#bigFilled = available;
    }
    return true;
  }

  #takeBigArg(): boolean {
    const big = this.#bigArg as Buffer;
    if (this.#bigFilled < big.length) return false;
    this.#args.push(big.toString('latin1', 0, big.length - 2));
    this.#bigArg = null;
    this.#bigFilled = 0;
    this.#bulkLen = -1;
    this.#argsLeft--;
    return true;
  }
}

/**
 * Where `byte` (LF for an inline request, CR for a header line) ends the line starting at
 * `from`, or -1. Redis looks for it with strchr() in its NUL-terminated query buffer, so a NUL
 * byte before it hides it: the request then waits for more bytes and, past 64 KiB, is refused
 * as too big (`*\x00\r\n...` is not an invalid length). Matching that keeps the error texts
 * and the moment of closing the same as Redis's.
 */
function lineEnd(buf: Buffer, from: number, byte: number): number {
  const at = buf.indexOf(byte, from);
  for (let i = from; i < at; i++) if (buf[i] === 0) return -1;
  return at;
}

/** Where the CR ending the last readLength() call's digits is (module state, no allocation). */
let lengthEnd = 0;

/**
 * Reads the digits of a header line from `start` up to a CR that has a byte after it, setting
 * lengthEnd to the CR. Only the plain form is accepted: "0", or 1-9 digits without a leading
 * zero. Returns -1 for anything else (a sign, a leading zero, too many digits, a missing CR or
 * the line not yet complete), so the caller leaves it to the general parser.
 */
function readLength(buf: Buffer, start: number): number {
  const last = buf.length - 1; // the CR needs a byte after it
  let at = start;
  let digit = (buf[at] ?? 0) - 0x30;
  if (digit < 0 || digit > 9) return -1;
  let value = digit;
  at++;
  if (digit === 0) {
    if (at >= last || buf[at] !== CR) return -1;
    lengthEnd = at;
    return 0;
  }
  for (; at < start + 10; at++) {
    if (at >= last) return -1;
    const byte = buf[at] as number;
    if (byte === CR) {
      lengthEnd = at;
      return value;
    }
    digit = byte - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return -1;
}

/**
 * Parses a signed decimal between start and end as Redis's string2ll does (no '+', no leading
 * zeros, no spaces); null when malformed or beyond 2^53 (far past every limit we accept).
 */
function parseDecimal(buf: Buffer, start: number, end: number): number | null {
  if (start >= end || end - start > 16) return null;
  let i = start;
  let negative = false;
  if (buf[i] === 0x2d /* '-' */) {
    negative = true;
    i++;
    if (i === end) return null;
  }
  if (buf[i] === 0x30 && end - i > 1) return null;
  let value = 0;
  for (; i < end; i++) {
    const digit = (buf[i] as number) - 0x30;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  if (negative && value === 0) return null;
  return negative ? -value : value;
}
