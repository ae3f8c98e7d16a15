// The scripting service: the EVAL script cache, the function libraries, the Lua VM, and running
// a script or function for a client (flag checks, KEYS/ARGV, the run, its reply or error with
// Redis's "script: <name>, on @user_script:<line>." suffix, MULTI/EXEC wrapping of its writes).
// Redis equivalent: eval.c (evalGenericCommand), function_lua.c / functions.c (fcallCommand)
// and script.c (scriptPrepareForRun, scriptResetRun).

import type { Client } from '../server/client.js';
import { READ_ONLY_SCRIPT_CALLER, SCRIPT_CALLER } from '../server/caller.js';
import type { Server } from '../server/server.js';
import { BUSY_EVAL, BUSY_FUNCTION, ScriptExecution } from './script-run.js';
import { FunctionRegistry, type FunctionInfo, type LibraryInfo, type RestorePolicy } from './functions.js';
import { libraryCompiler } from './library-load.js';
import { type LuaFunctionRef, arrayTable } from './lua-adapter.js';
import type { RunState } from './script-call.js';
import { ScriptCache, sha1hex, type CachedScript } from './script-cache.js';
import { ScriptFlag, parseShebang } from './shebang.js';
import type { ScriptVm } from './vm.js';
import { libraryExists } from '../commands/errors.js';
import { LAZYFREE_THRESHOLD } from '../store/lazyfree.js';

/** The script being run: what SCRIPT KILL, FUNCTION STATS and BUSY replies need. */
export interface RunningScript extends RunState {
  readonly name: string;
  readonly isFunction: boolean;
  readonly command: string[];
  readonly startMs: number;
  killed: boolean;
}

export type VmFactory = (scripting: Scripting) => ScriptVm;

let vmFactory: VmFactory | null = null;

/** Installs the engine adapter (lua-adapter does at import). */
export function setVmFactory(factory: VmFactory): void {
  vmFactory = factory;
}

export class Scripting {
  readonly server: Server;
  readonly cache = new ScriptCache<LuaFunctionRef>();
  readonly functions = new FunctionRegistry<LuaFunctionRef>();
  running: RunningScript | null = null;
  execution: ScriptExecution | null = null;
  /** EVAL's VM (SCRIPT FLUSH replaces it) and the functions' VM, as Redis keeps two. */
  #evalVm: ScriptVm | null = null;
  #functionVm: ScriptVm | null = null;
  #client: Client | null = null;

  constructor(server: Server) {
    this.server = server;
  }

