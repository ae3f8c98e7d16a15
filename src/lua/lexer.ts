// Lua 5.1 lexer: tokens with their lines, long brackets, every escape of 5.1 (\ddd, \a..\v,
// backslash-newline), numbers as strtod/strtoul read them, and 5.1's syntax error texts
// ("unfinished string near ...", "malformed number near ..."). Redis equivalent: llex.c.

import { strToNumber } from './value.js';

export type TokenType = 'name' | 'string' | 'number' | 'eof' | 'op' | 'kw';

export interface Token {
  type: TokenType;
  /** Keyword/operator text, name, string contents. */
  value: string;
  num: number;
  line: number;
  /** Source text of the token as 5.1 shows it in "near '...'" messages. */
  raw: string;
}

const KEYWORDS = new Set([
  'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'if', 'in',
  'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while',
]);

/** A syntax error with Lua's complete message ("chunk:line: msg near 'tok'"). */
export class LuaSyntaxError extends Error {}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlnum(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}

export class Lexer {
  private readonly src: string;
  private pos = 0;
  line = 1;
  readonly chunk: string;

  constructor(src: string, chunk: string) {
    this.src = src;
    this.chunk = chunk;
    // A first line starting with '#' is skipped (lua.c/luaL_loadfile does it for files only;
    // loadstring does not), so nothing here.
  }

  error(msg: string, near: string | null, line = this.line): never {
    const where = `${this.chunk}:${line}: ${msg}`;
    throw new LuaSyntaxError(near === null ? where : `${where} near '${near}'`);
  }

  private peekc(o = 0): number {
    const p = this.pos + o;
    return p < this.src.length ? this.src.charCodeAt(p) : -1;
  }

  private newline(): void {
    const c = this.peekc();
    this.pos++;
    const d = this.peekc();
    if ((d === 10 || d === 13) && d !== c) this.pos++;
    this.line++;
  }

  next(): Token {
    const s = this.src;
    for (;;) {
      const c = this.peekc();
      if (c === -1) return this.tok('eof', '<eof>', '<eof>');
      if (c === 10 || c === 13) { this.newline(); continue; }
      if (c === 32 || c === 9 || c === 11 || c === 12) { this.pos++; continue; }
      if (c === 45 && this.peekc(1) === 45) {
        this.pos += 2;
        if (this.peekc() === 91) {
          const level = this.longLevel();
          if (level >= 0) { this.longString(level, true); continue; }
        }
        while (this.peekc() !== -1 && this.peekc() !== 10 && this.peekc() !== 13) this.pos++;
        continue;
      }
      if (isAlpha(c)) {
        const start = this.pos;
        while (isAlnum(this.peekc())) this.pos++;
        const w = s.slice(start, this.pos);
        return KEYWORDS.has(w) ? this.tok('kw', w, w) : this.tok('name', w, w);
      }
      if (isDigit(c) || (c === 46 && isDigit(this.peekc(1)))) return this.number();
      if (c === 34 || c === 39) return this.shortString(c);
      if (c === 91) {
        const level = this.longLevel();
        if (level >= 0) {
          const startLine = this.line;
          const body = this.longString(level, false);
          const t = this.tok('string', body, body);
          t.line = startLine;
          return t;
        }
        if (level === -1) { this.pos++; return this.tok('op', '[', '['); }
        this.error('invalid long string delimiter', '[' + '='.repeat(-level - 2));
      }
      return this.operator(c);
    }
  }

  private tok(type: TokenType, value: string, raw: string, num = 0): Token {
    return { type, value, num, line: this.line, raw };
  }

