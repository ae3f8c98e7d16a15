// The `cjson` library Redis loads (lua-cjson 2.1.0): encode with %.14g numbers, escaped '/',
// sparse-array detection, nesting limits and its error texts; decode with strtod numbers,
// \u escapes to UTF-8, cjson.null for null, its "Expected X but found Y at character N"
// errors; and the configuration functions. Redis equivalent: deps/lua/src/lua_cjson.c.

import { argError, checkString, tagError } from './aux.js';
import { formatFloat } from './format.js';
import type { Runtime } from './runtime.js';
import { LuaFunction, LuaTable, LuaUserdata, typeName, type LuaValue } from './value.js';

/** cjson.null: a light userdata holding NULL. */
export const JSON_NULL = new LuaUserdata('userdata: (nil)');

interface Config {
  sparseConvert: boolean;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  precision: number;
  keepBuffer: boolean;
  encodeInvalid: 0 | 1 | 2; // off, on, "null"
  decodeInvalid: boolean;
}

function defaults(): Config {
  return {
    sparseConvert: false, sparseRatio: 2, sparseSafe: 10, encodeMaxDepth: 1000, decodeMaxDepth: 1000,
    precision: 14, keepBuffer: true, encodeInvalid: 0, decodeInvalid: true,
  };
}

const ESCAPES: string[] = [];
for (let c = 0; c < 256; c++) {
  if (c < 32 || c === 127) ESCAPES[c] = '\\u' + c.toString(16).padStart(4, '0');
}
ESCAPES[8] = '\\b';
ESCAPES[9] = '\\t';
ESCAPES[10] = '\\n';
ESCAPES[12] = '\\f';
ESCAPES[13] = '\\r';
ESCAPES[34] = '\\"';
ESCAPES[92] = '\\\\';
ESCAPES[47] = '\\/';
const NEEDS_ESCAPE = /["\\/\x00-\x1f\x7f]/;

function encodeString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const e = ESCAPES[s.charCodeAt(i)];
    out += e === undefined ? s[i] : e;
  }
  return out + '"';
}

class Encoder {
  private readonly R: Runtime;
  private readonly cfg: Config;
  constructor(R: Runtime, cfg: Config) {
    this.R = R;
    this.cfg = cfg;
  }

  private fail(v: LuaValue, reason: string): never {
    this.R.error(`Cannot serialise ${typeName(v)}: ${reason}`);
  }

  number(n: number): string {
    if (!Number.isFinite(n)) {
      if (this.cfg.encodeInvalid === 0) this.fail(n, 'must not be NaN or Inf');
      if (this.cfg.encodeInvalid === 2) return 'null';
      if (n !== n) return 'nan';
    }
    return formatFloat(n, 'g', { minus: false, plus: false, space: false, hash: false, zero: false, width: 0, precision: this.cfg.precision });
  }

  /** -1: not an array (or sparse, converted); else the array length. */
  private arrayLength(t: LuaTable): number {
    let max = 0;
    let items = 0;
    let k: LuaValue = undefined;
    for (;;) {
      const r = t.next(k);
      if (r === undefined || r === null) break;
      k = r[0];
      if (typeof k === 'number' && k !== 0 && Math.floor(k) === k && k >= 1) {
        if (k > max) max = k;
        items++;
        continue;
      }
      return -1;
    }
    if (this.cfg.sparseRatio > 0 && max > items * this.cfg.sparseRatio && max > this.cfg.sparseSafe) {
      if (!this.cfg.sparseConvert) this.fail(t, 'excessively sparse array');
      return -1;
    }
    return max;
  }

  value(v: LuaValue, depth: number): string {
    switch (typeof v) {
      case 'string': return encodeString(v);
      case 'number': return this.number(v);
      case 'boolean': return v ? 'true' : 'false';
      case 'undefined': return 'null';
      default:
    }
    if (v === JSON_NULL) return 'null';
    if (!(v instanceof LuaTable)) this.fail(v, 'type not supported');
    depth++;
    if (depth > this.cfg.encodeMaxDepth) this.R.error(`Cannot serialise, excessive nesting (${depth})`);
    const len = this.arrayLength(v);
    if (len > 0) {
      const parts: string[] = [];
      for (let i = 1; i <= len; i++) parts.push(this.value(v.get(i), depth));
      return '[' + parts.join(',') + ']';
    }
    const parts: string[] = [];
    let k: LuaValue = undefined;
    for (;;) {
      const r = v.next(k);
      if (r === undefined || r === null) break;
      k = r[0];
      let key: string;
      if (typeof k === 'number') key = '"' + this.number(k) + '":';
      else if (typeof k === 'string') key = encodeString(k) + ':';
      else this.fail(k, 'table key must be a number or string');
      parts.push(key + this.value(r[1], depth));
    }
    return '{' + parts.join(',') + '}';
  }
}

