// Version constants: Vesta's own and the Redis version it is compatible with. A leaf module (it
// imports nothing) so INFO, HELLO, LOLWUT and the startup banner can read them without importing
// the server. Redis equivalent: version.h.

/** Vesta's own version (INFO's vesta_version). */
export const VESTA_VERSION = '0.1.0';
/** The Redis version Vesta is compatible with and reports as redis_version. */
export const REDIS_VERSION = '7.0.15';
