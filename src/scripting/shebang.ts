// The first line of a script or library: EVAL's `#!lua flags=...` shebang and FUNCTION LOAD's
// `#!lua name=<lib>` metadata, with Redis 7.0's error texts. Redis equivalent:
// evalExtractShebangFlags (eval.c), functionExtractLibMetaData (functions.c) and
// scriptFlagsToCmdFlags's flag names (script.c).

/** Script flags (Redis's SCRIPT_FLAG_*). */
export const ScriptFlag = {
  noWrites: 1 << 0,
  allowOom: 1 << 1,
  allowStale: 1 << 2,
  noCluster: 1 << 3,
  /** A script without a shebang: Redis 6 rules (writes allowed, OOM checked per command). */
  evalCompatMode: 1 << 4,
  allowCrossSlot: 1 << 5,
} as const;

/** The flag names a shebang or register_function accepts, in Redis's listing order. */
export const SCRIPT_FLAG_NAMES: readonly (readonly [string, number])[] = [
  ['no-writes', ScriptFlag.noWrites],
  ['allow-oom', ScriptFlag.allowOom],
  ['allow-stale', ScriptFlag.allowStale],
  ['no-cluster', ScriptFlag.noCluster],
  ['allow-cross-slot-keys', ScriptFlag.allowCrossSlot],
];

export function scriptFlagByName(name: string): number | undefined {
  for (const [flagName, bit] of SCRIPT_FLAG_NAMES) if (flagName === name) return bit;
  return undefined;
}

/** The names of the flags set in `flags`, as FUNCTION LIST shows them. */
export function scriptFlagNames(flags: number): string[] {
  const names: string[] = [];
  for (const [name, bit] of SCRIPT_FLAG_NAMES) if ((flags & bit) !== 0) names.push(name);
  return names;
}

/** Splits on spaces as sdssplitargs does for these lines (no quotes in practice). */
function splitWords(line: string): string[] {
  return line.split(/[ \t]+/).filter((w) => w.length > 0);
}

export type ShebangResult =
  | { ok: true; flags: number; code: string }
  | { ok: false; error: string };

/**
 * EVAL's shebang. A body without one runs in compatibility mode. With one, the code compiled is
 * the body with the shebang line blanked, so line numbers in errors still count it.
 */
export function parseShebang(body: string): ShebangResult {
  if (!body.startsWith('#!')) return { ok: true, flags: ScriptFlag.evalCompatMode, code: body };
  const end = body.indexOf('\n');
  const line = end < 0 ? body : body.slice(0, end);
  const words = splitWords(line);
  if (words[0] !== '#!lua') {
    return { ok: false, error: `ERR Unexpected engine in script shebang: ${words[0] ?? line}` };
  }
  let flags = 0;
  for (const word of words.slice(1)) {
    if (!word.startsWith('flags=')) {
      return { ok: false, error: `ERR Unknown lua shebang option: ${word}` };
    }
    for (const name of word.slice(6).split(',')) {
      if (name.length === 0) continue;
      const bit = scriptFlagByName(name);
      if (bit === undefined) return { ok: false, error: `ERR Unexpected flag in script shebang: ${name}` };
      flags |= bit;
    }
  }
  return { ok: true, flags, code: end < 0 ? '' : body.slice(end) };
}

export type LibraryMetaResult =
  | { ok: true; name: string; engine: string; code: string }
  | { ok: false; error: string };

/** FUNCTION LOAD's first line: `#!<engine> name=<library>`. */
export function parseLibraryMeta(code: string): LibraryMetaResult {
  if (!code.startsWith('#!')) return { ok: false, error: 'ERR Missing library metadata' };
  const end = code.indexOf('\n');
  if (end < 0) return { ok: false, error: 'ERR Invalid library metadata' };
  const words = splitWords(code.slice(2, end));
  const engine = words[0] ?? '';
  let name: string | null = null;
  for (const word of words.slice(1)) {
    if (!word.startsWith('name=')) return { ok: false, error: `ERR Invalid metadata value given: ${word}` };
    if (name !== null) {
      return { ok: false, error: 'ERR Invalid metadata value, name argument was given multiple times' };
    }
    name = word.slice(5);
  }
  if (name === null) return { ok: false, error: 'ERR Library name was not given' };
  if (engine.toLowerCase() !== 'lua') return { ok: false, error: `ERR Engine '${engine}' not found` };
  if (!isValidName(name)) {
    return {
      ok: false,
      error: 'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long',
    };
  }
  return { ok: true, name, engine: 'LUA', code: code.slice(end) };
}

/** Library and function names: letters, digits and underscores, at least one. */
export function isValidName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}
