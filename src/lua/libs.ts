// Opens the libraries other than base: string (with the string metatable), table, math,
// coroutine, and Redis's cjson, cmsgpack, bit and struct. Redis equivalent: luaL_openlibs plus
// luaLoadLibraries in script_lua.c.

import { openBit } from './lib-bit.js';
import { openCjson } from './lib-cjson.js';
import { openCmsgpack } from './lib-cmsgpack.js';
import { openCoroutine } from './lib-coroutine.js';
import { openMath, type Rand48 } from './lib-math.js';
import { openString } from './lib-string.js';
import { openStruct } from './lib-struct.js';
import { openTable } from './lib-table.js';
import type { Runtime } from './runtime.js';
import { LuaTable } from './value.js';

export function openLibs(R: Runtime, rand: Rand48): void {
  const G = R.G;
  const string = openString(R);
  G.set('string', string);
  const meta = new LuaTable();
  meta.set('__index', string);
  R.stringMeta = meta;
  G.set('table', openTable(R));
  G.set('math', openMath(R, rand));
  G.set('coroutine', openCoroutine(R));
  G.set('cjson', openCjson(R));
  G.set('cmsgpack', openCmsgpack(R));
  G.set('bit', openBit(R));
  G.set('struct', openStruct(R));
}
