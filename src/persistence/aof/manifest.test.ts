// Unit tests of the manifest format: Redis 7.0's line format and order, quoting, comments, and
// the errors that refuse start-up. The byte-level interop with redis-server 7.0 and
// redis-check-aof is in test/persistence/aof-interop.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AofManifestError, baseName, emptyManifest, formatManifest, incrName, parseManifest,
  type AofManifest } from './manifest.js';
import { encodeCommand } from './writer.js';

test('names and line format are Redis 7.0\'s', () => {
  assert.equal(baseName('appendonly.aof', 3, true), 'appendonly.aof.3.base.rdb');
  assert.equal(baseName('appendonly.aof', 3, false), 'appendonly.aof.3.base.aof');
  assert.equal(incrName('appendonly.aof', 7), 'appendonly.aof.7.incr.aof');
  const m: AofManifest = {
    base: { name: 'appendonly.aof.2.base.rdb', seq: 2, type: 'b' },
    history: [{ name: 'appendonly.aof.1.base.rdb', seq: 1, type: 'h' }],
    incrs: [{ name: 'appendonly.aof.2.incr.aof', seq: 2, type: 'i' },
      { name: 'appendonly.aof.3.incr.aof', seq: 3, type: 'i' }],
    currBaseSeq: 2,
    currIncrSeq: 3,
  };
  const text = formatManifest(m);
  assert.equal(text, 'file appendonly.aof.2.base.rdb seq 2 type b\n' +
    'file appendonly.aof.1.base.rdb seq 1 type h\n' +
    'file appendonly.aof.2.incr.aof seq 2 type i\n' +
    'file appendonly.aof.3.incr.aof seq 3 type i\n');
  assert.deepEqual(parseManifest(text), m);
});

test('names needing quotes round-trip; comments and unknown keys are ignored', () => {
  fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('/')),
    (name) => {
      const m = emptyManifest();
      m.base = { name, seq: 1, type: 'b' };
      m.currBaseSeq = 1;
      assert.deepEqual(parseManifest(formatManifest(m)).base, m.base);
    }));
  const parsed = parseManifest('# a comment\nfile a.1.incr.aof seq 1 type i future x\n');
  assert.deepEqual(parsed.incrs, [{ name: 'a.1.incr.aof', seq: 1, type: 'i' }]);
});

test('manifest lines are read as Redis 7.0 reads them', () => {
  assert.deepEqual(parseManifest('FILE a SEQ 7x TYPE ix\n').incrs, [{ name: 'a', seq: 7, type: 'i' }]);
  assert.deepEqual(parseManifest('# only a comment\n'), emptyManifest());
  const error = (() => {
    try {
      parseManifest('# c\nfile a seq 2 type i\n  file b seq 1 type i \n');
    } catch (e: unknown) {
      return e;
    }
    return null;
  })();
  assert.ok(error instanceof AofManifestError);
  assert.deepEqual(error.redisLines(), ['\n*** FATAL AOF MANIFEST FILE ERROR ***\n', 'Reading the manifest file, at line 3\n',
    ">>> 'file b seq 1 type i'\n", 'Found a non-monotonic sequence number\n']);
});

test('malformed manifests are refused with Redis\'s reasons', () => {
  const cases: [string, RegExp][] = [
    ['', /Found an empty AOF manifest/],
    ['file a seq 1 type b', /^The AOF manifest file contains too long line$/],
    ['\n', /^Invalid AOF manifest file format$/],
    ['file a seq 0 type i\n', /^Invalid AOF manifest file format$/],
    ['file d/a seq 1 type i\n', /^File can't be a path, just a filename$/],
    ['file a seq 1\n', /Invalid AOF manifest file format/],
    ['file a seq x type i\n', /Invalid AOF manifest file format/],
    ['file a seq 1 type b\nfile b seq 2 type b\n', /Found duplicate base file information/],
    ['file a seq 2 type i\nfile b seq 2 type i\n', /Found a non-monotonic sequence number/],
    ['file a seq 1 type z\n', /^Unknown AOF file type$/],
    [`file ${'x'.repeat(1100)} seq 1 type i\n`, /too long line/],
  ];
  for (const [text, reason] of cases) {
    assert.throws(() => parseManifest(text), (error: unknown) => {
      assert.ok(error instanceof AofManifestError);
      assert.match(error.message, reason);
      return true;
    }, JSON.stringify(text.slice(0, 40)));
  }
});

test('commands are logged as RESP arrays of bulk strings, binary safe', () => {
  assert.equal(encodeCommand(['SET', 'k', '']), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n');
  assert.equal(encodeCommand(['SET', '\x00\xff', 'a\r\nb']),
    '*3\r\n$3\r\nSET\r\n$2\r\n\x00\xff\r\n$4\r\na\r\nb\r\n');
});
