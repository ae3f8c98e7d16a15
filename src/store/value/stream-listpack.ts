// Listpack elements in latin1 strings, for stream nodes: the exact bytes Redis's listpack.c uses
// (integer encodings 7/13/16/24/32/64-bit, string encodings 6/12/32-bit length, each element
// followed by its backlen), so a stream node's bytes are the listpack Redis would hold and an
// RDB dump writes or reads them as they are. Redis equivalent: lpEncodeBacklen, lpEncodeString,
// lpEncodeIntegerGetType and lpGet in listpack.c.

/** Where lpRead stopped: the offset just past the element's backlen. */
export let lpEnd = 0;

/** One element holding an integer. */
export function lpInt(v: number | bigint): string {
  if (typeof v === 'bigint') {
    if (v >= -(2n ** 53n) && v <= 2n ** 53n) return lpInt(Number(v));
    return bigEnc(v);
  }
  if (v >= 0 && v <= 127) return String.fromCharCode(v) + '\x01';
  if (v >= -4096 && v <= 4095) {
    const raw = v & 0x1fff;
    return String.fromCharCode(0xc0 | (raw >>> 8), raw & 255) + '\x02';
  }
  if (v >= -32768 && v <= 32767) return '\xf1' + le(v, 2) + '\x03';
  if (v >= -8388608 && v <= 8388607) return '\xf2' + le(v, 3) + '\x04';
  if (v >= -2147483648 && v <= 2147483647) return '\xf3' + le(v, 4) + '\x05';
  return bigEnc(BigInt(v));
}

function bigEnc(v: bigint): string {
  const u = BigInt.asUintN(64, v);
  let enc = '\xf4';
  for (let i = 0n; i < 64n; i += 8n) enc += String.fromCharCode(Number((u >> i) & 255n));
  return enc + '\x09';
}

function le(v: number, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++) {
    out += String.fromCharCode(v & 255);
    v >>= 8;
  }
  return out;
}

const CANONICAL_INT_RE = /^(?:0|-?[1-9]\d{0,18})$/;

/** The integer a canonical int64 string stands for, or null (listpack's lpStringToInt64). */
export function canonicalInt(s: string): number | bigint | null {
  if (s.length > 20 || !CANONICAL_INT_RE.test(s)) {
    if (s.length === 20 && /^-[1-9]\d{18}$/.test(s)) {
      const v = BigInt(s);
      return v >= -(2n ** 63n) ? v : null;
    }
    return null;
  }
  if (s.length < 16) return Number(s);
  const v = BigInt(s);
  if (v > 2n ** 63n - 1n) return null;
  return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v;
}

/** One element holding a string (an integer encoding when the string is a canonical int64). */
export function lpStr(s: string): string {
  const asInt = s.length <= 20 ? canonicalInt(s) : null;
  if (asInt !== null) return lpInt(asInt);
  const len = s.length;
  let head: string;
  if (len < 64) head = String.fromCharCode(0x80 | len);
  else if (len < 4096) head = String.fromCharCode(0xe0 | (len >>> 8), len & 255);
  else head = '\xf0' + le(len, 4);
  return head + s + backlen(head.length + len);
}

function backlen(size: number): string {
  if (size <= 127) return String.fromCharCode(size);
  if (size < 16383) return String.fromCharCode(size >>> 7, (size & 127) | 128);
  if (size < 2097151) return String.fromCharCode(size >>> 14, ((size >>> 7) & 127) | 128, (size & 127) | 128);
  if (size < 268435455) {
    return String.fromCharCode(size >>> 21, ((size >>> 14) & 127) | 128, ((size >>> 7) & 127) | 128, (size & 127) | 128);
  }
  return String.fromCharCode(Math.floor(size / 2 ** 28), ((size >>> 21) & 127) | 128, ((size >>> 14) & 127) | 128,
    ((size >>> 7) & 127) | 128, (size & 127) | 128);
}

let scratch = Buffer.allocUnsafe(4096);

/**
 * A buffer of at least `bytes` bytes for lpPutInt / lpPutStr (shared: the caller turns what it
 * wrote into a string before anything else uses it). Building an entry there and making it one
 * string spares the dozen short strings and cons strings per entry that lpInt / lpStr make.
 */
export function lpScratch(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(Math.max(bytes, scratch.length * 2));
  return scratch;
}

/** Bytes lpPutStr may write for `s` at most. */
export function lpPutStrMax(s: string): number {
  return s.length + 10;
}

/** Writes lpInt(v) into b at p (bytes the caller reserved); returns the offset past it. */
export function lpPutInt(b: Buffer, p: number, v: number | bigint): number {
  if (typeof v === 'number' && v >= -4096 && v <= 4095) {
    if (v >= 0 && v <= 127) {
      b[p] = v;
      b[p + 1] = 1;
      return p + 2;
    }
    const raw = v & 0x1fff;
    b[p] = 0xc0 | (raw >>> 8);
    b[p + 1] = raw & 255;
    b[p + 2] = 2;
    return p + 3;
  }
  const e = lpInt(v);
  for (let i = 0; i < e.length; i++) b[p + i] = e.charCodeAt(i);
  return p + e.length;
}

