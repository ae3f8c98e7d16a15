// How a server creates its scripting service: the engine (scripting/install.ts: the service
// over the Lua engine, ~35 modules) is loaded on first use, by EVAL, FUNCTION or an RDB/AOF
// that brings function libraries, not at start-up: that spared ~10% of an empty server's
// start-up. A leaf module, so the server need not import the scripting layer (which imports the
// server's client and dispatch).
//
// Handlers are synchronous, so the first use loads the engine synchronously: require() of an ES
// module (Node >= 20.19 and 22.12). On a Node without it, preloadScripting() (awaited by
// start-up) imports the engine at start instead. './install.js' is found next to this module's
// code: in dist/src/scripting/ as tsc emits it, and in dist/bin/ in the server's bundle, where
// scripts/bundle-server.mjs puts the engine as the entry point install.js beside its chunks.

import { createRequire } from 'node:module';
import type { Server } from '../server/server.js';
import type { Scripting } from './scripting.js';

let factory: ((server: Server) => Scripting) | null = null;

export function setScriptingFactory(create: (server: Server) => Scripting): void {
  factory = create;
}

/** Whether this Node can require() an ES module (and so load the engine on first use). */
function canRequireModules(): boolean {
  return (process.features as { require_module?: boolean }).require_module === true;
}

/** The scripting service's constructor, loading the engine on first use. */
export function scriptingFactory(): ((server: Server) => Scripting) | null {
  if (factory === null && canRequireModules()) createRequire(import.meta.url)('./install.js');
  return factory;
}

/** Loads the engine now when it cannot be loaded on first use (older Node 20). */
export async function preloadScripting(): Promise<void> {
  if (factory === null && !canRequireModules()) await import('./install.js');
}
