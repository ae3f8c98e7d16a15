// Loading damaged AOFs and surviving disk errors, in-process (fast enough to try every byte):
// every truncation point of the last incr file loads with aof-load-truncated yes (up to the last
// whole command, the file cut back) and is refused with it off; a corrupt byte in the middle is
// refused naming file and offset; a torn non-last file is refused. Write errors (ENOSPC, EIO,
// a short write, a failed fsync) injected through the fs seam never let a reply out before its
// write is logged, refuse writes with MISCONF, keep the file made of whole commands, and recover
// by themselves when the fault clears.

import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServer, type VestaHandle } from '../../src/index.js';
import { setFaultInjector } from '../../src/platform/fs.js';
import { parseReply, RespClient } from '../helpers/resp-client.js';
import { tempDir } from '../helpers/servers.js';

const INCR = 'appendonly.aof.1.incr.aof';
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newDir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

async function start(dir: string, extra: Record<string, string> = {}): Promise<VestaHandle> {
  return startServer({ port: 0, bind: '127.0.0.1', dir, save: '', appendonly: 'yes',
    'enable-debug-command': 'yes', ...extra });
}

async function keyCount(handle: VestaHandle): Promise<number> {
  let n = 0;
  for (const db of handle.server.keyspace.dbs) n += db.dict.size;
  return n;
}

/** Whole-record end offsets of an AOF file, and for each the number of keys set by then. */
function recordBoundaries(data: string): { end: number; keys: number }[] {
  const out: { end: number; keys: number }[] = [{ end: 0, keys: 0 }];
  let pos = 0;
  let keys = 0;
  let pending = 0;
  let inMulti = false;
  while (pos < data.length) {
    const nl = data.indexOf('\r\n', pos);
    const argc = Number(data.slice(pos + 1, nl));
    pos = nl + 2;
    const argv: string[] = [];
    for (let i = 0; i < argc; i++) {
      const l = data.indexOf('\r\n', pos);
      const len = Number(data.slice(pos + 1, l));
      argv.push(data.slice(l + 2, l + 2 + len));
      pos = l + 2 + len + 2;
    }
    const name = (argv[0] as string).toUpperCase();
    if (name === 'MULTI') inMulti = true;
    else if (name === 'EXEC') {
      inMulti = false;
      keys += pending;
      pending = 0;
    } else if (name === 'SET') {
      if (inMulti) pending++;
      else keys++;
    }
    // A record inside an open MULTI is not a valid stopping point: loading reverts to MULTI.
    if (!inMulti) out.push({ end: pos, keys });
  }
  return out;
}

/** An AOF dir whose last incr holds single SETs and a transaction. */
async function makeAof(): Promise<{ dir: string; incr: string }> {
  const dir = newDir('vesta-aof-src-');
  const h = await start(dir, { appendfsync: 'always' });
  const c = await RespClient.connect(h.port);
  for (let i = 0; i < 6; i++) await c.call('SET', `k${i}`, `value-${i}`);
  await c.pipeline([['MULTI'], ['SET', 't1', 'x'], ['SET', 't2', 'y'], ['EXEC']]);
  for (let i = 6; i < 9; i++) await c.call('SET', `k${i}`, `v${i}`);
  c.close();
  await h.close();
  return { dir, incr: readFileSync(join(dir, 'appendonlydir', INCR), 'latin1') };
}

test('every truncation point of the last incr loads with aof-load-truncated yes, up to the last whole command',
  async () => {
    const { dir, incr } = await makeAof();
    const bounds = recordBoundaries(incr);
    assert.equal(bounds[bounds.length - 1]?.keys, 11);
    for (let cut = 0; cut <= incr.length; cut++) {
      const copy = newDir('vesta-aof-cut-');
      cpSync(dir, copy, { recursive: true });
      truncateSync(join(copy, 'appendonlydir', INCR), cut);
      const expected = [...bounds].reverse().find((b) => b.end <= cut);
      assert.ok(expected !== undefined);
      const h = await start(copy, { 'aof-load-truncated': 'yes' });
      assert.equal(await keyCount(h), expected.keys, `cut at ${cut}`);
      await h.close();
      const size = readFileSync(join(copy, 'appendonlydir', INCR)).length;
      assert.equal(size, expected.end, `file cut back to the last whole command (cut ${cut})`);
      rmSync(copy, { recursive: true, force: true });
    }
  });

