// What every operator tool's bin/ entry point shares: argument parsing with node:util parseArgs
// (turning its TypeError into a usage error), and running a tool body so that a ToolError prints
// one line "<tool>: <message>" with its exit code while a real bug still shows its stack.
// It never calls process.exit itself: bin/ does (STYLE 2.8).

import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigFileError, loadConfig } from '../config/parse.js';
import { aofDirPath, isAbsoluteAofDir } from '../persistence/aof/aof-dir.js';
import { manifestName } from '../persistence/aof/manifest.js';
import { ToolError, UsageError } from './tool-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments: option values by long name, and the positionals. */
export interface ToolArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** parseArgs with strict checking; wrong arguments become ToolError(EXIT_USAGE). */
export function parseToolArgs(argv: string[], options: Options): ToolArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true,
      strict: true });
    return { values: values as ToolArgs['values'], positionals };
  } catch (error: unknown) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
}

/** Where a server's files are, as its config file (--config) says. */
export interface ServerPaths {
  /** `dir`, absolute. */
  dir: string;
  /** The AOF directory: an absolute appenddirname, or dir/appenddirname. */
  aofDir: string;
  /** Whether appenddirname was an absolute path (the AOF outside dir). */
  aofOutside: boolean;
  /** The AOF manifest's path inside aofDir. */
  aofManifest: string;
}

/**
 * Reads a vesta.conf (or redis.conf) as the server would and returns where its files are.
 * Config errors become a usage error naming the file.
 */
export function serverPathsFromConfig(file: string): ServerPaths {
  let config;
  try {
    config = loadConfig([file]);
  } catch (error: unknown) {
    if (!(error instanceof ConfigFileError)) throw error;
    throw new UsageError(`--config ${file}: ${error.message.trim().split('\n').pop() ?? ''}`);
  }
  const dir = resolve(config.str('dir'));
  const appenddirname = config.str('appenddirname');
  const aofDir = aofDirPath(dir, appenddirname);
  return { dir, aofDir, aofOutside: isAbsoluteAofDir(appenddirname),
    aofManifest: join(aofDir, manifestName(config.str('appendfilename'))) };
}

/** The string value of option `name`, or undefined. */
export function stringOption(args: ToolArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A non-negative integer option value, or ToolError(EXIT_USAGE). */
export function intOption(args: ToolArgs, name: string, fallback: number): number {
  const value = stringOption(args, name);
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,15}$/.test(value)) {
    throw new UsageError(`--${name} needs a non-negative integer, got '${value}'`);
  }
  return Number(value);
}

/**
 * Runs a tool body and returns the exit code. ToolError: one line on stderr (and the usage text
 * for usage errors), exit code from the error unless `failureExitCode` overrides it. Anything else is a bug: its stack goes to stderr, exit code 70 (EX_SOFTWARE).
 */
export async function runTool(tool: string, usage: string,
  body: () => Promise<number> | number, failureExitCode: number | null = null): Promise<number> {
  try {
    return await body();
  } catch (error: unknown) {
    if (error instanceof ToolError) {
      process.stderr.write(`${tool}: ${error.message}\n`);
      if (error.showUsage) process.stderr.write(usage);
      // vesta-check-aof exits 1 for every failure, as redis-check-aof does.
      return failureExitCode ?? error.exitCode;
    }
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${tool}: internal error (a bug, please report it):\n${text}\n`);
    return 70;
  }
}
