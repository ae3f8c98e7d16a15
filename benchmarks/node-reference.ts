// The reference Node server of issue 9: a minimal hand-written RESP server that knows only the
// commands the throughput workloads send (SET GET INCR LPUSH HSET, plus PING, FLUSHALL and
// CONFIG GET for redis-benchmark), keeps values as latin1 strings in a Map, and writes once per
// read event. With --appendonly yes it logs writes as RESP and honours appendfsync: always
// writes and fdatasyncs once per event-loop turn before any reply of that turn goes out (group
// commit, inline as Redis does), everysec fdatasyncs once a second off the main thread, no never.
// It has no expiry, no persistence hooks, no ACL, no latency tracking: the bench runs it beside
// Vesta so every throughput row shows what the bare runtime reaches on this machine at that
// moment. It is a yardstick, not a product: it lives in benchmarks/ and never in src/.
// Redis equivalent: none.

import { closeSync, fdatasync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';

const MAX_BULK = 512 * 1024 * 1024;

/** Buffer's latin1 slice without toString's encoding dispatch (not in @types/node). */
const latin1 = (b: Buffer, start: number, end: number): string =>
  (b as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);
const MAX_ARGS = 1024 * 1024;

interface Options {
  port: number;
  bind: string;
  dir: string;
  appendonly: boolean;
  appendfsync: 'always' | 'everysec' | 'no';
}

/** redis-server style `--name value` pairs; unknown ones are ignored (the bench passes Redis's). */
function parseOptions(argv: readonly string[]): Options {
  const get = (name: string, fallback: string): string => {
    const at = argv.lastIndexOf(`--${name}`); // later directives win, as in redis-server
    return at >= 0 && at + 1 < argv.length ? (argv[at + 1] as string) : fallback;
  };
  const fsync = get('appendfsync', 'everysec');
  if (fsync !== 'always' && fsync !== 'everysec' && fsync !== 'no') throw new Error(`appendfsync ${fsync}`);
  return {
    port: Number(get('port', '6379')),
    bind: get('bind', '127.0.0.1'),
    dir: get('dir', '.'),
    appendonly: get('appendonly', 'no') === 'yes',
    appendfsync: fsync,
  };
}

type Value = string | string[] | Map<string, string>;

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

class ReferenceServer {
  readonly #db = new Map<string, Value>();
  readonly #options: Options;
  readonly #fd: number;
  #aof = '';
  /** appendfsync always: replies of this turn, released after its write + fdatasync. */
  readonly #held: [Socket, string][] = [];
  #turnScheduled = false;
  #fsyncRunning = false;

  constructor(options: Options) {
    this.#options = options;
    this.#fd = options.appendonly ? openSync(join(options.dir, 'reference.aof'), 'a') : -1;
    if (options.appendonly && options.appendfsync === 'everysec') {
      setInterval(() => this.#fsyncInBackground(), 1000).unref();
    }
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
  }

  onData(socket: Socket, chunk: Buffer, leftover: Buffer | null): Buffer | null {
    const b = leftover === null ? chunk : Buffer.concat([leftover, chunk]);
    const n = b.length;
    let p = 0;
    let out = '';
    while (p < n) {
      const start = p;
      if (b[p] !== 0x2a) {
        socket.end(`-ERR Protocol error: expected '*', got '${String.fromCharCode(b[p] as number)}'\r\n`);
        return null;
      }
      let eol = b.indexOf(13, p);
      if (eol < 0 || eol + 1 >= n) return this.#reply(socket, out, b.subarray(start));
      const argc = Number(latin1(b, p + 1, eol));
      if (!Number.isInteger(argc) || argc < 1 || argc > MAX_ARGS) {
        socket.end('-ERR Protocol error: invalid multibulk length\r\n');
        return null;
      }
      p = eol + 2;
      const argv = new Array<string>(argc);
      for (let i = 0; i < argc; i++) {
        eol = p < n ? b.indexOf(13, p) : -1;
        if (eol < 0 || eol + 1 >= n) return this.#reply(socket, out, b.subarray(start));
        const len = Number(latin1(b, p + 1, eol));
        if (b[p] !== 0x24 || !Number.isInteger(len) || len < 0 || len > MAX_BULK) {
          socket.end('-ERR Protocol error: invalid bulk length\r\n');
          return null;
        }
        p = eol + 2;
        if (p + len + 2 > n) return this.#reply(socket, out, b.subarray(start));
        argv[i] = latin1(b, p, p + len);
        p += len + 2;
      }
      out += this.#execute(argv);
    }
    return this.#reply(socket, out, null);
  }

  /** One write per read event (held until the turn's fsync under always); returns the leftover. */
  #reply(socket: Socket, out: string, rest: Buffer | null): Buffer | null {
    if (out !== '') {
      if (this.#aof !== '' || this.#held.length > 0) {
        if (this.#options.appendfsync === 'always') this.#held.push([socket, out]);
        else socket.write(out, 'latin1');
        this.#scheduleTurnEnd();
      } else {
        socket.write(out, 'latin1');
      }
    }
    return rest === null ? null : Buffer.from(rest);
  }

  #scheduleTurnEnd(): void {
    if (this.#turnScheduled) return;
    this.#turnScheduled = true;
    setImmediate(() => {
      this.#turnScheduled = false;
      if (this.#aof !== '') {
        writeSync(this.#fd, this.#aof, null, 'latin1');
        this.#aof = '';
        if (this.#options.appendfsync === 'always') fdatasyncSync(this.#fd);
      }
      for (const [socket, out] of this.#held) socket.write(out, 'latin1');
      this.#held.length = 0;
    });
  }

  #fsyncInBackground(): void {
    if (this.#fsyncRunning) return;
    this.#fsyncRunning = true;
    fdatasync(this.#fd, () => (this.#fsyncRunning = false));
  }

  #log(argv: readonly string[]): void {
    if (this.#fd < 0) return;
    let text = `*${argv.length}\r\n`;
    for (const arg of argv) text += `$${arg.length}\r\n${arg}\r\n`;
    this.#aof += text;
  }

  #execute(argv: string[]): string {
    const name = (argv[0] as string).toLowerCase();
    switch (name) {
      case 'ping':
        return argv.length > 1 ? `$${(argv[1] as string).length}\r\n${argv[1] as string}\r\n` : '+PONG\r\n';
      case 'set': {
        if (argv.length !== 3) break;
        this.#db.set(argv[1] as string, argv[2] as string);
        this.#log(argv);
        return '+OK\r\n';
      }
      case 'get': {
        if (argv.length !== 2) break;
        const value = this.#db.get(argv[1] as string);
        if (value === undefined) return '$-1\r\n';
        if (typeof value !== 'string') return WRONGTYPE;
        return `$${value.length}\r\n${value}\r\n`;
      }
      case 'incr': {
        if (argv.length !== 2) break;
        const value = this.#db.get(argv[1] as string) ?? '0';
        if (typeof value !== 'string') return WRONGTYPE;
        const n = /^-?[1-9][0-9]{0,17}$|^0$/.test(value) ? Number(value) + 1 : Number.NaN;
        if (!Number.isSafeInteger(n)) return '-ERR value is not an integer or out of range\r\n';
        this.#db.set(argv[1] as string, String(n));
        this.#log(argv);
        return `:${n}\r\n`;
      }
      case 'lpush': {
        if (argv.length < 3) break;
        let list = this.#db.get(argv[1] as string);
        if (list === undefined) this.#db.set(argv[1] as string, (list = []));
        else if (!Array.isArray(list)) return WRONGTYPE;
        // Stored tail-first: pushing at the array's end is LPUSH's head.
        for (let i = 2; i < argv.length; i++) list.push(argv[i] as string);
        this.#log(argv);
        return `:${list.length}\r\n`;
      }
      case 'hset': {
        if (argv.length < 4 || argv.length % 2 !== 0) break;
        let hash = this.#db.get(argv[1] as string);
        if (hash === undefined) this.#db.set(argv[1] as string, (hash = new Map()));
        else if (!(hash instanceof Map)) return WRONGTYPE;
        let added = 0;
        for (let i = 2; i < argv.length; i += 2) {
          const before = hash.size;
          hash.set(argv[i] as string, argv[i + 1] as string);
          added += hash.size - before;
        }
        this.#log(argv);
        return `:${added}\r\n`;
      }
      case 'flushall':
        this.#db.clear();
        this.#log(['FLUSHALL']);
        return '+OK\r\n';
      case 'config': {
        // redis-benchmark asks for save and appendonly before it starts.
        if (argv.length !== 3 || (argv[1] as string).toLowerCase() !== 'get') break;
        const key = (argv[2] as string).toLowerCase();
        const value = key === 'save' ? '' : key === 'appendonly' ? (this.#options.appendonly ? 'yes' : 'no') : null;
        return value === null ? '*0\r\n' : `*2\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
      }
      default:
        return `-ERR unknown command '${argv[0] as string}'\r\n`;
    }
    return `-ERR wrong number of arguments for '${name}' command\r\n`;
  }
}

const options = parseOptions(process.argv.slice(2));
const server = new ReferenceServer(options);
const listener = createServer((socket) => {
  socket.setNoDelay(true);
  let leftover: Buffer | null = null;
  socket.on('data', (chunk: Buffer) => (leftover = server.onData(socket, chunk, leftover)));
  socket.on('error', () => socket.destroy());
});
listener.listen(options.port, options.bind);
const stop = (): void => {
  listener.close();
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