test('with aof-load-truncated no, a torn last incr is refused with the file and offset', async () => {
  const { dir, incr } = await makeAof();
  const ends = new Set(recordBoundaries(incr).map((b) => b.end));
  let refused = 0;
  for (let cut = 0; cut <= incr.length; cut++) {
    const copy = newDir('vesta-aof-cut-');
    cpSync(dir, copy, { recursive: true });
    truncateSync(join(copy, 'appendonlydir', INCR), cut);
    if (ends.has(cut)) {
      const h = await start(copy, { 'aof-load-truncated': 'no' });
      await h.close();
    } else {
      await assert.rejects(start(copy, { 'aof-load-truncated': 'no' }), (error: Error) => {
        assert.match(error.message, /Unexpected end of file reading the append only file /);
        assert.match(error.message, new RegExp(`${INCR.replace(/\./g, '\\.')}`));
        assert.match(error.message, /offset \d+/);
        assert.match(error.message, /redis-check-aof --fix/);
        return true;
      });
      refused++;
    }
    rmSync(copy, { recursive: true, force: true });
  }
  assert.ok(refused > incr.length / 2);
});

test('a corrupted byte in the middle is refused naming the file and offset, even with aof-load-truncated yes',
  async () => {
    const { dir, incr } = await makeAof();
    const middle = incr.indexOf('$7\r\nvalue-3');
    assert.ok(middle > 0);
    // The error names the start of the record line that is broken.
    const cases = [[middle, '#', middle], [middle + 1, 'x', middle], [0, '+', 0]] as const;
    for (const [at, byte, reported] of cases) {
      const copy = newDir('vesta-aof-bad-');
      cpSync(dir, copy, { recursive: true });
      const path = join(copy, 'appendonlydir', INCR);
      const data = Buffer.from(readFileSync(path));
      data[at] = byte.charCodeAt(0);
      writeFileSync(path, data);
      await assert.rejects(start(copy, { 'aof-load-truncated': 'yes' }), (error: Error) => {
        assert.match(error.message, /Bad file format reading the append only file .*appendonly\.aof\.1\.incr\.aof/);
        assert.match(error.message, new RegExp(`at offset ${reported}\\b`));
        return true;
      });
    }
  });

