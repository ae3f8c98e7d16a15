// Unit tests of the Lua engine's host API: results and errors crossing into JS, the hook that
// aborts a runaway script, step-by-step (suspendable) execution, stack limits, read-only tables,
// natives, and LuaTable's layout helpers. Redis equivalent: the lua_* calls of script_lua.c.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LuaAbort, LuaError, LuaFunction, LuaState, LuaTable, checkString, type LuaValue,
} from './index.js';

function run(src: string, L = new LuaState()): LuaValue[] {
  return L.call(L.load(src, '@user_script'));
}

function errorOf(fn: () => unknown): LuaValue {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LuaError, `a LuaError, got ${String(e)}`);
    return e.value;
  }
  assert.fail('no error raised');
}

test('values cross as JS values: nil, booleans, doubles, latin1 strings, tables', () => {
  const [a, b, c, d, e, t] = run('return nil, true, 3.0, "\\0\\255x", 2^53, {1, "two", k = false}');
  assert.equal(a, undefined);
  assert.equal(b, true);
  assert.equal(c, 3);
  assert.equal(d, '\x00\xffx');
  assert.equal(e, 2 ** 53);
  assert.ok(t instanceof LuaTable);
  assert.equal(t.get(2), 'two');
  assert.equal(t.get('k'), false);
  assert.equal(t.length(), 2);
});

test('syntax and runtime errors carry Lua 5.1 texts with the chunk position', () => {
  const L = new LuaState();
  assert.equal(errorOf(() => L.load('x = = 1', '@user_script')), "user_script:1: unexpected symbol near '='");
  assert.equal(errorOf(() => L.load('function f()\nreturn 1', '@user_script')),
    "user_script:2: 'end' expected (to close 'function' at line 1) near '<eof>'");
  assert.equal(errorOf(() => run('local t = {}\nreturn t.a.b', L)), "user_script:2: attempt to index field 'a' (a nil value)");
  assert.equal(errorOf(() => run('return foo()', L)), "user_script:1: attempt to call global 'foo' (a nil value)");
});

test('error() with a table keeps the table (Redis error_reply uses {err = ...})', () => {
  const v = errorOf(() => run('error({err = "my error"})'));
  assert.ok(v instanceof LuaTable);
  assert.equal(v.get('err'), 'my error');
});

test('deep recursion is a Lua "stack overflow" error, catchable by pcall', () => {
  const L = new LuaState();
  const msg = errorOf(() => run('local function f(n) return f(n + 1) + 1 end return f(1)', L));
  assert.match(String(msg), /^user_script:1: stack overflow$/);
  const [ok, err] = run('return pcall(function() local function f() return f() + 1 end return f() end)', L);
  assert.equal(ok, false);
  assert.match(String(err), /stack overflow/);
  // the state is still usable afterwards
  assert.deepEqual(run('return 1 + 1', L), [2]);
});

test('the hook regains control of `while true do end` and its abort cannot be caught by pcall', () => {
  const L = new LuaState();
  let ticks = 0;
  L.setHook(1000, () => {
    if (++ticks === 5) throw new LuaAbort('killed');
  });
  assert.throws(() => run('while true do end', L), LuaAbort);
  ticks = 0;
  assert.throws(() => run('while true do pcall(function() while true do end end) end', L), LuaAbort);
  ticks = 0;
  // inside a metamethod (not suspendable) the hook still runs
  assert.throws(() => run('local t = setmetatable({}, {__index = function() while true do end end}) return t.x', L), LuaAbort);
  L.setHook(100000, () => {});
  assert.deepEqual(run('local n = 0 for i = 1, 10 do n = n + i end return n', L), [55]);
});

test('start/step suspends a long script and resumes it where it stopped', () => {
  const L = new LuaState();
  const f = L.load('local n = 0 for i = 1, 100000 do n = n + 1 end local ok, v = pcall(function() local m = 0 while m < 50000 do m = m + 1 end return m end) return n, v', '@user_script');
  const run1 = L.start(f);
  let slices = 0;
  let r = run1.step(1000);
  while (!r.done) {
    slices++;
    r = run1.step(1000);
  }
  assert.ok(slices > 100, `suspended ${slices} times`);
  assert.deepEqual(r.values, [100000, 50000]);
});

