// A ScriptVm over the project's Lua 5.1 engine (src/lua/): Redis's sandbox (only Redis's
// globals, a read-only global table whose unknown names raise "Script attempted to access
// nonexistent global variable", read-only library tables), the `redis` API, protected calls
// that report where an error was raised, and FUNCTION LOAD's load-time environment.
// Redis equivalent: luaEngineCreate / scriptingInit (function_lua.c, eval.c), luaSetErrorMetatable
// and luaSetTableProtectionRecursively (script_lua.c).

import { LuaState } from '../lua/index.js';
import type { Logger } from '../observe/log.js';
import {
  type LuaValue,
  LuaFunction,
  LuaTable,
  fieldTable,
  isTable,
  nativeFunction,
  observeRaises,
  LuaThrow,
  tget,
  tset,
} from './lua-adapter.js';
import { createLibraryApi, createRedisApi } from './redis-api.js';
import type { RunState } from './script-call.js';
import type { CallResult, ScriptRun, ScriptVm } from './vm.js';
import { setVmFactory } from './scripting.js';
import { LuaError, numberToString } from '../lua/index.js';

/** The globals Redis 7.0 scripts see (besides KEYS, ARGV and redis). */
const ALLOWED_GLOBALS = new Set([
  '_G', '_VERSION', 'assert', 'bit', 'cjson', 'cmsgpack', 'collectgarbage', 'coroutine', 'error',
  'gcinfo', 'getmetatable', 'ipairs', 'load', 'loadstring', 'math', 'next', 'pairs', 'pcall',
  'rawequal', 'rawget', 'rawset', 'select', 'setmetatable', 'string', 'struct', 'table',
  'tonumber', 'tostring', 'type', 'unpack', 'xpcall',
]);

/** What a fresh Lua VM holds in Redis 7.0 (used_memory_vm_eval of an empty server). */
const VM_BASE_BYTES = 31744;

/** How long a library's load-time code may run (Redis's LOAD_TIMEOUT_MS). */
const LOAD_TIMEOUT_MS = 500;

/** Instructions per slice between checks of the clock and the kill flag. */
const SLICE_INSTRUCTIONS = 100_000;

export interface LuaVmOptions {
  log: Logger;
  /** The run in progress (redis.call needs it). */
  state: () => RunState | null;
}

function protect(t: LuaTable, seen = new Set<LuaTable>()): void {
  if (seen.has(t)) return;
  seen.add(t);
  for (let e = t.next(undefined); e; e = t.next(e[0])) if (isTable(e[1])) protect(e[1], seen);
  t.readonly = true;
}

/** Where a final error was raised: the innermost Lua position its message or raiser gave. */
function errorPosition(value: LuaValue, raisedAt: string): { source: string | null; line: number | null } {
  const text = raisedAt !== '' ? raisedAt : typeof value === 'string' ? value : '';
  const match = /^([^:\s]+):(\d+): /.exec(text);
  if (match === null) return { source: null, line: null };
  return { source: '@' + (match[1] as string), line: Number(match[2]) };
}

/** Installs this engine as the scripting service's VM. */
export function installLuaVm(): void {
  setVmFactory((scripting) => new LuaVm({
    log: scripting.server.log,
    state: () => scripting.running,
  }));
}

/**
 * Redis's pcall: an error that is a table with an `err` string comes back as that string
 * (so pcall(redis.call, ...) yields the error text, not the table).
 */
function wrapPcall(G: LuaTable): void {
  const original = G.getStr('pcall');
  if (!(original instanceof LuaFunction) || original.gen === null) return;
  const inner = original.gen;
  G.set('pcall', new LuaFunction('pcall', null, function* pcall(args) {
    const results = yield* inner(args);
    if (results[0] === false && isTable(results[1])) {
      const err = results[1].getStr('err');
      if (typeof err === 'string') return [false, err];
    }
    return results;
  }));
}

/**
 * rawset / setmetatable on a read-only table: Redis raises from C, so the message has no
 * "chunk:line:" prefix (the error reply still says where, from the error handler).
 */
function guardReadonly(G: LuaTable, name: string): void {
  const original = G.getStr(name);
  if (!(original instanceof LuaFunction) || original.native === null) return;
  const inner = original.native;
  G.set(name, nativeFunction(name, (args) => {
    const target = args[0];
    if (target instanceof LuaTable && target.readonly) throw new LuaThrow('Attempt to modify a readonly table');
    return inner(args);
  }));
}

export class LuaVm implements ScriptVm {
  readonly #lua = new LuaState();
  readonly #options: LuaVmOptions;
  readonly globals: LuaTable;
  /** The table behind the globals' __index while a library loads (FUNCTION LOAD). */
  readonly #globalsMeta: LuaTable;
  readonly #runtimeIndex: LuaValue;
  /** Libraries' globals: an empty read-only table resolving through #libraryMeta.__index. */
  readonly #libraryGlobals: LuaTable;
  readonly #libraryMeta: LuaTable;
  #compiledBytes = 0;
  /** The position the last error raised through the host was raised at, by value. */
  #lastRaise: { value: LuaValue; where: string; set: boolean } = { value: undefined, where: '', set: false };

