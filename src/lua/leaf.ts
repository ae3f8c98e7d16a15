// Which Lua functions may run as plain JS functions instead of generators: a "leaf" has no loop,
// defines no function, and calls only what it names through a global path (redis.call,
// string.format, tonumber) or an upvalue that no assignment ever changes (BullMQ's
// `local rcall = redis.call`). Whether those callees are natives (which never suspend) is known
// only when the closure is created (Runtime.leaf checks it then); a leaf whose callees all are
// runs a bounded amount of code and never needs to suspend, so calling it directly spares a
// generator, its frame and a `yield*` per call. Redis equivalent: none (Lua calls C functions
// and Lua functions on one stack; Vesta's Lua suspends through generators).

import type { Expr, FuncBody, Stat, VarInfo } from './ast.js';

/** What a leaf calls: upvalues (in its upvalue list) and global paths (["redis", "call"]). */
export interface LeafCallees {
  ups: VarInfo[];
  paths: string[][];
}

/** The global path an expression names (a, a.b, a.b.c with constant string keys), or null. */
function globalPath(e: Expr): string[] | null {
  if (e.k === 'global') return [e.name];
  if (e.k === 'index' && e.key.k === 'str') {
    const base = globalPath(e.obj);
    return base === null ? null : [...base, e.key.v];
  }
  return null;
}

/** The callees of `f` when it is a leaf candidate, else null. */
export function leafCallees(f: FuncBody, assigned: Set<VarInfo>): LeafCallees | null {
  const found: LeafCallees = { ups: [], paths: [] };
  const callee = (e: Expr): boolean => {
    if (e.k === 'local') {
      if (e.v.fn === f || assigned.has(e.v)) return false;
      if (!found.ups.includes(e.v)) found.ups.push(e.v);
      return true;
    }
    const path = globalPath(e);
    if (path === null) return false;
    found.paths.push(path);
    return true;
  };
  const expr = (e: Expr): boolean => {
    switch (e.k) {
      case 'func': case 'method': return false;
      case 'call': return callee(e.fn) && e.args.every(expr);
      case 'index': return expr(e.obj) && expr(e.key);
      case 'bin': case 'and': case 'or': return expr(e.a) && expr(e.b);
      case 'un': return expr(e.a);
      case 'paren': return expr(e.e);
      case 'table': return e.items.every((it) => (it.k === 'pos' || expr(it.key)) && expr(it.v));
      default: return true;
    }
  };
  const stat = (s: Stat): boolean => {
    switch (s.k) {
      case 'local': return s.exprs.every(expr);
      case 'assign': return s.targets.every(expr) && s.exprs.every(expr);
      case 'call': return expr(s.e);
      case 'do': return s.body.every(stat);
      case 'if': return s.conds.every(expr) && s.blocks.every((b) => b.every(stat)) && (s.orelse === null || s.orelse.every(stat));
      case 'return': return s.exprs.every(expr);
      default: return false; // loops, break, local function
    }
  };
  return f.body.every(stat) ? found : null;
}
