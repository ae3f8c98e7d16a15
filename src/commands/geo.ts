// Geo commands over sorted sets whose scores are 52-bit geohashes: GEOADD, GEODIST, GEOHASH,
// GEOPOS, GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO], GEOSEARCH, GEOSEARCHSTORE. GEOADD is ZADD
// with computed scores and is logged and notified as that ZADD, as Redis does.
// Redis equivalent: geo.c.

import type { CommandContext } from './context.js';
import { NOTIFY, notifyKeyspaceEvent } from '../server/notify.js';
import { ZSetValue } from '../store/value/zset.js';
import { parseDouble } from '../util/numbers.js';
import { pqsort } from '../util/pqsort.js';
import {
  boxScoreRange,
  circleProbe,
  pointInCircle,
  distanceIfInShape,
  geohashEncodeWGS84,
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  hashToScore,
  scoreToLongLat,
  searchBoxes,
  standardGeohash,
  geoDistance,
  type Shape,
} from '../store/value/geohash.js';
import { eqIgnoreCase, int64OrReply } from './args.js';
import { NOT_FLOAT, SYNTAX, WRONGTYPE, COUNT_OPTION_NOT_POSITIVE } from './errors.js';
import type { CommandDef } from './types.js';
import { zaddGeneric } from './zset.js';
import { zsetForReadOrReply, zsetLimits, zsetSettleEncoding } from './zset-common.js';

const UNIT_ERROR = 'ERR unsupported unit provided. please use M, KM, FT, MI';

/** Meters per unit, or null after replying. */
function unitOrReply(c: CommandContext, arg: string): number | null {
  const unit = arg.toLowerCase();
  const factor = unit === 'm' ? 1 : unit === 'km' ? 1000 : unit === 'ft' ? 0.3048 : unit === 'mi' ? 1609.34 : 0;
  if (factor === 0) {
    c.addReplyError(UNIT_ERROR);
    return null;
  }
  return factor;
}

/** printf's %f: six decimals. */
function fixed6(value: number): string {
  return value.toFixed(6);
}

/** A longitude,latitude argument pair; null after replying. */
function longLatOrReply(c: CommandContext, lonArg: string, latArg: string): [number, number] | null {
  const longitude = parseDouble(lonArg);
  const latitude = longitude === null ? null : parseDouble(latArg);
  if (longitude === null || latitude === null) {
    c.addReplyError(NOT_FLOAT);
    return null;
  }
  if (longitude < -180 || longitude > 180 || latitude < GEO_LAT_MIN || latitude > GEO_LAT_MAX) {
    c.addReplyError(`ERR invalid longitude,latitude pair ${fixed6(longitude)},${fixed6(latitude)}`);
    return null;
  }
  return [longitude, latitude];
}

/** Redis's human long double text (%.17Lf, trailing zeros removed): exact digits of the double. */
function humanDouble(value: number): string {
  let text = value.toFixed(17);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}

function addReplyHumanDouble(c: CommandContext, value: number): void {
  const text = humanDouble(value);
  if (c.resp === 3) c.addReplyRaw(',' + text + '\r\n');
  else c.addReplyBulk(text);
}

/** Distances are always bulk strings with four decimals, in both protocols. */
function addReplyDistance(c: CommandContext, meters: number): void {
  c.addReplyBulk(meters.toFixed(4));
}

function geoaddCommand(c: CommandContext, argv: string[]): void {
  let first = 2;
  let nx = false;
  let xx = false;
  for (; first < argv.length; first++) {
    const opt = argv[first] as string;
    if (eqIgnoreCase(opt, 'NX')) nx = true;
    else if (eqIgnoreCase(opt, 'XX')) xx = true;
    else if (!eqIgnoreCase(opt, 'CH')) break;
  }
  if ((argv.length - first) % 3 !== 0 || (nx && xx)) {
    c.addReplyError(SYNTAX);
    return;
  }
  const zadd = ['zadd', ...argv.slice(1, first)];
  for (let i = first; i < argv.length; i += 3) {
    const point = longLatOrReply(c, argv[i] as string, argv[i + 1] as string);
    if (point === null) return;
    const hash = geohashEncodeWGS84(point[0], point[1]);
    zadd.push(String(hash === null ? 0 : hashToScore(hash)), argv[i + 2] as string);
  }
  // Redis runs ZADD with the computed scores: the AOF and replicas see that ZADD.
  c.propagateArgv = zadd;
  zaddGeneric(c, zadd, false);
}

