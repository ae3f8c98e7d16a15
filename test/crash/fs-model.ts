// A model of what a power loss can leave on disk, built from the file operations a workload
// performed through src/platform/fs.ts (its recorder). In the spirit of ALICE and CrashMonkey:
// only file data that was fsynced and directory entries whose directory was fsynced are
// guaranteed; operations after the last fsync of a file (or directory) may have reached the disk
// as any prefix, the last write of that prefix possibly only in part. Each file and directory
// chooses its prefix independently. The model never touches the real disk except in
// materialize(), which writes one such crash state into an empty directory.
// Redis equivalent: none (Redis has no such test); see ALICE (OSDI'14) and CrashMonkey (OSDI'18).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { FsEvent } from '../../src/platform/fs.js';

type ContentOp =
  | { kind: 'write'; position: number; data: Buffer }
  | { kind: 'truncate'; length: number };

interface Inode {
  durable: Buffer;
  pending: ContentOp[];
}

type Entry = { kind: 'file'; inode: Inode } | { kind: 'dir'; dir: Dir };

type DirOp = { kind: 'link'; name: string; entry: Entry } | { kind: 'unlink'; name: string };

interface Dir {
  durable: Map<string, Entry>;
  pending: DirOp[];
}

interface OpenFile {
  inode: Inode;
  append: boolean;
  position: number;
}

/** How a crash state picks, for each file and directory, how much of its unsynced work survived. */
export type Chooser = (pendingCount: number) => { applied: number; lastWriteFraction: number };

export const NOTHING_UNSYNCED: Chooser = () => ({ applied: 0, lastWriteFraction: 1 });
export const EVERYTHING: Chooser = (n) => ({ applied: n, lastWriteFraction: 1 });

/** A chooser driven by a seeded random source: a random prefix, its last write cut at random. */
export function randomChooser(random: () => number): Chooser {
  return (n) => {
    const applied = Math.floor(random() * (n + 1));
    const lastWriteFraction = random() < 0.5 ? 1 : random();
    return { applied, lastWriteFraction };
  };
}

export class CrashModel {
  readonly #root: Dir = { durable: new Map(), pending: [] };
  readonly #rootPath: string;
  readonly #fds = new Map<number, OpenFile>();

  /** `rootPath` exists and is durable; events on paths outside it are ignored. */
  constructor(rootPath: string) {
    this.#rootPath = rootPath;
  }

  apply(event: FsEvent): void {
    switch (event.op) {
      case 'open':
        this.#open(event.fd, event.path, event.mode);
        break;
      case 'write': {
        const file = this.#fds.get(event.fd);
        if (file === undefined) return;
        const position = file.append ? liveContent(file.inode).length : file.position;
        file.inode.pending.push({ kind: 'write', position, data: event.data });
        file.position = position + event.data.length;
        break;
      }
      case 'fsync': {
        const file = this.#fds.get(event.fd);
        if (file === undefined) return;
        file.inode.durable = liveContent(file.inode);
        file.inode.pending = [];
        break;
      }
      case 'close':
        this.#fds.delete(event.fd);
        break;
      case 'ftruncate': {
        const file = this.#fds.get(event.fd);
        if (file !== undefined) file.inode.pending.push({ kind: 'truncate', length: event.length });
        break;
      }
      case 'truncate': {
        const entry = this.#lookup(event.path);
        if (entry?.kind === 'file') {
          entry.inode.pending.push({ kind: 'truncate', length: event.length });
        }
        break;
      }
      case 'rename':
        this.#rename(event.source, event.target);
        break;
      case 'unlink': {
        const parent = this.#parentOf(event.path);
        if (parent !== null) parent.dir.pending.push({ kind: 'unlink', name: parent.name });
        break;
      }
      case 'fsyncDir': {
        const entry = event.path === this.#rootPath ? rootEntry(this.#root)
          : this.#lookup(event.path);
        if (entry?.kind !== 'dir') return;
        entry.dir.durable = liveEntries(entry.dir);
        entry.dir.pending = [];
        break;
      }
      case 'mkdir': {
        const parent = this.#parentOf(event.path);
        if (parent === null || liveEntries(parent.dir).has(parent.name)) return;
        const dir: Dir = { durable: new Map(), pending: [] };
        parent.dir.pending.push({ kind: 'link', name: parent.name, entry: { kind: 'dir', dir } });
        break;
      }
    }
  }

  /** Files of one crash state: relative path -> content. */
  crashState(choose: Chooser): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    const contents = new Map<Inode, Buffer>();
    const walk = (dir: Dir, prefix: string): void => {
      for (const [name, entry] of chosenEntries(dir, choose)) {
        const path = prefix === '' ? name : `${prefix}/${name}`;
        if (entry.kind === 'dir') {
          files.set(`${path}/`, Buffer.alloc(0));
          walk(entry.dir, path);
          continue;
        }
        let content = contents.get(entry.inode);
        if (content === undefined) {
          content = chosenContent(entry.inode, choose);
          contents.set(entry.inode, content);
        }
        files.set(path, content);
      }
    };
    walk(this.#root, '');
    return files;
  }

