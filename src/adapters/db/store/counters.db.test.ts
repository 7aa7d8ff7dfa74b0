import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db.ts';
import { createTestDb } from '../../../testing/db.ts';
import { nextTurn } from './counters.ts';

describe('desk counters', () => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb();
  });
  afterEach(async () => {
    await db.close();
  });

  it('counts 0, 1, 2 per name, and concurrent callers never share a turn', async () => {
    expect(await nextTurn(db, 'owner')).toBe(0);
    expect(await nextTurn(db, 'owner')).toBe(1);
    expect(await nextTurn(db, 'ae')).toBe(0);
    const turns = await Promise.all(Array.from({ length: 10 }, () => nextTurn(db, 'owner')));
    expect(new Set(turns).size).toBe(10);
    expect(Math.min(...turns)).toBe(2);
    expect(Math.max(...turns)).toBe(11);
  });
});
