// Geohash as Redis's geo commands use it: a point is a 52-bit integer (26 bits of latitude in
// the even bit positions, 26 of longitude in the odd ones) stored as a sorted-set score, over
// Web Mercator's latitude range. Searches cover a shape with the geohash box of the centre and
// its 8 neighbours at a step estimated from the radius, then filter by distance. Every step
// below (ranges, rounding by truncation, neighbour moves, the step estimate and its correction,
// the order boxes are visited in) follows Redis's documented algorithm, because the results'
// order and digits are what clients see.
// Redis equivalent: geohash.c, geohash_helper.c.

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180;

export interface Range {
  min: number;
  max: number;
}

/** A geohash box: `step` bits per coordinate, interleaved in `bits`. */
export interface HashBits {
  bits: bigint;
  step: number;
}

export interface Area {
  longitude: Range;
  latitude: Range;
}

const WGS84_LONG: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const WGS84_LAT: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

/** The 16 low bits of x spread to the even bit positions of a 32-bit value. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** A uint32's bits spread to the even positions of 64 (two number halves, one BigInt join). */
function spreadBig(v: bigint): bigint {
  const n = Number(v);
  return (BigInt(spread16(Math.floor(n / 0x10000))) << 32n) | BigInt(spread16(n));
}

/** Truncation to uint32 as C's (uint32_t) cast does for the offsets (always >= 0 here). */
function toUint32(x: number): bigint {
  return BigInt(Math.trunc(x) >>> 0);
}

/** The box of `step` containing the point, or null outside the ranges (Redis refuses those). */
export function geohashEncode(
  longRange: Range, latRange: Range, point: { longitude: number; latitude: number }, step: number,
): HashBits | null {
  const { longitude, latitude } = point;
  if (longitude > 180 || longitude < -180 || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) {
    return null;
  }
  const latOffset = ((latitude - latRange.min) / (latRange.max - latRange.min)) * 2 ** step;
  const longOffset = ((longitude - longRange.min) / (longRange.max - longRange.min)) * 2 ** step;
  return { bits: spreadBig(toUint32(latOffset)) | (spreadBig(toUint32(longOffset)) << 1n), step };
}

export function geohashEncodeWGS84(longitude: number, latitude: number, step = GEO_STEP_MAX): HashBits | null {
  return geohashEncode(WGS84_LONG, WGS84_LAT, { longitude, latitude }, step);
}

/** The 52-bit score of a full-precision box (step 26). */
export function hashToScore(hash: HashBits): number {
  return Number(hash.bits << BigInt(52 - hash.step * 2));
}

const STEP_MAX_SCALE = 2 ** GEO_STEP_MAX;
const LAT_SPAN = GEO_LAT_MAX - GEO_LAT_MIN;
const LONG_SPAN = GEO_LONG_MAX - GEO_LONG_MIN;

/** Even bits of a 32-bit value, packed into its low 16 bits. */
function compact(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/**
 * The centre of the step-26 box a score encodes, as [longitude, latitude], clamped to the
 * valid ranges. Number arithmetic only: this runs for every candidate of a search.
 */
export function scoreToLongLat<T extends [number, number] | [number, number, number]>(score: number, out: T): T {
  const hi = Math.floor(score / 0x4000000); // bits 26 and up
  const lo = score - hi * 0x4000000; // bits 0..25
  const latInt = compact(hi) * 0x2000 + compact(lo);
  const longInt = compact(hi >>> 1) * 0x2000 + compact(lo >>> 1);
  const scale = STEP_MAX_SCALE;
  const latSpan = LAT_SPAN;
  const longSpan = LONG_SPAN;
  const latMin = GEO_LAT_MIN + (latInt / scale) * latSpan;
  const latMax = GEO_LAT_MIN + ((latInt + 1) / scale) * latSpan;
  const longMin = GEO_LONG_MIN + (longInt / scale) * longSpan;
  const longMax = GEO_LONG_MIN + ((longInt + 1) / scale) * longSpan;
  let longitude = (longMin + longMax) / 2;
  let latitude = (latMin + latMax) / 2;
  if (longitude > GEO_LONG_MAX) longitude = GEO_LONG_MAX;
  if (longitude < GEO_LONG_MIN) longitude = GEO_LONG_MIN;
  if (latitude > GEO_LAT_MAX) latitude = GEO_LAT_MAX;
  if (latitude < GEO_LAT_MIN) latitude = GEO_LAT_MIN;
  out[0] = longitude;
  out[1] = latitude;
  return out;
}

/** The even bits of a 64-bit value packed into 32 (the inverse of spreadBig). */
function unspreadBig(v: bigint): bigint {
  const lo = Number(v & 0xffffffffn);
  const hi = Number((v >> 32n) & 0xffffffffn);
  return BigInt(compact(hi) * 0x10000 + compact(lo));
}

/** The area of a box (geohashDecode). */
export function geohashDecode(longRange: Range, latRange: Range, hash: HashBits): Area {
  const latInt = Number(unspreadBig(hash.bits));
  const longInt = Number(unspreadBig(hash.bits >> 1n));
  const scale = 2 ** hash.step;
  const latSpan = latRange.max - latRange.min;
  const longSpan = longRange.max - longRange.min;
  return {
    latitude: { min: latRange.min + (latInt / scale) * latSpan, max: latRange.min + ((latInt + 1) / scale) * latSpan },
    longitude: { min: longRange.min + (longInt / scale) * longSpan, max: longRange.min + ((longInt + 1) / scale) * longSpan },
  };
}

// ------------------------------------------------------------------ distances

export function degRad(angle: number): number {
  return angle * D_R;
}

function radDeg(angle: number): number {
  return angle / D_R;
}

export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2) - degRad(lat1));
}

