// Randomly generated command sequences (fast-check) over a small key space, sent to
// redis-server 7.0 and to Vesta in RESP2 and RESP3; replies compared byte for byte.
//
// Timing: every relative expiry in a sequence gets a distinct duration (at least 2 s apart from
// any other), so NX/XX/GT/LT comparisons never depend on which millisecond a command ran in.
// Replies of TTL, PTTL, EXPIRETIME and PEXPIRETIME that are positive are compared with a
// tolerance of 2 s, because the two servers run each command at slightly different times.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { after, before, test } from 'node:test';
import { haveRedis, requireRedis, startRedis, startVesta, type RunningServer } from '../helpers/servers.js';

const RUNS_PER_PROTOCOL = Number(process.env["VESTA_RANDOM_RUNS"] ?? 250);
const TIME_LIMIT_MS = 40_000;

let redis: RunningServer | null = null;
let vesta: RunningServer | null = null;

before(async () => {
  if (!haveRedis()) return;
  [redis, vesta] = await Promise.all([startRedis(), startVesta()]);
});
after(async () => {
  await Promise.all([redis?.stop(), vesta?.stop()]);
});

/** A relative expiry placeholder, made unique per command index when a sequence is built. */
interface Relative {
  unit: 's' | 'ms';
  baseSeconds: number;
}
type Arg = string | Relative;

const KEYS = ['a', 'b', 'c', 'd', '\0k\r\n'];
const VALUES = [
  '',
  'v',
  'hello world',
  '0',
  '1',
  '-1',
  '42',
  '007',
  ' 1',
  '3.14',
  '-0',
  '1e3',
  '9223372036854775806',
  '9223372036854775807',
  '-9223372036854775808',
  '18446744073709551616',
  'x'.repeat(44),
  'y'.repeat(45),
  '\0\xff\r\n',
];
const BASE_SECONDS = [10, 100, 1000, 100_000, 10_000_000, 100_000_000_000];
const BAD_EXPIRES = [
  '0',
  '-1',
  '-100',
  'abc',
  '1.5',
  '',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775',
  '9223372036854776',
  '-9223372036854775',
  '92233720368547758',
];
// Absolute times: long past (the key is deleted) or far future (deterministic EXPIRETIME).
const ABSOLUTE_SECONDS = ['1', '1000', '4102444800', '4102444801', '32503680000'];

const key = fc.constantFrom(...KEYS);
/**
 * Now and then a value up to 1 MiB, often within 2 bytes of a threshold of the request path (a
 * power of two, the 32 KiB big-argument and 64 KiB read-buffer sizes): issue 17 found a hang
 * at 32-64 KiB that the short VALUES above never reached.
 */
const BIG_UNIT = 'big\r\n\0\xff-';
const bigValue = fc
  .oneof(
    fc.integer({ min: 0, max: 1024 * 1024 }),
    fc.tuple(fc.integer({ min: 5, max: 20 }), fc.integer({ min: -2, max: 2 })).map(([bit, d]) => 2 ** bit + d),
  )
  .map((size) => BIG_UNIT.repeat(Math.ceil(size / BIG_UNIT.length)).slice(0, size));
const value = fc.oneof({ weight: 40, arbitrary: fc.constantFrom(...VALUES) }, { weight: 1, arbitrary: bigValue });
const db = fc.constantFrom('0', '1', '2', '16', '-1', 'x');
const index = fc.constantFrom('0', '1', '2', '5', '-1', '-3', '-100', '100', 'x');
const increment = fc.constantFrom('1', '-1', '10', '0', '9223372036854775807', '-9223372036854775808', 'x', '1.5');
const floatIncrement = fc.constantFrom('0.1', '-1.5', '1e10', '3', '-0', 'inf', 'nan', 'abc', '5.0e3', '1e308');
const seconds = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...BASE_SECONDS).map((baseSeconds): Arg => ({ unit: 's', baseSeconds })) },
  { weight: 1, arbitrary: fc.constantFrom<Arg>(...BAD_EXPIRES) },
);
const milliseconds = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...BASE_SECONDS).map((baseSeconds): Arg => ({ unit: 'ms', baseSeconds })) },
  { weight: 1, arbitrary: fc.constantFrom<Arg>(...BAD_EXPIRES) },
);
const expireFlags = fc.subarray(['NX', 'XX', 'GT', 'LT'], { maxLength: 2 });

function cmd(...parts: fc.Arbitrary<Arg | Arg[]>[]): fc.Arbitrary<Arg[]> {
  return fc.tuple(...parts).map((items) => items.flat());
}
const c = (text: string): fc.Arbitrary<Arg> => fc.constant(text);

