// Conversions between RESP replies and Lua values, both directions, as Redis 7.0 makes them.
// RESP -> Lua (what redis.call returns): integer -> number, bulk -> string, null bulk/array ->
// false (RESP2) or nil (RESP3 null), status -> {ok=...}, error -> {err=...}, array -> table,
// RESP3 map -> {map={...}}, set -> {set={k=true}}, double -> {double=n}, boolean -> boolean,
// big number -> {big_number=s}, verbatim -> {verbatim_string={format=, string=}}.
// Lua -> RESP (a script's return value): string -> bulk, number -> integer (truncated), true ->
// 1 (RESP2 script) or #t, false -> null (RESP2 script) or #f, tables by their err / ok / double /
// big_number / verbatim_string / map / set field, else an array up to the first nil.
// Redis equivalent: redisProtocolToLuaType* and luaReplyToRedisReply in script_lua.c.

import type { ReplyBuffer } from '../server/reply.js';
import {
  type LuaValue,
  arrayTable,
  fieldTable,
  isTable,
  newTable,
  tentries,
  tget,
  tset,
} from './lua-adapter.js';

/** The field an error table carries once its error was counted (Redis's own name for it). */
export const IGNORE_ERR_STATS = 'ignore_err_stats_update';

/** The Lua value of the reply `text` (one whole reply, as redis.call gets it). */
export function replyToLua(text: string): LuaValue {
  // The common single-line replies without the reader: an integer, a bulk string.
  const type = text.charCodeAt(0);
  if (type === 58) return integerReply(text); // ':'
  if (type === 36 && text.charCodeAt(1) !== 45) { // '$' not '$-1'
    const eol = text.indexOf('\r\n', 1);
    return text.slice(eol + 2, text.length - 2);
  }
  return new ReplyReader(text, 0).value();
}

/**
 * An integer reply's value: up to 15 digits by hand (exact), anything else (longer, which
 * Number() rounds as before) through Number().
 */
function integerReply(text: string): number {
  const end = text.length - 2;
  const neg = text.charCodeAt(1) === 45;
  let i = neg ? 2 : 1;
  if (i === end || end - i > 15) return Number(text.slice(1, end));
  let n = 0;
  for (; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number(text.slice(1, end));
    n = n * 10 + digit;
  }
  return neg ? -n : n;
}

/** Reads replies from RESP text, one value at a time, without copying the header lines. */
class ReplyReader {
  readonly text: string;
  pos: number;
  constructor(text: string, pos: number) {
    this.text = text;
    this.pos = pos;
  }

  /** The header line's text after the type byte; moves past its CRLF. */
  private line(): string {
    const text = this.text;
    const eol = text.indexOf('\r\n', this.pos);
    const line = text.slice(this.pos + 1, eol);
    this.pos = eol + 2;
    return line;
  }

  /** The header line's integer (lengths and counts); moves past its CRLF. */
  private count(): number {
    const text = this.text;
    let i = this.pos + 1;
    let neg = false;
    if (text.charCodeAt(i) === 45) {
      neg = true;
      i++;
    }
    let n = 0;
    for (let c = text.charCodeAt(i); c !== 13; c = text.charCodeAt(++i)) n = n * 10 + (c - 48);
    this.pos = i + 2;
    return neg ? -n : n;
  }

  private bulk(length: number): string {
    const start = this.pos;
    this.pos = start + length + 2;
    return this.text.slice(start, start + length);
  }

  value(): LuaValue {
    switch (this.text.charCodeAt(this.pos)) {
      case 58: // ':'
        return Number(this.line());
      case 36: { // '$'
        const length = this.count();
        return length < 0 ? false : this.bulk(length);
      }
      case 43: // '+'
        return fieldTable('ok', this.line());
      case 45: // '-'
        return fieldTable('err', this.line());
      case 42: // '*'
      case 62: { // '>'
        const count = this.count();
        return count < 0 ? false : this.array(count);
      }
      case 37: // '%'
        return this.map(this.count());
      case 126: // '~'
        return this.set(this.count());
      case 95: // '_'
        this.line();
        return undefined;
      case 35: // '#'
        return this.line() === 't';
      case 44: // ','
        return fieldTable('double', parseRespDouble(this.line()));
      case 40: // '('
        return fieldTable('big_number', this.line());
      case 61: { // '='
        const body = this.bulk(this.count());
        const verbatim = newTable();
        tset(verbatim, 'format', body.slice(0, 3));
        tset(verbatim, 'string', body.slice(4));
        return fieldTable('verbatim_string', verbatim);
      }
      case 124: { // '|': attributes are skipped, the value that follows them is the reply
        const pairs = this.count();
        for (let i = 0; i < pairs * 2; i++) this.value();
        return this.value();
      }
      default:
        throw new Error(`unexpected reply type ${String(this.text[this.pos])} in a script's command reply`);
    }
  }

