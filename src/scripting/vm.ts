// What the scripting layer needs from a Lua engine, as one small interface: compile a chunk in
// the sandboxed environment, call a function with Redis's error handler (an error becomes a
// table with the source and line where it was raised), and the environment's tables. The
// adapter over src/lua/ implements it (lua-adapter.ts). Redis equivalent: the lua_State plus
// luaCallFunction's protected call with its __redis__err__handler (script_lua.c).

import type { LuaValue, LuaTableValue, LuaFunctionRef } from './lua-adapter.js';

export type CallResult =
  | { ok: true; value: LuaValue }
  | { ok: false; error: LuaValue; source: string | null; line: number | null };

/** A script in progress. */
export interface ScriptRun {
  /** Runs up to `budget` instructions: the result once the script ended, else null. */
  step(budget: number): CallResult | null;
  /** Stops the run (SCRIPT KILL): the error with where the script was. */
  abort(error: LuaValue): CallResult;
}

export interface ScriptVm {
  /** Compiles `code` named `chunkName` (e.g. "@user_script"); an error is Lua's message. */
  compile(code: string, chunkName: string): LuaFunctionRef | { error: string };
  /**
   * Compiles and runs a library's code ("@user_function") with the load-time globals (only the
   * reduced `redis` table, whose register_function calls `register`); the functions it
   * registers keep the normal globals for their runs.
   */
  loadLibrary(code: string, register: (args: LuaValue[]) => void): CallResult | { compileError: string };
  /** Calls fn(...args) protected, to completion; the first result or the error and its place. */
  call(fn: LuaFunctionRef, args: LuaValue[]): CallResult;
  /** Starts fn(...args) as a run advanced slice by slice (long scripts yield to the loop). */
  start(fn: LuaFunctionRef, args: LuaValue[]): ScriptRun;
  /** The global table scripts run with (read-only to scripts once sealed). */
  readonly globals: LuaTableValue;
  /** Sets a global bypassing the read-only protection (KEYS, ARGV). */
  setGlobal(name: string, value: LuaValue): void;
  /** Bytes the Lua heap holds (used_memory_lua). */
  memoryBytes(): number;
}
