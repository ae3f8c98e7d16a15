#!/usr/bin/env node
// vesta-server [config-file] [--directive value ...]: the redis-server compatible entry point.

import { configureServerHeap } from '../src/platform/heap.js';

// Before the server's modules load: their start-up allocation would already grow the young
// generation (src/platform/heap.ts says why it must stay small).
configureServerHeap(process.execArgv, process.env['NODE_OPTIONS']);
const { main } = await import('../src/main.js');

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Vesta crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
