// Test harness shared by the engine's tests: runs Lua snippets in this engine and in the real
// lua5.1 binary with the same driver, so their printed output can be compared line by line.
// Redis equivalent: none (test support).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { LuaState } from '../../src/lua/index.js';

export const LUA51 = process.env['LUA51'] ?? '/usr/bin/lua5.1';

/** Visible skip without lua5.1, failure under VESTA_REQUIRE_REDIS=1 (CI installs it). */
export function requireLua51(t: TestContext): boolean {
  if (existsSync(LUA51)) return true;
  if (process.env['VESTA_REQUIRE_REDIS'] === '1') throw new Error(`lua5.1 is required but ${LUA51} is missing`);
  console.log(`# SKIP ${t.name}: lua5.1 not installed`);
  t.skip('lua5.1 not installed');
  return false;
}

/** A Lua string literal for any latin1 string (decimal escapes for everything unusual). */
export function luaQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 32 && c < 127 && c !== 34 && c !== 92) out += s[i];
    else out += '\\' + String(c).padStart(3, '0');
  }
  return out + '"';
}

const DRIVER = `
local SN = ...
for i = 1, #SN do
  local out = {}
  local function p(...)
    local t = {}
    for j = 1, select('#', ...) do t[j] = tostring((select(j, ...))) end
    out[#out + 1] = table.concat(t, "\\t")
  end
  local f, err = loadstring(SN[i], "@user_script")
  if not f then
    out[#out + 1] = "SYNTAX: " .. err
  else
    setfenv(f, setmetatable({print = p}, {__index = _G}))
    local r = {n = 0}
    local function pack(...) r.n = select('#', ...) for j = 1, r.n do r[j] = (select(j, ...)) end end
    pack(pcall(f))
    local t = {}
    for j = 1, r.n do t[j] = tostring(r[j]) end
    out[#out + 1] = "=> " .. table.concat(t, "\\t")
  end
  print("### " .. i .. "\\n" .. table.concat(out, "\\n"))
end
`;

function split(out: string): string[] {
  const parts = out.split(/^### \d+\n/m);
  parts.shift();
  return parts.map((p) => p.replace(/\n$/, '').replace(/0x[0-9a-f]+/g, 'ADDR'));
}

/** Each snippet's output from lua5.1. */
export function runLua51(snippets: string[]): string[] {
  const src = `local SN = {${snippets.map(luaQuote).join(',\n')}}\n` + DRIVER.replace('local SN = ...', '');
  const r = spawnSync(LUA51, ['-'], { input: Buffer.from(src, 'latin1'), maxBuffer: 1 << 26 });
  return split(r.stdout.toString('latin1'));
}

/** Each snippet's output from this engine. */
export function runVesta(snippets: string[]): string[] {
  let out = '';
  const L = new LuaState({ print: (line) => { out += line + '\n'; } });
  const f = L.load(DRIVER, '=driver');
  const t = L.newTable();
  snippets.forEach((s, i) => t.set(i + 1, s));
  L.call(f, [t]);
  return split(out);
}
