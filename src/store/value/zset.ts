// In-memory sorted set: a dict (member -> score) plus a skip list ordered by (score, member),
// with spans so rank queries are O(log n). Redis equivalent: t_zset.c (zskiplist + dict).
//
//   level 2:  head ----------------------> n3 -------------> null
//   level 1:  head ------> n1 -----------> n3 ------> n4 --> null
//   level 0:  head -> n0 -> n1 -> n2 -----> n3 -> ... n4 --> null
//
// `span` on a forward link counts the level-0 nodes it skips, so summing spans along a search
// path gives a node's 1-based rank. Ordering ties on score are broken by binary (latin1) member
// comparison, exactly as Redis compares with memcmp.

import { assert } from '../../assert.js';

const MAX_LEVEL = 32;
const LEVEL_P = 0.25;

interface Level {
  forward: ZNode | null;
  span: number;
}

export class ZNode {
  member: string;
  score: number;
  backward: ZNode | null = null;
  levels: Level[];
  constructor(member: string, score: number, level: number) {
    this.member = member;
    this.score = score;
    this.levels = new Array<Level>(level);
    for (let i = 0; i < level; i++) this.levels[i] = { forward: null, span: 0 };
  }
}

/** Binary comparison of latin1 strings (memcmp order). */
export function compareMembers(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Scratch for #insert and #delete (synchronous, never re-entered): each level's last node
 * before the insertion point and its rank. Reused so an insert allocates only its node.
 */
const scratchUpdate = new Array<ZNode>(MAX_LEVEL);
const scratchRank = new Array<number>(MAX_LEVEL).fill(0);

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < LEVEL_P) level++;
  return level;
}

function lessThan(node: ZNode, score: number, member: string): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

/** Score range with Redis's exclusive flags: (min and (max. */
export interface ScoreRange {
  min: number;
  max: number;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/** Lex range: null bound means -inf (min) or +inf (max). */
export interface LexRange {
  min: string | null;
  max: string | null;
  minExclusive: boolean;
  maxExclusive: boolean;
  minInfinite: 'neg' | 'pos' | null;
  maxInfinite: 'neg' | 'pos' | null;
}

export function scoreGteMin(score: number, range: ScoreRange): boolean {
  return range.minExclusive ? score > range.min : score >= range.min;
}
export function scoreLteMax(score: number, range: ScoreRange): boolean {
  return range.maxExclusive ? score < range.max : score <= range.max;
}
export function lexGteMin(member: string, range: LexRange): boolean {
  if (range.minInfinite === 'neg') return true;
  if (range.minInfinite === 'pos') return false;
  const c = compareMembers(member, range.min as string);
  return range.minExclusive ? c > 0 : c >= 0;
}
export function lexLteMax(member: string, range: LexRange): boolean {
  if (range.maxInfinite === 'pos') return true;
  if (range.maxInfinite === 'neg') return false;
  const c = compareMembers(member, range.max as string);
  return range.maxExclusive ? c < 0 : c <= 0;
}

export class ZSetValue implements Iterable<[string, number]> {
  readonly dict = new Map<string, number>();
  /** Mirrors Redis's sticky listpack -> skiplist conversion, for OBJECT ENCODING and RDB. */
  skiplist = false;
  /** Grows a level at a time as #level does (most sets never pass level 2 or 3). */
  #head = new ZNode('', 0, 1);
  #tail: ZNode | null = null;
  #level = 1;

  get size(): number {
    return this.dict.size;
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  /** Adds a member or updates its score. Returns true when the member is new. */
  add(member: string, score: number): boolean {
    assert(!Number.isNaN(score), 'zset score is NaN');
    const current = this.dict.get(member);
    if (current === undefined) {
      this.#insert(member, score);
      this.dict.set(member, score);
      return true;
    }
    if (current !== score) {
      this.#delete(member, current);
      this.#insert(member, score);
      this.dict.set(member, score);
    }
    return false;
  }

  /** Removes a member. Returns true when it was present. */
  remove(member: string): boolean {
    const current = this.dict.get(member);
    if (current === undefined) return false;
    this.#delete(member, current);
    this.dict.delete(member);
    return true;
  }

  /** 0-based rank in ascending order, or undefined when absent. */
  rank(member: string): number | undefined {
    const score = this.dict.get(member);
    if (score === undefined) return undefined;
    let rank = 0;
    let x = this.#head;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (;;) {
        const level = x.levels[i] as Level;
        const next = level.forward;
        if (next === null) break;
        if (!(lessThan(next, score, member) || (next.score === score && next.member === member))) {
          break;
        }
        rank += level.span;
        x = next;
      }
      if (x !== this.#head && x.member === member) return rank - 1;
    }
    return undefined;
  }

