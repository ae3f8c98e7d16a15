// The replication fields of a dump (aux repl-stream-db, repl-id, repl-offset): what a save
// writes when the server takes part in replication, and what the last load found, so a
// restarted replica can continue with a partial resync. Replication registers the source;
// persistence stays below it. Redis equivalent: rdbSaveInfo / rdbPopulateSaveInfo in rdb.c.

import type { Config } from '../../config/config.js';

export interface ReplInfo {
  streamDb: number;
  replId: string;
  offset: number;
}

const sources = new WeakMap<Config, () => ReplInfo | null>();
const loaded = new WeakMap<Config, ReplInfo>();

/** Replication says what to record in dumps of this server (null: nothing). */
export function setReplInfoSource(config: Config, source: () => ReplInfo | null): void {
  sources.set(config, source);
}

export function currentReplInfo(config: Config): ReplInfo | null {
  return sources.get(config)?.() ?? null;
}

/** The replication fields the last loaded dump held (or undefined). */
export function loadedReplInfo(config: Config): ReplInfo | undefined {
  return loaded.get(config);
}

export function recordLoadedReplInfo(config: Config, info: Partial<ReplInfo>): void {
  const prev = loaded.get(config) ?? { streamDb: 0, replId: '', offset: -1 };
  loaded.set(config, { ...prev, ...info });
}

export function forgetLoadedReplInfo(config: Config): void {
  loaded.delete(config);
}

/** Writes the fields through an encoder's writeAux when the server has some to record. */
export function writeReplAux(config: Config, writeAux: (name: string, value: string | number) => void): void {
  const info = currentReplInfo(config);
  if (info === null) return;
  writeAux('repl-stream-db', info.streamDb);
  writeAux('repl-id', info.replId);
  writeAux('repl-offset', info.offset);
}
