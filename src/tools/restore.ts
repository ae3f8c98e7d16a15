// vesta-restore: puts a vesta-backup archive back into a data directory. Order: verify the
// archive (sizes, SHA-256s, the dump through check-rdb, the AOF through check-aof), refuse a
// directory a running server holds (the data-directory lock, persistence/lock.ts), hold that
// lock ourselves while working so no server starts half-way, move the files being replaced
// aside into `<dir>/pre-restore-<time>/` (never deleted; an absolute AOF directory, Vesta's
// extension, is locked too and its old files go to `<aof-dir>/pre-restore-<time>/`), write the
// new ones crash-safely (temp, fsync, rename, directory fsync), and print how to start a server
// on the result.
// Redis equivalent: none (the seed's "stop, cp dump.rdb, chown, start" procedure).

import { dirname, join, resolve } from 'node:path';
import { DirLockedError, LOCK_FILE_NAME, lockDataDir, lockHolder, type DirLock,
  type LockedDirKind } from '../persistence/lock.js';
import * as fs from '../platform/fs.js';
import { readArchive, type BackupManifest } from './archive.js';
import { verifyArchiveContents } from './archive-check.js';
import { fileError, ToolError } from './tool-error.js';

const DEFAULT_AOF_DIRNAME = 'appendonlydir';

export interface RestoreOptions {
  archivePath: string;
  dir: string;
  /**
   * Where to put the archive's AOF directory, an absolute appenddirname for the server. Default:
   * the absolute path the server used (the archive's aofPath), else inside `dir` as archived.
   */
  aofDir?: string;
  log: (line: string) => void;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the replaced files went, or null when nothing was replaced. */
  movedAsideTo: string | null;
  written: string[];
  /** The command line to start a server on the restored data. */
  startCommand: string;
}

export function runRestore(options: RestoreOptions): RestoreResult {
  const contents = readArchive(options.archivePath);
  const problem = verifyArchiveContents(contents);
  if (problem !== null) throw new ToolError(`the archive does not verify: ${problem}`);
  const { manifest, files } = contents;
  options.log(`Archive verified: ${manifest.keys} keys, taken ${manifest.createdAt} from ` +
    `${manifest.server.host}:${manifest.server.port} (Redis ${manifest.server.redisVersion}` +
    `${manifest.server.vestaVersion === null ? '' : `, Vesta ${manifest.server.vestaVersion}`})`);
  const aofDir = outsideAofDir(options, manifest);
  const release = lockTargets(options.dir, aofDir);
  try {
    // An old AOF directory left in place would be loaded instead of the restored dump by a
    // server with appendonly yes, so it is moved aside even when the archive has no AOF.
    const targets = [manifest.dbfilename,
      ...(aofDir === null ? [manifest.aofDirname ?? DEFAULT_AOF_DIRNAME] : [])];
    const movedAsideTo = moveAside(options.dir, targets);
    if (movedAsideTo !== null) options.log(`Previous files moved to ${movedAsideTo}`);
    const aofAside = aofDir === null ? null : moveAside(aofDir, aofDirEntries(aofDir));
    if (aofAside !== null) options.log(`Previous AOF files moved to ${aofAside}`);
    const written: string[] = [];
    const aofPrefix = `${manifest.aofDirname ?? DEFAULT_AOF_DIRNAME}/`;
    for (const [name, data] of files) {
      const path = aofDir !== null && name.startsWith(aofPrefix)
        ? join(aofDir, name.slice(aofPrefix.length)) : join(options.dir, name);
      writeDurably(path, data);
      written.push(name);
    }
    fs.fsyncDirSync(options.dir);
    return { manifest, movedAsideTo: movedAsideTo ?? aofAside, written,
      startCommand: startCommand(options.dir, aofDir, manifest) };
  } finally {
    release();
  }
}

/**
 * The absolute AOF directory to restore into (--aof-dir, else the server's own absolute
 * appenddirname recorded in the archive), or null: the AOF goes inside `dir` as archived.
 */
