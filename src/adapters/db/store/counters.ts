import type { Queryable } from '../db.ts';

/**
 * The next turn of a named counter (desk_counters, migration 0006): 0, 1, 2... Atomic under
 * concurrent callers (one upsert), so round-robin turns neither repeat nor skip across processes.
 */
export async function nextTurn(q: Queryable, name: string): Promise<number> {
  const { rows } = await q.query<{ turn: string | number }>(
    `INSERT INTO desk_counters (name, value) VALUES ($1, 1)
     ON CONFLICT (name) DO UPDATE SET value = desk_counters.value + 1
     RETURNING value - 1 AS turn`,
    [name],
  );
  return Number(rows[0]!.turn);
}
