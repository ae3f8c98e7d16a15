// Blocking XREAD and XREADGROUP with several clients, the same scenario against redis-server 7.0
// and Vesta, every client's replies compared: serving on XADD (all XREAD waiters, one group
// consumer per new entry), several keys, `$` and `>`, NOACK, timeouts in RESP2/RESP3, MULTI,
// CLIENT UNBLOCK, and the errors Redis gives when the group or the key goes away.

import { blockingServers, scenario } from './helpers/blocking-run.js';

blockingServers();

scenario('XREAD BLOCK: every waiter gets the new entry', async (run) => {
  await run.call('p', 'XADD', 's', '1-1', 'a', '1');
  for (const [i, name] of ['c1', 'c2', 'c3'].entries()) {
    await run.send(name, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    await run.waitBlocked(i + 1);
  }
  await run.call('p', 'XADD', 's', '2-1', 'b', '2');
  await run.waitBlocked(0);
  await run.send('c1', 'XREAD', 'BLOCK', '0', 'COUNT', '1', 'STREAMS', 'x', 's', '$', '1-1');
  await run.waitBlocked(0);
});

scenario('XREAD BLOCK on several keys, served by the key that gets an entry', async (run) => {
  await run.send('c1', 'XREAD', 'BLOCK', '0', 'STREAMS', 'a', 'b', '$', '$');
  await run.waitBlocked(1);
  await run.call('p', 'XADD', 'b', '5-1', 'f', 'v');
  await run.waitBlocked(0);
  await run.send('c1', 'XREAD', 'BLOCK', '0', 'STREAMS', 'a', 'b', '0', '5-1');
  await run.waitBlocked(1);
  await run.call('p', 'XADD', 'a', '1-1', 'f', 'v');
  await run.waitBlocked(0);
});

scenario('XREAD BLOCK ignores writes that add nothing new and keeps waiting through DEL', async (run) => {
  await run.call('p', 'XADD', 's', '5-1', 'a', '1');
  await run.send('c1', 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
  await run.waitBlocked(1);
  await run.call('p', 'XDEL', 's', '5-1');
  await run.call('p', 'XTRIM', 's', 'MAXLEN', '0');
  await run.call('p', 'DEL', 's');
  await run.waitBlocked(1);
  await run.call('p', 'XADD', 's', '1-1', 'b', '2');
  await run.waitBlocked(1);
  await run.call('p', 'XADD', 's', '6-1', 'c', '3');
  await run.waitBlocked(0);
});

scenario('XREADGROUP BLOCK: consumers share new entries, one each', async (run) => {
  await run.call('p', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  await run.send('c1', 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
  await run.waitBlocked(1);
  await run.send('c2', 'XREADGROUP', 'GROUP', 'g', 'bob', 'BLOCK', '0', 'COUNT', '5', 'STREAMS', 's', '>');
  await run.waitBlocked(2);
  await run.call('p', 'XADD', 's', '1-1', 'a', '1');
  await run.waitBlocked(1);
  await run.call('p', 'XADD', 's', '2-1', 'a', '2');
  await run.waitBlocked(0);
  await run.call('p', 'XPENDING', 's', 'g');
  await run.send('c1', 'XREADGROUP', 'GROUP', 'g', 'carol', 'NOACK', 'BLOCK', '0', 'STREAMS', 's', '>');
  await run.waitBlocked(1);
  await run.call('p', 'MULTI');
  await run.call('p', 'XADD', 's', '3-1', 'a', '3');
  await run.call('p', 'XADD', 's', '4-1', 'a', '4');
  await run.call('p', 'EXEC');
  await run.waitBlocked(0);
  await run.call('p', 'XPENDING', 's', 'g');
  await run.call('p', 'XINFO', 'GROUPS', 's');
});

scenario('XREADGROUP BLOCK: group destroyed, key deleted, key replaced', async (run) => {
  await run.call('p', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  await run.send('c1', 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
  await run.waitBlocked(1);
  await run.call('p', 'XGROUP', 'DESTROY', 's', 'g');
  await run.waitBlocked(0);
  await run.call('p', 'XGROUP', 'CREATE', 's', 'g', '$');
  await run.send('c1', 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
  await run.waitBlocked(1);
  await run.call('p', 'DEL', 's');
  await run.waitBlocked(0);
  await run.call('p', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  await run.send('c1', 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
  await run.waitBlocked(1);
  await run.call('p', 'SET', 's', 'now a string');
  await run.waitBlocked(0);
  await run.call('p', 'DEL', 's');
  await run.call('p', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  await run.send('c1', 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
  await run.waitBlocked(1);
  await run.call('p', 'XGROUP', 'CREATECONSUMER', 's', 'g', 'zed');
  await run.call('p', 'XGROUP', 'SETID', 's', 'g', '0');
  await run.waitBlocked(1);
  await run.call('p', 'XADD', 's', '1-1', 'a', '1');
  await run.waitBlocked(0);
});

scenario('timeouts reply a null array, in RESP2 and RESP3', async (run) => {
  await run.quiet('c3', 'HELLO', '3');
  await run.call('p', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  for (const name of ['c2', 'c3']) {
    await run.call(name, 'XREAD', 'BLOCK', '50', 'STREAMS', 's', '$');
    await run.call(name, 'XREAD', 'BLOCK', '30', 'STREAMS', 'nokey', '0');
    await run.call(name, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '30', 'STREAMS', 's', '>');
  }
  await run.call('p', 'XINFO', 'GROUPS', 's');
});

scenario('no blocking inside MULTI; CLIENT UNBLOCK with TIMEOUT and ERROR', async (run) => {
  await run.call('c1', 'MULTI');
  await run.call('c1', 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
  await run.call('c1', 'EXEC');
  const id = (await run.quiet('c1', 'CLIENT', 'ID')).slice(1, -2);
  await run.send('c1', 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
  await run.waitBlocked(1);
  await run.call('p', 'CLIENT', 'UNBLOCK', id);
  await run.waitBlocked(0);
  await run.call('p', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  await run.send('c1', 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
  await run.waitBlocked(1);
  await run.call('p', 'CLIENT', 'UNBLOCK', id, 'ERROR');
  await run.waitBlocked(0);
  await run.call('c1', 'PING');
});
