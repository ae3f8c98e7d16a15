// In-memory sorted set, in one of two representations, as Redis keeps a listpack or a skiplist:
// - packed (small sets): two parallel arrays, members and scores, sorted by (score, member).
//   Lookups by member are linear scans of at most PACKED_ENTRIES_MAX entries, as Redis scans a
//   listpack; about 200 B of heap for 8 members instead of ~2,000 B for the skip list + dict.
// - skip list: a dict (member -> score) plus a skip list ordered by (score, member), with spans
//   so rank queries are O(log n). Redis equivalent: t_zset.c (zskiplist + dict).
// The set is packed while its sticky `skiplist` encoding flag is false and it holds at most
// PACKED_ENTRIES_MAX members; the representation is invisible to callers, the flag is not.
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
  forward: SkipNode | null;
  span: number;
}

/** A member's place in the order, as the commands walk it (ZSetValue.next and `backward`). */
export interface ZNode {
  readonly member: string;
  readonly score: number;
  readonly backward: ZNode | null;
}

/**
 * A node is its own level 0 (levels[0] === this): walking the set in order, as range queries
 * and geo searches do, follows node.forward directly instead of node -> levels -> level ->
 * forward, one dependent memory load per step instead of three.
 */
class SkipNode implements ZNode, Level {
  member: string;
  score: number;
  backward: SkipNode | null = null;
  forward: SkipNode | null = null;
  span = 0;
  levels: Level[];
  constructor(member: string, score: number, level: number) {
    this.member = member;
    this.score = score;
    this.levels = new Array<Level>(level);
    this.levels[0] = this;
    for (let i = 1; i < level; i++) this.levels[i] = { forward: null, span: 0 };
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
const scratchUpdate = new Array<SkipNode>(MAX_LEVEL);
const scratchRank = new Array<number>(MAX_LEVEL).fill(0);

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < LEVEL_P) level++;
  return level;
}

