import type { Db } from '../adapters/db/db.ts';
import type { Logger } from '../adapters/log.ts';
import type { Clock } from '../domain/clock.ts';

/** What every use-case needs, built once by the composition root (src/main.ts) and passed in. */
export interface AppDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
}
