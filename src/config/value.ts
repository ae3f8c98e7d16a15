// Parsing and formatting of one directive's value, per kind: what CONFIG SET and a config file
// accept, the exact Redis 7.0 reason text when they do not, and what CONFIG GET and CONFIG REWRITE
// print. Pure functions: no state, no I/O. Redis equivalent: the set/get/rewrite callbacks of each
// config type in config.c (behaviour observed on redis-server 7.0.15).

import { unreachable } from '../assert.js';
import { I64_MAX, U64_MAX, isMultiArg } from './schema.js';
import type { ConfigEntry, ConfigValue, EnumEntry, MemoryEntry, SpecialEntry } from './schema.js';

export type ParseResult = { ok: true; value: ConfigValue } | { ok: false; error: string };

const fail = (error: string): ParseResult => ({ ok: false, error });
const okValue = (value: ConfigValue): ParseResult => ({ ok: true, value });

/** The reason texts Redis 7.0 prints after "CONFIG SET failed ... - " or in a fatal file error. */
export const REASON = {
  wrongArgs: 'wrong number of arguments',
  notInteger: "argument couldn't be parsed into an integer",
  notBool: "argument must be 'yes' or 'no'",
  notMemory: 'argument must be a memory value',
  notMemoryOrPercent: 'argument must be a memory or percent value',
  percentTooBig: 'percentage argument must be less or equal to 100',
  notOctal: "argument couldn't be parsed as an octal number",
  invalidSave: 'Invalid save parameters',
  tooManyBind: 'Too many bind addresses specified.',
  oomValues: 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.',
  percentilesInvalid: 'Invalid latency-tracking-info-percentiles parameters',
  percentilesRange: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]',
  cobArgs: 'Wrong number of arguments in buffer limit configuration.',
  cobClass: 'Invalid client class specified in buffer limit configuration.',
  cobValues: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.',
  notifyClass: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
} as const;

const range = (min: bigint, max: bigint): string =>
  `argument must be between ${min.toString()} and ${max.toString()} inclusive`;

/** Bound on bind addresses, as Redis's CONFIG_BINDADDR_MAX. */
export const BIND_ADDRESSES_MAX = 16;

/**
 * The data files live in `dir`: their names may not be paths, so a CONFIG SET or config line can
 * never point a dump or AOF file outside the data directory (Redis 7.0's rule and texts).
 * VESTA: appenddirname may also be an absolute path (the AOF directory on another disk); it is
 * immutable, so only the config file and the command line can set it. A relative name with a
 * '/' is refused as Redis refuses it.
 */
function checkPlainName(name: string, value: string): ParseResult | null {
  if (value === '' && (name === 'appenddirname' || name === 'appendfilename')) {
    return fail(`${name} can't be empty`);
  }
  if (!value.includes('/')) return null;
  if (name === 'dbfilename' || name === 'appendfilename') {
    return fail(`${name} can't be a path, just a filename`);
  }
  if (name === 'appenddirname' && !value.startsWith('/')) {
    return fail("appenddirname can't be a path, just a dirname");
  }
  return null;
}

/**
 * Parses `args` (the words after the directive name) into a value for `entry`.
 * 'current' is the value now held: client-output-buffer-limit changes only the classes named.
 * Returns the Redis reason text on failure. Never throws for bad input.
 */
export function parseValue(entry: ConfigEntry, args: readonly string[], current: ConfigValue): ParseResult {
  if (entry.kind === 'special') return parseSpecial(entry, args, current);
  if (entry.kind === 'enum' && entry.flags === true) return parseFlags(entry, args);
  if (args.length !== 1) return fail(REASON.wrongArgs);
  const arg = args[0] ?? '';
  switch (entry.kind) {
    case 'bool': {
      const lower = arg.toLowerCase();
      return lower === 'yes' ? okValue(true) : lower === 'no' ? okValue(false) : fail(REASON.notBool);
    }
    case 'int': {
      const n = parseInt64(arg);
      if (n === null) return fail(REASON.notInteger);
      if (n < entry.min || n > entry.max) return fail(range(entry.min, entry.max));
      return okValue(n);
    }
    case 'memory':
      return parseMemoryEntry(entry, arg);
    case 'enum': {
      const lower = arg.toLowerCase();
      if (entry.values.includes(lower)) return okValue(lower);
      return fail(`argument(s) must be one of the following: ${entry.values.join(', ')}`);
    }
    case 'string':
      return checkPlainName(entry.name, arg) ?? okValue(arg);
    case 'octal':
      return /^[0-7]{1,11}$/.test(arg) ? okValue(BigInt(`0o${arg}`)) : fail(REASON.notOctal);
    default:
      return unreachable(entry);
  }
}

/**
 * A flags enum (shutdown-on-sigint "nosave now"): every word one of the values, at least one,
 * kept in the schema's order; values[0] ("default") alone when no other flag is set.
 */
