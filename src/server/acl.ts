// The ACL: the users (the default user included), authentication, the permission check dispatch
// runs before every command (command, then keys by the command's key specs, then pub/sub
// channels), ACL LOG, and the aclfile (ACL LOAD / SAVE). requirepass is the default user's
// password, as in Redis. It never parses RESP and never touches the keyspace.
// Redis equivalent: acl.c (ACLCheckAllPerm, ACLAuthenticateUser, ACLLoadFromFile, addACLLogEntry).

import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { getCommandSpec, type CommandSpec } from '../commands/spec.js';
import { keyArgumentsWithFlags } from '../commands/key-args.js';
import { globMatch } from '../util/glob.js';
import * as fsx from '../platform/fs.js';
import { AclUser, KeyPermission, hashPassword } from './acl-user.js';

export { AclUser } from './acl-user.js';

export const NOPERM_KEY = 'NOPERM this user has no permissions to access one of the keys used as arguments';
export const NOPERM_CHANNEL =
  'NOPERM this user has no permissions to access one of the channels used as arguments';
export const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

/** Why a check failed, for the reply and ACL LOG. */
export interface AclDenial {
  readonly reason: 'command' | 'key' | 'channel';
  readonly object: string;
  readonly error: string;
}

export interface AclLogEntry {
  count: number;
  readonly reason: string;
  readonly context: string;
  readonly object: string;
  readonly username: string;
  createdAtMs: number;
  clientInfo: string;
}

const NO_CHANGE = 'WARNING: ACL errors detected, no change to the previously active ACL rules was performed';

/** Entries this close in time with the same reason/context/object/user are merged (Redis: 60 s). */
const ACL_LOG_GROUPING_MS = 60_000;

export type ChannelsDefault = 'allchannels' | 'resetchannels';

export class Acl {
  /** By name; listed sorted, as Redis's radix tree lists them. */
  readonly users = new Map<string, AclUser>();
  readonly log: AclLogEntry[] = [];
  channelsDefault: ChannelsDefault = 'resetchannels';

  constructor() {
    this.users.set('default', defaultUser());
  }

  get defaultUser(): AclUser {
    const user = this.users.get('default');
    if (user === undefined) throw new Error('ACL: the default user is missing');
    return user;
  }

  /** requirepass: "" makes the default user nopass, anything else its only password. */
  setRequirePass(password: string): void {
    const user = this.defaultUser;
    user.setRule('resetpass', this.channelsDefault);
    user.setRule(password === '' ? 'nopass' : `>${password}`, this.channelsDefault);
  }

  /** A new connection is authenticated as default when that user is on and needs no password. */
  autoAuthenticated(): boolean {
    const user = this.defaultUser;
    return user.enabled && user.nopass;
  }

