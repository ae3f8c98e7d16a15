// INFO commandstats (calls, rejected_calls, failed_calls), INFO errorstats, total_error_replies
// and the per-command latency histograms (LATENCY HISTOGRAM calls, INFO latencystats) after the
// same commands on redis-server 7.0 and on Vesta: MULTI/EXEC (errors at queueing, EXECABORT,
// errors of the commands EXEC runs, EXEC itself), scripts passing on their commands' errors,
// error codes, and blocking commands that are served, time out, or are ended by CLIENT UNBLOCK.
// Times differ between servers: usec fields and histogram buckets are left out, counts compared.

import { blockingServers, type Run, scenario } from '../helpers/blocking-run.js';

blockingServers();

/** What the control connection's own commands add to the stats: left out of the comparison. */
const CONTROL = /^cmdstat_(info|flushall|config\|resetstat|config\|set|latency\|histogram|client\|id):/;

/** Starts from zeroed stats (the scenario has flushed the keyspace). */
async function resetStats(run: Run): Promise<void> {
  await run.quiet('__ctl', 'CONFIG', 'RESETSTAT');
}

/** The INFO lines of `section`, sorted (Redis lists them in hash order), usec fields removed. */
async function infoLines(run: Run, section: string): Promise<string[]> {
  const text = await run.quiet('__ctl', 'INFO', section);
  return text
    .split('\r\n')
    .filter((line) => line.includes(':') && !CONTROL.test(line))
    .map((line) => line.replace(/usec=\d+,usec_per_call=[\d.]+,/, '').replace(/=[\d.]+(,|$)/g, (m, end: string) =>
      section === 'latencystats' ? `=N${end}` : m))
    .sort();
}

/**
 * Logs the stats under "stats": commandstats, errorstats, total_error_replies, the commands with
 * latency percentiles, and the calls each named command's histogram holds.
 */
async function logStats(run: Run, histograms: string[] = []): Promise<void> {
  const lines = [
    ...(await infoLines(run, 'commandstats')),
    ...(await infoLines(run, 'errorstats')),
    ...(await infoLines(run, 'latencystats')),
  ];
  const stats = await run.quiet('__ctl', 'INFO', 'stats');
  lines.push(/total_error_replies:\d+/.exec(stats)?.[0] ?? 'no total_error_replies');
  for (const name of histograms) {
    const reply = await run.quiet('__ctl', 'LATENCY', 'HISTOGRAM', name);
    lines.push(`${name} histogram calls ${/calls\r\n:(\d+)/.exec(reply)?.[1] ?? 'none'}`);
  }
  run.log.set('stats', lines);
}

/** Sends each command from client "c", waiting for each reply (all logged). */
async function callAll(run: Run, commands: (string | number)[][]): Promise<void> {
  for (const command of commands) await run.call('c', ...command);
}

/** The client's id, as CLIENT UNBLOCK wants it. */
async function clientId(run: Run, name: string): Promise<string> {
  return (await run.quiet(name, 'CLIENT', 'ID')).slice(1, -2);
}

// ------------------------------------------------------------------ MULTI / EXEC

scenario('MULTI/EXEC: errors at queueing, EXECABORT and errors inside EXEC', async (run) => {
  await resetStats(run);
  await callAll(run, [
    ['SET', 'a', 'x'],
    // Queued-time errors: arity, unknown command; EXEC aborts.
    ['MULTI'], ['SET', 'a'], ['NOSUCH'], ['EXEC'],
    // Errors of the commands EXEC runs are theirs: EXEC does not fail, whichever comes last.
    ['MULTI'], ['INCR', 'a'], ['SET', 'b', '1'], ['EXEC'],
    ['MULTI'], ['SET', 'b', '1'], ['INCR', 'a'], ['LPUSH', 'a', 'x'], ['EXEC'],
    // EXEC and DISCARD without MULTI, MULTI in MULTI, WATCH in MULTI.
    ['EXEC'], ['DISCARD'], ['MULTI'], ['MULTI'], ['WATCH', 'a'], ['DISCARD'],
    // A transaction aborted by WATCH replies a null array: no error.
    ['WATCH', 'a'], ['SET', 'a', 'y'], ['MULTI'], ['INCR', 'a'], ['EXEC'],
    // A rejected command is counted once, and the next command is not charged with its error.
    ['GET'], ['PING'],
  ]);
  await logStats(run);
});

scenario('MULTI/EXEC: refused by ACL and by OOM while queueing', async (run) => {
  await resetStats(run);
  await callAll(run, [
    ['ACL', 'SETUSER', 'limited', 'on', 'nopass', '+@all', '-get', '~*'],
    ['AUTH', 'limited', 'x'],
    ['MULTI'], ['GET', 'a'], ['SET', 'a', '1'], ['EXEC'],
    ['AUTH', 'default', 'x'],
    ['CONFIG', 'SET', 'maxmemory', '1'],
    ['MULTI'], ['SET', 'a', '1'], ['GET', 'a'], ['EXEC'],
    ['CONFIG', 'SET', 'maxmemory', '0'],
    ['ACL', 'DELUSER', 'limited'],
  ]);
  await logStats(run);
});

scenario('MULTI/EXEC: a script inside EXEC returning its command\'s error', async (run) => {
  await resetStats(run);
  await callAll(run, [
    ['SET', 'a', 'x'],
    ['MULTI'], ['EVAL', "return redis.pcall('incr', 'a')", '0'], ['EXEC'],
  ]);
  await logStats(run);
});

// ------------------------------------------------------------------ scripts and error codes