function parseFlags(entry: EnumEntry, args: readonly string[]): ParseResult {
  const oneOf = `argument(s) must be one of the following: ${entry.values.join(', ')}`;
  if (args.length === 0) return fail(oneOf);
  const set = new Set<string>();
  for (const arg of args) {
    const lower = arg.toLowerCase();
    if (!entry.values.includes(lower)) return fail(oneOf);
    set.add(lower);
  }
  if (set.has('save') && set.has('nosave')) return fail("shutdown options SAVE and NOSAVE can't be used simultaneously");
  const words = entry.values.slice(1).filter((v) => set.has(v));
  return okValue(words.length === 0 ? entry.default : words.join(' '));
}

/**
 * CONFIG SET passes one string; multi-word directives split it at each single space, as Redis's
 * sdssplitlen does: "1 2  3 4" has an empty word (refused), "" has none (clears).
 */
export function setArgs(entry: ConfigEntry, value: string): string[] {
  if (isMultiArg(entry)) {
    return value === '' ? [] : value.split(' ');
  }
  return [value];
}

/** What CONFIG GET prints for a value. */
export function formatValue(entry: ConfigEntry, value: ConfigValue): string {
  switch (entry.kind) {
    case 'bool':
      return value === true ? 'yes' : 'no';
    case 'int':
      return String(value);
    case 'memory':
      return typeof value === 'bigint' && value < 0n ? `${String(-value)}%` : String(value);
    case 'octal':
      return typeof value === 'bigint' ? value.toString(8) : String(value);
    case 'enum':
    case 'string':
      return String(value);
    case 'special':
      return entry.name === 'notify-keyspace-events' ? notifyDisplay(String(value)) : String(value);
    default:
      return unreachable(entry);
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** Strict signed 64-bit decimal, like Redis's string2ll: no sign "+", no leading zeros, no "-0". */
export function parseInt64(text: string): bigint | null {
  if (text.length > 20 || !/^(0|-?[1-9][0-9]*)$/.test(text)) return null;
  const n = BigInt(text);
  return n > I64_MAX || n < -I64_MAX - 1n ? null : n;
}

const MEMORY_UNITS: Readonly<Record<string, bigint>> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

/**
 * A byte count as Redis reads it: decimal digits (possibly none, meaning 0) and an optional unit
 * b, k, kb, m, mb, g, gb in any case. Values past 2^64-1 saturate, as strtoull does.
 */
export function parseMemory(text: string): bigint | null {
  const match = /^([0-9]{0,40})([a-zA-Z]{0,2})$/.exec(text);
  if (match === null) return null;
  const multiplier = MEMORY_UNITS[(match[2] ?? '').toLowerCase()];
  if (multiplier === undefined) return null;
  const digits = match[1] ?? '';
  const n = (digits === '' ? 0n : BigInt(digits)) * multiplier;
  return n > U64_MAX ? U64_MAX : n;
}

function parseMemoryEntry(entry: MemoryEntry, arg: string): ParseResult {
  if (entry.percent === true) {
    const pct = /^([0-9]{1,20})%$/.exec(arg);
    if (pct !== null) {
      const p = BigInt(pct[1] ?? '0');
      return p > 100n ? fail(REASON.percentTooBig) : okValue(-p);
    }
  }
  const n = parseMemory(arg);
  if (n === null) return fail(entry.percent === true ? REASON.notMemoryOrPercent : REASON.notMemory);
  if (entry.percent === true) {
    // Redis keeps this value signed; a number past 2^63-1 wraps negative and reads as a percent.
    const signed = n > I64_MAX ? n - U64_MAX - 1n : n;
    if (signed < 0n && -signed > 100n) return fail(REASON.percentTooBig);
    return okValue(signed);
  }
  if (n < entry.min || n > entry.max) return fail(range(entry.min, entry.max));
  return okValue(n);
}

/** Bytes in the largest exact unit, as CONFIG REWRITE writes them ("2gb", "64mb", "100"). */
export function formatMemoryForRewrite(bytes: bigint): string {
  const units: [bigint, string][] = [
    [1024n * 1024n * 1024n, 'gb'],
    [1024n * 1024n, 'mb'],
    [1024n, 'kb'],
  ];
  for (const [size, unit] of units) {
    if (bytes !== 0n && bytes % size === 0n) return `${String(bytes / size)}${unit}`;
  }
  return String(bytes);
}

// ---------------------------------------------------------------------------------------------
// Special directives

function parseSpecial(entry: SpecialEntry, args: readonly string[], current: ConfigValue): ParseResult {
  switch (entry.name) {
    case 'save':
      return parseSave(args);
    case 'bind':
      if (args.length > BIND_ADDRESSES_MAX) return fail(REASON.tooManyBind);
      return args.length === 0 ? fail(REASON.wrongArgs) : okValue(args.join(' '));
    case 'client-output-buffer-limit':
      return parseOutputBufferLimit(args, String(current));
    case 'notify-keyspace-events':
      return args.length === 1 ? parseNotify(args[0] ?? '') : fail(REASON.wrongArgs);
    case 'oom-score-adj-values':
      return parseOomValues(args);
    case 'latency-tracking-info-percentiles':
      return parsePercentiles(args);
    case 'replicaof':
      return parseReplicaof(args);
    default:
      throw new Error(`config: special directive ${entry.name} has no parser`);
  }
}

/** `save ""` (or no words) clears; otherwise pairs of non-negative integers. */
function parseSave(args: readonly string[]): ParseResult {
  if (args.length === 0 || (args.length === 1 && args[0] === '')) return okValue('');
  if (args.length % 2 !== 0) return fail(REASON.invalidSave);
  const out: string[] = [];
  for (const word of args) {
    const n = parseInt64(word.replace(/^0+(?=\d)/, ''));
    if (n === null || n < 0n) return fail(REASON.invalidSave);
    out.push(String(n));
  }
  return okValue(out.join(' '));
}

const COB_CLASSES = ['normal', 'slave', 'pubsub'] as const;

/** Groups of `<class> <hard> <soft> <soft seconds>`; classes not named keep their current limits. */
function parseOutputBufferLimit(args: readonly string[], current: string): ParseResult {
  if (args.length === 0 || args.length % 4 !== 0) return fail(REASON.cobArgs);
  const limits = new Map<string, string[]>();
  const words = current.split(' ');
  for (let i = 0; i + 3 < words.length; i += 4) limits.set(words[i] ?? '', words.slice(i + 1, i + 4));
  for (let i = 0; i < args.length; i += 4) {
    let cls = (args[i] ?? '').toLowerCase();
    if (cls === 'replica') cls = 'slave';
    if (!(COB_CLASSES as readonly string[]).includes(cls)) return fail(REASON.cobClass);
    const hard = parseMemory(args[i + 1] ?? '');
    const soft = parseMemory(args[i + 2] ?? '');
    const seconds = parseInt64(args[i + 3] ?? '');
    if (hard === null || soft === null || seconds === null || seconds < 0n) return fail(REASON.cobValues);
    limits.set(cls, [String(hard), String(soft), String(seconds)]);
  }
  return okValue(COB_CLASSES.map((cls) => [cls, ...(limits.get(cls) ?? ['0', '0', '0'])].join(' ')).join(' '));
}

// Event classes in the order Redis prints them; 'A' stands for all of ALL_CLASSES.
const ALL_CLASSES = 'g$lshzxetd';

/** notify-keyspace-events: printed as Redis normalises it ("KEA" reads back as "AKE"). */
function parseNotify(text: string): ParseResult {
  const flags = new Set<string>();
  for (const ch of text) {
    if (ch === 'A') for (const c of ALL_CLASSES) flags.add(c);
    else if ((ALL_CLASSES + 'KEmn').includes(ch)) flags.add(ch);
    else return fail(REASON.notifyClass);
  }
  let out = '';
  if ([...ALL_CLASSES].every((c) => flags.has(c))) out = flags.has('n') ? 'An' : 'A';
  else for (const c of ALL_CLASSES + 'n') if (flags.has(c)) out += c;
  for (const c of 'KEm') if (flags.has(c)) out += c;
  return okValue(out);
}

/**
 * The stored notify-keyspace-events value keeps every class (the server reads its flags from
 * it); Redis 7.0 prints 'A' without the 'n' that follows it (CONFIG GET, CONFIG REWRITE).
 */
export function notifyDisplay(value: string): string {
  return value.startsWith('An') ? 'A' + value.slice(2) : value;
}

function parseOomValues(args: readonly string[]): ParseResult {
  if (args.length !== 3) return fail(REASON.wrongArgs);
  const out: string[] = [];
  for (const word of args) {
    const n = parseInt64(word);
    if (n === null || n < -2000n || n > 2000n) return fail(REASON.oomValues);
    out.push(String(n));
  }
  return okValue(out.join(' '));
}

function parsePercentiles(args: readonly string[]): ParseResult {
  if (args.length === 1 && args[0] === '') return okValue('');
  const out: string[] = [];
  for (const word of args) {
    const n = Number(word);
    if (word.trim() === '' || !Number.isFinite(n)) return fail(REASON.percentilesInvalid);
    if (n < 0 || n > 100) return fail(REASON.percentilesRange);
    out.push(String(n));
  }
  return okValue(out.join(' '));
}

/** `replicaof <host> <port>` or `replicaof no one`; CONFIG GET prints "" when not a replica. */
function parseReplicaof(args: readonly string[]): ParseResult {
  if (args.length !== 2) return fail(REASON.wrongArgs);
  const [host = '', port = ''] = args;
  if (host.toLowerCase() === 'no' && port.toLowerCase() === 'one') return okValue('');
  const n = parseInt64(port);
  if (n === null || n < 0n || n > 65535n) return fail('Invalid master port');
  return okValue(`${host} ${String(n)}`);
}