  sortedUsers(): AclUser[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * ACL SETUSER: applies every rule to a copy, then commits, so a bad rule changes nothing.
   * Returns Redis's error reply text, or null.
   */
  setUser(name: string, rules: readonly string[]): string | null {
    if (/[\s\0]/.test(name)) return "ERR Usernames can't contain spaces or null characters";
    const existing = this.users.get(name);
    const user = existing?.clone() ?? new AclUser(name, this.channelsDefault);
    for (const rule of rules) {
      const error = user.setRule(rule, this.channelsDefault);
      if (error !== null) return `ERR Error in ACL SETUSER modifier '${rule}': ${error}`;
    }
    this.users.set(name, user);
    return null;
  }

  /** True when name/password authenticate (user exists, is on, and nopass or a hash matches). */
  checkPassword(name: string, password: string): boolean {
    const user = this.users.get(name);
    if (user === undefined || !user.enabled) return false;
    if (user.nopass) return true;
    return user.passwords.includes(hashPassword(password));
  }

  /**
   * The permission check before a command runs: the command (or its first argument rule), then
   * every key its key specs name, then its pub/sub channels. Returns null when allowed.
   */
  check(userName: string, spec: CommandSpec, argv: readonly string[]): AclDenial | null {
    const user = this.users.get(userName);
    if (user === undefined) return { reason: 'command', object: spec.name, error: commandDenied(spec) };
    if (user.allowsEverything()) return null;
    const subcommandOf = spec.container !== undefined;
    const firstArg = subcommandOf ? undefined : argv[1];
    if (!user.canRun(spec.name, firstArg)) {
      return { reason: 'command', object: spec.name, error: commandDenied(spec) };
    }
    if (!user.allKeys) {
      for (const { index, permission } of keyArguments(spec, argv)) {
        const key = argv[index] as string;
        if (!user.canAccessKey(key, permission, (p, k) => globMatch(p, k))) {
          return { reason: 'key', object: key, error: NOPERM_KEY };
        }
      }
    }
    if (!user.allChannels) {
      const denied = deniedChannel(user, spec.name, argv);
      if (denied !== null) return { reason: 'channel', object: denied, error: NOPERM_CHANNEL };
    }
    return null;
  }

  /** Adds (or merges into) an ACL LOG entry, newest first, bounded by acllog-max-len. */
  addLogEntry(entry: Omit<AclLogEntry, 'count' | 'createdAtMs'>, nowMs: number, maxLen: number): void {
    const similar = this.log.findIndex(
      (e) =>
        e.reason === entry.reason &&
        e.context === entry.context &&
        e.object === entry.object &&
        e.username === entry.username &&
        nowMs - e.createdAtMs < ACL_LOG_GROUPING_MS,
    );
    if (similar >= 0) {
      const found = this.log[similar] as AclLogEntry;
      found.count++;
      found.createdAtMs = nowMs;
      found.clientInfo = entry.clientInfo;
      this.log.splice(similar, 1);
      this.log.unshift(found);
      return;
    }
    this.log.unshift({ ...entry, count: 1, createdAtMs: nowMs });
    if (this.log.length > maxLen) this.log.length = maxLen;
  }

  // -------------------------------------------------------------------------------------------
  // aclfile and `user` lines

  /**
   * Parses `user <name> <rules...>` lines into a fresh user table. Returns the table, or the
   * error text (Redis words file errors as "<file>:<line>: <reason>").
   */
  parseUsers(lines: readonly (readonly string[])[], where: (lineIndex: number) => string): Map<string, AclUser> | string {
    const table = new Map<string, AclUser>([['default', defaultUser()]]);
    const seen = new Set<string>();
    for (const [i, words] of lines.entries()) {
      if (words.length === 0) continue;
      if (words[0] !== 'user' || words.length < 2) {
        return `${where(i)} should start with user keyword followed by the username. ${NO_CHANGE}`;
      }
      const name = words[1] as string;
      if (seen.has(name)) return `WARNING: Duplicate user '${name}' found on line ${i + 1}. ${NO_CHANGE}`;
      seen.add(name);
      const user = name === 'default' ? (table.get('default') as AclUser) : new AclUser(name, this.channelsDefault);
      if (name === 'default') user.setRule('reset', this.channelsDefault);
      for (const rule of words.slice(2)) {
        const error = user.setRule(rule, this.channelsDefault);
        if (error !== null) return `${where(i)}: ${error}. ${NO_CHANGE}`;
      }
      table.set(name, user);
    }
    return table;
  }

  /** Replaces every user with `table` (ACL LOAD, start-up). */
  replaceUsers(table: Map<string, AclUser>): void {
    this.users.clear();
    for (const [name, user] of table) this.users.set(name, user);
  }

  /** ACL LOAD: reads and applies the whole file, or nothing. Returns an error text or null. */
  loadFile(path: string): string | null {
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (error: unknown) {
      return `Error loading ACLs, opening file '${path}': ${fsx.describeFsError(error)}`;
    }
    const lines = text.split('\n').map((line) => line.trim());
    // Redis's aclfile has no comments: only blank lines and `user` lines.
    const words = lines.map((line) => (line === '' ? [] : line.split(/\s+/)));
    const table = this.parseUsers(words, (i) => `${path}:${i + 1}`);
    if (typeof table === 'string') return table;
    this.replaceUsers(table);
    return null;
  }

  /** ACL SAVE: every user as a `user` line, temp file, fsync, rename, directory fsync. */
  saveFile(path: string): void {
    const text = this.sortedUsers().map((u) => u.describe() + '\n').join('');
    const temp = `${path}.tmp-${process.pid}`;
    fsx.writeFileDurableSync(temp, Buffer.from(text, 'latin1'));
    fsx.renameSync(temp, path);
    fsx.fsyncDirSync(dirname(path));
  }
}

function defaultUser(): AclUser {
  const user = new AclUser('default', 'allchannels');
  for (const rule of ['on', 'nopass', '~*', '&*', '+@all']) user.setRule(rule, 'allchannels');
  return user;
}

function commandDenied(spec: CommandSpec): string {
  return `NOPERM this user has no permissions to run the '${spec.name}' command`;
}

/** The pub/sub channels a command names, and the first one the user may not use. */
function deniedChannel(user: AclUser, name: string, argv: readonly string[]): string | null {
  let channels: readonly string[];
  let literal = false;
  if (name === 'publish' || name === 'spublish') channels = argv.slice(1, 2);
  else if (name === 'subscribe' || name === 'ssubscribe') channels = argv.slice(1);
  else if (name === 'psubscribe') {
    channels = argv.slice(1);
    literal = true;
  } else return null;
  for (const channel of channels) {
    const ok = user.channelPatterns.some((p) => (literal ? p === channel : globMatch(p, channel)));
    if (!ok) return channel;
  }
  return null;
}

/**
 * The key arguments of a call and the permission each needs (commands/key-args.ts finds them):
 * `access` needs read; insert, update or delete need write; a key with neither (EXISTS's plain
 * RO) is satisfied by any matching pattern, as Redis's ACLSelectorCheckKey.
 */
export function keyArguments(spec: CommandSpec, argv: readonly string[]): { index: number; permission: number }[] {
  return keyArgumentsWithFlags(spec, argv).map(({ index, flags }) => {
    let permission = 0;
    if (flags.includes('access')) permission |= KeyPermission.read;
    if (flags.includes('insert') || flags.includes('update') || flags.includes('delete')) permission |= KeyPermission.write;
    return { index, permission };
  });
}

/** The spec dispatch resolved (a subcommand's own spec for "config get"). */
export function specOf(fullName: string): CommandSpec | undefined {
  return getCommandSpec(fullName);
}
