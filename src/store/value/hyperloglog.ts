// HyperLogLog in Redis's exact byte representation, so a HLL written by Vesta is a string
// redis-server reads with the same estimate, and the other way round. Pure functions over
// Buffers; the commands in commands/hyperloglog.ts convert the key's latin1 string at the edges.
// Redis equivalent: hyperloglog.c (the formats and algorithms below are Redis's documented ones;
// the estimator is Otmar Ertl's, "New cardinality estimation algorithms for HyperLogLog
// sketches", arXiv:1702.01284, as Redis 7.0 uses it).
//
// Layout (16-byte header, then the registers):
//
//   +------+---+-----+----------+---------------------------------+
//   | HYLL | E | N/U | Cardin.  | registers                       |
//   +------+---+-----+----------+---------------------------------+
//     4 B   1 B  3 B    8 B LE     dense: 16384 x 6 bits, LSB first
//                                  sparse: run-length opcodes
//
// E is 0 (dense) or 1 (sparse). The cached cardinality is valid unless the top bit of its last
// byte is set. Sparse opcodes:
//   ZERO   00xxxxxx            xxxxxx+1 (1-64) registers at zero
//   XZERO  01xxxxxx yyyyyyyy   xxxxxxyyyyyyyy+1 (1-16384) registers at zero
//   VAL    1vvvvvxx            xx+1 (1-4) registers at value vvvvv+1 (1-32)
// An element hashes (MurmurHash64A, seed 0xadc83b19) to a register (the low 14 bits) and a
// count: 1 + the number of trailing zeros of the remaining 50 bits (51 when all are zero).

export const HLL_REGISTERS = 16384;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = 63;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + (HLL_REGISTERS * HLL_BITS) / 8;
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const HLL_Q = 50;
const ALPHA_INF = 0.721347520444481703680;

// ------------------------------------------------------------------ hashing

// 64-bit arithmetic on (hi, lo) pairs of uint32. Results go to mulHi/mulLo rather than a
// returned tuple: PFADD hashes every element, and a tuple per multiply was most of its cost.
let mulHi = 0;
let mulLo = 0;

/** mulHi:mulLo = (ah:al) * (bh:bl) mod 2^64, in 16-bit limbs so every partial product is exact. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a48 = ah >>> 16;
  const a32 = ah & 0xffff;
  const a16 = al >>> 16;
  const a00 = al & 0xffff;
  const b48 = bh >>> 16;
  const b32 = bh & 0xffff;
  const b16 = bl >>> 16;
  const b00 = bl & 0xffff;
  let c00 = a00 * b00;
  let c16 = c00 >>> 16;
  c00 &= 0xffff;
  c16 += a16 * b00;
  let c32 = Math.floor(c16 / 0x10000);
  c16 &= 0xffff;
  c16 += a00 * b16;
  c32 += Math.floor(c16 / 0x10000);
  c16 &= 0xffff;
  c32 += a32 * b00;
  let c48 = Math.floor(c32 / 0x10000);
  c32 &= 0xffff;
  c32 += a16 * b16;
  c48 += Math.floor(c32 / 0x10000);
  c32 &= 0xffff;
  c32 += a00 * b32;
  c48 += Math.floor(c32 / 0x10000);
  c32 &= 0xffff;
  c48 += a48 * b00 + a32 * b16 + a16 * b32 + a00 * b48;
  c48 &= 0xffff;
  mulHi = ((c48 << 16) | c32) >>> 0;
  mulLo = ((c16 << 16) | c00) >>> 0;
}

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** MurmurHash64A of a latin1 string (one byte per char), little-endian blocks as on x86. */
export function murmurHash64A(s: string, seed: number): [number, number] {
  murmurInto(s, seed);
  return [mulHi, mulLo];
}

/** MurmurHash64A into mulHi:mulLo. `x ^= x >> 47` is `lo ^= hi >>> 15` on the halves. */
function murmurInto(s: string, seed: number): void {
  const len = s.length;
  mul64(0, len >>> 0, M_HI, M_LO);
  let hi = mulHi;
  let lo = (mulLo ^ seed) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const kl = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24)) >>> 0;
    const kh = (s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) | (s.charCodeAt(i + 7) << 24)) >>> 0;
    mul64(kh, kl, M_HI, M_LO);
    mul64(mulHi, (mulLo ^ (mulHi >>> 15)) >>> 0, M_HI, M_LO);
    mul64((hi ^ mulHi) >>> 0, (lo ^ mulLo) >>> 0, M_HI, M_LO);
    hi = mulHi;
    lo = mulLo;
  }
  const rest = len & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const byte = s.charCodeAt(blocks + j);
      if (j >= 4) hi = (hi ^ (byte << ((j - 4) * 8))) >>> 0;
      else lo = (lo ^ (byte << (j * 8))) >>> 0;
    }
    mul64(hi, lo, M_HI, M_LO);
    hi = mulHi;
    lo = mulLo;
  }
  mul64(hi, (lo ^ (hi >>> 15)) >>> 0, M_HI, M_LO);
  mulLo = (mulLo ^ (mulHi >>> 15)) >>> 0;
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** The register an element falls in and the count it offers (1..51). */
export function hllPatLen(element: string): { index: number; count: number } {
  patLen(element);
  return { index: patIndex, count: patCount };
}

