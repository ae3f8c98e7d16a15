// Every bound that a client or a file controls, with its Redis-compatible default and why.
// Relationships between limits are asserted when this module loads.
// Redis equivalent: the PROTO_* constants in server.h and the limit configs in config.c.

import { assert } from './assert.js';

/** An inline (telnet-style) request without a newline may not grow past this (PROTO_INLINE_MAX_SIZE). */
export const INLINE_MAX_BYTES = 64 * 1024;

/** The `*<count>` and `$<len>` header lines may not exceed this before their \r\n. */
export const HEADER_LINE_MAX_BYTES = 64 * 1024;

/** Most arguments one multibulk request may announce (Redis: 1024*1024 unless authenticated more). */
export const MULTIBULK_COUNT_MAX = 1024 * 1024;

/** Unauthenticated clients may announce at most this many args / bulk bytes (Redis 7.0 rule). */
export const UNAUTHENTICATED_MULTIBULK_MAX = 10;
export const UNAUTHENTICATED_BULK_MAX = 16 * 1024;

/** A bulk argument at least this long gets its own buffer instead of joining the query buffer. */
export const BIG_ARG_BYTES = 32 * 1024;

/**
 * V8 cannot hold a string longer than about 2^29 - 24 chars (512 MiB), and every value is a latin1
 * string, so proto-max-bulk-len is capped here even if the config asks for more.
 */
export const STRING_BYTES_MAX = 536_870_888;

/** Commands one client may run from its buffer before yielding to others in the same tick. */
export const COMMANDS_PER_READ_MAX = 10_000;

/** Time budget of one active-expire cycle, as a fraction of the cron period (Redis: 25%). */
export const ACTIVE_EXPIRE_CYCLE_BUDGET_FRACTION = 0.25;
/** Keys examined per active-expire step before the time budget is checked again. */
export const ACTIVE_EXPIRE_KEYS_PER_STEP = 20;

/** SCAN-family cursors kept per server before the oldest is forgotten. */
export const SCAN_CURSORS_MAX = 16 * 1024;

assert(INLINE_MAX_BYTES <= HEADER_LINE_MAX_BYTES * 4, 'inline max must stay near header max');
assert(BIG_ARG_BYTES < STRING_BYTES_MAX, 'big-arg threshold below string max');
