// The `redis` table scripts see: call, pcall, error_reply, status_reply, sha1hex, log and its
// levels, setresp, set_repl and its constants, replicate_commands, breakpoint, debug and the
// version constants; and the reduced table a library's load-time code sees (register_function,
// log, versions). Redis equivalent: luaRegisterRedisAPI (script_lua.c) and
// luaEngineLoadCode's environment (function_lua.c).

import type { Logger } from '../observe/log.js';
import { REDIS_VERSION } from '../version.js';
import {
  type LuaValue,
  type LuaTableValue,
  LuaThrow,
  fieldTable,
  luaToString,
  nativeFunction,
  newTable,
  tset,
} from './lua-adapter.js';
import { errorTable, scriptCall, type RunState } from './script-call.js';
import { sha1hex } from './script-cache.js';

const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;

/** Raises Redis's script error for a misuse of the API ("ERR <text>"). */
function raise(text: string): never {
  throw new LuaThrow(errorTable(text));
}

function versionNumber(): number {
  const [major, minor, patch] = REDIS_VERSION.split('.').map(Number) as [number, number, number];
  return (major << 16) | (minor << 8) | patch;
}

function setCommon(redis: LuaTableValue, log: Logger): void {
  tset(redis, 'log', nativeFunction('log', (args) => {
    if (args.length < 2) raise('redis.log() requires two arguments or more.');
    const level = args[0];
    if (typeof level !== 'number') raise('First argument must be a number (log level).');
    if (level < 0 || level > 3 || !Number.isInteger(level)) raise('Invalid debug level.');
    const parts: string[] = [];
    for (const arg of args.slice(1)) {
      const text = luaToString(arg);
      if (text !== null) parts.push(text);
    }
    const method = LOG_LEVELS[level] as (typeof LOG_LEVELS)[number];
    log[method](parts.join(' '));
    return [];
  }));
  tset(redis, 'LOG_DEBUG', 0);
  tset(redis, 'LOG_VERBOSE', 1);
  tset(redis, 'LOG_NOTICE', 2);
  tset(redis, 'LOG_WARNING', 3);
  tset(redis, 'REDIS_VERSION', REDIS_VERSION);
  tset(redis, 'REDIS_VERSION_NUM', versionNumber());
}

/** The full API; `state()` is the running script's state (null outside a run). */
export function createRedisApi(log: Logger, state: () => RunState | null): LuaTableValue {
  const redis = newTable();
  const running = (): RunState => {
    const s = state();
    if (s === null) raise('Please specify at least one argument for this redis lib call');
    return s;
  };
  tset(redis, 'call', nativeFunction('call', (args) => [scriptCall(running(), args, true)]));
  tset(redis, 'pcall', nativeFunction('pcall', (args) => [scriptCall(running(), args, false)]));
  tset(redis, 'error_reply', nativeFunction('error_reply', (args) => {
    const msg = args[0];
    if (args.length !== 1 || typeof msg !== 'string') return [errorTable('wrong number or type of arguments')];
    return [errorTable(msg.startsWith('-') ? msg : '-' + msg)];
  }));
  tset(redis, 'status_reply', nativeFunction('status_reply', (args) => {
    const msg = args[0];
    if (args.length !== 1 || typeof msg !== 'string') return [errorTable('wrong number or type of arguments')];
    return [fieldTable('ok', msg)];
  }));
  tset(redis, 'sha1hex', nativeFunction('sha1hex', (args) => {
    if (args.length !== 1) raise('wrong number of arguments');
    return [sha1hex(luaToString(args[0]) ?? '')];
  }));
  tset(redis, 'setresp', nativeFunction('setresp', (args) => {
    if (args.length !== 1) raise('redis.setresp() requires one argument.');
    const resp = args[0];
    if (resp !== 2 && resp !== 3) raise('RESP version must be 2 or 3.');
    running().resp = resp;
    return [];
  }));
  tset(redis, 'set_repl', nativeFunction('set_repl', (args) => {
    if (args.length !== 1) raise('redis.set_repl() requires two arguments.');
    const flags = args[0];
    if (typeof flags !== 'number' || (flags & ~3) !== 0) {
      raise('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
    }
    running().repl = flags;
    return [];
  }));
  tset(redis, 'replicate_commands', nativeFunction('replicate_commands', () => [true]));
  tset(redis, 'breakpoint', nativeFunction('breakpoint', () => [false]));
  tset(redis, 'debug', nativeFunction('debug', () => []));
  tset(redis, 'REPL_NONE', 0);
  tset(redis, 'REPL_AOF', 1);
  tset(redis, 'REPL_SLAVE', 2);
  tset(redis, 'REPL_REPLICA', 2);
  tset(redis, 'REPL_ALL', 3);
  setCommon(redis, log);
  return redis;
}

/** What register_function collected while a library loaded. */
export interface Registration {
  name: string;
  description: string | null;
  flags: number;
  fn: LuaValue;
}

/** The load-time API of a library: register_function plus log and the versions. */
export function createLibraryApi(log: Logger, register: (args: LuaValue[]) => void): LuaTableValue {
  const redis = newTable();
  tset(redis, 'register_function', nativeFunction('register_function', (args) => {
    register(args);
    return [];
  }));
  setCommon(redis, log);
  return redis;
}
