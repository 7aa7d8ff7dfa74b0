import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The lead a request created, merged or read; logged with the request. */
    leadId: string | undefined;
    /** The stable code of the error answered, if any; logged with the request. */
    errorCode: string | undefined;
  }
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request ids: the caller's X-Request-Id when it is short and plain (so one id follows a request
 * through a proxy), else a new UUID. Anything else is dropped: it would go into every log line.
 */
export function genReqId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}

/**
 * One log line per request, written by us instead of Fastify's, so that it holds the route pattern
 * rather than the URL (a mistyped path or a query string can carry an email address), the lead id,
 * and the error code. Bodies are never logged.
 */
export function installRequestLog(app: FastifyInstance): void {
  app.decorateRequest('leadId', undefined);
  app.decorateRequest('errorCode', undefined);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(no route)',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(request.leadId ? { leadId: request.leadId } : {}),
        ...(request.errorCode ? { errorCode: request.errorCode } : {}),
      },
      'request',
    );
  });
}
