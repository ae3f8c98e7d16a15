// The start-up banner: with `always-show-logo yes` (or a terminal on stdout) an art block whose
// text column carries the version, the mode, `Port: N` and `PID: N` at the column and on the
// rows where redis-server prints them, so harnesses that wait for "PID: " or read "Port: " work
// unchanged; otherwise the one line "Running mode=standalone, port=N.". The art is Vesta's own
// (a hearth fire); only the layout of the text lines follows Redis.
// Redis equivalent: redisAsciiArt() in server.c (the logo in asciilogo.h).

/** Column where the text lines start, and the art rows they sit on (0-based), as in Redis 7.0. */
const TEXT_COLUMN = 40;
const ROW_VERSION = 2;
const ROW_MODE = 4;
const ROW_PORT = 5;
const ROW_PID = 6;

const ART: readonly string[] = [
  '                   (                 ',
  '                  ) )    (           ',
  '             (   ( (    ) )          ',
  '              ) .-)  )-(.(           ',
  '             ( (  )  (   ) )         ',
  '              ) )(    )  ( (         ',
  '           .-(.( ) .-( ) ).)-.       ',
  '          (____________________)     ',
  '          |  __  __  __  __  __ |    ',
  '          | |  ||  ||  ||  ||  ||    ',
  '          | |__||__||__||__||__||    ',
  '          |_____________________|    ',
  '           \\___________________/     ',
  '              |_|         |_|        ',
  '                                     ',
  '                                     ',
  '                                     ',
];

export interface LogoInfo {
  /** "Vesta 0.1.0 (Redis 7.0.15 compatible) 64 bit" */
  version: string;
  mode: string;
  port: number;
  pid: number;
}

/** The art block with its text column, ending in an empty line (logged raw, no prefix). */
export function logoBlock(info: LogoInfo): string {
  const text = new Map<number, string>([
    [ROW_VERSION, info.version],
    [ROW_MODE, `Running in ${info.mode} mode`],
    [ROW_PORT, `Port: ${String(info.port)}`],
    [ROW_PID, `PID: ${String(info.pid)}`],
  ]);
  const lines = ART.map((art, row) => {
    const right = text.get(row);
    return right === undefined ? art.trimEnd() : art.padEnd(TEXT_COLUMN) + right;
  });
  return `${lines.join('\n')}\n\n`;
}

/** The line logged instead of the art (Redis's text). */
export function runningModeLine(mode: string, port: number): string {
  return `Running mode=${mode}, port=${String(port)}.`;
}

/** Redis's rule: the art when asked for, or when the log is a terminal's stdout. */
export function showLogo(alwaysShowLogo: boolean, logfile: string, stdoutIsTty: boolean): boolean {
  return alwaysShowLogo || (logfile === '' && stdoutIsTty);
}
