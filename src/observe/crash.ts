// The crash report of a vesta-server process: an uncaught exception, a failed assertion, DEBUG
// SEGFAULT / PANIC / ASSERT, and SIGSEGV / SIGBUS / SIGFPE / SIGILL / SIGABRT when they are sent
// to the process (Node runs JS listeners only for signals raised with kill(2); a real fault in
// native code kills the process before any JS runs). The report uses Redis's headings, which
// tools grep for ("=== REDIS BUG REPORT START", "crashed by signal", "=== ASSERTION FAILED ===",
// "Guru Meditation"), then the JS stack, INFO, CLIENT LIST and the current client, and the
// process ends non-zero (re-raising the signal, as Redis does, for a signal). Nothing is saved:
// the dump and AOF on disk stay as the last completed write left them, so they load.
// Embedded servers (no installCrashHandlers) never let a crash end the host process.
// Redis equivalent: debug.c (sigsegvHandler, _serverAssert, _serverPanic, printCrashReport,
// bugReportStart / bugReportEnd).

import { constants } from 'node:os';
import { AssertionFailure } from '../assert.js';
import { formatClientInfo } from '../commands/client-info.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { REDIS_VERSION, VESTA_VERSION } from '../version.js';
import { genInfoString } from './info.js';

export const CRASH_SIGNALS = ['SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGABRT'] as const;
export type CrashSignal = (typeof CRASH_SIGNALS)[number];

/** What was running when the crash happened. */
export interface CrashContext {
  client: Client | null;
  argv: readonly string[] | null;
}

/** Ends the process (given by main.ts, the one module that may exit): signal, or exit code 1. */
export type ProcessExit = (signal: CrashSignal | null) => never;

let exitProcess: ProcessExit | null = null;

/** True when this process's crash handlers are installed (a vesta-server, not an embedding). */
export function crashHandlersInstalled(): boolean {
  return exitProcess !== null;
}

/** A function: this module is part of an import cycle through the command table. */
const product = (): string => `Vesta ${VESTA_VERSION} (Redis ${REDIS_VERSION} compatible)`;

/** The client whose command is executing, found by its currentCommand. */
function executingClient(server: Server): Client | null {
  for (const c of server.clients.values()) if (c.currentCommand !== null) return c;
  return null;
}

function section(title: string, body: string): string {
  return `\n------ ${title} ------\n${body.endsWith('\n') ? body : `${body}\n`}`;
}

/** Writes the whole report: the heading lines (logged as warnings), then the raw sections. */
export function writeCrashReport(server: Server, headings: readonly string[], stack: string, context: CrashContext): void {
  const log = server.log;
  log.raw('\n\n=== REDIS BUG REPORT START: Cut & paste starting from here ===\n');
  for (const line of headings) log.warning(line);
  log.raw(section('STACK TRACE', stack));
  const guard = (what: () => string): string => {
    try {
      return what();
    } catch (error: unknown) {
      return `(unavailable: ${error instanceof Error ? error.message : String(error)})`;
    }
  };
  log.raw(section('INFO OUTPUT', guard(() => genInfoString(server, ['all']).replace(/\r\n/g, '\n'))));
  log.raw(section('CLIENT LIST OUTPUT', guard(() => [...server.clients.values()].map((c) => formatClientInfo(c, c)).join('\n'))));
  const client = context.client ?? executingClient(server);
  let current = '';
  if (client !== null) {
    current = guard(() => formatClientInfo(client, client)) + '\n';
    for (const [i, arg] of (context.argv ?? []).entries()) current += `argv[${String(i)}]: '"${arg.slice(0, 128)}"'\n`;
  }
  log.raw(section('CURRENT CLIENT INFO', current));
  log.raw('\n=== REDIS BUG REPORT END. Make sure to include from START to END. ===\n\n' +
    `       Please report the crash with the report above: ${product()}.\n\n`);
}

/** Ends the process after a report: by the signal itself, or with exit code 1. */
function die(signal: CrashSignal | null): never {
  if (exitProcess === null) throw new AssertionFailure('crash: no process exit installed');
  return exitProcess(signal);
}

export function crashBySignal(server: Server, signal: CrashSignal, context: CrashContext, stack = new Error('signal').stack ?? ''): never {
  const number = constants.signals[signal];
  writeCrashReport(server, [`${product()} crashed by signal: ${String(number)}, si_code: 0`,
    `Crashed with ${signal} (sent to the process; Vesta cannot see faults in native code)`], stack, context);
  return die(signal);
}

export function crashByAssertion(server: Server, message: string, context: CrashContext, stack: string): never {
  const headings = ['=== ASSERTION FAILED ==='];
  if (context.client !== null && context.argv !== null) {
    headings.unshift('=== ASSERTION FAILED CLIENT CONTEXT ===', `client->argc = ${String(context.argv.length)}`,
      ...context.argv.map((arg, i) => `client->argv[${String(i)}] = "${arg.slice(0, 128)}"`));
  }
  headings.push(`==> ${message}`);
  writeCrashReport(server, headings, stack, context);
  return die(null);
}

export function crashByPanic(server: Server, message: string, context: CrashContext, stack: string): never {
  writeCrashReport(server, ['------------------------------------------------',
    '!!! Software Failure. Press left mouse button to continue', `Guru Meditation: ${message}`], stack, context);
  return die(null);
}

/** An exception nothing caught: an AssertionFailure is reported as one, anything else as a panic. */
export function crashByException(server: Server, error: unknown): never {
  const context: CrashContext = { client: executingClient(server), argv: null };
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (error instanceof AssertionFailure) return crashByAssertion(server, `'${error.message}' is not true`, context, stack);
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return crashByPanic(server, `${product()} crashed by an uncaught exception: ${message}`, context, stack);
}

/** For vesta-server only: reports every fatal error of this process before it ends. */
export function installCrashHandlers(server: Server, exit: ProcessExit): void {
  exitProcess = exit;
  process.on('uncaughtException', (error) => crashByException(server, error));
  process.on('unhandledRejection', (reason) => crashByException(server, reason));
  for (const signal of CRASH_SIGNALS) {
    process.on(signal, () => crashBySignal(server, signal, { client: executingClient(server), argv: null }));
  }
}
