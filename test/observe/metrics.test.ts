// The Prometheus endpoint: off by default, on metrics-port when set, loopback-bound; the text
// parses as the exposition format and its values are INFO's (the same counters).

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { freePort, startVesta, type RunningServer } from '../helpers/servers.js';

let vesta: RunningServer | null = null;
let metricsPort = 0;

before(async () => {
  metricsPort = await freePort();
  vesta = await startVesta({ args: ['--metrics-port', String(metricsPort)] });
});
after(async () => {
  await vesta?.stop();
});

function scrape(path = '/metrics', host = '127.0.0.1', port = metricsPort): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict parser of the text format: every sample belongs to a declared family. */
function parse(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) continue;
    const typeLine = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|histogram|summary)$/.exec(line);
    if (typeLine !== null) {
      assert.ok(!types.has(typeLine[1] as string), `family ${typeLine[1]} declared twice`);
      types.set(typeLine[1] as string, typeLine[2] as string);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m !== null, `bad line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').match(/[a-zA-Z_]\w*="(?:[^"\\]|\\.)*"/g) ?? []) {
      const eq = pair.indexOf('=');
      labels[pair.slice(0, eq)] = pair.slice(eq + 2, -1);
    }
    const name = m[1] as string;
    const family = name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(name) || types.get(family) === 'histogram', `sample ${name} without TYPE`);
    const value = m[3] === '+Inf' ? Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value), line);
    samples.push({ name, labels, value });
  }
  return { types, samples };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

async function infoField(field: string): Promise<string> {
  assert.ok(vesta !== null);
  const c = await vesta.client();
  const text = await c.call('INFO', 'everything');
  c.close();
  const m = new RegExp(`\\r\\n${field}:([^\\r]*)\\r\\n`).exec(text);
  assert.ok(m !== null, `INFO has no ${field}`);
  return m[1] as string;
}

test('metrics endpoint: scraped, parsed, values equal INFO', async () => {
  assert.ok(vesta !== null);
  const c = await vesta.client();
  await c.call('SET', 'a', '1');
  await c.call('SET', 'b', '2', 'EX', '100');
  await c.call('GET', 'a');
  await c.call('NOSUCH');
  const res = await scrape();
  assert.equal(res.status, 200);
  assert.match(res.type, /^text\/plain; version=0\.0\.4/);
  const { types, samples } = parse(res.body);
  assert.equal(value(samples, 'redis_up'), 1);
  assert.equal(types.get('redis_commands_total'), 'counter');
  assert.equal(types.get('redis_commands_latencies_usec'), 'histogram');
  assert.equal(value(samples, 'redis_commands_total', { cmd: 'set' }), 2);
  assert.equal(value(samples, 'redis_commands_total', { cmd: 'get' }), 1);
  assert.equal(value(samples, 'redis_commands_latencies_usec_bucket', { cmd: 'set', le: '+Inf' }), 2);
  assert.equal(value(samples, 'redis_commands_latencies_usec_count', { cmd: 'set' }), 2);
  assert.equal(value(samples, 'redis_db_keys', { db: 'db0' }), 2);
  assert.equal(value(samples, 'redis_db_keys_expiring', { db: 'db0' }), 1);
  assert.equal(value(samples, 'redis_errors_total', { err: 'ERR' }), 1);
  assert.equal(value(samples, 'redis_aof_enabled'), 0);
  assert.equal(value(samples, 'redis_connected_clients'), 1);
  assert.equal(value(samples, 'redis_rdb_changes_since_last_save'), Number(await infoField('rdb_changes_since_last_save')));
  assert.equal(value(samples, 'redis_rdb_last_save_timestamp_seconds'), Number(await infoField('rdb_last_save_time')));
  assert.equal(value(samples, 'redis_rdb_last_bgsave_status'), 1);
  const used = value(samples, 'redis_memory_used_bytes') ?? 0;
  assert.ok(used > 1_000_000, `redis_memory_used_bytes ${used}`);
  // Buckets are cumulative and end at the count.
  const buckets = samples.filter((s) => s.name === 'redis_commands_latencies_usec_bucket' && s.labels['cmd'] === 'set');
  for (let i = 1; i < buckets.length; i++) assert.ok((buckets[i]?.value ?? 0) >= (buckets[i - 1]?.value ?? 0));
  // Writes move the persistence gauges; SAVE brings them back.
  await c.call('SET', 'c', '3');
  const before = value(parse((await scrape()).body).samples, 'redis_rdb_changes_since_last_save') ?? 0;
  await c.call('SAVE');
  const afterSave = value(parse((await scrape()).body).samples, 'redis_rdb_changes_since_last_save');
  assert.ok(before >= 3, `changes before SAVE ${before}`);
  assert.equal(afterSave, 0);
  // Latency spikes are exported per event.
  await c.call('CONFIG', 'SET', 'latency-monitor-threshold', '1');
  await c.call('DEBUG', 'SLEEP', '0.01');
  const spikes = parse((await scrape()).body).samples;
  assert.ok((value(spikes, 'redis_latency_spike_duration_seconds', { event_name: 'command' }) ?? 0) >= 0.01);
  c.close();
});

test('metrics endpoint: other paths are 404; hidden directives keep CONFIG GET * as Redis', async () => {
  assert.equal((await scrape('/')).status, 404);
  assert.ok(vesta !== null);
  const c = await vesta.client();
  const all = await c.call('CONFIG', 'GET', '*');
  assert.ok(!all.includes('metrics-port'), 'metrics-port is hidden from CONFIG GET *');
  assert.match(await c.call('CONFIG', 'GET', 'metrics-port'), new RegExp(`\\$${String(metricsPort).length}\\r\\n${metricsPort}\\r\\n`));
  assert.match(await c.call('CONFIG', 'GET', 'metrics-bind'), /127\.0\.0\.1/);
  c.close();
});

test('metrics endpoint is off by default', async () => {
  const server = await startVesta();
  try {
    const c = await server.client();
    assert.match(await c.call('CONFIG', 'GET', 'metrics-port'), /\$1\r\n0\r\n/);
    c.close();
    assert.doesNotMatch(server.output(), /Prometheus metrics on/);
  } finally {
    await server.stop();
  }
});
