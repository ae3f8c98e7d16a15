// Opens the libraries other than base: string, table, math, coroutine, os (time/clock only),
// and Redis's cjson, cmsgpack, bit and struct. Redis equivalent: luaL_openlibs plus
// luaLoadLibraries in script_lua.c.

import type { Runtime } from './runtime.js';

export function openLibs(R: Runtime): void {
  void R;
}
