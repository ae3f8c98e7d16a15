// Which arguments of a call are keys, with the key-spec flags each carries: the one answer
// for COMMAND GETKEYS / GETKEYSANDFLAGS, the ACL key check and client-side tracking. Key specs
// first; when a spec cannot say (unknown search, incomplete, or flags that depend on the
// arguments), the command's own key finder decides, as Redis 7.0's
// getKeysFromCommandWithSpecs falls back to a command's getkeys_proc (db.c).

import type { CommandSpec, KeySpec } from './spec.js';

export interface KeyArgument {
  readonly index: number;
  readonly flags: readonly string[];
}

const RO_ACCESS = ['RO', 'access'];
const RW_ACCESS_UPDATE = ['RW', 'access', 'update'];
const RW_ACCESS_DELETE = ['RW', 'access', 'delete'];
const OW_UPDATE = ['OW', 'update'];

/**
 * Commands with a key count: where the count is, where the keys start, and the destination key
 * (0: none). Their finder reads the count as C's atoi does, so "01" or "+1", which the key spec
 * refuses, still name keys (with no flags, the destination last), as in Redis 7.0.
 */
const COUNTED: readonly (readonly [string[], number, number, number])[] = [
  [['eval', 'eval_ro', 'evalsha', 'evalsha_ro', 'fcall', 'fcall_ro', 'blmpop', 'bzmpop'], 2, 3, 0],
  [['zunion', 'zinter', 'zdiff', 'sintercard', 'zintercard', 'lmpop', 'zmpop'], 1, 2, 0],
  [['zunionstore', 'zinterstore', 'zdiffstore'], 2, 3, 1],
];

/** The key finders of commands whose key specs cannot describe every call. */
const KEY_FINDERS: ReadonlyMap<string, (argv: readonly string[]) => KeyArgument[]> = new Map([
  ...COUNTED.flatMap(([names, countAt, firstAt, storeAt]) =>
    names.map((name) => [name, (argv: readonly string[]) => countedKeys(argv, countAt, firstAt, storeAt)] as const)),
  ['sort', sortKeys],
  ['sort_ro', (): KeyArgument[] => [{ index: 1, flags: RO_ACCESS }]],
  ['migrate', migrateKeys],
  ['set', setKeys],
  ['bitfield', bitfieldKeys],
]);

/** Whether the command names keys at all (Redis's doesCommandHaveKeys). */
export function commandHasKeys(spec: CommandSpec): boolean {
  return KEY_FINDERS.has(spec.name) || spec.keySpecs.some((k) => !k.flags.includes('not_key'));
}

/** The key arguments of `argv` (argv[0] is the command name), in Redis's order. */
export function keyArgumentsWithFlags(spec: CommandSpec, argv: readonly string[]): KeyArgument[] {
  const variable = spec.keySpecs.some((k) => k.flags.includes('variable_flags'));
  if (!variable && spec.keySpecs.some((k) => !k.flags.includes('not_key'))) {
    const found = keysFromSpecs(spec.keySpecs, argv);
    if (found !== null) return found;
  }
  return KEY_FINDERS.get(spec.name)?.(argv) ?? [];
}

/** Keys per spec; null when a spec cannot answer for this call (the fallback decides). */
function keysFromSpecs(specs: readonly KeySpec[], argv: readonly string[]): KeyArgument[] | null {
  const out: KeyArgument[] = [];
  for (const keySpec of specs) {
    if (keySpec.flags.includes('not_key')) continue;
    const first = beginIndex(keySpec, argv);
    if (first === 'invalid') return null;
    if (first === null) continue;
    const range = keyRange(keySpec, argv, first);
    if (range === null) return null;
    for (let i = range.first; i <= range.last; i += range.step) {
      // Past the end: a variadic call too short for its keys names none there (Redis skips).
      if (i < argv.length) out.push({ index: i, flags: keySpec.flags });
    }
    if (keySpec.flags.includes('incomplete')) return null;
  }
  return out;
}

/** Where a spec's keys start: an index, null (keyword absent: none), or 'invalid'. */
function beginIndex(keySpec: KeySpec, argv: readonly string[]): number | null | 'invalid' {
  const begin = keySpec.beginSearch;
  if (begin.type === 'index') return begin.index < argv.length ? begin.index : null;
  if (begin.type !== 'keyword') return 'invalid';
  const keyword = begin.keyword.toLowerCase();
  const from = begin.startFrom >= 0 ? begin.startFrom : argv.length + begin.startFrom;
  const step = begin.startFrom >= 0 ? 1 : -1;
  for (let i = from; i > 0 && i < argv.length; i += step) {
    if ((argv[i] as string).toLowerCase() === keyword) return i + 1;
  }
  return null;
}

