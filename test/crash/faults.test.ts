// Fault matrix over every persistence path, in-process so the fs seam (src/platform/fs.ts) can
// be switched on and off mid-test: BGSAVE, AOF appends under always/everysec/no, the AOF rewrite
// (base file, new incr, manifest update). Faults: ENOSPC, EIO, a short write followed by an
// error, a failed ftruncate of that short write, fsync failure, rename failure, directory fsync
// failure. For each: no acknowledged write is lost (checked by restarting on the directory), no
// corrupt file is left (the restart loads with aof-load-truncated no, no temp files remain),
// Redis's error behaviour (MISCONF texts, rdb_last_bgsave_status / aof_last_write_status /
// aof_last_bgrewrite_status), and recovery when the fault clears.
// Complements test/persistence/rdb-faults.test.ts (SAVE) and aof-recovery.test.ts (ENOSPC).

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServer, type Directives, type VestaHandle } from '../../src/index.js';
import { setFaultInjector, type FaultDecision, type FsOp } from '../../src/platform/fs.js';
import { parseReply, RespClient } from '../helpers/resp-client.js';
import { tempDir } from '../helpers/servers.js';

type Injector = (op: FsOp, path: string) => FaultDecision;

/** Redis 7.0's shared.bgsaveerr, byte for byte. */
const MISCONF_RDB = "-MISCONF Redis is configured to save RDB snapshots, but it's currently " +
  'unable to persist to disk. Commands that may modify the data set are disabled, because this ' +
  'instance is configured to report errors during writes if RDB snapshotting fails ' +
  '(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB ' +
  'error.\r\n';

