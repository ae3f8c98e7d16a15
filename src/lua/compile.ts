// Compiles a Lua 5.1 syntax tree to the source of JS generator functions. Locals become JS
// `let`s (block-scoped, so closures capture per-iteration loop variables as Lua does); every
// operation that can fail goes through the Runtime with a Site naming the operand as Lua 5.1's
// error messages do; loops and function entries spend the instruction budget and `yield` when
// it runs out, so the host can suspend a running script. Names are mangled to `L<id>_<name>`
// and constants emitted with JSON.stringify, so no Lua text is ever JS code.
// Redis equivalent: lcode.c (code generation), executed by lvm.c.

import type { Expr, FuncBody, Stat, TableItem, VarInfo } from './ast.js';
import { leafCallees } from './leaf.js';
import { Site } from './runtime.js';

export interface Compiled {
  /** JS source of a function body returning the main chunk's generator function. */
  source: string;
  sites: Site[];
}

export function compileChunk(main: FuncBody, chunk: string): Compiled {
  const c = new Compiler(chunk, findUpvalues(main));
  const body = c.funcBody(main);
  return { source: `"use strict"; ${c.protos}return ${body};`, sites: c.sites };
}

/**
 * Which locals inner functions capture, and each function's upvalues in order. A captured
 * local lives in a cell ({v}) that the closures share; every function's JS generator is
 * created once per chunk (not per closure), so V8 sees one generator shape per Lua function.
 */
interface Upvalues {
  captured: Set<VarInfo>;
  lists: Map<FuncBody, VarInfo[]>;
  /**
   * Locals that some assignment statement writes (the others keep their initial value), and
   * locals declared as Lua functions (`local function f`): neither can be a leaf's callee.
   */
  assigned: Set<VarInfo>;
}

function findUpvalues(main: FuncBody): Upvalues {
  const up: Upvalues = { captured: new Set(), lists: new Map(), assigned: new Set() };
  const use = (v: VarInfo, fn: FuncBody): void => {
    if (v.fn === fn) return;
    up.captured.add(v);
    for (let f: FuncBody | null = fn; f !== null && f !== v.fn; f = f.parent) {
      let list = up.lists.get(f);
      if (list === undefined) up.lists.set(f, list = []);
      if (!list.includes(v)) list.push(v);
    }
  };
  const expr = (e: Expr, fn: FuncBody): void => {
    switch (e.k) {
      case 'local': use(e.v, fn); return;
      case 'func': body(e.f); return;
      case 'index': expr(e.obj, fn); expr(e.key, fn); return;
      case 'call': expr(e.fn, fn); e.args.forEach((a) => expr(a, fn)); return;
      case 'method': expr(e.obj, fn); e.args.forEach((a) => expr(a, fn)); return;
      case 'bin': case 'and': case 'or': expr(e.a, fn); expr(e.b, fn); return;
      case 'un': expr(e.a, fn); return;
      case 'paren': expr(e.e, fn); return;
      case 'table':
        for (const it of e.items) {
          if (it.k === 'kv') expr(it.key, fn);
          expr(it.v, fn);
        }
        return;
      default:
    }
  };
  const stats = (list: Stat[], fn: FuncBody): void => {
    for (const s of list) stat(s, fn);
  };
  const stat = (s: Stat, fn: FuncBody): void => {
    switch (s.k) {
      case 'local': s.exprs.forEach((e) => expr(e, fn)); return;
      case 'assign':
        for (const t of s.targets) if (t.k === 'local') up.assigned.add(t.v);
        s.targets.forEach((e) => expr(e, fn)); s.exprs.forEach((e) => expr(e, fn)); return;
      case 'call': expr(s.e, fn); return;
      case 'do': stats(s.body, fn); return;
      case 'while': case 'repeat': expr(s.cond, fn); stats(s.body, fn); return;
      case 'if': s.conds.forEach((e) => expr(e, fn)); s.blocks.forEach((b) => stats(b, fn)); if (s.orelse !== null) stats(s.orelse, fn); return;
      case 'fornum': expr(s.start, fn); expr(s.limit, fn); if (s.step !== null) expr(s.step, fn); stats(s.body, fn); return;
      case 'forin': s.exprs.forEach((e) => expr(e, fn)); stats(s.body, fn); return;
      case 'return': s.exprs.forEach((e) => expr(e, fn)); return;
      case 'localfunc': up.assigned.add(s.v); body(s.f); return;
      default:
    }
  };
  const body = (f: FuncBody): void => stats(f.body, f);
  body(main);
  return up;
}

