// Always-on assertions. A failed assertion is a programmer error: it is never caught and
// retried; the top level logs it as a crash report and exits non-zero.
// Redis equivalent: serverAssert / serverPanic in server.h.

export class AssertionFailure extends Error {
  override readonly name = 'AssertionFailure';
  readonly code = 'VESTA_ERR_ASSERTION';
}

/** Throws AssertionFailure when `condition` is false. Keep `message` a constant string. */
export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionFailure(message);
}

/** Marks code that a complete switch over a union can never reach. */
export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionFailure(`${message}: ${String(value)}`);
}