function keyRange(
  keySpec: KeySpec, argv: readonly string[], first: number,
): { first: number; last: number; step: number } | null {
  const find = keySpec.findKeys;
  if (find.type === 'range') {
    let last: number;
    if (find.lastKey >= 0) last = first + find.lastKey;
    else if (find.limit === 0) last = argv.length + find.lastKey;
    else last = first + Math.floor((argv.length - first) / find.limit) + find.lastKey;
    return { first, last, step: Math.max(1, find.keyStep) };
  }
  if (find.type !== 'keynum') return null;
  const countAt = first + find.keyNumIdx;
  if (countAt >= argv.length) return null;
  const count = strictInteger(argv[countAt] as string);
  if (count === null || count < 0) return null;
  const start = first + find.firstKey;
  const last = start + count - 1;
  if (last >= argv.length) return null;
  return { first: start, last, step: Math.max(1, find.keyStep) };
}

/** A base-10 integer with no sign but '-', no spaces, no leading zeros (Redis's string2ll). */
function strictInteger(text: string): number | null {
  if (!/^(0|-?[1-9][0-9]{0,15})$/.test(text)) return null;
  return Number(text);
}

function countedKeys(argv: readonly string[], countAt: number, firstAt: number, storeAt: number): KeyArgument[] {
  const count = atoi(argv[countAt] ?? '');
  if (count < 1 || count > argv.length - firstAt) return [];
  const keys: KeyArgument[] = [];
  for (let i = 0; i < count; i++) keys.push({ index: firstAt + i, flags: [] });
  if (storeAt > 0) keys.push({ index: storeAt, flags: [] });
  return keys;
}

/** C's atoi: leading blanks, a sign, digits up to the first non-digit; 0 when none. */
function atoi(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(text);
  if (match === null) return 0;
  const n = Number(match[1]);
  return Number.isSafeInteger(n) ? n : 0;
}

/** SORT: the key, and the last STORE's destination; BY/GET take patterns, LIMIT two numbers. */
function sortKeys(argv: readonly string[]): KeyArgument[] {
  const keys: KeyArgument[] = [{ index: 1, flags: RO_ACCESS }];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const word = (argv[i] as string).toLowerCase();
    if (word === 'limit') i += 2;
    else if (word === 'get' || word === 'by') i += 1;
    else if (word === 'store' && i + 1 < argv.length) store = i + 1;
  }
  if (store >= 0) keys.push({ index: store, flags: OW_UPDATE });
  return keys;
}

/** MIGRATE: the key, or with KEYS (and an empty key argument) every name after KEYS. */
function migrateKeys(argv: readonly string[]): KeyArgument[] {
  for (let i = 6; i < argv.length; i++) {
    if ((argv[i] as string).toLowerCase() !== 'keys') continue;
    if (argv[3] !== '') return [];
    const keys: KeyArgument[] = [];
    for (let k = i + 1; k < argv.length; k++) keys.push({ index: k, flags: RW_ACCESS_DELETE });
    return keys;
  }
  return [{ index: 3, flags: RW_ACCESS_DELETE }];
}

/** SET reads the old value only with GET. */
function setKeys(argv: readonly string[]): KeyArgument[] {
  const get = argv.slice(3).some((a) => a.toLowerCase() === 'get');
  return [{ index: 1, flags: get ? RW_ACCESS_UPDATE : OW_UPDATE }];
}

/** BITFIELD is read-only when it has nothing but complete GET and OVERFLOW operations. */
function bitfieldKeys(argv: readonly string[]): KeyArgument[] {
  let readonly = true;
  for (let i = 2; i < argv.length && readonly; i++) {
    const word = (argv[i] as string).toLowerCase();
    const remaining = argv.length - i - 1;
    if (word === 'get' && remaining >= 2) i += 2;
    else if (word === 'overflow' && remaining >= 1) i += 1;
    else readonly = false;
  }
  return [{ index: 1, flags: readonly ? RO_ACCESS : RW_ACCESS_UPDATE }];
}
