// The backup archive: what vesta-backup writes and vesta-restore reads. An archive is a plain
// ustar file (tar.ts), optionally gzip-compressed as a whole, holding:
//
//   MANIFEST.json                         what is inside, written first (see BackupManifest)
//   dump.rdb                              the dump made by the BGSAVE (the server's dbfilename)
//   appendonlydir/                        only when the AOF directory was reachable locally
//   appendonlydir/appendonly.aof.manifest
//   appendonlydir/appendonly.aof.1.base.rdb ...
//
// Any machine can inspect one with `tar -tvf` / `tar -xf` (or `tar -xzf` for .tar.gz) and check
// it with `sha256sum` against MANIFEST.json. This file writes an archive crash-safely (temp file,
// fsync, rename, directory fsync) and reads one back with every checksum verified.
// Redis equivalent: none.

import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as fs from '../platform/fs.js';
import { readTar, tarHeader, tarPadding, tarTrailer, type TarEntry } from './tar.js';
import { fileError, ToolError } from './tool-error.js';

export const ARCHIVE_FORMAT = 'vesta-backup';
export const ARCHIVE_FORMAT_VERSION = 1;
export const MANIFEST_NAME = 'MANIFEST.json';

export type ArchiveFileKind = 'rdb' | 'aof-manifest' | 'aof-base' | 'aof-incr';

export interface ArchiveFile {
  /** Path inside the archive. */
  name: string;
  kind: ArchiveFileKind;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof ARCHIVE_FORMAT;
  formatVersion: number;
  /** When the dump was confirmed complete (ISO 8601, UTC) and the server's LASTSAVE. */
  createdAt: string;
  lastSaveSec: number;
  server: { host: string; port: number; redisVersion: string; vestaVersion: string | null;
    runId: string | null };
  /** The dump's file name inside the archive (the server's dbfilename). */
  dbfilename: string;
  /** Keys in the dump, per database, and how many carry an expire. */
  keys: number;
  expires: number;
  keysPerDb: Record<string, number>;
  /** The AOF directory name inside the archive, or null when the AOF was not included. */
  aofDirname: string | null;
  /**
   * Only when the server's appenddirname was an absolute path (Vesta's extension): that path,
   * where vesta-restore puts the AOF directory back unless told otherwise. Older archives lack it.
   */
  aofPath?: string;
  files: ArchiveFile[];
}