  private operator(c: number): Token {
    const two = this.src.slice(this.pos, this.pos + 2);
    if (two === '==' || two === '~=' || two === '<=' || two === '>=' || two === '..') {
      if (two === '..' && this.peekc(2) === 46) { this.pos += 3; return this.tok('op', '...', '...'); }
      this.pos += 2;
      return this.tok('op', two, two);
    }
    this.pos++;
    const ch = String.fromCharCode(c);
    if ('+-*/%^#<>=(){}[];:,.'.includes(ch)) return this.tok('op', ch, ch);
    if (c === 126) return this.tok('op', '~', '~'); // lone ~ is a single-char token in 5.1
    return this.tok('op', ch, c < 32 || c === 127 ? `char(${c})` : ch);
  }

  /** At '[': returns the level for [=*[, -1 for a lone '[', or -(level+2) for '[=' without '['. */
  private longLevel(): number {
    let p = this.pos + 1;
    let level = 0;
    while (this.src.charCodeAt(p) === 61) { level++; p++; }
    if (this.src.charCodeAt(p) === 91) return level;
    return level === 0 ? -1 : -(level + 2);
  }

  private longString(level: number, comment: boolean): string {
    this.pos += level + 2;
    const c0 = this.peekc();
    if (c0 === 10 || c0 === 13) this.newline();
    let out = '';
    let start = this.pos;
    for (;;) {
      const c = this.peekc();
      if (c === -1) {
        this.error(comment ? 'unfinished long comment' : 'unfinished long string', '<eof>');
      }
      if (c === 93) {
        let p = this.pos + 1;
        let l = 0;
        while (this.src.charCodeAt(p) === 61) { l++; p++; }
        if (l === level && this.src.charCodeAt(p) === 93) {
          out += this.src.slice(start, this.pos);
          this.pos = p + 1;
          return out;
        }
        this.pos++;
      } else if (c === 10 || c === 13) {
        out += this.src.slice(start, this.pos) + '\n';
        this.newline();
        start = this.pos;
      } else {
        this.pos++;
      }
    }
  }

  private shortString(quote: number): Token {
    const begin = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.peekc();
      if (c === quote) { this.pos++; break; }
      if (c === -1) this.error('unfinished string', '<eof>');
      if (c === 10 || c === 13) this.error('unfinished string', String.fromCharCode(quote) + out);
      if (c !== 92) { out += String.fromCharCode(c); this.pos++; continue; }
      this.pos++;
      const e = this.peekc();
      switch (e) {
        case 97: out += '\x07'; this.pos++; break;
        case 98: out += '\b'; this.pos++; break;
        case 102: out += '\f'; this.pos++; break;
        case 110: out += '\n'; this.pos++; break;
        case 114: out += '\r'; this.pos++; break;
        case 116: out += '\t'; this.pos++; break;
        case 118: out += '\v'; this.pos++; break;
        case 10: case 13: out += '\n'; this.newline(); break;
        case -1: break; // unfinished string reported by the loop
        default: {
          if (!isDigit(e)) { out += String.fromCharCode(e); this.pos++; break; }
          let v = 0;
          let i = 0;
          while (i < 3 && isDigit(this.peekc())) { v = v * 10 + this.peekc() - 48; this.pos++; i++; }
          if (v > 255) this.error('escape sequence too large', String.fromCharCode(quote) + out);
          out += String.fromCharCode(v);
        }
      }
    }
    const raw = this.src.slice(begin, this.pos);
    return this.tok('string', out, raw);
  }

  private number(): Token {
    const start = this.pos;
    // llex.c read_numeral: digits and '.', then an exponent with optional sign, then alnum/_
    while (isDigit(this.peekc()) || this.peekc() === 46) this.pos++;
    const e = this.peekc();
    if (e === 69 || e === 101) {
      this.pos++;
      if (this.peekc() === 43 || this.peekc() === 45) this.pos++;
    }
    while (isAlnum(this.peekc())) this.pos++;
    const text = this.src.slice(start, this.pos);
    const n = strToNumber(text);
    if (n === undefined || /^0[xX].*\./.test(text) || /[pP]/.test(text) || /^(inf|nan)/i.test(text)) {
      this.error('malformed number', text);
    }
    return this.tok('number', text, text, n);
  }
}
