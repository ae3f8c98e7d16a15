// Lua 5.1 parser: recursive descent over lexer.ts tokens into ast.ts, resolving every name to
// a local (declared where) or a global, with lparser.c's syntax error texts ("'=' expected near
// 'x'", "'end' expected (to close 'function' at line 1) near '<eof>'", "unexpected symbol").
// Redis equivalent: lparser.c.

import type { Expr, FuncBody, Stat, TableItem, VarInfo } from './ast.js';
import { Lexer, type Token } from './lexer.js';

const BINARY: Record<string, [number, number]> = {
  '+': [6, 6], '-': [6, 6], '*': [7, 7], '/': [7, 7], '%': [7, 7], '^': [10, 9], '..': [5, 4],
  '==': [3, 3], '~=': [3, 3], '<': [3, 3], '<=': [3, 3], '>': [3, 3], '>=': [3, 3],
  'and': [2, 2], 'or': [1, 1],
};
const UNARY_PRIORITY = 8;
const MAX_LEVELS = 200;

/** lcode.c constfolding: arithmetic on two numerals, except division by 0 and NaN results. */
function fold(op: string, a: Expr, b: Expr): Expr | null {
  if (a.k !== 'num' || b.k !== 'num') return null;
  const x = a.v;
  const y = b.v;
  let r: number;
  switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/': if (y === 0) return null; r = x / y; break;
    case '%': if (y === 0) return null; r = x - Math.floor(x / y) * y; break;
    case '^': r = Math.pow(x, y); break;
    default: return null;
  }
  return r !== r ? null : { k: 'num', v: r };
}

export function parse(src: string, chunk: string): FuncBody {
  return new Parser(src, chunk).chunk();
}

class Parser {
  private readonly lx: Lexer;
  private t: Token;
  private ahead: Token | null = null;
  private fn: FuncBody;
  private scopes: VarInfo[][] = [];
  private loops = 0;
  private levels = 0;
  private nextId = 0;
  private lastLine = 1;

  constructor(src: string, chunk: string) {
    this.lx = new Lexer(src, chunk);
    this.t = this.lx.next();
    this.fn = { params: [], vararg: true, body: [], line: 0, name: 'main chunk', parent: null };
  }

  chunk(): FuncBody {
    this.scopes.push([]);
    this.fn.body = this.block();
    this.check('<eof>');
    return this.fn;
  }

  // ---- token helpers
  private advance(): void {
    this.lastLine = this.t.line;
    if (this.ahead !== null) {
      this.t = this.ahead;
      this.ahead = null;
    } else {
      this.t = this.lx.next();
    }
  }
  private peek(): Token {
    if (this.ahead === null) this.ahead = this.lx.next();
    return this.ahead;
  }
  private is(v: string): boolean {
    return (this.t.type === 'op' || this.t.type === 'kw' || this.t.type === 'eof') && this.t.value === v;
  }
  private error(msg: string): never {
    this.lx.error(msg, this.t.raw, this.t.line);
  }
  private check(v: string): void {
    if (!this.is(v)) this.error(`'${v}' expected`);
  }
  private checkNext(v: string): void {
    this.check(v);
    this.advance();
  }
  private testNext(v: string): boolean {
    if (this.is(v)) {
      this.advance();
      return true;
    }
    return false;
  }
  private checkMatch(what: string, who: string, line: number): void {
    if (this.testNext(what)) return;
    if (line === this.t.line) this.error(`'${what}' expected`);
    this.error(`'${what}' expected (to close '${who}' at line ${line})`);
  }
  private name(): string {
    if (this.t.type !== 'name') this.error("'<name>' expected");
    const n = this.t.value;
    this.advance();
    return n;
  }
  private enter(): void {
    if (++this.levels > MAX_LEVELS) this.lx.error('chunk has too many syntax levels', null, this.t.line);
  }
  private blockFollow(): boolean {
    return this.is('else') || this.is('elseif') || this.is('end') || this.is('until') || this.t.type === 'eof';
  }

