// The npm package as a user gets it (issue 23): a copy of the project is packed with `npm pack`
// (its prepack builds dist/ from scratch), the tarball's file list is checked, the tarball is
// installed with `npm install` into an empty directory, and from there the server is started
// through its bins (`npx vestadb`, `npx vesta-server`) and through the embedded API from a
// separate ESM program (the README's example, and one driven with redis-cli), then stopped.
// The copy keeps the repository's own dist/ untouched while other test files use it.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, redisCli, requireRedis, tempDir } from '../helpers/servers.js';

const NAME = 'vestadb';
const root = resolve('.');
let work = '';
let tarball = '';
let files: string[] = [];
let app = '';

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.status, 0, `${command} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(() => {
  work = tempDir('vesta-pack-');
  const copy = join(work, 'project');
  mkdirSync(copy);
  for (const name of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md',
    'LICENSE', 'vesta.conf', 'src', 'bin', 'docs', 'scripts']) {
    cpSync(join(root, name), join(copy, name), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], copy)) as
    { filename: string; files: { path: string }[] }[];
  const first = packed[0];
  assert.ok(first !== undefined);
  tarball = join(work, first.filename);
  files = first.files.map((f) => f.path).sort();
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], app);
});

after(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

test('the tarball holds dist, the docs, the sample config and nothing else', () => {
  for (const needed of ['package.json', 'README.md', 'LICENSE', 'vesta.conf', 'dist/src/index.js', 'dist/src/index.d.ts',
    'dist/bin/vesta-server.js', 'dist/bin/vesta-check-rdb.js', 'dist/bin/vesta-check-aof.js', 'dist/bin/vesta-backup.js',
    'dist/bin/vesta-restore.js', 'docs/ARCHITECTURE.md']) {
    assert.ok(files.includes(needed), `missing ${needed}`);
  }
  for (const path of files) {
    assert.match(path, /^(package\.json|README\.md|LICENSE|vesta\.conf|dist\/(src|bin)\/.*|docs\/.*)$/, path);
    assert.doesNotMatch(path, /\.test\.|(^|\/)(test|fixtures|benchmarks|scripts)\//, path);
    assert.ok(!path.endsWith('.ts') || path.endsWith('.d.ts'), `source file ${path}`);
  }
  // Source maps carry their sources, so none points at a file the package lacks.
  const installed = join(app, 'node_modules', NAME);
  for (const path of files.filter((f) => f.endsWith('.js.map'))) {
    const map = JSON.parse(readFileSync(join(installed, path), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
    assert.equal(map.sourcesContent?.length, map.sources.length, `${path} lacks its sources`);
  }
});

/** Starts a bin with npx from the app directory; resolves once redis-cli gets PONG. */
async function startBin(bin: string, port: number, dir: string): Promise<() => Promise<void>> {
  const child = spawn('npx', ['--no-install', bin, '--port', String(port), '--dir', dir, '--save', ''], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 60_000;
  while (redisCli(port, ['PING']).trim() !== 'PONG') {
    assert.ok(Date.now() < deadline && child.exitCode === null, `${bin} did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return async () => {
    redisCli(port, ['SHUTDOWN', 'NOSAVE']);
    assert.equal(await exited, 0, output);
  };
}

for (const bin of [NAME, 'vesta-server']) {
  test(`npx ${bin} --port N starts a server from the installed tarball`, async (t) => {
    if (!requireRedis(t)) return;
    const port = await freePort();
    const dir = join(work, `data-${bin}`);
    mkdirSync(dir);
    const stop = await startBin(bin, port, dir);
    assert.equal(redisCli(port, ['SET', 'k', 'from-npx']).trim(), 'OK');
    assert.equal(redisCli(port, ['GET', 'k']).trim(), 'from-npx');
    await stop();
    assert.ok(existsSync(join(dir, 'appendonlydir')), 'the AOF (on by default) was written where --dir said');
  });
}

test('the embedded API from a separate ESM program, driven with redis-cli', async (t) => {
  if (!requireRedis(t)) return;
  const dir = join(work, 'data-embedded');
  mkdirSync(dir);
  writeFileSync(join(app, 'embedded.mjs'), [
    `import { startServer } from '${NAME}';`,
    `const vesta = await startServer({ port: 0, dir: ${JSON.stringify(dir)}, appendonly: false, save: '' });`,
    `console.log('PORT ' + vesta.port);`,
    `process.stdin.once('data', async () => { await vesta.close(); console.log('CLOSED'); });`,
  ].join('\n'));
  const child = spawn(process.execPath, ['embedded.mjs'], { cwd: app, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 60_000;
  while (!/PORT \d+/.test(output)) {
    assert.ok(Date.now() < deadline && child.exitCode === null, `no port:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const port = Number(/PORT (\d+)/.exec(output)?.[1]);
  assert.equal(redisCli(port, ['HSET', 'h', 'f', 'v']).trim(), '1');
  assert.equal(redisCli(port, ['HGET', 'h', 'f']).trim(), 'v');
  child.stdin.end('stop\n');
  assert.equal(await exited, 0, output);
  assert.match(output, /CLOSED/);
  assert.notEqual(redisCli(port, ['PING']).trim(), 'PONG', 'the port was released');
});

test("the README's embedded example runs unchanged from the installed package", async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /```js\n(import \{ startServer \} from '[^']+';[\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block !== undefined, 'README has the embedded example');
  assert.match(block, new RegExp(`from '${NAME}'`));
  // The example uses ioredis: give the app the repository's copy (a dev dependency here).
  symlinkSync(join(root, 'node_modules', 'ioredis'), join(app, 'node_modules', 'ioredis'));
  // Its data directory is made private to this run; nothing else changes.
  const dir = join(work, 'data-readme');
  writeFileSync(join(app, 'readme-example.mjs'), block.replace("'/tmp/vesta-data'", JSON.stringify(dir)));
  const r = spawnSync(process.execPath, ['readme-example.mjs'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
});
