// RDB persistence in-process: every truncation point and random byte flips of a dump make the
// loader refuse it with an RdbLoadError naming file and offset (never a crash, never a silent
// partial load); faults injected through platform/fs.ts (ENOSPC on write, EIO on fsync, a
// failed rename) make SAVE and SHUTDOWN fail while the previous dump stays intact and no temp
// file is left; short writes still produce a correct dump.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFromObject } from '../../src/config/parse.js';
import { startFromConfig } from '../../src/main.js';
import { Logger } from '../../src/observe/log.js';
import { RdbLoadError, rdbLoadSync } from '../../src/persistence/rdb/load.js';
import { encodeRdb } from '../../src/persistence/rdb/encoder.js';
import { setFaultInjector, type FaultDecision, type FsOp } from '../../src/platform/fs.js';
import { Keyspace } from '../../src/store/keyspace.js';
import { HashValue, ListValue, SetValue, ZSetValue } from '../../src/store/value/types.js';
import { RespClient } from '../helpers/resp-client.js';
import { tempDir } from '../helpers/servers.js';

after(() => setFaultInjector(null));

/** A small dump touching every value type, compressed strings and expires, in two dbs. */
function sampleDump(): Buffer {
  const hash = new HashValue([['f', 'v'], ['n', '12']]);
  const bigHash = new HashValue(Array.from({ length: 40 }, (_, i) => [`field${i}`, `v${i}`]));
  bigHash.hashtable = true;
  const zset = new ZSetValue();
  zset.add('a', 1.5);
  zset.add('b', -Infinity);
  const intSet = new SetValue(['1', '2', '300']);
  const strSet = new SetValue(['x', 'y']);
  strSet.hashtable = true;
  return encodeRdb([
    { db: 0, entries: [
      { key: 'str', value: 'hello', expireAtMs: 4102444800000 },
      { key: 'int', value: '12345', expireAtMs: null },
      { key: 'lzf', value: 'abcabcabc'.repeat(20), expireAtMs: null },
      { key: 'list', value: ListValue.from(['a', '1', 'b']), expireAtMs: null },
      { key: 'hash', value: hash, expireAtMs: null },
      { key: 'bighash', value: bigHash, expireAtMs: null },
    ] },
    { db: 3, entries: [
      { key: 'zset', value: zset, expireAtMs: null },
      { key: 'intset', value: intSet, expireAtMs: null },
      { key: 'strset', value: strSet, expireAtMs: null },
    ] },
  ], { ctimeSec: 1700000000, usedMemBytes: 1000000, aofBase: false });
}

function loadTarget(dir: string): Parameters<typeof rdbLoadSync>[0] {
  const log = new Logger();
  log.enabled = false;
  return { config: configFromObject({ dir, appendonly: 'no' }), keyspace: new Keyspace(16), log,
    loading: false };
}

/** Loads `bytes` as dir/dump.rdb; returns the error or null when it loaded. */
function tryLoad(dir: string, bytes: Buffer, windowBytes?: number): unknown {
  writeFileSync(join(dir, 'dump.rdb'), bytes);
  const target = loadTarget(dir);
  try {
    rdbLoadSync(target, windowBytes === undefined ? {} : { windowBytes });
    return null;
  } catch (error: unknown) {
    assert.equal(target.loading, false, 'loading flag left set');
    return error;
  }
}

test('the sample dump loads whole', () => {
  const dir = tempDir('rdb-load-');
  writeFileSync(join(dir, 'dump.rdb'), sampleDump());
  const target = loadTarget(dir);
  const result = rdbLoadSync(target);
  assert.equal(result?.keysLoaded, 9);
  assert.equal(target.keyspace.dirty, 0);
  assert.equal(target.keyspace.db(3).dict.size, 3);
  assert.equal(target.keyspace.db(0).expires.get('str'), 4102444800000);
});

test('every truncation point is refused with file, offset and cause', () => {
  const dir = tempDir('rdb-trunc-');
  const dump = sampleDump();
  const path = join(dir, 'dump.rdb');
  for (let length = 0; length < dump.length; length++) {
    const error = tryLoad(dir, dump.subarray(0, length));
    assert.ok(error instanceof RdbLoadError, `length ${length}: ${String(error)}`);
    assert.equal(error.path, path);
    assert.equal(typeof error.offset, 'number', `length ${length}`);
    assert.ok(error.message.includes(path) && /offset \d+/.test(error.message), error.message);
  }
});

