import type { AuditEvent } from '../../core/domain.ts';
import type { AuditVerification } from '../../core/ports/store.ts';
import { GENESIS_HASH, type AuditHead } from '../meta.ts';
import { auditHash } from './hash.ts';

type Problem = NonNullable<AuditVerification['problem']>;

/**
 * Checks the chain one page at a time (rows in seq order, then id). The first problem wins:
 * - `inserted`: a duplicate seq, a row beyond the recorded head, or a prevHash that is not the previous row's hash
 *   (the row before it was replaced or slipped in);
 * - `missing`: a gap in seq, or the chain ends before the recorded head (rows deleted);
 * - `changed`: a row whose content no longer matches its hash;
 * - `broken-link`: the first row does not start from the genesis hash, or the head's hash is not the last row's.
 */
export async function verifyChain(
  head: AuditHead,
  readPage: (afterSeq: number, afterId: string, limit: number) => Promise<AuditEvent[]>,
  pageSize = 500,
): Promise<AuditVerification> {
  let checked = 0;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let cursor = { seq: 0, id: '' };
  const fail = (problem: Problem): AuditVerification => ({ ok: false, checked, problem });

  for (;;) {
    const rows = await readPage(cursor.seq, cursor.id, pageSize);
    for (const row of rows) {
      if (row.seq < expectedSeq) return fail({ seq: row.seq, kind: 'inserted', detail: `a second event claims seq ${row.seq} (id ${row.id})` });
      if (row.seq > head.seq) return fail({ seq: row.seq, kind: 'inserted', detail: `event ${row.id} is beyond the chain head (seq ${head.seq})` });
      if (row.seq > expectedSeq) return fail({ seq: expectedSeq, kind: 'missing', detail: `seq ${expectedSeq}..${row.seq - 1} missing` });
      if (auditHash(row.prevHash, row) !== row.hash) return fail({ seq: row.seq, kind: 'changed', detail: `event ${row.id} does not match its hash` });
      if (row.prevHash !== prevHash) {
        return row.seq === 1
          ? fail({ seq: 1, kind: 'broken-link', detail: 'the first event does not start from the genesis hash' })
          : fail({ seq: row.seq, kind: 'inserted', detail: `event ${row.id} does not link to the event before it (seq ${row.seq - 1} was replaced)` });
      }
      checked++;
      expectedSeq = row.seq + 1;
      prevHash = row.hash;
    }
    if (rows.length < pageSize) break;
    const last = rows[rows.length - 1]!;
    cursor = { seq: last.seq, id: last.id };
  }

  if (expectedSeq <= head.seq) return fail({ seq: expectedSeq, kind: 'missing', detail: `the chain ends at seq ${expectedSeq - 1}, the head is ${head.seq}` });
  if (prevHash !== head.hash) return fail({ seq: head.seq, kind: 'broken-link', detail: 'the chain head does not match the last event' });
  return { ok: true, checked, problem: null };
}
