// Lua 5.1 pattern matching (character classes, sets, quantifiers * + - ?, anchors, captures,
// position captures, back-references, %b and %f) with lstrlib.c's error texts. Works on latin1
// strings by char code; classes follow the C locale. Redis equivalent: lstrlib.c (match()).

export const CAP_UNFINISHED = -1;
export const CAP_POSITION = -2;
const MAXCAPTURES = 32;

/** Raised for malformed patterns; the caller prefixes the position. */
export class PatternError extends Error {}

function isalpha(c: number): boolean { return (c >= 65 && c <= 90) || (c >= 97 && c <= 122); }
function isdigit(c: number): boolean { return c >= 48 && c <= 57; }
function islower(c: number): boolean { return c >= 97 && c <= 122; }
function isupper(c: number): boolean { return c >= 65 && c <= 90; }
function isspace(c: number): boolean { return c === 32 || (c >= 9 && c <= 13); }
function iscntrl(c: number): boolean { return c < 32 || c === 127; }
function ispunct(c: number): boolean {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}
function isxdigit(c: number): boolean { return isdigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70); }

export function matchClass(c: number, cl: number): boolean {
  let res: boolean;
  switch (cl | 0x20) {
    case 97: res = isalpha(c); break; // a
    case 99: res = iscntrl(c); break; // c
    case 100: res = isdigit(c); break; // d
    case 108: res = islower(c); break; // l
    case 112: res = ispunct(c); break; // p
    case 115: res = isspace(c); break; // s
    case 117: res = isupper(c); break; // u
    case 119: res = isalpha(c) || isdigit(c); break; // w
    case 120: res = isxdigit(c); break; // x
    case 122: res = c === 0; break; // z
    default: return cl === c;
  }
  return isupper(cl) ? !res : res;
}

export class MatchState {
  readonly src: string;
  readonly pat: string;
  level = 0;
  readonly capInit: number[] = [];
  readonly capLen: number[] = [];
  private depth = 0;

  constructor(src: string, pat: string) {
    this.src = src;
    this.pat = pat;
  }

  private pc(p: number): number {
    return p < this.pat.length ? this.pat.charCodeAt(p) : 0;
  }

  private classEnd(p: number): number {
    const pat = this.pat;
    const c = pat.charCodeAt(p++);
    if (c === 37) {
      if (p >= pat.length) throw new PatternError("malformed pattern (ends with '%')");
      return p + 1;
    }
    if (c === 91) {
      if (this.pc(p) === 94) p++;
      do {
        if (p >= pat.length) throw new PatternError("malformed pattern (missing ']')");
        const d = pat.charCodeAt(p++);
        if (d === 37 && p < pat.length) p++;
      } while (this.pc(p) !== 93);
      return p + 1;
    }
    return p;
  }

  private bracket(c: number, p: number, ec: number): boolean {
    let sig = true;
    if (this.pc(p + 1) === 94) {
      sig = false;
      p++;
    }
    while (++p < ec) {
      const pc = this.pc(p);
      if (pc === 37) {
        p++;
        if (matchClass(c, this.pc(p))) return sig;
      } else if (this.pc(p + 1) === 45 && p + 2 < ec) {
        p += 2;
        if (this.pc(p - 2) <= c && c <= this.pc(p)) return sig;
      } else if (pc === c) {
        return sig;
      }
    }
    return !sig;
  }

  private single(s: number, p: number, ep: number): boolean {
    if (s >= this.src.length) return false;
    const c = this.src.charCodeAt(s);
    switch (this.pc(p)) {
      case 46: return true;
      case 37: return matchClass(c, this.pc(p + 1));
      case 91: return this.bracket(c, p, ep - 1);
      default: return this.pc(p) === c;
    }
  }

  /** Matches pattern from p against src from s: the end of the match, or -1. */
  match(s: number, p: number): number {
    if (++this.depth > 1000) throw new PatternError('pattern too complex');
    try {
      return this.doMatch(s, p);
    } finally {
      this.depth--;
    }
  }