type Tok =
  | { t: 'T_OBJ_BEGIN' | 'T_OBJ_END' | 'T_ARR_BEGIN' | 'T_ARR_END' | 'T_COLON' | 'T_COMMA' | 'T_END' | 'T_NULL'; i: number }
  | { t: 'T_STRING'; i: number; s: string }
  | { t: 'T_NUMBER'; i: number; n: number }
  | { t: 'T_BOOLEAN'; i: number; b: boolean }
  | { t: 'T_ERROR'; i: number; msg: string };

const NUM_PREFIX = /^[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan(?:\([0-9a-zA-Z_]*\))?)/i;

function utf8(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  return String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

class Decoder {
  private readonly R: Runtime;
  private readonly cfg: Config;
  private readonly s: string;
  private p = 0;
  private depth = 0;
  constructor(R: Runtime, cfg: Config, s: string) {
    this.R = R;
    this.cfg = cfg;
    const nul = s.indexOf('\0');
    this.s = nul >= 0 ? s.slice(0, nul) : s;
  }

  private hex4(at: number): number {
    const h = this.s.slice(at, at + 4);
    return /^[0-9a-fA-F]{4}$/.test(h) ? parseInt(h, 16) : -1;
  }

  private string(): Tok {
    const start = this.p;
    this.p++;
    let out = '';
    for (;;) {
      if (this.p >= this.s.length) return { t: 'T_ERROR', i: this.p, msg: 'unexpected end of string' };
      const ch = this.s[this.p] as string;
      if (ch === '"') break;
      if (ch !== '\\') {
        out += ch;
        this.p++;
        continue;
      }
      const e = this.s[this.p + 1] ?? '';
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e === 'u') {
        let cp = this.hex4(this.p + 2);
        let len = 6;
        if (cp >= 0 && (cp & 0xf800) === 0xd800) {
          if ((cp & 0x400) !== 0 || this.s[this.p + 6] !== '\\' || this.s[this.p + 7] !== 'u') cp = -1;
          else {
            const lo = this.hex4(this.p + 8);
            if (lo < 0 || (lo & 0xfc00) !== 0xdc00) cp = -1;
            else {
              cp = (((cp & 0x3ff) << 10) | (lo & 0x3ff)) + 0x10000;
              len = 12;
            }
          }
        }
        if (cp < 0) return { t: 'T_ERROR', i: this.p, msg: 'invalid unicode escape code' };
        out += utf8(cp);
        this.p += len;
        continue;
      }
      const c = simple[e];
      if (c === undefined) return { t: 'T_ERROR', i: this.p, msg: 'invalid escape code' };
      out += c;
      this.p += 2;
    }
    this.p++;
    void start;
    return { t: 'T_STRING', i: start, s: out };
  }

  private invalidNumber(): boolean {
    let q = this.p;
    const s = this.s;
    if (s[q] === '+') return true;
    if (s[q] === '-') q++;
    if (s[q] === '0') {
      const c2 = s[q + 1] ?? '';
      return c2 === 'x' || c2 === 'X' || /[0-9]/.test(c2);
    }
    if (q < s.length && s.charCodeAt(q) <= 57) return false;
    const w = s.slice(q, q + 3).toLowerCase();
    return w === 'inf' || w === 'nan';
  }

  private number(): Tok {
    const i = this.p;
    const m = NUM_PREFIX.exec(this.s.slice(i, i + 400));
    if (m === null) return { t: 'T_ERROR', i, msg: 'invalid number' };
    let text = m[0];
    // strtod reads as many digits as there are; the 400-char window only bounds the regex
    if (text.length === 400 || (i + text.length < this.s.length && /[0-9]/.test(this.s[i + text.length] as string))) {
      const m2 = NUM_PREFIX.exec(this.s.slice(i)) as RegExpExecArray;
      text = m2[0];
    }
    this.p += text.length;
    const low = text.toLowerCase().replace(/^[+-]/, '');
    let n: number;
    if (low.startsWith('inf')) n = Infinity;
    else if (low.startsWith('nan')) n = NaN;
    else if (low.startsWith('0x')) n = Number.parseFloat('0') + hexFloat(low);
    else n = Number(text.replace(/^\+/, '').replace(/\.(?=[eE]|$)/, ''));
    if (text.startsWith('-')) n = low.startsWith('0x') || low.startsWith('inf') || low.startsWith('nan') ? -n : n;
    return { t: 'T_NUMBER', i, n };
  }

  next(): Tok {
    const s = this.s;
    while (this.p < s.length && ' \t\n\r'.includes(s[this.p] as string)) this.p++;
    const i = this.p;
    if (i >= s.length) return { t: 'T_END', i };
    const ch = s[i] as string;
    switch (ch) {
      case '{': this.p++; return { t: 'T_OBJ_BEGIN', i };
      case '}': this.p++; return { t: 'T_OBJ_END', i };
      case '[': this.p++; return { t: 'T_ARR_BEGIN', i };
      case ']': this.p++; return { t: 'T_ARR_END', i };
      case ':': this.p++; return { t: 'T_COLON', i };
      case ',': this.p++; return { t: 'T_COMMA', i };
      case '"': return this.string();
      default:
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      if (!this.cfg.decodeInvalid && this.invalidNumber()) return { t: 'T_ERROR', i, msg: 'invalid number' };
      return this.number();
    }
    if (s.startsWith('true', i)) { this.p += 4; return { t: 'T_BOOLEAN', i, b: true }; }
    if (s.startsWith('false', i)) { this.p += 5; return { t: 'T_BOOLEAN', i, b: false }; }
    if (s.startsWith('null', i)) { this.p += 4; return { t: 'T_NULL', i }; }
    if (this.cfg.decodeInvalid && this.invalidNumber()) return this.number();
    return { t: 'T_ERROR', i, msg: 'invalid token' };
  }

  private expected(what: string, tok: Tok): never {
    const found = tok.t === 'T_ERROR' ? tok.msg : tok.t;
    this.R.error(`Expected ${what} but found ${found} at character ${tok.i + 1}`);
  }

  private descend(): void {
    this.depth++;
    if (this.depth > this.cfg.decodeMaxDepth) {
      this.R.error(`Found too many nested data structures (${this.depth}) at character ${this.p}`);
    }
  }

  value(tok: Tok): LuaValue {
    switch (tok.t) {
      case 'T_STRING': return tok.s;
      case 'T_NUMBER': return tok.n;
      case 'T_BOOLEAN': return tok.b;
      case 'T_NULL': return JSON_NULL;
      case 'T_OBJ_BEGIN': return this.object();
      case 'T_ARR_BEGIN': return this.array();
      default: this.expected('value', tok);
    }
  }

  private object(): LuaTable {
    this.descend();
    const t = new LuaTable();
    let tok = this.next();
    if (tok.t === 'T_OBJ_END') {
      this.depth--;
      return t;
    }
    for (;;) {
      if (tok.t !== 'T_STRING') this.expected('object key string', tok);
      const key = tok.s;
      tok = this.next();
      if (tok.t !== 'T_COLON') this.expected('colon', tok);
      t.set(key, this.value(this.next()));
      tok = this.next();
      if (tok.t === 'T_OBJ_END') {
        this.depth--;
        return t;
      }
      if (tok.t !== 'T_COMMA') this.expected('comma or object end', tok);
      tok = this.next();
    }
  }

  private array(): LuaTable {
    this.descend();
    // JSON null decodes to cjson.null, never nil: the table of keys 1..n set in order
    const values: LuaValue[] = [];
    let tok = this.next();
    if (tok.t === 'T_ARR_END') {
      this.depth--;
      return new LuaTable();
    }
    for (;;) {
      values.push(this.value(tok));
      tok = this.next();
      if (tok.t === 'T_ARR_END') {
        this.depth--;
        return LuaTable.fromOwnedArray(values);
      }
      if (tok.t !== 'T_COMMA') this.expected('comma or array end', tok);
      tok = this.next();
    }
  }

  top(): LuaValue {
    const v = this.value(this.next());
    const tok = this.next();
    if (tok.t !== 'T_END') this.expected('the end', tok);
    return v;
  }
}