test('random byte flips are refused (checksum on), never crash or load silently', () => {
  const dir = tempDir('rdb-flip-');
  const dump = sampleDump();
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < 400; i++) {
    const copy = Buffer.from(dump);
    const index = Math.floor(random() * copy.length);
    copy[index] = (copy[index] as number) ^ (1 + Math.floor(random() * 255));
    const error = tryLoad(dir, copy);
    assert.ok(error instanceof RdbLoadError, `flip at ${index}: ${String(error)}`);
    assert.ok(error.offset !== null, `flip at ${index}`);
  }
});

test('a dump many times the read window loads; one byte changed early fails its checksum; EIO mid-file is an error', () => {
  // The loader reads a dump file a window at a time: values cross window edges, one value is
  // larger than the window, and the checksum covers the bytes that left the window long ago.
  const dir = tempDir('rdb-window-');
  const entries = Array.from({ length: 30_000 }, (_, i) => ({ key: `key:${i}`, value: `${i}:${'v'.repeat(40 + (i % 90))}`, expireAtMs: null }));
  const big = 'b'.repeat(2_500_000);
  entries.splice(15_000, 0, { key: 'big', value: big, expireAtMs: null });
  const dump = encodeRdb([{ db: 0, entries }], { ctimeSec: 1700000000, usedMemBytes: 1, aofBase: false }, { compression: false });
  assert.ok(dump.length > 5 * 1024 * 1024, `${dump.length} bytes`);
  writeFileSync(join(dir, 'dump.rdb'), dump);
  const target = loadTarget(dir);
  const WINDOW = 1024 * 1024;
  assert.equal(rdbLoadSync(target, { windowBytes: WINDOW })?.keysLoaded, 30_001);
  assert.equal(target.keyspace.db(0).dict.get('big'), big);
  assert.equal(target.keyspace.db(0).dict.get('key:29999'), `29999:${'v'.repeat(40 + (29999 % 90))}`);

  const damaged = Buffer.from(dump);
  const at = damaged.indexOf(`7:${'v'.repeat(47)}`);
  assert.ok(at > 0 && at < 1024 * 1024, `at ${at}`);
  damaged[at + 5] = 'w'.charCodeAt(0);
  const error = tryLoad(dir, damaged, WINDOW);
  assert.ok(error instanceof RdbLoadError);
  assert.match(error.message, /checksum/i);
  assert.equal(error.offset, dump.length - 8);

  let reads = 0;
  setFaultInjector((op) => (op === 'readFile' && ++reads === 3 ? 'EIO' : null));
  try {
    const failed = tryLoad(dir, dump, WINDOW);
    assert.ok(failed instanceof RdbLoadError, String(failed));
    assert.match(failed.message, /Input\/output error/);
    assert.ok(failed.offset !== null && failed.offset >= 1024 * 1024, `offset ${failed.offset}`);
  } finally {
    setFaultInjector(null);
  }
});

test('a missing dump means an empty start; an unreadable one is an error', () => {
  const dir = tempDir('rdb-missing-');
  assert.equal(rdbLoadSync(loadTarget(dir)), null);
  setFaultInjector((op) => (op === 'readFile' ? 'EIO' : null));
  try {
    const error = tryLoad(dir, sampleDump());
    assert.ok(error instanceof RdbLoadError);
    assert.match(error.message, /Input\/output error/);
  } finally {
    setFaultInjector(null);
  }
});

