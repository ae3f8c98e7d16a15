// Client sockets read into one shared buffer instead of a new Buffer per read.
//
// Node's default read path allocates for every read: libuv reads into a fresh 64 KiB malloc'd
// block, Node shrinks it to the bytes read (realloc + copy), wraps it in an ArrayBuffer and a
// Buffer, and pushes that through the Readable stream machinery to the 'data' listener; V8's
// ArrayBuffer sweeper frees it later. At pipeline 1 that is one allocation chain per command:
// perf showed malloc/free, ArrayBuffer creation and the stream push at ~10% of the server's CPU
// (SET -c 50), and reading into one reused buffer cut the CPU per command by 10-12%
// (docs/PERFORMANCE.md).
//
// Node has a public form of this, the `onread: { buffer, callback }` option of net.Socket, but
// only for sockets the program constructs; net.Server builds accepted sockets itself. So this
// module applies the same two settings the option sets (the socket's kBuffer/kBufferCb slots,
// found by symbol description, and handle.useUserBuffer()) to an accepted socket, after
// checking that each exists: on a Node without them it reports false and the caller uses
// 'data' events. Everything else stays Node's own: EOF and errors still end and close the
// socket, and pause()/resume() still stop and restart reading (Node handles kBuffer there).
//
// The contract for the callback: `buffer` is shared by every client and is overwritten by the
// next read of any socket, so bytes the parser has not consumed when the callback returns must
// be copied out (RespParser#release).

import type { Socket } from 'node:net';

/** One read's worth: libuv offers 64 KiB per read, as for Node's own buffers. */
export const SHARED_READ_BYTES = 64 * 1024;

let shared: Buffer | null = null;

/** The buffer every attached socket reads into (allocated on first use). */
export function sharedReadBuffer(): Buffer {
  shared ??= Buffer.allocUnsafe(SHARED_READ_BYTES);
  return shared;
}

interface UserBufferHandle {
  useUserBuffer(buffer: Uint8Array): void;
}

/**
 * Makes `socket` read into the shared buffer and call `onRead(bytes, buffer)` for each read,
 * as a socket created with `onread` does (same argument order). False (nothing changed) when this Node's socket
 * internals do not have the expected shape; the caller then listens for 'data'.
 */
export function readIntoSharedBuffer(socket: Socket, onRead: (bytes: number, buffer: Buffer) => void): boolean {
  let kBuffer: symbol | undefined;
  let kBufferCb: symbol | undefined;
  for (const symbol of Object.getOwnPropertySymbols(socket)) {
    if (symbol.description === 'kBuffer') kBuffer = symbol;
    else if (symbol.description === 'kBufferCb') kBufferCb = symbol;
  }
  const handle = (socket as unknown as { _handle?: Partial<UserBufferHandle> | null })._handle;
  if (kBuffer === undefined || kBufferCb === undefined) return false;
  if (handle === null || handle === undefined || typeof handle.useUserBuffer !== 'function') return false;
  const slots = socket as unknown as Record<symbol, unknown>;
  // A socket made without `onread` has both slots, empty; anything else is not what we know.
  if (slots[kBuffer] !== null || slots[kBufferCb] !== null) return false;
  const buffer = sharedReadBuffer();
  slots[kBuffer] = buffer;
  slots[kBufferCb] = onRead;
  handle.useUserBuffer(buffer);
  return true;
}
