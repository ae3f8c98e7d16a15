// Syntax tree of a Lua 5.1 chunk, produced by parser.ts and turned into JS by compile.ts.
// Redis equivalent: none (lparser.c emits bytecode directly).

export type Expr =
  | { k: 'nil' } | { k: 'true' } | { k: 'false' } | { k: 'vararg' }
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'func'; f: FuncBody }
  | { k: 'local'; v: VarInfo }
  | { k: 'global'; name: string; line: number }
  | { k: 'index'; obj: Expr; key: Expr; line: number }
  | { k: 'call'; fn: Expr; args: Expr[]; line: number }
  | { k: 'method'; obj: Expr; name: string; args: Expr[]; line: number }
  | { k: 'bin'; op: string; a: Expr; b: Expr; line: number }
  | { k: 'un'; op: string; a: Expr; line: number }
  | { k: 'and' | 'or'; a: Expr; b: Expr }
  | { k: 'paren'; e: Expr }
  | { k: 'table'; items: TableItem[]; line: number };

export type TableItem = { k: 'pos'; v: Expr } | { k: 'kv'; key: Expr; v: Expr };

/** One declared local; `fn` is the function that declares it (to tell locals from upvalues). */
export interface VarInfo {
  name: string;
  id: number;
  fn: FuncBody;
}

export type Stat =
  | { k: 'local'; vars: VarInfo[]; exprs: Expr[]; line: number }
  | { k: 'assign'; targets: Expr[]; exprs: Expr[]; line: number }
  | { k: 'call'; e: Expr }
  | { k: 'do'; body: Stat[] }
  | { k: 'while'; cond: Expr; body: Stat[]; line: number }
  | { k: 'repeat'; body: Stat[]; cond: Expr; line: number }
  | { k: 'if'; conds: Expr[]; blocks: Stat[][]; orelse: Stat[] | null }
  | { k: 'fornum'; v: VarInfo; start: Expr; limit: Expr; step: Expr | null; body: Stat[]; line: number }
  | { k: 'forin'; vars: VarInfo[]; exprs: Expr[]; body: Stat[]; line: number }
  | { k: 'return'; exprs: Expr[]; line: number }
  | { k: 'break' }
  | { k: 'localfunc'; v: VarInfo; f: FuncBody };

export interface FuncBody {
  params: VarInfo[];
  vararg: boolean;
  body: Stat[];
  line: number;
  /** Name for messages ("function <chunk:line>"); informative only. */
  name: string;
  parent: FuncBody | null;
}
