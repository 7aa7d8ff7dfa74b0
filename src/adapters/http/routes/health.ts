import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/db.ts';
import { allowOnly, loggableError, sendError } from '../errors.ts';
import type { HttpMetrics } from '../metrics.ts';

// A database that hangs (pool exhausted, network gone) must fail the probe, not hang it.
const READY_TIMEOUT_MS = 2_000;

/** Liveness and readiness probes: open to all, since orchestrators probe without credentials and the answers reveal nothing. */
export async function healthRoutes(app: FastifyInstance, { db }: { db: Db }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([db.query('SELECT 1'), timeout]);
    } catch (e) {
      request.log.warn({ err: loggableError(e) }, 'not ready: the database does not answer');
      request.errorCode = 'NOT_READY';
      return sendError(reply, { status: 503, body: { error: { code: 'NOT_READY', message: 'the database does not answer' } }, headers: {} });
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ready' };
  });
  allowOnly(app, '/healthz', ['GET']);
  allowOnly(app, '/readyz', ['GET']);
}

/**
 * Prometheus text format. Guarded like the API (bearer key when BATON_API_KEY is set, else loopback
 * only): Prometheus sends a bearer token with `authorization: { credentials: ... }` in its scrape config.
 */
export async function metricsRoute(app: FastifyInstance, { metrics, guard }: { metrics: HttpMetrics; guard: (request: FastifyRequest) => unknown }): Promise<void> {
  app.addHook('onRequest', async (request) => {
    guard(request);
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  allowOnly(app, '/metrics', ['GET']);
}
