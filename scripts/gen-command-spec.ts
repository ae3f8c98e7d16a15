// Generates src/commands/spec.generated.ts from a live redis-server 7.0: COMMAND INFO and
// COMMAND DOCS, read over a raw RESP3 connection. Command metadata is never copied from Redis
// source files (licence, see docs/STYLE.md Part 5 item 3); it is observed from the binary, as
// Garnet's CommandInfoUpdater does. Uses only Node built-ins so it runs right after `tsc`.
// Redis equivalent: utils/generate-command-code.py (which reads the JSON files instead).
//
// Usage: node build/scripts/gen-command-spec.js [--out <file>] [--redis-server <path>]
//
// Steps: start redis-server on a free port in a temp dir with persistence off; HELLO 3;
// COMMAND INFO (all commands) and COMMAND DOCS; parse into a typed RESP tree; sort everything
// by name; kill the server by pid; write the file. Before sorting, every reply is rendered back
// to RESP3 and RESP2 and compared byte for byte with what the server sent on a RESP3 and a RESP2
// connection, so the tree provably holds everything Vesta needs to answer COMMAND identically.
//
// Output format ("compact RESP", mirrors the RESP3 type bytes so the file stays small):
//   "$text"  bulk string       "+text"  simple string       123  integer       null  null
//   ["*", ...items]  array     ["~", ...items]  set         ["%", k1, v1, k2, v2, ...]  map

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// RESP tree, parser and renderer
// ---------------------------------------------------------------------------------------------

export type Node =
  | { readonly t: 'arr'; readonly v: Node[] }
  | { readonly t: 'set'; readonly v: Node[] }
  | { readonly t: 'map'; readonly v: [Node, Node][] }
  | { readonly t: 'bulk'; readonly v: string }
  | { readonly t: 'simple'; readonly v: string }
  | { readonly t: 'int'; readonly v: number }
  | { readonly t: 'null' }
  | { readonly t: 'error'; readonly v: string };

/** Replies are trusted local output, but still bounded: COMMAND DOCS nests about 6 deep. */
const DEPTH_MAX = 32;
const CRLF = '\r\n';

class Incomplete extends Error {}

/**
 * Parses one RESP2/RESP3 reply from `text` (latin1, one char per byte) at `pos`. Returns the
 * node and the offset after it, or throws Incomplete when more bytes are needed. Fails on any
 * type byte COMMAND INFO/DOCS is not known to use, so a new type cannot slip through unrendered.
 */
