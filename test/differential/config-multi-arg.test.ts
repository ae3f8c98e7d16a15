// A multi-argument directive given its arguments as one word: `save "3600 1 300 100"` in a config
// file, `--save "3600 1"` on the command line, `CONFIG SET save "3600 1"`. Redis 7.0 splits the
// word again (a config line with quotes, a CONFIG SET value at single spaces); Vesta must read
// the same values and refuse the same texts. Compared with redis-server 7.0 started the same way.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { same, startPair, type Pair } from '../helpers/differential.js';
import { requireRedis, tempDir } from '../helpers/servers.js';

const MULTI = [
  'save', 'client-output-buffer-limit', 'oom-score-adj-values', 'latency-tracking-info-percentiles', 'bind',
  'shutdown-on-sigint', 'shutdown-on-sigterm',
];

async function pairWith(configText: string, args: string[]): Promise<Pair> {
  const dir = tempDir('vesta-multi-');
  const configFile = join(dir, 'multi.conf');
  writeFileSync(configFile, configText);
  // startPair appends --bind 127.0.0.1 after the file; bind is checked from the file alone below.
  return startPair({ configFile, args });
}

test('one-word multi-argument directives in a config file and on the command line', async (t) => {
  if (!requireRedis(t)) return;
  const configText = [
    'save "3600 1 300 100"',
    'client-output-buffer-limit "normal 1mb 2mb 60 replica 256mb 64mb 60"',
    "oom-score-adj-values '0  \"200\" 800'",
    'latency-tracking-info-percentiles "50 99.5"',
    'save " "',
    'shutdown-on-sigint "nosave  now"',
    'shutdown-on-sigterm force NOW save',
    '',
  ].join('\n');
  const pair = await pairWith(configText, [
    '--save', '10 2  20 3',
    '--client-output-buffer-limit', 'pubsub 1mb 2mb 3',
    '--latency-tracking-info-percentiles', '90',
  ]);
  try {
    for (const name of MULTI) await same(pair, [['CONFIG', 'GET', name]], name);
    const save = await pair.vestaClient.call('CONFIG', 'GET', 'save');
    // The harness's own `--save ""` comes after the file, so only the command line's points remain.
    assert.match(save, /\$9\r\n10 2 20 3\r\n/, 'the command line splits');
  } finally {
    await pair.stop();
  }
});

test('CONFIG SET of a multi-argument directive splits at single spaces', async (t) => {
  if (!requireRedis(t)) return;
  const pair = await startPair();
  try {
    const values = ['3600 1 300 100', '1 2  3 4', ' ', '', '5 6', '"1" 2', '1 2 '];
    for (const value of values) {
      await same(pair, [['CONFIG', 'SET', 'save', value], ['CONFIG', 'GET', 'save']], `save ${JSON.stringify(value)}`);
    }
    for (const value of ['0 200 800', '0  1 2', '"0" 1 2', '1 2', '10 20 30']) {
      await same(pair, [['CONFIG', 'SET', 'oom-score-adj-values', value], ['CONFIG', 'GET', 'oom-score-adj-values']], value);
    }
    for (const value of ['normal 1mb 2mb 60', 'normal 1mb 2mb  60', 'pubsub 1mb 2mb 3 normal 0 0 0', 'normal 1 2']) {
      const cob = 'client-output-buffer-limit';
      await same(pair, [['CONFIG', 'SET', cob, value], ['CONFIG', 'GET', cob]], value);
    }
    // shutdown-on-sigint is a set of flags: any order and case, kept in Redis's order.
    for (const value of ['nosave now', 'now nosave', 'force now save', 'default', 'default force', 'NOSAVE',
      'now now', '', ' ', 'now  nosave', 'save nosave', 'later', 'default default']) {
      for (const name of ['shutdown-on-sigint', 'shutdown-on-sigterm']) {
        await same(pair, [['CONFIG', 'SET', name, value], ['CONFIG', 'GET', name]], `${name} ${JSON.stringify(value)}`);
      }
    }
    for (const value of ['50 99', '50  99', '', '99.9']) {
      const name = 'latency-tracking-info-percentiles';
      await same(pair, [['CONFIG', 'SET', name, value], ['CONFIG', 'GET', name]], value);
    }
  } finally {
    await pair.stop();
  }
});

test('lua-time-limit is another name of busy-reply-threshold, as in Redis 7.0', async (t) => {
  if (!requireRedis(t)) return;
  const pair = await startPair({ args: ['--lua-time-limit', '1234'] });
  try {
    await same(pair, [['CONFIG', 'GET', 'busy-reply-threshold'], ['CONFIG', 'GET', 'lua-time-limit'],
      ['CONFIG', 'SET', 'lua-time-limit', '77'], ['CONFIG', 'GET', 'busy-reply-threshold'],
      ['CONFIG', 'SET', 'busy-reply-threshold', '88'], ['CONFIG', 'GET', 'lua-time-limit']], 'alias');
  } finally {
    await pair.stop();
  }
});
