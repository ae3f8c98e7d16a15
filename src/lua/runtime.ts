// The runtime that compiled Lua code calls into: indexing with metamethods, arithmetic with
// string coercion, comparison, concatenation, calls (native, yieldable Lua generators, __call),
// call-depth and instruction-budget bookkeeping, and Lua 5.1's runtime error texts with
// "chunk:line:" positions and variable names. Redis equivalent: lvm.c / ldebug.c / ldo.c.

import { fbRound, TableKeyError } from './table.js';
import {
  EMPTY, LuaError, LuaFunction, LuaTable, LuaUserdata, numberToString, strToNumber, typeName,
  type LuaValue, type NativeFn, type UpvalueCell,
} from './value.js';

/** Static facts about one operation site in compiled code, for error messages. */
export class Site {
  readonly chunk: string;
  readonly line: number;
  /** How Lua 5.1 names the operand(s): "local 'a'", "global 'x'", "field 'k'"... or null. */
  readonly n1: string | null;
  readonly n2: string | null;
  /** The called function's name as seen at a call site ('?' when unknown). */
  readonly fname: string;
  readonly method: boolean;
  constructor(chunk: string, line: number, names: { n1: string | null; n2: string | null; fname?: string; method?: boolean }) {
    this.chunk = chunk;
    this.line = line;
    this.n1 = names.n1;
    this.n2 = names.n2;
    this.fname = names.fname ?? '?';
    this.method = names.method ?? false;
  }
}

/** No Lua caller (a native called by a native, e.g. pcall(string.rep)): no position, name '?'. */
export const NO_SITE = new Site('', -1, { n1: null, n2: null });

const MAX_C_CALLS = 200;

/** Yielded by compiled code when the instruction budget is spent. */
export const TICK = 0;

/** Thrown by a host hook to abort a script: Lua code (pcall) cannot catch it. */
export class LuaAbort extends Error {}

type Gen = Generator<unknown, LuaValue[], unknown>;

const ARITH_EVENTS: Record<string, string> = {
  add: '__add', sub: '__sub', mul: '__mul', div: '__div', mod: '__mod', pow: '__pow', unm: '__unm',
};

export function luaMod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

function arithRaw(op: string, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'mod': return luaMod(a, b);
    case 'pow': return Math.pow(a, b);
    default: return -a;
  }
}

function isNative(v: LuaValue): boolean {
  return v instanceof LuaFunction && v.native !== null;
}

/**
 * The value at a global path when every table it reads (and every __index table it falls back
 * to) is read-only, so that it cannot change later; else undefined.
 */
function readonlyPath(env: LuaTable | null, path: readonly string[]): LuaValue {
  let v: LuaValue = env ?? undefined;
  for (const key of path) {
    let t: LuaValue = v;
    v = undefined;
    for (let hops = 0; hops < 4 && t instanceof LuaTable && t.readonly; hops++) {
      v = t.getStr(key);
      const mt: LuaTable | null = t.metatable;
      if (v !== undefined || mt === null || !mt.readonly) break;
      t = mt.getStr('__index');
    }
    if (v === undefined) return undefined;
  }
  return v;
}

export class Runtime {
  /** Current Lua call depth; ls[d] is the call site the frame at depth d is executing. */
  d = 0;
  ls: Site[] = [];
  /** Instruction budget: compiled code yields TICK when it drops below 0. */
  b = 1e9;
  /** Where the code was when it last spent its budget (the position a killed script reports). */
  ts: Site | null = null;
  /** The site of the last runtime error raised by compiled code (for LuaError.line). */
  errSite: Site | null = null;
  /** Nesting of natives that call back into Lua (Lua 5.1's nCcalls, limit 200). */
  cc = 0;
  hookEvery = 100000;
  maxDepth = 1500;
  G: LuaTable = new LuaTable();
  stringMeta: LuaTable | null = null;
  /** Called by drivers that cannot suspend when the budget is spent; may throw LuaAbort. */
  onTick: () => void = () => {};

  // ---------------------------------------------------------------- errors
  /** Error at the position of the Lua code running at depth `level` (1 = the current caller). */
  where(level = 1): string {
    const s = this.ls[this.d - level + 1];
    if (s === undefined || s.line < 0) return '';
    return `${s.chunk}:${s.line}: `;
  }
  error(msg: string, level = 1): never {
    throw new LuaError(this.where(level) + msg);
  }
  rtError(msg: string, s: Site): never {
    this.errSite = s;
    throw new LuaError(s.line < 0 ? msg : `${s.chunk}:${s.line}: ${msg}`);
  }
  typeError(v: LuaValue, op: string, name: string | null, s: Site): never {
    const t = typeName(v);
    this.rtError(name === null ? `attempt to ${op} a ${t} value` : `attempt to ${op} ${name} (a ${t} value)`, s);
  }
  /** A LuaError for the host, with the position of the Lua code that raised it. */
  hostError(value: LuaValue): LuaError {
    const e = new LuaError(value);
    const s = this.errSite ?? this.ls[this.d];
    this.errSite = null;
    if (s !== undefined && s.line >= 0) {
      e.chunk = s.chunk;
      e.line = s.line;
    }
    return e;
  }
  overflow(s: Site): never {
    this.rtError('stack overflow', s);
  }