/** The line a statement starts on, when the tree records one. */
function statLine(s: Stat): number | undefined {
  switch (s.k) {
    case 'call': return s.e.k === 'call' || s.e.k === 'method' ? s.e.line : undefined;
    case 'localfunc': return s.f.line;
    case 'do': return s.body[0] === undefined ? undefined : statLine(s.body[0]);
    case 'if': case 'break': return undefined;
    default: return s.line;
  }
}

function jsName(v: VarInfo): string {
  return `L${v.id}_${v.name}`;
}

function num(n: number): string {
  if (Object.is(n, -0)) return '-0';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n !== n) return 'NaN';
  return String(n);
}

function isMulti(e: Expr | undefined): boolean {
  return e !== undefined && (e.k === 'call' || e.k === 'method' || e.k === 'vararg');
}

const ARITH: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '^': 'pow' };

class Compiler {
  readonly sites: Site[] = [];
  /** Declarations of the hoisted generator functions of the chunk's inner functions. */
  protos = '';
  private nprotos = 0;
  private readonly chunk: string;
  private readonly up: Upvalues;
  private fn: FuncBody | null = null;
  /** Emitting the plain-function form of a leaf: no yield anywhere. */
  private sync = false;
  private temps = 0;
  /** The most temps live at once in the current function (its `let $0..` declaration). */
  private maxTemps = 0;
  /** Number constants of the current function: Lua 5.1 shares one slot for 0 and -0. */
  private consts = new Map<number, number>();

  constructor(chunk: string, up: Upvalues) {
    this.chunk = chunk;
    this.up = up;
  }

  /** The JS expression of local `v` as seen from the current function. */
  private ref(v: VarInfo): string {
    if (v.fn === this.fn) return this.up.captured.has(v) ? `${jsName(v)}.v` : jsName(v);
    const list = this.up.lists.get(this.fn as FuncBody) as VarInfo[];
    return `U[${list.indexOf(v)}].v`;
  }
  /** The initialiser of a declared local: its cell when captured. */
  private init(v: VarInfo, value: string): string {
    return this.up.captured.has(v) ? `{ v: ${value} }` : value;
  }

  private site(line: number, n1: string | null = null, n2: string | null = null, call?: { fname: string; method: boolean }): string {
    this.sites.push(new Site(this.chunk, line, { n1, n2, ...call }));
    return `S[${this.sites.length - 1}]`;
  }
  /**
   * Where a loop that spends its budget stands when the host stops it (SCRIPT KILL reports
   * it): at the start of its body, so the line is the body's first statement, the line being
   * run (as Lua's count hook reports for a one-statement body), not the loop's header.
   */
  private tickSite(body: Stat[], line: number): string {
    const first = body[0];
    return this.site(first === undefined ? line : statLine(first) ?? line);
  }
  private temp(): string {
    if (this.temps === this.maxTemps) this.maxTemps++;
    return `$${this.temps++}`;
  }

  /** How Lua 5.1 (ldebug.c getobjname) names the value of `e` in error messages. */
  private describe(e: Expr): string | null {
    switch (e.k) {
      case 'local': return e.v.fn === this.fn ? `local '${e.v.name}'` : `upvalue '${e.v.name}'`;
      case 'global': return `global '${e.name}'`;
      case 'index': return e.key.k === 'str' ? `field '${e.key.v}'` : "field '?'";
      default: return null;
    }
  }
  private funcName(e: Expr): string {
    switch (e.k) {
      case 'local': return e.v.name;
      case 'global': return e.name;
      case 'index': return e.key.k === 'str' ? e.key.v : '?';
      default: return '?';
    }
  }

