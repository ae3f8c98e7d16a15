// Partial quicksort: sorts an array just enough that positions [lrange, rrange] hold the
// elements a full sort would put there. This is Bentley and McIlroy's quicksort ("Engineering a
// Sort Function", 1993: median-of-three / ninther pivots, fat partitioning that gathers keys
// equal to the pivot at the ends, insertion sort below 7 elements), skipping the partitions
// that lie wholly outside the range. Redis sorts GEORADIUS ... COUNT results with this algorithm,
// which is not stable: to return equal-distance members in Redis's order, the same algorithm
// has to run. Redis equivalent: pqsort.c.

type Compare<T> = (a: T, b: T) => number;

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i] as T;
  a[i] = a[j] as T;
  a[j] = t;
}

/** Swaps the n elements starting at i with the n starting at j. */
function vecswap<T>(a: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

// eslint-disable-next-line max-params -- BSD qsort's med3, the sort's inner step: an object per call would allocate in the sort loop
function med3<T>(a: T[], i: number, j: number, k: number, cmp: Compare<T>): number {
  const ai = a[i] as T;
  const aj = a[j] as T;
  const ak = a[k] as T;
  if (cmp(ai, aj) < 0) return cmp(aj, ak) < 0 ? j : cmp(ai, ak) < 0 ? k : i;
  return cmp(aj, ak) > 0 ? j : cmp(ai, ak) < 0 ? i : k;
}

/** True when the element span [lo, lo + n) overlaps the wanted range. */
function overlaps(lo: number, n: number, lrange: number, rrange: number): boolean {
  const hi = lo + n;
  return !((lrange < lo && rrange < lo) || (lrange >= hi && rrange >= hi));
}

function choosePivot<T>(a: T[], base: number, n: number, cmp: Compare<T>): number {
  let pm = base + Math.floor(n / 2);
  if (n > 7) {
    let pl = base;
    let pn = base + n - 1;
    if (n > 40) {
      const d = Math.floor(n / 8);
      pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
      pm = med3(a, pm - d, pm, pm + d, cmp);
      pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
    }
    pm = med3(a, pl, pm, pn, cmp);
  }
  return pm;
}

function sortSpan<T>(a: T[], start: number, count: number, range: { l: number; r: number; cmp: Compare<T> }): void {
  const cmp = range.cmp;
  let base = start;
  let n = count;
  for (;;) {
    if (n < 7) {
      for (let pm = base + 1; pm < base + n; pm++) {
        for (let pl = pm; pl > base && cmp(a[pl - 1] as T, a[pl] as T) > 0; pl--) swap(a, pl, pl - 1);
      }
      return;
    }
    swap(a, base, choosePivot(a, base, n, cmp));
    let pa = base + 1;
    let pb = pa;
    let pc = base + n - 1;
    let pd = pc;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(a[pb] as T, a[base] as T)) <= 0) {
        if (r === 0) swap(a, pa++, pb);
        pb++;
      }
      while (pb <= pc && (r = cmp(a[pc] as T, a[base] as T)) >= 0) {
        if (r === 0) swap(a, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(a, pb++, pc--);
    }
    const pn = base + n;
    let s = Math.min(pa - base, pb - pa);
    vecswap(a, base, pb - s, s);
    s = Math.min(pd - pc, pn - pd - 1);
    vecswap(a, pb, pn - s, s);
    const left = pb - pa;
    if (left > 1 && overlaps(base, left, range.l, range.r)) sortSpan(a, base, left, range);
    const right = pd - pc;
    if (right <= 1) return;
    base = pn - right;
    n = right;
    if (!overlaps(base, n, range.l, range.r)) return;
  }
}

/** Sorts `a` in place so that indexes lrange..rrange hold what a full sort would put there. */
export function pqsort<T>(a: T[], cmp: Compare<T>, lrange: number, rrange: number): void {
  sortSpan(a, 0, a.length, { l: lrange, r: rrange, cmp });
}