function lessThan(node: SkipNode, score: number, member: string): boolean {
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

/**
 * Most members a packed set holds; one more converts it to the skip list. Redis's default
 * zset-max-listpack-entries, so with default config a set is packed exactly while Redis keeps
 * it as a listpack. A larger configured limit keeps the flag false past this length; such sets
 * use the skip list anyway, so a packed linear scan never runs over more than 128 entries.
 */
const PACKED_ENTRIES_MAX = 128;
/** Packed sets from this many members are spliced in place (see #packedRemove). */
const SPLICE_IN_PLACE_FROM = 32;

export class ZSetValue implements Iterable<[string, number]> {
  /** Packed representation, sorted by (score, member); both empty while #skip is in use. */
  #members: string[] = [];
  #scores: number[] = [];
  #skip: SkipList | null = null;
  /** Mirrors Redis's sticky listpack -> skiplist conversion, for OBJECT ENCODING and RDB. */
  #skiplist = false;

  get skiplist(): boolean {
    return this.#skiplist;
  }

  /** Setting the flag converts the representation (true: skip list; false: packed if small). */
  set skiplist(on: boolean) {
    this.#skiplist = on;
    if (on) this.#toSkip();
    else if (this.#skip !== null && this.#skip.size <= PACKED_ENTRIES_MAX) this.#toPacked();
  }

  get size(): number {
    return this.#skip === null ? this.#members.length : this.#skip.size;
  }

  score(member: string): number | undefined {
    if (this.#skip !== null) return this.#skip.score(member);
    const index = this.#members.indexOf(member);
    return index < 0 ? undefined : this.#scores[index];
  }

  /** Adds a member or updates its score. Returns true when the member is new. */
  add(member: string, score: number): boolean {
    assert(!Number.isNaN(score), 'zset score is NaN');
    if (this.#skip !== null) return this.#skip.add(member, score);
    const index = this.#members.indexOf(member);
    if (index < 0) {
      if (this.#members.length >= PACKED_ENTRIES_MAX) {
        this.#toSkip();
        return this.add(member, score);
      }
      this.#packedInsert(member, score);
      return true;
    }
    if (this.#scores[index] !== score) {
      this.#packedRemove(index, 1);
      this.#packedInsert(member, score);
    }
    return false;
  }

  /** Removes a member. Returns true when it was present. */
  remove(member: string): boolean {
    if (this.#skip !== null) return this.#skip.remove(member);
    const index = this.#members.indexOf(member);
    if (index < 0) return false;
    this.#packedRemove(index, 1);
    return true;
  }

  /** 0-based rank in ascending order, or undefined when absent. */
  rank(member: string): number | undefined {
    if (this.#skip !== null) return this.#skip.rank(member);
    const index = this.#members.indexOf(member);
    return index < 0 ? undefined : index;
  }

  /** Node at 0-based ascending rank, or null. O(log n) on the skip list, O(1) packed. */
  nodeAtRank(rank: number): ZNode | null {
    if (this.#skip !== null) return this.#skip.nodeAtRank(rank);
    if (rank < 0 || rank >= this.#members.length) return null;
    return new PackedNode(this, rank, this.#members[rank] as string, this.#scores[rank] as number);
  }

  first(): ZNode | null {
    return this.#skip === null ? this.nodeAtRank(0) : this.#skip.first();
  }

  last(): ZNode | null {
    return this.#skip === null ? this.nodeAtRank(this.size - 1) : this.#skip.last();
  }

  /** The node after `node` in ascending order. Nodes stay valid until the set changes. */
  static next(node: ZNode): ZNode | null {
    if (node instanceof PackedNode) {
      return node.rank < 0 ? null : node.owner.nodeAtRank(node.rank + 1);
    }
    return SkipList.next(node as SkipNode);
  }

  /** First node whose score is within range (ascending), or null. */
  firstInScoreRange(range: ScoreRange): ZNode | null {
    if (this.#skip !== null) return this.#skip.firstInScoreRange(range);
    const scores = this.#scores;
    let index = 0;
    while (index < scores.length && !scoreGteMin(scores[index] as number, range)) index++;
    if (index === scores.length || !scoreLteMax(scores[index] as number, range)) return null;
    return this.nodeAtRank(index);
  }

  /** Last node whose score is within range (for reverse scans), or null. */
  lastInScoreRange(range: ScoreRange): ZNode | null {
    if (this.#skip !== null) return this.#skip.lastInScoreRange(range);
    const scores = this.#scores;
    let index = scores.length - 1;
    while (index >= 0 && !scoreLteMax(scores[index] as number, range)) index--;
    if (index < 0 || !scoreGteMin(scores[index] as number, range)) return null;
    return this.nodeAtRank(index);
  }

  /** As a skip list descends: first member past the min bound, if within the max bound. */
  firstInLexRange(range: LexRange): ZNode | null {
    if (this.#skip !== null) return this.#skip.firstInLexRange(range);
    const members = this.#members;
    let index = 0;
    while (index < members.length && !lexGteMin(members[index] as string, range)) index++;
    if (index === members.length || !lexLteMax(members[index] as string, range)) return null;
    return this.nodeAtRank(index);
  }

  lastInLexRange(range: LexRange): ZNode | null {
    if (this.#skip !== null) return this.#skip.lastInLexRange(range);
    const members = this.#members;
    let index = members.length - 1;
    while (index >= 0 && !lexLteMax(members[index] as string, range)) index--;
    if (index < 0 || !lexGteMin(members[index] as string, range)) return null;
    return this.nodeAtRank(index);
  }

  /**
   * Removes the members with 0-based ascending ranks start..end (inclusive, clamped to the set)
   * and returns their nodes in ascending order (detached: read member and score only).
   * O(log n + m) on the skip list, as ZREMRANGEBY* and ZPOP* need. Redis equivalent:
   * zslDeleteRangeByRank / zzlDeleteRangeByRank.
   */
  deleteRangeByRank(start: number, end: number): ZNode[] {
    if (this.#skip !== null) return this.#skip.deleteRangeByRank(start, end);
    const first = Math.max(0, start);
    const last = Math.min(this.#members.length - 1, end);
    if (first > last) return [];
    const members = this.#members.slice(first, last + 1);
    const scores = this.#scores.slice(first, last + 1);
    this.#packedRemove(first, last - first + 1);
    return members.map((member, i) => new PackedNode(this, -1, member, scores[i] as number));
  }

  /** Ascending (member, score) pairs. */
  *[Symbol.iterator](): Iterator<[string, number]> {
    if (this.#skip !== null) {
      yield* this.#skip;
      return;
    }
    const members = this.#members;
    const scores = this.#scores;
    for (let i = 0; i < members.length; i++) yield [members[i] as string, scores[i] as number];
  }

  /** Pairs in the order ZSCAN walks a skiplist-encoded set (its dict's); ascending if packed. */
  scanEntries(): Iterator<[string, number]> {
    return this.#skip !== null ? this.#skip.dict.entries() : this[Symbol.iterator]();
  }

  clone(): ZSetValue {
    const copy = new ZSetValue();
    copy.#skiplist = this.#skiplist;
    if (this.#skip === null) {
      copy.#members = this.#members.slice();
      copy.#scores = this.#scores.slice();
      return copy;
    }
    const skip = new SkipList();
    for (const [member, score] of this.#skip) skip.add(member, score);
    copy.#skip = skip;
    return copy;
  }

  /** Inserts a member known to be absent at its place in (score, member) order. */
  #packedInsert(member: string, score: number): void {
    const members = this.#members;
    const scores = this.#scores;
    let low = 0;
    let high = members.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const s = scores[middle] as number;
      if (s < score || (s === score && (members[middle] as string) < member)) low = middle + 1;
      else high = middle;
    }
    if (members.length >= SPLICE_IN_PLACE_FROM) {
      members.splice(low, 0, member);
      scores.splice(low, 0, score);
      return;
    }
    this.#members = members.toSpliced(low, 0, member);
    this.#scores = scores.toSpliced(low, 0, score);
  }

  /**
   * Small packed arrays are replaced, not spliced in place: a copy is allocated at its exact
   * length, where splice leaves up to half again as much unused capacity (~100 B per small set).
   * From SPLICE_IN_PLACE_FROM members the copy costs more than the slack saves: a queue's set
   * of ~100 finished jobs, one added and one trimmed per job, copied 1.6 KB twice per job.
   */
  #packedRemove(index: number, count: number): void {
    if (this.#members.length >= SPLICE_IN_PLACE_FROM) {
      this.#members.splice(index, count);
      this.#scores.splice(index, count);
      return;
    }
    this.#members = this.#members.toSpliced(index, count);
    this.#scores = this.#scores.toSpliced(index, count);
  }

  #toSkip(): void {
    if (this.#skip !== null) return;
    const skip = new SkipList();
    const members = this.#members;
    const scores = this.#scores;
    for (let i = 0; i < members.length; i++) skip.add(members[i] as string, scores[i] as number);
    this.#skip = skip;
    this.#members = [];
    this.#scores = [];
  }

  #toPacked(): void {
    const skip = this.#skip;
    assert(skip !== null, 'zset already packed');
    const members: string[] = [];
    const scores: number[] = [];
    for (const [member, score] of skip) {
      members.push(member);
      scores.push(score);
    }
    // slice(): exact-length copies, without the spare capacity push() left.
    this.#members = members.slice();
    this.#scores = scores.slice();
    this.#skip = null;
  }
}

/** A packed set's member at a rank, made on demand (packed sets keep no node objects). */
class PackedNode implements ZNode {
  readonly owner: ZSetValue;
  /** Ascending rank when made; -1 once removed from the set. */
  readonly rank: number;
  readonly member: string;
  readonly score: number;
  constructor(owner: ZSetValue, rank: number, member: string, score: number) {
    this.owner = owner;
    this.rank = rank;
    this.member = member;
    this.score = score;
  }

  get backward(): ZNode | null {
    return this.rank > 0 ? this.owner.nodeAtRank(this.rank - 1) : null;
  }
}

/** The skip list + dict representation (ZSetValue delegates to it for large sets). */
class SkipList implements Iterable<[string, number]> {
  readonly dict = new Map<string, number>();
  /** Grows a level at a time as #level does (most sets never pass level 2 or 3). */
  #head = new SkipNode('', 0, 1);
  #tail: SkipNode | null = null;
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
  nodeAtRank(rank: number): SkipNode | null {
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

  first(): SkipNode | null {
    return (this.#head.levels[0] as Level).forward;
  }

  last(): SkipNode | null {
    return this.#tail;
  }

  static next(node: SkipNode): SkipNode | null {
    return node.forward;
  }

  /** First node whose score is within range (ascending), or null. */
  firstInScoreRange(range: ScoreRange): SkipNode | null {
    let x = this.#head;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (;;) {
        const next = (x.levels[i] as Level).forward;
        if (next === null || scoreGteMin(next.score, range)) break;
        x = next;
      }
    }
    const candidate = x.forward;
    if (candidate === null || !scoreLteMax(candidate.score, range)) return null;
    return candidate;
  }

  /** Last node whose score is within range (for reverse scans), or null. */
  lastInScoreRange(range: ScoreRange): SkipNode | null {
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

  firstInLexRange(range: LexRange): SkipNode | null {
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

  lastInLexRange(range: LexRange): SkipNode | null {
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
  deleteRangeByRank(start: number, end: number): SkipNode[] {
    const removed: SkipNode[] = [];
    const first = Math.max(0, start);
    const last = Math.min(this.size - 1, end);
    if (first > last) return removed;
    const update = new Array<SkipNode>(MAX_LEVEL);
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
    for (let x = this.first(); x !== null; x = SkipList.next(x)) yield [x.member, x.score];
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
    const node = new SkipNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const prev = (update[i] as SkipNode).levels[i] as Level;
      const own = node.levels[i] as Level;
      own.forward = prev.forward;
      prev.forward = node;
      const skipped = (rank[0] as number) - (rank[i] as number);
      own.span = prev.span - skipped;
      prev.span = skipped + 1;
    }
    for (let i = level; i < this.#level; i++) ((update[i] as SkipNode).levels[i] as Level).span++;
    node.backward = update[0] === this.#head ? null : (update[0] as SkipNode);
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
  #unlink(node: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.#level; i++) {
      const prev = (update[i] as SkipNode).levels[i] as Level;
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