  funcBody(f: FuncBody, sync = false): string {
    const saveSync = this.sync;
    this.sync = sync;
    const saveFn = this.fn;
    const saveTemps = this.temps;
    const saveMax = this.maxTemps;
    const saveConsts = this.consts;
    this.fn = f;
    this.temps = 0;
    this.maxTemps = 0;
    this.consts = new Map();
    const ov = this.site(f.line);
    // a leaf spends its budget without yielding: its caller's next check yields
    const spend = sync ? '--R.b;' : `if (--R.b < 0) yield (R.ts = ${ov}, 0);`;
    let pro = `const d = ++R.d; if (d > R.maxDepth) R.overflow(R.ls[d - 1] ?? ${ov}); ${spend} const G = this.env;\n`;
    if (this.up.lists.has(f)) pro += 'const U = this.u;\n';
    f.params.forEach((p, i) => { pro += `let ${jsName(p)} = ${this.init(p, `A[${i}]`)};\n`; });
    if (f.vararg) pro += `const VA = A.length > ${f.params.length} ? A.slice(${f.params.length}) : E;\n`;
    const body = this.block(f.body);
    const temps = this.maxTemps > 0 ? `let ${Array.from({ length: this.maxTemps }, (_, i) => `$${i}`).join(', ')};\n` : '';
    this.fn = saveFn;
    this.temps = saveTemps;
    this.maxTemps = saveMax;
    this.consts = saveConsts;
    this.sync = saveSync;
    return `function${sync ? '' : '*'} ${f.parent === null ? 'main' : ''}(A) {\n${pro}${temps}${body}R.d = d - 1; return E;\n}`;
  }

  /**
   * A statement's temps are dead once it has run (loops allocate theirs before their body's
   * statements), so each statement reuses the temps of the ones before it: fewer registers
   * for V8 to save at every suspension point of the generator.
   */
  private block(stats: Stat[]): string {
    let out = '';
    for (const s of stats) {
      const mark = this.temps;
      out += this.stat(s);
      this.temps = mark;
    }
    return out;
  }

  private stat(s: Stat): string {
    switch (s.k) {
      case 'local': return this.localStat(s.vars, s.exprs);
      case 'assign': return this.assign(s.targets, s.exprs, s.line);
      case 'call': return this.multi(s.e) + ';\n';
      case 'do': return `{\n${this.block(s.body)}}\n`;
      case 'while':
        return `while (${this.cond(s.cond)}) {\nif (--R.b < 0) yield (R.ts = ${this.tickSite(s.body, s.line)}, 0);\n${this.block(s.body)}}\n`;
      case 'repeat':
        return `for (;;) {\nif (--R.b < 0) yield (R.ts = ${this.tickSite(s.body, s.line)}, 0);\n${this.block(s.body)}if (${this.cond(s.cond)}) break;\n}\n`;
      case 'if': {
        let out = '';
        s.conds.forEach((c, i) => {
          out += `${i === 0 ? 'if' : ' else if'} (${this.cond(c)}) {\n${this.block(s.blocks[i] as Stat[])}}`;
        });
        if (s.orelse !== null) out += ` else {\n${this.block(s.orelse)}}`;
        return out + '\n';
      }
      case 'fornum': return this.forNum(s);
      case 'forin': return this.forIn(s);
      case 'return': return this.ret(s.exprs);
      case 'break': return 'break;\n';
      case 'localfunc':
        return `let ${jsName(s.v)} = ${this.init(s.v, 'undefined')}; ${this.ref(s.v)} = ${this.closure(s.f)};\n`;
    }
  }

  private closure(f: FuncBody): string {
    const proto = `P${this.nprotos++}`;
    const body = this.funcBody(f);
    this.protos += `const ${proto} = ${body};\n`;
    const list = this.up.lists.get(f);
    const cells = list === undefined ? 'E' : `[${list.map((v) => (v.fn === this.fn ? jsName(v) : `U[${(this.up.lists.get(this.fn as FuncBody) as VarInfo[]).indexOf(v)}]`)).join(', ')}]`;
    const make = `R.closure(${JSON.stringify(f.name)}, ${proto}, G, ${cells})`;
    const leaf = leafCallees(f, this.up.assigned);
    if (leaf === null) return make;
    const ups = leaf.ups.map((v) => (list as VarInfo[]).indexOf(v));
    this.protos += `const ${proto}s = ${this.funcBody(f, true)}, ${proto}u = ${JSON.stringify(ups)}, ${proto}p = ${JSON.stringify(leaf.paths)};\n`;
    return `R.leaf(${make}, ${proto}s, ${proto}u, ${proto}p)`;
  }