export interface ArchiveContents {
  manifest: BackupManifest;
  /** File data by archive path, every one verified against the manifest's size and SHA-256. */
  files: Map<string, Buffer>;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Progress of a long write: bytes done of total. */
export type ProgressFn = (doneBytes: number, totalBytes: number) => void;

const WRITE_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Writes the archive to `path` atomically: `<path>.partial`, fsync, rename, directory fsync.
 * `files` are in archive order after MANIFEST.json; directories are added for nested names.
 */
export function writeArchive(path: string, manifest: BackupManifest, files: Map<string, Buffer>,
  options: { gzip: boolean; progress?: ProgressFn }): void {
  const mtimeSec = Math.floor(Date.now() / 1000);
  const entries: TarEntry[] = [{ name: MANIFEST_NAME, mtimeSec,
    data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8') }];
  const dirs = new Set<string>();
  for (const [name, data] of files) {
    const dir = dirname(name);
    if (dir !== '.' && !dirs.has(dir)) {
      dirs.add(dir);
      entries.push({ name: `${dir}/`, data: null, mtimeSec });
    }
    entries.push({ name, data, mtimeSec });
  }
  const chunks: Buffer[] = [];
  for (const entry of entries) {
    chunks.push(tarHeader(entry));
    if (entry.data !== null) chunks.push(entry.data, tarPadding(entry.data.length));
  }
  chunks.push(tarTrailer());
  let body = Buffer.concat(chunks);
  if (options.gzip) body = gzipSync(body, { level: 6 });
  writeFileAtomically(path, body, options.progress);
}

function writeFileAtomically(path: string, body: Buffer, progress?: ProgressFn): void {
  const temp = `${path}.partial`;
  try {
    fs.unlinkIfExistsSync(temp);
    const fd = fs.openSync(temp, 'createExclusive');
    try {
      for (let at = 0; at < body.length; at += WRITE_CHUNK_BYTES) {
        fs.writeAllSync(fd, body.subarray(at, Math.min(body.length, at + WRITE_CHUNK_BYTES)));
        progress?.(Math.min(body.length, at + WRITE_CHUNK_BYTES), body.length);
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path);
    fs.fsyncDirSync(dirname(path));
  } catch (error: unknown) {
    if (fs.errorCode(error) === null) throw error;
    fs.unlinkIfExistsSync(temp);
    throw fileError('write', path, error, 1);
  }
}

/**
 * Reads and verifies an archive: tar structure, MANIFEST.json, and every listed file's size and
 * SHA-256. Throws ToolError naming the first problem. The file contents are not checked here
 * (the RDB/AOF checkers do that).
 */
export function readArchive(path: string): ArchiveContents {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(path);
  } catch (error: unknown) {
    throw fileError('read', path, error);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw);
    } catch (error: unknown) {
      throw new ToolError(`${basename(path)}: damaged gzip data (${String(error)})`);
    }
  }
  const entries = readTar(raw);
  const manifestEntry = entries.find((e) => e.name === MANIFEST_NAME);
  if (manifestEntry?.data == null) {
    throw new ToolError(`${basename(path)} is not a Vesta backup: no ${MANIFEST_NAME} inside`);
  }
  const manifest = parseManifestJson(manifestEntry.data);
  const files = new Map<string, Buffer>();
  for (const file of manifest.files) {
    const entry = entries.find((e) => e.name === file.name);
    if (entry?.data == null) throw new ToolError(`archive is missing ${file.name}`);
    if (entry.data.length !== file.bytes) {
      throw new ToolError(`${file.name}: ${entry.data.length} bytes, the manifest says ` +
        `${file.bytes}`);
    }
    if (sha256(entry.data) !== file.sha256) {
      throw new ToolError(`${file.name}: SHA-256 does not match the manifest (damaged archive)`);
    }
    files.set(file.name, entry.data);
  }
  return { manifest, files };
}

function parseManifestJson(data: Buffer): BackupManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (error: unknown) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ToolError(`${MANIFEST_NAME} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || !('format' in parsed) ||
    parsed.format !== ARCHIVE_FORMAT || !('files' in parsed) || !Array.isArray(parsed.files)) {
    throw new ToolError(`${MANIFEST_NAME} does not describe a ${ARCHIVE_FORMAT} archive`);
  }
  const manifest = parsed as BackupManifest;
  if (manifest.formatVersion > ARCHIVE_FORMAT_VERSION) {
    throw new ToolError(`archive format version ${manifest.formatVersion} is newer than this ` +
      `tool's (${ARCHIVE_FORMAT_VERSION}); use a newer vesta-restore`);
  }
  if (manifest.aofPath !== undefined && (typeof manifest.aofPath !== 'string' ||
    !manifest.aofPath.startsWith('/') || manifest.aofDirname === null)) {
    throw new ToolError(`${MANIFEST_NAME} has an invalid aofPath: ${String(manifest.aofPath)}`);
  }
  for (const file of manifest.files) {
    if (typeof file.name !== 'string' || file.name.startsWith('/') ||
      file.name.split('/').includes('..')) {
      throw new ToolError(`${MANIFEST_NAME} names an unsafe path: ${String(file.name)}`);
    }
  }
  return manifest;
}

/** Archive names sort by time: vesta-backup-YYYYMMDD-HHMMSS-mmm.tar[.gz]. */
export const ARCHIVE_NAME_PATTERN = /^vesta-backup-[0-9]{8}-[0-9]{6}-[0-9]{3}(-[0-9]+)?\.tar(\.gz)?$/;

export function archiveName(date: Date, gzip: boolean): string {
  const iso = date.toISOString(); // 2026-11-25T09:19:20.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-` +
    `${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}-${iso.slice(20, 23)}`;
  return `vesta-backup-${stamp}.tar${gzip ? '.gz' : ''}`;
}

/** Paths of the archives in `dir`, oldest first. */
export function listArchives(dir: string): string[] {
  return (fs.readdirSync(dir) ?? []).filter((name) => ARCHIVE_NAME_PATTERN.test(name)).sort()
    .map((name) => join(dir, name));
}
