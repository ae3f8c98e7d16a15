// The one error class of the RDB codec. A corrupt, truncated or unsupported dump is an operating
// error (STYLE 2.5): it is thrown as RdbError with a stable `code` and the byte offset in the file
// where the problem was found, and the caller (loader, checker, RESTORE) decides what to do.
// Programmer errors inside the codec stay AssertionFailure.
// Redis equivalent: rdbReportCorruptRDB / rdbReportReadError in rdb.c.

export type RdbErrorCode =
  | 'VESTA_ERR_RDB_EOF' // the file ends before a complete structure
  | 'VESTA_ERR_RDB_HEADER' // not "REDIS" + four digits
  | 'VESTA_ERR_RDB_VERSION' // a version we cannot load
  | 'VESTA_ERR_RDB_CHECKSUM' // CRC-64 mismatch
  | 'VESTA_ERR_RDB_UNKNOWN_TYPE' // a type/opcode byte no Redis version defines
  | 'VESTA_ERR_RDB_UNSUPPORTED' // a valid type Vesta cannot hold (streams, modules)
  | 'VESTA_ERR_RDB_CORRUPT'; // a structure that contradicts itself

export class RdbError extends Error {
  override readonly name = 'RdbError';
  readonly code: RdbErrorCode;
  /** Byte offset in the dump (or DUMP payload) where the problem was detected. */
  readonly offset: number;

  constructor(code: RdbErrorCode, message: string, offset: number) {
    super(message);
    this.code = code;
    this.offset = offset;
  }
}

export function eofError(offset: number): RdbError {
  return new RdbError('VESTA_ERR_RDB_EOF', `Unexpected EOF reading RDB file at offset ${offset}`,
    offset);
}

export function corruptError(what: string, offset: number): RdbError {
  return new RdbError('VESTA_ERR_RDB_CORRUPT', `Corrupt RDB file: ${what} at offset ${offset}`,
    offset);
}

/**
 * A key name for an error message: printable ASCII kept, everything else as \xNN, cut at 64
 * characters so a huge binary key cannot flood a log line.
 */
export function describeKey(key: string): string {
  let out = '';
  const limit = Math.min(key.length, 64);
  for (let i = 0; i < limit; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x27 && c !== 0x5c) out += key[i];
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return key.length > limit ? out + '...' : out;
}
