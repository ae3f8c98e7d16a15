// Start-up and shutdown order for a Vesta server process or an embedded instance:
// config -> data directory -> server (persistence attached) -> load -> listen; and on SIGTERM,
// SIGINT or SHUTDOWN: stop accepting, save if configured, release files. Only this module and
// bin/ decide about process exit.
// Redis equivalent: main() in server.c.

import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { assert } from './assert.js';
import { resolve } from 'node:path';
import type { Config } from './config/config.js';
import { ConfigFileError, loadConfig } from './config/parse.js';
import { Logger, type LogLevel } from './observe/log.js';
import { holdAofDir } from './persistence/aof/aof-dir.js';
import { lockDataDir, type DirLock } from './persistence/lock.js';
import { CRASH_SIGNALS, installCrashHandlers, type CrashSignal } from './observe/crash.js';
import { logoBlock, runningModeLine, showLogo } from './observe/logo.js';
import type { Server } from './server/server.js';
import { composeServer } from './compose.js';
import { preloadScripting } from './scripting/factory.js';
import { renderProcTitle } from './config/proc-title.js';
import { REDIS_VERSION, VESTA_VERSION } from './version.js';

export interface StartOptions {
  /** Where log lines go: the config's logfile/stdout (default), or a function, or nowhere. */
  log?: 'config' | ((line: string) => void) | false;
  /**
   * Runs just before "Ready to accept connections" is logged. The program installs its signal
   * handlers here: a harness that sends SIGTERM as soon as it reads that line must find them.
   */
  beforeReady?: (server: Server) => void;
}

/** Builds, loads and starts a server from a Config. Throws with a clear message on failure. */
export async function startFromConfig(config: Config, options: StartOptions = {}): Promise<Server> {
  const log = new Logger();
  log.level = config.str('loglevel') as LogLevel;
  log.file = config.str('logfile');
  if (options.log === false) log.enabled = false;
  else if (typeof options.log === 'function') {
    log.enabled = false;
    log.sink = options.log;
  }
  log.notice('oO0OoO0OoO0Oo Vesta is starting oO0OoO0OoO0Oo');
  log.notice(
    `Vesta version=${VESTA_VERSION} (Redis ${REDIS_VERSION} compatible), bits=64, node=${process.version}, pid=${process.pid}, just started`,
  );
  log.notice(config.configFile === null ? 'Configuration loaded (no config file, using defaults)' : 'Configuration loaded');
  const dir = config.str('dir');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Redis chdir()s into dir, so CONFIG GET dir and every file path are absolute. An embedded
  // server must not change the host's cwd, so the path is made absolute instead.
  config.setFromArgs('dir', [resolve(dir)]);
  await preloadScripting();
  const lock = lockDirs(config);
  const server = composeServer(config, log);
  server.addHooks({ closed: () => lock.release() });
  const persistence = server.persistence;
  assert(persistence !== null, 'composeServer attaches persistence');
  // Listen first, as Redis does: while the dataset loads, clients get -LOADING and INFO shows
  // the loading progress. A load that fails closes the server again.
  try {
    await server.listen();
  } catch (error: unknown) {
    lock.release();
    throw error;
  }
  logStartBanner(server, log);
  log.notice('Server initialized');
  try {
    // Imported only when configured: the endpoint pulls in node:http (~2 ms of every start).
    const metrics = config.num('metrics-port') === 0 ? null
      : await (await import('./observe/metrics.js')).startMetrics(server);
    if (metrics !== null) server.addHooks({ closed: () => metrics.close() });
  } catch (error: unknown) {
    await server.shutdown({ save: false, reason: 'The metrics endpoint could not listen' });
    throw error;
  }
  try {
    await persistence.load();
  } catch (error: unknown) {
    await server.shutdown({ save: false, reason: 'Loading the dataset failed' });
    throw error;
  }
  // `replicaof` in the config: connect once the dataset (and its replication ID) is loaded.
  server.replication?.start();
  options.beforeReady?.(server);
  // Only now, as Redis: a harness waiting for this line may rely on the dataset being there.
  log.notice('Ready to accept connections');
  return server;
}

/**
 * One server per data directory: a second one would rewrite the same dump and AOF. An absolute
 * appenddirname (Vesta's extension) is created and locked the same way; one lock releases both.
 */
