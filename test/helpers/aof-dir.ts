// A data directory holding a one-base multi-part AOF (Redis 7.0's appendonlydir with a manifest)
// made of the given commands, for tests that start redis-server and Vesta on the same AOF.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './servers.js';

/** One command as RESP, as it stands in an AOF. */
export function respCommand(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

/** A new temp dir whose appendonlydir has `commands` as its base file and an empty incr file. */
export function aofDirWith(prefix: string, commands: readonly (readonly string[])[]): string {
  const dir = tempDir(prefix);
  const aofDir = join(dir, 'appendonlydir');
  mkdirSync(aofDir);
  writeFileSync(join(aofDir, 'appendonly.aof.1.base.aof'), commands.map(respCommand).join(''));
  writeFileSync(join(aofDir, 'appendonly.aof.1.incr.aof'), '');
  writeFileSync(join(aofDir, 'appendonly.aof.manifest'),
    'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  return dir;
}
