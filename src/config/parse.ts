// Start-up configuration: reads redis.conf text (with include), stdin ("-") and redis-server style
// argv into a Config, or fails with a ConfigFileError whose message is Redis's fatal text.
// Never touches the network; reads files only through options.readFile.
// Redis equivalent: loadServerConfig / loadServerConfigFromString in config.c and the argv loop
// in server.c main ("options are conceptually appended to the configuration file").
//
// How argv becomes config text (observed on redis-server 7.0.15, and so are the line numbers in
// errors): every `--name` starts a new line, its values follow quoted, so
//   vesta-server my.conf --port 7000 --save 900 1
// reads as   <contents of my.conf><stdin if "-">\nport "7000"\nsave "900" "1"
// and `--save` with no value means `save ""`.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { assert } from '../assert.js';
import { Config } from './config.js';
import { isMultiArg, lookupConfig, lookupFileOnly } from './schema.js';
import { globMatch } from './glob.js';
import { quoteArg, splitArgs } from './tokenize.js';

/** Bounds on what a config file can make us do. Redis has none of these; they are Vesta's. */
export const CONFIG_LIMITS = {
  /** Longest line accepted. */
  lineBytesMax: 1024 * 1024,
  /** Total bytes of config text over all files, stdin and argv. */
  totalBytesMax: 64 * 1024 * 1024,
  /** `include` nesting. */
  includeDepthMax: 10,
  /** Files one `include` glob may expand to. */
  includeGlobFilesMax: 1024,
} as const;

/** The product in the fatal banner; Redis's text so that tools matching it keep working. */
export const FATAL_BANNER_PRODUCT = 'Redis 7.0.15';

/** A fatal start-up configuration error. `message` is what redis-server prints to stderr. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
  readonly code = 'VESTA_ERR_CONFIG';
  /** 1-based line within the text being read (file, or file + stdin + argv); 0 for open errors. */
  readonly line: number;
  /** The offending line, trimmed, as Redis shows it after ">>> ". */
  readonly lineText: string;
  /** The reason line, e.g. "argument couldn't be parsed into an integer". */
  readonly reason: string;

  constructor(line: number, lineText: string, reason: string, message?: string) {
    super(
      message ??
        `\n*** FATAL CONFIG FILE ERROR (${FATAL_BANNER_PRODUCT}) ***\n` +
          `Reading the configuration file, at line ${String(line)}\n>>> '${lineText}'\n${reason}\n`,
    );
    this.line = line;
    this.lineText = lineText;
    this.reason = reason;
  }
}

export interface LoadOptions {
  /** Reads a file (default fs.readFileSync latin1); throw a NodeJS.ErrnoException to fail. */
  readFile?: (file: string) => string;
  /** Reads standard input for a "-" argument (default fs.readFileSync(0)). */
  stdin?: () => string;
  /** Lists a directory for include globs (default fs.readdirSync). */
  readDir?: (dir: string) => string[];
  /** When given, rename-command of a name it rejects fails as Redis ("No such command ..."). */
  isCommand?: (name: string) => boolean;
}

/**
 * Builds the start-up Config from redis-server style argv (without node and script):
 * `[configfile | -] [--directive value ...] [-]`. Throws ConfigFileError.
 */
export function loadConfig(argv: readonly string[], options: LoadOptions = {}): Config {
  const readFile = options.readFile ?? ((file: string) => fs.readFileSync(file, 'latin1'));
  const config = new Config();
  let text = '';
  let index = 0;
  const first = argv[0];
  if (first !== undefined && (!first.startsWith('-') || first === '-')) {
    if (first !== '-') {
      text = openConfigFile(first, readFile);
      config.configFile = path.resolve(first);
    }
    index = first === '-' ? 0 : 1;
  }
  const { optionsText, fromStdin } = argvToText(argv.slice(index));
  if (fromStdin) text += (options.stdin ?? (() => fs.readFileSync(0, 'latin1')))();
  text += optionsText;
  if (text.length > CONFIG_LIMITS.totalBytesMax) throw new ConfigFileError(0, '', 'config too large');
  new Loader(config, options).loadText(text, 0);
  return config;
}

/** argv after the file name -> config lines, each `--name` on a new line, values quoted. */
export function argvToText(args: readonly string[]): { optionsText: string; fromStdin: boolean } {
  let optionsText = '';
  let fromStdin = false;
  let lastWasName = false;
  for (const [i, arg] of args.entries()) {
    if (arg === '-' && !lastWasName) {
      fromStdin = true;
      continue;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const name = arg.slice(2);
      const next = args[i + 1];
      optionsText += `\n${name}`;
      if (name.toLowerCase() === 'save' && (next === undefined || next.startsWith('--'))) {
        optionsText += ' ""';
      }
      lastWasName = true;
      continue;
    }
    optionsText += ` ${quoteArg(arg)}`;
    lastWasName = false;
  }
  return { optionsText, fromStdin };
}

function openConfigFile(file: string, readFile: (file: string) => string): string {
  try {
    return readFile(file);
  } catch (error: unknown) {
    if (!(error instanceof Error)) throw error;
    const reason = strerror(error);
    throw new ConfigFileError(0, '', reason, `Fatal error, can't open config file '${file}': ${reason}`);
  }
}

const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  EMFILE: 'Too many open files',
};

function strerror(error: Error): string {
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  return STRERROR[code] ?? error.message;
}

/**
 * A multi-argument directive given its arguments as one non-empty word (`save "3600 1 300 100"`,
 * `--save "3600 1"`) has that word split again as a config line is, quotes and all: Redis 7.0's
 * rule for every MULTI_ARG_CONFIG. An empty word stays one (`save ""` clears).
 */
