// The narrow file I/O layer every persistence file operation goes through (RDB dumps now, the
// AOF later): open, write, fsync, close, rename, unlink, directory fsync, stat and whole-file
// reads, as thin wrappers over node:fs with every flag written out. It exists for one reason
// besides clarity: tests inject operating errors (ENOSPC, EIO, EACCES, ...) and short writes
// here, so each failure path of the persistence code can be exercised without a broken disk.
// It must never know about RDB, AOF or the keyspace, and never swallow an error.
// Redis equivalent: the open/write/fsync/rename calls scattered through rdb.c, aof.c and rio.c,
// plus redis_fsync (config.h) and fsyncFileDir (util.c).

import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { assert } from '../assert.js';

/** The operations a fault injector is asked about. */
export type FsOp =
  | 'open'
  | 'write'
  | 'fsync'
  | 'close'
  | 'rename'
  | 'unlink'
  | 'fsyncDir'
  | 'stat'
  | 'readFile'
  | 'truncate'
  | 'mkdir';

/** Error codes a test may inject. */
export type FaultCode = 'ENOSPC' | 'EIO' | 'EACCES' | 'EROFS' | 'EDQUOT' | 'ENOENT' | 'EPERM';

/**
 * What an injector decides for one operation: an error code to fail with, 'SHORT_WRITE' (only
 * for 'write': the call writes about half the bytes, as write(2) may), or null to proceed.
 */
export type FaultDecision = FaultCode | 'SHORT_WRITE' | null;

/** Asked before every operation; `path` is the file (for fd operations, the path opened). */
export type FaultInjector = (op: FsOp, path: string) => FaultDecision;

const ERROR_TEXTS: Record<FaultCode, string> = {
  ENOSPC: 'no space left on device',
  EIO: 'i/o error',
  EACCES: 'permission denied',
  EROFS: 'read-only file system',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or directory',
  EPERM: 'operation not permitted',
};

let injector: FaultInjector | null = null;
/** Paths of open descriptors, so fd operations can be reported to the injector by path. */
const openPaths = new Map<number, string>();

/** Installs (or with null removes) the fault injector. Tests only. */
export function setFaultInjector(next: FaultInjector | null): void {
  injector = next;
}

/**
 * One completed file operation, as the crash-state tests (test/crash/) replay it: the on-disk
 * states a power loss could leave are built from this log. Reported only after the operation
 * succeeded (a write reports the bytes that reached the file, chunk by chunk).
 */
export type FsEvent =
  | { op: 'open'; fd: number; path: string; mode: OpenMode }
  | { op: 'write'; fd: number; data: Buffer }
  | { op: 'fsync'; fd: number }
  | { op: 'close'; fd: number }
  | { op: 'rename'; source: string; target: string }
  | { op: 'unlink'; path: string }
  | { op: 'fsyncDir'; path: string }
  | { op: 'ftruncate'; fd: number; length: number }
  | { op: 'truncate'; path: string; length: number }
  | { op: 'mkdir'; path: string };

let recorder: ((event: FsEvent) => void) | null = null;

/** Installs (or with null removes) the operation recorder. Tests only. */
export function setFsRecorder(next: ((event: FsEvent) => void) | null): void {
  recorder = next;
}

/** How a file is opened; each maps to explicit open(2) flags below. */
export type OpenMode = 'read' | 'createExclusive' | 'truncate' | 'append' | 'appendTruncate';

const OPEN_FLAGS: Record<OpenMode, number> = {
  read: nodeFs.constants.O_RDONLY,
  createExclusive: nodeFs.constants.O_WRONLY | nodeFs.constants.O_CREAT | nodeFs.constants.O_EXCL,
  truncate: nodeFs.constants.O_WRONLY | nodeFs.constants.O_CREAT | nodeFs.constants.O_TRUNC,
  append: nodeFs.constants.O_WRONLY | nodeFs.constants.O_CREAT | nodeFs.constants.O_APPEND,
  // A fresh AOF incr file: empty, and every write lands at the end even after an ftruncate.
  appendTruncate: nodeFs.constants.O_WRONLY | nodeFs.constants.O_CREAT | nodeFs.constants.O_TRUNC |
    nodeFs.constants.O_APPEND,
};

/**
 * Data files (dumps, AOF, manifests, aclfile) are created 0600: they hold every key and value
 * and possibly password hashes, so only the server's user may read them (the umask can only
 * narrow this). Redis creates them 0644; Vesta is stricter on purpose.
 */
