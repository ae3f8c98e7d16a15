// House rules checked mechanically, in the spirit of TigerBeetle's tidy.zig: rules nobody checks
// decay. See ../shared/STYLE.md part 2. Runs on the sources (src/, bin/), not the build.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { CommandTable } from '../src/commands/table.js';
import { allCommandDefs } from '../src/commands/index.js';

const ROOT = process.cwd();

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const sources = [...walk(join(ROOT, 'src')), ...walk(join(ROOT, 'bin'))]
  .filter((p) => !p.endsWith('.test.ts') && !p.endsWith('spec.generated.ts'))
  .map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }));

test('every source file opens with a comment saying what it is for', () => {
  const bad = sources.filter((s) => !/^(#!.*\n)?\/\//.test(s.text)).map((s) => s.path);
  assert.deepEqual(bad, []);
});

test('no console.* in src/ (the logger writes Redis-format lines)', () => {
  const bad = sources
    .filter((s) => s.path.startsWith('src/') && /\bconsole\.(log|error|warn|info|debug)\(/.test(s.text))
    .map((s) => s.path);
  assert.deepEqual(bad, []);
});

test('only bin/ and src/main.ts may exit the process', () => {
  const bad = sources
    .filter((s) => !s.path.startsWith('bin/') && s.path !== 'src/main.ts')
    .filter((s) => /process\.exit\(/.test(s.text))
    .map((s) => s.path);
  assert.deepEqual(bad, []);
});

test('files stay under the line cap (split along a seam instead)', () => {
  const CAP = 900;
  const bad = sources.filter((s) => s.text.split('\n').length > CAP).map((s) => s.path);
  assert.deepEqual(bad, []);
});

test('no empty catch blocks (catch what you handle, rethrow the rest)', () => {
  const bad = sources.filter((s) => /catch\s*(\([^)]*\))?\s*\{\s*\}/.test(s.text)).map((s) => s.path);
  assert.deepEqual(bad, []);
});

test('TODOs name an issue', () => {
  const bad: string[] = [];
  for (const s of sources) {
    for (const line of s.text.split('\n')) {
      if (/\bTODO\b/.test(line) && !/TODO\(issue \d+\)/.test(line)) bad.push(`${s.path}: ${line.trim()}`);
    }
  }
  assert.deepEqual(bad, []);
});

/** Layer boundaries: dependencies flow one way (STYLE 2.2). */
const FORBIDDEN: [prefix: string, mayNotImport: RegExp][] = [
  ['src/store/', /from '\.\.?\/(\.\.\/)*(server|commands|persistence|snapshot|observe|config)\//],
  ['src/snapshot/', /from '\.\.\/(server|commands|persistence|observe)\//],
  ['src/util/', /from '\.\.\/(server|commands|persistence|snapshot|store|observe)\//],
  ['src/platform/', /from '\.\.\/(server|commands|persistence|snapshot|store|observe)\//],
];
const RDB_CODEC = /^src\/persistence\/rdb\/(constants|crc64|lzf|listpack|ziplist|intset|zipmap|encoder|decoder|reader|errors|integer-string)\.ts$/;

test('imports respect the layer boundaries', () => {
  const bad: string[] = [];
  for (const s of sources) {
    for (const [prefix, pattern] of FORBIDDEN) {
      if (s.path.startsWith(prefix) && pattern.test(s.text)) bad.push(`${s.path} (${prefix})`);
    }
    if (RDB_CODEC.test(s.path) && /from '\.\.\/\.\.\/(server|commands|observe|config)\//.test(s.text)) {
      bad.push(`${s.path} (the RDB codec knows nothing of the server)`);
    }
  }
  assert.deepEqual(bad, []);
});

test('every implemented command is exercised by some test file', () => {
  const tests = [...walk(join(ROOT, 'test')), ...walk(join(ROOT, 'src'))]
    .filter((p) => p.endsWith('.test.ts') || p.includes('/test/'))
    .map((p) => readFileSync(p, 'utf8').toLowerCase())
    .join('\n');
  const table = new CommandTable(allCommandDefs());
  const missing: string[] = [];
  for (const cmd of table.all()) {
    const names = cmd.subcommands === null ? [cmd.fullName] : [...cmd.subcommands.values()].map((s) => s.fullName);
    for (const name of names) {
      const [top = '', sub] = name.split('|');
      const quoted = new RegExp(`['"\`]${escape(top)}['"\`]`);
      if (!quoted.test(tests) || (sub !== undefined && !subcommandSent(tests, top, sub))) missing.push(name);
    }
  }
  assert.deepEqual(missing, []);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * True when some test sends `top sub`: as an argv (`'client', 'reply'`) or inside one string
 * (`'CLIENT REPLY OFF'`, a raw `CLIENT REPLY ON\r\n`), not merely the word anywhere.
 */
function subcommandSent(tests: string, top: string, sub: string): boolean {
  const q = '[\'"`]';
  const argv = new RegExp(`${q}${escape(top)}${q}\\s*,\\s*${q}${escape(sub)}${q}`);
  const inline = new RegExp(`${q}[^'"\`\\n]*\\b${escape(top)} +${escape(sub)}(\\b|${q})`);
  return argv.test(tests) || inline.test(tests);
}
