import type { Queryable } from '../../adapters/db/db.ts';
import { upsertLeads } from '../../adapters/db/store/leads.ts';
import { findSuppressions } from '../../adapters/db/store/suppressions.ts';
import type { SourceTouch } from '../../domain/records.ts';
import type { BatchEntry } from './batch.ts';

export interface BatchOutcome {
  created: number;
  merged: number;
  /** Rows whose person an earlier batch of the same import had already created or merged. */
  duplicatesInFile: number;
  suppressed: number;
}

/**
 * Stores one batch inside the caller's transaction: suppressed people are left out, the rest are
 * created or merged with one touch each. Leads of one campaign and partner go in one statement.
 *
 * A person met again in a later batch of the same file already has this import's touch (the detail
 * names the import): the store reports a repeat touch, and the row counts as a duplicate in the file.
 * That is how duplicates across batches are told from leads that existed before, without remembering
 * every address of the file.
 */
export async function writeBatch(
  tx: Queryable,
  entries: readonly BatchEntry[],
  touch: Omit<SourceTouch, 'campaign' | 'partner'>,
  at: Date,
): Promise<BatchOutcome> {
  const out: BatchOutcome = { created: 0, merged: 0, duplicatesInFile: 0, suppressed: 0 };
  const suppressions = await findSuppressions(tx, entries.map((e) => e.upsert.email));
  const groups = new Map<string, BatchEntry[]>();
  for (const e of entries) {
    if (suppressions.has(e.upsert.email)) {
      out.suppressed += 1;
      continue;
    }
    const key = JSON.stringify([e.campaign, e.partner]);
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  for (const group of groups.values()) {
    const first = group[0] as BatchEntry;
    const outcomes = await upsertLeads(
      tx,
      group.map((e) => e.upsert),
      { ...touch, campaign: first.campaign, partner: first.partner },
      at,
    );
    for (const o of outcomes) {
      if (o.created) out.created += 1;
      else if (o.repeatTouch) out.duplicatesInFile += 1;
      else out.merged += 1;
    }
  }
  return out;
}
