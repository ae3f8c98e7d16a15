import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitArgs, quoteArg } from './tokenize.js';
import { ConfigFileError, configFromObject, loadConfig } from './parse.js';

const REDIS = '/usr/bin/redis-server';
const haveRedis = fs.existsSync(REDIS);
function needRedis(t: { skip: (m: string) => void }): boolean {
  if (haveRedis) return true;
  if (process.env['VESTA_REQUIRE_REDIS'] === '1') assert.fail('redis-server not installed');
  t.skip('redis-server not installed');
  return false;
}

test('tokenizer: quotes, escapes, errors', () => {
  assert.deepEqual(splitArgs('  port   6379 '), ['port', '6379']);
  assert.deepEqual(splitArgs('a "b c" \'d e\''), ['a', 'b c', 'd e']);
  assert.deepEqual(splitArgs('x "\\n\\r\\t\\b\\a\\\\\\"\\x41\\q"'), ['x', '\n\r\t\b\x07\\"Aq']);
  assert.deepEqual(splitArgs("x 'it\\'s \\n'"), ['x', "it's \\n"]);
  assert.deepEqual(splitArgs('x ""'), ['x', '']);
  assert.deepEqual(splitArgs('x a"b'), ['x', 'a"b']);
  assert.equal(splitArgs('x "abc'), null);
  assert.equal(splitArgs("x 'a'b"), null);
  assert.equal(splitArgs('x "a"b'), null);
  assert.deepEqual(splitArgs(''), []);
  for (const w of ['', 'a b', '"\\\n\x01\xff', "'"]) assert.deepEqual(splitArgs(`k ${quoteArg(w)}`), ['k', w]);
});

test('argv overrides the file, in order; --save accumulates; - reads stdin', () => {
  const files: Record<string, string> = { 'a.conf': 'port 7000\nhz 5\nsave 900 1\n' };
  const readFile = (f: string): string => {
    const text = files[f];
    if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return text;
  };
  const c = loadConfig(['a.conf', '--port', '7001', '--save', '10', '1', '--save', '20', '2'], { readFile });
  assert.equal(c.num('port'), 7001);
  assert.equal(c.num('hz'), 5);
  assert.deepEqual(c.savePoints(), [
    { seconds: 900, changes: 1 },
    { seconds: 10, changes: 1 },
    { seconds: 20, changes: 2 },
  ]);
  assert.equal(loadConfig(['--save'], {}).getFormatted('save'), '');
  assert.equal(loadConfig([]).getFormatted('save'), '3600 1 300 100 60 10000');
  const s = loadConfig(['a.conf', '-', '--hz', '7'], { readFile, stdin: () => 'hz 6\nport 1\n' });
  assert.equal(s.num('hz'), 7);
  assert.equal(s.num('port'), 1);
  const saveClear = loadConfig(['-'], { stdin: () => 'save 900 1\nsave ""\nsave 5 5\n' });
  assert.equal(saveClear.getFormatted('save'), '5 5');
  assert.throws(() => loadConfig(['missing.conf'], { readFile }), {
    message: "Fatal error, can't open config file 'missing.conf': No such file or directory",
  });
});

test('a multi-argument directive given as one word is split as a config line (Redis 7.0)', () => {
  const text = 'save "3600 1 300 100"\nsave \'60  "10000"\'\nsave " "\noom-score-adj-values "0 -1 2"\nbind "127.0.0.1 -::1"\n';
  const c = loadConfig(['-', '--save', '10 2', '--latency-tracking-info-percentiles', '50 99.9'], { stdin: () => text });
  assert.equal(c.getFormatted('save'), '3600 1 300 100 60 10000 10 2');
  assert.equal(c.getFormatted('oom-score-adj-values'), '0 -1 2');
  assert.deepEqual(c.bind(), ['127.0.0.1', '-::1']);
  assert.equal(c.getFormatted('latency-tracking-info-percentiles'), '50 99.9');
  assert.equal(loadConfig(['-'], { stdin: () => 'save 1 1\nsave ""\n' }).getFormatted('save'), '');
  assert.throws(() => loadConfig(['-'], { stdin: () => 'hz "1 2"\n' }), /argument couldn't be parsed into an integer/);
});

test('include: relative to cwd, globs sorted, depth bounded', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vesta-cfg-'));
  fs.writeFileSync(path.join(dir, 'inc-1.conf'), 'hz 11\n');
  fs.writeFileSync(path.join(dir, 'inc-2.conf'), 'hz 12\nmaxmemory 1gb\n');
  fs.writeFileSync(path.join(dir, 'main.conf'), `include ${dir}/inc-*.conf\n`);
  fs.writeFileSync(path.join(dir, 'loop.conf'), `include ${dir}/loop.conf\n`);
  const c = loadConfig([path.join(dir, 'main.conf')]);
  assert.equal(c.num('hz'), 12);
  assert.equal(c.num('maxmemory'), 1024 ** 3);
  assert.throws(() => loadConfig([path.join(dir, 'loop.conf')]), /include nesting too deep/);
  fs.rmSync(dir, { recursive: true });
});