function lockDirs(config: Config): DirLock {
  const dir = config.str('dir');
  const dataLock = lockDataDir(dir);
  let aofLock: DirLock | null;
  try {
    aofLock = holdAofDir(dir, config.str('appenddirname'));
  } catch (error: unknown) {
    dataLock.release();
    throw error;
  }
  return {
    path: dataLock.path,
    release: () => {
      aofLock?.release();
      dataLock.release();
    },
  };
}

/** The logo block (always-show-logo, or a terminal) or Redis's "Running mode=..." line. */
function logStartBanner(server: Server, log: Logger): void {
  const config = server.config;
  // The port actually listened on, so that `--port 0` still tells a harness where to connect.
  const port = server.ports[0] ?? config.num('port');
  if (!showLogo(config.bool('always-show-logo'), config.str('logfile'), process.stdout.isTTY === true)) {
    log.notice(runningModeLine('standalone', port));
    return;
  }
  if (log.level === 'warning' || log.level === 'nothing') return;
  const version = `Vesta ${VESTA_VERSION} (Redis ${REDIS_VERSION} compatible) 64 bit`;
  log.raw(logoBlock({ version, mode: 'standalone', port, pid: process.pid }));
}

/** After a crash report: re-raise the signal with its default action (as Redis), or exit 1. */
function exitAfterCrash(signal: CrashSignal | null): never {
  if (signal !== null) {
    for (const s of CRASH_SIGNALS) process.removeAllListeners(s);
    process.kill(process.pid, signal);
  }
  process.exit(1);
}

/** The vesta-server program: returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(argv);
  } catch (error: unknown) {
    if (error instanceof ConfigFileError) {
      process.stderr.write(error.message.endsWith('\n') ? error.message : error.message + '\n');
      return 1;
    }
    throw error;
  }
  let server: Server;
  try {
    server = await startFromConfig(config, { beforeReady: (started) => installSignalHandlers(started, config) });
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Vesta could not start: ${message}\n`);
    return 1;
  }
  const pidfile = writePidFile(config, server);
  setProcTitle(server);
  config.onApply('proc-title-template', () => setProcTitle(server));
  await server.stopped;
  if (pidfile !== null) removePidFile(pidfile);
  return 0;
}

/** Crash reports, and SIGTERM/SIGINT as shutdown-on-sigterm/-sigint say. */
function installSignalHandlers(server: Server, config: Config): void {
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    // A second SIGINT while a shutdown waits (for replicas, or a save) exits at once, as Redis.
    if (signal === 'SIGINT' && server.shuttingDown) {
      server.log.warning('You insist... exiting now.');
      process.exit(1);
    }
    server.log.warning(`Received ${signal} scheduling shutdown...`);
    const flags = signalShutdownFlags(config.str(signal === 'SIGINT' ? 'shutdown-on-sigint' : 'shutdown-on-sigterm'));
    server.requestShutdown({ save: flags.save, force: flags.force, now: flags.now, reason: 'User requested shutdown' });
  };
  installCrashHandlers(server, exitAfterCrash);
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

/**
 * shutdown-on-sigint / shutdown-on-sigterm words as SHUTDOWN flags: save / nosave choose whether
 * to save (default: as the save points say), force exits even when that save fails, now skips
 * waiting for lagging replicas (shutdown-timeout).
 */
export function signalShutdownFlags(value: string): { save: boolean | null; force: boolean; now: boolean } {
  const words = value.split(' ');
  const save = words.includes('nosave') ? false : words.includes('save') ? true : null;
  return { save, force: words.includes('force'), now: words.includes('now') };
}

/** set-proc-title: what ps shows for this process, from proc-title-template (as Redis). */
function setProcTitle(server: Server): void {
  const config = server.config;
  if (!config.bool('set-proc-title')) return;
  const bind = config.bind().map((a) => a.replace(/^-/, ''))[0] ?? '*';
  const port = String(server.ports[0] ?? config.num('port'));
  const title = renderProcTitle(config.str('proc-title-template'), {
    title: 'vesta-server',
    listenAddr: `${bind === '' ? '*' : bind}:${port}`,
    port,
    configFile: config.configFile ?? '',
  });
  if (title !== null) process.title = title;
}

/** pidfile: the process id and a newline, written once listening (as Redis); null when unset. */
function writePidFile(config: Config, server: Server): string | null {
  const path = config.str('pidfile');
  if (path === '') return null;
  try {
    writeFileSync(path, `${process.pid}\n`);
    return path;
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    server.log.warning(`Failed to write PID file: ${message}`);
    return null;
  }
}

function removePidFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to remove.
  }
}
