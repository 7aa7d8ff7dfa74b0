import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';

/**
 * Prometheus metrics of one server. Each server owns its Registry (never prom-client's global one),
 * so tests and several servers in one process do not collide on metric names.
 */
export interface HttpMetrics {
  registry: Registry;
  /** Leads created by the intake API, by channel. */
  leadsCreated: Counter<'channel'>;
  /** Leads the intake API merged into an existing lead (same email), by channel. */
  leadsMerged: Counter<'channel'>;
}

export function createHttpMetrics(): HttpMetrics & { requests: Counter<'method' | 'route' | 'status'>; duration: Histogram<'method' | 'route' | 'status'> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  return {
    registry,
    requests: new Counter({ name: 'baton_http_requests_total', help: 'HTTP requests answered, by route pattern, method and status.', labelNames, registers: [registry] }),
    duration: new Histogram({
      name: 'baton_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, in seconds, by route pattern, method and status.',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    leadsCreated: new Counter({ name: 'baton_leads_created_total', help: 'Leads created through the intake API, by channel.', labelNames: ['channel'], registers: [registry] }),
    leadsMerged: new Counter({ name: 'baton_leads_merged_total', help: 'Intake API leads merged into an existing lead (same email), by channel.', labelNames: ['channel'], registers: [registry] }),
  };
}

/** Counts and times every answered request. */
export function observeRequests(app: FastifyInstance, metrics: ReturnType<typeof createHttpMetrics>): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the URL: unknown paths must not grow the label set without bound.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    metrics.requests.inc(labels);
    metrics.duration.observe(labels, reply.elapsedTime / 1000);
  });
}
