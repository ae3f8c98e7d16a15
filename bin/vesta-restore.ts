#!/usr/bin/env node
// vesta-restore <archive> --dir <data-dir>: verify a vesta-backup archive and put it in place.
// Exit codes: 0 restored, 1 refused or failed (damaged archive, directory held by a running
// server, write error), 2 wrong arguments or unreadable archive.

import { parseToolArgs, runTool, stringOption } from '../src/tools/cli.js';
import { runRestore } from '../src/tools/restore.js';
import { EXIT_OK, UsageError } from '../src/tools/tool-error.js';

const USAGE = `Usage: vesta-restore <archive.tar[.gz]> --dir <data-dir>
  Verifies the archive (SHA-256 of every file, the dump and AOF through the checkers), refuses
  a directory a running Vesta server holds, moves the files it replaces into
  <data-dir>/pre-restore-<time>/ (nothing is deleted), writes the restored files, and prints
  how to start the server on them.
  --dir          the data directory to restore into (created if missing)
  -h, --help     this text
Exit codes: 0 restored, 1 refused or failed, 2 wrong arguments or unreadable archive.
`;

const code = await runTool('vesta-restore', USAGE, () => {
  const args = parseToolArgs(process.argv.slice(2), {
    dir: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (args.values['help'] === true) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  const dir = stringOption(args, 'dir');
  if (dir === undefined) throw new UsageError('--dir <data-dir> is required');
  if (args.positionals.length !== 1) throw new UsageError('expected exactly one archive');
  const result = runRestore({ archivePath: args.positionals[0] as string, dir,
    log: (line) => process.stdout.write(line + '\n') });
  process.stdout.write(`Restored ${result.written.length} files into ${dir}\n` +
    `Start the server on the restored data with:\n  ${result.startCommand}\n`);
  return EXIT_OK;
});
process.exit(code);