let patIndex = 0;
let patCount = 0;

/** hllPatLen into patIndex/patCount (no object per element on the PFADD path). */
function patLen(element: string): void {
  murmurInto(element, 0xadc83b19);
  const hi = mulHi;
  const lo = mulLo;
  const index = lo & HLL_P_MASK;
  const low32 = ((lo >>> 14) | (hi << 18)) >>> 0; // bits 14..45 of the hash
  const high18 = hi >>> 14; // bits 46..63
  let count: number;
  if (low32 !== 0) count = ctz32(low32) + 1;
  else if (high18 !== 0) count = 32 + ctz32(high18) + 1;
  else count = HLL_Q + 1;
  patIndex = index;
  patCount = count;
}

// ------------------------------------------------------------------ header

/** A new, empty HLL: sparse, one XZERO opcode covering every register, cached count 0. */
export function createHll(): Buffer {
  const b = Buffer.alloc(HLL_HDR_SIZE + 2);
  b.write('HYLL', 0, 'latin1');
  b[4] = HLL_SPARSE;
  b[16] = 0x40 | ((HLL_REGISTERS - 1) >> 8);
  b[17] = (HLL_REGISTERS - 1) & 0xff;
  return b;
}

/** Redis's isHLLObjectOrReply checks: magic, encoding, and the exact dense size. */
export function isHll(s: string): boolean {
  if (s.length < HLL_HDR_SIZE || !s.startsWith('HYLL')) return false;
  const encoding = s.charCodeAt(4);
  if (encoding > HLL_SPARSE) return false;
  return encoding !== HLL_DENSE || s.length === HLL_DENSE_SIZE;
}

export function invalidateCache(b: Buffer): void {
  b[15] = (b[15] as number) | 0x80;
}

/** The cached cardinality, or null when the cache is invalid. */
export function cachedCount(b: Buffer): number | null {
  if (((b[15] as number) & 0x80) !== 0) return null;
  return Number(b.readBigUInt64LE(8));
}

export function setCachedCount(b: Buffer, count: number): void {
  b.writeBigUInt64LE(BigInt(count), 8);
}

// ------------------------------------------------------------------ reading the string form
// PFADD of elements that raise no register and PFCOUNT with a valid cache read the stored
// string directly: copying a 12 KB dense HLL into a Buffer was a third of PFADD's time.

/** A dense register read from the HLL's string form. */
export function denseGetString(s: string, index: number): number {
  const pos = HLL_HDR_SIZE * 8 + index * HLL_BITS;
  const byte = pos >>> 3;
  const shift = pos & 7;
  const next = byte + 1 < s.length ? s.charCodeAt(byte + 1) : 0;
  return ((s.charCodeAt(byte) >>> shift) | (next << (8 - shift))) & HLL_REGISTER_MAX;
}

/** The cached cardinality of an HLL's string form, or null when the cache is invalid. */
export function cachedCountString(s: string): number | null {
  if ((s.charCodeAt(15) & 0x80) !== 0) return null;
  let count = 0;
  for (let i = 15; i >= 8; i--) count = count * 256 + s.charCodeAt(i);
  return count;
}

/**
 * True when PFADD of these elements would raise no register of a dense HLL (string form), so
 * the command changes nothing. Sparse HLLs answer false: the caller takes the general path.
 */
export function denseAddsNothing(s: string, elements: readonly string[], from: number): boolean {
  if (s.charCodeAt(4) !== HLL_DENSE) return false;
  for (let j = from; j < elements.length; j++) {
    patLen(elements[j] as string);
    if (denseGetString(s, patIndex) < patCount) return false;
  }
  return true;
}

// ------------------------------------------------------------------ dense registers

export function denseGet(b: Buffer, index: number): number {
  const pos = HLL_HDR_SIZE * 8 + index * HLL_BITS;
  const byte = pos >>> 3;
  const shift = pos & 7;
  const next = byte + 1 < b.length ? (b[byte + 1] as number) : 0;
  return (((b[byte] as number) >>> shift) | (next << (8 - shift))) & HLL_REGISTER_MAX;
}

