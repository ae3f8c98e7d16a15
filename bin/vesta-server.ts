#!/usr/bin/env node
// vesta-server [config-file] [--directive value ...]: the redis-server compatible entry point.

import { main } from '../src/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Vesta crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