  private localStat(vars: VarInfo[], exprs: Expr[]): string {
    const names = vars.map(jsName);
    if (exprs.length === 0) return `let ${vars.map((v) => `${jsName(v)} = ${this.init(v, 'undefined')}`).join(', ')};\n`;
    let pre = '';
    const vals: string[] = [];
    exprs.forEach((e, i) => {
      const last = i === exprs.length - 1;
      if (last && isMulti(e) && vars.length > exprs.length) {
        const t = this.temp();
        pre += `${t} = ${this.multi(e)};\n`;
        for (let j = i; j < vars.length; j++) vals.push(`${t}[${j - i}]`);
      } else if (i < vars.length) {
        vals.push(this.single(e));
      } else {
        const t = this.temp();
        vals.push(`${t} = ${this.multi(e)}`);
      }
    });
    while (vals.length < vars.length) vals.push('undefined');
    // extra expressions run (for their effects) after the declared ones, left to right
    const decl = names.map((n, i) => `${n} = ${this.init(vars[i] as VarInfo, vals[i] as string)}`).join(', ');
    const extra = vals.slice(vars.length).map((v) => v + ';\n').join('');
    if (extra === '') return `${pre}let ${decl};\n`;
    const tmp = names.map(() => this.temp());
    return `${pre}${tmp.map((t, i) => `${t} = ${vals[i] as string};\n`).join('')}${extra}let ${names.map((n, i) => `${n} = ${this.init(vars[i] as VarInfo, tmp[i] as string)}`).join(', ')};\n`;
  }

  private assignTo(t: Expr, v: string, obj?: string, key?: string): string {
    switch (t.k) {
      case 'local': return `${this.ref(t.v)} = ${v};\n`;
      case 'global': return `R.gset(G, ${JSON.stringify(t.name)}, ${v}, ${this.site(t.line)});\n`;
      case 'index': {
        const s = this.site(t.line, this.describe(t.obj));
        return `R.setIndex(${obj ?? this.single(t.obj)}, ${key ?? this.single(t.key)}, ${v}, ${s});\n`;
      }
      default: return '';
    }
  }

  private assign(targets: Expr[], exprs: Expr[], line: number): string {
    if (targets.length === 1 && exprs.length === 1) return this.assignTo(targets[0] as Expr, this.single(exprs[0] as Expr));
    let out = '';
    const objs: (string | undefined)[] = [];
    const keys: (string | undefined)[] = [];
    for (const t of targets) {
      if (t.k === 'index') {
        const o = this.temp();
        const k = this.temp();
        out += `${o} = ${this.single(t.obj)}; ${k} = ${this.single(t.key)};\n`;
        objs.push(o);
        keys.push(k);
      } else {
        objs.push(undefined);
        keys.push(undefined);
      }
    }
    const vals = this.temp();
    out += `${vals} = ${this.list(exprs)};\n`;
    for (let i = targets.length - 1; i >= 0; i--) {
      out += this.assignTo(targets[i] as Expr, `${vals}[${i}]`, objs[i], keys[i]);
    }
    return `{\n${out}}\n`;
  }

  private forNum(s: Extract<Stat, { k: 'fornum' }>): string {
    const site = this.site(s.line);
    const i = this.temp();
    const e = this.temp();
    const st = this.temp();
    const step = s.step === null ? '1' : this.single(s.step);
    let out = `${i} = ${this.single(s.start)}; ${e} = ${this.single(s.limit)}; ${st} = ${step};\n`;
    out += `${i} = R.forNum(${i}, 'initial value', ${site}); ${e} = R.forNum(${e}, 'limit', ${site}); ${st} = R.forNum(${st}, 'step', ${site});\n`;
    out += `for (; ${st} > 0 ? ${i} <= ${e} : ${i} >= ${e}; ${i} += ${st}) {\nif (--R.b < 0) yield (R.ts = ${this.tickSite(s.body, s.line)}, 0);\nlet ${jsName(s.v)} = ${this.init(s.v, i)};\n${this.block(s.body)}}\n`;
    return `{\n${out}}\n`;
  }

  private forIn(s: Extract<Stat, { k: 'forin' }>): string {
    const f = this.temp();
    const st = this.temp();
    const c = this.temp();
    const r = this.temp();
    const site = this.site(s.line);
    let out = `${r} = ${this.list(s.exprs)}; ${f} = ${r}[0]; ${st} = ${r}[1]; ${c} = ${r}[2];\n`;
    out += `for (;;) {\nif (--R.b < 0) yield (R.ts = ${this.tickSite(s.body, s.line)}, 0);\n`;
    out += `${r} = ${this.callCode(f, `[${st}, ${c}]`, site)};\n`;
    out += `if (${r}[0] === undefined) break;\n${c} = ${r}[0];\n`;
    out += `let ${s.vars.map((v, i) => `${jsName(v)} = ${this.init(v, `${r}[${i}]`)}`).join(', ')};\n`;
    out += `${this.block(s.body)}}\n`;
    return `{\n${out}}\n`;
  }

