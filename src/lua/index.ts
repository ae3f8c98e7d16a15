// Public API of the Lua 5.1 engine that runs Redis scripts (EVAL, FUNCTION). Pure: imports
// nothing from server/commands/store. Redis equivalent: the Lua 5.1 interpreter in deps/lua.
//
// API (stable; everything else in src/lua is internal):
//
//   const L = new LuaState({ print?: (line) => void, maxDepth?: number });
//     One Lua universe: globals with base, string, table, math, coroutine, cjson, cmsgpack,
//     bit, struct opened (no io/os/debug/package). L.globals is the _G table.
//
//   Values (LuaValue): nil = undefined, booleans, numbers (doubles), strings (latin1 JS
//     strings, one char per byte: binary safe), LuaTable, LuaFunction, LuaCoroutine,
//     LuaUserdata (cjson.null is one).
//
//   const f = L.load(source, '@user_script');   // LuaFunction; throws LuaError on syntax
//     errors with Lua's text: "user_script:1: '=' expected near 'end'". Chunk names follow
//     luaO_chunkid: '@name' and '=name' show as name, other text as [string "..."].
//     L.load(source, name, env) compiles with another globals table (setfenv of the chunk).
//
//   L.call(f, args): LuaValue[]   // runs to completion; returns all results.
//     Errors: throws LuaError; e.value is what Lua raised: a string "user_script:1: msg" or
//     any value (error({err = 'x'}) carries the table). JS stack exhaustion becomes Lua's
//     "stack overflow", string overflow "not enough memory"; JS bugs are not converted.
//   L.setHook(every, fn): fn runs after every `every` instructions (loop iterations and
//     calls) during call(); it may throw LuaAbort (or anything not a LuaError), which
//     pcall cannot catch, to stop a runaway script.
//   const run = L.start(f, args); run.step(budget) -> {done: true, values} | {done: false}
//     Resumable execution: each step runs at most ~budget instructions, then returns so the
//     host can serve its event loop (Redis's BUSY window) and call step() again later, or
//     run.abort() (SCRIPT KILL). Lua natives that call back into Lua synchronously
//     (metamethods, table.sort comparators, gsub callbacks) cannot suspend: inside them the
//     hook of setHook runs instead. pcall/xpcall/coroutines do suspend.
//   L.seedRandom(n): math.random's state (Redis's redisSrand48). redis-server 7.0 keeps the
//     state across scripts (it does not reseed per EVAL), so the host need not call it.
//
//   Natives: L.newFunction(name, (args: LuaValue[]) => LuaValue[]) or new LuaFunction(name,
//     fn). Inside one, L.error(msg, level=1) raises "user_script:<line>: msg" like luaL_error
//     (position of the Lua code that called the native); `throw new LuaError(value)` raises
//     any value as is. L.where(level) is the "chunk:line: " prefix alone. argument helpers:
//     argError / checkString / checkNumber / checkInt / checkTable (aux.ts, also exported).
//   L.tostring(v): tostring() with __tostring. numberToString(n): Lua's %.14g.
//
//   Tables: new LuaTable(narr?, nrec?) (lua_createtable), LuaTable.fromArray(values) (what
//     lua_newtable + rawseti 1..n builds, e.g. KEYS/ARGV), t.get(k), t.set(k, v) (raw; throws
//     TableKeyError for nil/NaN keys), t.getStr(k), t.length() (#), t.next(k), t.forEach(fn)
//     (next() order, same as Lua 5.1's), t.metatable, t.readonly (Redis 7's read-only
//     tables: Lua writes raise "Attempt to modify a readonly table").

export { LuaState, LuaRun, chunkId, type LuaStateOptions, type StepResult } from './state.js';
export { LuaTable, TableKeyError } from './table.js';
export {
  LuaCoroutine, LuaError, LuaFunction, LuaUserdata, numberToString, rawToString, strToNumber,
  typeName, type LuaValue, type NativeFn,
} from './value.js';
export { LuaAbort } from './runtime.js';
export { argError, checkInt, checkInteger, checkNumber, checkString, checkTable, optInt, optString } from './aux.js';
