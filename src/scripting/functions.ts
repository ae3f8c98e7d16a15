// The function libraries loaded with FUNCTION LOAD: libraries by name, functions by name (one
// namespace across libraries), and the transactional load / restore rules with Redis 7.0's
// error texts. The engine-specific part (running a library's code so it registers its
// functions) is passed in as a LibraryCompiler. Redis equivalent: functions.c.

import { parseLibraryMeta } from './shebang.js';
import { libraryExists } from '../commands/errors.js';

export interface FunctionInfo<F> {
  readonly name: string;
  readonly description: string | null;
  readonly flags: number;
  readonly fn: F;
  readonly library: LibraryInfo<F>;
  calls: number;
}

export interface LibraryInfo<F> {
  readonly name: string;
  readonly engine: string;
  readonly code: string;
  readonly functions: Map<string, FunctionInfo<F>>;
}

/** What register_function produced for one function. */
export interface RegisteredFunction<F> {
  name: string;
  description: string | null;
  flags: number;
  fn: F;
}

/** Runs a library's code (the part after its metadata line); returns its functions or an error. */
export type LibraryCompiler<F> = (
  code: string,
) => { ok: true; functions: RegisteredFunction<F>[] } | { ok: false; error: string };

export type RestorePolicy = 'append' | 'replace' | 'flush';

/** Bytes Redis counts per library and per function beyond their code and names. */
const LIBRARY_OVERHEAD_BYTES = 184;
const FUNCTION_OVERHEAD_BYTES = 112;

export class FunctionRegistry<F> {
  #libraries = new Map<string, LibraryInfo<F>>();
  #functions = new Map<string, FunctionInfo<F>>();

  get libraries(): ReadonlyMap<string, LibraryInfo<F>> {
    return this.#libraries;
  }

  get functions(): ReadonlyMap<string, FunctionInfo<F>> {
    return this.#functions;
  }

  /** used_memory_functions (the libraries' code and bookkeeping). */
  get bytes(): number {
    let bytes = 0;
    for (const lib of this.#libraries.values()) {
      bytes += LIBRARY_OVERHEAD_BYTES + lib.code.length + lib.name.length;
      for (const fn of lib.functions.values()) {
        bytes += FUNCTION_OVERHEAD_BYTES + fn.name.length + (fn.description?.length ?? 0);
      }
    }
    return bytes;
  }

  /** Builds a library from its full code (metadata line included) without installing it. */
  create(code: string, compile: LibraryCompiler<F>): { ok: true; lib: LibraryInfo<F> } | { ok: false; error: string } {
    const meta = parseLibraryMeta(code);
    if (!meta.ok) return meta;
    const result = compile(meta.code);
    if (!result.ok) return result;
    if (result.functions.length === 0) return { ok: false, error: 'ERR No functions registered' };
    const lib: LibraryInfo<F> = { name: meta.name, engine: meta.engine, code, functions: new Map() };
    for (const registered of result.functions) {
      lib.functions.set(registered.name, { ...registered, library: lib, calls: 0 });
    }
    return { ok: true, lib };
  }

  /** FUNCTION LOAD: returns the library name or an error text. */
  load(code: string, replace: boolean, compile: LibraryCompiler<F>): { ok: true; name: string } | { ok: false; error: string } {
    const meta = parseLibraryMeta(code);
    if (!meta.ok) return meta;
    if (!replace && this.#libraries.has(meta.name)) {
      return { ok: false, error: libraryExists(meta.name) };
    }
    const created = this.create(code, compile);
    if (!created.ok) return created;
    const error = this.install([created.lib], replace ? 'replace' : 'append');
    return error === null ? { ok: true, name: meta.name } : { ok: false, error };
  }

  /**
   * Installs libraries all or nothing: 'append' refuses a library name in use, 'replace'
   * replaces same-named libraries, 'flush' drops every library first. A function name used by
   * another (remaining) library refuses the whole set. Returns null or an error text.
   */
  install(libs: readonly LibraryInfo<F>[], policy: RestorePolicy): string | null {
    const keep = new Map(policy === 'flush' ? [] : this.#libraries);
    for (const lib of libs) {
      if (keep.has(lib.name)) {
        if (policy === 'append') return `ERR Library ${lib.name} already exists`;
        keep.delete(lib.name);
      }
    }
    const functions = new Map<string, FunctionInfo<F>>();
    for (const lib of keep.values()) for (const fn of lib.functions.values()) functions.set(fn.name, fn);
    for (const lib of libs) {
      for (const fn of lib.functions.values()) {
        if (functions.has(fn.name)) return `ERR Function ${fn.name} already exists`;
        functions.set(fn.name, fn);
      }
      keep.set(lib.name, lib);
    }
    this.#libraries = keep;
    this.#functions = functions;
    return null;
  }

  delete(name: string): boolean {
    const lib = this.#libraries.get(name);
    if (lib === undefined) return false;
    this.#libraries.delete(name);
    for (const fn of lib.functions.keys()) this.#functions.delete(fn);
    return true;
  }

  flush(): void {
    this.#libraries = new Map();
    this.#functions = new Map();
  }
}