  private ret(exprs: Expr[]): string {
    const t = this.temp();
    const v = exprs.length === 0 ? 'E' : this.list(exprs);
    return `{ ${t} = ${v}; R.d = d - 1; return ${t}; }\n`;
  }

  // ------------------------------------------------------------------ expressions
  /** JS expression for an array of all the values of `exprs` (last one expanded). */
  private list(exprs: Expr[]): string {
    if (exprs.length === 0) return '[]';
    if (exprs.length === 1 && (exprs[0] as Expr).k !== 'vararg' && isMulti(exprs[0])) return this.multi(exprs[0] as Expr);
    const parts = exprs.map((e, i) => (i === exprs.length - 1 && isMulti(e) ? `...${this.multi(e)}` : this.single(e)));
    return `[${parts.join(', ')}]`;
  }

  /** JS expression evaluating to an array (calls and `...`), or a one-element array. */
  private multi(e: Expr): string {
    if (e.k === 'call') {
      const fsite = this.site(e.line, this.describe(e.fn), null, { fname: this.funcName(e.fn), method: false });
      const f = this.temp();
      return `(${f} = ${this.single(e.fn)}, ${this.callCode(f, this.list(e.args), fsite)})`;
    }
    if (e.k === 'method') {
      const o = this.temp();
      const f = this.temp();
      const isite = this.site(e.line, this.describe(e.obj));
      const csite = this.site(e.line, `method '${e.name}'`, null, { fname: e.name, method: true });
      const argCode = this.methodArgs(o, e.args);
      return `(${o} = ${this.single(e.obj)}, ${f} = R.indexS(${o}, ${JSON.stringify(e.name)}, ${isite}), ${this.callCode(f, argCode, csite)})`;
    }
    if (e.k === 'vararg') return 'VA';
    return `[${this.single(e)}]`;
  }

  private methodArgs(o: string, args: Expr[]): string {
    if (args.length === 0) return `[${o}]`;
    const parts = args.map((a, i) => (i === args.length - 1 && isMulti(a) ? `...${this.multi(a)}` : this.single(a)));
    return `[${o}, ${parts.join(', ')}]`;
  }

  /** A call of the function in temp `f` with the JS array expression `args`. */
  private callCode(f: string, args: string, site: string): string {
    const a = this.temp();
    // a leaf calls natives only (R.callSync: never taken while its callees stay natives)
    if (this.sync) return `(${a} = ${args}, R.ls[d] = ${site}, ${f} instanceof LF && ${f}.native !== null ? ${f}.native(${a}) : R.callSync(${f}, ${a}))`;
    // one yield* per call site: each is a loop and a suspension point in the generator's code
    return `(${a} = ${args}, R.ls[d] = ${site}, ${f} instanceof LF && ${f}.direct !== null ? ${f}.direct(${a}) : yield* (${f} instanceof LF ? ${f}.gen(${a}) : R.callMeta(${f}, ${a}, ${site})))`;
  }

  private cond(e: Expr): string {
    switch (e.k) {
      case 'true': return 'true';
      case 'false': case 'nil': return 'false';
      case 'un': if (e.op === 'not') return `!(${this.cond(e.a)})`; break;
      case 'bin':
        if (e.op === '==' || e.op === '~=' || e.op === '<' || e.op === '<=' || e.op === '>' || e.op === '>=') return this.single(e);
        break;
      case 'and': return `(${this.cond(e.a)} && ${this.cond(e.b)})`;
      case 'or': return `(${this.cond(e.a)} || ${this.cond(e.b)})`;
      default:
    }
    return `T(${this.single(e)})`;
  }

