// CLIENT REPLY ON|OFF|SKIP against redis-server 7.0, RESP2 and RESP3: which replies are dropped
// (OFF until ON, SKIP for exactly one command, even a refused, empty, queued or blocked one,
// OFF inside EXEC from there on) and which are not (subscribe confirmations and pub/sub
// messages are pushes and always go out). Issue 17 item 5: CLIENT REPLY was a silent no-op
// answering +OK.

import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { sharedServers } from '../helpers/differential.js';
import { encodeCommand } from '../helpers/resp-client.js';
import { requireRedis, type RunningServer } from '../helpers/servers.js';

const servers = sharedServers();

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.removeListener('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A connection whose received bytes are taken step by step. */
const END = '__end__';

interface Collector {
  socket: Socket;
  /** What arrived until the connection was quiet, after at least `minBytes` arrived (10 s cap). */
  take(minBytes?: number): Promise<string>;
  until(end: string): Promise<string>;
}

async function collector(port: number, quietMs = 100): Promise<Collector> {
  const socket = await openSocket(port);
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  return {
    socket,
    until: async (end) => {
      const deadline = Date.now() + 10_000;
      while (!data.endsWith(end) && Date.now() < deadline) await sleep(10);
      return data;
    },
    // Replies that do not come cannot be awaited: wait until the connection has been quiet
    // (long enough for a loaded machine: a late reply shows up as a difference, not a pass).
    take: async (minBytes = 0) => {
      const deadline = Date.now() + 10_000;
      while (data.length < minBytes && Date.now() < deadline) await sleep(10);
      let seen = -1;
      while (seen !== data.length) {
        seen = data.length;
        await sleep(quietMs);
      }
      const out = data;
      data = '';
      return out;
    },
  };
}

const mask = (text: string): string => text.replace(/\$2\r\nid\r\n:\d+\r\n/, 'ID');

/** Raw requests on one connection; what each server answered, compared. */
const RAW: Record<string, string> = {
  'OFF then ON': 'CLIENT REPLY OFF\r\nPING\r\nSET k v\r\nGET k\r\nCLIENT REPLY ON\r\nGET k\r\nDEL k\r\n',
  'SKIP covers one command': 'CLIENT REPLY SKIP\r\nPING\r\nECHO a\r\n',
  'SKIP then SKIP': 'CLIENT REPLY SKIP\r\nCLIENT REPLY SKIP\r\nPING\r\nECHO a\r\n',
  'SKIP consumed by an empty line': 'CLIENT REPLY SKIP\r\n\r\nPING\r\nECHO a\r\n',
  'SKIP consumed by *0': 'CLIENT REPLY SKIP\r\n*0\r\nPING\r\nECHO a\r\n',
  'SKIP consumed by an unknown command': 'CLIENT REPLY SKIP\r\nNOSUCH\r\nPING\r\n',
  'SKIP consumed by an arity error': 'CLIENT REPLY SKIP\r\nGET\r\nPING\r\n',
  'SKIP under OFF is ignored': 'CLIENT REPLY OFF\r\nCLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\nPING\r\n',
  'OFF with a blocking command that times out': 'CLIENT REPLY OFF\r\nBLPOP nokey 0.1\r\nCLIENT REPLY ON\r\nPING\r\n',
  'SKIP with a blocking command that times out': 'CLIENT REPLY SKIP\r\nBLPOP nokey 0.1\r\nPING\r\n',
  'RESET turns replies back on': 'CLIENT REPLY OFF\r\nRESET\r\nPING\r\n',
  'OFF inside EXEC silences the rest': 'MULTI\r\nCLIENT REPLY OFF\r\nPING\r\nEXEC\r\nPING\r\nCLIENT REPLY ON\r\n',
  'SKIP before MULTI': 'CLIENT REPLY SKIP\r\nMULTI\r\nPING\r\nEXEC\r\n',
  'bad mode': 'CLIENT REPLY MAYBE\r\nCLIENT REPLY\r\n',
  'errors still count while silenced': 'CONFIG RESETSTAT\r\nCLIENT REPLY OFF\r\nNOSUCH\r\nINCR\r\nCLIENT REPLY ON\r\nINFO errorstats\r\n',
};

for (const resp of [2, 3]) {
  for (const [name, bytes] of Object.entries(RAW)) {
    test(`CLIENT REPLY: ${name} (RESP${resp})`, async (t) => {
      if (!requireRedis(t)) return;
      const replies = await Promise.all([servers().redis, servers().vesta].map(async (server) => {
        const c = await collector(server.port);
        // Ends with replies on and a marker, so the whole answer can be awaited.
        c.socket.write(`HELLO ${resp}\r\n${bytes}CLIENT REPLY ON\r\nECHO ${END}\r\n`, 'latin1');
        const out = mask(await c.until(`$${END.length}\r\n${END}\r\n`));
        c.socket.destroy();
        return out;
      }));
      assert.equal(replies[1], replies[0]);
    });
  }
}

/** Subscriber steps: a command to the subscriber, or a PUBLISH from another connection. */
const SUBSCRIBER_STEPS: (string[] | 'publish')[] = [
  ['SUBSCRIBE', 'ch', 'ch2'],
  'publish',
  ['PSUBSCRIBE', 'c*'],
  'publish',
  ['PING'],
  ['UNSUBSCRIBE', 'ch'],
  'publish',
  ['CLIENT', 'REPLY', 'ON'],
  ['PING'],
  'publish',
  ['PUNSUBSCRIBE'],
  ['UNSUBSCRIBE'],
  ['CLIENT', 'REPLY', 'ON'],
  ['PING'],
];

for (const resp of [2, 3]) {
  for (const mode of ['OFF', 'SKIP']) {
    test(`CLIENT REPLY ${mode} keeps subscribe confirmations and messages (RESP${resp})`, async (t) => {
      if (!requireRedis(t)) return;
      // Redis first, then Vesta expecting at least as many bytes per step as Redis sent: a
      // reply late on a loaded machine is waited for, an extra one still shows after the quiet.
      const run = async (server: RunningServer, expected: number[] | null): Promise<{ transcript: string[]; sizes: number[] }> => {
        const subscriber = await collector(server.port);
        const publisher = await collector(server.port);
        subscriber.socket.write(encodeCommand(['HELLO', String(resp)]) + encodeCommand(['CLIENT', 'REPLY', mode]));
        const sizes: number[] = [];
        const first = await subscriber.take(); // HELLO's reply holds the client id: sizes differ
        sizes.push(first.length);
        const transcript: string[] = [mask(first)];
        for (const step of SUBSCRIBER_STEPS) {
          if (step === 'publish') {
            publisher.socket.write(encodeCommand(['PUBLISH', 'ch', 'm']));
            await publisher.until('\r\n');
          } else {
            subscriber.socket.write(encodeCommand(step));
          }
          const got = await subscriber.take(expected?.[sizes.length]);
          sizes.push(got.length);
          transcript.push(`${String(step)} -> ${got}`);
        }
        subscriber.socket.destroy();
        publisher.socket.destroy();
        return { transcript, sizes };
      };
      const fromRedis = await run(servers().redis, null);
      const fromVesta = await run(servers().vesta, fromRedis.sizes);
      const transcripts = [fromRedis.transcript, fromVesta.transcript];
      const [redis, vesta] = transcripts as [string[], string[]];
      // The oracle shows what the test is about: messages do arrive while replies are off.
      assert.ok(redis.some((line) => line.startsWith('publish -> ') && line.includes('message')));
      assert.deepEqual(vesta, redis);
    });
  }
}
