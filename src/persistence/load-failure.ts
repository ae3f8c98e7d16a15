// The log lines of a start-up load that failed: first the lines redis-server 7.0 logs for the
// same damage (operators and scripts grep for them: "Found a non-monotonic sequence number",
// "Short read or OOM loading DB", "Bad file format reading the append only file ..."), then
// Vesta's own line with the full path and byte offset. The AOF errors carry the Redis lines
// (AofLoadError.redisLines) or they are derived here from the RDB codec's error code.
// Redis equivalent: the serverLog calls of aofLoadManifestFromFile / loadSingleAppendOnlyFile
// (aof.c) and rdbLoad / rdbReportError (rdb.c) on their failure paths.

import type { Logger } from '../observe/log.js';
import { RdbError } from './rdb/errors.js';

/** Redis's "Internal error in RDB reading ..." line; the location is Vesta's decoder. */
function internalError(offset: number, what: string): string {
  return `Internal error in RDB reading offset ${String(offset)}, function at rdb/decoder -> ${what}`;
}

const INVALID_ARGUMENT = 'Fatal error loading the DB: Invalid argument. Exiting.';

/** What redis-server logs for an RDB (dump or AOF base) the codec refused. */
export function rdbFailureLines(error: RdbError): string[] {
  const message = error.message;
  switch (error.code) {
    case 'VESTA_ERR_RDB_EOF':
      return ['Short read or OOM loading DB. Unrecoverable error, aborting now.',
        internalError(error.offset, 'Unexpected EOF reading RDB file')];
    case 'VESTA_ERR_RDB_HEADER':
      return ['Wrong signature trying to load DB from file', INVALID_ARGUMENT];
    case 'VESTA_ERR_RDB_VERSION': {
      const version = /version (\d+)/.exec(message)?.[1] ?? '?';
      return [`Can't handle RDB format version ${version}`, INVALID_ARGUMENT];
    }
    case 'VESTA_ERR_RDB_CHECKSUM': {
      // Redis names the computed sum "expected" and the stored one "got", in bare hex.
      const m = /expected 0x([0-9a-f]+), got 0x([0-9a-f]+)/.exec(message);
      const bare = (hex: string | undefined): string => (hex ?? '0').replace(/^0+(?=.)/, '');
      return [`Wrong RDB checksum expected: (${bare(m?.[2])}) but got (${bare(m?.[1])}). Aborting now.`,
        internalError(error.offset, 'RDB CRC error')];
    }
    case 'VESTA_ERR_RDB_UNKNOWN_TYPE': {
      const type = /type (\d+)/.exec(message)?.[1] ?? '?';
      return [internalError(error.offset, `Unknown RDB encoding type ${type}`)];
    }
    case 'VESTA_ERR_RDB_UNSUPPORTED':
    case 'VESTA_ERR_RDB_CORRUPT':
      return [internalError(error.offset, message)];
  }
}

/** The RdbError at the root of an error's cause chain, if any. */
function rootRdbError(error: unknown): RdbError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof RdbError) return current;
    current = current.cause;
  }
  return null;
}

/** Redis's lines for a failed start-up load (empty when Redis has none for it). */
export function redisLoadFailureLines(error: unknown): readonly string[] {
  // AofLoadError carries its lines (imported by name it would make a cycle with loader.ts).
  if (error instanceof Error && 'redisLines' in error && Array.isArray(error.redisLines) && error.redisLines.length > 0) {
    return error.redisLines.filter((line): line is string => typeof line === 'string');
  }
  const rdb = rootRdbError(error);
  return rdb === null ? [] : rdbFailureLines(rdb);
}

/** Logs a failed start-up load: Redis's lines, then Vesta's (path and offset). */
export function logLoadFailure(log: Logger, error: unknown): void {
  for (const line of redisLoadFailureLines(error)) log.warning(line);
  if (error instanceof Error) log.warning(error.message);
}
