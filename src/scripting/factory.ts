// How a server creates its scripting service: set by the scripting commands module, read by the
// server when an RDB file or AOF base brings function libraries. A leaf module, so the server
// need not import the scripting layer (which imports the server's client and dispatch).

import type { Server } from '../server/server.js';
import type { Scripting } from './scripting.js';

let factory: ((server: Server) => Scripting) | null = null;

export function setScriptingFactory(create: (server: Server) => Scripting): void {
  factory = create;
}

export function scriptingFactory(): ((server: Server) => Scripting) | null {
  return factory;
}