/** Haversine great-circle distance in meters. */
export function geoDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const v = Math.sin((degRad(lon2) - degRad(lon1)) / 2);
  if (v === 0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

// ------------------------------------------------------------------ search areas

/** A search shape in meters: a circle of `radius`, or a `width` x `height` box. */
export type Shape =
  | { type: 'circle'; longitude: number; latitude: number; radius: number }
  | { type: 'box'; longitude: number; latitude: number; width: number; height: number };

/** The distance of a point from the shape's centre when the point is inside, else null. */
export function distanceIfInShape(shape: Shape, longitude: number, latitude: number): number | null {
  if (shape.type === 'circle') {
    const d = geoDistance(shape.longitude, shape.latitude, longitude, latitude);
    return d > shape.radius ? null : d;
  }
  if (latDistance(latitude, shape.latitude) > shape.height / 2) return null;
  if (geoDistance(longitude, latitude, shape.longitude, latitude) > shape.width / 2) return null;
  return geoDistance(shape.longitude, shape.latitude, longitude, latitude);
}

/**
 * A circle search's per-search constants: each candidate then costs one comparison when its
 * latitude alone puts it outside, else exactly geoDistance's arithmetic with the centre's terms
 * computed once (the same operations in the same order, so the same bits as Redis).
 */
export interface CircleProbe {
  lonR: number;
  latR: number;
  cosLat: number;
  radius: number;
  /** Latitude distances above this are outside whatever rounding does: d >= R * |dlat|. */
  latReject: number;
}

export function circleProbe(longitude: number, latitude: number, radius: number): CircleProbe {
  const latR = degRad(latitude);
  return { lonR: degRad(longitude), latR, cosLat: Math.cos(latR), radius, latReject: radius * (1 + 1e-9) };
}

/**
 * Whether the point [longitude, latitude] in `point` lies in the circle; when it does, its
 * distance from the centre is written to point[2]. Nothing is returned as a double: a double
 * returned from a call that is not inlined is a heap allocation per candidate.
 */
export function pointInCircle(p: CircleProbe, point: [number, number, number]): boolean {
  const lat2r = degRad(point[1]);
  const latD = EARTH_RADIUS_IN_METERS * Math.abs(lat2r - p.latR);
  if (latD > p.latReject) return false;
  const v = Math.sin((degRad(point[0]) - p.lonR) / 2);
  let d: number;
  if (v === 0) d = latD;
  else {
    const u = Math.sin((lat2r - p.latR) / 2);
    const a = u * u + p.cosLat * Math.cos(lat2r) * v * v;
    d = 2 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
  }
  if (d > p.radius) return false;
  point[2] = d;
  return true;
}

function estimateSteps(rangeMeters: number, latitude: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (latitude > 66 || latitude < -66) {
    step--;
    if (latitude > 80 || latitude < -80) step--;
  }
  return Math.min(26, Math.max(1, step));
}

function boundingBox(shape: Shape): { minLon: number; minLat: number; maxLon: number; maxLat: number } {
  const { longitude, latitude } = shape;
  const height = shape.type === 'circle' ? shape.radius : shape.height / 2;
  const width = shape.type === 'circle' ? shape.radius : shape.width / 2;
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude - latDelta)));
  const southern = latitude < 0;
  return {
    minLon: southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    maxLon: southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    minLat: latitude - latDelta,
    maxLat: latitude + latDelta,
  };
}