test('a torn incr that is not the last file is refused; a corrupt RDB base is refused', async () => {
  const { dir, incr } = await makeAof();
  const copy = newDir('vesta-aof-two-');
  cpSync(dir, copy, { recursive: true });
  const aofDir = join(copy, 'appendonlydir');
  writeFileSync(join(aofDir, INCR), incr.slice(0, incr.length - 5), 'latin1');
  writeFileSync(join(aofDir, 'appendonly.aof.2.incr.aof'), '');
  writeFileSync(join(aofDir, 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.rdb seq 1 ' +
    'type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
  await assert.rejects(start(copy), /not the last file of the AOF/);
  const base = join(aofDir, 'appendonly.aof.1.base.rdb');
  const data = Buffer.from(readFileSync(base));
  data[data.length - 3] = (data[data.length - 3] as number) ^ 0xff;
  writeFileSync(base, data);
  writeFileSync(join(aofDir, INCR), incr, 'latin1');
  await assert.rejects(start(copy), /appendonly\.aof\.1\.base\.rdb at offset \d+/);
  writeFileSync(join(aofDir, 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.rdb seq 1 type b\n' +
    'file appendonly.aof.1.base.rdb seq 1 type b\n');
  await assert.rejects(start(copy), /Found duplicate base file information/);
});

// ---------------------------------------------------------------------------------------------
// Write errors through the fs seam.

async function infoField(c: RespClient, field: string): Promise<string> {
  const text = parseReply(await c.call('INFO', 'persistence')) as string;
  const line = text.split('\r\n').find((l) => l.startsWith(field + ':'));
  return line?.slice(field.length + 1) ?? '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

for (const policy of ['always', 'everysec', 'no']) {
  test(`appendfsync ${policy}: ENOSPC holds the reply, refuses writes with MISCONF, and recovers`,
    async () => {
      const dir = newDir('vesta-aof-enospc-');
      const h = await start(dir, { appendfsync: policy });
      const writer = await RespClient.connect(h.port);
      const other = await RespClient.connect(h.port);
      try {
        assert.equal(await writer.call('SET', 'before', '1'), '+OK\r\n');
        let faults = 0;
        setFaultInjector((op, path) => {
          if (op === 'write' && path.endsWith('.incr.aof')) {
            faults++;
            return 'ENOSPC';
          }
          return null;
        });
        let acked = false;
        const pending = writer.call('SET', 'during', '2').then((r) => {
          acked = true;
          return r;
        });
        await sleep(300);
        assert.equal(acked, false, 'no reply before the write is logged');
        assert.ok(faults >= 2, 'the write is retried');
        assert.equal(await infoField(other, 'aof_last_write_status'), 'err');
        assert.equal(await other.call('SET', 'refused', '3'),
          '-MISCONF Errors writing to the AOF file: No space left on device\r\n');
        assert.equal(await other.call('GET', 'before'), '$1\r\n1\r\n', 'reads still work');
        setFaultInjector(null);
        assert.equal(await pending, '+OK\r\n');
        assert.equal(await infoField(other, 'aof_last_write_status'), 'ok');
        assert.equal(await other.call('SET', 'after', '4'), '+OK\r\n');
      } finally {
        setFaultInjector(null);
        writer.close();
        other.close();
        await h.close();
      }
      const incr = readFileSync(join(dir, 'appendonlydir', INCR), 'latin1');
      assert.match(incr, /during\r\n\$1\r\n2\r\n/);
      assert.doesNotMatch(incr, /refused/);
      const again = await start(dir, { 'aof-load-truncated': 'no' });
      const c = await RespClient.connect(again.port);
      assert.equal(await c.call('MGET', 'before', 'during', 'refused', 'after'),
        '*4\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n$1\r\n4\r\n');
      c.close();
      await again.close();
    });
}

test('a short write followed by EIO is cut back, so the file never ends in half a command',
  async () => {
    const dir = newDir('vesta-aof-short-');
    const h = await start(dir, { appendfsync: 'everysec' });
    const c = await RespClient.connect(h.port);
    const path = join(dir, 'appendonlydir', INCR);
    try {
      await c.call('SET', 'a', '1');
      const sizeBefore = readFileSync(path).length;
      let calls = 0;
      setFaultInjector((op, p) => {
        if (op !== 'write' || !p.endsWith('.incr.aof')) return null;
        calls++;
        return calls === 1 ? 'SHORT_WRITE' : 'EIO';
      });
      const pending = c.call('SET', 'b', 'x'.repeat(1000));
      await sleep(250);
      assert.ok(calls >= 2);
      assert.equal(readFileSync(path).length, sizeBefore, 'the half-written command was removed');
      setFaultInjector(null);
      assert.equal(await pending, '+OK\r\n');
    } finally {
      setFaultInjector(null);
      c.close();
      await h.close();
    }
    const again = await start(dir, { 'aof-load-truncated': 'no' });
    assert.equal(again.server.keyspace.db(0).dict.get('b'), 'x'.repeat(1000));
    await again.close();
  });

// Under always, fast fsyncs run inline on the main thread and slow ones on the libuv pool
// (vesta-aof-inline-fsync-max-us); both paths must hold replies until their data is durable.
const FSYNC_MODES = [['inline', '1000'], ['pool', '0']] as const;

for (const [mode, inlineMaxUs] of FSYNC_MODES) {
test(`appendfsync always (${mode} fsync): a failing fsync holds the reply until an fsync succeeds`, async () => {
  const dir = newDir('vesta-aof-fsync-');
  const h = await start(dir, { appendfsync: 'always', 'vesta-aof-inline-fsync-max-us': inlineMaxUs });
  const c = await RespClient.connect(h.port);
  const other = await RespClient.connect(h.port);
  try {
    await c.call('SET', 'a', '1');
    setFaultInjector((op, p) => (op === 'fsync' && p.endsWith('.incr.aof') ? 'EIO' : null));
    let acked = false;
    const pending = c.call('SET', 'b', '2').then((r) => {
      acked = true;
      return r;
    });
    await sleep(150);
    // A read pipelined later on the same connection must not overtake the held reply.
    const read = c.call('GET', 'b');
    await sleep(150);
    assert.equal(acked, false);
    assert.equal(await infoField(other, 'aof_last_write_status'), 'err');
    assert.match(await other.call('SET', 'c', '3'), /^-MISCONF Errors writing to the AOF file: Input\/output error/);
    setFaultInjector(null);
    assert.equal(await pending, '+OK\r\n');
    assert.equal(await read, '$1\r\n2\r\n');
    assert.equal(await infoField(other, 'aof_last_write_status'), 'ok');
  } finally {
    setFaultInjector(null);
    c.close();
    other.close();
    await h.close();
  }
});

test(`appendfsync always (${mode} fsync): after a failed fsync the unsynced bytes are written again before the fsync that releases the reply`, async () => {
  // Linux may drop the dirty pages of a failed fsync and report the error once; a later fsync
  // that succeeds then proves nothing. The writer must cut the file back to what an fsync did
  // cover and write the rest again, so the fsync that releases the reply really covers it.
  const dir = newDir('vesta-aof-redo-');
  const h = await start(dir, { appendfsync: 'always', 'vesta-aof-inline-fsync-max-us': inlineMaxUs });
  const c = await RespClient.connect(h.port);
  const path = join(dir, 'appendonlydir', INCR);
  try {
    assert.equal(await c.call('SET', 'a', '1'), '+OK\r\n');
    const durable = readFileSync(path).length;
    const ops: string[] = [];
    let failed = false;
    setFaultInjector((op, p) => {
      if (!p.endsWith('.incr.aof')) return null;
      ops.push(op);
      if (op === 'fsync' && !failed) {
        failed = true;
        return 'EIO';
      }
      return null;
    });
    assert.equal(await c.call('SET', 'b', '2'), '+OK\r\n');
    // write (the turn), fsync (fails), then before the retry's fsync: truncate + write again.
    const firstFsync = ops.indexOf('fsync');
    const retry = ops.indexOf('fsync', firstFsync + 1);
    assert.ok(firstFsync > 0 && retry > firstFsync, `ops: ${ops.join(',')}`);
    const between = ops.slice(firstFsync + 1, retry);
    assert.deepEqual(between.filter((op) => op === 'truncate' || op === 'write'), ['truncate', 'write'],
      `ops between the failed fsync and the retry: ${between.join(',')}`);
    setFaultInjector(null);
    const text = readFileSync(path, 'latin1');
    assert.ok(text.length > durable);
    assert.equal(text.split('*3\r\n$3\r\nSET\r\n$1\r\nb\r\n').length, 2, 'the command is in the file once');
  } finally {
    setFaultInjector(null);
    c.close();
    await h.close();
  }
  const again = await start(dir, { 'aof-load-truncated': 'no' });
  assert.equal(again.server.keyspace.db(0).dict.get('b'), '2');
  await again.close();
});

test(`group commit under always (${mode} fsync): 50 clients, replies in order, far fewer fsyncs than writes`,
  async () => {
    const dir = newDir('vesta-aof-group-');
    const h = await start(dir, { appendfsync: 'always', 'vesta-aof-inline-fsync-max-us': inlineMaxUs });
    let fsyncs = 0;
    setFaultInjector((op, p) => {
      if (op === 'fsync' && p.endsWith('.incr.aof')) fsyncs++;
      return null;
    });
    const clients = await Promise.all(Array.from({ length: 50 }, () => RespClient.connect(h.port)));
    try {
      const perClient = 40;
      await Promise.all(clients.map(async (c, i) => {
        for (let j = 0; j < perClient; j++) {
          // Pipelined pairs: the GET reply must never overtake the held SET reply.
          const [set, get] = await c.pipeline([['SET', `k${i}`, j], ['GET', `k${i}`]]);
          assert.equal(set, '+OK\r\n');
          assert.equal(get, `$${String(j).length}\r\n${j}\r\n`);
        }
      }));
      const writes = clients.length * perClient;
      assert.ok(fsyncs < writes / 2, `${fsyncs} fsyncs for ${writes} writes`);
    } finally {
      setFaultInjector(null);
      for (const c of clients) c.close();
      await h.close();
    }
    assert.deepEqual(readdirSync(join(dir, 'appendonlydir')).sort(),
      ['appendonly.aof.1.base.rdb', INCR, 'appendonly.aof.manifest']);
  });
}

test('everysec fsyncs about once a second; no-appendfsync-on-rewrite skips fsyncs during a rewrite',
  async () => {
    const dir = newDir('vesta-aof-everysec-');
    const h = await start(dir, { appendfsync: 'everysec', 'rdb-key-save-delay': '2000' });
    let fsyncs = 0;
    setFaultInjector((op, p) => {
      if (op === 'fsync' && p.endsWith('.incr.aof')) fsyncs++;
      return null;
    });
    const c = await RespClient.connect(h.port);
    try {
      const until = Date.now() + 1600;
      let writes = 0;
      while (Date.now() < until) {
        await c.call('SET', `k${writes % 100}`, writes);
        writes++;
      }
      assert.ok(writes > 100);
      assert.ok(fsyncs >= 1 && fsyncs <= 3, `${fsyncs} fsyncs in 1.6 s`);
      // A rewrite slowed to ~0.2 s per 100 keys; with no-appendfsync-on-rewrite no incr fsync.
      assert.equal(await c.call('CONFIG', 'SET', 'no-appendfsync-on-rewrite', 'yes'), '+OK\r\n');
      assert.equal(await c.call('CONFIG', 'SET', 'appendfsync', 'always'), '+OK\r\n');
      assert.equal(await c.call('BGREWRITEAOF'), '+Background append only file rewriting started\r\n');
      fsyncs = 0;
      for (let i = 0; i < 20; i++) await c.call('SET', 'during', i);
      assert.equal(await infoField(c, 'aof_rewrite_in_progress'), '1');
      assert.equal(fsyncs, 0, 'no fsync of the incr while the rewrite runs');
      while ((await infoField(c, 'aof_rewrite_in_progress')) === '1') await sleep(20);
      await c.call('SET', 'after', '1');
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the fault injector counts them meanwhile (TS keeps the narrowing from the assert above)
      assert.ok(fsyncs >= 1, 'always fsyncs again after the rewrite');
    } finally {
      setFaultInjector(null);
      c.close();
      await h.close();
    }
  });
