// The EVAL script cache: bodies by SHA1, with their shebang flags and compiled function, and
// the memory it holds for INFO. EVAL and SCRIPT LOAD add to it; SCRIPT FLUSH empties it.
// Redis equivalent: lctx.lua_scripts and luaCreateFunction in eval.c.

import { createHash } from '../platform/crypto.js';

/** Redis's sha1hex: lower-case hex SHA1 of the latin1 bytes. */
export function sha1hex(body: string): string {
  return createHash('sha1').update(body, 'latin1').digest('hex');
}

export interface CachedScript<F> {
  readonly sha: string;
  readonly body: string;
  readonly flags: number;
  readonly fn: F;
}

/** Bytes Redis counts per cached script beyond its body (dict entry, robj, sds headers). */
const SCRIPT_OVERHEAD_BYTES = 96;

export class ScriptCache<F> {
  readonly #scripts = new Map<string, CachedScript<F>>();
  #bodyBytes = 0;

  get(sha: string): CachedScript<F> | undefined {
    // SHAs are matched case-insensitively, as Redis lower-cases EVALSHA's argument.
    return this.#scripts.get(sha.length === 40 ? sha.toLowerCase() : sha);
  }

  add(script: CachedScript<F>): void {
    if (this.#scripts.has(script.sha)) return;
    this.#scripts.set(script.sha, script);
    this.#bodyBytes += script.body.length + SCRIPT_OVERHEAD_BYTES;
  }

  has(sha: string): boolean {
    return this.get(sha) !== undefined;
  }

  flush(): void {
    this.#scripts.clear();
    this.#bodyBytes = 0;
  }

  get size(): number {
    return this.#scripts.size;
  }

  /** used_memory_scripts_eval. */
  get bytes(): number {
    return this.#bodyBytes;
  }
}