test('faults through platform/fs.ts: SAVE fails, old dump intact, no temp file', async () => {
  const dir = tempDir('rdb-fault-');
  const lines: string[] = [];
  const server = await startFromConfig(configFromObject({ dir, port: 0, appendonly: 'no',
    save: '3600 1', bind: '127.0.0.1',
    'enable-debug-command': 'yes' }), { log: (line) => lines.push(line) });
  const c = await RespClient.connect(server.ports[0] as number);
  const dumpPath = join(dir, 'dump.rdb');
  try {
    await c.call('SET', 'k', 'v1');
    assert.equal(await c.call('SAVE'), '+OK\r\n');
    const good = readFileSync(dumpPath);
    await c.call('SET', 'k', 'v2');
    const faults: [string, (op: FsOp, path: string) => FaultDecision, RegExp][] = [
      ['ENOSPC on write', (op) => (op === 'write' ? 'ENOSPC' : null), /No space left on device/],
      ['EIO on fsync', (op) => (op === 'fsync' ? 'EIO' : null), /Input\/output error/],
      ['rename failure', (op) => (op === 'rename' ? 'EACCES' : null), /Error moving temp DB file/],
      ['open failure', (op, path) => (op === 'open' && path.includes('temp-') ? 'EROFS' : null),
        /Failed opening the temp RDB file/],
    ];
    for (const [name, injector, logged] of faults) {
      lines.length = 0;
      setFaultInjector(injector);
      try {
        assert.equal(await c.call('SAVE'), '-ERR\r\n', name);
      } finally {
        setFaultInjector(null);
      }
      assert.ok(lines.some((l) => logged.test(l)), `${name}: ${lines.join('\n')}`);
      assert.deepEqual(readFileSync(dumpPath), good, `${name}: dump changed`);
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('temp-')), [], name);
      assert.match(await c.call('INFO', 'persistence'), /rdb_changes_since_last_save:1\r\n/);
    }
    // Short writes are retried until the whole chunk is written.
    setFaultInjector((op) => (op === 'write' ? 'SHORT_WRITE' : null));
    try {
      assert.equal(await c.call('SAVE'), '+OK\r\n');
    } finally {
      setFaultInjector(null);
    }
    const digest = await c.call('DEBUG', 'DIGEST');
    assert.equal(await c.call('DEBUG', 'RELOAD', 'NOSAVE'), '+OK\r\n');
    assert.equal(await c.call('DEBUG', 'DIGEST'), digest);
    assert.equal(await c.call('GET', 'k'), '$2\r\nv2\r\n');
    // A failed save aborts SHUTDOWN and the server keeps serving.
    setFaultInjector((op) => (op === 'write' ? 'ENOSPC' : null));
    try {
      assert.equal(await c.call('SHUTDOWN'), '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
    } finally {
      setFaultInjector(null);
    }
    assert.equal(await c.call('PING'), '+PONG\r\n');
  } finally {
    c.close();
    await server.shutdown({ save: false, reason: 'test over' });
  }
});

test('BGSAVE of over 4 MiB fsyncs incrementally (on the libuv pool); a failed incremental fsync fails the save and keeps the old dump', async () => {
  const dir = tempDir('rdb-incr-fsync-');
  const server = await startFromConfig(configFromObject({ dir, port: 0, appendonly: 'no',
    save: '', bind: '127.0.0.1', 'enable-debug-command': 'yes',
    'rdb-save-incremental-fsync': 'yes', rdbcompression: 'no' }), { log: () => undefined });
  const c = await RespClient.connect(server.ports[0] as number);
  const dumpPath = join(dir, 'dump.rdb');
  const waitForBgsave = async (): Promise<string> => {
    for (;;) {
      const text = await c.call('INFO', 'persistence');
      if (text.includes('rdb_bgsave_in_progress:0')) {
        return /rdb_last_bgsave_status:(\w+)/.exec(text)?.[1] ?? '';
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  try {
    // 100k keys of 100-byte values: about 11 MB, so two incremental fsyncs before the last.
    assert.equal(await c.call('DEBUG', 'POPULATE', '100000', 'key', '100'), '+OK\r\n');
    let tempFsyncs = 0;
    setFaultInjector((op, path) => {
      if (op === 'fsync' && path.includes('temp-')) tempFsyncs++;
      return null;
    });
    assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
    assert.equal(await waitForBgsave(), 'ok');
    setFaultInjector(null);
    assert.ok(tempFsyncs >= 3, `${tempFsyncs} fsyncs of the temp file`);
    assert.ok(readFileSync(dumpPath).length > 8 * 1024 * 1024);
    const good = readFileSync(dumpPath);
    await c.call('SET', 'changed', '1');
    let seen = 0;
    setFaultInjector((op, path) => (op === 'fsync' && path.includes('temp-') && ++seen === 1 ? 'EIO' : null));
    try {
      assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
      assert.equal(await waitForBgsave(), 'err');
    } finally {
      setFaultInjector(null);
    }
    assert.deepEqual(readFileSync(dumpPath), good, 'dump unchanged');
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('temp-')), []);
  } finally {
    setFaultInjector(null);
    c.close();
    await server.shutdown({ save: false, reason: 'test over' });
  }
});
