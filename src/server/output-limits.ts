// client-output-buffer-limit for normal and pub/sub clients: a client whose pending output (the
// socket's unsent bytes plus replies not yet handed to it) passes the hard limit, or stays over
// the soft limit for the soft seconds, is closed at once, so a slow reader or a subscriber that
// never reads cannot make the server hold unbounded memory.
// Redis equivalent: checkClientOutputBufferLimits / closeClientOnOutputBufferLimitReached in
// networking.c.

import type { Config } from '../config/config.js';

export interface OutputLimit {
  hardBytes: number;
  softBytes: number;
  softSeconds: number;
}

export type OutputClass = 'normal' | 'replica' | 'pubsub';

/**
 * A client with more unsent output than this is not read from until its socket drains. Not a
 * Redis setting (Redis keeps reading); it bounds the memory a pipelining non-reader costs when
 * the normal class has no limit (its default).
 */
export const OUTPUT_PAUSE_BYTES = 16 * 1024 * 1024;

const NO_LIMIT: OutputLimit = { hardBytes: 0, softBytes: 0, softSeconds: 0 };

/** Parses "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60" (CONFIG GET form). */
export function parseOutputLimits(text: string): Record<OutputClass, OutputLimit> {
  const limits: Record<OutputClass, OutputLimit> = { normal: NO_LIMIT, replica: NO_LIMIT, pubsub: NO_LIMIT };
  const words = text.split(' ').filter((w) => w !== '');
  for (let i = 0; i + 3 < words.length; i += 4) {
    const name = (words[i] as string).toLowerCase();
    const cls: OutputClass | null =
      name === 'normal' ? 'normal' : name === 'pubsub' ? 'pubsub' : name === 'slave' || name === 'replica' ? 'replica' : null;
    if (cls === null) continue;
    limits[cls] = {
      hardBytes: Number(words[i + 1]),
      softBytes: Number(words[i + 2]),
      softSeconds: Number(words[i + 3]),
    };
  }
  return limits;
}

export class OutputLimits {
  #limits: Record<OutputClass, OutputLimit>;
  /** When each client first went over its soft limit (absent: under it). */
  readonly #softSinceMs = new WeakMap<object, number>();

  constructor(config: Config) {
    this.#limits = parseOutputLimits(config.str('client-output-buffer-limit'));
    config.onApply('client-output-buffer-limit', (value) => {
      this.#limits = parseOutputLimits(String(value));
    });
  }

  /**
   * True when a client with `pendingBytes` of unsent output must be closed now. Tracks the time
   * it has been over the soft limit; dropping under it resets that clock, as in Redis.
   */
  exceeded(client: object, cls: OutputClass, pendingBytes: number, nowMs: number): boolean {
    const limit = this.#limits[cls];
    if (limit.hardBytes > 0 && pendingBytes >= limit.hardBytes) return true;
    if (limit.softBytes > 0 && pendingBytes >= limit.softBytes) {
      const since = this.#softSinceMs.get(client);
      if (since === undefined) {
        this.#softSinceMs.set(client, nowMs);
        return false;
      }
      return nowMs - since > limit.softSeconds * 1000;
    }
    this.#softSinceMs.delete(client);
    return false;
  }
}
