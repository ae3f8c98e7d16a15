// The redis.conf line tokenizer and its inverse (quoting a word back). Pure string functions.
// Redis equivalent: sdssplitargs / sdscatrepr in sds.c (behaviour observed, not copied).
//
//   port 6379                 -> ["port", "6379"]
//   save "" 'it''s'           -> error: a closing quote must be followed by a space or the end
//   requirepass "a\x41\n"     -> ["requirepass", "aA\n"]   (\n \r \t \b \a \\ \" \xHH)
//   rename-command 'a\'b' ""  -> ["rename-command", "a'b", ""]  (single quotes: only \')

/** Splits one line into words; null when quotes are unbalanced (Redis's "Unbalanced quotes"). */
export function splitArgs(line: string): string[] | null {
  const words: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isSpace(line[i] ?? '')) i++;
    if (i >= line.length) return words;
    const quote = line[i];
    const word = quote === '"' ? readDouble(line, i + 1) : quote === "'" ? readSingle(line, i + 1) : readBare(line, i);
    if (word === null) return null;
    words.push(word.text);
    i = word.end;
  }
}

interface Word {
  text: string;
  end: number;
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\v' || ch === '\f';
}

function readBare(line: string, start: number): Word {
  let end = start;
  while (end < line.length && !isSpace(line[end] ?? '')) end++;
  return { text: line.slice(start, end), end };
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

function readDouble(line: string, start: number): Word | null {
  let text = '';
  let i = start;
  while (i < line.length) {
    const ch = line[i] ?? '';
    if (ch === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
      text += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (ch === '\\' && i + 1 < line.length) {
      const next = line[i + 1] ?? '';
      text += ESCAPES[next] ?? next;
      i += 2;
    } else if (ch === '"') {
      return closeQuote(line, i + 1, text);
    } else {
      text += ch;
      i++;
    }
  }
  return null;
}

function readSingle(line: string, start: number): Word | null {
  let text = '';
  let i = start;
  while (i < line.length) {
    const ch = line[i] ?? '';
    if (ch === '\\' && line[i + 1] === "'") {
      text += "'";
      i += 2;
    } else if (ch === "'") {
      return closeQuote(line, i + 1, text);
    } else {
      text += ch;
      i++;
    }
  }
  return null;
}

/** A closing quote must be followed by whitespace or the end of the line. */
function closeQuote(line: string, end: number, text: string): Word | null {
  if (end < line.length && !isSpace(line[end] ?? '')) return null;
  return { text, end };
}

/** Quotes a word so splitArgs reads it back: "…" with \\ \" \n \r \t \a \b and \xHH escapes. */
export function quoteArg(word: string): string {
  let out = '"';
  for (const ch of word) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (code < 0x20 || code >= 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
