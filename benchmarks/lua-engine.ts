// `node build/benchmarks/lua-engine.js`: micro-benchmarks of the Lua engine (src/lua) against
// the lua5.1 binary on the same source: fib(27), a numeric loop, table and string work, and
// the per-call cost of a native function (the shape of redis.call) and of starting a script
// with KEYS/ARGV tables. Each figure is the median of 5 runs in CPU time (lua5.1 measures with
// os.clock, also CPU time), so a loaded machine distorts both sides alike.
// Redis equivalent: none (benchmark).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LuaState, LuaTable, type LuaValue } from '../src/lua/index.js';

const CASES: Record<string, string> = {
  fib: 'local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end return fib(27)',
  loop: 'local s = 0 for i = 1, 5000000 do s = s + i % 7 end return s',
  tables: 'local t = {} for i = 1, 200000 do t[i] = {x = i, y = tostring(i)} end local s = 0 for i, v in ipairs(t) do s = s + v.x end return s',
  strings: 'local t = {} for i = 1, 100000 do t[#t + 1] = string.format("%d:%s", i, ("x"):rep(3)) end return #table.concat(t, ",")',
  calls: 'local f = nativecall local s = 0 for i = 1, 1000000 do s = s + f("a", "b") end return s',
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function vesta(src: string): number {
  const L = new LuaState();
  L.globals.set('nativecall', L.newFunction('nativecall', () => [1]));
  const f = L.load(src, '=bench');
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.cpuUsage();
    L.call(f);
    const d = process.cpuUsage(t0);
    times.push((d.user + d.system) / 1000);
  }
  return median(times);
}

function lua51(src: string): number | null {
  if (!existsSync('/usr/bin/lua5.1')) return null;
  const prog = `nativecall = function() return 1 end local f = assert(loadstring(${JSON.stringify(src)})) local ts = {}
for i = 1, 5 do local t0 = os.clock() f() ts[i] = (os.clock() - t0) * 1000 end table.sort(ts) print(ts[3])`;
  const r = spawnSync('/usr/bin/lua5.1', ['-e', prog]);
  return Number(r.stdout.toString().trim());
}

function scriptStart(): number {
  // EVALSHA shape: new KEYS/ARGV tables, one call of a cached function making two native calls
  const L = new LuaState();
  L.globals.set('call', L.newFunction('call', () => [1]));
  const f = L.load('call("INCR", KEYS[1]) call("EXPIRE", KEYS[1], ARGV[1]) return 1', '@user_script');
  const n = 200000;
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    L.globals.set('KEYS', LuaTable.fromArray(['key']));
    L.globals.set('ARGV', LuaTable.fromArray(['10']));
    L.seedRandom(0);
    L.call(f);
  }
  const d = process.cpuUsage(t0);
  return ((d.user + d.system) * 1000) / n;
}

const rows: string[] = [];
for (const [name, src] of Object.entries(CASES)) {
  const v = vesta(src);
  const l = lua51(src);
  rows.push(`${name.padEnd(8)} vesta ${v.toFixed(1).padStart(8)} ms   lua5.1 ${l === null ? '   n/a' : l.toFixed(1).padStart(8)} ms   ratio ${l === null ? 'n/a' : (l / v).toFixed(2)}x`);
}
rows.push(`script start (KEYS/ARGV tables) + 2 native calls: ${scriptStart().toFixed(0)} ns CPU per run`);
console.log(rows.join('\n'));
export type { LuaValue };
