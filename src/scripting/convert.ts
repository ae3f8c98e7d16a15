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

/** Parses one reply from `text` at `pos`; returns the Lua value and the position after it. */
export function respToLua(text: string, pos = 0): [LuaValue, number] {
  const type = text[pos];
  const eol = text.indexOf('\r\n', pos);
  const line = text.slice(pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case ':':
      return [Number(line), next];
    case '$': {
      const length = Number(line);
      if (length < 0) return [false, next];
      return [text.slice(next, next + length), next + length + 2];
    }
    case '+':
      return [fieldTable('ok', line), next];
    case '-':
      return [fieldTable('err', line), next];
    case '*':
    case '>': {
      const count = Number(line);
      if (count < 0) return [false, next];
      return aggregate(text, next, count);
    }
    case '%':
      return mapToLua(text, next, Number(line));
    case '~':
      return setToLua(text, next, Number(line));
    case '_':
      return [undefined, next];
    case '#':
      return [line === 't', next];
    case ',':
      return [fieldTable('double', parseRespDouble(line)), next];
    case '(':
      return [fieldTable('big_number', line), next];
    case '=': {
      const length = Number(line);
      const body = text.slice(next, next + length);
      const verbatim = newTable();
      tset(verbatim, 'format', body.slice(0, 3));
      tset(verbatim, 'string', body.slice(4));
      return [fieldTable('verbatim_string', verbatim), next + length + 2];
    }
    case '|': {
      // Attributes are skipped: the value that follows them is the reply.
      let at = next;
      for (let i = 0; i < Number(line) * 2; i++) at = respToLua(text, at)[1];
      return respToLua(text, at);
    }
    default:
      throw new Error(`unexpected reply type ${String(type)} in a script's command reply`);
  }
}

function aggregate(text: string, pos: number, count: number): [LuaValue, number] {
  const items: LuaValue[] = new Array<LuaValue>(count);
  let at = pos;
  for (let i = 0; i < count; i++) [items[i], at] = respToLua(text, at);
  return [arrayTable(items), at];
}

function mapToLua(text: string, pos: number, count: number): [LuaValue, number] {
  const map = newTable();
  let at = pos;
  for (let i = 0; i < count; i++) {
    let key: LuaValue;
    let value: LuaValue;
    [key, at] = respToLua(text, at);
    [value, at] = respToLua(text, at);
    if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') tset(map, key, value);
  }
  return [fieldTable('map', map), at];
}

function setToLua(text: string, pos: number, count: number): [LuaValue, number] {
  const set = newTable();
  let at = pos;
  for (let i = 0; i < count; i++) {
    let key: LuaValue;
    [key, at] = respToLua(text, at);
    if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') tset(set, key, true);
  }
  return [fieldTable('set', set), at];
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
  const position = out.deferLen();
  let count = 0;
  for (let i = 1; ; i++) {
    const item = tget(table, i);
    if (item === undefined) break;
    luaToReply(out, item, ctx);
    count++;
  }
  out.setDeferredArrayLen(position, count);
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
