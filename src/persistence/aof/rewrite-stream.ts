// A stream as the commands Redis 7.0's AOF rewrite emits for it: XADD per entry (or XADD MAXLEN 0
// of a dummy entry for an empty stream), XSETID with ENTRIESADDED and MAXDELETEDID, then per
// group XGROUP CREATE ... ENTRIESREAD, and per consumer XCLAIM ... JUSTID FORCE for each pending
// entry or XGROUP CREATECONSUMER for a consumer without any.
// Redis equivalent: rewriteStreamObject, rioWriteStreamPendingEntry and
// rioWriteStreamEmptyConsumer in aof.c.

import { formatId, MAX_ID, ZERO_ID } from '../../store/value/stream-id.js';
import type { StreamValue } from '../../store/value/stream.js';

export function* streamRewriteCommands(key: string, s: StreamValue): Generator<string[]> {
  if (s.length !== 0) {
    const batch: string[][] = [];
    s.scan(ZERO_ID, MAX_ID, false, (e) => {
      batch.push(['XADD', key, formatId(e.id), ...e.fields]);
      return true;
    });
    yield* batch;
  } else {
    yield ['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y'];
  }
  yield ['XSETID', key, formatId(s.lastId), 'ENTRIESADDED', String(s.entriesAdded), 'MAXDELETEDID',
    formatId(s.maxDeletedId)];
  for (const [name, g] of s.sortedGroups()) {
    yield ['XGROUP', 'CREATE', key, name, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)];
    for (const consumer of g.sortedConsumers()) {
      if (consumer.pel.size === 0) {
        yield ['XGROUP', 'CREATECONSUMER', key, name, consumer.name];
        continue;
      }
      for (const p of consumer.pel.values()) {
        yield ['XCLAIM', key, name, consumer.name, '0', formatId(p.id), 'TIME', String(p.deliveryTime),
          'RETRYCOUNT', String(p.deliveryCount), 'JUSTID', 'FORCE'];
      }
    }
  }
}
