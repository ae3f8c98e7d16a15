// Typed access to the command table generated from redis-server 7.0 (spec.generated.ts): arity,
// flags, key positions, ACL categories, and the exact COMMAND INFO / COMMAND DOCS replies as
// typed RESP trees. Never edit metadata here; regenerate it (scripts/gen-command-spec.ts).
// This module knows nothing about clients or the keyspace.
// Redis equivalent: the redisCommand table built from commands.def, and lookupCommand().

import { assert, unreachable } from '../assert.js';
import { GENERATED_COMMANDS } from './spec.generated.js';

/**
 * A reply as Redis builds it, keeping the RESP3 type of every node, so both protocols can be
 * rendered from it (see encodeRespTree). `map` holds key/value pairs in reply order.
 */
export type RespTree =
  | { readonly t: 'arr'; readonly v: readonly RespTree[] }
  | { readonly t: 'set'; readonly v: readonly RespTree[] }
  | { readonly t: 'map'; readonly v: readonly (readonly [RespTree, RespTree])[] }
  | { readonly t: 'bulk'; readonly v: string }
  | { readonly t: 'simple'; readonly v: string }
  | { readonly t: 'int'; readonly v: number }
  | { readonly t: 'null' };

/** One COMMAND INFO key specification (Redis 7 key specs), with camelCase field names. */
export interface KeySpec {
  readonly notes?: string;
  /** RW/RO/OW/RM, access/update/insert/delete, not_key, incomplete, variable_flags. */
  readonly flags: readonly string[];
  readonly beginSearch:
    | { readonly type: 'index'; readonly index: number }
    | { readonly type: 'keyword'; readonly keyword: string; readonly startFrom: number }
    | { readonly type: 'unknown' };
  readonly findKeys:
    | {
        readonly type: 'range';
        readonly lastKey: number;
        readonly keyStep: number;
        readonly limit: number;
      }
    | {
        readonly type: 'keynum';
        readonly keyNumIdx: number;
        readonly firstKey: number;
        readonly keyStep: number;
      }
    | { readonly type: 'unknown' };
}

export interface CommandSpec {
  /** Lower case, as COMMAND INFO reports it; subcommands are "parent|sub" ("config|get"). */
  readonly name: string;
  /** Argument count including the name; negative means "at least -arity". */
  readonly arity: number;
  /** COMMAND INFO flags: "write", "readonly", "denyoom", "fast", "noscript", … */
  readonly flags: ReadonlySet<string>;
  /** Legacy key range over argv (0 = no keys; negative lastKey counts from the end). */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  /** "@read", "@string", "@fast", … */
  readonly aclCategories: readonly string[];
  /** Command tips: "nondeterministic_output", "request_policy:all_shards", … */
  readonly tips: readonly string[];
  readonly keySpecs: readonly KeySpec[];
  /** Keyed by the bare subcommand name: getCommandSpec('config')?.subcommands.get('get'). */
  readonly subcommands: ReadonlyMap<string, CommandSpec>;
  /** This command's COMMAND INFO entry (a 10-element array, subcommands included). */
  readonly info: RespTree;
  /** This command's COMMAND DOCS value (a map); the reply's key is `name`. */
  readonly docs: RespTree;
  /** For a subcommand, the parent's name. */
  readonly container?: string;
}

// ---------------------------------------------------------------------------------------------
// Generated record format
// ---------------------------------------------------------------------------------------------

/**
 * Compact RESP, the tree encoding used in spec.generated.ts (mirrors the RESP3 type bytes):
 *   "$text" bulk, "+text" simple, 12 integer, null, ["*", …] array, ["~", …] set,
 *   ["%", k1, v1, k2, v2, …] map.
 */
export type CompactResp = string | number | null | readonly CompactResp[];

/**
 * One generated record. `info` and `docs` come with their subcommand slots empty (index 9 of the
 * INFO array; the "subcommands" value of the DOCS map); expandCommand fills them from
 * `subcommands` so nothing is stored twice. They are CompactResp as JSON text: V8 scans a string
 * literal far faster than it parses the same data as nested array literals, and these trees are
 * most of the file but only COMMAND INFO/DOCS read them (start-up import: about 4.5 ms less).
 */
export type GeneratedCommand = readonly [
  name: string,
  arity: number,
  flags: readonly string[],
  firstKey: number,
  lastKey: number,
  keyStep: number,
  aclCategories: readonly string[],
  tips: readonly string[],
  keySpecs: readonly KeySpec[],
  infoJson: string,
  docsJson: string,
  subcommands: readonly GeneratedCommand[],
];

