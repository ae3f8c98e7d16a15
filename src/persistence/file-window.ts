// A data file (a dump, an AOF file) read a window at a time: a reused buffer holding the file's
// bytes from `base`, refilled in place as the reader moves on. The loaders never read a file
// whole: a whole-file read stops at 2 GiB (fs.readFileSync), holds the file beside the dataset
// it builds, and its fresh pages cost ~11 us each to fault in on this VM (an 8 MB dump: 25 ms);
// the window's pages are touched once and reused.
// Redis equivalent: the rio file reader (stdio buffering) under rdbLoad and loadSingleAppendOnlyFile.

import { assert } from '../assert.js';
import * as fs from '../platform/fs.js';
import type { RdbSource } from './rdb/reader.js';

/** The window's size unless one item needs more (then it grows, and stays grown until closed). */
export const FILE_WINDOW_BYTES = 1024 * 1024;

/** buf[0, filled) holds the file's bytes from offset `base`; `next` is the next offset to read. */
export interface FileWindow {
  readonly fd: number;
  readonly path: string;
  readonly size: number;
  next: number;
  buf: Buffer;
  base: number;
  filled: number;
}

/**
 * Opens `path` and reads its first window (`windowBytes`, tests make it small). Throws as
 * openSync/readSync do (ENOENT, EISDIR on the first read of a directory, EIO...).
 */
export function openWindow(path: string, windowBytes = FILE_WINDOW_BYTES): FileWindow {
  const fd = fs.openSync(path, 'read');
  try {
    const size = fs.fstatSizeSync(fd);
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(size, windowBytes)));
    const file: FileWindow = { fd, path, size, next: 0, buf, base: 0, filled: 0 };
    // A directory opens: its first read fails (EISDIR), as the whole-file read did.
    if (size === 0) fs.readAtSync(fd, buf, 0, 1, 0);
    readMore(file);
    return file;
  } catch (error: unknown) {
    fs.closeSync(fd);
    throw error;
  }
}

export function closeWindow(file: FileWindow): void {
  fs.closeSync(file.fd);
}

/** The bytes in the window. */
export function windowBytes(file: FileWindow): Buffer {
  return file.buf.subarray(0, file.filled);
}

/**
 * The bytes before `keepFrom` leave the window, which grows if `minBytes` from `keepFrom` do
 * not fit, and is filled from the file. Null if the file has fewer than `minBytes` from there.
 */
export function refillWindow(file: FileWindow, keepFrom: number, minBytes: number): Buffer | null {
  if (keepFrom + minBytes > file.size) return null;
  const drop = keepFrom - file.base;
  file.buf = slideWindow(file.buf, drop, file.filled, minBytes, file.size - keepFrom);
  file.filled -= drop;
  file.base = keepFrom;
  readMore(file);
  return file.filled < minBytes ? null : windowBytes(file);
}

/**
 * A window's bytes [drop, filled) moved to the front of `buf`, or of a buffer twice as large
 * (at least `capacity`, at most `cap` bytes) when `capacity` bytes do not fit: the buffer to use
 * from now on. Shared by the file window and the replica's payload window (rdb/load.ts).
 */
// eslint-disable-next-line max-params -- a window: its buffer, the bytes leaving, the bytes held, the room needed and its cap
export function slideWindow(buf: Buffer, drop: number, filled: number, capacity: number, cap = Infinity): Buffer {
  assert(drop >= 0 && drop <= filled && filled <= buf.length, 'slide within the window');
  if (capacity <= buf.length) {
    buf.copyWithin(0, drop, filled);
    return buf;
  }
  const grown = Buffer.allocUnsafe(Math.min(Math.max(buf.length * 2, capacity), cap));
  buf.copy(grown, 0, drop, filled);
  return grown;
}

/** Reads the file's next bytes into the window's free space; the bytes read. */
function readMore(file: FileWindow): number {
  const want = Math.min(file.buf.length - file.filled, file.size - file.next);
  let got = 0;
  while (got < want) {
    const n = fs.readAtSync(file.fd, file.buf, file.filled + got, want - got, file.next + got);
    if (n === 0) break;
    got += n;
  }
  file.filled += got;
  file.next += got;
  return got;
}

/**
 * The window as an RdbSource for the RDB decoder; a read error is thrown as `mapError` makes it
 * (each caller has its own error type: a load error, a tool's message).
 */
export function windowSource(file: FileWindow, mapError: (error: unknown) => Error): RdbSource {
  return {
    size: file.size,
    refill: (keepFrom, minBytes) => {
      try {
        return refillWindow(file, keepFrom, minBytes);
      } catch (error: unknown) {
        throw mapError(error);
      }
    },
  };
}