function outsideAofDir(options: RestoreOptions, manifest: BackupManifest): string | null {
  const chosen = options.aofDir ?? manifest.aofPath;
  if (chosen === undefined || manifest.aofDirname === null) return null;
  const path = resolve(chosen);
  if (path === resolve(options.dir)) {
    throw new ToolError(`the AOF directory ${path} may not be the data directory itself`);
  }
  return path;
}

/** Creates and locks the data directory and the outside AOF directory; returns the release. */
function lockTargets(dir: string, aofDir: string | null): () => void {
  const dirLock = lockForRestore(dir, 'data directory');
  if (aofDir === null) return () => dirLock.release();
  let aofLock: DirLock;
  try {
    aofLock = lockForRestore(aofDir, 'AOF directory');
  } catch (error: unknown) {
    dirLock.release();
    throw error;
  }
  return () => {
    aofLock.release();
    dirLock.release();
  };
}

function lockForRestore(dir: string, what: LockedDirKind): DirLock {
  ensureDir(dir);
  const holder = lockHolder(dir);
  if (holder !== null) throw lockedError(dir, holder, what);
  try {
    return lockDataDir(dir, what);
  } catch (error: unknown) {
    if (error instanceof DirLockedError) throw lockedError(dir, error.pid, what);
    throw error;
  }
}

/** What an outside AOF directory holds besides our lock and earlier pre-restore folders. */
function aofDirEntries(aofDir: string): string[] {
  return (fs.readdirSync(aofDir) ?? []).filter((name) => name !== LOCK_FILE_NAME &&
    !name.startsWith('pre-restore-'));
}

function lockedError(dir: string, pid: number, what: LockedDirKind): ToolError {
  return new ToolError(`refusing to restore into the ${what} ${dir}: a running server ` +
    `(pid ${pid}) holds it. Stop that server first (SHUTDOWN NOSAVE, so it does not overwrite ` +
    'the restored dump).');
}

function ensureDir(dir: string): void {
  try {
    fs.mkdirSync(dir);
  } catch (error: unknown) {
    throw fileError('create', dir, error, 1);
  }
}

/** Renames the existing targets into <dir>/pre-restore-<stamp>/; null when none existed. */
function moveAside(dir: string, names: string[]): string | null {
  const present = names.filter((name) => fs.statSync(join(dir, name)) !== null);
  if (present.length === 0) return null;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '-');
  const aside = join(dir, `pre-restore-${stamp}`);
  try {
    fs.mkdirSync(aside);
    for (const name of present) fs.renameSync(join(dir, name), join(aside, name));
    fs.fsyncDirSync(aside);
    fs.fsyncDirSync(dir);
  } catch (error: unknown) {
    throw fileError('move the old files aside into', aside, error, 1);
  }
  return aside;
}

function writeDurably(path: string, data: Buffer): void {
  const temp = `${path}.restore-tmp`;
  try {
    fs.mkdirSync(dirname(path));
    fs.writeFileDurableSync(temp, data);
    fs.renameSync(temp, path);
    fs.fsyncDirSync(dirname(path));
  } catch (error: unknown) {
    fs.unlinkIfExistsSync(temp);
    throw fileError('write', path, error, 1);
  }
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function startCommand(dir: string, aofDir: string | null, manifest: BackupManifest): string {
  const quoted = shellQuote(dir);
  if (manifest.aofDirname !== null) {
    const aofName = aofDir === null ? manifest.aofDirname : shellQuote(aofDir);
    return `vesta-server --dir ${quoted} --appendonly yes --appenddirname ${aofName}`;
  }
  // Without an AOF in the archive the dump must be loaded with appendonly off; CONFIG SET
  // appendonly yes afterwards builds a fresh AOF from the loaded data.
  return `vesta-server --dir ${quoted} --dbfilename ${manifest.dbfilename} --appendonly no`;
}
