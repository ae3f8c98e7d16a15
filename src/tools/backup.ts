// vesta-backup: asks a running server (Vesta or Redis 7.0) for a fresh dump with BGSAVE, waits
// for exactly that save to finish, and writes one archive (archive.ts) holding the dump, the AOF
// directory when it is reachable on this machine (inside dir, or an absolute appenddirname), and a manifest with sizes and SHA-256s. The
// archive is read back and checked with the same checkers the operator runs, and only then are
// old archives removed (--keep). It never writes into the server's data directory.
// Redis equivalent: none built in; this is the seed's backup script (BGSAVE, wait on LASTSAVE,
// copy, tar) done without its races.
//
// Waiting for "our" save. LASTSAVE has one-second resolution, so "LASTSAVE changed" misses a save
// that finishes in the same second as the previous one, and a save already running when we call
// BGSAVE started before our request. So: first wait until no background save runs; remember
// rdb_saves (a counter of saves started, Redis 7.0 and Vesta) and LASTSAVE; send BGSAVE (BGSAVE
// SCHEDULE when an AOF rewrite holds the child slot); then wait until rdb_saves has grown and
// rdb_bgsave_in_progress is 0, and require rdb_last_bgsave_status:ok. Servers without rdb_saves
// fall back to "LASTSAVE grew, or a save was seen running and has stopped".

import { basename, join } from 'node:path';
import { aofDirPath, isAbsoluteAofDir } from '../persistence/aof/aof-dir.js';
import { setTimeout as sleep } from 'node:timers/promises';
import * as fs from '../platform/fs.js';
import { archiveName, listArchives, readArchive, sha256, writeArchive, type ArchiveFile,
  type BackupManifest, type ProgressFn, ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION } from './archive.js';
import { collectAofDir, verifyArchiveContents } from './archive-check.js';
import { checkRdbBuffer } from './check-rdb.js';
import { parseInfo, RespConnection, RespError, type RespValue } from './resp-connection.js';
import { fileError, ToolError } from './tool-error.js';

export interface BackupOptions {
  host: string;
  port: number;
  password?: string;
  user?: string;
  /** Directory the archive is written to (created if missing). */
  outDir: string;
  /** Keep only the newest N archives in outDir (0: keep all). */
  keep: number;
  /** Limit for the whole BGSAVE wait. */
  timeoutMs: number;
  gzip: boolean;
  /** Where the server's files are on this machine, when it differs from CONFIG GET dir. */
  dataDir?: string;
  /**
   * Where the server's AOF directory is on this machine, when it differs from what CONFIG GET
   * dir and appenddirname say (an absolute appenddirname is used as it is).
   */
  aofDir?: string;
  log: (line: string) => void;
  progress?: ProgressFn;
}

export interface BackupResult {
  archivePath: string;
  manifest: BackupManifest;
  /** Old archives deleted by --keep. */
  removed: string[];
  /** Why the AOF is not in the archive, or null when it is (or AOF is off). */
  aofSkipped: string | null;
}

/** Runs one backup. Throws ToolError with the reason on any failure; nothing half-written stays. */
export async function runBackup(options: BackupOptions): Promise<BackupResult> {
  const conn = await RespConnection.open(options.host, options.port, 5000);
  try {
    await authenticate(conn, options);
    const server = await describeServer(conn, options);
    const lastSaveSec = await bgsaveAndWait(conn, options);
    options.log(`Background save finished (LASTSAVE ${lastSaveSec})`);
    const files = new Map<string, Buffer>();
    const rdbPath = join(server.dataDir, server.dbfilename);
    files.set(server.dbfilename, readServerFile(rdbPath));
    let aofSkipped: string | null = null;
    if (server.appendonly) {
      const aofDir = options.aofDir ?? aofDirPath(server.dataDir, server.appenddirname);
      const aof = collectAofDir(aofDir, archiveAofDirname(server), server.appendfilename);
      if (typeof aof === 'string') aofSkipped = aof;
      else for (const [name, data] of aof) files.set(name, data);
    }
    const manifest = buildManifest(server, lastSaveSec, files, options);
    const result = writeAndVerify(manifest, files, options);
    return { ...result, aofSkipped };
  } finally {
    conn.close();
  }
}

interface ServerFacts {
  redisVersion: string;
  vestaVersion: string | null;
  runId: string | null;
  dataDir: string;
  dbfilename: string;
  appendonly: boolean;
  appenddirname: string;
  appendfilename: string;
}

