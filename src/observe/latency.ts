// Latency measurements: the latency monitor (named events such as "command", "aof-fsync-always",
// "rdb-slice" or "expire-cycle" whose duration reached latency-monitor-threshold, kept as a
// per-second time series) and the per-command latency histograms behind INFO latencystats and
// LATENCY HISTOGRAM. It never decides what is slow enough to matter beyond the threshold, and
// never writes replies: the LATENCY command (commands/latency.ts) formats what is kept here.
// Redis equivalent: latency.c (the monitor) and the hdr_histogram use in server.c.

/** Redis's LATENCY_TS_LEN: samples kept per event (one per second at most). */
export const LATENCY_SAMPLES_MAX = 160;

export interface LatencySample {
  timeSec: number;
  latencyMs: number;
}

export interface LatencyEvent {
  samples: LatencySample[];
  maxMs: number;
}

/**
 * The latency monitor. `thresholdMs` follows latency-monitor-threshold (0 disables it, as in
 * Redis). Durations are whole milliseconds (Redis measures them with a ms clock too).
 */
export class LatencyMonitor {
  thresholdMs = 0;
  readonly events = new Map<string, LatencyEvent>();

  /** Records `event` if monitoring is on and `durationMs` reached the threshold. */
  addSampleIfNeeded(event: string, durationMs: number): void {
    const ms = Math.floor(durationMs);
    if (this.thresholdMs <= 0 || ms < this.thresholdMs) return;
    this.addSample(event, ms, Math.floor(Date.now() / 1000));
  }

  /** Adds a sample; two in the same second keep the larger, as Redis does. */
  addSample(event: string, latencyMs: number, timeSec: number): void {
    let e = this.events.get(event);
    if (e === undefined) {
      e = { samples: [], maxMs: 0 };
      this.events.set(event, e);
    }
    if (latencyMs > e.maxMs) e.maxMs = latencyMs;
    const last = e.samples[e.samples.length - 1];
    if (last !== undefined && last.timeSec === timeSec) {
      if (latencyMs > last.latencyMs) last.latencyMs = latencyMs;
      return;
    }
    e.samples.push({ timeSec, latencyMs });
    if (e.samples.length > LATENCY_SAMPLES_MAX) e.samples.shift();
  }

  /** LATENCY RESET: every event when `names` is empty; returns how many were reset. */
  reset(names: readonly string[]): number {
    if (names.length === 0) {
      const count = this.events.size;
      this.events.clear();
      return count;
    }
    let count = 0;
    for (const name of names) if (this.events.delete(name)) count++;
    return count;
  }
}

// ---------------------------------------------------------------------------------------------
// Per-command latency histograms.
// ---------------------------------------------------------------------------------------------

/**
 * Values are nanoseconds between 1 ns and 1 s, bucketed with two significant decimal digits:
 * values below 256 are exact; above, each power-of-two range [2^k, 2^(k+1)) is cut into 128
 * equal steps. That is the resolution INFO latencystats reports (e.g. 9000 ns reads as 9.023 us,
 * the highest value of its step), the same resolution as Redis's HDR histograms.
 */
const SUB_BUCKETS = 256;
const HALF_SUB_BUCKETS = 128;
const VALUE_MIN_NS = 1;
const VALUE_MAX_NS = 1_000_000_000;
const BUCKETS = 1 + Math.ceil(Math.log2(VALUE_MAX_NS)) - 7; // power-of-two ranges above 256
const COUNTS_LENGTH = SUB_BUCKETS + BUCKETS * HALF_SUB_BUCKETS;

export class LatencyHistogram {
  readonly #counts = new Float64Array(COUNTS_LENGTH);
  totalCount = 0;

  record(valueNs: number): void {
    const v = Math.min(VALUE_MAX_NS, Math.max(VALUE_MIN_NS, Math.round(valueNs)));
    const index = indexOf(v);
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
    this.totalCount++;
  }

