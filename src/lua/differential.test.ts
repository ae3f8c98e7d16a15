// Differential test of the Lua engine against the real lua5.1 binary: every snippet of the
// corpus must print exactly what lua5.1 prints (number formatting, string.format, patterns,
// error texts and positions, tables, metatables, closures, coroutines, syntax errors).
// Redis equivalent: none (Redis embeds Lua 5.1; lua5.1 is the oracle for its semantics).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CORPUS, CORPUS_MORE, CORPUS_TABLES } from './lua51-corpus.js';
import { requireLua51, runLua51, runVesta } from '../../test/helpers/lua51.js';

function compare(snippets: string[]): void {
  const want = runLua51(snippets);
  assert.equal(want.length, snippets.length, 'lua5.1 ran every snippet');
  const got = runVesta(snippets);
  const bad: string[] = [];
  snippets.forEach((src, i) => {
    if (got[i] !== want[i]) bad.push(`--- ${src}\nwant: ${JSON.stringify(want[i])}\n got: ${JSON.stringify(got[i])}`);
  });
  assert.equal(bad.length, 0, `${bad.length} snippets differ:\n${bad.join('\n')}`);
}

test('the corpus prints what lua5.1 prints', (t) => {
  if (!requireLua51(t)) return;
  compare(CORPUS);
});

test('tables: # borders and pairs() order as lua5.1 (node layout, rehash)', (t) => {
  if (!requireLua51(t)) return;
  compare(CORPUS_TABLES);
});

test('more semantics: coercions, closures, varargs, iteration, error names', (t) => {
  if (!requireLua51(t)) return;
  compare(CORPUS_MORE);
});
