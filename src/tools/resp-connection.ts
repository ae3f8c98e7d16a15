// A minimal RESP2 client for the operator tools (vesta-backup): one connection, one command at
// a time, replies parsed into plain values. It speaks to Vesta and to Redis alike and never
// pipelines. Bounded: a reply larger than REPLY_BYTES_MAX is refused, every call has a timeout.
// Redis equivalent: the hiredis use inside redis-cli (RESP2 only here).

import { connect, type Socket } from 'node:net';
import { ToolError } from './tool-error.js';

/** A RESP2 reply: status and bulk strings, integers, null, arrays, and errors as values. */
export type RespValue = string | number | null | RespValue[] | RespError;

export class RespError {
  readonly message: string;

  constructor(message: string) {
    this.message = message;
  }
}

/** INFO and CONFIG GET replies are small; 64 MiB leaves room for huge INFO keyspace sections. */
const REPLY_BYTES_MAX = 64 * 1024 * 1024;

export class RespConnection {
  readonly #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #waiter: (() => void) | null = null;
  #closedError: Error | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('error', (error: Error) => {
      this.#closedError = error;
      this.#wake();
    });
    socket.on('close', () => {
      this.#closedError ??= new Error('connection closed by the server');
      this.#wake();
    });
  }

  /** Connects to host:port or throws ToolError naming the address. */
  static async open(host: string, port: number, timeoutMs: number): Promise<RespConnection> {
    const socket = connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ToolError(`cannot connect to ${host}:${port}: timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error: Error) => {
        clearTimeout(timer);
        reject(new ToolError(`cannot connect to ${host}:${port}: ${error.message}`));
      });
    });
    socket.setNoDelay(true);
    return new RespConnection(socket);
  }

  /** Sends one command and returns its reply (errors come back as RespError values). */
  async call(args: readonly string[], timeoutMs = 30_000): Promise<RespValue> {
    let frame = `*${args.length}\r\n`;
    for (const arg of args) frame += `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`;
    this.#socket.write(frame, 'latin1');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseReply(this.#buffer, 0);
      if (parsed !== null) {
        this.#buffer = this.#buffer.subarray(parsed.end);
        return parsed.value;
      }
      if (this.#buffer.length > REPLY_BYTES_MAX) throw new ToolError('reply too large');
      if (this.#closedError !== null) {
        throw new ToolError(`lost the connection: ${this.#closedError.message}`);
      }
      if (Date.now() >= deadline) throw new ToolError(`no reply to ${args[0] ?? ''} in time`);
      await this.#wait(deadline - Date.now());
    }
  }

  /** Like call(), but a RespError reply becomes a ToolError with the server's text. */
  async callOk(args: readonly string[]): Promise<RespValue> {
    const reply = await this.call(args);
    if (reply instanceof RespError) {
      throw new ToolError(`${args.join(' ').slice(0, 40)}: the server replied ${reply.message}`);
    }
    return reply;
  }

  close(): void {
    this.#socket.destroy();
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = null;
        resolve();
      }, Math.max(1, ms));
      this.#waiter = () => {
        clearTimeout(timer);
        this.#waiter = null;
        resolve();
      };
    });
  }

  #wake(): void {
    this.#waiter?.();
  }
}

/**
 * Parses one reply starting at `at`; null when more bytes are needed. Arrays nest only as deep
 * as the reply does; the tools only send commands whose replies are at most two levels deep.
 */
function parseReply(data: Buffer, at: number): { value: RespValue; end: number } | null {
  const lineEnd = data.indexOf('\r\n', at, 'latin1');
  if (lineEnd < 0) return null;
  const line = data.toString('latin1', at + 1, lineEnd);
  const next = lineEnd + 2;
  switch (data[at]) {
    case 0x2b: // '+'
      return { value: line, end: next };
    case 0x2d: // '-'
      return { value: new RespError(line), end: next };
    case 0x3a: // ':'
      return { value: Number(line), end: next };
    case 0x24: { // '$'
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (data.length < next + length + 2) return null;
      return { value: data.toString('latin1', next, next + length), end: next + length + 2 };
    }
    case 0x2a: { // '*'
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(data, end);
        if (item === null) return null;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new ToolError(`unexpected reply byte 0x${(data[at] ?? 0).toString(16)} (not RESP2)`);
  }
}

/** The fields of an INFO reply ("name:value" lines) as a map. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}