/** Writes lpStr(s) into b at p (lpPutStrMax(s) bytes reserved); returns the offset past it. */
export function lpPutStr(b: Buffer, p: number, s: string): number {
  const asInt = s.length <= 20 ? canonicalInt(s) : null;
  if (asInt !== null) return lpPutInt(b, p, asInt);
  const len = s.length;
  const start = p;
  if (len < 64) b[p++] = 0x80 | len;
  else if (len < 4096) {
    b[p++] = 0xe0 | (len >>> 8);
    b[p++] = len & 255;
  } else {
    b[p++] = 0xf0;
    b.writeUInt32LE(len, p);
    p += 4;
  }
  if (len <= 32) for (let i = 0; i < len; i++) b[p++] = s.charCodeAt(i);
  else p += b.write(s, p, len, 'latin1');
  const size = p - start;
  if (size <= 127) {
    b[p] = size;
    return p + 1;
  }
  const back = backlen(size);
  for (let i = 0; i < back.length; i++) b[p + i] = back.charCodeAt(i);
  return p + back.length;
}

function backlenBytes(size: number): number {
  if (size <= 127) return 1;
  if (size < 16383) return 2;
  if (size < 2097151) return 3;
  if (size < 268435455) return 4;
  return 5;
}

/** Reads the element at `at`: an integer (number, or bigint past 2^53) or a string. */
export function lpRead(d: string, at: number): number | bigint | string {
  const first = d.charCodeAt(at);
  let size: number;
  let value: number | bigint | string;
  if (first < 0x80) {
    lpEnd = at + 2;
    return first;
  }
  if ((first & 0xc0) === 0x80) {
    const len = first & 0x3f;
    lpEnd = at + 1 + len + 1;
    return d.slice(at + 1, at + 1 + len);
  }
  if ((first & 0xe0) === 0xc0) {
    const raw = ((first & 0x1f) << 8) | d.charCodeAt(at + 1);
    lpEnd = at + 3;
    return raw >= 4096 ? raw - 8192 : raw;
  }
  if ((first & 0xf0) === 0xe0) {
    const len = ((first & 0x0f) << 8) | d.charCodeAt(at + 1);
    size = 2 + len;
    value = d.slice(at + 2, at + 2 + len);
  } else if (first === 0xf0) {
    const len = readLe(d, at + 1, 4) >>> 0;
    size = 5 + len;
    value = d.slice(at + 5, at + 5 + len);
  } else if (first === 0xf1) {
    size = 3;
    value = (readLe(d, at + 1, 2) << 16) >> 16;
  } else if (first === 0xf2) {
    size = 4;
    value = (readLe(d, at + 1, 3) << 8) >> 8;
  } else if (first === 0xf3) {
    size = 5;
    value = readLe(d, at + 1, 4) | 0;
  } else {
    size = 9;
    let u = 0n;
    for (let i = 7; i >= 0; i--) u = (u << 8n) | BigInt(d.charCodeAt(at + 1 + i));
    const v = BigInt.asIntN(64, u);
    value = v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
  }
  lpEnd = at + size + backlenBytes(size);
  return value;
}

function readLe(d: string, at: number, bytes: number): number {
  let v = 0;
  for (let i = bytes - 1; i >= 0; i--) v = v * 256 + d.charCodeAt(at + i);
  return v;
}

/** The offset just past the element at `at`, without decoding it. */
export function lpSkip(d: string, at: number): number {
  const first = d.charCodeAt(at);
  let size: number;
  if (first < 0x80) return at + 2;
  if ((first & 0xc0) === 0x80) size = 1 + (first & 0x3f);
  else if ((first & 0xe0) === 0xc0) return at + 3;
  else if ((first & 0xf0) === 0xe0) size = 2 + (((first & 0x0f) << 8) | d.charCodeAt(at + 1));
  else if (first === 0xf0) size = 5 + (readLe(d, at + 1, 4) >>> 0);
  else if (first === 0xf1) return at + 4;
  else if (first === 0xf2) return at + 5;
  else if (first === 0xf3) return at + 6;
  else return at + 10;
  return at + size + backlenBytes(size);
}

/** The element at `at` as text (integers in decimal). */
export function lpReadText(d: string, at: number): string {
  const v = lpRead(d, at);
  return typeof v === 'string' ? v : String(v);
}

/** The element at `at` as an integer (0 for a string element). */
export function lpReadInt(d: string, at: number): number | bigint {
  const v = lpRead(d, at);
  return typeof v === 'string' ? 0 : v;
}

/** Bytes of the element for `s` (lpStr(s).length) without building it. */
export function lpStrSize(s: string): number {
  const asInt = s.length <= 20 ? canonicalInt(s) : null;
  if (asInt !== null) {
    if (typeof asInt === 'bigint') return 10;
    if (asInt >= 0 && asInt <= 127) return 2;
    if (asInt >= -4096 && asInt <= 4095) return 3;
    if (asInt >= -32768 && asInt <= 32767) return 4;
    if (asInt >= -8388608 && asInt <= 8388607) return 5;
    return asInt >= -2147483648 && asInt <= 2147483647 ? 6 : 10;
  }
  const len = s.length;
  const size = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
  return size + backlenBytes(size);
}
