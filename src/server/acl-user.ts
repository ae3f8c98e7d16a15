// One ACL user: its flags, password hashes, key and channel patterns and the set of commands it
// may run, with Redis 7.0's rule grammar (ACL SETUSER / `user` lines) and its description
// (ACL LIST / GETUSER). It never touches clients or the keyspace; server/acl.ts does.
// Redis equivalent: ACLSetSelector / ACLSetUser / ACLDescribeUser in acl.c (behaviour learned by
// black-box testing redis-server 7.0.15).

import { createHash } from '../platform/crypto.js';
import { allCommandSpecs, type CommandSpec } from '../commands/spec.js';

/** The categories in Redis 7.0's order (ACL CAT lists them so; the describer tries them so). */
export const ACL_CATEGORIES = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
] as const;

/** One entry of the command universe: a command or a subcommand ("config|get"). */
export interface AclCommand {
  readonly fullName: string;
  readonly categories: ReadonlySet<string>;
  readonly subcommands: readonly AclCommand[];
}

let universe: { list: AclCommand[]; byName: Map<string, AclCommand> } | null = null;

/** Every command and subcommand Redis 7.0 has, parents before their subcommands. */
export function aclCommandUniverse(): { list: AclCommand[]; byName: Map<string, AclCommand> } {
  if (universe !== null) return universe;
  const list: AclCommand[] = [];
  const byName = new Map<string, AclCommand>();
  const make = (spec: CommandSpec): AclCommand => {
    const subcommands = [...spec.subcommands.values()].map(make);
    const categories = new Set(spec.aclCategories.map((c) => c.slice(1)));
    return { fullName: spec.name, categories, subcommands };
  };
  for (const spec of allCommandSpecs()) {
    const cmd = make(spec);
    list.push(cmd, ...cmd.subcommands);
    byName.set(cmd.fullName, cmd);
    for (const sub of cmd.subcommands) byName.set(sub.fullName, sub);
  }
  universe = { list, byName };
  return universe;
}

export const KeyPermission = { read: 1, write: 2, all: 3 } as const;

export interface KeyPattern {
  readonly pattern: string;
  /** KeyPermission bits: %R~ read only, %W~ write only, ~ both. */
  readonly permission: number;
}

/** The text after "ERR Error in ACL SETUSER modifier '<rule>': ". */
export type RuleError = string;

const SYNTAX_ERROR = 'Syntax error';
const UNKNOWN_COMMAND = 'Unknown command or category name in ACL';

export function hashPassword(password: string): string {
  return createHash('sha256').update(Buffer.from(password, 'latin1')).digest('hex');
}

export class AclUser {
  readonly name: string;
  enabled = false;
  nopass = false;
  /** null until sanitize-payload / skip-sanitize-payload is given (reset sets sanitize). */
  sanitizePayload: boolean | null = null;
  /** SHA-256 hex digests, in the order they were added. */
  passwords: string[] = [];
  allKeys = false;
  keyPatterns: KeyPattern[] = [];
  allChannels = false;
  channelPatterns: string[] = [];
  /** The "future commands" bit: set by +@all, cleared by -@all. */
  allCommands = false;
  /** Full names ("get", "config|get") this user may run. */
  allowed = new Set<string>();
  /** +cmd|firstarg rules: the first arguments allowed for a command not otherwise allowed. */
  firstArgs = new Map<string, string[]>();

  constructor(name: string, channelsDefault: 'allchannels' | 'resetchannels') {
    this.name = name;
    this.allChannels = channelsDefault === 'allchannels';
  }

  clone(): AclUser {
    const copy = new AclUser(this.name, 'resetchannels');
    copy.enabled = this.enabled;
    copy.nopass = this.nopass;
    copy.sanitizePayload = this.sanitizePayload;
    copy.passwords = [...this.passwords];
    copy.allKeys = this.allKeys;
    copy.keyPatterns = [...this.keyPatterns];
    copy.allChannels = this.allChannels;
    copy.channelPatterns = [...this.channelPatterns];
    copy.allCommands = this.allCommands;
    copy.allowed = new Set(this.allowed);
    copy.firstArgs = new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    return copy;
  }

