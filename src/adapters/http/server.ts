import Fastify from 'fastify';
import type { Config } from '../../config/schema.ts';
import type { AppDeps } from '../../app/deps.ts';

/**
 * The HTTP adapter: transport only. Routes translate requests into use-case calls and results into
 * responses; business rules live in src/app and src/domain.
 */
export async function buildHttpServer(deps: AppDeps, config: Config) {
  const app = Fastify({ loggerInstance: deps.logger, bodyLimit: config.BATON_MAX_BODY_BYTES });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await deps.db.query('SELECT 1');
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database' });
    }
  });
  return app;
}
