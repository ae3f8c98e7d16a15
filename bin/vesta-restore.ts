#!/usr/bin/env node
// vesta-restore <archive> --dir <data-dir> [--aof-dir <dir>] (or --config <conf>): verify a
// vesta-backup archive and put it in place.
// Exit codes: 0 restored, 1 refused or failed (damaged archive, directory held by a running
// server, write error), 2 wrong arguments or unreadable archive.

import { parseToolArgs, runTool, serverPathsFromConfig, stringOption } from '../src/tools/cli.js';
import { runRestore } from '../src/tools/restore.js';
import { EXIT_OK, UsageError } from '../src/tools/tool-error.js';

const USAGE = `Usage: vesta-restore <archive.tar[.gz]> --dir <data-dir> [--aof-dir <dir>]
       vesta-restore <archive.tar[.gz]> --config <vesta.conf>
  Verifies the archive (SHA-256 of every file, the dump and AOF through the checkers), refuses
  a directory a running Vesta server holds, moves the files it replaces into
  <data-dir>/pre-restore-<time>/ (nothing is deleted), writes the restored files, and prints
  how to start the server on them.
  --dir          the data directory to restore into (created if missing)
  --aof-dir      put the AOF directory here (an absolute appenddirname) instead of where the
                 server had it (inside dir, or the absolute appenddirname it used)
  --config       take dir and appenddirname from the server's config file
  -h, --help     this text
Exit codes: 0 restored, 1 refused or failed, 2 wrong arguments or unreadable archive.
`;

const code = await runTool('vesta-restore', USAGE, () => {
  const args = parseToolArgs(process.argv.slice(2), {
    dir: { type: 'string' },
    'aof-dir': { type: 'string' },
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (args.values['help'] === true) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  const configFile = stringOption(args, 'config');
  const fromConfig = configFile === undefined ? null : serverPathsFromConfig(configFile);
  const dir = stringOption(args, 'dir') ?? fromConfig?.dir;
  if (dir === undefined) throw new UsageError('--dir <data-dir> (or --config) is required');
  if (args.positionals.length !== 1) throw new UsageError('expected exactly one archive');
  const aofDir = stringOption(args, 'aof-dir') ??
    (fromConfig?.aofOutside === true ? fromConfig.aofDir : undefined);
  const result = runRestore({ archivePath: args.positionals[0] as string, dir,
    ...(aofDir !== undefined ? { aofDir } : {}),
    log: (line) => process.stdout.write(line + '\n') });
  process.stdout.write(`Restored ${result.written.length} files into ${dir}\n` +
    `Start the server on the restored data with:\n  ${result.startCommand}\n`);
  return EXIT_OK;
});
process.exit(code);
