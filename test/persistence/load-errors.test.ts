// The log lines of a refused start-up load are Redis 7.0's own (operators and scripts grep for
// them): each damaged AOF manifest, AOF file and RDB dump below is given to redis-server and to
// vesta-server, and every warning line Redis logs about it must appear in Vesta's log, in order
// (offsets inside "Internal error in RDB reading offset N, function at ..." masked: Redis prints
// its rio position and its source line). Vesta's own line with path and offset must follow.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REDIS_SERVER, VESTA_BIN, freePort, requireRedis, tempDir } from '../helpers/servers.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SET = '*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\nb\r\n';

interface Case {
  manifest?: string;
  files?: Record<string, string | Buffer>;
  dump?: Buffer;
  args?: string[];
}

/** A small valid dump made by redis-server: SET a b, SAVE. */
async function redisDump(): Promise<Buffer> {
  const dir = tempDir('vesta-loaderr-');
  dirs.push(dir);
  const port = await freePort();
  const r = spawnSync('/bin/sh', ['-c',
    `${REDIS_SERVER} --port ${String(port)} --dir ${dir} --save '' --daemonize yes --pidfile ${dir}/p.pid >/dev/null && ` +
    `sleep 0.3 && redis-cli -p ${String(port)} set a b >/dev/null && redis-cli -p ${String(port)} save >/dev/null && ` +
    `redis-cli -p ${String(port)} shutdown nosave >/dev/null; sleep 0.2`], { encoding: 'latin1', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(join(dir, 'dump.rdb'));
}

function cases(dump: Buffer): Record<string, Case> {
  const keyType = dump.indexOf(Buffer.from('\x00\x01a', 'latin1'));
  const badType = Buffer.concat([dump.subarray(0, keyType), Buffer.from([0x20]), dump.subarray(keyType + 1, -8), Buffer.alloc(8)]);
  const badCrc = Buffer.concat([dump.subarray(0, -8), Buffer.alloc(8, 1)]);
  const m = (text: string, files: Record<string, string | Buffer> = {}): Case => ({ manifest: text, files });
  return {
    'manifest names a missing base': m('file x.1.base.aof seq 1 type b\nfile x.1.incr.aof seq 1 type i\n', { 'x.1.incr.aof': SET }),
    'manifest names a missing incr': m('file x.1.incr.aof seq 1 type i\n'),
    'non-monotonic sequence': m('file a seq 2 type i\nfile b seq 1 type i\n', { a: SET, b: SET }),
    'repeated sequence': m('# note\nfile a seq 1 type i\nfile a seq 1 type i\n', { a: SET }),
    'too few fields': m('file a\n'),
    'empty line': m('\n'),
    'duplicate base': m('file a seq 1 type b\nfile b seq 2 type b\n', { a: SET, b: SET }),
    'empty manifest': m(''),
    'unknown type': m('file a seq 1 type z\n', { a: SET }),
    'last line without newline': m('file a seq 1 type i', { a: SET }),
    'line too long': m(`file a seq 1 type i ${'x'.repeat(1100)}\n`, { a: SET }),
    'sequence not a number': m('file a seq x type i\n', { a: SET }),
    'sequence zero': m('file a seq 0 type i\n', { a: SET }),
    'file is a path': m('file d/a seq 1 type i\n', { a: SET }),
    'unbalanced quote': m('file "a seq 1 type i\n', { a: SET }),
    'not RESP': m('file a seq 1 type i\n', { a: 'garbage\r\n' }),
    'bad bulk header': m('file a seq 1 type i\n', { a: '*1\r\nx5\r\nmulti\r\n' }),
    'zero arguments': m('file a seq 1 type i\n', { a: '*0\r\n' }),
    'unknown command': m('file a seq 1 type i\n', { a: '*1\r\n$6\r\nfoobar\r\n' }),
    'torn tail, aof-load-truncated no': { ...m('file a seq 1 type i\n', { a: SET.slice(0, -3) }), args: ['--aof-load-truncated', 'no'] },
    'MULTI without EXEC, aof-load-truncated no': { ...m('file a seq 1 type i\n', { a: `*1\r\n$5\r\nmulti\r\n${SET}` }), args: ['--aof-load-truncated', 'no'] },
    'torn file that is not the last': m('file a seq 1 type i\nfile b seq 2 type i\n', { a: SET.slice(0, -3), b: SET }),
    'incr is a directory': m('file a seq 1 type i\n', { a: Buffer.alloc(0) }),
    'truncated RDB base': m('file a.rdb seq 1 type b\n', { 'a.rdb': dump.subarray(0, -12) }),
    'RDB: truncated': { dump: dump.subarray(0, -12) },
    'RDB: bad checksum': { dump: badCrc },
    'RDB: unknown value type': { dump: badType },
    'RDB: wrong signature': { dump: Buffer.from('RODIS0009', 'latin1') },
    'RDB: version too new': { dump: Buffer.from('REDIS0011\xff', 'latin1') },
  };
}

/** Lays the case out in a fresh dir; the 'incr is a directory' file becomes a directory. */
function layOut(c: Case, label: string): string {
  const dir = tempDir('vesta-loaderr-');
  dirs.push(dir);
  if (c.dump !== undefined) writeFileSync(join(dir, 'dump.rdb'), c.dump);
  if (c.manifest === undefined) return dir;
  const aofDir = join(dir, 'appendonlydir');
  mkdirSync(aofDir);
  writeFileSync(join(aofDir, 'appendonly.aof.manifest'), c.manifest, 'latin1');
  for (const [name, body] of Object.entries(c.files ?? {})) {
    if (label === 'incr is a directory') mkdirSync(join(aofDir, name));
    else writeFileSync(join(aofDir, name), body);
  }
  return dir;
}

const IGNORED = /WARNING Memory overcommit|Server initialized|oO0OoO0Oo|Redis version=|Configuration loaded|Received SIG|User requested|ready to exit/;

/** The warning-level log lines, prefixes cut, RDB offsets and code locations masked. */
function warnings(output: string): string[] {
  const lines: string[] = [];
  const all = output.split('\n');
  for (const [i, line] of all.entries()) {
    const m = /^\d+:[CMSX] \d{2} \w{3} \d{4} [\d:.]+ # (.*)$/.exec(line);
    if (m === null) continue;
    // A message ending in '\n' (Redis's manifest block) runs onto the next line.
    const text = m[1] === '' ? `\n${all[i + 1] ?? ''}` : m[1] ?? '';
    if (IGNORED.test(text)) continue;
    lines.push(text.replace(/offset \d+, function at \S+ ->/, 'offset N, function at F ->'));
  }
  return lines;
}

async function run(command: string, prefix: string[], dir: string, c: Case): Promise<{ status: number | null; output: string }> {
  const port = await freePort();
  const appendonly = c.manifest === undefined ? 'no' : 'yes';
  const child = spawn(command, [...prefix, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', appendonly, ...(c.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (output += d.toString('latin1')));
  // A server that started after all is stopped (and the assertion on its status then fails).
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const status = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  clearTimeout(timer);
  return { status, output };
}

test("a refused load logs Redis 7.0's lines, then Vesta's path and offset", async (t) => {
  if (!requireRedis(t)) return;
  const all = cases(await redisDump());
  for (const [label, c] of Object.entries(all)) {
    const [redis, vesta] = await Promise.all([
      run(REDIS_SERVER, [], layOut(c, label), c),
      run(process.execPath, [VESTA_BIN], layOut(c, label), c),
    ]);
    assert.notEqual(redis.status, 0, `${label}: redis-server refuses it (${redis.output})`);
    assert.notEqual(vesta.status, 0, `${label}: Vesta refuses it`);
    const expected = warnings(redis.output);
    assert.ok(expected.length > 0, `${label}: Redis logged a reason`);
    const actual = warnings(vesta.output);
    const at = actual.findIndex((line) => line === expected[0]);
    assert.deepEqual(actual.slice(at, at + expected.length), expected, `${label}:\n${vesta.output}`);
    const detail = actual[at + expected.length] ?? '';
    assert.match(detail, /\/(appendonlydir\/\S+|dump\.rdb)|manifest/, `${label}: Vesta's own line names the file`);
  }
});
