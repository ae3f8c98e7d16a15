// Glob-style matching with Redis's rules: * ? [abc] [^abc] [a-z] and \ escapes, over latin1
// strings (bytes). Used by KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET.
// Redis equivalent: stringmatchlen in util.c. Iterative except for '*', whose recursion depth is
// bounded by the number of stars in the pattern (which a client controls, so it is capped).

const MAX_STARS_DEPTH = 1000;

export function globMatch(pattern: string, text: string, nocase = false): boolean {
  if (pattern === '*') return true;
  return matchFrom(pattern, 0, text, 0, nocase, 0);
}

function lower(c: string): string {
  return c.toLowerCase();
}

function matchFrom(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): boolean {
  if (depth > MAX_STARS_DEPTH) return false;
  while (pi < p.length) {
    const pc = p[pi] as string;
    if (pc === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) {
        if (matchFrom(p, pi + 1, s, k, nocase, depth + 1)) return true;
      }
      return false;
    }
    if (si >= s.length) return false;
    const sc = s[si] as string;
    if (pc === '?') {
      pi++;
      si++;
      continue;
    }
    if (pc === '[') {
      const result = matchClass(p, pi + 1, sc, nocase);
      if (!result.matched) return false;
      pi = result.next;
      si++;
      continue;
    }
    let literal = pc;
    if (pc === '\\' && pi + 1 < p.length) {
      pi++;
      literal = p[pi] as string;
    }
    if (nocase ? lower(literal) !== lower(sc) : literal !== sc) return false;
    pi++;
    si++;
  }
  return si === s.length;
}

/** Matches one char against a [...] class starting after '['; returns where the pattern resumes. */
function matchClass(p: string, start: number, c: string, nocase: boolean): { matched: boolean; next: number } {
  let pi = start;
  const not = p[pi] === '^';
  if (not) pi++;
  let matched = false;
  for (;;) {
    const pc = p[pi];
    if (pc === undefined) {
      // Unterminated class: Redis treats the end of pattern as the end of the class.
      break;
    }
    if (pc === '\\' && pi + 2 < p.length + 1 && p[pi + 1] !== undefined) {
      pi++;
      if (p[pi] === c) matched = true;
    } else if (pc === ']') {
      break;
    } else if (p[pi + 1] === '-' && p[pi + 2] !== undefined && p[pi + 2] !== ']') {
      let startChar = pc;
      let endChar = p[pi + 2] as string;
      if (startChar > endChar) [startChar, endChar] = [endChar, startChar];
      let cc = c;
      if (nocase) {
        startChar = lower(startChar);
        endChar = lower(endChar);
        cc = lower(c);
      }
      if (cc >= startChar && cc <= endChar) matched = true;
      pi += 2;
    } else if (nocase ? lower(pc) === lower(c) : pc === c) {
      matched = true;
    }
    pi++;
  }
  if (not) matched = !matched;
  // Skip past the closing ']' (or stay at the end for an unterminated class).
  return { matched, next: pi < p.length ? pi + 1 : pi };
}
