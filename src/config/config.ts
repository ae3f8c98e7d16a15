// The live configuration: current values with typed accessors, CONFIG GET (glob patterns),
// atomic multi-pair CONFIG SET with apply hooks and rollback, and CONFIG REWRITE. It never opens
// sockets and never decides what a value means for the server: the server registers onApply hooks.
// Redis equivalent: configGetCommand / configSetCommand / rewriteConfig in config.c.

import { assert } from '../assert.js';
import { allConfigNames, CONFIG_TABLE, lookupConfig } from './schema.js';
import type { ConfigEntry, ConfigValue } from './schema.js';
import { formatValue, parseValue, setArgs } from './value.js';
import { rewriteConfigFile } from './rewrite.js';
import { globMatch } from './glob.js';
import { unsupportedReason } from './unsupported.js';

/** Called after a CONFIG SET changes `name`; a returned string is the error and rolls back. */
export type ApplyHook = (value: ConfigValue) => void | string;

export interface SavePoint {
  seconds: number;
  changes: number;
}

export interface ConfigSetOptions {
  /** The client is on a loopback address (for enable-protected-configs local). */
  clientIsLocal?: boolean;
}

/** Bound on CONFIG GET / CONFIG SET arguments from one client call. */
export const CONFIG_ARGS_MAX = 1024;

export class Config {
  readonly #values = new Map<string, ConfigValue>();
  readonly #hooks = new Map<string, ApplyHook[]>();
  /** `rename-command` pairs from the file, in order; the server checks the command names. */
  readonly renamedCommands: [string, string][] = [];
  /** `user ...` lines from the file (words after "user"); the ACL layer reads them. */
  readonly users: string[][] = [];
  /** `loadmodule ...` lines; accepted, for the server to refuse or ignore. */
  readonly loadModules: string[][] = [];
  /** The config file this was loaded from (absolute), the default target of CONFIG REWRITE. */
  configFile: string | null = null;

  constructor() {
    for (const entry of CONFIG_TABLE) this.#values.set(entry.name, entry.default);
  }

  // -------------------------------------------------------------------------------------------
  // Typed accessors. Each asserts the kind: asking for the wrong kind is a programmer error.

  /**
   * num(), bool() and str() results by the name asked for, because hot paths ask per command
   * (maxmemory, MISCONF, hash limits): one lookup instead of two and a conversion. Cleared
   * whenever any value changes.
   */
  readonly #numbers = new Map<string, number>();
  readonly #booleans = new Map<string, boolean>();
  readonly #strings = new Map<string, string>();

  /** Ints, memory values and octal modes as numbers (percent memory values are negative). */
  num(name: string): number {
    const known = this.#numbers.get(name);
    if (known !== undefined) return known;
    const entry = this.#entry(name);
    assert(entry.kind === 'int' || entry.kind === 'memory' || entry.kind === 'octal', 'config: not numeric');
    const value = this.#values.get(entry.name);
    assert(typeof value === 'bigint', 'config: numeric value not bigint');
    this.#numbers.set(name, Number(value));
    return Number(value);
  }

  /** The exact 64-bit value, for the few that can pass 2^53 (maxmemory, slowlog, ...). */
  bigint(name: string): bigint {
    const value = this.#values.get(this.#entry(name).name);
    assert(typeof value === 'bigint', 'config: value not bigint');
    return value;
  }

  bool(name: string): boolean {
    const known = this.#booleans.get(name);
    if (known !== undefined) return known;
    const value = this.#values.get(this.#entry(name).name);
    assert(typeof value === 'boolean', 'config: value not boolean');
    this.#booleans.set(name, value);
    return value;
  }

  /** Strings, enums and specials (as CONFIG GET prints them). */
  str(name: string): string {
    const known = this.#strings.get(name);
    if (known !== undefined) return known;
    const value = this.#values.get(this.#entry(name).name);
    assert(typeof value === 'string', 'config: value not string');
    this.#strings.set(name, value);
    return value;
  }

  /**
   * A live copy of a numeric value for a per-command path: reading `cell.value` is a property
   * load where num() is a map lookup (~20-40 ns, several per command). Kept current on every
   * change; cells are few and live as long as the Config.
   */
  numCell(name: string): { readonly value: number } {
    const cell = { name, value: this.num(name) };
    this.#numCells.push(cell);
    return cell;
  }