async function authenticate(conn: RespConnection, options: BackupOptions): Promise<void> {
  if (options.password === undefined) return;
  const args = options.user === undefined ? ['AUTH', options.password]
    : ['AUTH', options.user, options.password];
  const reply = await conn.call(args);
  if (reply instanceof RespError) throw new ToolError(`authentication failed: ${reply.message}`);
}

async function describeServer(conn: RespConnection, options: BackupOptions):
  Promise<ServerFacts> {
  const info = parseInfo(asText(await conn.callOk(['INFO', 'server'])));
  const redisVersion = info.get('redis_version');
  if (redisVersion === undefined) throw new ToolError('INFO server has no redis_version');
  const dir = options.dataDir ?? await configGet(conn, 'dir', null);
  if (dir === null) {
    throw new ToolError('CONFIG GET dir is not allowed on this server; pass --data-dir');
  }
  return {
    redisVersion,
    vestaVersion: info.get('vesta_version') ?? null,
    runId: info.get('run_id') ?? null,
    dataDir: dir,
    dbfilename: await configGet(conn, 'dbfilename', 'dump.rdb') ?? 'dump.rdb',
    appendonly: await configGet(conn, 'appendonly', 'no') === 'yes',
    appenddirname: await configGet(conn, 'appenddirname', 'appendonlydir') ?? 'appendonlydir',
    appendfilename: await configGet(conn, 'appendfilename', 'appendonly.aof') ?? 'appendonly.aof',
  };
}

/** CONFIG GET name; `fallback` when the command is refused (renamed, ACL) or the name unknown. */
async function configGet(conn: RespConnection, name: string, fallback: string | null):
  Promise<string | null> {
  const reply = await conn.call(['CONFIG', 'GET', name]);
  if (!Array.isArray(reply) || reply.length < 2) return fallback;
  const value = reply[1];
  return typeof value === 'string' ? value : fallback;
}

interface SaveState {
  inProgress: boolean;
  saves: number | null;
  statusOk: boolean;
}

async function saveState(conn: RespConnection): Promise<SaveState> {
  const info = parseInfo(asText(await conn.callOk(['INFO', 'persistence'])));
  const saves = info.get('rdb_saves');
  return {
    inProgress: info.get('rdb_bgsave_in_progress') === '1',
    saves: saves === undefined ? null : Number(saves),
    statusOk: info.get('rdb_last_bgsave_status') !== 'err',
  };
}

async function lastSave(conn: RespConnection): Promise<number> {
  const reply = await conn.callOk(['LASTSAVE']);
  if (typeof reply !== 'number') throw new ToolError('LASTSAVE did not reply with an integer');
  return reply;
}

/** BGSAVE, then waits for that save (see the file comment). Returns LASTSAVE after it. */
async function bgsaveAndWait(conn: RespConnection, options: BackupOptions): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  let state = await saveState(conn);
  while (state.inProgress) {
    await pause(deadline, 'a background save already running');
    state = await saveState(conn);
  }
  const savesBefore = state.saves;
  const lastSaveBefore = await lastSave(conn);
  await startBgsave(conn);
  options.log('Background save started');
  let sawRunning = false;
  for (;;) {
    state = await saveState(conn);
    const lastSaveNow = await lastSave(conn);
    if (state.inProgress) sawRunning = true;
    const started = savesBefore !== null && state.saves !== null ? state.saves > savesBefore
      : lastSaveNow > lastSaveBefore || sawRunning;
    if (started && !state.inProgress) {
      if (!state.statusOk) {
        throw new ToolError('the background save failed (rdb_last_bgsave_status:err); see ' +
          'the server log');
      }
      return lastSaveNow;
    }
    await pause(deadline, 'the background save');
  }
}

async function startBgsave(conn: RespConnection): Promise<void> {
  const reply = await conn.call(['BGSAVE']);
  if (!(reply instanceof RespError)) return;
  // An AOF rewrite holds the child slot: ask for the save right after it.
  if (reply.message.includes('SCHEDULE')) {
    await conn.callOk(['BGSAVE', 'SCHEDULE']);
    return;
  }
  // Started by someone else between our check and our BGSAVE: it began after our request.
  if (reply.message.includes('already in progress')) return;
  throw new ToolError(`BGSAVE failed: ${reply.message}`);
}

async function pause(deadline: number, what: string): Promise<void> {
  if (Date.now() >= deadline) throw new ToolError(`timed out waiting for ${what}`);
  await sleep(50);
}

