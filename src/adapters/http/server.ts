import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config/schema.ts';
import type { AppDeps } from '../../app/deps.ts';
import { createApiGuard, isLoopbackAddress } from './auth.ts';
import { HttpError, installErrorHandling, sendError } from './errors.ts';
import { createHttpMetrics, observeRequests } from './metrics.ts';
import { genReqId, installRequestLog } from './request-log.ts';
import { healthRoutes, metricsRoute } from './routes/health.ts';
import { leadRoutes } from './routes/leads.ts';
import { mailRoutes } from './routes/mail.ts';
import type { OutreachDeps } from '../../app/outreach/deps.ts';

// Slow clients (slowloris) must not hold a connection forever when no proxy stands in front.
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The HTTP adapter: transport only. Routes translate requests into use-case calls and results into
 * responses; business rules live in src/app and src/domain.
 *
 * Routes: POST /v1/leads, GET /v1/leads/:id, GET /metrics (guarded: bearer BATON_API_KEY, or
 * loopback callers only when it is unset), GET /healthz, GET /readyz (open).
 */
export interface HttpServerOptions {
  outreach?: OutreachDeps;
  onNewLead?: (leadId: string, channel: string) => void;
  /**
   * More routes, each a Fastify plugin registered in order (the desk's API and review console, the
   * Slack endpoint). A plugin gets the API guard to protect what needs it.
   */
  routes?: readonly ((guard: ReturnType<typeof createApiGuard>) => FastifyPluginAsync)[];
}

export async function buildHttpServer(deps: AppDeps, config: Config, options: HttpServerOptions = {}): Promise<FastifyInstance> {
  const bodyLimit = config.BATON_MAX_BODY_BYTES;
  // Typed as Fastify's base logger so the instance and its plugins share Fastify's default generics.
  const logger: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit,
    // request-log.ts writes one line per request, without URLs or bodies.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId,
    requestTimeout: REQUEST_TIMEOUT_MS,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Our own 503 (below) has the API's error shape; Fastify's has another.
    return503OnClosing: false,
    frameworkErrors: (_error, request, reply) => {
      sendError(reply, { status: 400, body: { error: { code: 'BAD_URL', message: 'the request URL is malformed (bad percent-encoding?)' } }, headers: {} });
      request.errorCode = 'BAD_URL';
    },
    clientErrorHandler,
  });
  // JSON only: Fastify would otherwise parse text/plain into a string, and a form post must get 415.
  app.removeContentTypeParser('text/plain');

  installRequestLog(app);
  installErrorHandling(app, bodyLimit);
  const metrics = createHttpMetrics();
  observeRequests(app, metrics);

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Requests already running when close() starts finish normally; new ones on kept-alive connections are turned away.
  app.addHook('onRequest', async () => {
    if (closing) throw new HttpError(503, 'SHUTTING_DOWN', 'the service is shutting down; retry in a moment', { 'retry-after': '5' });
  });
  // Node's server.close() reaps only the connections idle at that moment; one that finishes a request
  // later would be kept alive (up to keepAliveTimeout, 72 s) and hold close() open, unless told to end.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  const guard = createApiGuard(config.BATON_API_KEY);
  await app.register(healthRoutes, { db: deps.db });
  await app.register(metricsRoute, { metrics, guard });
  await app.register(leadRoutes, { deps, metrics, guard, bodyLimit, ...(options.onNewLead ? { onNewLead: options.onNewLead } : {}) });
  if (options.outreach) await app.register(mailRoutes, { deps: options.outreach, guard, maxMailBytes: config.BATON_MAX_MAIL_BYTES });
  for (const routes of options.routes ?? []) await app.register(routes(guard));

  if (config.BATON_API_KEY === undefined && config.HOST !== 'localhost' && !isLoopbackAddress(config.HOST)) {
    deps.logger.warn({ host: config.HOST }, 'BATON_API_KEY is not set: the API answers only loopback callers although the server listens beyond loopback; set BATON_API_KEY to serve remote callers');
  }
  return app;
}

const CLIENT_ERRORS: Readonly<Record<string, [number, string, string]>> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'the request took too long to arrive'],
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'the request headers are too large'],
};

/** Requests Node's HTTP parser rejects before Fastify sees them, answered in the API's error shape. */
function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'BAD_REQUEST', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
