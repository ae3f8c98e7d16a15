// Random bytes and hashes without loading node:crypto at start-up: the server needs random
// bytes to start (hash seeds, run ID, replication ID) and hashes only for some commands, and
// loading node:crypto cost an empty server ~5-10 ms of its start. Random bytes come from
// /dev/urandom, as Redis's getRandomBytes reads them; node:crypto (its CSPRNG) where that
// file cannot be read, and for hashes, loaded on first use.
// Redis equivalent: getRandomBytes / getRandomHexChars (util.c).

import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as NodeCrypto from 'node:crypto';

let crypto: typeof NodeCrypto | null = null;

/** node:crypto, loaded on first use. */
function nodeCrypto(): typeof NodeCrypto {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof NodeCrypto;
  return crypto;
}

/** `n` cryptographically random bytes. */
export function randomBytes(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let fd = -1;
  try {
    fd = openSync('/dev/urandom', 'r');
    for (let got = 0; got < n;) {
      const read = readSync(fd, out, got, n - got, null);
      if (read <= 0) throw new Error('short read from /dev/urandom');
      got += read;
    }
    return out;
  } catch {
    return nodeCrypto().randomBytes(n);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** A hash object of node:crypto (sha1, sha256...). */
export function createHash(algorithm: string): NodeCrypto.Hash {
  return nodeCrypto().createHash(algorithm);
}