  // ---------------------------------------------------------------- metatables
  metatable(v: LuaValue): LuaTable | null {
    if (v instanceof LuaTable) return v.metatable;
    if (typeof v === 'string') return this.stringMeta;
    if (v instanceof LuaUserdata) return v.mt;
    return null;
  }
  metamethod(v: LuaValue, event: string): LuaValue {
    const mt = this.metatable(v);
    return mt === null ? undefined : mt.getStr(event);
  }

  // ---------------------------------------------------------------- indexing
  index(o: LuaValue, k: LuaValue, s: Site): LuaValue {
    if (o instanceof LuaTable) {
      const v = o.get(k);
      if (v !== undefined || o.metatable === null) return v;
    }
    return this.indexMeta(o, k, s);
  }
  indexS(o: LuaValue, k: string, s: Site): LuaValue {
    if (o instanceof LuaTable) {
      const v = o.getStr(k);
      if (v !== undefined || o.metatable === null) return v;
    }
    return this.indexMeta(o, k, s);
  }
  gget(g: LuaTable, k: string, s: Site): LuaValue {
    const v = g.getStr(k);
    if (v !== undefined || g.metatable === null) return v;
    return this.indexMeta(g, k, s);
  }
  indexMeta(o: LuaValue, k: LuaValue, s: Site): LuaValue {
    for (let loop = 0; loop < 100; loop++) {
      let h: LuaValue;
      if (o instanceof LuaTable) {
        const v = o.get(k);
        if (v !== undefined) return v;
        const mt = o.metatable;
        if (mt === null) return undefined;
        h = mt.getStr('__index');
        if (h === undefined) return undefined;
      } else {
        h = this.metamethod(o, '__index');
        if (h === undefined) this.typeError(o, 'index', loop === 0 ? s.n1 : null, s);
      }
      if (h instanceof LuaFunction) {
        this.ls[this.d] = s;
        return this.callSync(h, [o, k])[0];
      }
      o = h;
    }
    this.rtError('loop in gettable', s);
  }

  setIndex(o: LuaValue, k: LuaValue, v: LuaValue, s: Site): void {
    if (o instanceof LuaTable && o.metatable === null && !o.readonly) {
      this.rawSet(o, k, v, s);
      return;
    }
    this.setIndexMeta(o, k, v, s);
  }
  gset(g: LuaTable, k: string, v: LuaValue, s: Site): void {
    this.setIndex(g, k, v, s);
  }
  rawSet(o: LuaTable, k: LuaValue, v: LuaValue, s: Site): void {
    if (o.readonly) this.rtError('Attempt to modify a readonly table', s);
    try {
      o.set(k, v);
    } catch (e) {
      if (e instanceof TableKeyError) this.rtError(e.message, s);
      throw e;
    }
  }
  private setIndexMeta(o: LuaValue, k: LuaValue, v: LuaValue, s: Site): void {
    for (let loop = 0; loop < 100; loop++) {
      let h: LuaValue;
      if (o instanceof LuaTable) {
        if (o.readonly) this.rtError('Attempt to modify a readonly table', s);
        const mt = o.metatable;
        if (mt === null || o.get(k) !== undefined || (h = mt.getStr('__newindex')) === undefined) {
          this.rawSet(o, k, v, s);
          return;
        }
      } else {
        h = this.metamethod(o, '__newindex');
        if (h === undefined) this.typeError(o, 'index', loop === 0 ? s.n1 : null, s);
      }
      if (h instanceof LuaFunction) {
        this.ls[this.d] = s;
        this.callSync(h, [o, k, v]);
        return;
      }
      o = h;
    }
    this.rtError('loop in settable', s);
  }

