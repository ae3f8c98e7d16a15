// Running one script to its end while no other command runs. The run goes slice by slice: up to
// busy-reply-threshold it runs without returning to the event loop (other clients simply wait,
// as in Redis); past it, the run yields to the loop between slices so that other clients get
// -BUSY and SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE can be served. The caller is held
// (no further commands of its pipeline run) until the reply. Time is frozen for the script and
// its writes are wrapped in one MULTI/EXEC. Redis equivalent: scriptPrepareForRun /
// scriptResetRun / scriptInterrupt (script.c) and luaCallFunction's hook (script_lua.c).

import { ClientFlag, type Client } from '../server/client.js';
import { IGNORE_ERR_STATS, luaToReply, type ReplyContext } from './convert.js';
import { type LuaValue, fieldTable, isTable, luaToString, tget } from './lua-adapter.js';
import type { RunningScript } from './scripting.js';
import type { CallResult, ScriptRun } from './vm.js';
import { UNKNOWN_ERROR } from '../commands/errors.js';

/** Instructions per slice; a slice of a tight loop takes a few milliseconds. */
const SLICE_INSTRUCTIONS = 50_000;
/** How long a suspended run keeps the loop before letting I/O in again. */
const BUSY_SLICE_MS = 20;

export { BUSY_EVAL, BUSY_FUNCTION } from '../commands/errors.js';

export interface RunHost {
  /** Clears the running state and closes the propagation block. */
  finished(state: RunningScript): void;
  thresholdMs(): number;
}

export class ScriptExecution {
  readonly #state: RunningScript;
  readonly #run: ScriptRun;
  readonly #host: RunHost;
  readonly #suspendable: boolean;
  /** True once the run went past the threshold and yields to the event loop. */
  busy = false;
  /** Set by SHUTDOWN NOSAVE: stop without replying. */
  #dropped = false;
  /** What continues the caller once a suspended run ended (EXEC's remaining commands). */
  #resume: (() => void) | null = null;

  constructor(state: RunningScript, run: ScriptRun, host: RunHost) {
    this.#state = state;
    this.#run = run;
    this.#host = host;
    // Inside EXEC the transaction's later commands wait on this one: EXEC resumes them when
    // the run ends (see whenDone). Only a client that is not executing a transaction, or EXEC,
    // can be held this way.
    const caller = state.caller;
    this.#suspendable = !caller.has(ClientFlag.multi) || caller.has(ClientFlag.exec);
  }

  /** The client the run holds. */
  get caller(): Client {
    return this.#state.caller;
  }

  /**
   * For a run that went busy (suspended): `resume` runs once it ended and its reply was
   * written, instead of the caller's pipeline continuing (EXEC continues its queue first).
   */
  whenDone(resume: () => void): void {
    this.#resume = resume;
  }

  /** Runs until done, or until the threshold when the run may be suspended. */
  start(): void {
    const deadline = this.#state.startMs + this.#host.thresholdMs();
    for (;;) {
      const result = this.#run.step(SLICE_INSTRUCTIONS);
      if (result !== null) {
        this.#finish(result);
        return;
      }
      if (this.#suspendable && Date.now() >= deadline) break;
    }
    this.busy = true;
    this.#state.caller.flags |= ClientFlag.blocked;
    this.#state.server.log.warning(`Slow script detected: still in execution after ${Date.now() - this.#state.startMs} milliseconds. You can try killing the script using the ${this.#state.isFunction ? 'FUNCTION' : 'SCRIPT'} KILL command. Script name is: ${this.#state.name}.`);
    setImmediate(() => this.#tick());
  }

  /** SHUTDOWN NOSAVE: the run ends now; nothing more is replied or written. */
  drop(): void {
    this.#dropped = true;
  }

  #tick(): void {
    if (this.#dropped) {
      this.#run.abort(undefined);
      this.#host.finished(this.#state);
      return;
    }
    const until = Date.now() + BUSY_SLICE_MS;
    for (;;) {
      if (this.#state.killed) {
        this.#finish(this.#run.abort(fieldTable('err', 'ERR Script killed by user with SCRIPT KILL...')));
        return;
      }
      const result = this.#run.step(SLICE_INSTRUCTIONS);
      if (result !== null) {
        this.#finish(result);
        return;
      }
      if (Date.now() >= until) break;
    }
    setImmediate(() => this.#tick());
  }

  #finish(result: CallResult): void {
    const state = this.#state;
    const caller = state.caller;
    try {
      const ctx: ReplyContext = { scriptResp: state.resp, errorText: returnedErrorText };
      if (result.ok) luaToReply(caller, result.value, ctx);
      else {
        const counted = !isTable(result.error) || tget(result.error, IGNORE_ERR_STATS) !== true;
        caller.addReplyError(runErrorText(result.error, result.source, result.line, state.name), counted);
      }
    } finally {
      this.#host.finished(state);
    }
    if (this.busy) {
      const server = state.server;
      caller.flags &= ~ClientFlag.blocked;
      server.queueFlush(caller);
      const resume = this.#resume;
      // The caller's pipeline (or its EXEC) continues where the script held it.
      setImmediate(() => {
        if (resume !== null) resume();
        else if (!caller.has(ClientFlag.closeAsap)) server.processInputBuffer(caller);
      });
    }
  }
}

/** A returned {err=...} table's error line (no suffix: the script did not fail). */
function returnedErrorText(table: LuaValue): string {
  if (!isTable(table)) return 'ERR';
  const msg = tget(table, 'err');
  return typeof msg === 'string' ? msg : 'ERR';
}

/** The error line of a failed run: the message plus " script: <name>, on <source>:<line>." */
function runErrorText(error: LuaValue, source: string | null, line: number | null, name: string): string {
  let msg: string;
  if (isTable(error)) {
    const err = tget(error, 'err');
    msg = typeof err === 'string' ? err : UNKNOWN_ERROR;
    const tableSource = tget(error, 'source');
    const tableLine = tget(error, 'line');
    if (typeof tableSource === 'string') source = tableSource;
    if (typeof tableLine === 'number') line = tableLine;
  } else {
    const text = luaToString(error) ?? (error === undefined ? 'nil' : typeof error === 'boolean' ? String(error) : 'execution failure');
    msg = 'ERR ' + text;
  }
  if (source !== null && line !== null) msg += ` script: ${name}, on ${source}:${line}.`;
  return msg;
}
