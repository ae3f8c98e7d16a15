#!/usr/bin/env node
// vesta-backup [-h host] [-p port] [-a password] --out <dir> [--keep N]: BGSAVE on a running
// Vesta or Redis server, wait for it, write and verify one archive.
// Exit codes: 0 archive written and verified, 1 the backup failed, 2 wrong arguments.

import { runBackup } from '../src/tools/backup.js';
import { intOption, parseToolArgs, runTool, stringOption } from '../src/tools/cli.js';
import { EXIT_OK, UsageError } from '../src/tools/tool-error.js';

const USAGE = `Usage: vesta-backup [-h host] [-p port] [-a password] [--user name] --out <dir>
                    [--keep N] [--timeout seconds] [--gzip] [--data-dir <dir>]
                    [--aof-dir <dir>]
  Triggers BGSAVE on a running server (Vesta or Redis), waits for that save to finish, and
  writes one archive vesta-backup-<UTC time>.tar into <dir>: MANIFEST.json, the dump, and the
  AOF directory when the server's files are reachable on this machine. The archive is read
  back and checked before old ones are removed.
  -h, --host     server host (default 127.0.0.1)     -p, --port   port (default 6379)
  -a, --password AUTH password (or REDISCLI_AUTH)     --user       ACL user name
  --out          directory for archives (created)    --keep N     keep only the newest N
  --timeout      seconds to wait for BGSAVE (300)    --gzip       write .tar.gz
  --data-dir     where the server's dir is on this machine, if not CONFIG GET dir
  --aof-dir      where the server's AOF directory is on this machine, if not what CONFIG GET
                 appenddirname says (an absolute appenddirname is read where it points)
  --help         this text
Exit codes: 0 written and verified, 1 backup failed, 2 wrong arguments.
`;

const code = await runTool('vesta-backup', USAGE, async () => {
  const args = parseToolArgs(process.argv.slice(2), {
    host: { type: 'string', short: 'h' },
    port: { type: 'string', short: 'p' },
    password: { type: 'string', short: 'a' },
    user: { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'string' },
    timeout: { type: 'string' },
    gzip: { type: 'boolean' },
    'data-dir': { type: 'string' },
    'aof-dir': { type: 'string' },
    help: { type: 'boolean' },
  });
  if (args.values['help'] === true) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  const out = stringOption(args, 'out');
  if (out === undefined) throw new UsageError('--out <dir> is required');
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const password = stringOption(args, 'password') ?? process.env['REDISCLI_AUTH'];
  const user = stringOption(args, 'user');
  const dataDir = stringOption(args, 'data-dir');
  const aofDir = stringOption(args, 'aof-dir');
  const port = intOption(args, 'port', 6379);
  if (port < 1 || port > 65535) throw new UsageError(`--port out of range: ${port}`);
  const tty = process.stderr.isTTY;
  const result = await runBackup({
    host: stringOption(args, 'host') ?? '127.0.0.1',
    port,
    outDir: out,
    keep: intOption(args, 'keep', 0),
    timeoutMs: intOption(args, 'timeout', 300) * 1000,
    gzip: args.values['gzip'] === true,
    log: (line) => process.stdout.write(line + '\n'),
    ...(password !== undefined ? { password } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(dataDir !== undefined ? { dataDir } : {}),
    ...(aofDir !== undefined ? { aofDir } : {}),
    ...(tty ? { progress: (done: number, total: number) => {
      if (total < 16 * 1024 * 1024) return;
      process.stderr.write(`\rwriting archive: ${Math.floor((100 * done) / total)}% ` +
        `(${(done / 1048576).toFixed(0)} of ${(total / 1048576).toFixed(0)} MiB)` +
        (done >= total ? '\n' : ''));
    } } : {}),
  });
  if (result.aofSkipped !== null) process.stdout.write(`AOF not included: ${result.aofSkipped}\n`);
  for (const removed of result.removed) process.stdout.write(`Removed old archive ${removed}\n`);
  process.stdout.write(`Backup OK: ${result.archivePath} (${result.manifest.keys} keys, ` +
    `${result.manifest.files.length} files)\n`);
  return EXIT_OK;
});
process.exit(code);