function parseReply(text: string, pos: number, depth = 0): [Node, number] {
  if (depth > DEPTH_MAX) throw new Error('RESP reply nested too deep');
  const eol = text.indexOf(CRLF, pos);
  if (eol < 0) throw new Incomplete();
  const type = text[pos];
  const line = text.slice(pos + 1, eol);
  let next = eol + 2;
  switch (type) {
    case '+':
      return [{ t: 'simple', v: line }, next];
    case '-':
      return [{ t: 'error', v: line }, next];
    case ':':
      return [{ t: 'int', v: parseInteger(line) }, next];
    case '_':
      return [{ t: 'null' }, next];
    case '$': {
      const len = parseInteger(line);
      if (len === -1) return [{ t: 'null' }, next];
      if (text.length < next + len + 2) throw new Incomplete();
      if (text.slice(next + len, next + len + 2) !== CRLF) throw new Error('bad bulk terminator');
      return [{ t: 'bulk', v: text.slice(next, next + len) }, next + len + 2];
    }
    case '*':
    case '~':
    case '%': {
      const count = parseInteger(line);
      if (count === -1 && type === '*') return [{ t: 'null' }, next];
      const items: Node[] = [];
      const total = type === '%' ? count * 2 : count;
      for (let i = 0; i < total; i++) {
        const [item, after] = parseReply(text, next, depth + 1);
        items.push(item);
        next = after;
      }
      if (type === '*') return [{ t: 'arr', v: items }, next];
      if (type === '~') return [{ t: 'set', v: items }, next];
      const pairs: [Node, Node][] = [];
      for (let i = 0; i < items.length; i += 2) pairs.push([items[i]!, items[i + 1]!]);
      return [{ t: 'map', v: pairs }, next];
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)} at offset ${pos}`);
  }
}

function parseInteger(text: string): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new Error(`bad RESP integer ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Renders a tree as Redis would. RESP2 has no set, map or null types: a set is sent as an
 * array, a map as a flat array of 2N items (key, value, key, value…), and null as `$-1`.
 */
function renderReply(node: Node, protocol: 2 | 3): string {
  switch (node.t) {
    case 'simple':
      return `+${node.v}${CRLF}`;
    case 'error':
      return `-${node.v}${CRLF}`;
    case 'int':
      return `:${node.v}${CRLF}`;
    case 'null':
      return protocol === 3 ? `_${CRLF}` : `$-1${CRLF}`;
    case 'bulk':
      return `$${node.v.length}${CRLF}${node.v}${CRLF}`;
    case 'arr':
      return `*${node.v.length}${CRLF}${node.v.map((n) => renderReply(n, protocol)).join('')}`;
    case 'set':
      return `${protocol === 3 ? '~' : '*'}${node.v.length}${CRLF}` +
        node.v.map((n) => renderReply(n, protocol)).join('');
    case 'map':
      return `${protocol === 3 ? `%${node.v.length}` : `*${node.v.length * 2}`}${CRLF}` +
        node.v.map(([k, v]) => renderReply(k, protocol) + renderReply(v, protocol)).join('');
  }
}

// ---------------------------------------------------------------------------------------------
// Talking to redis-server
// ---------------------------------------------------------------------------------------------

/** A minimal request/reply client: one command in flight at a time, replies kept raw too. */
export class RespClient {
  readonly #socket: net.Socket;
  #buffer = '';
  #waiter: (() => void) | undefined;
  #closed: Error | undefined;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString('latin1');
      this.#waiter?.();
    });
    socket.on('close', () => {
      this.#closed = new Error('connection to redis-server closed');
      this.#waiter?.();
    });
  }

  static connect(port: number): Promise<RespClient> {
    return new Promise((resolveClient, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolveClient(new RespClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends `args` as a multibulk request; resolves with the parsed reply and its raw bytes. */
  async call(...args: string[]): Promise<{ node: Node; raw: string }> {
    assertNoWaiter(this.#waiter);
    let request = `*${args.length}${CRLF}`;
    for (const arg of args) request += `$${Buffer.byteLength(arg, 'latin1')}${CRLF}${arg}${CRLF}`;
    this.#socket.write(request, 'latin1');
    for (;;) {
      try {
        const [node, end] = parseReply(this.#buffer, 0);
        const raw = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end);
        if (node.t === 'error') throw new Error(`redis-server replied ${node.v} to ${args[0]}`);
        return { node, raw };
      } catch (error: unknown) {
        if (!(error instanceof Incomplete)) throw error;
      }
      if (this.#closed) throw this.#closed;
      await new Promise<void>((wake) => (this.#waiter = wake));
      this.#waiter = undefined;
    }
  }

  close(): void {
    this.#socket.destroy();
  }
}

function assertNoWaiter(waiter: unknown): void {
  if (waiter !== undefined) throw new Error('RespClient: one request at a time');
}

/** Asks the OS for a free port. Another process could take it before redis binds; then we retry. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolvePort(address.port);
      });
    });
  });
}

export interface RunningServer {
  readonly child: ChildProcess;
  readonly port: number;
  readonly dir: string;
}

const CONNECT_ATTEMPTS_MAX = 100;
const CONNECT_RETRY_MS = 50;

/** Starts `binary` on a free port in a fresh temp dir and returns it with a connected client. */
export async function startRedis(
  binary: string,
): Promise<{ server: RunningServer; client: RespClient }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'vesta-gen-spec-'));
    const args = ['--save', '', '--appendonly', 'no', '--port', String(port), '--dir', dir];
    const child = spawn(binary, args, { cwd: dir, stdio: 'ignore' });
    let exited = false;
    child.once('exit', () => (exited = true));
    const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
    spawnError.catch(() => undefined);
    const server = { child, port, dir };
    for (let i = 0; i < CONNECT_ATTEMPTS_MAX && !exited; i++) {
      try {
        const client = await Promise.race([RespClient.connect(port), spawnError]);
        return { server, client };
      } catch (error: unknown) {
        if (!isConnectionRefused(error)) {
          await stopRedis(server);
          throw error;
        }
        await new Promise((wake) => setTimeout(wake, CONNECT_RETRY_MS));
      }
    }
    await stopRedis(server);
  }
  throw new Error(`could not start ${binary}`);
}

function isConnectionRefused(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
}

/** Kills the server by pid (SIGKILL: it has nothing to save) and removes its temp dir. */
export async function stopRedis(server: RunningServer): Promise<void> {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const exit = new Promise((wake) => child.once('exit', wake));
    process.kill(child.pid, 'SIGKILL');
    await exit;
  }
  rmSync(server.dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// From trees to the generated module
// ---------------------------------------------------------------------------------------------

type Compact = string | number | null | Compact[];

function toCompact(node: Node): Compact {
  switch (node.t) {
    case 'bulk':
      return `$${node.v}`;
    case 'simple':
      return `+${node.v}`;
    case 'int':
      return node.v;
    case 'null':
      return null;
    case 'arr':
      return ['*', ...node.v.map(toCompact)];
    case 'set':
      return ['~', ...node.v.map(toCompact)];
    case 'map':
      return ['%', ...node.v.flatMap(([k, v]) => [toCompact(k), toCompact(v)])];
    case 'error':
      throw new Error('error node inside COMMAND reply');
  }
}

function str(node: Node | undefined, what: string): string {
  if (node?.t !== 'bulk' && node?.t !== 'simple') throw new Error(`${what}: expected a string`);
  return node.v;
}

function int(node: Node | undefined, what: string): number {
  if (node?.t !== 'int') throw new Error(`${what}: expected an integer`);
  return node.v;
}

function list(node: Node | undefined, what: string): Node[] {
  if (node?.t !== 'arr' && node?.t !== 'set') throw new Error(`${what}: expected an array`);
  return node.v;
}

function mapOf(node: Node | undefined, what: string): Map<string, Node> {
  if (node?.t !== 'map') throw new Error(`${what}: expected a map`);
  return new Map(node.v.map(([k, v]) => [str(k, what), v]));
}

/** Key spec as Vesta's KeySpec type (camelCase, see src/commands/spec.ts). */
function keySpecOf(node: Node, what: string): Record<string, unknown> {
  const fields = mapOf(node, what);
  const known = new Set(['notes', 'flags', 'begin_search', 'find_keys']);
  for (const key of fields.keys()) if (!known.has(key)) throw new Error(`${what}: key spec ${key}`);
  const begin = mapOf(fields.get('begin_search'), `${what} begin_search`);
  const find = mapOf(fields.get('find_keys'), `${what} find_keys`);
  const beginType = str(begin.get('type'), what);
  const beginSpec = mapOf(begin.get('spec'), what);
  const findType = str(find.get('type'), what);
  const findSpec = mapOf(find.get('spec'), what);
  const spec: Record<string, unknown> = {};
  const notes = fields.get('notes');
  if (notes !== undefined) spec['notes'] = str(notes, what);
  spec['flags'] = list(fields.get('flags'), what).map((f) => str(f, what));
  if (beginType === 'index') {
    spec['beginSearch'] = { type: 'index', index: int(beginSpec.get('index'), what) };
  } else if (beginType === 'keyword') {
    const keyword = str(beginSpec.get('keyword'), what);
    const startFrom = int(beginSpec.get('startfrom'), what);
    spec['beginSearch'] = { type: 'keyword', keyword, startFrom };
  } else if (beginType === 'unknown') {
    spec['beginSearch'] = { type: 'unknown' };
  } else {
    throw new Error(`${what}: begin_search type ${beginType}`);
  }
  if (findType === 'range') {
    const lastKey = int(findSpec.get('lastkey'), what);
    const keyStep = int(findSpec.get('keystep'), what);
    const limit = int(findSpec.get('limit'), what);
    spec['findKeys'] = { type: 'range', lastKey, keyStep, limit };
  } else if (findType === 'keynum') {
    const keyNumIdx = int(findSpec.get('keynumidx'), what);
    const firstKey = int(findSpec.get('firstkey'), what);
    const keyStep = int(findSpec.get('keystep'), what);
    spec['findKeys'] = { type: 'keynum', keyNumIdx, firstKey, keyStep };
  } else if (findType === 'unknown') {
    spec['findKeys'] = { type: 'unknown' };
  } else {
    throw new Error(`${what}: find_keys type ${findType}`);
  }
  return spec;
}

interface Command {
  readonly name: string;
  /** The 10-element COMMAND INFO entry; its subcommand slot (index 9) is emptied. */
  readonly info: Node;
  /** The COMMAND DOCS value (a map); its "subcommands" value, if any, is emptied. */
  readonly docs: Node;
  readonly subcommands: Command[];
}

const INFO_FIELDS = 10;
const INFO_SUBCOMMANDS = 9;

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * Joins one COMMAND INFO entry with its docs (found in `docs` by full name) and does the same for
 * its subcommands. The subcommand slots are hollowed out here so nothing is stored twice;
 * spec.ts puts the (sorted) children back. Redis emits subcommands in hash-table order, which
 * changes from run to run (the hash seed is random), so any order is as faithful as another.
 */
function joinCommand(info: Node, docs: Map<string, Node>): Command {
  const fields = list(info, 'COMMAND INFO entry');
  if (info.t !== 'arr' || fields.length !== INFO_FIELDS) throw new Error('INFO entry shape');
  const name = str(fields[0], 'command name');
  const slot = fields[INFO_SUBCOMMANDS];
  const childInfos = list(slot, `${name} subcommands`);
  const docsNode = docs.get(name);
  if (docsNode === undefined) throw new Error(`no COMMAND DOCS entry for ${name}`);
  if (docsNode.t !== 'map') throw new Error(`${name}: docs entry is not a map`);
  let childDocs = new Map<string, Node>();
  const docsPairs = docsNode.v.map(([k, v]): [Node, Node] => {
    if (str(k, name) !== 'subcommands') return [k, v];
    childDocs = mapOf(v, `${name} docs subcommands`);
    return [k, { t: 'map', v: [] }];
  });
  if (childDocs.size !== childInfos.length) {
    throw new Error(`${name}: INFO/DOCS subcommands differ`);
  }
  const hollowSlot: Node = slot?.t === 'set' ? { t: 'set', v: [] } : { t: 'arr', v: [] };
  const hollowInfo: Node = { t: 'arr', v: [...fields.slice(0, INFO_SUBCOMMANDS), hollowSlot] };
  const subcommands = childInfos.map((child) => joinCommand(child, childDocs)).sort(byName);
  return { name, info: hollowInfo, docs: { t: 'map', v: docsPairs }, subcommands };
}

/** One generated record; the field order is GeneratedCommand in src/commands/spec.ts. */
function renderCommand(command: Command, indent: string): string {
  const fields = list(command.info, command.name);
  const name = command.name;
  const strings = (node: Node | undefined, what: string): string[] =>
    list(node, `${name} ${what}`).map((n) => str(n, `${name} ${what}`));
  const head = [
    name,
    int(fields[1], `${name} arity`),
    strings(fields[2], 'flags'),
    int(fields[3], `${name} first key`),
    int(fields[4], `${name} last key`),
    int(fields[5], `${name} key step`),
    strings(fields[6], 'ACL categories'),
    strings(fields[7], 'tips'),
    list(fields[8], `${name} key specs`).map((spec, i) => keySpecOf(spec, `${name} key spec ${i}`)),
  ];
  const inner = `${indent}  `;
  const subs = command.subcommands.map((sub) => renderCommand(sub, `${inner}  `));
  const subsText = subs.length === 0 ? '[]' : `[\n${subs.join(',\n')},\n${inner}]`;
  return (
    `${indent}[\n` +
    `${inner}${JSON.stringify(head).slice(1, -1)},\n` +
    // The trees as JSON text in a string literal (see GeneratedCommand in src/commands/spec.ts).
    `${inner}${JSON.stringify(JSON.stringify(toCompact(command.info)))},\n` +
    `${inner}${JSON.stringify(JSON.stringify(toCompact(command.docs)))},\n` +
    `${inner}${subsText},\n` +
    `${indent}]`
  );
}

function renderModule(version: string, commands: Command[]): string {
  return (
    // The first line is a fixed contract (STYLE.md Part 4); it is longer than 100 columns.
    `// Generated by scripts/gen-command-spec.ts from redis-server ${version} COMMAND INFO/DOCS.` +
    ' Do not edit.\n' +
    '// Regenerate: npx tsc -p tsconfig.test.json && node build/scripts/gen-command-spec.js\n' +
    '// Record layout: GeneratedCommand in ./spec.ts. Trees are compact RESP as JSON text:\n' +
    '// "$bulk", "+simple", integers, null, ["*", …] array, ["~", …] set, ["%", k, v, …] map.\n' +
    "// Each parent's subcommand slots are empty here; spec.ts fills them from its children.\n" +
    '/* eslint-disable */\n' +
    "import type { GeneratedCommand } from './spec.js';\n\n" +
    `export const GENERATED_REDIS_VERSION = ${JSON.stringify(version)};\n\n` +
    'export const GENERATED_COMMANDS: readonly GeneratedCommand[] = [\n' +
    commands.map((c) => renderCommand(c, '  ')).join(',\n') +
    ',\n];\n'
  );
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

/** Renders the reply both ways and insists on the server's exact bytes. */
function checkRoundTrip(what: string, node: Node, raw: string, protocol: 2 | 3): void {
  if (renderReply(node, protocol) !== raw) {
    throw new Error(`${what}: RESP${protocol} re-render differs from redis-server's bytes`);
  }
}

async function fetchCommands(binary: string): Promise<{ version: string; commands: Command[] }> {
  const { server, client } = await startRedis(binary);
  const client2 = await RespClient.connect(server.port);
  try {
    const hello = mapOf((await client.call('HELLO', '3')).node, 'HELLO');
    const version = str(hello.get('version'), 'HELLO version');
    if (!version.startsWith('7.0.')) throw new Error(`need redis-server 7.0, got ${version}`);
    const info = await client.call('COMMAND', 'INFO');
    const docs = await client.call('COMMAND', 'DOCS');
    const info2 = await client2.call('COMMAND', 'INFO');
    const docs2 = await client2.call('COMMAND', 'DOCS');
    for (const raw of [info.raw, docs.raw]) {
      if (/[^\x00-\x7f]/.test(raw)) throw new Error('non-ASCII byte in COMMAND reply');
    }
    checkRoundTrip('COMMAND INFO', info.node, info.raw, 3);
    checkRoundTrip('COMMAND DOCS', docs.node, docs.raw, 3);
    checkRoundTrip('COMMAND INFO', info.node, info2.raw, 2);
    checkRoundTrip('COMMAND DOCS', docs.node, docs2.raw, 2);
    const docsByName = mapOf(docs.node, 'COMMAND DOCS');
    const entries = list(info.node, 'COMMAND INFO');
    const commands = entries.map((entry) => joinCommand(entry, docsByName)).sort(byName);
    if (commands.length !== docsByName.size) throw new Error('COMMAND INFO/DOCS sizes differ');
    return { version, commands };
  } finally {
    client.close();
    client2.close();
    await stopRedis(server);
  }
}

function parseArgs(argv: string[]): { out: string; binary: string } {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  let out = join(root, 'src', 'commands', 'spec.generated.ts');
  let binary = process.env['REDIS_SERVER'] ?? 'redis-server';
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--out' && value !== undefined) out = resolve(value);
    else if (argv[i] === '--redis-server' && value !== undefined) binary = value;
    else throw new Error(`usage: gen-command-spec [--out <file>] [--redis-server <path>]`);
    i++;
  }
  return { out, binary };
}

async function main(): Promise<void> {
  const { out, binary } = parseArgs(process.argv.slice(2));
  // Redis's command dict may still be rehashing incrementally just after start (every lookup
  // moves it a step), so two COMMAND INFO calls can list commands in different orders and the
  // RESP2/RESP3 byte check fails spuriously: try a fresh server a few times before giving up.
  let fetched: { version: string; commands: Command[] } | null = null;
  for (let attempt = 1; fetched === null; attempt++) {
    try {
      fetched = await fetchCommands(binary);
    } catch (error: unknown) {
      const reorder = error instanceof Error && error.message.includes('re-render differs');
      if (!reorder || attempt >= 5) throw error;
    }
  }
  const { version, commands } = fetched;
  writeFileSync(out, renderModule(version, commands));
  const count = commands.length;
  process.stdout.write(`wrote ${count} commands from redis-server ${version} to ${out}\n`);
}

// Run only as a program: spec.test.ts imports the server and client helpers above.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    const text = error instanceof Error ? error.stack : String(error);
    process.stderr.write(`gen-command-spec: ${text ?? 'unknown error'}\n`);
    process.exitCode = 1;
  });
}
