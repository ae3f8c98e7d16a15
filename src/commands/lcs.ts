// LCS: the longest common subsequence of two string values, its length (LEN), or the matching
// ranges (IDX, MINMATCHLEN, WITHMATCHLEN). The classic dynamic-programming table, bounded by
// proto-max-bulk-len as Redis bounds it; ties in the walk back are broken as Redis breaks them
// (step in the second string unless the first has the strictly longer subsequence), so the
// string and ranges returned are Redis's.
// Redis equivalent: t_string.c (lcsCommand).

import type { CommandContext } from './context.js';
import { eqIgnoreCase, int64OrReply } from './args.js';
import { SYNTAX } from './errors.js';
import type { CommandDef } from './types.js';

interface LcsOptions {
  idx: boolean;
  len: boolean;
  withMatchLen: boolean;
  minMatchLen: number;
}

function parseLcsOptions(c: CommandContext, argv: string[]): LcsOptions | null {
  const options: LcsOptions = { idx: false, len: false, withMatchLen: false, minMatchLen: 0 };
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j] as string;
    if (eqIgnoreCase(opt, 'IDX')) options.idx = true;
    else if (eqIgnoreCase(opt, 'LEN')) options.len = true;
    else if (eqIgnoreCase(opt, 'WITHMATCHLEN')) options.withMatchLen = true;
    else if (eqIgnoreCase(opt, 'MINMATCHLEN') && j + 1 < argv.length) {
      const v = int64OrReply(c, argv[++j] as string);
      if (v === null) return null;
      options.minMatchLen = v < 0 ? 0 : Number(v);
    } else {
      c.addReplyError(SYNTAX);
      return null;
    }
  }
  if (options.idx && options.len) {
    c.addReplyError('ERR If you want both the length and indexes, please just use IDX.');
    return null;
  }
  return options;
}

/** The table: cell (i, j) holds the LCS length of a[0, i) and b[0, j). */
function lcsTable(a: string, b: string): Uint32Array {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = 1; i <= a.length; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * width;
    const up = row - width;
    for (let j = 1; j <= b.length; j++) {
      if (ca === b.charCodeAt(j - 1)) table[row + j] = (table[up + j - 1] as number) + 1;
      else {
        const left = table[row + j - 1] as number;
        const above = table[up + j] as number;
        table[row + j] = above > left ? above : left;
      }
    }
  }
  return table;
}

interface Match {
  a: [number, number];
  b: [number, number];
  length: number;
}

/** Walks the table back from the end: the subsequence and its contiguous matching ranges. */
function walkBack(a: string, b: string, table: Uint32Array): { text: string; matches: Match[] } {
  const width = b.length + 1;
  const chars: number[] = [];
  const matches: Match[] = [];
  let i = a.length;
  let j = b.length;
  let range: Match | null = null;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars.push(a.charCodeAt(i - 1));
      if (range === null) range = { a: [i - 1, i - 1], b: [j - 1, j - 1], length: 1 };
      else {
        range.a[0]--;
        range.b[0]--;
        range.length++;
      }
      if (range.a[0] === 0 || range.b[0] === 0) emit = true;
      i--;
      j--;
    } else {
      const skipA = table[(i - 1) * width + j] as number;
      const skipB = table[i * width + j - 1] as number;
      if (skipA > skipB) i--;
      else j--;
      if (range !== null) emit = true;
    }
    if (emit && range !== null) {
      matches.push(range);
      range = null;
    }
  }
  return { text: Buffer.from(chars.reverse()).toString('latin1'), matches };
}

function lcsCommand(c: CommandContext, argv: string[]): void {
  const ks = c.keyspace;
  const valueA = ks.lookupRead(c.db, argv[1] as string);
  const valueB = ks.lookupRead(c.db, argv[2] as string);
  if ((valueA !== undefined && typeof valueA !== 'string') || (valueB !== undefined && typeof valueB !== 'string')) {
    c.addReplyError('ERR The specified keys must contain string values');
    return;
  }
  const options = parseLcsOptions(c, argv);
  if (options === null) return;
  const a = valueA ?? '';
  const b = valueB ?? '';
  const cells = (a.length + 1) * (b.length + 1);
  if (cells * 4 > c.config.num('proto-max-bulk-len')) {
    c.addReplyError('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
    return;
  }
  const table = lcsTable(a, b);
  const length = table[cells - 1] as number;
  if (options.len) {
    c.addReplyLongLong(length);
    return;
  }
  const { text, matches } = walkBack(a, b, table);
  if (!options.idx) {
    c.addReplyBulk(text);
    return;
  }
  const shown = matches.filter((m) => options.minMatchLen === 0 || m.length >= options.minMatchLen);
  c.addReplyMapLen(2);
  c.addReplyBulk('matches');
  c.addReplyArrayLen(shown.length);
  for (const m of shown) {
    c.addReplyArrayLen(options.withMatchLen ? 3 : 2);
    c.addReplyArrayLen(2);
    c.addReplyLongLong(m.a[0]);
    c.addReplyLongLong(m.a[1]);
    c.addReplyArrayLen(2);
    c.addReplyLongLong(m.b[0]);
    c.addReplyLongLong(m.b[1]);
    if (options.withMatchLen) c.addReplyLongLong(m.length);
  }
  c.addReplyBulk('len');
  c.addReplyLongLong(length);
}

export const lcsCommands: CommandDef[] = [{ name: 'lcs', handler: lcsCommand }];
