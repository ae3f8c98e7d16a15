// Loading a function library: its code runs once in the load environment (only the reduced
// `redis` table: register_function, log, versions), and register_function's arguments are
// checked with Redis 7.0's texts. Redis equivalent: luaEngineLoadCode and
// luaRegisterFunction (function_lua.c).

import type { LibraryCompiler, RegisteredFunction } from './functions.js';
import {
  type LuaValue,
  type LuaFunctionRef,
  LuaThrow,
  isFunction,
  isTable,
  luaToString,
  tentries,
} from './lua-adapter.js';
import { errorTable } from './script-call.js';
import { isValidName, scriptFlagByName } from './shebang.js';
import type { ScriptVm } from './vm.js';
import { UNKNOWN_ERROR } from '../commands/errors.js';

function fail(text: string): never {
  throw new LuaThrow(errorTable(text));
}

function parseFlags(value: LuaValue): number {
  if (!isTable(value)) fail('flags argument to redis.register_function must be a table representing function flags');
  let flags = 0;
  for (const [, name] of tentries(value)) {
    const bit = typeof name === 'string' ? scriptFlagByName(name) : undefined;
    if (bit === undefined) fail('unknown flag given');
    flags |= bit;
  }
  return flags;
}

/** register_function's arguments, positional or named, as one registration. */
function parseRegistration(args: LuaValue[]): RegisteredFunction<LuaFunctionRef> {
  let name: LuaValue;
  let callback: LuaValue;
  let flags = 0;
  let description: string | null = null;
  if (args.length === 1) {
    const named = args[0];
    if (!isTable(named)) {
      fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).');
    }
    for (const [key, value] of tentries(named)) {
      if (key === 'function_name') name = value;
      else if (key === 'callback') callback = value;
      else if (key === 'flags') flags = parseFlags(value);
      else if (key === 'description') description = luaToString(value);
      else fail('unknown argument given to redis.register_function');
    }
    if (typeof name !== 'string') fail('redis.register_function must get a function name argument');
    if (!isFunction(callback)) fail('redis.register_function must get a callback argument');
  } else if (args.length === 2) {
    name = luaToString(args[0]) ?? undefined;
    callback = args[1];
    if (typeof name !== 'string') fail('first argument to redis.register_function must be a string');
    if (!isFunction(callback)) fail('second argument to redis.register_function must be a function');
  } else {
    fail('wrong number of arguments to redis.register_function');
  }
  if (!isValidName(name)) {
    // Redis 7.0 words a bad function name as a bad library name.
    fail('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long');
  }
  return { name, description, flags, fn: callback };
}

/** The LibraryCompiler for a VM: runs the code, collecting register_function calls. */
export function libraryCompiler(vm: ScriptVm): LibraryCompiler<LuaFunctionRef> {
  return (code) => {
    const functions: RegisteredFunction<LuaFunctionRef>[] = [];
    const register = (args: LuaValue[]): void => {
      const fn = parseRegistration(args);
      if (functions.some((f) => f.name === fn.name)) fail('Function already exists in the library');
      functions.push(fn);
    };
    const result = vm.loadLibrary(code, register);
    if ('compileError' in result) {
      return { ok: false, error: `ERR Error compiling function: ${result.compileError}` };
    }
    if (!result.ok) {
      const error = result.error;
      let inner: string;
      if (isTable(error)) {
        const err = tentries(error).find(([k]) => k === 'err')?.[1];
        inner = typeof err === 'string' ? err : UNKNOWN_ERROR;
      } else {
        inner = 'ERR ' + (luaToString(error) ?? 'unknown error');
      }
      return { ok: false, error: `ERR Error registering functions: ${inner}` };
    }
    return { ok: true, functions };
  };
}