const INFO_FIELDS = 10;
const INFO_SUBCOMMANDS = 9;

function expandCompactJson(json: string): RespTree {
  return expandCompact(JSON.parse(json) as CompactResp);
}

function expandCompact(value: CompactResp): RespTree {
  if (value === null) return { t: 'null' };
  if (typeof value === 'number') return { t: 'int', v: value };
  if (typeof value === 'string') {
    if (value.startsWith('$')) return { t: 'bulk', v: value.slice(1) };
    assert(value.startsWith('+'), 'compact RESP: bad string tag');
    return { t: 'simple', v: value.slice(1) };
  }
  const tag = value[0];
  const items = value.slice(1).map(expandCompact);
  if (tag === '*') return { t: 'arr', v: items };
  if (tag === '~') return { t: 'set', v: items };
  assert(tag === '%' && items.length % 2 === 0, 'compact RESP: bad aggregate tag');
  const pairs: (readonly [RespTree, RespTree])[] = [];
  for (let i = 0; i < items.length; i += 2) pairs.push([items[i]!, items[i + 1]!]);
  return { t: 'map', v: pairs };
}

/** Puts the children's INFO entries into slot 9 of the parent's INFO array. */
function withInfoSubcommands(info: RespTree, children: readonly CommandSpec[]): RespTree {
  assert(info.t === 'arr' && info.v.length === INFO_FIELDS, 'spec: INFO entry shape');
  if (children.length === 0) return info;
  const slot = info.v[INFO_SUBCOMMANDS];
  assert(slot !== undefined && (slot.t === 'arr' || slot.t === 'set'), 'spec: INFO slot');
  assert(slot.v.length === 0, 'spec: INFO slot must be empty in generated data');
  const filled: RespTree = { t: slot.t, v: children.map((c) => c.info) };
  return { t: 'arr', v: [...info.v.slice(0, INFO_SUBCOMMANDS), filled] };
}

/** Puts "name → docs" pairs for the children into the parent's DOCS "subcommands" map. */
function withDocsSubcommands(docs: RespTree, children: readonly CommandSpec[]): RespTree {
  assert(docs.t === 'map', 'spec: DOCS entry must be a map');
  if (children.length === 0) return docs;
  let found = false;
  const pairs = docs.v.map(([key, value]): readonly [RespTree, RespTree] => {
    if (key.t !== 'bulk' || key.v !== 'subcommands') return [key, value];
    assert(value.t === 'map' && value.v.length === 0, 'spec: DOCS subcommands slot');
    found = true;
    const entries = children.map((c): readonly [RespTree, RespTree] => [
      { t: 'bulk', v: c.name },
      c.docs,
    ]);
    return [key, { t: 'map', v: entries }];
  });
  assert(found, 'spec: DOCS entry lacks subcommands');
  return { t: 'map', v: pairs };
}

function expandCommand(record: GeneratedCommand, container?: string): CommandSpec {
  const name = record[0];
  const children = record[11].map((child) => expandCommand(child, name));
  const subcommands = new Map<string, CommandSpec>();
  for (const child of children) {
    const bare = child.name.slice(name.length + 1);
    assert(child.name.startsWith(`${name}|`) && bare.length > 0, 'spec: subcommand name');
    subcommands.set(bare, child);
  }
  return new ExpandedCommand(record, subcommands, children, container);
}

/**
 * One command's spec. The INFO and DOCS trees (most of the generated data) are expanded on
 * first use: only COMMAND INFO/DOCS need them, and expanding all of them took about a fifth of
 * the server's start-up.
 */
class ExpandedCommand implements CommandSpec {
  readonly name: string;
  readonly arity: number;
  readonly flags: ReadonlySet<string>;
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  readonly aclCategories: readonly string[];
  readonly tips: readonly string[];
  readonly keySpecs: readonly KeySpec[];
  readonly subcommands: ReadonlyMap<string, CommandSpec>;
  readonly container?: string;
  readonly #record: GeneratedCommand;
  readonly #children: readonly CommandSpec[];
  #info: RespTree | null = null;
  #docs: RespTree | null = null;