  /**
   * Applies one rule. Returns null, or the reason Redis gives for refusing it. `channelsDefault`
   * is acl-pubsub-default, which `reset` applies.
   */
  setRule(rule: string, channelsDefault: 'allchannels' | 'resetchannels'): RuleError | null {
    const lower = rule.toLowerCase();
    const flag = this.#setFlag(lower, channelsDefault);
    if (flag) return null;
    const first = rule[0];
    if (first === '>' || first === '<' || first === '#' || first === '!') return this.#setPassword(rule);
    if (first === '~' || first === '%') return this.#addKeyPattern(rule);
    if (first === '&') return this.#addChannelPattern(rule.slice(1));
    if (first === '+' || first === '-') return this.#setCommandRule(rule);
    if (first === '(') return 'Selectors are not supported by Vesta';
    return SYNTAX_ERROR;
  }

  /** Flag-like rules; true when `rule` was one. */
  #setFlag(rule: string, channelsDefault: 'allchannels' | 'resetchannels'): boolean {
    switch (rule) {
      case 'on':
        this.enabled = true;
        return true;
      case 'off':
        this.enabled = false;
        return true;
      case 'nopass':
        this.nopass = true;
        this.passwords = [];
        return true;
      case 'resetpass':
        this.nopass = false;
        this.passwords = [];
        return true;
      case 'allkeys':
      case '~*':
        this.allKeys = true;
        this.keyPatterns = [];
        return true;
      case 'resetkeys':
        this.allKeys = false;
        this.keyPatterns = [];
        return true;
      case 'allchannels':
      case '&*':
        this.allChannels = true;
        this.channelPatterns = [];
        return true;
      case 'resetchannels':
        this.allChannels = false;
        this.channelPatterns = [];
        return true;
      case 'allcommands':
      case '+@all':
        this.#setAllCommands(true);
        return true;
      case 'nocommands':
      case '-@all':
        this.#setAllCommands(false);
        return true;
      case 'sanitize-payload':
        this.sanitizePayload = true;
        return true;
      case 'skip-sanitize-payload':
        this.sanitizePayload = false;
        return true;
      case 'reset':
        this.#reset(channelsDefault);
        return true;
      case 'clearselectors':
        return true;
      default:
        return false;
    }
  }

  #reset(channelsDefault: 'allchannels' | 'resetchannels'): void {
    this.nopass = false;
    this.passwords = [];
    this.allKeys = false;
    this.keyPatterns = [];
    this.allChannels = channelsDefault === 'allchannels';
    this.channelPatterns = [];
    this.enabled = false;
    this.#setAllCommands(false);
    this.sanitizePayload = true;
  }

  #setAllCommands(on: boolean): void {
    this.#runsEverything = null;
    this.allCommands = on;
    this.firstArgs.clear();
    this.allowed = on ? new Set(aclCommandUniverse().byName.keys()) : new Set();
  }

  #setPassword(rule: string): RuleError | null {
    const body = rule.slice(1);
    const kind = rule[0];
    if (kind === '>' || kind === '#') {
      const hash = kind === '>' ? hashPassword(body) : body;
      if (kind === '#' && !/^[0-9a-f]{64}$/.test(hash)) {
        return 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
      }
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
      return null;
    }
    const hash = kind === '<' ? hashPassword(body) : body;
    if (kind === '!' && !/^[0-9a-f]{64}$/.test(hash)) {
      return 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
    }
    const index = this.passwords.indexOf(hash);
    if (index < 0) return 'The password you are trying to remove from the user does not exist';
    this.passwords.splice(index, 1);
    return null;
  }

  #addKeyPattern(rule: string): RuleError | null {
    let permission: number = KeyPermission.all;
    let pattern = rule.slice(1);
    if (rule[0] === '%') {
      const tilde = rule.indexOf('~');
      if (tilde < 2) return SYNTAX_ERROR;
      permission = 0;
      for (const ch of rule.slice(1, tilde).toUpperCase()) {
        if (ch === 'R') permission |= KeyPermission.read;
        else if (ch === 'W') permission |= KeyPermission.write;
        else return SYNTAX_ERROR;
      }
      pattern = rule.slice(tilde + 1);
    }
    if (this.allKeys) {
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    }
    if (pattern === '*' && permission === KeyPermission.all) {
      this.allKeys = true;
      this.keyPatterns = [];
      return null;
    }
    const existing = this.keyPatterns.findIndex((p) => p.pattern === pattern);
    if (existing >= 0) {
      const merged = (this.keyPatterns[existing] as KeyPattern).permission | permission;
      this.keyPatterns[existing] = { pattern, permission: merged };
    } else {
      this.keyPatterns.push({ pattern, permission });
    }
    return null;
  }

  #addChannelPattern(pattern: string): RuleError | null {
    if (this.allChannels) {
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
    }
    if (!this.channelPatterns.includes(pattern)) this.channelPatterns.push(pattern);
    return null;
  }

  #setCommandRule(rule: string): RuleError | null {
    const allow = rule[0] === '+';
    const body = rule.slice(1);
    const commands = aclCommandUniverse().byName;
    if (body.startsWith('@')) {
      const category = body.slice(1).toLowerCase();
      if (!(ACL_CATEGORIES as readonly string[]).includes(category)) return UNKNOWN_COMMAND;
      for (const cmd of aclCommandUniverse().list) {
        if (cmd.categories.has(category)) this.#setCommandBit(cmd, allow);
      }
      return null;
    }
    const name = body.toLowerCase();
    const cmd = commands.get(name);
    if (cmd !== undefined) {
      this.#setCommandBit(cmd, allow);
      for (const sub of cmd.subcommands) this.#setCommandBit(sub, allow);
      return null;
    }
    return this.#setFirstArgRule(name, body, allow);
  }

  /** "+select|0": allow one first argument of a command that has no subcommands. */
  #setFirstArgRule(name: string, body: string, allow: boolean): RuleError | null {
    const bar = name.indexOf('|');
    if (bar < 0 || !allow) return UNKNOWN_COMMAND;
    const parent = aclCommandUniverse().byName.get(name.slice(0, bar));
    if (parent === undefined) return UNKNOWN_COMMAND;
    const arg = body.slice(bar + 1);
    if (parent.subcommands.length > 0) {
      const subName = name.split('|').slice(0, 2).join('|');
      return parent.subcommands.some((s) => s.fullName === subName) && name !== subName
        ? 'Allowing first-arg of a subcommand is not supported'
        : UNKNOWN_COMMAND;
    }
    if (arg.includes('|')) return UNKNOWN_COMMAND;
    if (this.allowed.has(parent.fullName)) return null;
    const args = this.firstArgs.get(parent.fullName) ?? [];
    if (!args.includes(arg.toLowerCase())) args.push(arg.toLowerCase());
    this.firstArgs.set(parent.fullName, args);
    return null;
  }

  #setCommandBit(cmd: AclCommand, allow: boolean): void {
    this.#runsEverything = null;
    this.firstArgs.delete(cmd.fullName);
    if (allow) this.allowed.add(cmd.fullName);
    else this.allowed.delete(cmd.fullName);
  }

  /**
   * True when `allowed` holds every command of the universe (the default user's allcommands):
   * canRun then needs no set lookup per command. Recomputed after the command bits change.
   */
  #runsEverything: boolean | null = null;

  /** Every command, key and channel allowed: nothing to check per command (the default user). */
  allowsEverything(): boolean {
    this.#runsEverything ??= [...aclCommandUniverse().byName.keys()].every((name) => this.allowed.has(name));
    return this.#runsEverything && this.allKeys && this.allChannels;
  }

  /** May this user run `cmd` (a command or subcommand) with first argument `firstArg`? */
  canRun(fullName: string, firstArg: string | undefined): boolean {
    this.#runsEverything ??= [...aclCommandUniverse().byName.keys()].every((name) => this.allowed.has(name));
    if (this.#runsEverything || this.allowed.has(fullName)) return true;
    const args = this.firstArgs.get(fullName);
    return args !== undefined && firstArg !== undefined && args.includes(firstArg.toLowerCase());
  }

  canAccessKey(key: string, permission: number, match: (p: string, k: string) => boolean): boolean {
    if (this.allKeys) return true;
    for (const p of this.keyPatterns) {
      if ((p.permission & permission) === permission && match(p.pattern, key)) return true;
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Description (ACL LIST, GETUSER, ACL SAVE)

  /** The flags GETUSER lists: on/off, nopass, sanitize-payload or skip-sanitize-payload. */
  flagWords(): string[] {
    const words = [this.enabled ? 'on' : 'off'];
    if (this.nopass) words.push('nopass');
    if (this.sanitizePayload === true) words.push('sanitize-payload');
    if (this.sanitizePayload === false) words.push('skip-sanitize-payload');
    return words;
  }

  /** GETUSER's "keys": "~*", or the patterns ("%R~a ~b"), or "". */
  describeKeys(): string {
    if (this.allKeys) return '~*';
    return this.keyPatterns.map(describeKeyPattern).join(' ');
  }

  /** GETUSER's "channels": "&*", or the patterns ("&a &b"), or "". */
  describeChannels(): string {
    if (this.allChannels) return '&*';
    return this.channelPatterns.map((p) => `&${p}`).join(' ');
  }

  /** ACL LIST's line: "user <name> on nopass ~* &* +@all". */
  describe(): string {
    const parts = ['user', this.name, ...this.flagWords()];
    for (const hash of this.passwords) parts.push(`#${hash}`);
    const keys = this.describeKeys();
    if (keys !== '') parts.push(keys);
    if (this.allChannels) parts.push('&*');
    else parts.push('resetchannels', ...this.channelPatterns.map((p) => `&${p}`));
    parts.push(describeCommandRules(this));
    return parts.join(' ');
  }
}

function describeKeyPattern(p: KeyPattern): string {
  if (p.permission === KeyPermission.all) return `~${p.pattern}`;
  return `%${p.permission === KeyPermission.read ? 'R' : 'W'}~${p.pattern}`;
}

/**
 * The command rules that rebuild the user's command set, as Redis 7.0 writes them: "+@all" or
 * "-@all" (the future-commands bit), then the best-fitting categories one at a time (fewest
 * commands wrongly covered, then most commands rightly covered, never more wrong than right),
 * then the single commands still different, then first-argument rules. Redis walks single
 * commands in its hash table's order, which is seeded per process, so only the set of those
 * words is comparable; Vesta lists them in name order.
 */
export function describeCommandRules(user: AclUser): string {
  const { list } = aclCommandUniverse();
  const additive = !user.allCommands;
  const rules: string[] = [additive ? '-@all' : '+@all'];
  const fake = new Set<string>(additive ? [] : list.map((c) => c.fullName));
  // `pending` holds the user's bits not yet explained by an applied category.
  const pending = new Set(user.allowed);
  const applied = new Set<string>();
  for (;;) {
    let best: string | null = null;
    let bestDiff = Number.MAX_SAFE_INTEGER;
    let bestSame = 0;
    for (const category of ACL_CATEGORIES) {
      if (applied.has(category)) continue;
      let on = 0;
      let off = 0;
      for (const cmd of list) {
        if (!cmd.categories.has(category)) continue;
        if (pending.has(cmd.fullName)) on++;
        else off++;
      }
      const diff = additive ? off : on;
      const same = additive ? on : off;
      if (same > diff && (diff < bestDiff || (diff === bestDiff && same > bestSame))) {
        best = category;
        bestDiff = diff;
        bestSame = same;
      }
    }
    if (best === null) break;
    applied.add(best);
    rules.push(`${additive ? '+' : '-'}@${best}`);
    for (const cmd of list) {
      if (!cmd.categories.has(best)) continue;
      if (additive) fake.add(cmd.fullName);
      else fake.delete(cmd.fullName);
      // The inverse on the pending copy, so the next category counts only what is left.
      if (additive) pending.delete(cmd.fullName);
      else pending.add(cmd.fullName);
    }
  }
  for (const cmd of list) {
    const userBit = user.allowed.has(cmd.fullName);
    if (userBit === fake.has(cmd.fullName)) continue;
    rules.push(`${userBit ? '+' : '-'}${cmd.fullName}`);
    const changed = cmd.subcommands.length > 0 ? [cmd, ...cmd.subcommands] : [cmd];
    for (const c of changed) {
      if (userBit) fake.add(c.fullName);
      else fake.delete(c.fullName);
    }
  }
  for (const [name, args] of user.firstArgs) for (const arg of args) rules.push(`+${name}|${arg}`);
  return rules.join(' ');
}
