// Writes the commented sample config (src/config/sample.ts) to standard output:
// `npm run -s conf` regenerates vesta.conf; test/tools/sample-conf.test.ts checks it is current.

import { sampleConfig } from '../src/config/sample.js';

process.stdout.write(sampleConfig());