function geodistCommand(c: CommandContext, argv: string[]): void {
  let factor = 1;
  if (argv.length === 5) {
    const unit = unitOrReply(c, argv[4] as string);
    if (unit === null) return;
    factor = unit;
  } else if (argv.length > 5) {
    c.addReplyError(SYNTAX);
    return;
  }
  const zset = zsetForReadOrReply(c, argv[1] as string);
  if (zset === undefined) return;
  const a = zset?.score(argv[2] as string);
  const b = zset?.score(argv[3] as string);
  if (a === undefined || b === undefined) {
    c.addReplyNull();
    return;
  }
  const [lon1, lat1] = scoreToLongLat(a, [0, 0]);
  const [lon2, lat2] = scoreToLongLat(b, [0, 0]);
  addReplyDistance(c, geoDistance(lon1, lat1, lon2, lat2) / factor);
}

function geohashCommand(c: CommandContext, argv: string[]): void {
  const zset = zsetForReadOrReply(c, argv[1] as string);
  if (zset === undefined) return;
  c.addReplyArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i] as string);
    if (score === undefined) c.addReplyNull();
    else c.addReplyBulk(standardGeohash(score));
  }
}

function geoposCommand(c: CommandContext, argv: string[]): void {
  const zset = zsetForReadOrReply(c, argv[1] as string);
  if (zset === undefined) return;
  c.addReplyArrayLen(argv.length - 2);
  const point: [number, number] = [0, 0];
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i] as string);
    if (score === undefined) {
      c.addReplyNullArray();
      continue;
    }
    scoreToLongLat(score, point);
    c.addReplyArrayLen(2);
    addReplyHumanDouble(c, point[0]);
    addReplyHumanDouble(c, point[1]);
  }
}

// ------------------------------------------------------------------ searches

interface SearchOptions {
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  sort: 'none' | 'asc' | 'desc';
  count: number;
  any: boolean;
  store: string | null;
  storeDist: boolean;
}

interface SearchRequest {
  srcKey: string;
  /** Where the centre comes from: a member of the set, or coordinates. */
  fromMember: string | null;
  center: [number, number] | null;
  /** Radius, or box width and height, in the unit; `factor` converts to meters. */
  radius: number | null;
  box: [number, number] | null;
  factor: number;
  options: SearchOptions;
}

const KIND_GEORADIUS = 0;
const KIND_BYMEMBER = 1;
const KIND_SEARCH = 2;
const KIND_SEARCHSTORE = 3;

interface Found {
  member: string;
  score: number;
  dist: number;
  longitude: number;
  latitude: number;
}

/** The members of `zset` inside the shape, box by box in Redis's order (limit 0 = all). */
function membersInShape(zset: ZSetValue, shape: Shape, radiusMeters: number, limit: number): Found[] {
  const found: Found[] = [];
  const boxes = searchBoxes(shape, radiusMeters);
  const circle = shape.type === 'circle' ? circleProbe(shape.longitude, shape.latitude, shape.radius) : null;
  let last = 0;
  const point: [number, number, number] = [0.5, 0.5, 0.5]; // doubles from the start
  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i];
    if (box === null || box === undefined) continue;
    const prev = boxes[last];
    if (last !== 0 && prev !== null && prev !== undefined && prev.bits === box.bits && prev.step === box.step) continue;
    if (limit > 0 && found.length >= limit) break;
    const { min, max } = boxScoreRange(box);
    for (let node = zset.firstInScoreRange({ min, max, minExclusive: false, maxExclusive: true }); node !== null; node = ZSetValue.next(node)) {
      if (node.score >= max) break;
      scoreToLongLat(node.score, point);
      let dist: number | null;
      if (circle !== null) dist = pointInCircle(circle, point) ? point[2] : null;
      else dist = distanceIfInShape(shape, point[0], point[1]);
      if (dist === null) continue;
      found.push({ member: node.member, score: node.score, dist, longitude: point[0], latitude: point[1] });
      if (limit > 0 && found.length >= limit) break;
    }
    last = i;
  }
  return found;
}