function denseSet(b: Buffer, index: number, value: number): void {
  const pos = HLL_HDR_SIZE * 8 + index * HLL_BITS;
  const byte = pos >>> 3;
  const shift = pos & 7;
  b[byte] = ((b[byte] as number) & ~(HLL_REGISTER_MAX << shift) & 0xff) | ((value << shift) & 0xff);
  if (shift > 8 - HLL_BITS && byte + 1 < b.length) {
    const high = 8 - shift;
    b[byte + 1] = ((b[byte + 1] as number) & ~(HLL_REGISTER_MAX >>> high)) | (value >>> high);
  }
}

/** Sets a dense register to `count` if that raises it; 1 when changed. */
function denseAdd(b: Buffer, index: number, count: number): number {
  if (denseGet(b, index) >= count) return 0;
  denseSet(b, index, count);
  return 1;
}

// ------------------------------------------------------------------ sparse

interface Opcode {
  /** Register run length and value (0 for ZERO/XZERO). */
  len: number;
  value: number;
  /** Bytes of the opcode (1, or 2 for XZERO). */
  size: number;
}

function readOpcode(b: Buffer, p: number): Opcode {
  const op = b[p] as number;
  if ((op & 0xc0) === 0) return { len: (op & 0x3f) + 1, value: 0, size: 1 };
  if ((op & 0xc0) === 0x40) return { len: (((op & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1, value: 0, size: 2 };
  return { len: (op & 3) + 1, value: ((op >>> 2) & 0x1f) + 1, size: 1 };
}

function valOpcode(value: number, len: number): number {
  return 0x80 | ((value - 1) << 2) | (len - 1);
}

function zeroOpcodes(len: number): number[] {
  if (len > SPARSE_ZERO_MAX_LEN) return [0x40 | ((len - 1) >> 8), (len - 1) & 0xff];
  return [len - 1];
}

/** Dense copy of a sparse HLL (header kept, encoding changed); null when the sparse data is corrupt. */
export function sparseToDense(b: Buffer): Buffer | null {
  const dense = Buffer.alloc(HLL_DENSE_SIZE);
  b.copy(dense, 0, 0, HLL_HDR_SIZE);
  dense[4] = HLL_DENSE;
  let index = 0;
  for (let p = HLL_HDR_SIZE; p < b.length; ) {
    const op = readOpcode(b, p);
    p += op.size;
    if (index + op.len > HLL_REGISTERS) return null;
    if (op.value > 0) for (let i = 0; i < op.len; i++) denseSet(dense, index + i, op.value);
    index += op.len;
  }
  return index === HLL_REGISTERS ? dense : null;
}

/** Where `index` falls: the opcode's offset, first register, and the previous opcode's offset. */
function locate(b: Buffer, index: number): { p: number; first: number; prev: number; op: Opcode } | null {
  let first = 0;
  let prev = -1;
  for (let p = HLL_HDR_SIZE; p < b.length; ) {
    const op = readOpcode(b, p);
    if (index <= first + op.len - 1) return { p, first, prev, op };
    prev = p;
    p += op.size;
    first += op.len;
  }
  return null;
}

/**
 * Merges adjacent VAL opcodes of equal value, scanning up to 5 opcodes from offset `start`;
 * returns the length of the opcodes in `b` (from HLL_HDR_SIZE) after the merges.
 */
function mergeAdjacent(b: Buffer, start: number, end: number): number {
  let p = start;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const op = b[p] as number;
    if ((op & 0xc0) === 0x40) {
      p += 2;
      continue;
    }
    if ((op & 0xc0) === 0) {
      p++;
      continue;
    }
    if (p + 1 < end && ((b[p + 1] as number) & 0x80) !== 0) {
      const next = b[p + 1] as number;
      const v1 = ((op >>> 2) & 0x1f) + 1;
      const v2 = ((next >>> 2) & 0x1f) + 1;
      const len = (op & 3) + (next & 3) + 2;
      if (v1 === v2 && len <= SPARSE_VAL_MAX_LEN) {
        b[p + 1] = valOpcode(v1, len);
        b.copyWithin(p, p + 1, end);
        end--;
        continue;
      }
    }
    p++;
  }
  return end;
}

/** The opcodes replacing `op` (covering [first, first+len)) when register `index` becomes `count`. */
function splitOpcode(op: Opcode, first: number, index: number, count: number): number[] {
  const last = first + op.len - 1;
  const seq: number[] = [];
  if (op.value === 0) {
    if (index !== first) seq.push(...zeroOpcodes(index - first));
    seq.push(valOpcode(count, 1));
    if (index !== last) seq.push(...zeroOpcodes(last - index));
  } else {
    if (index !== first) seq.push(valOpcode(op.value, index - first));
    seq.push(valOpcode(count, 1));
    if (index !== last) seq.push(valOpcode(op.value, last - index));
  }
  return seq;
}

export interface AddResult {
  /** The HLL after the change (a new Buffer when it was promoted to dense or resized). */
  hll: Buffer;
  /** 1 changed, 0 unchanged, -1 corrupt. */
  result: number;
}

/**
 * Raises register `index` of a sparse HLL to `count`, with Redis's opcode rewriting (so the
 * bytes equal Redis's); promotes to dense when the value does not fit a VAL opcode or the
 * string would pass `sparseMaxBytes`.
 */
function sparseSet(b: Buffer, index: number, count: number, sparseMaxBytes: number): AddResult {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(b, index, count);
  const at = locate(b, index);
  if (at === null) return { hll: b, result: -1 };
  const { p, first, prev, op } = at;
  if (op.value !== 0 && op.value >= count) return { hll: b, result: 0 };
  let out: Buffer;
  if (op.len === 1 && op.size === 1) {
    // A single register (VAL of length 1, or ZERO of length 1): the opcode is replaced in place.
    out = Buffer.from(b);
    out[p] = valOpcode(count, 1);
  } else {
    const seq = splitOpcode(op, first, index, count);
    const delta = seq.length - op.size;
    if (delta > 0 && b.length + delta > sparseMaxBytes) return promote(b, index, count);
    out = Buffer.allocUnsafe(b.length + delta);
    b.copy(out, 0, 0, p);
    out.set(seq, p);
    b.copy(out, p + seq.length, p + op.size);
  }
  const end = mergeAdjacent(out, prev < 0 ? HLL_HDR_SIZE : prev, out.length);
  if (end < out.length) out = out.subarray(0, end);
  invalidateCache(out);
  return { hll: out, result: 1 };
}

function promote(b: Buffer, index: number, count: number): AddResult {
  const dense = sparseToDense(b);
  if (dense === null) return { hll: b, result: -1 };
  denseSet(dense, index, count);
  invalidateCache(dense);
  return { hll: dense, result: 1 };
}

/** Sets register `index` to at least `count`, in either encoding. */
export function hllSet(b: Buffer, index: number, count: number, sparseMaxBytes: number): AddResult {
  if (b[4] === HLL_DENSE) {
    const changed = denseAdd(b, index, count);
    if (changed === 1) invalidateCache(b);
    return { hll: b, result: changed };
  }
  return sparseSet(b, index, count, sparseMaxBytes);
}

/** PFADD of one element. */
export function hllAdd(b: Buffer, element: string, sparseMaxBytes: number): AddResult {
  patLen(element);
  return hllSet(b, patIndex, patCount, sparseMaxBytes);
}

/** max[i] = max(max[i], register i) over an HLL; false when it is corrupt. */
export function hllMerge(max: Uint8Array, b: Buffer): boolean {
  if (b[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, i);
      if (v > (max[i] as number)) max[i] = v;
    }
    return true;
  }
  let index = 0;
  for (let p = HLL_HDR_SIZE; p < b.length; ) {
    const op = readOpcode(b, p);
    p += op.size;
    if (index + op.len > HLL_REGISTERS) return false;
    if (op.value > 0) {
      for (let i = index; i < index + op.len; i++) if (op.value > (max[i] as number)) max[i] = op.value;
    }
    index += op.len;
  }
  return index === HLL_REGISTERS;
}

// ------------------------------------------------------------------ estimation

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let zPrime: number;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let zPrime: number;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (zPrime !== z);
  return z / 3;
}