  constructor(options: LuaVmOptions) {
    this.#options = options;
    const lua = this.#lua;
    const G = lua.globals;
    this.globals = G;
    for (let e = G.next(undefined); e; e = G.next(e[0])) {
      if (typeof e[0] === 'string' && !ALLOWED_GLOBALS.has(e[0])) G.set(e[0], undefined);
    }
    const R = lua.runtime;
    const originalError = G.getStr('error');
    if (originalError instanceof LuaFunction && originalError.native !== null) {
      const raise = originalError.native;
      G.set('error', nativeFunction('error', (args) => {
        this.#lastRaise = { value: undefined, where: R.where(1), set: false };
        // Lua 5.1 positions a number message too (it is a string to lua_isstring).
        const message = args[0];
        const fixed = typeof message === 'number' ? [numberToString(message), ...args.slice(1)] : args;
        try {
          return raise(fixed);
        } catch (e) {
          if (e instanceof LuaError) this.#lastRaise = { ...this.#lastRaise, value: e.value, set: true };
          throw e;
        }
      }));
    }
    G.set('redis', createRedisApi(options.log, options.state));
    wrapPcall(G);
    guardReadonly(G, 'rawset');
    guardReadonly(G, 'setmetatable');
    protect(G);
    this.#runtimeIndex = nativeFunction('__index', (args) => {
      const name = args[1];
      return lua.error(`Script attempted to access nonexistent global variable '${typeof name === 'string' ? name : String(name)}'`);
    });
    this.#globalsMeta = new LuaTable();
    this.#globalsMeta.set('__index', this.#runtimeIndex);
    this.#globalsMeta.readonly = true;
    G.metatable = this.#globalsMeta;
    this.#libraryMeta = new LuaTable();
    this.#libraryMeta.set('__index', G);
    this.#libraryMeta.readonly = true;
    this.#libraryGlobals = new LuaTable();
    this.#libraryGlobals.metatable = this.#libraryMeta;
    this.#libraryGlobals.readonly = true;
  }

  compile(code: string, chunkName: string): LuaFunction | { error: string } {
    try {
      const fn = this.#lua.load(code, chunkName);
      this.#compiledBytes += code.length;
      return fn;
    } catch (e) {
      if (e instanceof LuaError) return { error: typeof e.value === 'string' ? e.value : 'compile error' };
      throw e;
    }
  }

  setGlobal(name: string, value: LuaValue): void {
    const G = this.globals;
    G.readonly = false;
    G.set(name, value);
    G.readonly = true;
  }

  /**
   * An estimate: the engine keeps no heap count. A fresh VM is counted as Redis's (about 31 KiB),
   * plus the source of every chunk compiled in it (compiled code is a few times its source).
   */
  memoryBytes(): number {
    return VM_BASE_BYTES + this.#compiledBytes * 4;
  }

  call(fn: LuaFunction, args: LuaValue[]): CallResult {
    const run = this.start(fn, args);
    for (;;) {
      const result = run.step(SLICE_INSTRUCTIONS);
      if (result !== null) return result;
    }
  }

  /** Runs fn() to completion unless it takes over `ms` (Redis's FUNCTION LOAD timeout). */
  #callWithin(fn: LuaFunction, ms: number): CallResult {
    const deadline = Date.now() + ms;
    const run = this.start(fn, []);
    for (;;) {
      const result = run.step(SLICE_INSTRUCTIONS);
      if (result !== null) return result;
      if (Date.now() > deadline) return run.abort(fieldTable('err', 'ERR FUNCTION LOAD timeout'));
    }
  }

  start(fn: LuaFunction, args: LuaValue[]): ScriptRun {
    this.#lastRaise = { value: undefined, where: '', set: false };
    const lua = this.#lua;
    lua.runtime.ts = null;
    const run = lua.start(fn, args);
    return {
      step: (budget) => {
        observeRaises((value) => this.noteRaise(value));
        try {
          const step = run.step(budget);
          return step.done ? { ok: true, value: step.values[0] } : null;
        } catch (e) {
          if (!(e instanceof LuaError)) throw e;
          const raised = this.#lastRaise;
          const where = raised.set && raised.value === e.value ? raised.where : '';
          return { ok: false, error: e.value, ...errorPosition(e.value, where) };
        } finally {
          observeRaises(null);
        }
      },
      abort: (error) => {
        // Redis adds the line the script was stopped at: where the code last spent its budget
        // (the loop or function entry that yielded; Lua's hook gives the instruction's line).
        const at = lua.runtime.ts;
        run.abort();
        return { ok: false, error, source: at === null ? null : '@' + at.chunk, line: at === null ? null : at.line };
      },
    };
  }

  /** Records where a host function raised `value` (redis.call errors and the like). */
  noteRaise(value: LuaValue): void {
    this.#lastRaise = { value, where: this.#lua.runtime.where(1), set: true };
  }

  loadLibrary(code: string, register: (args: LuaValue[]) => void): CallResult | { compileError: string } {
    let compiled: LuaFunction;
    try {
      compiled = this.#lua.load(code, '@user_function', this.#libraryGlobals);
      this.#compiledBytes += code.length;
    } catch (e) {
      if (e instanceof LuaError) return { compileError: typeof e.value === 'string' ? e.value : 'compile error' };
      throw e;
    }
    const loadEnv = new LuaTable();
    const api = createLibraryApi(this.#options.log, register);
    tset(loadEnv, 'redis', api);
    protect(loadEnv);
    api.metatable = this.#globalsMeta;
    loadEnv.metatable = this.#globalsMeta;
    // While the library's code runs, its globals resolve to the load-time API only; the
    // functions it registers keep the same globals table, which resolves to the real globals.
    const meta = this.#libraryMeta;
    meta.readonly = false;
    meta.set('__index', loadEnv);
    meta.readonly = true;
    try {
      return this.#callWithin(compiled, LOAD_TIMEOUT_MS);
    } finally {
      meta.readonly = false;
      meta.set('__index', this.globals);
      meta.readonly = true;
    }
  }
}
