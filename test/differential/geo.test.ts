// Differential tests for the geo commands against redis-server 7.0: GEOADD, GEODIST, GEOHASH,
// GEOPOS, GEORADIUS(_RO), GEORADIUSBYMEMBER(_RO), GEOSEARCH, GEOSEARCHSTORE, in RESP2 and
// RESP3, including the poles' limits, the antimeridian, every option and error, and generated
// point sets searched with generated shapes (results and their order must be Redis's).

import { test } from 'node:test';
import fc from 'fast-check';
import { same, sequenceTests, sharedPair } from '../helpers/differential.js';
import { requireRedis } from '../helpers/servers.js';

const p = sharedPair();

const SICILY = ['13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'];

const SEQUENCES: Record<string, (string | number)[][]> = {
  'geoadd, geopos, geodist, geohash': [
    ['FLUSHALL'],
    ['GEOADD', 'g', ...SICILY],
    ['ZRANGE', 'g', '0', '-1', 'WITHSCORES'],
    ['GEOPOS', 'g', 'Palermo', 'nonex', 'Catania'],
    ['GEODIST', 'g', 'Palermo', 'Catania'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'km'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'MI'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'ft'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'foo'],
    ['GEODIST', 'g', 'Palermo', 'nonex'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'km', 'x'],
    ['GEODIST', 'nokey', 'a', 'b'],
    ['GEOHASH', 'g', 'Palermo', 'Catania', 'nonex'],
    ['GEOHASH', 'nokey', 'a'],
    ['GEOPOS', 'nokey', 'a'],
    ['GEOADD', 'g', 'XX', 'CH', '13.4', '38.2', 'Palermo', '1', '1', 'new'],
    ['GEOADD', 'g', 'NX', '0', '0', 'Palermo', '2', '2', 'new2'],
    ['GEOADD', 'g', 'CH', 'NX', '3', '3', 'new3'],
    ['GEOADD', 'g', 'NX', 'XX', '1', '2', 'x'],
    ['GEOADD', 'g', 'GT', '1', '2', 'x'],
    ['GEOADD', 'g', '1', '2'],
    ['GEOADD', 'g', 'XX', 'CH'],
    ['GEOADD', 'g', '200', '10', 'x'],
    ['GEOADD', 'g', '10', '86', 'x'],
    ['GEOADD', 'g', '1', 'a', 'x'],
    ['GEOADD', 'g', 'a', '1', 'x'],
    ['GEOADD', 'g', '180', '85.05112878', 'ne', '-180', '-85.05112878', 'sw', '0', '0', 'origin'],
    ['GEOPOS', 'g', 'ne', 'sw', 'origin'],
    ['GEOHASH', 'g', 'ne', 'sw', 'origin'],
    ['GEODIST', 'g', 'ne', 'sw'],
    ['GEOADD', 'g', '179.9999', '0', 'east', '-179.9999', '0', 'west'],
    ['GEODIST', 'g', 'east', 'west'],
    ['SET', 's', 'x'],
    ['GEOADD', 's', '1', '1', 'x'],
    ['GEOPOS', 's', 'x'],
    ['GEODIST', 's', 'a', 'b'],
    ['GEOHASH', 's', 'x'],
  ],
  'georadius and georadiusbymember': [
    ['FLUSHALL'],
    ['GEOADD', 'g', ...SICILY, '13.583333', '37.316667', 'Agrigento'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'ASC'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'DESC', 'WITHDIST'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'WITHDIST', 'WITHCOORD', 'WITHHASH', 'ASC'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '1'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '2', 'DESC'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '1', 'ANY'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '5', 'ANY', 'ASC'],
    ['GEORADIUS', 'g', '15', '37', '0', 'km'],
    ['GEORADIUS', 'g', '15', '37', '5000', 'km'],
    ['GEORADIUS', 'g', '15', '37', '200', 'mi', 'WITHDIST'],
    ['GEORADIUS', 'g', '15', '37', '200000', 'ft', 'WITHDIST'],
    ['GEORADIUS', 'g', '15', '37', '-1', 'km'],
    ['GEORADIUS', 'g', '15', '37', 'x', 'km'],
    ['GEORADIUS', 'g', '15', '37', '200', 'parsec'],
    ['GEORADIUS', 'g', '15', 'x', '200', 'km'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '0'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', 'x'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'ANY'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'FOO'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'd', 'WITHDIST'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'd'],
    ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
    ['OBJECT', 'ENCODING', 'd'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STOREDIST', 'd', 'COUNT', '2'],
    ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
    ['GEORADIUS', 'g', '0', '0', '1', 'km', 'STORE', 'd'],
    ['EXISTS', 'd'],
    ['GEORADIUS', 'nokey', '15', '37', '200', 'km'],
    ['SET', 'd', 'x'],
    ['GEORADIUS', 'nokey', '15', '37', '200', 'km', 'STORE', 'd'],
    ['EXISTS', 'd'],
    ['GEORADIUS_RO', 'g', '15', '37', '200', 'km', 'WITHDIST'],
    ['GEORADIUS_RO', 'g', '15', '37', '200', 'km', 'STORE', 'd'],
    ['GEORADIUSBYMEMBER', 'g', 'Palermo', '200', 'km', 'WITHDIST', 'ASC'],
    ['GEORADIUSBYMEMBER', 'g', 'nope', '200', 'km'],
    ['GEORADIUSBYMEMBER', 'nokey', 'nope', 'x', 'km'],
    ['GEORADIUSBYMEMBER', 'g', 'Palermo', '100', 'km', 'STORE', 'd2'],
    ['ZRANGE', 'd2', '0', '-1'],
    ['GEORADIUSBYMEMBER_RO', 'g', 'Catania', '100', 'km', 'WITHCOORD'],
    ['LPUSH', 'l', 'x'],
    ['GEORADIUS', 'l', '15', '37', '200', 'km'],
    ['GEORADIUSBYMEMBER', 'l', 'x', '200', 'km'],
  ],
  'geosearch and geosearchstore': [
    ['FLUSHALL'],
    ['GEOADD', 'g', ...SICILY, '13.583333', '37.316667', 'Agrigento'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'WITHDIST'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '100', '400', 'km', 'WITHCOORD', 'WITHHASH'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'COUNT', '2', 'ANY'],
    ['GEOSEARCH', 'g', 'BYRADIUS', '200', 'km', 'FROMMEMBER', 'Catania', 'DESC'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'nope', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'FROMLONLAT', '1', '1', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '1', '1', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'BYBOX', '1', '1', 'km'],
    ['GEOSEARCH', 'g', 'BYRADIUS', '200', 'km', 'WITHDIST'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'WITHDIST', 'ASC'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '-1', '400', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', 'x', '400', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '1', 'y', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', 'x', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '10', 'km', 'STORE', 'x'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '10', 'km', 'STOREDIST'],
    ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '10', 'km'],
    ['GEOSEARCH', 'nokey', 'FROMLONLAT', '15', '37', 'BYRADIUS', '10', 'km', 'ANY'],
    ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST', 'COUNT', '2'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'WITHDIST'],
    ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
    ['EXISTS', 'dst'],
    ['GEOSEARCHSTORE', 'dst', 'nokey', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
  ],
  'poles and the antimeridian': [
    ['FLUSHALL'],
    ['GEOADD', 'w', '179.9', '10', 'e1', '-179.9', '10', 'w1', '179.5', '10.5', 'e2', '-179.5', '9.5', 'w2'],
    ['GEOSEARCH', 'w', 'FROMLONLAT', '180', '10', 'BYRADIUS', '100', 'km', 'ASC', 'WITHDIST'],
    ['GEOSEARCH', 'w', 'FROMLONLAT', '-180', '10', 'BYBOX', '200', '200', 'km', 'ASC', 'WITHDIST'],
    ['GEORADIUS', 'w', '179.99', '10', '500', 'km', 'WITHCOORD'],
    ['GEOADD', 'n', '0', '85', 'a', '90', '85', 'b', '180', '85', 'c', '-90', '85', 'd', '45', '84.9', 'e', '0', '-85', 's'],
    ['GEOSEARCH', 'n', 'FROMLONLAT', '0', '85.05', 'BYRADIUS', '2000', 'km', 'ASC', 'WITHDIST'],
    ['GEOSEARCH', 'n', 'FROMLONLAT', '0', '85', 'BYBOX', '5000', '500', 'km', 'DESC', 'WITHDIST'],
    ['GEORADIUS', 'n', '0', '-85', '100', 'km', 'WITHHASH'],
    ['GEOHASH', 'n', 'a', 'b', 'c', 'd', 'e', 's'],
    ['GEOPOS', 'n', 'a', 'c', 's'],
  ],
};

sequenceTests(p, SEQUENCES);

test('generated points and searches return the same members, in the same order, as redis-server', async (t) => {
  if (!requireRedis(t)) return;
  const pair = p();
  const lon = fc.double({ min: -180, max: 180, noNaN: true });
  const lat = fc.double({ min: -85, max: 85, noNaN: true });
  const near = (c: number, spread: number, lo: number, hi: number): fc.Arbitrary<number> =>
    fc.double({ min: Math.max(lo, c - spread), max: Math.min(hi, c + spread), noNaN: true });
  const scenario = fc.tuple(lon, lat, fc.constantFrom(0.01, 0.5, 5, 60)).chain(([clon, clat, spread]) =>
    fc.record({
      points: fc.array(fc.tuple(near(clon, spread, -180, 180), near(clat, spread, -85, 85)), { minLength: 1, maxLength: 60 }),
      center: fc.tuple(near(clon, spread, -180, 180), near(clat, spread, -85, 85)),
      radius: fc.double({ min: 0, max: 3000, noNaN: true }),
      width: fc.double({ min: 0, max: 3000, noNaN: true }),
      height: fc.double({ min: 0, max: 3000, noNaN: true }),
      count: fc.integer({ min: 1, max: 10 }),
    }),
  );
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const add: string[] = ['GEOADD', 'gen'];
      s.points.forEach(([x, y], i) => add.push(String(x), String(y), `m${i}`));
      const [cx, cy] = s.center;
      const from = ['FROMLONLAT', String(cx), String(cy)];
      await same(pair, [
        ['DEL', 'gen'],
        add,
        ['GEOSEARCH', 'gen', ...from, 'BYRADIUS', String(s.radius), 'km', 'WITHDIST', 'WITHHASH', 'WITHCOORD'],
        ['GEOSEARCH', 'gen', ...from, 'BYBOX', String(s.width), String(s.height), 'km', 'ASC', 'WITHDIST'],
        ['GEOSEARCH', 'gen', ...from, 'BYRADIUS', String(s.radius), 'km', 'COUNT', String(s.count), 'ANY'],
        ['GEORADIUS', 'gen', String(cx), String(cy), String(s.radius), 'km', 'COUNT', String(s.count), 'DESC'],
        ['GEORADIUSBYMEMBER', 'gen', 'm0', String(s.radius), 'km', 'WITHDIST'],
        ['GEODIST', 'gen', 'm0', `m${s.points.length - 1}`, 'km'],
        ['GEOHASH', 'gen', 'm0'],
      ]);
    }),
    { numRuns: 100 },
  );
});
