// vesta.conf (the commented sample config at the repository root, shipped in the package) is
// generated from the config schema: it must be current (regenerated here and compared), name
// every directive, and load as is into a server whose CONFIG GET * is then exactly a default
// server's. Regenerate it with `npm run -s conf` after changing src/config/schema.ts.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sampleConfig } from '../../src/config/sample.js';
import { CONFIG_TABLE } from '../../src/config/schema.js';
import { startVesta } from '../helpers/servers.js';

test('vesta.conf is what src/config/sample.ts generates from the schema', () => {
  const onDisk = readFileSync('vesta.conf', 'latin1');
  assert.ok(onDisk === sampleConfig(), 'vesta.conf is stale: run `npm run -s conf` and commit it');
});

test('vesta.conf names every directive of the schema', () => {
  const text = sampleConfig();
  for (const entry of CONFIG_TABLE) {
    assert.match(text, new RegExp(`^#? ?${entry.name.replace(/[-_]/g, '[-_]')} `, 'm'), entry.name);
  }
});

test('vesta.conf loads as is and changes nothing from the defaults', async () => {
  const [withFile, without] = await Promise.all([startVesta({ configFile: 'vesta.conf' }), startVesta()]);
  try {
    const [a, b] = await Promise.all([withFile, without].map(async (server) => {
      const c = await server.client();
      const reply = await c.call('CONFIG', 'GET', '*');
      c.close();
      // Each server's own port and dir differ; everything else must be the same.
      return reply.replace(/\$4\r\nport\r\n\$\d+\r\n\d+\r\n/, '').replace(/\$3\r\ndir\r\n\$\d+\r\n[^\r]*\r\n/, '');
    }));
    assert.ok((a as string).length > 1000);
    assert.equal(a, b);
  } finally {
    await Promise.all([withFile.stop(), without.stop()]);
  }
});