test('memory units', () => {
  const cases: [string, number][] = [['1k', 1000], ['1kb', 1024], ['1KB', 1024], ['2m', 2e6], ['2mb', 2 * 1024 ** 2], ['1g', 1e9], ['1Gb', 1024 ** 3], ['5b', 5], ['', 0], ['01', 1]];
  for (const [text, bytes] of cases) assert.equal(configFromObject({ maxmemory: text }).num('maxmemory'), bytes, text);
  for (const bad of ['1t', '+1', '-1', '1.5', ' 1', '1kbb']) assert.throws(() => configFromObject({ maxmemory: bad }), /must be a memory value/);
  // maxmemory-clients (the one percent directive) parses 10% but Vesta refuses any value but 0.
  assert.throws(() => configFromObject({ 'maxmemory-clients': '10%' }), /Vesta does not support maxmemory-clients 10%: /);
});

test('configFromObject for embedded use', () => {
  const c = configFromObject({ port: 0, save: '', appendonly: false, bind: ['127.0.0.1'] });
  assert.equal(c.num('port'), 0);
  assert.deepEqual(c.savePoints(), []);
  assert.equal(c.bool('appendonly'), false);
  assert.deepEqual(c.bind(), ['127.0.0.1']);
  assert.throws(() => configFromObject({ nope: 1 }), ConfigFileError);
});

/** Runs real redis-server and returns its fatal text (or null if it started). */
function redisFatal(args: string[], input?: string): string | null {
  const r = spawnSync(REDIS, args, { input: input ?? '', timeout: 3000, encoding: 'latin1' });
  const out = `${r.stdout}${r.stderr}`;
  const i = out.indexOf('\n*** FATAL CONFIG FILE ERROR');
  if (i >= 0) return out.slice(i).split('\n').slice(0, 5).join('\n') + '\n';
  const open = /Fatal error, can't open config file .*/.exec(out);
  return open === null ? null : open[0];
}

function ourFatal(argv: string[], stdin?: string): string {
  try {
    loadConfig(argv, { stdin: () => stdin ?? '' });
  } catch (error: unknown) {
    if (error instanceof ConfigFileError) return error.message;
    throw error;
  }
  return 'no error';
}

test('fatal error texts match redis-server 7.0', (t) => {
  if (!needRedis(t)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vesta-cfg-'));
  const conf = path.join(dir, 'c.conf');
  const files = [
    'port 7000\nport "abc"\n', 'foo bar\n', 'save 900\n', 'port 1 2\n', '  port "abc  \n', "port 'a'b\n",
    '# x\n\nhz 1000000000000\n', 'appendfsync sometimes\n', 'activedefrag maybe\n', 'maxmemory 1t\n',
    'maxmemory-clients 101%\n', 'include\n', 'sentinel monitor x\n', 'client-output-buffer-limit normal 1 2\n',
    'notify-keyspace-events Q\n', 'oom-score-adj-values 1 2\n', 'unixsocketperm 9\n', 'port 0 # trailing\n',
    'PORT abc\n', 'user\n', 'save "3600 1 300"\n', 'client-output-buffer-limit "normal 1mb"\n',
    'replicaof "127.0.0.1"\n', 'slaveof "127.0.0.1 6379 7"\n', 'notify-keyspace-events "K E"\n', 'oom-score-adj-values "1 2"\n',
    'save "1 2" "3 4"\n', 'oom-score-adj-values "1 2 3000"\n', 'proto-max-bulk-len 1k\n', 'bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n',
  ];
  for (const text of files) {
    fs.writeFileSync(conf, text);
    assert.equal(ourFatal([conf]), redisFatal([conf]), JSON.stringify(text));
  }
  fs.writeFileSync(conf, 'hz 5\n');
  const argvCases = [['--save', '1 2 3'], ['--oom-score-adj-values', '1 2'], ['--port', 'abc'], ['--port', '0', '--foo'], ['--port', '0', '--save', '900', '1', '--hz', 'x'], ['--hz', 'a b"c'], [conf, '--port', 'abc'], ['--save', '1']];
  for (const argv of argvCases) assert.equal(ourFatal(argv), redisFatal(argv), argv.join(' '));
  assert.equal(ourFatal([conf, '-'], 'port abc\n'), redisFatal([conf, '-'], 'port abc\n'));
  assert.equal(ourFatal([path.join(dir, 'missing.conf')]), redisFatal([path.join(dir, 'missing.conf')]));
  fs.rmSync(dir, { recursive: true });
});
