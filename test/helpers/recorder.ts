// A raw connection that records every byte it receives, for tests where replies and
// out-of-band messages interleave (pub/sub, WATCH across clients). A step sends a command and
// then PING <token>: everything received up to the PING's reply belongs to that step, and any
// message another client's command caused has been written before it.

import { connect, type Socket } from 'node:net';
import { encodeCommand, replyEnd } from './resp-client.js';

export class Recorder {
  readonly #socket: Socket;
  #buffer = '';
  #wake: (() => void) | null = null;
  #closed = false;
  /** True while the connection is inside MULTI: a PING would only be queued there. */
  inMulti = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString('latin1');
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake?.();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<Recorder> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new Recorder(socket)));
      socket.once('error', reject);
    });
  }

  /**
   * Sends `args` (if any) and returns every byte received because of it. Outside MULTI that is
   * everything up to the reply of a PING <token> sent right after; inside MULTI (or for MULTI
   * itself) it is exactly one reply, since a PING would be queued.
   */
  async step(args: string[] | null, token: string): Promise<string> {
    const name = args?.[0]?.toUpperCase() ?? '';
    const single = args !== null && (this.inMulti || name === 'MULTI');
    if (name === 'EXEC' || name === 'DISCARD' || name === 'RESET') this.inMulti = false;
    if (args === null && this.inMulti) return '';
    let bytes = args === null ? '' : encodeCommand(args);
    if (!single) bytes += encodeCommand(['PING', token]);
    this.#socket.write(bytes, 'latin1');
    const marker = `${token}\r\n`;
    const deadline = Date.now() + 5000;
    for (;;) {
      const end = single ? replyEnd(this.#buffer, 0) : this.#markerEnd(marker);
      if (end > 0) {
        const out = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end);
        if (name === 'MULTI' && out === '+OK\r\n') this.inMulti = true;
        return out;
      }
      if (this.#closed) throw new Error(`connection closed during ${token}: ${JSON.stringify(this.#buffer)}`);
      if (Date.now() > deadline) throw new Error(`timed out during ${token}: ${JSON.stringify(this.#buffer)}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
      this.#wake = null;
    }
  }

  #markerEnd(marker: string): number {
    const at = this.#buffer.indexOf(marker);
    return at < 0 ? -1 : at + marker.length;
  }

  close(): void {
    this.#socket.destroy();
  }
}
