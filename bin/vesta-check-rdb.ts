#!/usr/bin/env node
// vesta-check-rdb [--stats] [--top N] <dump.rdb>: checks a dump with the server's own decoder.
// Exit codes: 0 the dump is valid, 1 it is damaged, 2 wrong arguments or unreadable file.

import { checkRdbFile, formatRdbReport } from '../src/tools/check-rdb.js';
import { intOption, parseToolArgs, runTool } from '../src/tools/cli.js';
import { EXIT_INVALID, EXIT_OK, UsageError } from '../src/tools/tool-error.js';

const USAGE = `Usage: vesta-check-rdb [--stats] [--top N] <dump.rdb>
  Walks the whole dump (every opcode, type and encoding the server loads), verifies the
  checksum, and prints what it saw, ending in "RDB looks OK" or the offset and cause of the
  first error.
  --stats     also report the biggest keys and the dump bytes by type and by key prefix
  --top N     how many biggest keys to list with --stats (default 10)
  -h, --help  this text
Exit codes: 0 valid, 1 damaged, 2 wrong arguments or unreadable file.
`;

const code = await runTool('vesta-check-rdb', USAGE, () => {
  const args = parseToolArgs(process.argv.slice(2), {
    stats: { type: 'boolean' },
    top: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (args.values['help'] === true) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (args.positionals.length !== 1) throw new UsageError('expected exactly one file');
  const report = checkRdbFile(args.positionals[0] as string, {
    stats: args.values['stats'] === true,
    topKeys: intOption(args, 'top', 10),
  });
  process.stdout.write(formatRdbReport(report));
  return report.error === null && report.endOffset !== null ? EXIT_OK : EXIT_INVALID;
});
process.exit(code);
