// Property tests against the real lua5.1: random doubles through tostring, random
// string.format conversions (flags, width, precision), and random Lua patterns through find,
// match and gsub must print exactly what lua5.1 prints. Each run batches its cases into one
// lua5.1 process. Redis equivalent: none (lua5.1 is the oracle for Lua 5.1 semantics).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { luaQuote, requireLua51, runLua51, runVesta } from '../../test/helpers/lua51.js';

const RUNS = Number(process.env['LUA_PROPERTY_RUNS'] ?? '4');

function sameAsLua(snippets: string[]): void {
  const want = runLua51(snippets);
  const got = runVesta(snippets);
  snippets.forEach((s, i) => assert.equal(got[i], want[i], s));
}

/** A Lua expression for exactly this double (17 significant digits round-trip through strtod). */
function lit(x: number): string {
  if (x === Infinity) return '(1/0)';
  if (x === -Infinity) return '(-1/0)';
  return `tonumber("${Object.is(x, -0) ? '-0' : x.toPrecision(17)}")`;
}

const double = fc.oneof(
  fc.double({ noNaN: true }),
  fc.double({ noNaN: true, min: -1e16, max: 1e16 }),
  fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 8),
  fc.integer().map((n) => n * 1000 + 0.5),
);

test('tostring of random doubles is %.14g as lua5.1 prints it', (t) => {
  if (!requireLua51(t)) return;
  fc.assert(fc.property(fc.array(double, { minLength: 50, maxLength: 200 }), (xs) => {
    sameAsLua([xs.map((x) => `print(${lit(x)}, ${lit(x)} .. "")`).join('\n')]);
  }), { numRuns: RUNS, endOnFailure: true });
});

const spec = fc.record({
  flags: fc.subarray(['-', '+', ' ', '#', '0']),
  width: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
  precision: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
  conv: fc.constantFrom('d', 'i', 'o', 'u', 'x', 'X', 'c', 'e', 'E', 'f', 'g', 'G', 's', 'q'),
});

test('string.format of random conversions matches lua5.1 (C printf)', (t) => {
  if (!requireLua51(t)) return;
  const value = fc.oneof(double, fc.integer({ min: -300, max: 300 }), fc.string({ maxLength: 12 }));
  fc.assert(fc.property(fc.array(fc.tuple(spec, value), { minLength: 50, maxLength: 150 }), (cases) => {
    const lines = cases.map(([s, v]) => {
      let conv = s.conv;
      let arg: string;
      if (typeof v === 'string') {
        if (!'sq'.includes(conv)) conv = 's';
        arg = luaQuote(v);
      } else {
        if (conv === 'c') v = Math.abs(Math.trunc(v)) % 256;
        if ('dioxXuc'.includes(conv) && Math.abs(v) > 2 ** 53) v = v % 2 ** 53;
        if ('dioxXu'.includes(conv)) v = Math.trunc(v);
        arg = lit(v);
      }
      const precision = s.precision === undefined ? '' : `.${s.precision}`;
      const width = s.width === undefined ? '' : String(s.width);
      const fmt = `%${s.flags.join('')}${width}${precision}${conv}`;
      return `print(pcall(string.format, ${luaQuote('[' + fmt + ']')}, ${arg}))`;
    });
    sameAsLua([lines.join('\n')]);
  }), { numRuns: RUNS, endOnFailure: true });
});

test('random patterns give lua5.1 results through find, match and gsub', (t) => {
  if (!requireLua51(t)) return;
  const atom = fc.constantFrom('a', 'b', '.', '%a', '%d', '%s', '%W', '[ab]', '[^a]', '[a-c]', '(', ')', '()', '%b()', '%f[%a]', '%1', '^', '$', '%.', '%%', ' ');
  const quant = fc.constantFrom('', '', '*', '+', '-', '?');
  const pattern = fc.array(fc.tuple(atom, quant).map(([a, q]) => a + q), { maxLength: 6 }).map((p) => p.join(''));
  const subject = fc.stringMatching(/^[ab1 ().%]{0,12}$/);
  fc.assert(fc.property(fc.array(fc.tuple(subject, pattern), { minLength: 50, maxLength: 150 }), (cases) => {
    const lines = cases.map(([s, p]) => {
      const S = luaQuote(s);
      const P = luaQuote(p);
      return `print(pcall(string.find, ${S}, ${P})) print(pcall(string.match, ${S}, ${P}, 2)) print(pcall(string.gsub, ${S}, ${P}, "<%0>"))`;
    });
    sameAsLua([lines.join('\n')]);
  }), { numRuns: RUNS, endOnFailure: true });
});
