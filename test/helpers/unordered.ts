// Comparing replies whose order Redis does not define (a hashtable-encoded hash or set walks in
// hash order): the aggregate header (type and length) must match byte for byte, and the items
// must match as a multiset. HGETALL-like replies keep field/value pairs together.

import assert from 'node:assert/strict';
import type { Pair } from './differential.js';
import { parseReply } from './resp-client.js';

/** The reply's first line ("*4", "~3", "%2"...) plus its items sorted, as one comparable string. */
export function unorderedForm(reply: string, pairs = false): string {
  const header = reply.slice(0, reply.indexOf('\r\n'));
  const parsed = parseReply(reply);
  if (!Array.isArray(parsed)) return reply;
  if (header.startsWith('*2') && Array.isArray(parsed[1]) && typeof parsed[0] === 'string') {
    // A SCAN-shaped reply: [cursor, items]; the cursor is compared, the items unordered.
    return `${header} ${JSON.stringify(parsed[0])} ${itemsForm(parsed[1] as unknown[], pairs)}`;
  }
  return `${header} ${itemsForm(parsed, pairs)}`;
}

function itemsForm(items: unknown[], pairs: boolean): string {
  const groups: string[] = [];
  const step = pairs ? 2 : 1;
  for (let i = 0; i < items.length; i += step) {
    groups.push(JSON.stringify(items.slice(i, i + step)));
  }
  return groups.sort().join(',');
}

/** Sends commands to both servers; replies must agree as unordered collections. */
export async function sameUnordered(
  pair: Pair,
  commands: (string | number)[][],
  pairs = false,
): Promise<void> {
  const [expected, actual] = await Promise.all([
    pair.redisClient.pipeline(commands),
    pair.vestaClient.pipeline(commands),
  ]);
  for (let i = 0; i < commands.length; i++) {
    assert.equal(
      unorderedForm(actual[i] as string, pairs),
      unorderedForm(expected[i] as string, pairs),
      `reply to ${JSON.stringify(commands[i])} differs as a collection`,
    );
  }
}

/** Parses an array-of-bulks reply into its strings (asserting the shape). */
export function bulkItems(reply: string): string[] {
  const parsed = parseReply(reply);
  assert.ok(Array.isArray(parsed), `not an aggregate: ${JSON.stringify(reply)}`);
  return parsed.map((item) => {
    assert.equal(typeof item, 'string', `not a bulk string in ${JSON.stringify(reply)}`);
    return item as string;
  });
}
