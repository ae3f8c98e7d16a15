// The one propagation stream (server/propagation.ts): every consumer sees the same commands in
// the same order, a block is wrapped in MULTI/EXEC only when something was propagated in it,
// nested blocks wrap once, and a command that expands into several keeps their order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PropagationStream } from '../../src/server/propagation.js';

function recorder(): { seen: string[]; fn: (db: number, argv: readonly string[]) => void } {
  const seen: string[] = [];
  return { seen, fn: (db, argv) => seen.push(`${db}:${argv.join(' ')}`) };
}

test('consumers see one stream; blocks wrap in MULTI/EXEC once, empty blocks not at all', () => {
  const stream = new PropagationStream();
  const aof = recorder();
  const repl = recorder();
  stream.addConsumer(aof.fn);
  stream.addConsumer(repl.fn);
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
