// RESP2/RESP3 reply encoding into a client's output string. Replies are appended as latin1
// text and written to the socket once per event-loop turn, so a pipeline of a thousand
// commands becomes one socket write. Redis equivalent: the addReply* family in networking.c.

import { formatDouble } from '../util/numbers.js';

export type RespVersion = 2 | 3;

/**
 * The reply sink every command handler writes to. Kept free of socket concerns so that MULTI,
 * Lua-like callers and tests can collect replies in memory.
 */
export class ReplyBuffer {
  out = '';
  resp: RespVersion = 2;
  /** Number of error replies written, for errorstats and EXEC bookkeeping. */
  lastErrorCode: string | null = null;

  addReplyRaw(text: string): void {
    this.out += text;
  }

  addReplyOk(): void {
    this.out += '+OK\r\n';
  }

  addReplyStatus(status: string): void {
    this.out += '+' + status + '\r\n';
  }

  /**
   * `text` is the full error line without '-', starting with its code: "ERR syntax error".
   * `counted` false: an error already counted where it arose (a script passing on the error of
   * its redis.call), so errorstats skip it; the running command still counts as failed.
   */
  addReplyError(text: string, counted = true): void {
    // Newlines would break the protocol; Redis replaces them with spaces.
    const clean = text.includes('\n') || text.includes('\r') ? text.replace(/[\r\n]/g, ' ') : text;
    this.out += '-' + clean + '\r\n';
    this.onError(clean, counted);
  }

  /** Hook for stats; overridden by Client. */
  onError(_text: string, _counted: boolean): void {}

  addReplyBulk(value: string): void {
    this.out += '$' + value.length + '\r\n' + value + '\r\n';
  }

  addReplyBulkOrNull(value: string | undefined | null): void {
    if (value === undefined || value === null) this.addReplyNull();
    else this.out += '$' + value.length + '\r\n' + value + '\r\n';
  }

  addReplyNull(): void {
    this.out += this.resp === 3 ? '_\r\n' : '$-1\r\n';
  }

  addReplyNullArray(): void {
    this.out += this.resp === 3 ? '_\r\n' : '*-1\r\n';
  }

  /**
   * Set while a script's redis.call runs its command (executeForReply): an integer that is the
   * whole reply is kept in `capturedInteger` instead of being written, so the script takes the
   * number without it being formatted and parsed back.
   */
  captureInteger = false;
  capturedInteger: number | bigint | null = null;

  addReplyLongLong(value: number | bigint): void {
    if (this.captureInteger && this.out === '' && this.capturedInteger === null) {
      this.capturedInteger = value;
      return;
    }
    this.out += ':' + String(value) + '\r\n';
  }

  addReplyArrayLen(length: number): void {
    this.out += '*' + length + '\r\n';
  }

  addReplyMapLen(length: number): void {
    this.out += this.resp === 3 ? '%' + length + '\r\n' : '*' + length * 2 + '\r\n';
  }

  addReplySetLen(length: number): void {
    this.out += this.resp === 3 ? '~' + length + '\r\n' : '*' + length + '\r\n';
  }

  addReplyPushLen(length: number): void {
    this.out += this.resp === 3 ? '>' + length + '\r\n' : '*' + length + '\r\n';
  }

  /** RESP3 double, or a bulk string with Redis 7.0's %.17g text in RESP2. */
  addReplyDouble(value: number): void {
    const text = formatDouble(value);
    if (this.resp === 3) this.out += ',' + text + '\r\n';
    else this.out += '$' + text.length + '\r\n' + text + '\r\n';
  }

  addReplyBool(value: boolean): void {
    if (this.resp === 3) this.out += value ? '#t\r\n' : '#f\r\n';
    else this.out += value ? ':1\r\n' : ':0\r\n';
  }

  /** RESP3 verbatim string (e.g. INFO, CLIENT LIST); a plain bulk string in RESP2. */
  addReplyVerbatim(text: string, format = 'txt'): void {
    if (this.resp === 3) {
      this.out += '=' + (text.length + 4) + '\r\n' + format + ':' + text + '\r\n';
    } else {
      this.addReplyBulk(text);
    }
  }

  addReplyBulks(values: readonly string[]): void {
    let out = '*' + values.length + '\r\n';
    for (const v of values) out += '$' + v.length + '\r\n' + v + '\r\n';
    this.out += out;
  }

  /** Appends `*N` for an array whose length is known only at the end. */
  deferLen(): number {
    return this.out.length;
  }

  /** Inserts an aggregate header at a position saved with deferLen(). */
  setDeferredLen(position: number, header: string): void {
    this.out = this.out.slice(0, position) + header + this.out.slice(position);
  }

  setDeferredArrayLen(position: number, length: number): void {
    this.setDeferredLen(position, '*' + length + '\r\n');
  }

  setDeferredMapLen(position: number, length: number): void {
    this.setDeferredLen(position, this.resp === 3 ? '%' + length + '\r\n' : '*' + length * 2 + '\r\n');
  }

  setDeferredSetLen(position: number, length: number): void {
    this.setDeferredLen(position, this.resp === 3 ? '~' + length + '\r\n' : '*' + length + '\r\n');
  }
}