test('a suspended run can be abandoned and the state keeps working', () => {
  const L = new LuaState();
  const run1 = L.start(L.load('while true do end', '@user_script'));
  assert.equal(run1.step(500).done, false);
  assert.equal(run1.step(500).done, false);
  run1.abort();
  assert.deepEqual(run('return "after"', L), ['after']);
});

test('errors in a stepped run surface as LuaError', () => {
  const L = new LuaState();
  const run1 = L.start(L.load('for i = 1, 10000 do end error("late")', '@user_script'));
  assert.throws(() => { while (!run1.step(100).done); }, (e: unknown) => e instanceof LuaError && e.value === 'user_script:1: late');
});

test('natives: arguments, results, luaL_error-style errors with the caller position', () => {
  const L = new LuaState();
  L.globals.set('twice', L.newFunction('twice', (args) => {
    const s = checkString(L.runtime, args, 0);
    if (s === 'bad') L.error('no bad input');
    return [s + s, args.length];
  }));
  assert.deepEqual(run('return twice("ab", nil)', L), ['abab', 2]);
  assert.equal(errorOf(() => run('\nreturn twice("bad")', L)), 'user_script:2: no bad input');
  assert.equal(errorOf(() => run('return twice({})', L)), "user_script:1: bad argument #1 to 'twice' (string expected, got table)");
  const [ok, msg] = run('return pcall(twice)', L);
  assert.equal(ok, false);
  assert.equal(msg, "bad argument #1 to '?' (string expected, got no value)");
});

test('read-only tables refuse writes from Lua, rawset included', () => {
  const L = new LuaState();
  const t = new LuaTable();
  t.set('x', 1);
  t.readonly = true;
  L.globals.set('ro', t);
  assert.equal(errorOf(() => run('ro.x = 2', L)), 'user_script:1: Attempt to modify a readonly table');
  assert.equal(errorOf(() => run('rawset(ro, "y", 1)', L)), 'user_script:1: Attempt to modify a readonly table');
  assert.equal(t.get('x'), 1);
});

test('LuaTable.fromArray builds what sequential rawseti builds (array part 2^k)', () => {
  for (const n of [0, 1, 2, 3, 5, 8, 9, 100]) {
    const values = Array.from({ length: n }, (_, i) => `v${i}`);
    const a = LuaTable.fromArray(values);
    const b = new LuaTable();
    values.forEach((v, i) => b.set(i + 1, v));
    assert.equal(a.arr.length, b.arr.length, `n=${n}`);
    assert.equal(a.length(), n);
    assert.deepEqual(a.arr, b.arr);
  }
});

test('math.random is lrand48 as in Redis: math.randomseed(7) gives redis-server 7.0s sequence', () => {
  const L = new LuaState();
  L.seedRandom(0);
  const first = run('return math.random(), math.random(1, 100), math.random(10)', L);
  L.seedRandom(0);
  assert.deepEqual(run('return math.random(), math.random(1, 100), math.random(10)', L), first);
  // lrand48 after srand48(0): the first 31-bit output is 366850414
  assert.equal(first[0], 366850414 / 2147483647);
  // redis-cli EVAL "math.randomseed(7) return {tostring(math.random()), math.random(1,1000)}" 0
  assert.deepEqual(run('math.randomseed(7) return tostring(math.random()), math.random(1, 1000)', L), ['0.26644419658298', 683]);
});

test('setfenv of a loaded chunk and load with another environment', () => {
  const L = new LuaState();
  const env = new LuaTable();
  env.set('x', 42);
  assert.deepEqual(L.call(L.load('return x', '=t', env)), [42]);
  const f = L.load('return y', '=t');
  L.globals.set('f', f);
  L.globals.set('e', env);
  env.set('y', 'from env');
  assert.deepEqual(run('setfenv(f, e) return f()', L), ['from env']);
  assert.ok(f instanceof LuaFunction);
});

test('coroutines yield across pcall and keep per-coroutine state', () => {
  const [a, b, c] = run(`
    local co = coroutine.wrap(function()
      local ok, v = pcall(function() coroutine.yield(1) coroutine.yield(2) return 3 end)
      coroutine.yield(v)
    end)
    return co(), co(), co()`);
  assert.deepEqual([a, b, c], [1, 2, 3]);
});
