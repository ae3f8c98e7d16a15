// LuaState: one Lua 5.1 universe (globals, libraries, runtime) with the host API: load a chunk,
// call a function to completion, or run it step by step so that the host can return to its
// event loop while a long script runs. Redis equivalent: lua_State plus luaL_openlibs and the
// lua_load / lua_pcall / lua_sethook calls of script_lua.c.

import { compileChunk } from './compile.js';
import { LuaSyntaxError } from './lexer.js';
import { caughtValue, openBase, tostring } from './lib-base.js';
import { Rand48 } from './lib-math.js';
import { openLibs } from './libs.js';
import { parse } from './parser.js';
import { LuaAbort, Runtime, TICK } from './runtime.js';
import { EMPTY, LuaError, LuaFunction, LuaTable, type LuaValue } from './value.js';

type Gen = Generator<unknown, LuaValue[], unknown>;

export interface LuaStateOptions {
  /** Where print() writes (one call per line, no newline). Default: discard. */
  print?: (line: string) => void;
  /** Lua call depth limit (Lua 5.1's LUAI_MAXCALLS is 20000; JS stack limits apply). */
  maxDepth?: number;
}

/** Lua's luaO_chunkid: "@file" shows as file, "=name" as name, other text as [string "..."]. */
export function chunkId(name: string): string {
  if (name.startsWith('=') || name.startsWith('@')) return name.slice(1, 60);
  let first = name.split(/[\r\n]/)[0] as string;
  const cut = first.length < name.length || first.length > 45;
  if (first.length > 45) first = first.slice(0, 45);
  return `[string "${first}${cut ? '...' : ''}"]`;
}

/** The result of one slice of a resumable run. */
export type StepResult = { done: true; values: LuaValue[] } | { done: false };

/** A call in progress that can be advanced slice by slice (see LuaState.start). */
export class LuaRun {
  private readonly gen: Gen;
  private readonly state: LuaState;
  private finished = false;
  constructor(state: LuaState, gen: Gen) {
    this.state = state;
    this.gen = gen;
  }
  /**
   * Runs until the call returns (done) or `budget` instructions (loop iterations and calls)
   * are spent (not done: call step() again later). Throws LuaError when the script fails.
   */
  step(budget: number): StepResult {
    if (this.finished) throw new Error('LuaRun already finished');
    const R = this.state.runtime;
    R.b = budget;
    try {
      let r = this.gen.next();
      for (;;) {
        if (r.done === true) {
          this.finished = true;
          R.d = 0;
          return { done: true, values: r.value };
        }
        if (r.value === TICK) return { done: false };
        r = this.gen.throw(new LuaError(R.where() + 'attempt to yield across metamethod/C-call boundary'));
      }
    } catch (e) {
      this.finished = true;
      R.d = 0;
      if (e instanceof LuaAbort) throw e;
      throw new LuaError(caughtValue(R, e));
    }
  }
  /** Abandons the run (SCRIPT KILL): the generator is closed without running more Lua. */
  abort(): void {
    this.finished = true;
    this.state.runtime.d = 0;
  }
}

export class LuaState {
  readonly runtime = new Runtime();
  /** math.random's generator (Redis's lrand48). */
  readonly rand = new Rand48();
  private printer: (line: string) => void;

  constructor(options: LuaStateOptions = {}) {
    this.printer = options.print ?? (() => {});
    if (options.maxDepth !== undefined) this.runtime.maxDepth = options.maxDepth;
    openBase(this.runtime, { load: (s, n) => this.load(s, n), print: (l) => this.printer(l) });
    openLibs(this.runtime, this.rand);
  }

  get globals(): LuaTable {
    return this.runtime.G;
  }

  /** Compiles `source` (latin1) into a function. Throws LuaError("chunk:line: msg near 'x'"). */
  load(source: string, chunkname: string, env: LuaTable = this.runtime.G): LuaFunction {
    const chunk = chunkId(chunkname);
    let compiled;
    try {
      compiled = compileChunk(parse(source, chunk), chunk);
    } catch (e) {
      if (e instanceof LuaSyntaxError) throw new LuaError(e.message);
      if (e instanceof RangeError) throw new LuaError(`${chunk}: chunk has too many syntax levels`);
      throw e;
    }
    const make = new Function('R', 'S', 'LF', 'LT', 'E', 'T', compiled.source) as (...a: unknown[]) => (a: LuaValue[]) => Gen;
    const gen = make(this.runtime, compiled.sites, LuaFunction, LuaTable, EMPTY, truthy);
    const f = new LuaFunction('main chunk', null, gen);
    f.env = env;
    return f;
  }

  /**
   * Calls `f` to completion. Every `hookEvery` instructions `onTick` runs (it may throw
   * LuaAbort to stop the script; Lua cannot catch that). Throws LuaError on a Lua error.
   */
  call(f: LuaValue, args: LuaValue[] = EMPTY): LuaValue[] {
    const R = this.runtime;
    R.d = 0;
    R.cc = 0;
    R.b = R.hookEvery;
    try {
      const r = R.callSync(f, args);
      R.d = 0;
      return r;
    } catch (e) {
      R.d = 0;
      if (e instanceof LuaAbort) throw e;
      throw new LuaError(caughtValue(R, e));
    }
  }

  /** Starts a resumable call of `f`: advance it with run.step(budget). */
  start(f: LuaValue, args: LuaValue[] = EMPTY): LuaRun {
    const R = this.runtime;
    R.d = 0;
    R.cc = 0;
    return new LuaRun(this, R.callGen(f, args));
  }

  /** Sets the hook of call(): `fn` runs every `every` instructions (loop iterations, calls). */
  setHook(every: number, fn: () => void): void {
    this.runtime.hookEvery = every;
    this.runtime.onTick = fn;
  }

  /** math.randomseed(seed) from the host (redisSrand48). Redis 7.0 does not reseed per script. */
  seedRandom(seed: number): void {
    this.rand.seed(seed);
  }

  /** Where print() output goes. */
  setPrint(fn: (line: string) => void): void {
    this.printer = fn;
  }

  /** A new empty table. */
  newTable(): LuaTable {
    return new LuaTable();
  }

  /** A native function value. */
  newFunction(name: string, fn: (args: LuaValue[]) => LuaValue[]): LuaFunction {
    return new LuaFunction(name, fn);
  }

  /** The "chunk:line: " of the Lua code running at `level` (1: the caller of the native). */
  where(level = 1): string {
    return this.runtime.where(level);
  }

  /** tostring() with __tostring. */
  tostring(v: LuaValue): string {
    return tostring(this.runtime, v);
  }

  /** Raises a Lua error from a native function, with the caller's position like luaL_error. */
  error(message: string, level = 1): never {
    return this.runtime.error(message, level);
  }
}

function truthy(v: LuaValue): boolean {
  return v !== undefined && v !== false;
}