  private array(count: number): LuaValue {
    const items = new Array<LuaValue>(count);
    for (let i = 0; i < count; i++) items[i] = this.value();
    return arrayTable(items);
  }

  private map(count: number): LuaValue {
    const map = newTable();
    for (let i = 0; i < count; i++) {
      const key = this.value();
      const value = this.value();
      if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') tset(map, key, value);
    }
    return fieldTable('map', map);
  }

  private set(count: number): LuaValue {
    const set = newTable();
    for (let i = 0; i < count; i++) {
      const key = this.value();
      if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') tset(set, key, true);
    }
    return fieldTable('set', set);
  }
}

function parseRespDouble(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  if (text === 'nan' || text === '-nan') return NaN;
  return Number(text);
}

/** What the reply writer needs to know about the script. */
export interface ReplyContext {
  /** The RESP version the script chose with redis.setresp (2 by default). */
  scriptResp: 2 | 3;
  /** Turns an {err=...} table into the error line (adds no suffix for returned tables). */
  errorText: (table: LuaValue) => string;
}

/** Writes a script's return value (or a nested element of it) to `out`. */
export function luaToReply(out: ReplyBuffer, value: LuaValue, ctx: ReplyContext): void {
  switch (typeof value) {
    case 'string':
      out.addReplyBulk(value);
      return;
    case 'number':
      out.addReplyLongLong(luaNumberToInteger(value));
      return;
    case 'boolean':
      if (ctx.scriptResp === 2) {
        if (value) out.addReplyLongLong(1);
        else out.addReplyNull();
      } else {
        out.addReplyBool(value);
      }
      return;
    default:
      if (isTable(value)) tableToReply(out, value, ctx);
      else out.addReplyNull();
  }
}

function tableToReply(out: ReplyBuffer, table: LuaValue & object, ctx: ReplyContext): void {
  if (!isTable(table)) return;
  const err = tget(table, 'err');
  if (typeof err === 'string') {
    out.addReplyError(ctx.errorText(table), tget(table, IGNORE_ERR_STATS) !== true);
    return;
  }
  const ok = tget(table, 'ok');
  if (typeof ok === 'string') {
    out.addReplyStatus(ok.replace(/[\r\n]/g, ' '));
    return;
  }
  const double = tget(table, 'double');
  if (typeof double === 'number') {
    out.addReplyDouble(double);
    return;
  }
  const big = tget(table, 'big_number');
  if (typeof big === 'string') {
    const text = big.replace(/[\r\n]/g, ' ');
    if (out.resp === 3) out.addReplyRaw('(' + text + '\r\n');
    else out.addReplyBulk(text);
    return;
  }
  const verbatim = tget(table, 'verbatim_string');
  if (isTable(verbatim)) {
    const format = tget(verbatim, 'format');
    const str = tget(verbatim, 'string');
    if (typeof format === 'string' && typeof str === 'string') {
      out.addReplyVerbatim(str, format);
      return;
    }
  }
  const map = tget(table, 'map');
  if (isTable(map)) {
    const entries = tentries(map);
    out.addReplyMapLen(entries.length);
    for (const [k, v] of entries) {
      luaToReply(out, k, ctx);
      luaToReply(out, v, ctx);
    }
    return;
  }
  const set = tget(table, 'set');
  if (isTable(set)) {
    const entries = tentries(set);
    out.addReplySetLen(entries.length);
    for (const [k] of entries) luaToReply(out, k, ctx);
    return;
  }
  // The array up to its first nil: counted first, so the header needs no deferred insertion
  // (which copies the client's whole output buffer).
  let count = 0;
  while (tget(table, count + 1) !== undefined) count++;
  out.addReplyArrayLen(count);
  for (let i = 1; i <= count; i++) luaToReply(out, tget(table, i), ctx);
}

/** C's (long long) cast of a Lua number: truncation; out of range (and NaN) is INT64_MIN on x86. */
export function luaNumberToInteger(n: number): number | bigint {
  const t = Math.trunc(n);
  if (Number.isSafeInteger(t)) return t;
  if (!Number.isFinite(t) || t >= 9223372036854775808 || t < -9223372036854775808) {
    return -9223372036854775808n;
  }
  return BigInt(t);
}
