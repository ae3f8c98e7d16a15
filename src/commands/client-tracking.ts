// CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR, CLIENT TRACKINGINFO: the command half of
// client-side caching (the table and the invalidations are in server/tracking.ts).
// Redis equivalent: the tracking branches of clientCommand in networking.c.

import type { Client } from '../server/client.js';
import { parseInt64 } from '../util/numbers.js';
import { NOT_INTEGER, SYNTAX } from './errors.js';
import type { CommandDef } from './types.js';

interface TrackingOptions {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: string[];
}

/** The options after ON|OFF; null after replying an error. */
function parseTrackingOptions(c: Client, argv: string[]): TrackingOptions | null {
  const options: TrackingOptions = { redirect: 0, bcast: false, optin: false, optout: false, noloop: false, prefixes: [] };
  for (let j = 3; j < argv.length; j++) {
    const opt = (argv[j] as string).toLowerCase();
    const more = j + 1 < argv.length;
    if (opt === 'redirect' && more) {
      j++;
      if (options.redirect !== 0) {
        c.addReplyError('ERR A client can only redirect to a single other client');
        return null;
      }
      const id = parseInt64(argv[j] as string);
      if (id === null) {
        c.addReplyError(NOT_INTEGER);
        return null;
      }
      if (typeof id === 'bigint' || !c.server.clients.has(id)) {
        c.addReplyError('ERR The client ID you want redirect to does not exist');
        return null;
      }
      options.redirect = id;
    } else if (opt === 'bcast') options.bcast = true;
    else if (opt === 'optin') options.optin = true;
    else if (opt === 'optout') options.optout = true;
    else if (opt === 'noloop') options.noloop = true;
    else if (opt === 'prefix' && more) options.prefixes.push(argv[++j] as string);
    else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  return options;
}

/** Redis's checks before enabling, in its order; the error text or null. */
function enableError(c: Client, options: TrackingOptions): string | null {
  const state = c.server.tracking.stateOf(c);
  if (!options.bcast && options.prefixes.length > 0) return 'ERR PREFIX option requires BCAST mode to be enabled';
  if (state !== undefined && state.bcast !== options.bcast) {
    return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
  }
  if (options.bcast && (options.optin || options.optout)) return 'ERR OPTIN and OPTOUT are not compatible with BCAST';
  if (options.optin && options.optout) return "ERR You can't specify both OPTIN mode and OPTOUT mode";
  if (state !== undefined && ((options.optin && state.optout) || (options.optout && state.optin))) {
    return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
  }
  if (options.bcast) return prefixCollision(options.prefixes, state?.prefixes ?? new Set());
  return null;
}

/** Prefixes of one client may not be prefixes of one another (nor repeat). */
function prefixCollision(prefixes: string[], existing: Set<string>): string | null {
  const overlap = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);
  for (let i = 0; i < prefixes.length; i++) {
    const prefix = prefixes[i] as string;
    for (const old of [...existing].sort()) {
      if (overlap(old, prefix)) {
        return `ERR Prefix '${prefix}' overlaps with an existing prefix '${old}'. Prefixes for a single client must not overlap.`;
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlap(prefix, prefixes[j] as string)) {
        return `ERR Prefix '${prefix}' overlaps with another provided prefix '${prefixes[j] as string}'. Prefixes for a single client must not overlap.`;
      }
    }
  }
  return null;
}

function clientTrackingCommand(c: Client, argv: string[]): void {
  const options = parseTrackingOptions(c, argv);
  if (options === null) return;
  const mode = (argv[2] as string).toLowerCase();
  if (mode === 'on') {
    const error = enableError(c, options);
    if (error !== null) {
      c.addReplyError(error);
      return;
    }
    c.server.tracking.enable(c, options);
  } else if (mode === 'off') {
    c.server.tracking.disable(c);
  } else {
    c.addReplyError(SYNTAX);
    return;
  }
  c.addReplyOk();
}

function clientCachingCommand(c: Client, argv: string[]): void {
  const state = c.server.tracking.stateOf(c);
  if (state === undefined) {
    c.addReplyError('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
    return;
  }
  const opt = (argv[2] as string).toLowerCase();
  if (opt === 'yes') {
    if (!state.optin) {
      c.addReplyError('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
      return;
    }
  } else if (opt === 'no') {
    if (!state.optout) {
      c.addReplyError('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
      return;
    }
  } else {
    c.addReplyError(SYNTAX);
    return;
  }
  state.caching = true;
  c.addReplyOk();
}

function clientGetredirCommand(c: Client): void {
  const state = c.server.tracking.stateOf(c);
  c.addReplyLongLong(state === undefined ? -1 : state.redirect);
}

function clientTrackinginfoCommand(c: Client): void {
  const state = c.server.tracking.stateOf(c);
  c.addReplyMapLen(3);
  c.addReplyBulk('flags');
  const flags: string[] = [];
  if (state === undefined) flags.push('off');
  else {
    flags.push('on');
    if (state.bcast) flags.push('bcast');
    if (state.optin) flags.push('optin');
    if (state.optout) flags.push('optout');
    if (state.caching && state.optin) flags.push('caching-yes');
    if (state.caching && state.optout) flags.push('caching-no');
    if (state.noloop) flags.push('noloop');
    if (state.brokenRedirect) flags.push('broken_redirect');
  }
  c.addReplySetLen(flags.length);
  for (const flag of flags) c.addReplyBulk(flag);
  c.addReplyBulk('redirect');
  c.addReplyLongLong(state === undefined ? -1 : state.redirect);
  c.addReplyBulk('prefixes');
  const prefixes = state === undefined ? [] : [...state.prefixes].sort();
  c.addReplyBulks(prefixes);
}

export const clientTrackingCommands: CommandDef[] = [
  { name: 'client|tracking', admin: clientTrackingCommand },
  { name: 'client|caching', admin: clientCachingCommand },
  { name: 'client|getredir', admin: clientGetredirCommand },
  { name: 'client|trackinginfo', admin: clientTrackinginfoCommand },
];