  #open(fd: number, path: string, mode: string): void {
    const parent = this.#parentOf(path);
    if (parent === null) return;
    const existing = liveEntries(parent.dir).get(parent.name);
    let inode: Inode;
    if (existing?.kind === 'file') {
      inode = existing.inode;
      if (mode === 'truncate' || mode === 'appendTruncate') {
        inode.pending.push({ kind: 'truncate', length: 0 });
      }
    } else {
      if (mode === 'read') return;
      inode = { durable: Buffer.alloc(0), pending: [] };
      parent.dir.pending.push({ kind: 'link', name: parent.name, entry: { kind: 'file', inode } });
    }
    const append = mode === 'append' || mode === 'appendTruncate';
    this.#fds.set(fd, { inode, append, position: 0 });
  }

  #rename(source: string, target: string): void {
    const from = this.#parentOf(source);
    const to = this.#parentOf(target);
    if (from === null || to === null) return;
    const entry = liveEntries(from.dir).get(from.name);
    if (entry === undefined) return;
    // Within one directory a rename is one atomic step; across two, each side is its own.
    to.dir.pending.push({ kind: 'link', name: to.name, entry });
    from.dir.pending.push({ kind: 'unlink', name: from.name });
  }

  #parentOf(path: string): { dir: Dir; name: string } | null {
    const rel = relative(this.#rootPath, path);
    if (rel === '' || rel.startsWith('..')) return null;
    const parts = rel.split(sep);
    const name = parts.pop() as string;
    let dir = this.#root;
    for (const part of parts) {
      const entry = liveEntries(dir).get(part);
      if (entry?.kind !== 'dir') return null;
      dir = entry.dir;
    }
    return { dir, name };
  }

  #lookup(path: string): Entry | null {
    const parent = this.#parentOf(path);
    if (parent === null) return null;
    return liveEntries(parent.dir).get(parent.name) ?? null;
  }
}

/** Writes a crash state into `dir` (empty, existing). */
export function materialize(state: Map<string, Buffer>, dir: string): void {
  for (const [path, content] of state) {
    if (path.endsWith('/')) mkdirSync(join(dir, path), { recursive: true });
    else writeFileSync(join(dir, path), content);
  }
}

/** A stable text key for deduplicating crash states. */
export function stateKey(state: Map<string, Buffer>): string {
  return [...state].sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([path, content]) => `${path}:${content.toString('base64')}`).join('|');
}

function rootEntry(root: Dir): Entry {
  return { kind: 'dir', dir: root };
}

function applyDirOp(entries: Map<string, Entry>, op: DirOp): void {
  if (op.kind === 'link') entries.set(op.name, op.entry);
  else entries.delete(op.name);
}

function liveEntries(dir: Dir): Map<string, Entry> {
  const entries = new Map(dir.durable);
  for (const op of dir.pending) applyDirOp(entries, op);
  return entries;
}

function chosenEntries(dir: Dir, choose: Chooser): Map<string, Entry> {
  const entries = new Map(dir.durable);
  const { applied } = choose(dir.pending.length);
  for (const op of dir.pending.slice(0, applied)) applyDirOp(entries, op);
  return entries;
}

function applyContentOp(content: Buffer, op: ContentOp): Buffer {
  if (op.kind === 'truncate') {
    return op.length <= content.length ? content.subarray(0, op.length)
      : Buffer.concat([content, Buffer.alloc(op.length - content.length)]);
  }
  const end = op.position + op.data.length;
  const head = content.length >= op.position ? content.subarray(0, op.position)
    : Buffer.concat([content, Buffer.alloc(op.position - content.length)]);
  return Buffer.concat([head, op.data, content.subarray(Math.min(end, content.length))]);
}

function liveContent(inode: Inode): Buffer {
  let content = inode.durable;
  for (const op of inode.pending) content = applyContentOp(content, op);
  return Buffer.from(content);
}

function chosenContent(inode: Inode, choose: Chooser): Buffer {
  const { applied, lastWriteFraction } = choose(inode.pending.length);
  let content = inode.durable;
  for (let i = 0; i < applied; i++) {
    let op = inode.pending[i] as ContentOp;
    if (i === applied - 1 && op.kind === 'write' && lastWriteFraction < 1) {
      op = { ...op, data: op.data.subarray(0, Math.floor(op.data.length * lastWriteFraction)) };
    }
    content = applyContentOp(content, op);
  }
  return Buffer.from(content);
}