  // ---- scopes
  private declare(name: string): VarInfo {
    return { name, id: this.nextId++, fn: this.fn };
  }
  private activate(v: VarInfo): void {
    (this.scopes[this.scopes.length - 1] as VarInfo[]).push(v);
  }
  private resolve(name: string, line = this.t.line): Expr {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const s = this.scopes[i] as VarInfo[];
      for (let j = s.length - 1; j >= 0; j--) {
        const v = s[j] as VarInfo;
        if (v.name === name) return { k: 'local', v };
      }
    }
    return { k: 'global', name, line };
  }
  private scoped(body: () => Stat[]): Stat[] {
    this.scopes.push([]);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  // ---- statements
  private block(): Stat[] {
    const out: Stat[] = [];
    let last = false;
    while (!last && !this.blockFollow()) {
      if (this.is('return') || this.is('break')) last = true;
      this.enter();
      out.push(this.statement());
      this.levels--;
      this.testNext(';');
    }
    return out;
  }

  private statement(): Stat {
    const line = this.t.line;
    if (this.t.type === 'kw') {
      switch (this.t.value) {
        case 'if': return this.ifStat(line);
        case 'while': {
          this.advance();
          const cond = this.expr();
          this.checkNext('do');
          const body = this.loopBody();
          this.checkMatch('end', 'while', line);
          return { k: 'while', cond, body, line };
        }
        case 'do': {
          this.advance();
          const body = this.scoped(() => this.block());
          this.checkMatch('end', 'do', line);
          return { k: 'do', body };
        }
        case 'for': return this.forStat(line);
        case 'repeat': return this.repeatStat(line);
        case 'function': return this.funcStat(line);
        case 'local':
          this.advance();
          if (this.testNext('function')) {
            const v = this.declare(this.name());
            this.activate(v);
            return { k: 'localfunc', v, f: this.body(false, line, v.name) };
          }
          return this.localStat(line);
        case 'return': return this.retStat(line);
        case 'break':
          this.advance();
          if (this.loops === 0) this.lx.error('no loop to break', this.t.raw, this.t.line);
          return { k: 'break' };
        default:
      }
    }
    return this.exprStat(line);
  }

  private loopBody(): Stat[] {
    this.loops++;
    const body = this.scoped(() => this.block());
    this.loops--;
    return body;
  }

  private ifStat(line: number): Stat {
    const conds: Expr[] = [];
    const blocks: Stat[][] = [];
    let orelse: Stat[] | null = null;
    this.advance();
    conds.push(this.expr());
    this.checkNext('then');
    blocks.push(this.scoped(() => this.block()));
    while (this.is('elseif')) {
      this.advance();
      conds.push(this.expr());
      this.checkNext('then');
      blocks.push(this.scoped(() => this.block()));
    }
    if (this.testNext('else')) orelse = this.scoped(() => this.block());
    this.checkMatch('end', 'if', line);
    return { k: 'if', conds, blocks, orelse };
  }

  private forStat(line: number): Stat {
    this.advance();
    const n1 = this.name();
    if (this.is('=')) {
      this.advance();
      const start = this.expr();
      this.checkNext(',');
      const limit = this.expr();
      const step = this.testNext(',') ? this.expr() : null;
      this.checkNext('do');
      const v = this.declare(n1);
      this.scopes.push([v]);
      const body = this.loopBody();
      this.scopes.pop();
      this.checkMatch('end', 'for', line);
      return { k: 'fornum', v, start, limit, step, body, line };
    }
    if (!this.is(',') && !this.is('in')) this.error("'=' or 'in' expected");
    const names = [n1];
    while (this.testNext(',')) names.push(this.name());
    this.checkNext('in');
    const exprs = this.exprList();
    this.checkNext('do');
    const vars = names.map((n) => this.declare(n));
    this.scopes.push(vars.slice());
    const body = this.loopBody();
    this.scopes.pop();
    this.checkMatch('end', 'for', line);
    return { k: 'forin', vars, exprs, body, line };
  }

  private repeatStat(line: number): Stat {
    this.advance();
    this.loops++;
    this.scopes.push([]);
    const body = this.block();
    this.checkMatch('until', 'repeat', line);
    const cond = this.expr();
    this.scopes.pop();
    this.loops--;
    return { k: 'repeat', body, cond, line };
  }

  private funcStat(line: number): Stat {
    this.advance();
    const nline = this.t.line;
    const n = this.name();
    let target: Expr = this.resolve(n, nline);
    let full = n;
    let method = false;
    while (this.is('.') || this.is(':')) {
      const colon = this.is(':');
      this.advance();
      const keyLine = this.t.line;
      const key = this.name();
      full += (colon ? ':' : '.') + key;
      target = { k: 'index', obj: target, key: { k: 'str', v: key }, line: keyLine };
      if (colon) {
        method = true;
        break;
      }
    }
    const f = this.body(method, line, full);
    return { k: 'assign', targets: [target], exprs: [{ k: 'func', f }], line };
  }

  private localStat(line: number): Stat {
    const vars: VarInfo[] = [];
    do vars.push(this.declare(this.name()));
    while (this.testNext(','));
    const exprs = this.testNext('=') ? this.exprList() : [];
    for (const v of vars) this.activate(v);
    return { k: 'local', vars, exprs, line };
  }

  private retStat(line: number): Stat {
    this.advance();
    const exprs = this.blockFollow() || this.is(';') ? [] : this.exprList();
    return { k: 'return', exprs, line };
  }

  private exprStat(line: number): Stat {
    const e = this.suffixedExpr();
    if (e.k === 'call' || e.k === 'method') return { k: 'call', e };
    const targets: Expr[] = [e];
    for (;;) {
      const t = targets[targets.length - 1] as Expr;
      if (t.k !== 'local' && t.k !== 'global' && t.k !== 'index') this.error('syntax error');
      if (!this.testNext(',')) break;
      targets.push(this.suffixedExpr());
    }
    this.checkNext('=');
    const exprs = this.exprList();
    return { k: 'assign', targets, exprs, line };
  }

  // ---- functions
  private body(method: boolean, line: number, name: string): FuncBody {
    const f: FuncBody = { params: [], vararg: false, body: [], line, name, parent: this.fn };
    const saveFn = this.fn;
    const saveLoops = this.loops;
    this.fn = f;
    this.loops = 0;
    this.scopes.push([]);
    if (method) {
      const self = this.declare('self');
      f.params.push(self);
      this.activate(self);
    }
    this.checkNext('(');
    if (!this.is(')')) {
      do {
        if (this.is('...')) {
          this.advance();
          f.vararg = true;
          break;
        }
        if (this.t.type !== 'name') this.error('<name> or \'...\' expected');
        const p = this.declare(this.name());
        f.params.push(p);
        this.activate(p);
      } while (this.testNext(','));
    }
    this.checkNext(')');
    f.body = this.block();
    this.checkMatch('end', 'function', line);
    this.scopes.pop();
    this.fn = saveFn;
    this.loops = saveLoops;
    return f;
  }

  // ---- expressions
  private exprList(): Expr[] {
    const out = [this.expr()];
    while (this.testNext(',')) out.push(this.expr());
    return out;
  }

  expr(limit = 0): Expr {
    this.enter();
    let e: Expr;
    const line = this.t.line;
    if (this.is('not') || this.is('-') || this.is('#')) {
      const op = this.t.value;
      this.advance();
      const a = this.expr(UNARY_PRIORITY);
      e = op === '-' && a.k === 'num' ? { k: 'num', v: -a.v } : { k: 'un', op, a, line };
    } else {
      e = this.simpleExpr();
    }
    for (;;) {
      const op = this.t.type === 'op' || this.t.type === 'kw' ? this.t.value : '';
      const prio = BINARY[op];
      if (prio === undefined || prio[0] <= limit) break;
      const opLine = this.t.line;
      this.advance();
      const b = this.expr(prio[1]);
      if (op === 'and' || op === 'or') e = { k: op, a: e, b };
      else e = fold(op, e, b) ?? { k: 'bin', op, a: e, b, line: opLine };
    }
    this.levels--;
    return e;
  }

  private simpleExpr(): Expr {
    const t = this.t;
    switch (t.type) {
      case 'number': this.advance(); return { k: 'num', v: t.num };
      case 'string': this.advance(); return { k: 'str', v: t.value };
      case 'kw':
        if (t.value === 'nil') { this.advance(); return { k: 'nil' }; }
        if (t.value === 'true') { this.advance(); return { k: 'true' }; }
        if (t.value === 'false') { this.advance(); return { k: 'false' }; }
        if (t.value === 'function') {
          this.advance();
          return { k: 'func', f: this.body(false, t.line, 'anonymous') };
        }
        break;
      case 'op':
        if (t.value === '...') {
          if (!this.fn.vararg) this.error("cannot use '...' outside a vararg function");
          this.advance();
          return { k: 'vararg' };
        }
        if (t.value === '{') return this.table();
        break;
      default:
    }
    return this.suffixedExpr();
  }

  private primaryExpr(): Expr {
    if (this.t.type === 'name') {
      const line = this.t.line;
      return this.resolve(this.name(), line);
    }
    if (this.is('(')) {
      const line = this.t.line;
      this.advance();
      const e = this.expr();
      this.checkMatch(')', '(', line);
      return { k: 'paren', e };
    }
    this.error('unexpected symbol');
  }

  private suffixedExpr(): Expr {
    let e = this.primaryExpr();
    for (;;) {
      const line = this.t.line;
      if (this.is('.')) {
        this.advance();
        e = { k: 'index', obj: e, key: { k: 'str', v: this.name() }, line };
      } else if (this.is('[')) {
        this.advance();
        const key = this.expr();
        this.checkNext(']');
        e = { k: 'index', obj: e, key, line };
      } else if (this.is(':')) {
        this.advance();
        const name = this.name();
        e = { k: 'method', obj: e, name, args: this.callArgs(line), line };
      } else if (this.is('(') || this.is('{') || this.t.type === 'string') {
        e = { k: 'call', fn: e, args: this.callArgs(line), line };
      } else {
        return e;
      }
    }
  }

  private callArgs(line: number): Expr[] {
    if (this.t.type === 'string') {
      const v = this.t.value;
      this.advance();
      return [{ k: 'str', v }];
    }
    if (this.is('{')) return [this.table()];
    if (!this.is('(')) this.error('function arguments expected');
    if (this.t.line !== this.lastLine) this.error('ambiguous syntax (function call x new statement)');
    this.advance();
    const args = this.is(')') ? [] : this.exprList();
    this.checkMatch(')', '(', line);
    return args;
  }

  private table(): Expr {
    const line = this.t.line;
    this.checkNext('{');
    const items: TableItem[] = [];
    while (!this.is('}')) {
      if (this.t.type === 'name' && this.peek().value === '=' && this.peek().type === 'op') {
        const key = this.name();
        this.advance();
        items.push({ k: 'kv', key: { k: 'str', v: key }, v: this.expr() });
      } else if (this.is('[')) {
        this.advance();
        const key = this.expr();
        this.checkNext(']');
        this.checkNext('=');
        items.push({ k: 'kv', key, v: this.expr() });
      } else {
        items.push({ k: 'pos', v: this.expr() });
      }
      if (!this.testNext(',') && !this.testNext(';')) break;
    }
    this.checkMatch('}', '{', line);
    return { k: 'table', items, line };
  }
}
