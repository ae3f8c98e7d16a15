// Checks shared by vesta-backup (before it trusts what it wrote) and vesta-restore (before it
// touches a data directory): the archive's dump through check-rdb and its AOF files through
// check-aof, all on bytes in memory. Also reads a live AOF directory consistently for a backup.
// It never writes anything.

import { join } from 'node:path';
import { AofManifestError, parseManifest, manifestName } from '../persistence/aof/manifest.js';
import * as fs from '../platform/fs.js';
import type { ArchiveContents } from './archive.js';
import { checkAofData } from './check-aof.js';
import { checkRdbBuffer } from './check-rdb.js';

/** null when every file of the archive checks out, else the first problem. */
export function verifyArchiveContents(contents: ArchiveContents): string | null {
  const { manifest, files } = contents;
  const dump = files.get(manifest.dbfilename);
  if (dump === undefined) return `the archive has no dump (${manifest.dbfilename})`;
  const report = checkRdbBuffer(dump, manifest.dbfilename);
  if (report.error !== null) return `${manifest.dbfilename}: ${report.error.message}`;
  if (report.endOffset === null) return `${manifest.dbfilename}: incomplete dump`;
  if (report.keys !== manifest.keys) {
    return `${manifest.dbfilename} holds ${report.keys} keys, the manifest says ${manifest.keys}`;
  }
  const aofFiles = manifest.files.filter((f) => f.kind === 'aof-base' || f.kind === 'aof-incr');
  for (const [index, file] of aofFiles.entries()) {
    const data = files.get(file.name);
    if (data === undefined) return `the archive is missing ${file.name}`;
    const check = checkAofData(file.name, data, null);
    if (check.error !== null) {
      const isLast = index === aofFiles.length - 1;
      return `${file.name}: ${check.error.message} at offset ${check.error.offset}` +
        (isLast && check.error.tail ? ' (vesta-check-aof --fix can truncate it)' : '');
    }
  }
  return null;
}

/**
 * Reads the AOF directory at `dirPath` for a backup: the manifest and every base and incr file
 * it lists, keyed by archive path (`<dirname>/<file>`). A rewrite can replace files while we
 * read, so the manifest is read again afterwards and the copy retried when it changed. The
 * last incr file may end in a command being appended right now: that tail is cut at the last
 * complete command, which is what the server would keep after a crash at this moment.
 * Returns the reason as a string when the directory cannot be used.
 */
export function collectAofDir(dirPath: string, dirname: string, appendFilename: string):
  Map<string, Buffer> | string {
  const manifestPath = join(dirPath, manifestName(appendFilename));
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = readOrNull(manifestPath);
    if (before === null) return `no AOF manifest at ${manifestPath} on this machine`;
    const files = readListedFiles(dirPath, dirname, before);
    if (typeof files === 'string') return files;
    const after = readOrNull(manifestPath);
    if (files !== null && after !== null && after.equals(before)) {
      files.set(`${dirname}/${manifestName(appendFilename)}`, before);
      return files;
    }
  }
  return 'the AOF directory kept changing (rewrites) while it was copied';
}

/** The listed files, null when one vanished (a rewrite ran), or a reason string. */
function readListedFiles(dirPath: string, dirname: string, manifestText: Buffer):
  Map<string, Buffer> | string | null {
  let manifest;
  try {
    manifest = parseManifest(manifestText.toString('latin1'));
  } catch (error: unknown) {
    if (!(error instanceof AofManifestError)) throw error;
    return `the AOF manifest is not valid: ${error.message}`;
  }
  const names = [...(manifest.base === null ? [] : [manifest.base.name]),
    ...manifest.incrs.map((f) => f.name)];
  const files = new Map<string, Buffer>();
  for (const [index, name] of names.entries()) {
    const data = readOrNull(join(dirPath, name));
    if (data === null) return null;
    const isLast = index === names.length - 1;
    files.set(`${dirname}/${name}`, isLast ? cutTornTail(name, data) : data);
  }
  return files;
}

function cutTornTail(name: string, data: Buffer): Buffer {
  const check = checkAofData(name, data, null);
  return check.error !== null && check.error.tail ? data.subarray(0, check.validBytes) : data;
}

function readOrNull(path: string): Buffer | null {
  try {
    return fs.readFileSync(path);
  } catch (error: unknown) {
    if (fs.errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}
