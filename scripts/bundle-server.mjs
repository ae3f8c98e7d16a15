// The last step of `npm run build`: replaces tsc's dist/bin/vesta-server.js with a bundle of the
// server's modules, so that a server process starts in a fraction of the time. Redis equivalent:
// none (a C binary is linked once).
//
// Why: Node's ES module loader costs about 1 ms per module (resolve, stat, read, compile, link),
// and the server loads ~160 of them before it can answer PING. One bundle is read and compiled
// at once: an empty server's own start-up above a bare Node server fell from ~200 to ~100 ms of
// CPU (benchmarks/startup.ts). Only the server's entry point is bundled: embedders import
// dist/src/index.js, which tsc still emits module by module, and the other bin/ tools are small.
//
// What is loaded on demand stays so: each dynamic import() (main.js behind the heap set-up, the
// metrics endpoint) becomes its own chunk, and the scripting engine is a second entry point,
// dist/bin/install.js, next to the chunks: scripting/factory.ts require()s './install.js' from
// wherever its own code lives, which in the bundle is dist/bin/. Shared modules go to shared
// chunks, so the engine and the server share one instance of each. Source maps chain through
// tsc's, so `--enable-source-maps` still names the .ts files and lines.

import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const OUT_DIR = 'dist/bin';

// Chunks of an earlier build have other hashes: remove them, or they pile up in the package.
for (const name of readdirSync(OUT_DIR)) {
  if (name.startsWith('chunk-') || /^(main|metrics|install)[-.]/.test(name)) rmSync(join(OUT_DIR, name));
}

await build({
  entryPoints: {
    'vesta-server': 'dist/bin/vesta-server.js',
    install: 'dist/src/scripting/install.js',
  },
  outdir: OUT_DIR,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Less text to read and compile (~4% of the server's own start-up instructions). Identifiers
  // are not renamed, except where two modules' top-level names collide (a second mkdirSync
  // becomes mkdirSync2), which only a stack trace without --enable-source-maps shows. keepNames
  // would undo that with a call per function at load: ~9% of start-up, for no reply or
  // behaviour (no code reads a function's name; DEBUG LISTPACK logs a value's class name, and
  // classes are not renamed).
  minifyWhitespace: true,
  minifySyntax: true,
  // The maps carry the .ts texts, as tsc's do, so a crash in an installed package still shows
  // its source (test/tools/package.test.ts). Their price is paid only with
  // --enable-source-maps (`npm start`), which on Node 20 parses each chunk's map as it loads.
  sourcemap: true,
  logLevel: 'warning',
});
