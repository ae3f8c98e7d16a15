// House rules checked mechanically, in the spirit of TigerBeetle's tidy.zig: rules nobody checks
// decay. See ../shared/STYLE.md part 2. Runs on the sources (src/, bin/), not the build.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
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

interface ImportEdge {
  /** The imported file, as a path like the sources' ("src/store/keyspace.ts"). */
  target: string;
  /** `import type` / `export type`: erased by tsc, no load-time dependency. */
  typeOnly: boolean;
}

/** The relative imports of a file: static import/export-from statements and dynamic import(). */
function importsOf(s: { path: string; text: string }): ImportEdge[] {
  const statement = /^[ \t]*(?:import|export)[ \t]+(type[ \t]+)?(?:[^'";]*?[ \t\n]from[ \t]+)?'(\.[^']+)'/gm;
  const dynamic = /\bimport\(\s*'(\.[^']+)'\s*\)/g;
  const resolve = (spec: string): string => normalize(join(dirname(s.path), spec.replace(/\.js$/, '.ts')));
  const edges: ImportEdge[] = [];
  for (const m of s.text.matchAll(statement)) {
    edges.push({ target: resolve(m[2] as string), typeOnly: m[1] !== undefined });
  }
  for (const m of s.text.matchAll(dynamic)) edges.push({ target: resolve(m[1] as string), typeOnly: false });
  return edges;
}

/** The part of src/ a path is in: its first directory ("store"), or the file ("assert.ts"). */
function areaOf(path: string): string {
  return path.split('/')[1] ?? path;
}

/** The leaf modules at the root of src/ every layer may import. */
const ROOT_LEAVES = ['assert.ts', 'limits.ts', 'version.ts'];

/**
 * Layer boundaries: dependencies flow one way (STYLE 2.2). The lower layers may import only
 * what is listed (type-only imports included); persistence/ may not import the server or the
 * commands at all: it gets a PersistenceHost (persistence/host.ts) from src/compose.ts.
 */
const LOWER_LAYERS: Record<string, readonly string[]> = {
  util: ['util', 'platform', ...ROOT_LEAVES],
  platform: ['platform', 'util', ...ROOT_LEAVES],
  config: ['config', 'util', 'platform', ...ROOT_LEAVES],
  store: ['store', 'util', 'platform', ...ROOT_LEAVES],
  snapshot: ['snapshot', 'store', 'util', 'platform', ...ROOT_LEAVES],
};
const PERSISTENCE_FORBIDDEN = ['server', 'commands', 'compose.ts', 'main.ts', 'index.ts', 'tools'];

/** Every import that crosses a layer boundary the wrong way, as "file -> target (rule)". */
function layerViolations(files: readonly { path: string; text: string }[]): string[] {
  const bad: string[] = [];
  for (const s of files) {
    if (!s.path.startsWith('src/')) continue;
    const area = areaOf(s.path);
    const allowed = LOWER_LAYERS[area];
    for (const edge of importsOf(s)) {
      const target = areaOf(edge.target);
      if (allowed !== undefined && !allowed.includes(target)) {
        bad.push(`${s.path} -> ${edge.target} (${area}/ imports only ${allowed.join(', ')})`);
      }
      if (area === 'persistence' && PERSISTENCE_FORBIDDEN.includes(target)) {
        bad.push(`${s.path} -> ${edge.target} (persistence/ never imports ${target})`);
      }
    }
  }
  return bad;
}

const RDB_CODEC = /^src\/persistence\/rdb\/(constants|crc64|lzf|listpack|ziplist|intset|zipmap|encoder|decoder|reader|errors|integer-string)\.ts$/;

test('the layer check catches a forbidden import, type-only included', () => {
  const files = [
    { path: 'src/store/a.ts', text: "import type { Server } from '../server/server.js';\n" },
    { path: 'src/persistence/aof/b.ts', text: "import type { Client } from '../../server/client.js';\n" },
    { path: 'src/persistence/c.ts', text: "const m = await import('../commands/table.js');\n" },
    { path: 'src/snapshot/d.ts', text: "import { Keyspace } from '../store/keyspace.js';\n" },
  ];
  assert.equal(layerViolations(files).length, 3);
});

test('imports respect the layer boundaries', () => {
  const bad = layerViolations(sources);
  for (const s of sources) {
    if (RDB_CODEC.test(s.path) && /from '\.\.\/\.\.\/(server|commands|observe|config)\//.test(s.text)) {
      bad.push(`${s.path} (the RDB codec knows nothing of the server)`);
    }
  }
  assert.deepEqual(bad, []);
});

/**
 * The runtime import graph of src/: each file and the files it imports for their values.
 * `import type` / `export type` are left out (erased by tsc); `import { type A }` is not (under
 * verbatimModuleSyntax it still loads the module). Dynamic import() is left out (it runs later).
 */
function runtimeImportGraph(files: readonly { path: string; text: string }[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const s of files) {
    // A dynamic import() runs later, not while the module loads: it closes no load-time cycle.
    const statements = { path: s.path, text: s.text.replace(/\bimport\(/g, 'import_(') };
    graph.set(s.path, importsOf(statements).filter((e) => !e.typeOnly).map((e) => e.target));
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself). */
function importCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

test('no runtime import cycle in src/ (type-only imports aside)', () => {
  const src = sources.filter((s) => s.path.startsWith('src/'));
  assert.deepEqual(importCycles(runtimeImportGraph(src)), []);
});

test('the import-cycle check finds a cycle, and ignores type-only imports', () => {
  const files = [
    { path: 'src/a.ts', text: "import { b } from './b.js';\n" },
    { path: 'src/b.ts', text: "import {\n  c,\n} from './x/c.js';\nimport type { A } from './a.js';\n" },
    { path: 'src/x/c.ts', text: "export { a } from '../a.js';\n" },
    { path: 'src/d.ts', text: "import type { E } from './e.js';\nexport type { E } from './e.js';\n" },
    { path: 'src/e.ts', text: "import { d } from './d.js';\n" },
  ];
  assert.deepEqual(importCycles(runtimeImportGraph(files)), [['src/a.ts', 'src/b.ts', 'src/x/c.ts']]);
});

test('commands are looked up and arity-checked in one place (server/dispatch.ts executes them)', () => {
  const bad: string[] = [];
  for (const s of sources) {
    // COMMAND INFO/GETKEYS describe commands by name; only the executor looks one up to run it.
    const lookupOk = s.path === 'src/server/dispatch.ts' || s.path === 'src/commands/server.ts';
    if (!lookupOk && /\.commands\.lookup\(/.test(s.text)) bad.push(`${s.path}: commands.lookup`);
    if (s.path !== 'src/commands/table.ts' && /arity\s*>\s*0\s*&&/.test(s.text)) bad.push(`${s.path}: arity rule`);
    if (!s.path.startsWith('src/server/dispatch.ts') && /\.handler\s*\(|\(cmd\.handler as/.test(s.text)) {
      bad.push(`${s.path}: calls a handler`);
    }
  }
  assert.deepEqual(bad, []);
});

/**
 * The files of src/commands/ whose handlers manage the server itself (INFO, CONFIG, CLIENT,
 * DEBUG, SHUTDOWN, ACL, replication, persistence, MULTI/EXEC, scripts, MIGRATE...): they register
 * `admin` handlers, which get the Client and its `server`. Every other command gets a
 * CommandContext (src/commands/context.ts) and reaches the server only through its services.
 */
const ADMIN_COMMAND_FILES = new Set([
  'acl.ts', 'client-info.ts', 'client-pause.ts', 'client-tracking.ts', 'client-unblock.ts',
  'connection.ts', 'debug.ts', 'function.ts', 'memory.ts', 'migrate.ts',
  'observe.ts', 'persistence.ts', 'replication.ts', 'scripting.ts', 'server.ts', 'transaction.ts',
].map((name) => `src/commands/${name}`));

/** Where a non-admin file of src/commands/ reaches past its context to the server. */
function serverReaches(path: string, text: string): string[] {
  if (!path.startsWith('src/commands/') || ADMIN_COMMAND_FILES.has(path)) return [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const bad: string[] = [];
  if (/\.server\b/.test(code)) bad.push(`${path}: .server`);
  // types.ts defines AdminHandler on the Client; nothing else names Client, Server or asClient.
  const imports = /\bimport\b[^;]*\b(Server|Client|asClient)\b[^;]*from '\.\.\/server\/(server|client)\.js'/;
  if (path !== 'src/commands/types.ts' && imports.test(code)) bad.push(`${path}: imports Client or Server`);
  if (/import\(['"]\.\.\/server\/(server|client)\.js['"]\)/.test(code)) bad.push(`${path}: imports Client or Server`);
  if (/\bname:\s*['"][^'"]*['"],\s*admin\s*:/.test(code)) bad.push(`${path}: registers an admin handler`);
  return bad;
}

test('the server-reach check catches .server, a Client import and an admin handler in a data file', () => {
  assert.deepEqual(serverReaches('src/commands/string.ts', 'const ks = c.server.keyspace;'), ['src/commands/string.ts: .server']);
  assert.deepEqual(serverReaches('src/commands/hash.ts', "import { ClientFlag, type Client } from '../server/client.js';"),
    ['src/commands/hash.ts: imports Client or Server']);
  assert.deepEqual(serverReaches('src/commands/set.ts', "  { name: 'sadd', admin: saddCommand },"),
    ['src/commands/set.ts: registers an admin handler']);
  assert.deepEqual(serverReaches('src/commands/set.ts', "// c.server is not here\nimport { ClientFlag } from '../server/client.js';"), []);
  assert.deepEqual(serverReaches('src/commands/server.ts', 'c.server.resetStats();'), []);
});

test('data commands reach the server only through their context and its services (issue 18)', () => {
  const bad = sources.flatMap((s) => serverReaches(s.path, s.text));
  assert.deepEqual(bad, []);
});

/** State kept about one server (or its config) out of sight instead of as a field (issue 18). */
function sideTables(text: string): boolean {
  return /WeakMap<\s*(Server|Config)\b/.test(text);
}

test('no WeakMap side tables keyed by a server or its config: services are fields', () => {
  assert.equal(sideTables('const sources = new WeakMap<Config, () => ReplInfo | null>();'), true);
  assert.deepEqual(sources.filter((s) => s.path.startsWith('src/') && sideTables(s.text)).map((s) => s.path), []);
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