function estimate(histogram: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - (histogram[HLL_Q + 1] as number)) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += histogram[j] as number;
    z *= 0.5;
  }
  z += m * sigma((histogram[0] as number) / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** The estimated cardinality of one HLL, or null when it is corrupt. */
export function hllCount(b: Buffer): number | null {
  const histogram = new Int32Array(64);
  if (b[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) { const r = denseGet(b, i); histogram[r] = (histogram[r] as number) + 1; }
    return estimate(histogram);
  }
  let index = 0;
  for (let p = HLL_HDR_SIZE; p < b.length; ) {
    const op = readOpcode(b, p);
    p += op.size;
    index += op.len;
    histogram[op.value] = (histogram[op.value] as number) + op.len;
  }
  return index === HLL_REGISTERS ? estimate(histogram) : null;
}

/** The estimated cardinality of merged registers (PFCOUNT of several keys). */
export function rawCount(max: Uint8Array): number {
  const histogram = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) { const r = max[i] as number; histogram[r] = (histogram[r] as number) + 1; }
  return estimate(histogram);
}

/** PFDEBUG DECODE's text of a sparse HLL: "z:len", "Z:len", "v:value,len" opcodes. */
export function decodeSparse(b: Buffer): string {
  const parts: string[] = [];
  for (let p = HLL_HDR_SIZE; p < b.length; ) {
    const op = readOpcode(b, p);
    const kind = op.value > 0 ? `v:${op.value},${op.len}` : `${op.size === 2 ? 'Z' : 'z'}:${op.len}`;
    parts.push(kind);
    p += op.size;
  }
  return parts.join(' ');
}