  /** The value (ns) at `percentile` (0..100): the highest value of the step holding it. */
  valueAtPercentile(percentile: number): number {
    if (this.totalCount === 0) return 0;
    const wanted = Math.max(1, Math.round((Math.min(percentile, 100) / 100) * this.totalCount));
    let seen = 0;
    for (let i = 0; i < COUNTS_LENGTH; i++) {
      seen += this.#counts[i] ?? 0;
      if (seen >= wanted) return highestValueOf(i);
    }
    return highestValueOf(COUNTS_LENGTH - 1);
  }

  /**
   * Cumulative counts at power-of-two bounds from 1024 ns up, each labelled with the highest
   * value (in whole microseconds) its step holds; only bounds where the count grew are listed
   * (LATENCY HISTOGRAM's histogram_usec).
   */
  cumulativeUsec(): [number, number][] {
    const out: [number, number][] = [];
    let seen = 0;
    let index = 0;
    for (let boundNs = 1024; seen < this.totalCount && index < COUNTS_LENGTH; boundNs *= 2) {
      const boundIndex = indexOf(Math.min(boundNs, VALUE_MAX_NS));
      let added = 0;
      while (index <= boundIndex) added += this.#counts[index++] ?? 0;
      seen += added;
      if (added > 0) out.push([Math.floor(highestValueOf(boundIndex) / 1000), seen]);
    }
    return out;
  }
}

/** `v` is an integer in [VALUE_MIN_NS, VALUE_MAX_NS], below 2^31: int32 bit operations hold. */
function indexOf(v: number): number {
  if (v < SUB_BUCKETS) return v;
  // Integer-only (clz32 and a shift, no Math.log2 or 2 ** n): this runs once per command.
  const bucket = 31 - Math.clz32(v) - 7; // >= 1
  const sub = v >>> bucket; // 128..255
  return SUB_BUCKETS + (bucket - 1) * HALF_SUB_BUCKETS + (sub - HALF_SUB_BUCKETS);
}

function highestValueOf(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const rel = index - SUB_BUCKETS;
  const bucket = Math.floor(rel / HALF_SUB_BUCKETS) + 1;
  const sub = (rel % HALF_SUB_BUCKETS) + HALF_SUB_BUCKETS;
  const step = 2 ** bucket;
  return sub * step + step - 1;
}

/** The histograms of every command that ran, by full name ("get", "config|set"). */
export class CommandLatencies {
  readonly byCommand = new Map<string, LatencyHistogram>();
  /** Stats slots holding a histogram of byCommand, cleared with it. */
  #slots: { latency: LatencyHistogram | null }[] = [];

  /** Records one call; `slot` (the command's stats) caches its histogram. */
  record(fullName: string, slot: { latency: LatencyHistogram | null }, durationNs: number): void {
    let h = slot.latency;
    if (h === null) {
      h = this.byCommand.get(fullName) ?? new LatencyHistogram();
      this.byCommand.set(fullName, h);
      slot.latency = h;
      this.#slots.push(slot);
    }
    h.record(durationNs);
  }

  reset(): void {
    this.byCommand.clear();
    for (const slot of this.#slots) slot.latency = null;
    this.#slots = [];
  }
}

/**
 * latency-tracking-info-percentiles as numbers ("50 99 99.9" -> [50, 99, 99.9]), and each
 * one's label as Redis prints it (p50, p99, p99.9).
 */
export function parsePercentiles(text: string): number[] {
  return text.split(' ').filter((w) => w !== '').map(Number);
}

export function percentileLabel(p: number): string {
  return `p${formatTrimmed(p)}`;
}

/** %f without trailing zeros (50 -> "50", 99.9 -> "99.9"), as Redis labels percentiles. */
function formatTrimmed(value: number): string {
  let text = value.toFixed(6);
  text = text.replace(/0+$/, '');
  return text.endsWith('.') ? text.slice(0, -1) : text;
}
