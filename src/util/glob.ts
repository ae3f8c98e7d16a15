// Glob-style matching with Redis's rules: * ? [abc] [^abc] [a-z] and \ escapes, over latin1
// strings (bytes). Used by KEYS, SCAN MATCH, PSUBSCRIBE and PUBSUB CHANNELS.
// Redis equivalent: stringmatchlen in util.c, whose corner cases are reproduced on purpose:
// - an empty string matches only the empty pattern ("*" does not match ""; KEYS and SCAN treat
//   a lone "*" as "everything" before matching, as Redis does);
// - "[]" is an empty class that never matches ("[^]" matches any byte) and the "]" after it is
//   then a literal; an unterminated class ends at the end of the pattern;
// - "x-y" inside a class is a range whenever two pattern bytes follow the "x", even when the
//   last of them is the class's "]" (so "[a-]" keeps reading past that "]");
// - a trailing "\" is a literal backslash.
// Recursion happens only at '*' (depth bounded by the number of stars, capped), and a failed
// star tells the outer stars to give up, which keeps matching polynomial.

const MAX_STARS_DEPTH = 1000;

export function globMatch(pattern: string, text: string, nocase = false): boolean {
  const state = { skipLongerMatches: false };
  return matchFrom(pattern, 0, text, 0, nocase, 0, state);
}

function fold(code: number, nocase: boolean): number {
  return nocase && code >= 65 && code <= 90 ? code + 32 : code;
}

// eslint-disable-next-line max-params -- the recursion's state (Redis's stringmatchlen); an object per '*' would allocate at every backtrack
function matchFrom(
  p: string,
  pi: number,
  s: string,
  si: number,
  nocase: boolean,
  depth: number,
  state: { skipLongerMatches: boolean },
): boolean {
  if (depth > MAX_STARS_DEPTH) return false;
  const pEnd = p.length;
  const sEnd = s.length;
  while (pi < pEnd && si < sEnd) {
    const pc = p.charCodeAt(pi);
    if (pc === 0x2a /* '*' */) {
      while (pi + 1 < pEnd && p.charCodeAt(pi + 1) === 0x2a) pi++;
      if (pi + 1 === pEnd) return true;
      for (; si < sEnd; si++) {
        if (matchFrom(p, pi + 1, s, si, nocase, depth + 1, state)) return true;
        if (state.skipLongerMatches) return false;
      }
      state.skipLongerMatches = true;
      return false;
    } else if (pc === 0x3f /* '?' */) {
      si++;
    } else if (pc === 0x5b /* '[' */) {
      const result = matchClass(p, pi + 1, fold(s.charCodeAt(si), nocase), nocase);
      if (!result.matched) return false;
      pi = result.last;
      si++;
    } else {
      if (pc === 0x5c /* '\\' */ && pEnd - pi >= 2) pi++;
      if (fold(p.charCodeAt(pi), nocase) !== fold(s.charCodeAt(si), nocase)) return false;
      si++;
    }
    pi++;
    if (si === sEnd) {
      while (pi < pEnd && p.charCodeAt(pi) === 0x2a) pi++;
      break;
    }
  }
  return pi === pEnd && si === sEnd;
}

/**
 * Matches one byte against the class whose body starts at `start` (just after '['). Returns
 * whether it matched and the index of the class's last pattern byte (normally its ']').
 */
function matchClass(
  p: string,
  start: number,
  c: number,
  nocase: boolean,
): { matched: boolean; last: number } {
  const pEnd = p.length;
  let pi = start;
  const not = pi < pEnd && p.charCodeAt(pi) === 0x5e; /* '^' */
  if (not) pi++;
  let matched = false;
  for (;;) {
    if (pi >= pEnd) {
      pi = pEnd - 1; // unterminated: the class ends with the pattern
      break;
    }
    const pc = p.charCodeAt(pi);
    if (pc === 0x5c /* '\\' */ && pEnd - pi >= 2) {
      pi++;
      if (p.charCodeAt(pi) === c) matched = true;
    } else if (pc === 0x5d /* ']' */) {
      break;
    } else if (pEnd - pi >= 3 && p.charCodeAt(pi + 1) === 0x2d /* '-' */) {
      let low = fold(pc, nocase);
      let high = fold(p.charCodeAt(pi + 2), nocase);
      if (low > high) [low, high] = [high, low];
      if (c >= low && c <= high) matched = true;
      pi += 2;
    } else if (fold(pc, nocase) === c) {
      matched = true;
    }
    pi++;
  }
  return { matched: not ? !matched : matched, last: pi };
}