const dirs: string[] = [];
after(() => {
  setFaultInjector(null);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newDir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

async function start(dir: string, directives: Directives): Promise<VestaHandle> {
  return startServer({ port: 0, bind: '127.0.0.1', dir, 'enable-debug-command': 'yes',
    ...directives });
}

async function info(c: RespClient, field: string): Promise<string> {
  const text = parseReply(await c.call('INFO', 'persistence')) as string;
  const line = text.split('\r\n').find((l) => l.startsWith(field + ':'));
  return line?.slice(field.length + 1) ?? '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}

function tempFiles(dir: string): string[] {
  const names = readdirSync(dir).filter((n) => n.startsWith('temp-'));
  const aofDir = join(dir, 'appendonlydir');
  if (existsSync(aofDir)) names.push(...readdirSync(aofDir).filter((n) => n.startsWith('temp-')));
  return names;
}

/** Restarts on `dir` (torn files refused) and returns the values of `keys`. */
async function reload(dir: string, directives: Directives,
  keys: string[]): Promise<(string | null)[]> {
  const h = await start(dir, { ...directives, 'aof-load-truncated': 'no' });
  try {
    const db = h.server.keyspace.db(0);
    return keys.map((k) => {
      const v = db.dict.get(k);
      return v === undefined ? null : String(v);
    });
  } finally {
    await h.close({ save: false });
  }
}

/** Fails `op` on paths matching `pattern`; a SHORT_WRITE first when `short` is set. */
function failing(op: FsOp, pattern: RegExp, code: FaultDecision, short = false): Injector {
  let shortDone = !short;
  return (o, path) => {
    if (o !== op || !pattern.test(path)) return null;
    if (!shortDone) {
      shortDone = true;
      return 'SHORT_WRITE';
    }
    return code;
  };
}

// ---------------------------------------------------------------------------------------------
// BGSAVE.

const RDB_TEMP = /\/temp-\d+-\d+\.rdb$/;
const bgsaveFaults: [string, Injector, boolean][] = [
  ['ENOSPC on write', failing('write', RDB_TEMP, 'ENOSPC'), false],
  ['EIO on write', failing('write', RDB_TEMP, 'EIO'), false],
  ['short write, then ENOSPC', failing('write', RDB_TEMP, 'ENOSPC', true), false],
  ['EIO on fsync', failing('fsync', RDB_TEMP, 'EIO'), false],
  ['rename failure', failing('rename', RDB_TEMP, 'EIO'), false],
  // The rename happened: the new dump is in place, only its durability is in doubt.
  ['directory fsync failure', failing('fsyncDir', /./, 'EIO'), true],
];

for (const [name, injector, replaced] of bgsaveFaults) {
  test(`BGSAVE, ${name}: status err, MISCONF exactly as Redis, old dump intact, recovers`,
    async () => {
      const dir = newDir('vesta-fault-bgsave-');
      const directives = { appendonly: 'no', save: '3600 1000' };
      const h = await start(dir, directives);
      const c = await RespClient.connect(h.port);
      const dump = join(dir, 'dump.rdb');
      try {
        await c.call('SET', 'k', 'v1');
        assert.equal(await c.call('SAVE'), '+OK\r\n');
        const good = readFileSync(dump);
        await c.call('SET', 'k', 'v2');
        setFaultInjector(injector);
        assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
        await until('bgsave end', async () => (await info(c, 'rdb_bgsave_in_progress')) === '0');
        setFaultInjector(null);
        assert.equal(await info(c, 'rdb_last_bgsave_status'), 'err');
        assert.equal(await c.call('SET', 'k', 'v3'), MISCONF_RDB);
        assert.equal(await c.call('GET', 'k'), '$2\r\nv2\r\n', 'reads still served');
        if (!replaced) assert.deepEqual(readFileSync(dump), good, 'old dump untouched');
        assert.deepEqual(tempFiles(dir), []);
        // The fault cleared: the next BGSAVE succeeds and writes are accepted again.
        assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
        await until('bgsave end', async () => (await info(c, 'rdb_bgsave_in_progress')) === '0');
        assert.equal(await info(c, 'rdb_last_bgsave_status'), 'ok');
        assert.equal(await c.call('SET', 'k', 'v4'), '+OK\r\n');
        assert.equal(await c.call('SAVE'), '+OK\r\n');
      } finally {
        setFaultInjector(null);
        c.close();
        await h.close({ save: false });
      }
      assert.deepEqual(await reload(dir, directives, ['k']), ['v4']);
    });
}

// ---------------------------------------------------------------------------------------------
// AOF appends.

const INCR = /\.incr\.aof$/;
const appendFaults: [string, () => Injector, RegExp][] = [
  ['EIO on write', () => failing('write', INCR, 'EIO'), /Input\/output error/],
  ['short write, then ENOSPC', () => failing('write', INCR, 'ENOSPC', true),
    /No space left on device/],
  ['short write, then EIO, and the ftruncate fails too', () => {
    const write = failing('write', INCR, 'EIO', true);
    return (op, path) => (op === 'truncate' && INCR.test(path) ? 'EIO' : write(op, path));
  }, /Input\/output error/],
];

for (const policy of ['always', 'everysec', 'no']) {
  for (const [name, makeInjector, text] of appendFaults) {
    test(`AOF append (appendfsync ${policy}), ${name}: reply held, MISCONF, nothing lost`,
      async () => {
        const dir = newDir('vesta-fault-aof-');
        const directives = { appendonly: 'yes', save: '', appendfsync: policy };
        const h = await start(dir, directives);
        const writer = await RespClient.connect(h.port);
        const other = await RespClient.connect(h.port);
        try {
          assert.equal(await writer.call('SET', 'a', '1'), '+OK\r\n');
          setFaultInjector(makeInjector());
          let acked = false;
          const pending = writer.call('SET', 'b', 'x'.repeat(3000)).then((r) => {
            acked = true;
            return r;
          });
          // Replies of the failed write's event-loop turn are all held: let that turn pass
          // before asking `other` anything.
          await sleep(100);
          await until('the write error', async () =>
            (await info(other, 'aof_last_write_status')) === 'err');
          await sleep(150);
          assert.equal(acked, false, 'no reply before the write is in the file');
          const refused = await other.call('SET', 'c', '3');
          assert.match(refused, /^-MISCONF Errors writing to the AOF file: /);
          assert.match(refused, text);
          setFaultInjector(null);
          assert.equal(await pending, '+OK\r\n');
          await until('recovery', async () =>
            (await info(other, 'aof_last_write_status')) === 'ok');
          assert.equal(await other.call('SET', 'd', '4'), '+OK\r\n');
        } finally {
          setFaultInjector(null);
          writer.close();
          other.close();
          await h.close({ save: false });
        }
        assert.deepEqual(await reload(dir, directives, ['a', 'b', 'c', 'd']),
          ['1', 'x'.repeat(3000), null, '4']);
      });
  }
}

test('AOF appendfsync everysec, fsync failing: aof_last_write_status err and MISCONF, then ok',
  async () => {
    const dir = newDir('vesta-fault-everysec-');
    const directives = { appendonly: 'yes', save: '', appendfsync: 'everysec' };
    const h = await start(dir, directives);
    const c = await RespClient.connect(h.port);
    try {
      await c.call('SET', 'a', '1');
      setFaultInjector(failing('fsync', INCR, 'EIO'));
      // everysec acknowledges after the write; the failing background fsync is reported later.
      assert.equal(await c.call('SET', 'b', '2'), '+OK\r\n');
      await until('the fsync error', async () =>
        (await info(c, 'aof_last_write_status')) === 'err');
      assert.equal(await c.call('SET', 'c', '3'),
        '-MISCONF Errors writing to the AOF file: Input/output error\r\n');
      setFaultInjector(null);
      await until('recovery', async () => (await info(c, 'aof_last_write_status')) === 'ok');
      assert.equal(await c.call('SET', 'd', '4'), '+OK\r\n');
    } finally {
      setFaultInjector(null);
      c.close();
      await h.close({ save: false });
    }
    assert.deepEqual(await reload(dir, directives, ['a', 'b', 'c', 'd']), ['1', '2', null, '4']);
  });

// ---------------------------------------------------------------------------------------------
// AOF rewrite: base file, new incr file, manifest update.

/** Fails the directory fsync that follows the manifest's rename. */
function manifestDirFsyncFails(): Injector {
  let armed = false;
  return (op, path) => {
    if (op === 'rename' && path.endsWith('.manifest')) armed = true;
    else if (op === 'fsyncDir' && armed) {
      armed = false;
      return 'EIO';
    }
    return null;
  };
}

const BASE_TEMP = /appendonlydir\/temp-\d+-\d+\.rdb$/;
const rewriteFaults: [string, () => Injector][] = [
  ['ENOSPC writing the base', () => failing('write', BASE_TEMP, 'ENOSPC')],
  ['short write of the base, then EIO', () => failing('write', BASE_TEMP, 'EIO', true)],
  ['EIO on the base fsync', () => failing('fsync', BASE_TEMP, 'EIO')],
  ['rename of the base fails', () => failing('rename', BASE_TEMP, 'EIO')],
  ['creating the new incr fails', () => failing('open', /\.incr\.aof$/, 'EROFS')],
  ['ENOSPC writing the manifest',
    () => failing('write', /temp-appendonly\.aof\.manifest$/, 'ENOSPC')],
  ['rename of the manifest fails', () => failing('rename', /\.manifest$/, 'EIO')],
  ['directory fsync after the manifest rename fails', manifestDirFsyncFails],
];

for (const [name, makeInjector] of rewriteFaults) {
  test(`BGREWRITEAOF, ${name}: status err, writes go on, directory stays loadable, recovers`,
    async () => {
      const dir = newDir('vesta-fault-rewrite-');
      const directives = { appendonly: 'yes', save: '', appendfsync: 'always' };
      const h = await start(dir, directives);
      const c = await RespClient.connect(h.port);
      const keys: string[] = [];
      try {
        for (let i = 0; i < 20; i++) {
          keys.push(`before${i}`);
          await c.call('SET', `before${i}`, i);
        }
        setFaultInjector(makeInjector());
        const reply = await c.call('BGREWRITEAOF');
        for (let i = 0; i < 10; i++) {
          keys.push(`during${i}`);
          assert.equal(await c.call('SET', `during${i}`, i), '+OK\r\n');
        }
        await until('rewrite end', async () => (await info(c, 'aof_rewrite_in_progress')) === '0');
        setFaultInjector(null);
        if (reply.startsWith('+')) {
          assert.equal(await info(c, 'aof_last_bgrewrite_status'), 'err');
        } else {
          assert.match(reply, /^-ERR Can't execute an AOF background rewriting/);
        }
        assert.equal(await info(c, 'aof_last_write_status'), 'ok');
        assert.equal(await c.call('SET', 'afterFault', 1), '+OK\r\n');
        keys.push('afterFault');
        assert.deepEqual(tempFiles(dir), []);
        // The failed rewrite left a loadable directory with every acknowledged write.
        assert.equal(await c.call('DEBUG', 'LOADAOF'), '+OK\r\n');
        assert.equal(await c.call('DBSIZE'), `:${keys.length}\r\n`);
        // The fault cleared: a rewrite succeeds.
        assert.match(await c.call('BGREWRITEAOF'), /^\+Background append only file rewriting/);
        await until('rewrite end', async () => (await info(c, 'aof_rewrite_in_progress')) === '0' &&
          (await info(c, 'aof_rewrite_scheduled')) === '0');
        assert.equal(await info(c, 'aof_last_bgrewrite_status'), 'ok');
        await c.call('SET', 'afterRecovery', 1);
        keys.push('afterRecovery');
      } finally {
        setFaultInjector(null);
        c.close();
        await h.close({ save: false });
      }
      const values = await reload(dir, directives, keys);
      assert.deepEqual(values.map((v) => v !== null), keys.map(() => true));
      const aofDir = readdirSync(join(dir, 'appendonlydir')).sort();
      assert.equal(aofDir.filter((n) => n.includes('.base.')).length, 1, aofDir.join(' '));
    });
}