scenario('scripts: an error passed on from redis.call/pcall is counted once', async (run) => {
  await resetStats(run);
  await callAll(run, [
    ['SET', 'a', 'x'],
    ['EVAL', "redis.call('incr', 'a')", '0'],
    ['EVAL', "return redis.pcall('incr', 'a')", '0'],
    ['EVAL', "redis.pcall('incr', 'a'); return 1", '0'],
    ['EVAL', "error(redis.pcall('lpush', 'a', 'x'))", '0'],
    ['EVAL', "redis.call('nosuch')", '0'],
    ['EVAL', "redis.call('get')", '0'],
    ['EVAL', 'redis.call()', '0'],
    ['EVAL', "error('plain')", '0'],
    ['EVAL', "return redis.error_reply('MY own error')", '0'],
  ]);
  await logStats(run);
});

scenario('errorstats: a code is the first word when it ends within 31 bytes, else ERR', async (run) => {
  await resetStats(run);
  await callAll(run, [
    ['EVAL', "return {err='NOSPACE'}", '0'],
    ['EVAL', `return {err='${'A'.repeat(30)} thirty'}`, '0'],
    ['EVAL', `return {err='${'B'.repeat(31)} thirty-one'}`, '0'],
    ['EVAL', `return {err='${'C'.repeat(40)} forty'}`, '0'],
  ]);
  await logStats(run);
});

// ------------------------------------------------------------------ blocking commands

const BLOCKING = ['blpop', 'brpop', 'blmove', 'blmpop', 'bzpopmin', 'bzmpop', 'xread', 'xreadgroup', 'wait'];

scenario('latencystats: blocking commands are recorded when served, not when they time out', async (run) => {
  await resetStats(run);
  const served: [string, (string | number)[], (string | number)[]][] = [
    ['c1', ['BLPOP', 'l1', 0], ['RPUSH', 'l1', 'x']],
    ['c2', ['BRPOP', 'l0', 'l2', 0], ['RPUSH', 'l2', 'x']],
    ['c3', ['BLMOVE', 'l3', 'd', 'LEFT', 'RIGHT', 0], ['RPUSH', 'l3', 'x']],
    ['c4', ['BLMPOP', 0, 1, 'l4', 'LEFT'], ['RPUSH', 'l4', 'x']],
    ['c5', ['BZPOPMIN', 'z5', 0], ['ZADD', 'z5', 1, 'm']],
    ['c6', ['BZMPOP', 0, 1, 'z6', 'MIN'], ['ZADD', 'z6', 1, 'm']],
    ['c7', ['XREAD', 'BLOCK', 0, 'STREAMS', 's7', '$'], ['XADD', 's7', '1-1', 'f', 'v']],
  ];
  for (const [name, block, serve] of served) {
    await run.send(name, ...block);
    await run.waitBlocked(1);
    await run.call('p', ...serve);
    await run.waitBlocked(0);
  }
  await run.call('t', 'BLPOP', 'none', '0.01');
  await run.call('t', 'BZPOPMIN', 'none', '0.01');
  await run.call('t', 'XREAD', 'BLOCK', 10, 'STREAMS', 's7', '$');
  await run.call('t', 'WAIT', 1, 10);
  await run.call('t', 'WAIT', 0, 0);
  await logStats(run, BLOCKING);
});

scenario('latencystats and failed_calls: CLIENT UNBLOCK, with TIMEOUT or ERROR', async (run) => {
  await resetStats(run);
  const id = await clientId(run, 'b');
  for (const [block, reason] of [[['BLPOP', 'l', 0], 'TIMEOUT'], [['BRPOP', 'l', 0], 'ERROR'],
    [['WAIT', 1, 0], 'TIMEOUT'], [['XREAD', 'BLOCK', 0, 'STREAMS', 's', '$'], 'ERROR']] as const) {
    await run.call('p', 'SET', 'w', '1');
    await run.send('b', ...block);
    await run.waitBlocked(1);
    await run.call('p', 'CLIENT', 'UNBLOCK', id, reason);
    await run.waitBlocked(0);
  }
  await logStats(run, BLOCKING);
});

scenario('failed_calls: a blocked XREADGROUP whose group is destroyed', async (run) => {
  await resetStats(run);
  await run.call('p', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  await run.send('b', 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 's', '>');
  await run.waitBlocked(1);
  await run.call('p', 'XGROUP', 'DESTROY', 's', 'g');
  await run.waitBlocked(0);
  // The NOGROUP error was the XREADGROUP's: PING after it has not failed.
  await run.call('p', 'PING');
  await logStats(run, ['xreadgroup']);
});

scenario('latencystats: a blocked client killed, and latency-tracking switched while blocked', async (run) => {
  await resetStats(run);
  const id = await clientId(run, 'k');
  await run.send('k', 'BLPOP', 'l', 0);
  await run.waitBlocked(1);
  await run.call('p', 'CLIENT', 'KILL', 'ID', id);
  await run.waitBlocked(0);
  await run.quiet('__ctl', 'CONFIG', 'SET', 'latency-tracking', 'no');
  await run.send('b', 'BRPOP', 'l', 0);
  await run.waitBlocked(1);
  await run.quiet('__ctl', 'CONFIG', 'SET', 'latency-tracking', 'yes');
  await run.call('p', 'RPUSH', 'l', 'x');
  await run.waitBlocked(0);
  await run.quiet('__ctl', 'CONFIG', 'SET', 'latency-tracking', 'no');
  await run.send('b', 'BLMOVE', 'l', 'd', 'LEFT', 'LEFT', 0);
  await run.waitBlocked(1);
  await run.call('p', 'RPUSH', 'l', 'x');
  await run.waitBlocked(0);
  await run.quiet('__ctl', 'CONFIG', 'SET', 'latency-tracking', 'yes');
  await logStats(run, ['blpop', 'brpop', 'blmove']);
});
