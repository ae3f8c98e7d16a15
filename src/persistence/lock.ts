// The data-directory lock: one running Vesta server per `dir` (and per absolute appenddirname,
// which takes the same lock file in the AOF directory: aof/aof-dir.ts). At start the server creates
// `dir/vesta.lock` with O_CREAT|O_EXCL holding its pid; a second server (or vesta-restore) that
// finds the file with a live pid refuses to touch the directory. A lock whose pid is dead is
// stale (a crash or kill -9 left it) and is taken over. The lock is released (the file removed)
// when the server has closed. It never reads or writes anything but the lock file.
// Redis equivalent: none (Redis only writes a pidfile when asked and does not guard `dir`); this
// is Vesta's answer to two servers rewriting the same dump and AOF.
//
// File format (text, one line): "<pid>\n". Anything else in the file is treated as stale.
//
// Limits of the scheme, on purpose: node has no flock(2), so takeover of a *stale* lock is
// unlink + O_EXCL create; two servers starting in the same millisecond on a directory with a stale
// lock could both see it stale, and the O_EXCL create then lets only one of them win. A pid that
// was reused by an unrelated process after a crash looks alive; the message names the pid and the
// file so the operator can remove it.

import { join } from 'node:path';
import * as fs from '../platform/fs.js';

export const LOCK_FILE_NAME = 'vesta.lock';

/** What a lock guards: `dir`, or an absolute appenddirname (persistence/aof/aof-dir.ts). */
export type LockedDirKind = 'data directory' | 'AOF directory';

/** The data directory is held by another live process. */
export class DirLockedError extends Error {
  override readonly name = 'DirLockedError';
  readonly code = 'VESTA_ERR_DIR_LOCKED';
  readonly dir: string;
  readonly pid: number;

  constructor(dir: string, pid: number, what: LockedDirKind = 'data directory') {
    const option = what === 'data directory' ? '--dir' : '--appenddirname';
    super(`the ${what} ${dir} is in use by another Vesta server (pid ${pid}, lock file ` +
      `${join(dir, LOCK_FILE_NAME)}). Stop that server first, or start this one with a different ` +
      `${option}. If no such server runs, remove the lock file.`);
    this.dir = dir;
    this.pid = pid;
  }
}

/** A lock this process holds; release() is idempotent. */
export interface DirLock {
  readonly path: string;
  release(): void;
}

/**
 * Lock files this process created and still holds. A lock file carrying our own pid that is not
 * in this set was left by an earlier process that had the same pid (pid 1 in a container that
 * restarts), so it is stale; one in the set means a second server inside this same process.
 */
const heldByThisProcess = new Set<string>();

/** Takes the lock on `dir` or throws DirLockedError (fs errors such as EACCES pass through). */
export function lockDataDir(dir: string, what: LockedDirKind = 'data directory'): DirLock {
  const path = join(dir, LOCK_FILE_NAME);
  // Two attempts: the second one after removing a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(path)) return heldLock(path);
    const holder = lockHolder(dir);
    if (holder !== null) throw new DirLockedError(dir, holder, what);
    fs.unlinkIfExistsSync(path);
  }
  // The stale file came back between unlink and create: someone else just took the lock.
  const holder = lockHolder(dir);
  throw new DirLockedError(dir, holder ?? -1, what);
}

/**
 * The pid of the live process holding `dir`, or null when the directory is free (no lock file,
 * or a stale one). Used by the server at start and by vesta-restore.
 */
export function lockHolder(dir: string): number | null {
  const path = join(dir, LOCK_FILE_NAME);
  let text: string;
  try {
    text = fs.readFileSync(path).toString('latin1');
  } catch (error: unknown) {
    if (fs.errorCode(error) === 'ENOENT') return null;
    throw error;
  }
  const match = /^([0-9]{1,10})\n?$/.exec(text);
  if (match === null) return null;
  const pid = Number(match[1]);
  if (pid === process.pid) return heldByThisProcess.has(path) ? pid : null;
  return processAlive(pid) ? pid : null;
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(path, 'createExclusive');
  } catch (error: unknown) {
    if (fs.errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  // No fsync: the lock only matters while this process lives; after a system crash the file
  // may be empty or hold a dead pid, and both read as stale. (It cost every start an fsync.)
  try {
    fs.writeAllSync(fd, Buffer.from(`${process.pid}\n`, 'latin1'));
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function heldLock(path: string): DirLock {
  heldByThisProcess.add(path);
  return {
    path,
    release: () => {
      if (!heldByThisProcess.delete(path)) return;
      fs.unlinkIfExistsSync(path);
    },
  };
}

/** kill(pid, 0): ESRCH means gone; EPERM means alive but owned by another user. */
function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    const code = fs.errorCode(error);
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true;
    throw error;
  }
}