const setOptions = fc
  .tuple(
    fc.oneof(
      fc.constant<Arg[]>([]),
      seconds.map((s): Arg[] => ['EX', s]),
      milliseconds.map((ms): Arg[] => ['PX', ms]),
      fc.constantFrom(...ABSOLUTE_SECONDS).map((s): Arg[] => ['EXAT', s]),
      fc.constantFrom(...ABSOLUTE_SECONDS).map((s): Arg[] => ['PXAT', `${s}000`]),
      fc.constant<Arg[]>(['KEEPTTL']),
    ),
    fc.subarray(['NX', 'XX', 'GET'], { maxLength: 2 }),
  )
  .chain(([expiry, flags]) => fc.shuffledSubarray([...expiry.length > 0 ? [expiry] : [], ...flags.map((f) => [f])], { minLength: expiry.length > 0 ? 1 : 0 }))
  .map((groups) => groups.flat());

const command: fc.Arbitrary<Arg[]> = fc.oneof(
  { weight: 6, arbitrary: cmd(c('SET'), key, value, setOptions) },
  { weight: 4, arbitrary: cmd(c('GET'), key) },
  { weight: 2, arbitrary: cmd(fc.constantFrom('INCR', 'DECR'), key) },
  { weight: 2, arbitrary: cmd(fc.constantFrom('INCRBY', 'DECRBY'), key, increment) },
  { weight: 1, arbitrary: cmd(c('INCRBYFLOAT'), key, floatIncrement) },
  { weight: 2, arbitrary: cmd(c('APPEND'), key, value) },
  { weight: 1, arbitrary: cmd(c('SETRANGE'), key, fc.constantFrom('0', '3', '50', '-1', 'x'), value) },
  { weight: 1, arbitrary: cmd(c('GETRANGE'), key, index, index) },
  { weight: 1, arbitrary: cmd(c('STRLEN'), key) },
  { weight: 2, arbitrary: cmd(c('DEL'), fc.uniqueArray(key, { minLength: 1, maxLength: 3 })) },
  { weight: 1, arbitrary: cmd(c('UNLINK'), key) },
  { weight: 2, arbitrary: cmd(c('EXISTS'), fc.array(key, { minLength: 1, maxLength: 3 })) },
  { weight: 3, arbitrary: cmd(c('EXPIRE'), key, seconds, expireFlags) },
  { weight: 3, arbitrary: cmd(c('PEXPIRE'), key, milliseconds, expireFlags) },
  { weight: 1, arbitrary: cmd(c('EXPIREAT'), key, fc.constantFrom(...ABSOLUTE_SECONDS), expireFlags) },
  { weight: 1, arbitrary: cmd(c('PEXPIREAT'), key, fc.constantFrom(...ABSOLUTE_SECONDS.map((s) => `${s}000`)), expireFlags) },
  { weight: 2, arbitrary: cmd(c('PERSIST'), key) },
  { weight: 3, arbitrary: cmd(fc.constantFrom('TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME'), key) },
  { weight: 2, arbitrary: cmd(fc.constantFrom('RENAME', 'RENAMENX'), key, key) },
  {
    weight: 2,
    arbitrary: cmd(c('COPY'), key, key, fc.subarray(['DB', 'REPLACE'])).chain((args) =>
      args.includes('DB')
        ? db.map((d) => { const i = args.indexOf('DB'); return [...args.slice(0, i + 1), d, ...args.slice(i + 1)]; })
        : fc.constant(args),
    ),
  },
  { weight: 1, arbitrary: cmd(c('MOVE'), key, db) },
  { weight: 2, arbitrary: cmd(c('SELECT'), db) },
  { weight: 1, arbitrary: cmd(c('SWAPDB'), db, db) },
  { weight: 1, arbitrary: cmd(c('MSET'), fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 3 }).map((p) => p.flat())) },
  { weight: 1, arbitrary: cmd(c('MSETNX'), fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 3 }).map((p) => p.flat())) },
  { weight: 1, arbitrary: cmd(c('MGET'), fc.array(key, { minLength: 1, maxLength: 4 })) },
  {
    weight: 2,
    arbitrary: cmd(
      c('GETEX'),
      key,
      fc.oneof(
        fc.constant<Arg[]>([]),
        fc.constant<Arg[]>(['PERSIST']),
        seconds.map((s): Arg[] => ['EX', s]),
        milliseconds.map((ms): Arg[] => ['PX', ms]),
        fc.constantFrom(...ABSOLUTE_SECONDS).map((s): Arg[] => ['EXAT', s]),
      ),
    ),
  },
  { weight: 1, arbitrary: cmd(c('GETDEL'), key) },
  { weight: 1, arbitrary: cmd(c('GETSET'), key, value) },
  { weight: 1, arbitrary: cmd(fc.constantFrom('SETNX'), key, value) },
  { weight: 1, arbitrary: cmd(fc.constantFrom('SETEX'), key, seconds, value) },
  { weight: 1, arbitrary: cmd(fc.constantFrom('PSETEX'), key, milliseconds, value) },
  { weight: 2, arbitrary: cmd(c('TYPE'), key) },
  { weight: 1, arbitrary: cmd(c('OBJECT'), c('ENCODING'), key) },
  { weight: 1, arbitrary: cmd(c('TOUCH'), fc.array(key, { minLength: 1, maxLength: 3 })) },
  { weight: 1, arbitrary: fc.constant<Arg[]>(['DBSIZE']) },
  { weight: 1, arbitrary: fc.constant<Arg[]>(['KEYS', '*']) },
  { weight: 1, arbitrary: fc.constantFrom<Arg[]>(['FLUSHDB'], ['FLUSHDB', 'ASYNC'], ['FLUSHALL', 'SYNC']) },
);