  single(e: Expr): string {
    switch (e.k) {
      case 'nil': return 'undefined';
      case 'true': return 'true';
      case 'false': return 'false';
      case 'num': {
        let v = this.consts.get(e.v);
        if (v === undefined) {
          v = e.v;
          this.consts.set(v, v);
        }
        return `(${num(v)})`;
      }
      case 'str': return JSON.stringify(e.v);
      case 'vararg': return 'VA[0]';
      case 'func': return this.closure(e.f);
      case 'local': return this.ref(e.v);
      case 'global': return `R.gget(G, ${JSON.stringify(e.name)}, ${this.site(e.line)})`;
      case 'paren': return this.single(e.e);
      case 'call': case 'method': return `${this.multi(e)}[0]`;
      case 'index': {
        const s = this.site(e.line, this.describe(e.obj));
        if (e.key.k === 'str') return `R.indexS(${this.single(e.obj)}, ${JSON.stringify(e.key.v)}, ${s})`;
        return `R.index(${this.single(e.obj)}, ${this.single(e.key)}, ${s})`;
      }
      case 'and': {
        const t = this.temp();
        return `(${t} = ${this.single(e.a)}, ${t} === undefined || ${t} === false ? ${t} : ${this.single(e.b)})`;
      }
      case 'or': {
        const t = this.temp();
        return `(${t} = ${this.single(e.a)}, ${t} !== undefined && ${t} !== false ? ${t} : ${this.single(e.b)})`;
      }
      case 'un': return this.unary(e);
      case 'bin': return this.binary(e);
      case 'table': return this.table(e.items, e.line);
    }
  }

  private unary(e: Extract<Expr, { k: 'un' }>): string {
    const s = this.site(e.line, this.describe(e.a));
    const a = this.single(e.a);
    if (e.op === 'not') return `!T(${a})`;
    if (e.op === '-') return `R.unm(${a}, ${s})`;
    return `R.len(${a}, ${s})`;
  }

  private binary(e: Extract<Expr, { k: 'bin' }>): string {
    const s = this.site(e.line, this.describe(e.a), this.describe(e.b));
    const a = this.single(e.a);
    const b = this.single(e.b);
    const arith = ARITH[e.op];
    if (arith !== undefined) return `R.${arith}(${a}, ${b}, ${s})`;
    const simple = (x: Expr): boolean => x.k === 'num' || x.k === 'str' || x.k === 'nil' || x.k === 'true' || x.k === 'false';
    switch (e.op) {
      case '..': return `R.concat(${a}, ${b}, ${s})`;
      case '==': return simple(e.a) || simple(e.b) ? `(${a} === ${b})` : `R.eq(${a}, ${b})`;
      case '~=': return simple(e.a) || simple(e.b) ? `(${a} !== ${b})` : `!R.eq(${a}, ${b})`;
      case '<': return `R.lt(${a}, ${b}, ${s})`;
      case '<=': return `R.le(${a}, ${b}, ${s})`;
      default: {
        // a > b is b < a, with a evaluated first
        const t = this.temp();
        return `(${t} = ${a}, R.${e.op === '>' ? 'lt' : 'le'}(${b}, ${t}, ${s}))`;
      }
    }
  }

  private table(items: TableItem[], line: number): string {
    if (items.length === 0) return 'new LT()';
    const pos: Expr[] = [];
    const kv: string[] = [];
    items.forEach((it, i) => {
      if (it.k === 'pos') {
        pos.push(i !== items.length - 1 && isMulti(it.v) ? { k: 'paren', e: it.v } : it.v);
      } else {
        kv.push(this.single(it.key), this.single(it.v));
      }
    });
    if (pos.length === 0) {
      // keyed items only: each set as it is evaluated (as Lua's SETTABLE), no item array
      const t = this.temp();
      const site = this.site(line);
      let sets = '';
      for (let i = 0; i < kv.length; i += 2) sets += `R.rawSet(${t}, ${kv[i] as string}, ${kv[i + 1] as string}, ${site}), `;
      return `(${t} = R.newTable(${kv.length / 2}), ${sets}${t})`;
    }
    const multret = isMulti(pos[pos.length - 1]) && items[items.length - 1]?.k === 'pos';
    const na = multret ? pos.length - 1 : pos.length;
    let posCode = pos.length === 0 ? 'E' : this.list(pos);
    if (pos.length === 1 && multret) posCode = `[...${posCode}]`;
    const kvCode = kv.length === 0 ? 'null' : `[${kv.join(', ')}]`;
    return `R.table(${na}, ${kv.length / 2}, ${posCode}, ${kvCode}, ${this.site(line)})`;
  }
}