  boolCell(name: string): { readonly value: boolean } {
    const cell = { name, value: this.bool(name) };
    this.#boolCells.push(cell);
    return cell;
  }

  readonly #numCells: { name: string; value: number }[] = [];
  readonly #boolCells: { name: string; value: boolean }[] = [];

  /**
   * The `save` rules, parsed. Every write command asks (MISCONF checks), so the parse is cached
   * against the text it came from; callers must not mutate the array.
   */
  savePoints(): readonly SavePoint[] {
    const text = this.str('save');
    if (text === this.#savePointsText) return this.#savePoints;
    const words = text.split(' ').filter((w) => w !== '');
    const points: SavePoint[] = [];
    for (let i = 0; i + 1 < words.length; i += 2) {
      points.push({ seconds: Number(words[i]), changes: Number(words[i + 1]) });
    }
    this.#savePointsText = text;
    this.#savePoints = points;
    return points;
  }

  #savePointsText: string | null = null;
  #savePoints: readonly SavePoint[] = [];

  /** Addresses to listen on; a leading "-" marks one that may fail to bind (as Redis). */
  bind(): string[] {
    return this.str('bind').split(' ').filter((w) => w !== '');
  }

  /** Exactly what CONFIG GET prints for `name` (or an alias). */
  getFormatted(name: string): string {
    const entry = this.#entry(name);
    return formatValue(entry, this.#values.get(entry.name) ?? entry.default);
  }

  /** The raw stored value, for hooks and rewrite. */
  get(name: string): ConfigValue {
    const entry = this.#entry(name);
    return this.#values.get(entry.name) ?? entry.default;
  }

  // -------------------------------------------------------------------------------------------
  // CONFIG GET

  /**
   * CONFIG GET with one or more patterns. A pattern without glob characters is looked up
   * case-insensitively and echoed as the client typed it; a glob matches canonical names and
   * aliases alike. A name matched twice is listed once (first match wins), as Redis 7.0 does.
   * Order: patterns in order, then table order within a glob (Redis's order is random).
   */
  configGet(patterns: readonly string[]): [string, string][] {
    assert(patterns.length <= CONFIG_ARGS_MAX, 'config: too many CONFIG GET patterns');
    const out: [string, string][] = [];
    const seen = new Set<string>();
    const add = (name: string, entry: ConfigEntry): void => {
      const key = name.toLowerCase();
      if (seen.has(key)) return;
      seen.add(key);
      out.push([name, formatValue(entry, this.#values.get(entry.name) ?? entry.default)]);
    };
    for (const pattern of patterns) {
      if (!/[*?[\\]/.test(pattern)) {
        const entry = lookupConfig(pattern);
        if (entry !== undefined) add(pattern, entry);
        continue;
      }
      for (const { name, entry } of allConfigNames()) {
        if (globMatch(pattern, name, true)) add(name, entry);
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // CONFIG SET

  /**
   * Atomic CONFIG SET of several pairs, as 7.0: first every name is checked (unknown, immutable,
   * protected, duplicate) in order, then every value is parsed, then all are stored and their
   * hooks run; if a hook fails, every value and hook is put back. Returns the exact Redis error
   * reply text, or null on success.
   */
  configSet(pairs: readonly (readonly [string, string])[], options: ConfigSetOptions = {}): string | null {
    assert(pairs.length <= CONFIG_ARGS_MAX, 'config: too many CONFIG SET pairs');
    const failed = configSetFailed;
    const entries: ConfigEntry[] = [];
    const seen = new Set<string>();
    for (const [name] of pairs) {
      const entry = lookupConfig(name);
      if (entry === undefined) return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
      if (entry.mutable === false) return failed(name, "can't set immutable config");
      if (entry.protected === true && !this.#protectedAllowed(options)) {
        return failed(name, "can't set protected config");
      }
      // Redis compares the names given, so "replica-priority" and "slave-priority" both pass.
      if (seen.has(name.toLowerCase())) return failed(name, 'duplicate parameter');
      seen.add(name.toLowerCase());
      entries.push(entry);
    }
    const newValues: ConfigValue[] = [];
    for (const [i, [name, text]] of pairs.entries()) {
      const entry = entries[i];
      assert(entry !== undefined, 'config: entry missing');
      const parsed = parseValue(entry, setArgs(entry, text), this.#values.get(entry.name) ?? entry.default);
      if (!parsed.ok) return failed(name, parsed.error);
      const refused = unsupportedReason(entry, parsed.value);
      if (refused !== null) return failed(name, refused);
      newValues.push(parsed.value);
    }
    return this.#applyAll(pairs.map(([name]) => name), entries, newValues);
  }

  /** Stores values and runs hooks; on a hook error restores everything and re-runs old hooks. */
  #applyAll(names: readonly string[], entries: readonly ConfigEntry[], values: readonly ConfigValue[]): string | null {
    const old = entries.map((e) => this.#values.get(e.name) ?? e.default);
    entries.forEach((e, i) => this.#values.set(e.name, values[i] ?? e.default));
    this.#valuesChanged();
    for (const [i, entry] of entries.entries()) {
      const error = this.#runHooks(entry.name, values[i] ?? entry.default);
      if (error === undefined) continue;
      entries.forEach((e, j) => this.#values.set(e.name, old[j] ?? e.default));
      this.#valuesChanged();
      // Best effort, as Redis: a hook failing on the old value cannot be reported any further.
      for (let j = 0; j <= i; j++) {
        const e = entries[j];
        if (e !== undefined) this.#runHooks(e.name, old[j] ?? e.default);
      }
      return configSetFailed(names[i] ?? entry.name, error);
    }
    return null;
  }

  #runHooks(name: string, value: ConfigValue): string | undefined {
    for (const hook of this.#hooks.get(name) ?? []) {
      const result = hook(value);
      if (typeof result === 'string') return result;
    }
    return undefined;
  }

  #protectedAllowed(options: ConfigSetOptions): boolean {
    const mode = this.str('enable-protected-configs');
    return mode === 'yes' || (mode === 'local' && options.clientIsLocal === true);
  }

  /** Registers a hook run when CONFIG SET changes `name` (or one of its aliases). */
  onApply(name: string, hook: ApplyHook): void {
    const entry = this.#entry(name);
    const hooks = this.#hooks.get(entry.name) ?? [];
    hooks.push(hook);
    this.#hooks.set(entry.name, hooks);
  }

  // -------------------------------------------------------------------------------------------
  // Loading (used by parse.ts) and CONFIG REWRITE

  /**
   * Sets a value while loading (file, argv, object): no mutability checks and no hooks.
   * Returns the Redis reason text on a bad value, or null.
   */
  setFromArgs(name: string, args: readonly string[]): string | null {
    const entry = this.#entry(name);
    const parsed = parseValue(entry, args, this.#values.get(entry.name) ?? entry.default);
    if (!parsed.ok) return parsed.error;
    const refused = unsupportedReason(entry, parsed.value);
    if (refused !== null) return refused;
    this.#values.set(entry.name, parsed.value);
    this.#valuesChanged();
    return null;
  }

  #valuesChanged(): void {
    this.#numbers.clear();
    this.#booleans.clear();
    this.#strings.clear();
    for (const cell of this.#numCells) cell.value = this.num(cell.name);
    for (const cell of this.#boolCells) cell.value = this.bool(cell.name);
  }

  /**
   * CONFIG REWRITE: rewrites `path` (default: the file loaded) keeping its comments and order,
   * replacing the lines of changed directives and appending the rest. Throws the fs error.
   */
  rewrite(path: string | null = this.configFile): void {
    if (path === null) throw new Error('The server is running without a config file');
    rewriteConfigFile(path, (entry) => this.#values.get(entry.name) ?? entry.default);
  }

  #entry(name: string): ConfigEntry {
    const entry = lookupConfig(name);
    assert(entry !== undefined, 'config: unknown directive name');
    return entry;
  }
}

/** CONFIG SET's refusal, naming the argument it blames. */
function configSetFailed(arg: string, reason: string): string {
  return `ERR CONFIG SET failed (possibly related to argument '${arg}') - ${reason}`;
}
