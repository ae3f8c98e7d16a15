// The Lua 5.1 coroutine library on JS generators: create, resume, yield, status, wrap, running.
// A coroutine is the generator of its function; coroutine.yield yields its values out through
// the `yield*` chain to resume(). Budget ticks inside a coroutine are passed on to the host, so
// a script is suspendable inside coroutines too. Redis equivalent: the coroutine part of
// lbaselib.c.

import { argError, checkAny, fn, tagError } from './aux.js';
import { caughtValue } from './lib-base.js';
import { LuaAbort, TICK, type Runtime } from './runtime.js';
import { EMPTY, LuaCoroutine, LuaError, LuaFunction, LuaTable, type LuaValue } from './value.js';

type Gen = Generator<unknown, LuaValue[], unknown>;

// eslint-disable-next-line max-lines-per-function -- the library's table of builtins, one short closure per Lua function (as lbaselib.c's co_funcs lists them); split, it would be read in pieces
export function openCoroutine(R: Runtime): LuaTable {
  const t = new LuaTable();
  let current: LuaCoroutine | null = null;

  function* resume(co: LuaCoroutine, args: LuaValue[]): Generator<unknown, [boolean, LuaValue[]], unknown> {
    if (co.status === 'dead') return [false, ['cannot resume dead coroutine']];
    if (co.status !== 'suspended') return [false, ['cannot resume non-suspended coroutine']];
    const prev = current;
    if (prev !== null) prev.status = 'normal';
    current = co;
    co.status = 'running';
    const savedDepth = R.d;
    try {
      let r: IteratorResult<unknown, LuaValue[]>;
      if (co.gen === null) {
        co.gen = R.callGen(co.fn, args);
        r = co.gen.next();
      } else {
        r = co.gen.next(args);
      }
      while (!r.done && r.value === TICK) {
        yield TICK;
        r = co.gen.next();
      }
      if (r.done === true) {
        co.status = 'dead';
        return [true, r.value];
      }
      co.status = 'suspended';
      return [true, r.value as LuaValue[]];
    } catch (e) {
      co.status = 'dead';
      if (e instanceof LuaAbort) throw e;
      return [false, [caughtValue(R, e)]];
    } finally {
      R.d = savedDepth;
      current = prev;
      if (prev !== null) prev.status = 'running';
    }
  }

  const checkCo = (a: LuaValue[]): LuaCoroutine => {
    const co = a[0];
    if (!(co instanceof LuaCoroutine)) argError(R, 1, 'coroutine expected');
    return co;
  };
  t.set('create', fn('create', (a) => {
    const f = a[0];
    if (!(f instanceof LuaFunction) || f.native !== null) tagError(R, a, 0, 'Lua function');
    return [new LuaCoroutine(f)];
  }));
  t.set('resume', new LuaFunction('resume', null, function* (a): Gen {
    const co = checkCo(a);
    const [ok, vals] = yield* resume(co, a.slice(1));
    return [ok, ...vals];
  }));
  t.set('yield', new LuaFunction('yield', null, function* (a): Gen {
    if (current === null) R.error('attempt to yield across metamethod/C-call boundary');
    return (yield a.slice()) as LuaValue[];
  }));
  t.set('status', fn('status', (a) => {
    const co = checkCo(a);
    return [co.status];
  }));
  t.set('running', fn('running', () => [current ?? undefined]));
  t.set('wrap', fn('wrap', (a) => {
    const f = a[0];
    if (!(f instanceof LuaFunction) || f.native !== null) tagError(R, a, 0, 'Lua function');
    const co = new LuaCoroutine(f);
    return [new LuaFunction('wrap', null, function* (args): Gen {
      const [ok, vals] = yield* resume(co, args);
      if (ok) return vals;
      const err = vals[0];
      throw new LuaError(typeof err === 'string' ? R.where() + err : err);
    })];
  }));
  void checkAny;
  void EMPTY;
  return t;
}