const FILE_MODE = 0o600;

export function openSync(path: string, mode: OpenMode): number {
  check('open', path);
  const fd = nodeFs.openSync(path, OPEN_FLAGS[mode], FILE_MODE);
  openPaths.set(fd, path);
  recorder?.({ op: 'open', fd, path, mode });
  return fd;
}

/**
 * Writes all of `data`, looping over short writes as write(2) callers must. Throws the first
 * error (ENOSPC, EIO, ...); bytes written before it stay in the file.
 */
export function writeAllSync(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) {
    const decision = decide('write', pathOf(fd));
    let length = data.length - offset;
    if (decision === 'SHORT_WRITE') length = Math.max(1, Math.floor(length / 2));
    else if (decision !== null) throw injectedError(decision, 'write', pathOf(fd));
    const written = nodeFs.writeSync(fd, data, offset, length);
    assert(written > 0, 'write(2) wrote nothing without an error');
    recorder?.({ op: 'write', fd, data: Buffer.from(data.subarray(offset, offset + written)) });
    offset += written;
  }
}

export function fsyncSync(fd: number): void {
  check('fsync', pathOf(fd));
  nodeFs.fsyncSync(fd);
  recorder?.({ op: 'fsync', fd });
}

/**
 * fdatasync(2): flushes the data and the metadata needed to read it back (the size of an
 * appended file), not timestamps. What Redis uses for the AOF on Linux; measured here at 51 µs
 * per call where fsync took 73 µs under appendfsync always. Fault injection and the crash-state
 * recorder see it as an fsync.
 */
export function fdatasyncSync(fd: number): void {
  check('fsync', pathOf(fd));
  nodeFs.fdatasyncSync(fd);
  recorder?.({ op: 'fsync', fd });
}

const fdatasyncAsync = promisify(nodeFs.fdatasync);

/** fdatasyncSync off the main thread (libuv pool). */
export async function fdatasync(fd: number): Promise<void> {
  check('fsync', pathOf(fd));
  await fdatasyncAsync(fd);
  recorder?.({ op: 'fsync', fd });
}

const fsyncAsync = promisify(nodeFs.fsync);

/** fsync off the main thread (libuv pool), for appendfsync everysec and background saves. */
export async function fsync(fd: number): Promise<void> {
  check('fsync', pathOf(fd));
  await fsyncAsync(fd);
  recorder?.({ op: 'fsync', fd });
}

/** Closes the descriptor. The descriptor is released even when close reports an error. */
export function closeSync(fd: number): void {
  const path = pathOf(fd);
  openPaths.delete(fd);
  const decision = decide('close', path);
  nodeFs.closeSync(fd);
  recorder?.({ op: 'close', fd });
  if (decision !== null && decision !== 'SHORT_WRITE') throw injectedError(decision, 'close', path);
}

/** rename(2): atomically replaces `target` with `source` (same filesystem). */
export function renameSync(source: string, target: string): void {
  check('rename', source);
  nodeFs.renameSync(source, target);
  recorder?.({ op: 'rename', source, target });
}

export function unlinkSync(path: string): void {
  check('unlink', path);
  nodeFs.unlinkSync(path);
  recorder?.({ op: 'unlink', path });
}

/** unlink that treats a missing file as success; true when a file was removed. */
export function unlinkIfExistsSync(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error: unknown) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * fsync of a directory, so a rename or create inside it survives a crash. Redis equivalent:
 * fsyncFileDir. Filesystems that cannot fsync a directory (EINVAL, EBADF) count as done, as in
 * Redis.
 */