function asText(reply: RespValue): string {
  if (typeof reply !== 'string') throw new ToolError('unexpected reply type from the server');
  return reply;
}

/**
 * Reads a server file through one open descriptor, so a later save renaming a new dump over it
 * cannot mix two files: we get the inode we opened.
 */
function readServerFile(path: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (error: unknown) {
    if (fs.errorCode(error) === null) throw error;
    throw fileError('read the dump', `${path} (run vesta-backup on the server's machine, or ` +
      'pass --data-dir)', error, 1);
  }
}

function buildManifest(server: ServerFacts, lastSaveSec: number, files: Map<string, Buffer>,
  options: BackupOptions): BackupManifest {
  const dump = files.get(server.dbfilename);
  if (dump === undefined) throw new ToolError('internal: dump missing');
  const report = checkRdbBuffer(dump, server.dbfilename);
  if (report.error !== null || report.endOffset === null) {
    throw new ToolError(`the dump ${server.dbfilename} the server wrote does not check: ` +
      (report.error?.message ?? 'incomplete'));
  }
  const keysPerDb: Record<string, number> = {};
  for (const [db, summary] of report.dbs) keysPerDb[String(db)] = summary.keys;
  const list: ArchiveFile[] = [];
  for (const [name, data] of files) {
    list.push({ name, kind: fileKind(name, server.dbfilename), bytes: data.length,
      sha256: sha256(data) });
  }
  return {
    format: ARCHIVE_FORMAT,
    formatVersion: ARCHIVE_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    lastSaveSec,
    server: { host: options.host, port: options.port, redisVersion: server.redisVersion,
      vestaVersion: server.vestaVersion, runId: server.runId },
    dbfilename: server.dbfilename,
    keys: report.keys,
    expires: report.expires,
    keysPerDb,
    aofDirname: list.some((f) => f.kind !== 'rdb') ? archiveAofDirname(server) : null,
    // An absolute AOF directory (Vesta's extension) is put back there by vesta-restore.
    ...(isAbsoluteAofDir(server.appenddirname) && list.some((f) => f.kind !== 'rdb')
      ? { aofPath: aofDirPath(server.dataDir, server.appenddirname) } : {}),
    files: list,
  };
}

/**
 * The AOF directory's name inside the archive: the server's appenddirname, or for an absolute
 * one its last component (the archive holds only relative names), `appendonlydir` if that is
 * unusable.
 */
function archiveAofDirname(server: ServerFacts): string {
  if (!isAbsoluteAofDir(server.appenddirname)) return server.appenddirname;
  const name = basename(aofDirPath(server.dataDir, server.appenddirname));
  return name === '' || name === '.' || name === '..' || name === server.dbfilename
    ? 'appendonlydir' : name;
}

function fileKind(name: string, dbfilename: string): ArchiveFile['kind'] {
  if (name === dbfilename) return 'rdb';
  if (name.endsWith('.manifest')) return 'aof-manifest';
  return /\.base\.(rdb|aof)$/.test(name) ? 'aof-base' : 'aof-incr';
}

function writeAndVerify(manifest: BackupManifest, files: Map<string, Buffer>,
  options: BackupOptions): { archivePath: string; manifest: BackupManifest; removed: string[] } {
  try {
    fs.mkdirSync(options.outDir);
  } catch (error: unknown) {
    throw fileError('create', options.outDir, error, 1);
  }
  const name = archiveName(new Date(), options.gzip);
  let archivePath = join(options.outDir, name);
  for (let n = 1; fs.statSync(archivePath) !== null; n++) {
    archivePath = join(options.outDir, name.replace('.tar', `-${n}.tar`));
  }
  writeArchive(archivePath, manifest, files, { gzip: options.gzip,
    ...(options.progress !== undefined ? { progress: options.progress } : {}) });
  // Read back what is on disk and check it as vesta-restore will.
  const problem = verifyArchiveContents(readArchive(archivePath));
  if (problem !== null) {
    fs.unlinkIfExistsSync(archivePath);
    throw new ToolError(`the archive failed verification and was removed: ${problem}`);
  }
  options.log(`Archive ${archivePath} written and verified`);
  const removed: string[] = [];
  if (options.keep > 0) {
    const archives = listArchives(options.outDir);
    for (const old of archives.slice(0, Math.max(0, archives.length - options.keep))) {
      if (old === archivePath) continue;
      fs.unlinkIfExistsSync(old);
      removed.push(old);
    }
  }
  return { archivePath, manifest, removed };
}
