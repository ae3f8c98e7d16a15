// The one error class of the operator tools (vesta-check-rdb, vesta-check-aof, vesta-backup,
// vesta-restore): a user-facing failure (missing file, wrong argument, server unreachable,
// locked directory) that bin/ prints as one line and maps to an exit code, never as a stack
// trace. Anything else that escapes a tool is a bug and is reported with its stack.
// Redis equivalent: the exit(1) paths of redis-check-rdb.c / redis-check-aof.c.

/** Exit codes shared by the tools (documented in README.md). */
export const EXIT_OK = 0;
/** The checked file or archive is damaged (or a backup/restore step failed). */
export const EXIT_INVALID = 1;
/** Wrong arguments, or a file that cannot be read at all. */
export const EXIT_USAGE = 2;

export class ToolError extends Error {
  override readonly name = 'ToolError';
  readonly code = 'VESTA_ERR_TOOL';
  readonly exitCode: number;
  /** Print the usage text after the message (wrong arguments). */
  readonly showUsage: boolean;

  constructor(message: string, exitCode: number = EXIT_INVALID) {
    super(message);
    this.exitCode = exitCode;
    this.showUsage = false;
  }
}

/** Wrong arguments: the message, then the usage text; exit code EXIT_USAGE. */
export class UsageError extends ToolError {
  override readonly showUsage = true;

  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

/** A ToolError for an fs error on `path` ("cannot read x: No such file or directory"). */
export function fileError(verb: string, path: string, error: unknown, exitCode = EXIT_USAGE):
  ToolError {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  const text = ERRNO_TEXT[code] ?? (error instanceof Error ? error.message : String(error));
  return new ToolError(`cannot ${verb} ${path}: ${text}`, exitCode);
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  EROFS: 'Read-only file system',
  EPERM: 'Operation not permitted',
};