function hexFloat(low: string): number {
  const m = /^0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?/.exec(low) as RegExpExecArray;
  const ip = m[1] ?? '';
  const fp = m[2] ?? '';
  let v = 0;
  for (const c of ip + fp) v = v * 16 + parseInt(c, 16);
  return v * 2 ** (Number(m[3] ?? '0') - 4 * fp.length);
}

export function openCjson(R: Runtime): LuaTable {
  return makeCjson(R, defaults());
}

// eslint-disable-next-line max-lines-per-function -- the library's table of builtins, one short closure per Lua function (as lua_cjson.c lists them); split, it would be read in pieces
function makeCjson(R: Runtime, cfg: Config): LuaTable {
  const t = new LuaTable();
  const def = (name: string, f: (a: LuaValue[]) => LuaValue[]): void => t.set(name, new LuaFunction(name, f));
  def('encode', (a) => {
    if (a.length !== 1) argError(R, 1, 'expected 1 argument');
    return [new Encoder(R, cfg).value(a[0], 0)];
  });
  def('decode', (a) => {
    if (a.length !== 1) argError(R, 1, 'expected 1 argument');
    const s = checkString(R, a, 0);
    if (s.length >= 2 && (s.charCodeAt(0) === 0 || s.charCodeAt(1) === 0)) {
      R.error('JSON parser does not support UTF-16 or UTF-32');
    }
    return [new Decoder(R, cfg, s).top()];
  });
  const intOpt = (a: LuaValue[], i: number, min: number, max: number): number | undefined => {
    const v = a[i];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || Math.floor(v) !== v || v < min || v > max) {
      argError(R, i + 1, `expected integer between ${min} and ${max}`);
    }
    return v;
  };
  const boolOpt = (a: LuaValue[], i: number): boolean | undefined => {
    const v = a[i];
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'on') return true;
    if (v === 'off') return false;
    if (typeof v !== 'string' && typeof v !== 'boolean') tagError(R, a, i, 'boolean');
    return argError(R, i + 1, `invalid option '${v}'`);
  };
  const argCount = (a: LuaValue[], n: number): void => {
    if (a.length > n) argError(R, n + 1, `found too many arguments`);
  };
  def('encode_sparse_array', (a) => {
    argCount(a, 3);
    const c = boolOpt(a, 0);
    if (c !== undefined) cfg.sparseConvert = c;
    const r = intOpt(a, 1, 0, 2147483647);
    if (r !== undefined) cfg.sparseRatio = r;
    const s = intOpt(a, 2, 0, 2147483647);
    if (s !== undefined) cfg.sparseSafe = s;
    return [cfg.sparseConvert, cfg.sparseRatio, cfg.sparseSafe];
  });
  def('encode_max_depth', (a) => {
    argCount(a, 1);
    const d = intOpt(a, 0, 1, 2147483647);
    if (d !== undefined) cfg.encodeMaxDepth = d;
    return [cfg.encodeMaxDepth];
  });
  def('decode_max_depth', (a) => {
    argCount(a, 1);
    const d = intOpt(a, 0, 1, 2147483647);
    if (d !== undefined) cfg.decodeMaxDepth = d;
    return [cfg.decodeMaxDepth];
  });
  def('encode_number_precision', (a) => {
    argCount(a, 1);
    const d = intOpt(a, 0, 1, 14);
    if (d !== undefined) cfg.precision = d;
    return [cfg.precision];
  });
  def('encode_keep_buffer', (a) => {
    argCount(a, 1);
    const b = boolOpt(a, 0);
    if (b !== undefined) cfg.keepBuffer = b;
    return [cfg.keepBuffer];
  });
  def('encode_invalid_numbers', (a) => {
    argCount(a, 1);
    const v = a[0];
    if (v === 'null') cfg.encodeInvalid = 2;
    else {
      const b = boolOpt(a, 0);
      if (b !== undefined) cfg.encodeInvalid = b ? 1 : 0;
    }
    return [cfg.encodeInvalid === 2 ? 'null' : cfg.encodeInvalid === 1];
  });
  def('decode_invalid_numbers', (a) => {
    argCount(a, 1);
    const b = boolOpt(a, 0);
    if (b !== undefined) cfg.decodeInvalid = b;
    return [cfg.decodeInvalid];
  });
  def('new', () => [makeCjson(R, defaults())]);
  t.set('_NAME', 'cjson');
  t.set('_VERSION', '2.1.0');
  t.set('null', JSON_NULL);
  return t;
}
