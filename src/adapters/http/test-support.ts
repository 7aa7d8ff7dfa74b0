import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { loadConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { ManualClock } from '../../domain/clock.ts';
import type { Db } from '../db/db.ts';
import { buildHttpServer } from './server.ts';

/** Test helpers for the HTTP adapter (used by its tests only). */

export const TEST_API_KEY = 'test-key-0123456789abcdef';

export function testConfig(overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  return loadConfig({}, overrides);
}

/** A database that fails every call: proves that a request was refused before it reached the store. */
export function untouchableDb(): Db & { calls: number } {
  const db = {
    kind: 'pglite' as const,
    calls: 0,
    async query(): Promise<never> {
      db.calls++;
      throw new Error('the database must not be touched');
    },
    async exec(): Promise<never> {
      db.calls++;
      throw new Error('the database must not be touched');
    },
    async transaction(): Promise<never> {
      db.calls++;
      throw new Error('the database must not be touched');
    },
    async close() {},
  };
  return db;
}

/** A pino logger whose lines land in `lines`, parsed. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[]; text: () => string } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'info' }, stream);
  return {
    logger,
    get lines() {
      return raw.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    text: () => raw.join('\n'),
  };
}

/** A server on an untouchable database and a silent logger, for requests that must be refused early. */
export async function buildBareServer(
  overrides: Partial<Record<keyof Config, unknown>> = {},
  logger: Logger = pino({ level: 'silent' }),
): Promise<{ app: FastifyInstance; db: Db & { calls: number } }> {
  const db = untouchableDb();
  const deps: AppDeps = { db, clock: new ManualClock('2026-03-02T09:00:00Z'), logger };
  return { app: await buildHttpServer(deps, testConfig(overrides)), db };
}

export const json = { 'content-type': 'application/json' };
export const auth = { authorization: `Bearer ${TEST_API_KEY}` };
