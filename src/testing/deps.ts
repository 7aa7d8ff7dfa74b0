import type { AppDeps } from '../app/deps.ts';
import { silentLogger } from '../adapters/log.ts';
import { ManualClock } from '../domain/clock.ts';
import { createTestDb } from './db.ts';

/** Use-case dependencies on a fresh test database and a manual clock. */
export async function createTestDeps(): Promise<AppDeps & { clock: ManualClock; close: () => Promise<void> }> {
  const db = await createTestDb();
  return { db, clock: new ManualClock('2026-03-02T09:00:00Z'), logger: silentLogger(), close: () => db.close() };
}
