// The command table: joins the generated metadata (arity, flags, key positions) with the
// handlers of each command module. Asserts at start-up that every handler has a spec, so a
// typo can never register a command with made-up arity or flags.
// Redis equivalent: populateCommandTable / lookupCommand in server.c.

import { assert } from '../assert.js';
import { type CommandSpec, getCommandSpec } from './spec.js';
import type { AnyHandler, CommandDef } from './types.js';
import type { LatencyHistogram } from '../observe/latency.js';

export const CommandFlag = {
  write: 1 << 0,
  readonly: 1 << 1,
  denyoom: 1 << 2,
  admin: 1 << 3,
  pubsub: 1 << 4,
  noscript: 1 << 5,
  blocking: 1 << 6,
  loading: 1 << 7,
  stale: 1 << 8,
  skipMonitor: 1 << 9,
  skipSlowlog: 1 << 10,
  fast: 1 << 11,
  noAuth: 1 << 12,
  mayReplicate: 1 << 13,
  noMulti: 1 << 14,
  allowBusy: 1 << 15,
} as const;

const FLAG_NAMES: Record<string, number> = {
  write: CommandFlag.write,
  readonly: CommandFlag.readonly,
  denyoom: CommandFlag.denyoom,
  admin: CommandFlag.admin,
  pubsub: CommandFlag.pubsub,
  noscript: CommandFlag.noscript,
  blocking: CommandFlag.blocking,
  loading: CommandFlag.loading,
  stale: CommandFlag.stale,
  skip_monitor: CommandFlag.skipMonitor,
  skip_slowlog: CommandFlag.skipSlowlog,
  fast: CommandFlag.fast,
  no_auth: CommandFlag.noAuth,
  may_replicate: CommandFlag.mayReplicate,
  no_multi: CommandFlag.noMulti,
  allow_busy: CommandFlag.allowBusy,
};

export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
  /** This command's histogram in CommandLatencies, once it has one (no map lookup per call). */
  latency: LatencyHistogram | null;
}

export interface Command {
  /** "get", or "config|get" for a subcommand. */
  readonly fullName: string;
  readonly arity: number;
  readonly flags: number;
  readonly spec: CommandSpec;
  readonly handler: AnyHandler | null;
  readonly subcommands: Map<string, Command> | null;
  readonly parent: Command | null;
  readonly stats: CommandStats;
}

export class CommandTable {
  readonly #commands = new Map<string, Command>();
  /** The same commands under their upper-case names, for lookup() only. */
  readonly #upperCase = new Map<string, Command>();

  constructor(defs: readonly CommandDef[]) {
    const byName = new Map<string, AnyHandler>();
    for (const def of defs) {
      assert(!byName.has(def.name), 'command registered twice');
      byName.set(def.name, 'handler' in def ? def.handler : def.admin);
    }
    for (const [name, handler] of byName) {
      const bar = name.indexOf('|');
      const topName = bar < 0 ? name : name.slice(0, bar);
      let top = this.#commands.get(topName);
      if (top === undefined) {
        const spec = getCommandSpec(topName);
        assert(spec !== undefined, 'handler for a command Redis 7.0 does not have');
        top = makeCommand(spec, bar < 0 ? handler : (byName.get(topName) ?? null), null);
        this.#commands.set(topName, top);
      }
      if (bar >= 0) {
        const subName = name.slice(bar + 1);
        const spec = top.spec.subcommands.get(subName);
        assert(spec !== undefined, 'handler for a subcommand Redis 7.0 does not have');
        assert(top.subcommands !== null, 'subcommand of a command without subcommands');
        top.subcommands.set(subName, makeCommand(spec, handler, top));
      }
    }
    for (const [name, command] of this.#commands) this.#upperCase.set(name.toUpperCase(), command);
  }

  /** The last name looked up and its command: pipelines repeat one command. */
  #lastName = '';
  #lastCommand: Command | undefined = undefined;

  /** Looks a command up by its name as the client sent it (any case). */
  lookup(name: string): Command | undefined {
    if (name === this.#lastName) return this.#lastCommand;
    // Clients send either case ("GET" from redis-cli and most libraries, "get" from some):
    // both are direct hits, so the common path never lowercases.
    const command = this.#commands.get(name) ?? this.#upperCase.get(name) ??
      this.#commands.get(name.toLowerCase());
    this.#lastName = name;
    this.#lastCommand = command;
    return command;
  }

  all(): IterableIterator<Command> {
    return this.#commands.values();
  }

  get size(): number {
    return this.#commands.size;
  }
}

/**
 * Redis's arity rule: a positive arity is the exact argument count (the name included), a
 * negative one the minimum. The one place it is written (tidy checks).
 */
export function arityAccepts(arity: number, argc: number): boolean {
  return arity > 0 ? argc === arity : argc >= -arity;
}

function makeCommand(spec: CommandSpec, handler: AnyHandler | null, parent: Command | null): Command {
  let flags = 0;
  for (const f of spec.flags) flags |= FLAG_NAMES[f] ?? 0;
  return {
    fullName: spec.name,
    arity: spec.arity,
    flags,
    spec,
    handler,
    subcommands: spec.subcommands.size > 0 ? new Map() : null,
    parent,
    stats: { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0, latency: null },
  };
}
