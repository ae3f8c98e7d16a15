// Stream entry IDs: 128 bits as two unsigned 64-bit halves (milliseconds, sequence), held as
// bigints so 18446744073709551615-18446744073709551615 is exact. Parsing follows Redis 7.0's
// streamGenericParseIDOrReply (the halves read as string2ull: strict decimal, else strtoull's
// lenient form) and its increment/decrement. Redis equivalent: the streamID helpers in t_stream.c.

export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

export const U64_MAX = 0xffffffffffffffffn;
export const ZERO_ID: StreamId = { ms: 0n, seq: 0n };
export const MAX_ID: StreamId = { ms: U64_MAX, seq: U64_MAX };

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function isZeroId(id: StreamId): boolean {
  return id.ms === 0n && id.seq === 0n;
}

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** A map key for an ID (16 big-endian bytes as latin1: sorts as the ID does). */
export function idKey(id: StreamId): string {
  return u64Key(id.ms) + u64Key(id.seq);
}

function u64Key(v: bigint): string {
  const hi = Number(v >> 32n);
  const lo = Number(v & 0xffffffffn);
  return String.fromCharCode(hi >>> 24, (hi >>> 16) & 255, (hi >>> 8) & 255, hi & 255,
    lo >>> 24, (lo >>> 16) & 255, (lo >>> 8) & 255, lo & 255);
}

/** The next ID, or null past the last possible one. */
export function incrId(id: StreamId): StreamId | null {
  if (id.seq !== U64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms !== U64_MAX) return { ms: id.ms + 1n, seq: 0n };
  return null;
}

/** The previous ID, or null before 0-0. */
export function decrId(id: StreamId): StreamId | null {
  if (id.seq !== 0n) return { ms: id.ms, seq: id.seq - 1n };
  if (id.ms !== 0n) return { ms: id.ms - 1n, seq: U64_MAX };
  return null;
}

const STRICT_RE = /^(?:0|[1-9]\d{0,19})$/;
const LENIENT_RE = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/;

/** Redis's string2ull: a strict int64 (non-negative), else strtoull over the whole string. */
export function parseU64(text: string): bigint | null {
  if (STRICT_RE.test(text)) {
    const v = BigInt(text);
    if (v <= 0x7fffffffffffffffn) return v;
  } else if (/^-[1-9]\d{0,18}$/.test(text) && BigInt(text) >= -(2n ** 63n)) {
    return null; // string2ll accepts it, and it is negative
  }
  const m = LENIENT_RE.exec(text);
  if (m === null) return null;
  const magnitude = BigInt(m[2] as string);
  if (magnitude > U64_MAX) return null;
  return m[1] === '-' ? (U64_MAX + 1n - magnitude) & U64_MAX : magnitude;
}

export interface ParsedId {
  id: StreamId;
  /** False for the `ms-*` form (XADD). */
  seqGiven: boolean;
}

/**
 * Parses `ms-seq`, `ms` (seq = missingSeq), `-` and `+` (unless strict), and `ms-*` when
 * allowStar. Null when invalid.
 */
export function parseId(
  text: string,
  options: { missingSeq: bigint; strict: boolean; allowStar?: boolean },
): ParsedId | null {
  if (text.length > 127) return null;
  if (text === '-' || text === '+') {
    if (options.strict) return null;
    return { id: text === '-' ? ZERO_ID : MAX_ID, seqGiven: true };
  }
  const dash = text.indexOf('-');
  const msText = dash < 0 ? text : text.slice(0, dash);
  const ms = parseU64(msText);
  if (ms === null) return null;
  if (dash < 0) return { id: { ms, seq: options.missingSeq }, seqGiven: true };
  const seqText = text.slice(dash + 1);
  if (options.allowStar === true && seqText === '*') return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = parseU64(seqText);
  if (seq === null) return null;
  return { id: { ms, seq }, seqGiven: true };
}
