// The backup archive container: a plain POSIX ustar file, so any machine can list and unpack a
// Vesta backup with `tar -xf` and no Vesta installed. Only what backups need: regular files and
// directories with names under 100 bytes, written in one pass; the reader accepts what this
// writer and GNU/BSD tar write for such files (ustar and GNU magic) and checks header checksums.
// Redis equivalent: none (redis-cli --rdb writes a bare dump).
//
// Layout: for each entry a 512-byte header, then the data padded to a 512-byte boundary; the
// archive ends with two zero blocks. Header fields used (octal ASCII numbers, NUL-terminated):
//
//   offset  size  field
//        0   100  name
//      100     8  mode                 0000644 / 0000755
//      108     8  uid, 116 8 gid       0
//      124    12  size                 data bytes
//      136    12  mtime                Unix seconds
//      148     8  checksum             sum of header bytes with this field as 8 spaces
//      156     1  typeflag             '0' file, '5' directory
//      257     6  magic                "ustar\0", then version "00"

import { ToolError } from './tool-error.js';

const BLOCK = 512;

export interface TarEntry {
  /** Path inside the archive ('appendonlydir/x.aof'); directories end in '/'. */
  name: string;
  /** File contents; null for a directory. */
  data: Buffer | null;
  mtimeSec: number;
}

/** The 512-byte header of one entry. */
export function tarHeader(entry: TarEntry): Buffer {
  const header = Buffer.alloc(BLOCK, 0);
  const name = Buffer.from(entry.name, 'latin1');
  if (name.length > 99) throw new ToolError(`archive member name too long: ${entry.name}`);
  name.copy(header, 0);
  const isDir = entry.data === null;
  writeOctal(header, 100, 8, isDir ? 0o755 : 0o644);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, entry.data?.length ?? 0);
  writeOctal(header, 136, 12, entry.mtimeSec);
  header.write(isDir ? '5' : '0', 156, 'latin1');
  header.write('ustar\u000000', 257, 'latin1');
  header.write('        ', 148, 'latin1');
  let sum = 0;
  for (const byte of header) sum += byte;
  writeOctal(header, 148, 7, sum);
  return header;
}

/** Zero bytes that pad `size` bytes of data to a block boundary. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK, 0);
}

/** The two zero blocks that end an archive. */
export function tarTrailer(): Buffer {
  return Buffer.alloc(2 * BLOCK, 0);
}

/** Parses a whole archive held in memory. Throws ToolError on a damaged archive. */
export function readTar(data: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  while (at + BLOCK <= data.length) {
    const header = data.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) return entries;
    verifyHeader(header, at);
    const name = cString(header, 0, 100);
    const prefix = cString(header, 345, 155);
    const size = readOctal(header, 124, 12, at);
    const type = String.fromCharCode(header[156] ?? 0);
    const start = at + BLOCK;
    if (start + size > data.length) {
      throw new ToolError(`archive truncated: member ${name} needs ${size} bytes at offset ${start}`);
    }
    const fullName = prefix.length > 0 && isUstar(header) ? `${prefix}/${name}` : name;
    if (type === '0' || type === '\u0000') {
      entries.push({ name: fullName, data: data.subarray(start, start + size),
        mtimeSec: readOctal(header, 136, 12, at) });
    } else if (type === '5') {
      entries.push({ name: fullName, data: null, mtimeSec: readOctal(header, 136, 12, at) });
    }
    // Other member types (links, pax headers) are not produced by vesta-backup: skipped.
    at = start + size + ((BLOCK - (size % BLOCK)) % BLOCK);
  }
  throw new ToolError(`archive truncated: no end-of-archive blocks (size ${data.length})`);
}

function verifyHeader(header: Buffer, at: number): void {
  const stored = readOctal(header, 148, 8, at);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
  if (sum !== stored) throw new ToolError(`archive damaged: bad header checksum at offset ${at}`);
}

function isUstar(header: Buffer): boolean {
  return header.toString('latin1', 257, 262) === 'ustar';
}

function cString(buffer: Buffer, start: number, length: number): string {
  const end = buffer.indexOf(0, start);
  return buffer.toString('latin1', start, end < 0 || end > start + length ? start + length : end);
}

function writeOctal(buffer: Buffer, start: number, length: number, value: number): void {
  const text = value.toString(8).padStart(length - 1, '0');
  if (text.length > length - 1) throw new ToolError('archive member too large for ustar');
  buffer.write(text + '\u0000', start, 'latin1');
}

function readOctal(buffer: Buffer, start: number, length: number, at: number): number {
  const text = cString(buffer, start, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new ToolError(`archive damaged: bad number at offset ${at}`);
  return text.length === 0 ? 0 : parseInt(text, 8);
}