  /** Node at 0-based ascending rank, or null. O(log n). */
  nodeAtRank(rank: number): ZNode | null {
    if (rank < 0 || rank >= this.size) return null;
    const target = rank + 1;
    let traversed = 0;
    let x = this.#head;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (;;) {
        const level = x.levels[i] as Level;
        if (level.forward === null || traversed + level.span > target) break;
        traversed += level.span;
        x = level.forward;
      }
      if (traversed === target) return x;
    }
    return null;
  }

  first(): ZNode | null {
    return (this.#head.levels[0] as Level).forward;
  }

  last(): ZNode | null {
    return this.#tail;
  }

  static next(node: ZNode): ZNode | null {
    return (node.levels[0] as Level).forward;
  }

  /** First node whose score is within range (ascending), or null. */
  firstInScoreRange(range: ScoreRange): ZNode | null {
    let x = this.#head;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (;;) {
        const next = (x.levels[i] as Level).forward;
        if (next === null || scoreGteMin(next.score, range)) break;
        x = next;
      }
    }
    const candidate = (x.levels[0] as Level).forward;
    if (candidate === null || !scoreLteMax(candidate.score, range)) return null;
    return candidate;
  }

  /** Last node whose score is within range (for reverse scans), or null. */
  lastInScoreRange(range: ScoreRange): ZNode | null {
    let x = this.#head;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (;;) {
        const next = (x.levels[i] as Level).forward;
        if (next === null || !scoreLteMax(next.score, range)) break;
        x = next;
      }
    }
    if (x === this.#head || !scoreGteMin(x.score, range)) return null;
    return x;
  }

  firstInLexRange(range: LexRange): ZNode | null {
    let x = this.#head;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (;;) {
        const next = (x.levels[i] as Level).forward;
        if (next === null || lexGteMin(next.member, range)) break;
        x = next;
      }
    }
    const candidate = (x.levels[0] as Level).forward;
    if (candidate === null || !lexLteMax(candidate.member, range)) return null;
    return candidate;
  }

  lastInLexRange(range: LexRange): ZNode | null {
    let x = this.#head;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (;;) {
        const next = (x.levels[i] as Level).forward;
        if (next === null || !lexLteMax(next.member, range)) break;
        x = next;
      }
    }
    if (x === this.#head || !lexGteMin(x.member, range)) return null;
    return x;
  }

  /**
   * Removes the members with 0-based ascending ranks start..end (inclusive, clamped to the set)
   * and returns their nodes in ascending order. One descent to `start`, then a walk along
   * level 0: O(log n + m), as ZREMRANGEBY* and ZPOP* need. Redis equivalent:
   * zslDeleteRangeByRank.
   */
  deleteRangeByRank(start: number, end: number): ZNode[] {
    const removed: ZNode[] = [];
    const first = Math.max(0, start);
    const last = Math.min(this.size - 1, end);
    if (first > last) return removed;
    const update = new Array<ZNode>(MAX_LEVEL);
    let traversed = 0;
    let x = this.#head;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (;;) {
        const level = x.levels[i] as Level;
        if (level.forward === null || traversed + level.span > first) break;
        traversed += level.span;
        x = level.forward;
      }
      update[i] = x;
    }
    let node = (x.levels[0] as Level).forward;
    for (let rank = first; rank <= last && node !== null; rank++) {
      const next = (node.levels[0] as Level).forward;
      this.#unlink(node, update);
      this.dict.delete(node.member);
      removed.push(node);
      node = next;
    }
    return removed;
  }

  /** Ascending (member, score) pairs. */
  *[Symbol.iterator](): Iterator<[string, number]> {
    for (let x = this.first(); x !== null; x = ZSetValue.next(x)) yield [x.member, x.score];
  }

  clone(): ZSetValue {
    const copy = new ZSetValue();
    copy.skiplist = this.skiplist;
    for (const [member, score] of this) copy.add(member, score);
    return copy;
  }

  #insert(member: string, score: number): void {
    const update = scratchUpdate;
    const rank = scratchRank;
    let x = this.#head;
    for (let i = this.#level - 1; i >= 0; i--) {
      rank[i] = i === this.#level - 1 ? 0 : (rank[i + 1] as number);
      for (;;) {
        const level = x.levels[i] as Level;
        if (level.forward === null || !lessThan(level.forward, score, member)) break;
        rank[i] = (rank[i] as number) + level.span;
        x = level.forward;
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.#level) {
      for (let i = this.#level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.#head;
        const headLevel = this.#head.levels[i];
        if (headLevel === undefined) this.#head.levels.push({ forward: null, span: this.size });
        else headLevel.span = this.size;
      }
      this.#level = level;
    }
    const node = new ZNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const prev = (update[i] as ZNode).levels[i] as Level;
      const own = node.levels[i] as Level;
      own.forward = prev.forward;
      prev.forward = node;
      const skipped = (rank[0] as number) - (rank[i] as number);
      own.span = prev.span - skipped;
      prev.span = skipped + 1;
    }
    for (let i = level; i < this.#level; i++) ((update[i] as ZNode).levels[i] as Level).span++;
    node.backward = update[0] === this.#head ? null : (update[0] as ZNode);
    const after = (node.levels[0] as Level).forward;
    if (after !== null) after.backward = node;
    else this.#tail = node;
  }

  #delete(member: string, score: number): void {
    const update = scratchUpdate;
    let x = this.#head;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (;;) {
        const next = (x.levels[i] as Level).forward;
        if (next === null || !lessThan(next, score, member)) break;
        x = next;
      }
      update[i] = x;
    }
    const node = (x.levels[0] as Level).forward;
    assert(node !== null && node.member === member && node.score === score, 'zset node missing');
    this.#unlink(node, update);
  }

  /** Unlinks `node`, given each level's last node before it (`update`). Leaves dict alone. */
  #unlink(node: ZNode, update: ZNode[]): void {
    for (let i = 0; i < this.#level; i++) {
      const prev = (update[i] as ZNode).levels[i] as Level;
      if (prev.forward === node) {
        const own = node.levels[i] as Level;
        prev.span += own.span - 1;
        prev.forward = own.forward;
      } else {
        prev.span -= 1;
      }
    }
    const after = (node.levels[0] as Level).forward;
    if (after !== null) after.backward = node.backward;
    else this.#tail = node.backward;
    while (this.#level > 1 && (this.#head.levels[this.#level - 1] as Level).forward === null) {
      this.#level--;
    }
  }
}
