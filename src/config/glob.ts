// Glob matching for CONFIG GET patterns: `*`, `?`, `[abc]`, `[^a-z]`, and `\` escapes, as Redis's
// stringmatch. Iterative with a single backtrack point for `*`, so run time is bounded by
// pattern length × text length and there is no recursion. Redis equivalent: util.c stringmatchlen.

/** True when `text` matches `pattern`; `nocase` compares without case. */
export function globMatch(pattern: string, text: string, nocase: boolean): boolean {
  const p = nocase ? pattern.toLowerCase() : pattern;
  const t = nocase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let starP = -1;
  let starT = 0;
  while (ti < t.length) {
    const step = pi < p.length ? matchOne(p, pi, t[ti] ?? '') : null;
    if (p[pi] === '*') {
      starP = pi++;
      starT = ti;
    } else if (step !== null) {
      pi = step;
      ti++;
    } else if (starP >= 0) {
      pi = starP + 1;
      ti = ++starT;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** If the pattern element at `pi` matches `ch`, the index after that element; else null. */
function matchOne(p: string, pi: number, ch: string): number | null {
  const c = p[pi];
  if (c === '?') return pi + 1;
  if (c === '\\' && pi + 1 < p.length) return p[pi + 1] === ch ? pi + 2 : null;
  if (c !== '[') return c === ch ? pi + 1 : null;
  let i = pi + 1;
  const negate = p[i] === '^';
  if (negate) i++;
  let matched = false;
  while (i < p.length && p[i] !== ']') {
    if (p[i] === '\\' && i + 1 < p.length) {
      if (p[i + 1] === ch) matched = true;
      i += 2;
    } else if (p[i + 1] === '-' && i + 2 < p.length && p[i + 2] !== ']') {
      let lo = p[i] ?? '';
      let hi = p[i + 2] ?? '';
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) matched = true;
      i += 3;
    } else {
      if (p[i] === ch) matched = true;
      i++;
    }
  }
  // An unterminated class ends at the pattern's end, as Redis treats it.
  return matched !== negate ? Math.min(i + 1, p.length) : null;
}
