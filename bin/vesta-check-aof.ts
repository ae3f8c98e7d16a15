#!/usr/bin/env node
// vesta-check-aof [--fix] [-y] [--truncate-to-timestamp <ts>] <manifest|dir|file.aof>
//   or: vesta-check-aof [options] --config <vesta.conf> (the AOF that server loads)
// Exit codes, as redis-check-aof: 0 valid (or fixed), 1 anything else (damaged, declined,
// wrong arguments, unreadable file).

import { createInterface } from 'node:readline/promises';
import { checkAofPath } from '../src/tools/check-aof.js';
import { parseToolArgs, runTool, serverPathsFromConfig, stringOption } from '../src/tools/cli.js';
import { EXIT_OK, UsageError } from '../src/tools/tool-error.js';

const USAGE = `Usage: vesta-check-aof [--fix [-y]] [--truncate-to-timestamp <unix-seconds>] <file>
       vesta-check-aof [--fix [-y]] [--truncate-to-timestamp <unix-seconds>] --config <conf>
  <file> is an AOF manifest (appendonlydir/appendonly.aof.manifest), the AOF directory, or a
  single old-style .aof file (with or without an RDB preamble). Reports the last valid offset
  of every file.
  --config <conf>           check the AOF the server started with this config file loads (its
                            dir, appenddirname, also an absolute one, and appendfilename)
  --fix                     truncate a damaged tail of the last file (asks first); damage with
                            valid commands after it is named and left alone
  -y, --yes                 do not ask (for scripts)
  --truncate-to-timestamp   cut the last file at the first #TS: annotation later than this
  -h, --help                this text
Exit codes (as redis-check-aof): 0 valid or fixed, 1 damaged, declined or wrong arguments.
`;

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: false });
  try {
    process.stdout.write(question);
    const answer = await rl.question('');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

const code = await runTool('vesta-check-aof', USAGE, async () => {
  const args = parseToolArgs(process.argv.slice(2), {
    fix: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    'truncate-to-timestamp': { type: 'string' },
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (args.values['help'] === true) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  const configFile = stringOption(args, 'config');
  if (args.positionals.length !== (configFile === undefined ? 1 : 0)) {
    throw new UsageError(configFile === undefined ? 'expected exactly one file'
      : '--config replaces the file argument');
  }
  const target = configFile === undefined ? args.positionals[0] as string
    : serverPathsFromConfig(configFile).aofManifest;
  const ts = stringOption(args, 'truncate-to-timestamp');
  if (ts !== undefined && !/^[0-9]{1,15}$/.test(ts)) {
    throw new UsageError(`--truncate-to-timestamp needs Unix seconds, got '${ts}'`);
  }
  return await checkAofPath(target, {
    fix: args.values['fix'] === true,
    yes: args.values['yes'] === true,
    truncateToTimestamp: ts === undefined ? null : Number(ts),
    confirm,
    out: (line) => process.stdout.write(line + '\n'),
  });
}, 1);
process.exit(code);