  // ---------------------------------------------------------------- arithmetic
  add(a: LuaValue, b: LuaValue, s: Site): number {
    return typeof a === 'number' && typeof b === 'number' ? a + b : this.arith('add', a, b, s);
  }
  sub(a: LuaValue, b: LuaValue, s: Site): number {
    return typeof a === 'number' && typeof b === 'number' ? a - b : this.arith('sub', a, b, s);
  }
  mul(a: LuaValue, b: LuaValue, s: Site): number {
    return typeof a === 'number' && typeof b === 'number' ? a * b : this.arith('mul', a, b, s);
  }
  div(a: LuaValue, b: LuaValue, s: Site): number {
    return typeof a === 'number' && typeof b === 'number' ? a / b : this.arith('div', a, b, s);
  }
  mod(a: LuaValue, b: LuaValue, s: Site): number {
    return typeof a === 'number' && typeof b === 'number' ? luaMod(a, b) : this.arith('mod', a, b, s);
  }
  pow(a: LuaValue, b: LuaValue, s: Site): number {
    return typeof a === 'number' && typeof b === 'number' ? Math.pow(a, b) : this.arith('pow', a, b, s);
  }
  unm(a: LuaValue, s: Site): number {
    return typeof a === 'number' ? -a : this.arith('unm', a, a, s);
  }
  /** Slow path: string coercion, then metamethods, then the error. Results may be any value. */
  arith(op: string, a: LuaValue, b: LuaValue, s: Site): number {
    const x = typeof a === 'number' ? a : typeof a === 'string' ? strToNumber(a) : undefined;
    const y = typeof b === 'number' ? b : typeof b === 'string' ? strToNumber(b) : undefined;
    if (x !== undefined && y !== undefined) return arithRaw(op, x, y);
    const ev = ARITH_EVENTS[op] as string;
    let h = this.metamethod(a, ev);
    if (h === undefined) h = this.metamethod(b, ev);
    if (h !== undefined) return this.callSync(h, [a, b])[0] as number;
    if (x === undefined) this.typeError(a, 'perform arithmetic on', s.n1, s);
    this.typeError(b, 'perform arithmetic on', s.n2, s);
  }

  concat(a: LuaValue, b: LuaValue, s: Site): LuaValue {
    const ta = typeof a;
    const tb = typeof b;
    if ((ta === 'string' || ta === 'number') && (tb === 'string' || tb === 'number')) {
      return (ta === 'string' ? (a as string) : numberToString(a as number)) +
        (tb === 'string' ? (b as string) : numberToString(b as number));
    }
    let h = this.metamethod(a, '__concat');
    if (h === undefined) h = this.metamethod(b, '__concat');
    if (h !== undefined) return this.callSync(h, [a, b])[0];
    if (ta === 'string' || ta === 'number') this.typeError(b, 'concatenate', s.n2, s);
    this.typeError(a, 'concatenate', s.n1, s);
  }

  len(a: LuaValue, s: Site): LuaValue {
    if (typeof a === 'string') return a.length;
    if (a instanceof LuaTable) return a.length();
    const h = this.metamethod(a, '__len');
    if (h !== undefined) return this.callSync(h, [a, undefined])[0];
    this.typeError(a, 'get length of', s.n1, s);
  }

  // ---------------------------------------------------------------- comparison
  eq(a: LuaValue, b: LuaValue): boolean {
    if (a === b) return true;
    if (typeof a !== 'object' || typeof b !== 'object') return false;
    const ta = a instanceof LuaTable;
    if (ta !== b instanceof LuaTable || !(ta || a instanceof LuaUserdata) || !(b instanceof LuaTable || b instanceof LuaUserdata)) {
      return false;
    }
    const h = this.eqHandler(a, b);
    return h !== undefined && this.truthy(this.callSync(h, [a, b])[0]);
  }
  private eqHandler(a: LuaValue, b: LuaValue): LuaValue {
    const h1 = this.metamethod(a, '__eq');
    if (h1 === undefined) return undefined;
    const h2 = this.metamethod(b, '__eq');
    return h1 === h2 ? h1 : undefined;
  }
  lt(a: LuaValue, b: LuaValue, s: Site): boolean {
    if (typeof a === 'number' && typeof b === 'number') return a < b;
    if (typeof a === 'string' && typeof b === 'string') return a < b;
    return this.order(a, b, '__lt', s);
  }
  le(a: LuaValue, b: LuaValue, s: Site): boolean {
    if (typeof a === 'number' && typeof b === 'number') return a <= b;
    if (typeof a === 'string' && typeof b === 'string') return a <= b;
    const t1 = typeName(a);
    if (t1 === typeName(b)) {
      const h = this.metamethod(a, '__le');
      if (h !== undefined && h === this.metamethod(b, '__le')) return this.truthy(this.callSync(h, [a, b])[0]);
      const g = this.metamethod(a, '__lt');
      if (g !== undefined && g === this.metamethod(b, '__lt')) return !this.truthy(this.callSync(g, [b, a])[0]);
    }
    return this.compareError(a, b, s);
  }
  private order(a: LuaValue, b: LuaValue, ev: string, s: Site): boolean {
    if (typeName(a) === typeName(b)) {
      const h = this.metamethod(a, ev);
      if (h !== undefined && h === this.metamethod(b, ev)) return this.truthy(this.callSync(h, [a, b])[0]);
    }
    return this.compareError(a, b, s);
  }
  private compareError(a: LuaValue, b: LuaValue, s: Site): never {
    const t1 = typeName(a);
    const t2 = typeName(b);
    if (t1 === t2) this.rtError(`attempt to compare two ${t1} values`, s);
    this.rtError(`attempt to compare ${t1} with ${t2}`, s);
  }
  truthy(v: LuaValue): boolean {
    return v !== undefined && v !== false;
  }