const X_MASK = 0xaaaaaaaaaaaaaaaan;
const Y_MASK = 0x5555555555555555n;
const U64 = (1n << 64n) - 1n;

function moveX(hash: HashBits, d: number): HashBits {
  const shift = BigInt(64 - hash.step * 2);
  let x = hash.bits & X_MASK;
  const y = hash.bits & Y_MASK;
  const zz = Y_MASK >> shift;
  x = d > 0 ? (x + (zz + 1n)) & U64 : ((x | zz) - (zz + 1n)) & U64;
  x &= X_MASK >> shift;
  return { bits: x | y, step: hash.step };
}

function moveY(hash: HashBits, d: number): HashBits {
  const shift = BigInt(64 - hash.step * 2);
  const x = hash.bits & X_MASK;
  let y = hash.bits & Y_MASK;
  const zz = X_MASK >> shift;
  y = d > 0 ? (y + (zz + 1n)) & U64 : ((y | zz) - (zz + 1n)) & U64;
  y &= Y_MASK >> shift;
  return { bits: x | y, step: hash.step };
}

/** The boxes to scan, in Redis's order: centre, N, S, E, W, NE, NW, SE, SW (null = skipped). */
export function searchBoxes(shape: Shape, radiusMeters: number): (HashBits | null)[] {
  const bounds = boundingBox(shape);
  let steps = estimateSteps(radiusMeters, shape.latitude);
  let hash = geohashEncodeWGS84(shape.longitude, shape.latitude, steps) as HashBits;
  let area = geohashDecode(WGS84_LONG, WGS84_LAT, hash);
  const decode = (h: HashBits): Area => geohashDecode(WGS84_LONG, WGS84_LAT, h);
  const north = decode(moveY(hash, 1));
  const south = decode(moveY(hash, -1));
  const east = decode(moveX(hash, 1));
  const west = decode(moveX(hash, -1));
  const decrease =
    north.latitude.max < bounds.maxLat ||
    south.latitude.min > bounds.minLat ||
    east.longitude.max < bounds.maxLon ||
    west.longitude.min > bounds.minLon;
  if (steps > 1 && decrease) {
    steps--;
    hash = geohashEncodeWGS84(shape.longitude, shape.latitude, steps) as HashBits;
    area = decode(hash);
  }
  const n = moveY(hash, 1);
  const s = moveY(hash, -1);
  const e = moveX(hash, 1);
  const w = moveX(hash, -1);
  const boxes: (HashBits | null)[] = [hash, n, s, e, w, moveY(e, 1), moveY(w, 1), moveY(e, -1), moveY(w, -1)];
  if (steps >= 2) {
    const drop = (...indexes: number[]): void => {
      for (const i of indexes) boxes[i] = null;
    };
    if (area.latitude.min < bounds.minLat) drop(2, 8, 7);
    if (area.latitude.max > bounds.maxLat) drop(1, 5, 6);
    if (area.longitude.min < bounds.minLon) drop(4, 8, 6);
    if (area.longitude.max > bounds.maxLon) drop(3, 7, 5);
  }
  return boxes;
}

/** The score interval [min, max) of a box's members. */
export function boxScoreRange(hash: HashBits): { min: number; max: number } {
  const shift = BigInt(52 - hash.step * 2);
  return { min: Number(hash.bits << shift), max: Number((hash.bits + 1n) << shift) };
}

const GEO_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** The standard 11-character geohash of a stored score (latitude re-encoded over ±90). */
export function standardGeohash(score: number): string {
  const [longitude, latitude] = scoreToLongLat(score, [0, 0]);
  const hash = geohashEncode({ min: -180, max: 180 }, { min: -90, max: 90 }, { longitude, latitude }, GEO_STEP_MAX);
  const bits = hash?.bits ?? 0n;
  let out = '';
  for (let i = 0; i < 11; i++) {
    const index = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEO_ALPHABET[index] as string;
  }
  return out;
}