  #createVm(): ScriptVm {
    if (vmFactory === null) throw new Error('no Lua engine installed');
    return vmFactory(this);
  }

  get vm(): ScriptVm {
    this.#evalVm ??= this.#createVm();
    return this.#evalVm;
  }

  get functionVm(): ScriptVm {
    this.#functionVm ??= this.#createVm();
    return this.#functionVm;
  }

  /** used_memory_lua / used_memory_vm_eval and used_memory_vm_functions. */
  vmBytes(): { eval: number; functions: number } {
    return { eval: this.#evalVm?.memoryBytes() ?? 0, functions: this.#functionVm?.memoryBytes() ?? 0 };
  }

  /** FUNCTION LOAD. */
  loadLibrary(code: string, replace: boolean): { ok: true; name: string } | { ok: false; error: string } {
    return this.functions.load(code, replace, libraryCompiler(this.functionVm));
  }

  /** FUNCTION RESTORE (and loading functions from an RDB file): null or Redis's error. */
  restoreLibraries(codes: readonly string[], policy: RestorePolicy): string | null {
    const compile = libraryCompiler(this.functionVm);
    const libs: LibraryInfo<LuaFunctionRef>[] = [];
    for (const code of codes) {
      const created = this.functions.create(code, compile);
      if (!created.ok) return created.error;
      if (libs.some((lib) => lib.name === created.lib.name)) {
        return libraryExists(created.lib.name);
      }
      libs.push(created.lib);
    }
    return this.functions.install(libs, policy);
  }

  /** Compiles and caches an EVAL body; returns the cache entry or Redis's error text. */
  loadScript(body: string): CachedScript<LuaFunctionRef> | string {
    const sha = sha1hex(body);
    const cached = this.cache.get(sha);
    if (cached !== undefined) return cached;
    const shebang = parseShebang(body);
    if (!shebang.ok) return shebang.error;
    const fn = this.vm.compile(shebang.code, '@user_script');
    if ('error' in fn) return `ERR Error compiling script (new function): ${fn.error}`;
    const script = { sha, body, flags: shebang.flags, fn };
    this.cache.add(script);
    return script;
  }

  /**
   * SCRIPT FLUSH: drops the cache and, as Redis, the whole Lua VM (functions keep theirs).
   * `async` frees a cache of more scripts than the lazy-free threshold in the background.
   */
  flushScripts(async = false): void {
    const count = this.cache.size;
    if (async && count > LAZYFREE_THRESHOLD) this.server.keyspace.lazyfree.defer(this.#evalVm, count);
    this.cache.flush();
    this.#evalVm = null;
  }

  /** The client a script's commands run as, set up for this run. */
  scriptClient(caller: Client): Client {
    let c = this.#client;
    if (c === null) {
      c = this.server.createInternalClient(SCRIPT_CALLER);
      this.#client = c;
    }
    c.user = caller.user;
    c.dbIndex = caller.dbIndex;
    c.resp = 2;
    c.out = '';
    return c;
  }

  /**
   * Runs a script or function for `caller` and writes its reply. Checks Redis makes before
   * the run (read-only commands and flags, OOM, MISCONF) come first.
   */
  run(caller: Client, target: { name: string; fn: LuaFunctionRef; flags: number; isFunction: boolean },
    options: { keys: string[]; args: string[]; readOnly: boolean; command: string[] }): void {
    const { keys, args } = options;
    const refusal = this.#prepare(caller, target.flags, options.readOnly, target.isFunction);
    if (refusal !== null) {
      caller.addReplyError(refusal);
      return;
    }
    const server = this.server;
    const client = this.scriptClient(caller);
    const readOnly = options.readOnly || (target.flags & ScriptFlag.noWrites) !== 0;
    client.caller = readOnly ? READ_ONLY_SCRIPT_CALLER : SCRIPT_CALLER;
    const state: RunningScript = {
      server,
      caller,
      client,
      flags: target.flags,
      readOnly,
      wrote: false,
      resp: 2,
      repl: 3,
      oom: server.oomReason() !== null,
      name: target.name,
      isFunction: target.isFunction,
      command: options.command,
      startMs: Date.now(),
      killed: false,
    };
    const vm = target.isFunction ? this.functionVm : this.vm;
    if (!target.isFunction) {
      vm.setGlobal('KEYS', arrayTable(keys));
      vm.setGlobal('ARGV', arrayTable(args));
    }
    const run = vm.start(target.fn, target.isFunction ? [arrayTable(keys), arrayTable(args)] : []);
    this.running = state;
    // Time is frozen for the script's commands, as in Redis.
    server.keyspace.now = state.startMs;
    server.frozenNowMs = state.startMs;
    server.beginPropagationBlock();
    const execution = new ScriptExecution(state, run, {
      finished: (finishedState) => {
        if (this.running !== finishedState) return;
        this.running = null;
        this.execution = null;
        server.frozenNowMs = null;
        server.endPropagationBlock();
      },
      thresholdMs: () => server.config.num('busy-reply-threshold'),
    });
    this.execution = execution;
    execution.start();
  }

  /** The BUSY error for commands refused while a script runs past the threshold, or null. */
  busyError(): string | null {
    const running = this.running;
    if (running === null || this.execution?.busy !== true) return null;
    return running.isFunction ? BUSY_FUNCTION : BUSY_EVAL;
  }

  /** SHUTDOWN NOSAVE while a script runs: it stops without a reply. */
  dropRunning(): void {
    this.execution?.drop();
  }

  /** Redis's scriptPrepareForRun checks; null when the script may run. */
  #prepare(caller: Client, flags: number, readOnly: boolean, isFunction: boolean): string | null {
    void caller;
    if ((flags & ScriptFlag.evalCompatMode) !== 0) return null;
    const noWrites = (flags & ScriptFlag.noWrites) !== 0;
    if (readOnly && !noWrites) return 'ERR Can not execute a script with write flag using *_ro command.';
    if (!noWrites) {
      const reason = this.server.writeDeniedReason();
      if (reason !== null) return reason;
    }
    if ((flags & ScriptFlag.allowOom) === 0 && !noWrites) {
      const oom = this.server.oomReason();
      if (oom !== null) return oom;
    }
    void isFunction;
    return null;
  }

  /** FCALL / FCALL_RO's function, or undefined. */
  findFunction(name: string): FunctionInfo<LuaFunctionRef> | undefined {
    return this.functions.functions.get(name);
  }
}
