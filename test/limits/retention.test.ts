// Values must not keep more memory alive than they hold. V8 strings can: a substring of 13+
// chars is a slice that pins its whole parent, and `a + b` is a cons string pointing at both
// halves. Two real patterns hit that: the reliable-queue LMOVE from a small (packed) list into
// a big one, and strings built by many small APPENDs. The server runs in this process, so the
// test measures its heap after full GCs; each pattern's retained heap is compared with a bound
// a few times its data and far below what the unfixed code kept (figures in each test).

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startServer, type VestaHandle } from '../../src/index.js';
import { tempDir } from '../helpers/servers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let vesta: VestaHandle;
let dir: string;

before(async () => {
  dir = join(tempDir('vesta-retention-'), 'data');
  vesta = await startServer({ port: 0, save: '', appendonly: false, dir });
});

after(async () => {
  await vesta.close();
  rmSync(dir, { recursive: true, force: true });
});

function encode(argv: string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

/** Sends every command in one write and resolves once `replies` reply lines have arrived. */
function pipeline(commands: string[][], replies: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(vesta.port, '127.0.0.1');
    let seen = 0;
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 0x0a) seen++;
      if (seen >= replies) {
        socket.end();
        resolve();
      }
    });
    socket.write(commands.map(encode).join(''), 'latin1');
  });
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const MB = 1024 * 1024;

test('LMOVE from a packed list into a big one keeps no copy of the source per element', async () => {
  const element = (i: number): string => 'e'.repeat(40) + String(i).padStart(10, '0');
  const setup: string[][] = [];
  for (let i = 0; i < 100; i++) setup.push(['RPUSH', 'queue', element(i)]);
  for (let i = 0; i < 200; i++) setup.push(['RPUSH', 'done', element(i)]); // past the packed limit
  await pipeline(setup, setup.length);
  const baseline = heapAfterGc();
  const moves = 20_000;
  const commands: string[][] = [];
  for (let i = 0; i < moves; i++) {
    commands.push(['RPUSH', 'queue', element(100 + i)], ['LMOVE', 'queue', 'done', 'LEFT', 'RIGHT']);
  }
  // Each LMOVE replies with one bulk string: two lines; each RPUSH one line.
  await pipeline(commands, moves * 3);
  commands.length = 0; // the command arrays are not the server's memory
  const grown = heapAfterGc() - baseline;
  // 20k elements of 50 bytes are ~1.6 MB as strings in the deque. When each popped element was
  // a slice of the source's packed string (~5 KiB per version), this was ~100 MB.
  assert.ok(grown < 16 * MB, `heap grew ${(grown / MB).toFixed(1)} MB for ${moves} moved elements`);
});

test('strings built by many small APPENDs are not long chains of cons strings', async () => {
  const keys = 2000;
  const appends = 100;
  const baseline = heapAfterGc();
  const commands: string[][] = [];
  for (let a = 0; a < appends; a++) {
    for (let k = 0; k < keys; k++) commands.push(['APPEND', `log:${k}`, '0123456789']);
  }
  await pipeline(commands, commands.length);
  commands.length = 0; // the command arrays are not the server's memory
  const grown = heapAfterGc() - baseline;
  // 2000 values of 1000 bytes are ~2 MB. Unflattened, each APPEND added a cons string and its
  // argument string (~60 B): ~13 MB.
  assert.ok(grown < 6 * MB, `heap grew ${(grown / MB).toFixed(1)} MB for ${keys * appends * 10} appended bytes`);
});