/** Radius (or a box side) and unit: the value in the unit and meters per unit; null after replying. */
function distanceOrReply(c: CommandContext, valueArg: string, unitArg: string, what: string): [number, number] | null {
  const value = parseDouble(valueArg);
  if (value === null) {
    c.addReplyError(`ERR need numeric ${what}`);
    return null;
  }
  if (value < 0) {
    c.addReplyError('ERR radius cannot be negative');
    return null;
  }
  const factor = unitOrReply(c, unitArg);
  return factor === null ? null : [value, factor];
}

function boxOrReply(c: CommandContext, argv: string[], at: number): [number, number, number] | null {
  const width = parseDouble(argv[at] as string);
  if (width === null) {
    c.addReplyError('ERR need numeric width');
    return null;
  }
  const height = parseDouble(argv[at + 1] as string);
  if (height === null) {
    c.addReplyError('ERR need numeric height');
    return null;
  }
  if (width < 0 || height < 0) {
    c.addReplyError('ERR height or width cannot be negative');
    return null;
  }
  const factor = unitOrReply(c, argv[at + 2] as string);
  return factor === null ? null : [width, height, factor];
}

function memberPointOrReply(c: CommandContext, zset: ZSetValue, member: string): [number, number] | null {
  const score = zset.score(member);
  if (score === undefined) {
    c.addReplyError('ERR could not decode requested zset member');
    return null;
  }
  return scoreToLongLat(score, [0, 0]);
}

/** The fixed leading arguments of each form: the centre and radius, or nothing (GEOSEARCH). */
function leadingArgsOrReply(c: CommandContext, argv: string[], kind: number, zset: ZSetValue | null): SearchRequest | null {
  const options: SearchOptions = {
    withDist: false, withHash: false, withCoord: false, sort: 'none', count: 0, any: false, store: null, storeDist: false,
  };
  const request: SearchRequest = {
    srcKey: argv[kind === KIND_SEARCHSTORE ? 2 : 1] as string,
    fromMember: null, center: null, radius: null, box: null, factor: 1, options,
  };
  if (kind === KIND_GEORADIUS) {
    request.center = longLatOrReply(c, argv[2] as string, argv[3] as string);
    if (request.center === null) return null;
    const d = distanceOrReply(c, argv[4] as string, argv[5] as string, 'radius');
    if (d === null) return null;
    [request.radius, request.factor] = d;
  } else if (kind === KIND_BYMEMBER && zset !== null) {
    request.center = memberPointOrReply(c, zset, argv[2] as string);
    if (request.center === null) return null;
    const d = distanceOrReply(c, argv[3] as string, argv[4] as string, 'radius');
    if (d === null) return null;
    [request.radius, request.factor] = d;
  } else if (kind === KIND_SEARCHSTORE) {
    options.store = argv[1] as string;
  }
  return request;
}

const BASE_ARGS = [6, 5, 2, 3];

/** Which GEO search command runs: its KIND_* and whether STORE is refused (the _RO forms). */
interface SearchVariant {
  kind: number;
  noStore: boolean;
}