function splitSingleArg(name: string, args: readonly string[]): readonly string[] {
  const [only] = args;
  const entry = lookupConfig(name);
  if (args.length !== 1 || only === undefined || only === '' || entry === undefined || !isMultiArg(entry)) return args;
  return splitArgs(only) ?? [];
}

/** Applies config text line by line; keeps the state that spans lines (the first `save`). */
class Loader {
  readonly #config: Config;
  readonly #options: LoadOptions;
  #saveSeen = false;

  constructor(config: Config, options: LoadOptions) {
    this.#config = config;
    this.#options = options;
  }

  loadText(text: string, depth: number): void {
    assert(depth <= CONFIG_LIMITS.includeDepthMax, 'config: include depth unchecked');
    const lines = text.split('\n');
    for (const [index, raw] of lines.entries()) {
      const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      if (line === '' || line.startsWith('#')) continue;
      const fatal = (reason: string): ConfigFileError => new ConfigFileError(index + 1, line, reason);
      if (raw.length > CONFIG_LIMITS.lineBytesMax) throw fatal('line too long');
      const words = splitArgs(line);
      if (words === null) throw fatal('Unbalanced quotes in configuration line');
      const reason = this.#directive(words, depth);
      if (reason !== null) throw fatal(reason);
    }
  }

  /** Applies one directive; returns the Redis reason text when it is rejected. */
  #directive(words: readonly string[], depth: number): string | null {
    const [name = '', ...given] = words;
    const entry = lookupConfig(name);
    if (entry !== undefined) {
      const args = splitSingleArg(entry.name, given);
      if (entry.name === 'save') return this.#save(args);
      if (!isMultiArg(entry) && entry.kind !== 'special' && args.length !== 1) return 'wrong number of arguments';
      return this.#config.setFromArgs(entry.name, args);
    }
    const args = given;
    const fileOnly = lookupFileOnly(name);
    if (fileOnly === undefined || args.length < fileOnly.argsMin || args.length > fileOnly.argsMax) {
      return 'Bad directive or wrong number of arguments';
    }
    switch (fileOnly.name) {
      case 'include':
        return this.#include(args[0] ?? '', depth);
      case 'rename-command': {
        const [from = '', to = ''] = args;
        if (this.#options.isCommand !== undefined && !this.#options.isCommand(from)) {
          return 'No such command in rename-command';
        }
        this.#config.renamedCommands.push([from, to]);
        return null;
      }
      case 'user':
        this.#config.users.push([...args]);
        return null;
      case 'loadmodule':
        this.#config.loadModules.push([...args]);
        return null;
      case 'sentinel':
        return 'sentinel directive while not in sentinel mode';
      default:
        return null; // deprecated directives are accepted and ignored, as Redis 7.0 does
    }
  }

  /** The first `save` line of a load replaces the defaults; later ones add points. */
  #save(args: readonly string[]): string | null {
    const current = this.#saveSeen ? this.#config.str('save') : '';
    this.#saveSeen = true;
    const clearing = args.length === 1 && args[0] === '';
    const words = clearing ? [''] : [...current.split(' ').filter((w) => w !== ''), ...args];
    if (!clearing && args.length % 2 !== 0) return 'Invalid save parameters';
    return this.#config.setFromArgs('save', words);
  }

  /** `include <path>`: relative to the working directory; a glob in the file name expands sorted. */
  #include(pattern: string, depth: number): string | null {
    if (depth + 1 > CONFIG_LIMITS.includeDepthMax) return 'include nesting too deep';
    const readFile = this.#options.readFile ?? ((file: string) => fs.readFileSync(file, 'latin1'));
    for (const file of this.#expand(pattern)) this.loadText(openConfigFile(file, readFile), depth + 1);
    return null;
  }

  #expand(pattern: string): string[] {
    const base = path.basename(pattern);
    if (!/[*?[]/.test(base)) return [pattern];
    const dir = path.dirname(pattern);
    let names: string[];
    try {
      names = (this.#options.readDir ?? ((d: string) => fs.readdirSync(d)))(dir);
    } catch (error: unknown) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
      throw error;
    }
    const matches = names.filter((n) => globMatch(base, n, false)).sort();
    if (matches.length > CONFIG_LIMITS.includeGlobFilesMax) throw new ConfigFileError(0, '', 'include glob matches too many files');
    return matches.map((n) => path.join(dir, n));
  }
}

/**
 * A Config for embedded use and tests, from plain values: numbers and booleans are written as
 * Redis would (yes/no), a string is one CONFIG SET value (so `save: ''` clears the save points,
 * `save: '900 1'` sets them), and an array gives the words of a config line. Throws
 * ConfigFileError (line 0) for an unknown name or a bad value.
 */
export function configFromObject(obj: Readonly<Record<string, string | number | boolean | readonly string[]>>): Config {
  const config = new Config();
  for (const [name, value] of Object.entries(obj)) {
    const entry = lookupConfig(name);
    const shown = `${name} ${String(value)}`;
    if (entry === undefined) throw new ConfigFileError(0, shown, 'Bad directive or wrong number of arguments');
    const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : typeof value === 'number' ? String(value) : value;
    let words: string[];
    if (typeof text !== 'string') words = [...text];
    else if (entry.kind === 'special' && entry.name !== 'notify-keyspace-events') words = text.split(' ').filter((w) => w !== '');
    else words = [text];
    const reason = config.setFromArgs(entry.name, words);
    if (reason !== null) throw new ConfigFileError(0, shown, reason);
  }
  return config;
}