  private doMatch(s: number, p: number): number {
    const pat = this.pat;
    const src = this.src;
    for (;;) {
      if (p >= pat.length) return s;
      const pc = pat.charCodeAt(p);
      if (pc === 40) {
        if (this.pc(p + 1) === 41) return this.startCapture(s, p + 2, CAP_POSITION);
        return this.startCapture(s, p + 1, CAP_UNFINISHED);
      }
      if (pc === 41) return this.endCapture(s, p + 1);
      if (pc === 37) {
        const n = this.pc(p + 1);
        if (n === 98) {
          s = this.matchBalance(s, p + 2);
          if (s === -1) return -1;
          p += 4;
          continue;
        }
        if (n === 102) {
          p += 2;
          if (this.pc(p) !== 91) throw new PatternError("missing '[' after '%f' in pattern");
          const ep = this.classEnd(p);
          const prev = s === 0 ? 0 : src.charCodeAt(s - 1);
          const cur = s < src.length ? src.charCodeAt(s) : 0;
          if (!this.bracket(prev, p, ep - 1) && this.bracket(cur, p, ep - 1)) {
            p = ep;
            continue;
          }
          return -1;
        }
        if (isdigit(n)) {
          s = this.matchCapture(s, n);
          if (s === -1) return -1;
          p += 2;
          continue;
        }
      } else if (pc === 36 && p + 1 === pat.length) {
        return s === src.length ? s : -1;
      }
      const ep = this.classEnd(p);
      const m = this.single(s, p, ep);
      const q = this.pc(ep);
      if (q === 63) {
        if (m) {
          const res = this.match(s + 1, ep + 1);
          if (res !== -1) return res;
        }
        p = ep + 1;
        continue;
      }
      if (q === 42) return this.maxExpand(s, p, ep);
      if (q === 43) return m ? this.maxExpand(s + 1, p, ep) : -1;
      if (q === 45) return this.minExpand(s, p, ep);
      if (!m) return -1;
      s++;
      p = ep;
    }
  }

  private maxExpand(s: number, p: number, ep: number): number {
    let i = 0;
    while (this.single(s + i, p, ep)) i++;
    while (i >= 0) {
      const res = this.match(s + i, ep + 1);
      if (res !== -1) return res;
      i--;
    }
    return -1;
  }

  private minExpand(s: number, p: number, ep: number): number {
    for (;;) {
      const res = this.match(s, ep + 1);
      if (res !== -1) return res;
      if (this.single(s, p, ep)) s++;
      else return -1;
    }
  }

  private startCapture(s: number, p: number, what: number): number {
    if (this.level >= MAXCAPTURES) throw new PatternError('too many captures');
    this.capInit[this.level] = s;
    this.capLen[this.level] = what;
    this.level++;
    const res = this.match(s, p);
    if (res === -1) this.level--;
    return res;
  }

  private endCapture(s: number, p: number): number {
    let l = -1;
    for (let i = this.level - 1; i >= 0; i--) {
      if (this.capLen[i] === CAP_UNFINISHED) {
        l = i;
        break;
      }
    }
    if (l < 0) throw new PatternError('invalid pattern capture');
    this.capLen[l] = s - (this.capInit[l] as number);
    const res = this.match(s, p);
    if (res === -1) this.capLen[l] = CAP_UNFINISHED;
    return res;
  }

  private matchBalance(s: number, p: number): number {
    if (p + 1 >= this.pat.length) throw new PatternError('unbalanced pattern');
    const src = this.src;
    if (s >= src.length || src.charCodeAt(s) !== this.pat.charCodeAt(p)) return -1;
    const b = this.pat.charCodeAt(p);
    const e = this.pat.charCodeAt(p + 1);
    let cont = 1;
    while (++s < src.length) {
      const c = src.charCodeAt(s);
      if (c === e) {
        if (--cont === 0) return s + 1;
      } else if (c === b) {
        cont++;
      }
    }
    return -1;
  }

  private matchCapture(s: number, digit: number): number {
    const l = digit - 49;
    if (l < 0 || l >= this.level || this.capLen[l] === CAP_UNFINISHED) throw new PatternError('invalid capture index');
    const len = this.capLen[l] as number;
    // A position capture's length is CAP_POSITION (-2), which Lua compares as size_t: larger
    // than any remaining subject, so a back-reference to one never matches.
    if (len === CAP_POSITION) return -1;
    const init = this.capInit[l] as number;
    if (this.src.length - s >= len && this.src.substr(init, len) === this.src.substr(s, len)) return s + len;
    return -1;
  }

  /** Capture i (string or 1-based position); i = 0 with no captures is the whole match. */
  capture(i: number, s: number, e: number): string | number {
    if (i >= this.level) {
      if (i === 0) return this.src.slice(s, e);
      throw new PatternError('invalid capture index');
    }
    const l = this.capLen[i] as number;
    const init = this.capInit[i] as number;
    if (l === CAP_UNFINISHED) throw new PatternError('unfinished capture');
    if (l === CAP_POSITION) return init + 1;
    return this.src.substr(init, l);
  }

  captures(s: number, e: number, wholeIfNone: boolean): (string | number)[] {
    const n = this.level === 0 && wholeIfNone ? 1 : this.level;
    const out: (string | number)[] = [];
    for (let i = 0; i < n; i++) out.push(this.capture(i, s, e));
    return out;
  }
}

const SPECIALS = /[\^$*+?.([%-]/;
export function hasSpecials(p: string): boolean {
  return SPECIALS.test(p);
}
