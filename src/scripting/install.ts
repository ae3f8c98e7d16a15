// Installs the scripting service over the Lua engine: what scripting/factory.ts loads on first
// use (the engine is ~35 modules that an empty server starting up need not load).
// Redis equivalent: scriptingInit / functionsInit at start-up (eval.c, functions.c).

import { setScriptingFactory } from './factory.js';
import { Scripting } from './scripting.js';
import { installLuaVm } from './lua-vm.js';

setScriptingFactory((server) => new Scripting(server));
installLuaVm();
