// A raw RESP client for tests: sends commands as multibulk and returns each reply's exact bytes
// (as a latin1 string), so differential tests compare Redis and Vesta byte for byte.

import { connect, type Socket } from 'node:net';

export class RespClient {
  readonly #socket: Socket;
  #buffer = '';
  #waiters: { resolve: (reply: string) => void; reject: (e: Error) => void }[] = [];
  #closed = false;
  /** Out-of-band RESP3 push messages received. */
  pushes: string[] = [];

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString('latin1');
      this.#drain();
    });
    socket.on('close', () => {
      this.#closed = true;
      for (const w of this.#waiters) w.reject(new Error('connection closed'));
      this.#waiters = [];
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.removeListener('error', reject);
        resolve(new RespClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one command; resolves with the raw reply bytes. */
  call(...args: (string | number)[]): Promise<string> {
    return new Promise((resolve, reject) => {
      // A command on a closed connection fails at once instead of waiting forever.
      if (this.#closed) return reject(new Error('connection closed'));
      this.#waiters.push({ resolve, reject });
      this.#socket.write(encodeCommand(args.map(String)), 'latin1');
    });
  }

  /** Sends raw bytes and waits for `replies` replies. */
  raw(bytes: string, replies: number): Promise<string[]> {
    if (this.#closed) return Promise.reject(new Error('connection closed'));
    const promises: Promise<string>[] = [];
    for (let i = 0; i < replies; i++) {
      promises.push(new Promise((resolve, reject) => this.#waiters.push({ resolve, reject })));
    }
    this.#socket.write(bytes, 'latin1');
    return Promise.all(promises);
  }

  /** Sends many commands in one write (a pipeline); resolves with every reply. */
  pipeline(commands: (string | number)[][]): Promise<string[]> {
    if (this.#closed) return Promise.reject(new Error('connection closed'));
    const promises: Promise<string>[] = [];
    let bytes = '';
    for (const cmd of commands) {
      bytes += encodeCommand(cmd.map(String));
      promises.push(new Promise((resolve, reject) => this.#waiters.push({ resolve, reject })));
    }
    this.#socket.write(bytes, 'latin1');
    return Promise.all(promises);
  }

  /** Waits for the next reply without sending anything (pub/sub messages, blocked pops). */
  next(): Promise<string> {
    if (this.#closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  close(): void {
    this.#socket.destroy();
  }

  #drain(): void {
    for (;;) {
      const end = replyEnd(this.#buffer, 0);
      if (end < 0) return;
      const reply = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end);
      if (reply.startsWith('>') && this.#waiters.length === 0) {
        this.pushes.push(reply);
        continue;
      }
      const waiter = this.#waiters.shift();
      if (waiter === undefined) this.pushes.push(reply);
      else waiter.resolve(reply);
    }
  }
}

export function encodeCommand(args: string[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/** Index just past the complete RESP value starting at `pos`, or -1 if incomplete. */
export function replyEnd(text: string, pos: number): number {
  const lineEnd = text.indexOf('\r\n', pos);
  if (lineEnd < 0) return -1;
  const type = text[pos];
  const header = text.slice(pos + 1, lineEnd);
  let next = lineEnd + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return next;
    case '$':
    case '=':
    case '!': {
      const len = Number(header);
      if (len < 0) return next;
      if (text.length < next + len + 2) return -1;
      return next + len + 2;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const n = Number(header);
      if (n < 0) return next;
      const count = type === '%' || type === '|' ? n * 2 : n;
      for (let i = 0; i < count; i++) {
        next = replyEnd(text, next);
        if (next < 0) return -1;
      }
      return next;
    }
    default:
      throw new Error(`bad RESP type byte ${JSON.stringify(type)} in ${JSON.stringify(text.slice(pos, pos + 40))}`);
  }
}

/** Parses raw reply bytes into JS values (for assertions that need structure). */
export function parseReply(text: string): unknown {
  const [value] = parseAt(text, 0);
  return value;
}

function parseAt(text: string, pos: number): [unknown, number] {
  const lineEnd = text.indexOf('\r\n', pos);
  const type = text[pos];
  const header = text.slice(pos + 1, lineEnd);
  let next = lineEnd + 2;
  switch (type) {
    case '+':
      return [header, next];
    case '-':
      return [new Error(header), next];
    case ':':
      return [Number(header), next];
    case '_':
      return [null, next];
    case ',':
      return [Number(header === 'inf' ? Infinity : header === '-inf' ? -Infinity : header), next];
    case '#':
      return [header === 't', next];
    case '$':
    case '=': {
      const len = Number(header);
      if (len < 0) return [null, next];
      return [text.slice(next, next + len), next + len + 2];
    }
    default: {
      const n = Number(header);
      if (n < 0) return [null, next];
      const count = type === '%' ? n * 2 : n;
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) {
        const [v, after] = parseAt(text, next);
        items.push(v);
        next = after;
      }
      return [items, next];
    }
  }
}
