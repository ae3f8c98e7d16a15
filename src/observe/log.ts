// Logging in Redis's format: "<pid>:<role> <dd Mon yyyy HH:MM:SS.mmm> <level> <message>", with
// Redis's levels (debug '.', verbose '-', notice '*', warning '#'), to stdout or `logfile`.
// Writes are synchronous so the last lines before a crash are never lost.
// Redis equivalent: serverLog / serverLogRaw in server.c.

import { appendFileSync, writeSync } from 'node:fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing';

const LEVEL_RANK: Record<LogLevel, number> = {
  debug: 0,
  verbose: 1,
  notice: 2,
  warning: 3,
  nothing: 4,
};
const LEVEL_CHAR = ['.', '-', '*', '#'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  level: LogLevel = 'notice';
  /** '' logs to stdout, like Redis's `logfile ""`. */
  file = '';
  /** Set false in embedded use to keep a host program's stdout clean. */
  enabled = true;
  role = 'M';
  /** Lines also kept in memory (tests, embedded hosts); null to disable. */
  sink: ((line: string) => void) | null = null;

  debug(message: string): void {
    this.log('debug', message);
  }
  verbose(message: string): void {
    this.log('verbose', message);
  }
  notice(message: string): void {
    this.log('notice', message);
  }
  warning(message: string): void {
    this.log('warning', message);
  }

  log(level: Exclude<LogLevel, 'nothing'>, message: string): void {
    const rank = LEVEL_RANK[level];
    if (rank < LEVEL_RANK[this.level]) return;
    const line = `${process.pid}:${this.role} ${timestamp(new Date())} ${LEVEL_CHAR[rank] ?? '*'} ${message}\n`;
    this.raw(line);
  }

  /** Writes a line as is (the startup banner, crash reports). */
  raw(line: string): void {
    this.sink?.(line);
    if (!this.enabled) return;
    try {
      if (this.file === '') writeSync(1, line);
      else appendFileSync(this.file, line);
    } catch (error: unknown) {
      // A log that cannot be written must not take the server down (Redis ignores it too);
      // EAGAIN on a non-blocking stdout pipe is the usual case.
      if (!(error instanceof Error)) throw error;
    }
  }
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function timestamp(d: Date): string {
  return (
    `${pad(d.getDate())} ${MONTHS[d.getMonth()] ?? 'Jan'} ${d.getFullYear()} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}