  forNum(v: LuaValue, what: string, s: Site): number {
    if (typeof v === 'number') return v;
    const n = typeof v === 'string' ? strToNumber(v) : undefined;
    if (n === undefined) this.rtError(`'for' ${what} must be a number`, s);
    return n;
  }

  // ---------------------------------------------------------------- calls
  /** Called by compiled code when the callee is not a function: __call or the error. */
  *callMeta(f: LuaValue, args: LuaValue[], s: Site): Gen {
    const h = this.metamethod(f, '__call');
    if (!(h instanceof LuaFunction)) this.typeError(f, 'call', s.n1, s);
    return yield* this.callGen(h, [f, ...args]);
  }
  /** Calls any value from a yieldable native (pcall, coroutine.resume). */
  *callGen(f: LuaValue, args: LuaValue[]): Gen {
    if (f instanceof LuaFunction) {
      if (f.native !== null) return f.native(args);
      return yield* (f.gen as (a: LuaValue[]) => Gen).call(f, args);
    }
    return yield* this.callMeta(f, args, this.ls[this.d] ?? NO_SITE);
  }
  /**
   * Calls any value to completion without suspending (metamethods, sort comparators, gsub
   * callbacks): the budget hook still runs and may abort; coroutine yields across it fail.
   */
  callSync(f: LuaValue, args: LuaValue[]): LuaValue[] {
    if (++this.cc >= MAX_C_CALLS) {
      this.cc--;
      this.error('C stack overflow');
    }
    try {
      if (f instanceof LuaFunction && f.native !== null) return f.native(args);
      return this.drive(this.callGen(f, args));
    } finally {
      this.cc--;
    }
  }
  /** Enters a native that calls Lua (pcall): counts against Lua's C-call limit. */
  enterC(): void {
    if (++this.cc >= MAX_C_CALLS) {
      this.cc--;
      this.error('C stack overflow');
    }
  }
  drive(g: Gen): LuaValue[] {
    let r = g.next();
    for (;;) {
      if (r.done === true) return r.value;
      if (r.value === TICK) {
        this.tick();
        r = g.next();
      } else {
        r = g.throw(new LuaError(this.where() + 'attempt to yield across metamethod/C-call boundary'));
      }
    }
  }
  /** The budget is spent and nobody can suspend: run the hook, refill. */
  tick(): void {
    this.b = this.hookEvery;
    this.onTick();
  }

  /** A Lua closure created by compiled code: its function's generator, globals and upvalue cells. */
  closure(name: string, gen: (a: LuaValue[]) => Gen, env: LuaTable, cells: UpvalueCell[]): LuaFunction {
    const f = new LuaFunction(name, null, gen);
    f.env = env;
    f.u = cells;
    return f;
  }

  /**
   * A leaf closure (leaf.ts) gets its plain-function form `sync` when every callee is a native
   * now and stays one: an upvalue that no assignment changes, or a global path through
   * read-only tables (Redis's protected globals and libraries).
   */
  leaf(fn: LuaFunction, sync: NativeFn, ups: readonly number[], paths: readonly (readonly string[])[]): LuaFunction {
    for (const i of ups) if (!isNative((fn.u[i] as UpvalueCell).v)) return fn;
    for (const path of paths) if (!isNative(readonlyPath(fn.env, path))) return fn;
    fn.direct = sync;
    return fn;
  }

  /** OP_NEWTABLE of a constructor with `nh` keyed items and no positional ones. */
  newTable(nh: number): LuaTable {
    return new LuaTable(0, fbRound(nh));
  }

  /**
   * A table constructor: OP_NEWTABLE with the size hints of `na` positional and `nh` keyed
   * items, keyed items set in order, then OP_SETLIST of the positional ones (last to first).
   */
  // eslint-disable-next-line max-params -- called by compiled Lua for every table constructor; positional arguments spare an object per table
  table(na: number, nh: number, pos: LuaValue[], kv: LuaValue[] | null, s: Site): LuaTable {
    const t = new LuaTable(fbRound(na), fbRound(nh));
    if (kv !== null) {
      for (let i = 0; i < kv.length; i += 2) this.rawSet(t, kv[i], kv[i + 1], s);
    }
    const last = pos.length;
    if (last > t.arr.length) t.resizeArray(last);
    for (let i = last; i > 0; i--) t.arr[i - 1] = pos[i - 1];
    return t;
  }
}

export { EMPTY };