/** Turns placeholders into numbers: each command index gets its own 2-second offset. */
function materialize(commands: Arg[][]): string[][] {
  return commands.map((args, i) =>
    args.map((arg) => {
      if (typeof arg === 'string') return arg;
      const secondsValue = arg.baseSeconds + 2 * (i + 1);
      return arg.unit === 's' ? String(secondsValue) : String(secondsValue * 1000);
    }),
  );
}

const TOLERANCE = new Map([
  ['TTL', 2],
  ['EXPIRETIME', 2],
  ['PTTL', 2000],
  ['PEXPIRETIME', 2000],
]);

function assertSameReply(commandArgs: string[], expected: string, actual: string, label: string): void {
  const tolerance = TOLERANCE.get((commandArgs[0] ?? '').toUpperCase());
  const numbers = [expected, actual].map((r) => (/^:(\d+)\r\n$/.exec(r) ? Number(r.slice(1, -2)) : null));
  const [e, a] = numbers;
  if (tolerance !== undefined && e !== null && a !== null && e !== undefined && a !== undefined && e > 0) {
    assert.ok(Math.abs(e - a) <= tolerance, `${label}: ${JSON.stringify(commandArgs)} redis ${e} vesta ${a}`);
    return;
  }
  assert.equal(actual, expected, `${label}: reply to ${JSON.stringify(commandArgs)}`);
}

function sortKeysReply(commandArgs: string[], reply: string): string {
  if ((commandArgs[0] ?? '').toUpperCase() !== 'KEYS') return reply;
  const items: string[] = [];
  let pos = reply.indexOf('\r\n') + 2;
  while (pos < reply.length) {
    const lineEnd = reply.indexOf('\r\n', pos);
    const len = Number(reply.slice(pos + 1, lineEnd));
    items.push(reply.slice(pos, lineEnd + 2 + len + 2));
    pos = lineEnd + 2 + len + 2;
  }
  return reply.slice(0, reply.indexOf('\r\n') + 2) + items.sort().join('');
}

for (const protocol of [2, 3] as const) {
  test(`random string/key/expiry sequences (RESP${protocol})`, async (t) => {
    if (!requireRedis(t)) return;
    if (redis === null || vesta === null) throw new Error('servers not started');
    const [redisClient, vestaClient] = await Promise.all([redis.client(), vesta.client()]);
    try {
      for (const client of [redisClient, vestaClient]) {
        const hello = await client.call('HELLO', protocol);
        assert.ok(!hello.startsWith('-'), hello);
      }
      const started = Date.now();
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (generated) => {
          runs++;
          const commands = [['FLUSHALL'], ['SELECT', '0'], ...materialize(generated)];
          const [expected, actual] = await Promise.all([
            redisClient.pipeline(commands),
            vestaClient.pipeline(commands),
          ]);
          for (let i = 0; i < commands.length; i++) {
            const args = commands[i] as string[];
            assertSameReply(
              args,
              sortKeysReply(args, expected[i] as string),
              sortKeysReply(args, actual[i] as string),
              `RESP${protocol} command ${i}`,
            );
          }
        }),
        { numRuns: RUNS_PER_PROTOCOL, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
      );
      console.log(`# RESP${protocol}: ${runs} sequences in ${Date.now() - started} ms`);
    } finally {
      redisClient.close();
      vestaClient.close();
    }
  });
}
