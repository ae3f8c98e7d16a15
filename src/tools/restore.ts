// vesta-restore: puts a vesta-backup archive back into a data directory. Order: verify the
// archive (sizes, SHA-256s, the dump through check-rdb, the AOF through check-aof), refuse a
// directory a running server holds (the data-directory lock, persistence/lock.ts), hold that
// lock ourselves while working so no server starts half-way, move the files being replaced
// aside into `<dir>/pre-restore-<time>/` (never deleted), write the new ones crash-safely
// (temp, fsync, rename, directory fsync), and print how to start a server on the result.
// Redis equivalent: none (the seed's "stop, cp dump.rdb, chown, start" procedure).

import { dirname, join } from 'node:path';
import { DirLockedError, lockDataDir, lockHolder } from '../persistence/lock.js';
import * as fs from '../platform/fs.js';
import { readArchive, type BackupManifest } from './archive.js';
import { verifyArchiveContents } from './archive-check.js';
import { fileError, ToolError } from './tool-error.js';

const DEFAULT_AOF_DIRNAME = 'appendonlydir';

export interface RestoreOptions {
  archivePath: string;
  dir: string;
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
  ensureDir(options.dir);
  const holder = lockHolder(options.dir);
  if (holder !== null) throw lockedError(options.dir, holder);
  let lock;
  try {
    lock = lockDataDir(options.dir);
  } catch (error: unknown) {
    if (error instanceof DirLockedError) throw lockedError(options.dir, error.pid);
    throw error;
  }
  try {
    // An old AOF directory left in place would be loaded instead of the restored dump by a
    // server with appendonly yes, so it is moved aside even when the archive has no AOF.
    const targets = [manifest.dbfilename, manifest.aofDirname ?? DEFAULT_AOF_DIRNAME];
    const movedAsideTo = moveAside(options.dir, targets);
    if (movedAsideTo !== null) options.log(`Previous files moved to ${movedAsideTo}`);
    const written: string[] = [];
    for (const [name, data] of files) {
      writeDurably(join(options.dir, name), data);
      written.push(name);
    }
    fs.fsyncDirSync(options.dir);
    return { manifest, movedAsideTo, written, startCommand: startCommand(options.dir, manifest) };
  } finally {
    lock.release();
  }
}

function lockedError(dir: string, pid: number): ToolError {
  return new ToolError(`refusing to restore into ${dir}: a running server (pid ${pid}) holds it. ` +
    'Stop that server first (SHUTDOWN NOSAVE, so it does not overwrite the restored dump).');
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

function startCommand(dir: string, manifest: BackupManifest): string {
  const quoted = /^[A-Za-z0-9_./-]+$/.test(dir) ? dir : `'${dir.replace(/'/g, `'\\''`)}'`;
  if (manifest.aofDirname !== null) {
    return `vesta-server --dir ${quoted} --appendonly yes --appenddirname ${manifest.aofDirname}`;
  }
  // Without an AOF in the archive the dump must be loaded with appendonly off; CONFIG SET
  // appendonly yes afterwards builds a fresh AOF from the loaded data.
  return `vesta-server --dir ${quoted} --dbfilename ${manifest.dbfilename} --appendonly no`;
}