export function fsyncDirSync(dir: string): void {
  check('fsyncDir', dir);
  const fd = nodeFs.openSync(dir, nodeFs.constants.O_RDONLY);
  try {
    nodeFs.fsyncSync(fd);
  } catch (error: unknown) {
    const code = errorCode(error);
    if (code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    nodeFs.closeSync(fd);
  }
  recorder?.({ op: 'fsyncDir', path: dir });
}

/** stat(2), or null when the path does not exist. */
export function statSync(path: string): nodeFs.Stats | null {
  check('stat', path);
  try {
    return nodeFs.statSync(path);
  } catch (error: unknown) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** realpath(3): the path with symlinks, "." and ".." resolved. Throws ENOENT when missing. */
export function realpathSync(path: string): string {
  check('stat', path);
  return nodeFs.realpathSync(path);
}

/**
 * Reads up to `length` bytes of an open file at `position` into buf[offset...]; the bytes read
 * (0 at the end of the file). Faults are injected as for readFile (reading a file's content).
 */
// eslint-disable-next-line max-params -- pread(2)'s contract: buffer, range, file position
export function readAtSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
  check('readFile', pathOf(fd));
  return nodeFs.readSync(fd, buf, offset, length, position);
}

/** The whole file as bytes. Throws ENOENT like fs.readFileSync when it is missing. */
export function readFileSync(path: string): Buffer {
  check('readFile', path);
  return nodeFs.readFileSync(path, { flag: 'r' });
}

/** ftruncate(2): cuts an open file back to `length` bytes (a half-written AOF record). */
export function ftruncateSync(fd: number, length: number): void {
  check('truncate', pathOf(fd));
  nodeFs.ftruncateSync(fd, length);
  recorder?.({ op: 'ftruncate', fd, length });
}

/** truncate(2) by path (loading a truncated AOF with aof-load-truncated). */
export function truncateSync(path: string, length: number): void {
  check('truncate', path);
  nodeFs.truncateSync(path, length);
  recorder?.({ op: 'truncate', path, length });
}

/** The current size of an open file (fstat). */
export function fstatSizeSync(fd: number): number {
  check('stat', pathOf(fd));
  return nodeFs.fstatSync(fd).size;
}

/**
 * mkdir -p with mode 0700 (the AOF directory, private like the data directory). The parent
 * of every directory created is fsynced, so the new directory (and what is later made durable inside it) survives a power
 * loss; without it, a crash could drop the whole AOF directory after fsync-acknowledged writes.
 */
export function mkdirSync(path: string): void {
  check('mkdir', path);
  const created = nodeFs.mkdirSync(path, { recursive: true, mode: 0o700 });
  if (created === undefined) return;
  recorder?.({ op: 'mkdir', path });
  for (let dir = path; dir.length >= created.length; dir = dirname(dir)) {
    fsyncDirSync(dirname(dir));
    if (dir === dirname(dir)) break;
  }
}

/** The names in a directory, or null when it does not exist. */
export function readdirSync(path: string): string[] | null {
  check('stat', path);
  try {
    return nodeFs.readdirSync(path, { encoding: 'utf8' });
  } catch (error: unknown) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** Writes a small file whole (manifest temp files): open, write, fsync, close. */
export function writeFileDurableSync(path: string, data: Uint8Array): void {
  const fd = openSync(path, 'truncate');
  try {
    writeAllSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Copies a file of any size (across filesystems) and fsyncs the copy: copy, open, fsync. */
export function copyFileDurableSync(source: string, target: string): void {
  check('readFile', source);
  check('open', target);
  nodeFs.copyFileSync(source, target);
  const fd = openSync(target, 'append');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The `code` of a Node system error (ENOENT, ENOSPC, ...), or null. */
export function errorCode(error: unknown): string | null {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return null;
}

/** A short human text for a Node system error: "No space left on device" style, as strerror. */
export function describeFsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = errorCode(error);
  const known = code !== null ? STRERROR[code] : undefined;
  return known ?? error.message;
}

const STRERROR: Record<string, string> = {
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  EACCES: 'Permission denied',
  EROFS: 'Read-only file system',
  EDQUOT: 'Disk quota exceeded',
  ENOENT: 'No such file or directory',
  EPERM: 'Operation not permitted',
  EEXIST: 'File exists',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
};

// ---------------------------------------------------------------------------------------------
// Fault injection.
// ---------------------------------------------------------------------------------------------

function pathOf(fd: number): string {
  return openPaths.get(fd) ?? `fd:${fd}`;
}

function decide(op: FsOp, path: string): FaultDecision {
  return injector === null ? null : injector(op, path);
}

/** Throws the injected error for `op`, if any. SHORT_WRITE only means something for writes. */
function check(op: FsOp, path: string): void {
  const decision = decide(op, path);
  if (decision !== null && decision !== 'SHORT_WRITE') throw injectedError(decision, op, path);
}

/** An error shaped like Node's own system errors (code, syscall, path). */
function injectedError(code: FaultCode, op: FsOp, path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${ERROR_TEXTS[code]}, ${op} '${path}'`);
  error.code = code;
  error.syscall = op;
  error.path = path;
  return error;
}
