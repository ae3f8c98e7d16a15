// Where the AOF directory of a server is, and holding it at start-up. Redis 7.0 keeps it inside
// `dir` under a plain name (appenddirname); Vesta also takes an absolute path, so the AOF can
// live on another disk than the dump (the advice "dir /data/... , appenddirname /logs/..."). An
// absolute AOF directory is created (mode 0700) and locked with the same lock file as the data
// directory (lock.ts), so two servers can never append to one AOF, whatever their `dir`.
// Redis equivalent: the dir/appenddirname join in aof.c (which only knows the relative form).

import { isAbsolute, join, resolve } from 'node:path';
import * as fs from '../../platform/fs.js';
import { lockDataDir, type DirLock } from '../lock.js';

/** The AOF directory's real path: an absolute appenddirname as it is, else inside `dir`. */
export function aofDirPath(dir: string, appenddirname: string): string {
  return isAbsolute(appenddirname) ? resolve(appenddirname) : join(dir, appenddirname);
}

/** The AOF directory is somewhere else than `dir`/<name> (Vesta's extension). */
export function isAbsoluteAofDir(appenddirname: string): boolean {
  return isAbsolute(appenddirname);
}

/** An absolute appenddirname that cannot be used (start-up refuses it with this message). */
export class AofDirError extends Error {
  override readonly name = 'AofDirError';
}

/**
 * At start-up, after `dir` is locked: an absolute AOF directory is created when missing (0700,
 * parents fsynced) and locked. It may not be the data directory itself (the dump, the lock and
 * the AOF files would share one directory and one lock). null for a relative appenddirname:
 * that directory is inside `dir`, which is locked already.
 */
export function holdAofDir(dir: string, appenddirname: string): DirLock | null {
  if (!isAbsoluteAofDir(appenddirname)) return null;
  const path = aofDirPath(dir, appenddirname);
  fs.mkdirSync(path);
  if (fs.realpathSync(path) === fs.realpathSync(dir)) {
    throw new AofDirError(`appenddirname ${appenddirname} is the data directory (dir) itself: ` +
      'give the AOF a directory of its own');
  }
  return lockDataDir(path, 'AOF directory');
}