  constructor(record: GeneratedCommand, subcommands: ReadonlyMap<string, CommandSpec>,
    children: readonly CommandSpec[], container: string | undefined) {
    const [name, arity, flags, firstKey, lastKey, keyStep, aclCategories, tips, keySpecs] = record;
    this.name = name;
    this.arity = arity;
    this.flags = new Set(flags);
    this.firstKey = firstKey;
    this.lastKey = lastKey;
    this.keyStep = keyStep;
    this.aclCategories = aclCategories;
    this.tips = tips;
    this.keySpecs = keySpecs;
    this.subcommands = subcommands;
    if (container !== undefined) this.container = container;
    this.#record = record;
    this.#children = children;
  }

  get info(): RespTree {
    if (this.#info === null) {
      const info = withInfoSubcommands(expandCompactJson(this.#record[9]), this.#children);
      // Pair assertion: the plain fields and the INFO tree were written from the same reply.
      assert(info.t === 'arr', 'spec: INFO entry shape');
      const [infoName, infoArity, , infoFirst, infoLast, infoStep] = info.v;
      assert(infoName?.t === 'bulk' && infoName.v === this.name, 'spec: INFO name mismatch');
      assert(infoArity?.t === 'int' && infoArity.v === this.arity, 'spec: INFO arity mismatch');
      assert(infoFirst?.t === 'int' && infoFirst.v === this.firstKey,
        'spec: INFO first key mismatch');
      assert(infoLast?.t === 'int' && infoLast.v === this.lastKey, 'spec: INFO last key mismatch');
      assert(infoStep?.t === 'int' && infoStep.v === this.keyStep, 'spec: INFO key step mismatch');
      this.#info = info;
    }
    return this.#info;
  }

  get docs(): RespTree {
    this.#docs ??= withDocsSubcommands(expandCompactJson(this.#record[10]),
      this.#children);
    return this.#docs;
  }
}

// ---------------------------------------------------------------------------------------------
// Lookup
// ---------------------------------------------------------------------------------------------

let table: ReadonlyMap<string, CommandSpec> | undefined;

/** Built on first use: expanding every tree costs a few milliseconds we need not pay at import. */
function commandTable(): ReadonlyMap<string, CommandSpec> {
  if (table === undefined) {
    const built = new Map<string, CommandSpec>();
    for (const record of GENERATED_COMMANDS) {
      const spec = expandCommand(record);
      assert(!built.has(spec.name), 'spec: duplicate command');
      built.set(spec.name, spec);
    }
    table = built;
  }
  return table;
}

/**
 * Looks a command up by name, case-insensitively. "parent|sub" finds a subcommand directly;
 * otherwise use `getCommandSpec('config')?.subcommands.get('get')`.
 */
export function getCommandSpec(name: string): CommandSpec | undefined {
  const lower = name.toLowerCase();
  const bar = lower.indexOf('|');
  if (bar < 0) return commandTable().get(lower);
  return commandTable().get(lower.slice(0, bar))?.subcommands.get(lower.slice(bar + 1));
}

/** Every top-level command, sorted by name (subcommands hang off their parents). */
export function allCommandSpecs(): Iterable<CommandSpec> {
  return commandTable().values();
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/**
 * Renders a tree exactly as redis-server 7.0 sends it. RESP3 keeps each type (`~` set, `%` map,
 * `_` null). RESP2 has none of these: a set goes out as an array, a map as a flat array of
 * 2N items (key, value, key, value, …), and null as `$-1`. Simple strings stay `+` in both.
 * Strings are latin1 (one char per byte), so the bulk length is the string length.
 */
export function encodeRespTree(tree: RespTree, protocol: 2 | 3): string {
  switch (tree.t) {
    case 'bulk':
      return `$${tree.v.length}\r\n${tree.v}\r\n`;
    case 'simple':
      return `+${tree.v}\r\n`;
    case 'int':
      return `:${tree.v}\r\n`;
    case 'null':
      return protocol === 3 ? '_\r\n' : '$-1\r\n';
    case 'arr':
      return `*${tree.v.length}\r\n${tree.v.map((n) => encodeRespTree(n, protocol)).join('')}`;
    case 'set': {
      const items = tree.v.map((n) => encodeRespTree(n, protocol)).join('');
      return `${protocol === 3 ? '~' : '*'}${tree.v.length}\r\n${items}`;
    }
    case 'map': {
      const header = protocol === 3 ? `%${tree.v.length}` : `*${tree.v.length * 2}`;
      const encodePair = ([k, v]: readonly [RespTree, RespTree]): string =>
        encodeRespTree(k, protocol) + encodeRespTree(v, protocol);
      const items = tree.v.map(encodePair);
      return `${header}\r\n${items.join('')}`;
    }
    default:
      return unreachable(tree);
  }
}