/** Parses the options after the leading arguments, exactly in Redis's order of checks. */
function parseSearch(c: CommandContext, argv: string[], variant: SearchVariant, zset: ZSetValue | null): SearchRequest | null {
  const { kind, noStore } = variant;
  const request = leadingArgsOrReply(c, argv, kind, zset);
  if (request === null) return null;
  const o = request.options;
  const search = kind === KIND_SEARCH || kind === KIND_SEARCHSTORE;
  const base = BASE_ARGS[kind] as number;
  let fromMember = false;
  let fromLonLat = false;
  for (let i = base; i < argv.length; i++) {
    const arg = (argv[i] as string).toLowerCase();
    const more = argv.length - 1 - i;
    if (arg === 'withdist') o.withDist = true;
    else if (arg === 'withhash') o.withHash = true;
    else if (arg === 'withcoord') o.withCoord = true;
    else if (arg === 'any') o.any = true;
    else if (arg === 'asc') o.sort = 'asc';
    else if (arg === 'desc') o.sort = 'desc';
    else if (arg === 'count' && more >= 1) {
      const count = int64OrReply(c, argv[++i] as string);
      if (count === null) return null;
      if (count <= 0) {
        c.addReplyError(COUNT_OPTION_NOT_POSITIVE);
        return null;
      }
      o.count = Number(count);
    } else if ((arg === 'store' || arg === 'storedist') && more >= 1 && !noStore && !search) {
      o.store = argv[++i] as string;
      o.storeDist = arg === 'storedist';
    } else if (arg === 'storedist' && kind === KIND_SEARCHSTORE) o.storeDist = true;
    else if (arg === 'frommember' && more >= 1 && search && !fromLonLat) {
      const member = argv[++i] as string;
      fromMember = true;
      if (zset === null) continue;
      request.center = memberPointOrReply(c, zset, member);
      if (request.center === null) return null;
    } else if (arg === 'fromlonlat' && more >= 2 && search && !fromMember) {
      request.center = longLatOrReply(c, argv[i + 1] as string, argv[i + 2] as string);
      if (request.center === null) return null;
      fromLonLat = true;
      i += 2;
    } else if (arg === 'byradius' && more >= 2 && search && request.box === null) {
      const d = distanceOrReply(c, argv[i + 1] as string, argv[i + 2] as string, 'radius');
      if (d === null) return null;
      [request.radius, request.factor] = d;
      i += 2;
    } else if (arg === 'bybox' && more >= 3 && search && request.radius === null) {
      const b = boxOrReply(c, argv, i + 1);
      if (b === null) return null;
      request.box = [b[0], b[1]];
      request.factor = b[2];
      i += 3;
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  return checkSearch(c, argv, request, { kind, fromMember, fromLonLat });
}

function checkSearch(
  c: CommandContext,
  argv: string[],
  request: SearchRequest,
  parsed: { kind: number; fromMember: boolean; fromLonLat: boolean },
): SearchRequest | null {
  const o = request.options;
  const search = parsed.kind === KIND_SEARCH || parsed.kind === KIND_SEARCHSTORE;
  const name = argv[0] as string;
  if (o.store !== null && (o.withDist || o.withHash || o.withCoord)) {
    const what = parsed.kind === KIND_SEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    c.addReplyError(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
    return null;
  }
  if (search && !(parsed.fromMember || parsed.fromLonLat)) {
    c.addReplyError(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`);
    return null;
  }
  if (search && request.radius === null && request.box === null) {
    c.addReplyError(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`);
    return null;
  }
  if (o.any && o.count === 0) {
    c.addReplyError('ERR the ANY argument requires COUNT argument');
    return null;
  }
  return request;
}

function georadiusGeneric(c: CommandContext, argv: string[], kind: number, noStore = false): void {
  const zset = zsetForReadOrReply(c, argv[kind === KIND_SEARCHSTORE ? 2 : 1] as string);
  if (zset === undefined) return;
  const request = parseSearch(c, argv, { kind, noStore }, zset);
  if (request === null) return;
  const o = request.options;
  if (zset === null) {
    if (o.store === null) c.addReplyArrayLen(0);
    else {
      deleteStoreKey(c, o.store);
      c.addReplyLongLong(0);
    }
    return;
  }
  if (o.count !== 0 && o.sort === 'none' && !o.any) o.sort = 'asc';
  const center = request.center as [number, number];
  const factor = request.factor;
  let shape: Shape;
  let radiusMeters: number;
  if (request.box !== null) {
    const [w, h] = request.box;
    shape = { type: 'box', longitude: center[0], latitude: center[1], width: w * factor, height: h * factor };
    radiusMeters = Math.sqrt((w / 2) * (w / 2) + (h / 2) * (h / 2)) * factor;
  } else {
    radiusMeters = (request.radius as number) * factor;
    shape = { type: 'circle', longitude: center[0], latitude: center[1], radius: radiusMeters };
  }
  const found = membersInShape(zset, shape, radiusMeters, o.any ? o.count : 0);
  const returning = o.count === 0 || found.length < o.count ? found.length : o.count;
  if (o.sort !== 'none') sortFound(found, o.sort, returning);
  const returned = returning === found.length ? found : found.slice(0, returning);
  for (const f of returned) f.dist /= factor;
  if (o.store === null) replySearch(c, returned, o);
  else storeSearch(c, returned, { key: o.store, storeDist: o.storeDist, event: kind >= KIND_SEARCH ? 'geosearchstore' : 'georadiusstore' });
}

/**
 * Orders results by distance as Redis does: a stable full sort (glibc's qsort is a merge sort)
 * when all are returned, else Redis's partial quicksort, whose order for equal distances is
 * its own (util/pqsort.ts).
 */
function sortFound(found: Found[], sort: 'asc' | 'desc', returning: number): void {
  const asc = (a: Found, b: Found): number => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
  const cmp = sort === 'asc' ? asc : (a: Found, b: Found): number => -asc(a, b);
  if (returning === found.length) found.sort(cmp);
  else pqsort(found, cmp, 0, returning - 1);
}

function deleteStoreKey(c: CommandContext, key: string): void {
  if (c.keyspace.delete(c.db, key)) notifyKeyspaceEvent(c, NOTIFY.generic, 'del', key);
}

function replySearch(c: CommandContext, found: Found[], o: SearchOptions): void {
  const extra = (o.withDist ? 1 : 0) + (o.withHash ? 1 : 0) + (o.withCoord ? 1 : 0);
  c.addReplyArrayLen(found.length);
  for (const f of found) {
    if (extra > 0) c.addReplyArrayLen(extra + 1);
    c.addReplyBulk(f.member);
    if (o.withDist) addReplyDistance(c, f.dist);
    if (o.withHash) c.addReplyLongLong(f.score);
    if (o.withCoord) {
      c.addReplyArrayLen(2);
      addReplyHumanDouble(c, f.longitude);
      addReplyHumanDouble(c, f.latitude);
    }
  }
}

function storeSearch(c: CommandContext, found: Found[], target: { key: string; storeDist: boolean; event: string }): void {
  if (found.length === 0) {
    deleteStoreKey(c, target.key);
    c.addReplyLongLong(0);
    return;
  }
  const zset = new ZSetValue();
  zset.skiplist = true;
  for (const f of found) zset.add(f.member, target.storeDist ? f.dist : f.score);
  zsetSettleEncoding(zset, zsetLimits(c));
  const ks = c.keyspace;
  ks.setKey(c.db, target.key, zset);
  ks.dirty += found.length - 1;
  notifyKeyspaceEvent(c, NOTIFY.zset, target.event, target.key);
  c.addReplyLongLong(found.length);
}

export const geoCommands: CommandDef[] = [
  { name: 'geoadd', handler: geoaddCommand },
  { name: 'geodist', handler: geodistCommand },
  { name: 'geohash', handler: geohashCommand },
  { name: 'geopos', handler: geoposCommand },
  { name: 'georadius', handler: (c, argv) => georadiusGeneric(c, argv, KIND_GEORADIUS) },
  { name: 'georadius_ro', handler: (c, argv) => georadiusGeneric(c, argv, KIND_GEORADIUS, true) },
  { name: 'georadiusbymember', handler: (c, argv) => georadiusGeneric(c, argv, KIND_BYMEMBER) },
  { name: 'georadiusbymember_ro', handler: (c, argv) => georadiusGeneric(c, argv, KIND_BYMEMBER, true) },
  { name: 'geosearch', handler: (c, argv) => georadiusGeneric(c, argv, KIND_SEARCH) },
  { name: 'geosearchstore', handler: (c, argv) => georadiusGeneric(c, argv, KIND_SEARCHSTORE) },
];
