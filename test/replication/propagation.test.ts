// The one propagation stream (server/propagation.ts): every consumer sees the same commands in
// the same order, a block is wrapped in MULTI/EXEC only when something was propagated in it,
// nested blocks wrap once, and a command that expands into several keeps their order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PropagateTarget, PropagationStream } from '../../src/server/propagation.js';

function recorder(): { seen: string[]; fn: (db: number, argv: readonly string[]) => void } {
  const seen: string[] = [];
  return { seen, fn: (db, argv) => seen.push(`${db}:${argv.join(' ')}`) };
}

test('consumers see one stream; blocks wrap in MULTI/EXEC once, empty blocks not at all', () => {
  const stream = new PropagationStream();
  const aof = recorder();
  const repl = recorder();
  stream.addConsumer({ fn: aof.fn, target: PropagateTarget.aof });
  stream.addConsumer({ fn: repl.fn, target: PropagateTarget.replicas });
  stream.propagate(0, ['SET', 'a', '1']);
  stream.beginBlock();
  stream.endBlock();
  stream.beginBlock();
  stream.beginBlock();
  stream.propagate(3, ['INCR', 'n']);
  stream.endBlock();
  stream.propagateAll(3, [['SREM', 's', 'x'], ['SREM', 's', 'y']]);
  stream.endBlock();
  const expected = ['0:SET a 1', '3:MULTI', '3:INCR n', '3:SREM s x', '3:SREM s y', '-1:EXEC'];
  assert.deepEqual(aof.seen, expected);
  assert.deepEqual(repl.seen, expected);
});

test('a target sends commands to its consumers only; MULTI/EXEC wrap when two or more were sent', () => {
  const stream = new PropagationStream();
  const aof = recorder();
  const repl = recorder();
  let aofOn = true;
  stream.addConsumer({ fn: aof.fn, target: PropagateTarget.aof, active: () => aofOn });
  stream.addConsumer({ fn: repl.fn, target: PropagateTarget.replicas });
  stream.beginBlock();
  stream.target = PropagateTarget.none;
  stream.propagate(0, ['SET', 'none', '1']);
  stream.target = PropagateTarget.aof;
  stream.propagate(0, ['SET', 'aof', '1']);
  stream.target = PropagateTarget.replicas;
  stream.propagate(0, ['SET', 'repl', '1']);
  stream.target = PropagateTarget.all;
  stream.endBlock();
  assert.deepEqual(aof.seen, ['0:MULTI', '0:SET aof 1', '-1:EXEC']);
  assert.deepEqual(repl.seen, ['0:MULTI', '0:SET repl 1', '-1:EXEC']);
  // With the AOF off an AOF-only command is not propagated: the replicas' lone write is not wrapped.
  aofOn = false;
  stream.beginBlock();
  stream.target = PropagateTarget.aof;
  stream.propagate(0, ['SET', 'aof', '2']);
  stream.target = PropagateTarget.all;
  stream.propagate(0, ['SET', 'all', '2']);
  stream.endBlock();
  assert.deepEqual(repl.seen.slice(3), ['0:SET all 2']);
});
