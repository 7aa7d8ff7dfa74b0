import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BatonError, type Fault } from '../../domain/errors.ts';

/** The one error body of the API: `{ error: { code, message } }`, plus `fields` for validation errors. */
export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string[]> };
}

/** An error the HTTP adapter raises itself (auth, headers, routing), with its status and extra headers. */
export class HttpError extends BatonError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(code, message, { fault: status >= 500 ? 'system' : 'user' });
    this.status = status;
    this.headers = headers;
  }
}

/**
 * Statuses of the use-cases' stable error codes. CONTACT_SUPPRESSED is 409: the body is valid, and
 * the same request would succeed if the suppression list did not hold the address; it conflicts with
 * stored state rather than being unprocessable (422 stays for the reuse of an Idempotency-Key).
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  CONTACT_SUPPRESSED: 409,
  LIFECYCLE_ILLEGAL_TRANSITION: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  ENROLMENT_REFUSED: 409,
};

const STATUS_BY_FAULT: Readonly<Record<Fault, number>> = { user: 400, system: 500, model: 502 };

/** Fastify's own errors for bad transport input, with a message a caller can act on. */
function fastifyError(code: string | undefined, bodyLimit: number): { status: number; code: string; message: string } | undefined {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'BODY_TOO_LARGE', message: `the request body is larger than the limit of ${bodyLimit} bytes (BATON_MAX_BODY_BYTES)` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as JSON with "Content-Type: application/json"' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'EMPTY_BODY', message: 'the request body is empty; send a JSON object' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      // The parser's own message quotes the body; it is left out on purpose.
      return { status: 400, code: 'INVALID_JSON', message: 'the request body is not valid JSON' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'BAD_CONTENT_LENGTH', message: 'the request body does not match its Content-Length header' };
    default:
      return undefined;
  }
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** Maps any thrown value to a response. A 5xx never carries the original message: it may hold internals. */
export function errorResponse(e: unknown, requestId: string, bodyLimit: number): ErrorResponse {
  if (e instanceof HttpError) return { status: e.status, body: { error: { code: e.code, message: e.message } }, headers: { ...e.headers } };
  if (e instanceof BatonError) {
    const status = STATUS_BY_CODE[e.code] ?? STATUS_BY_FAULT[e.fault];
    if (status >= 500) return internal(status, requestId);
    const fields = e.details?.fields;
    const error: ErrorBody['error'] = { code: e.code, message: e.message };
    if (isFieldMap(fields)) error.fields = fields;
    return { status, body: { error }, headers: {} };
  }
  const fst = e as { code?: unknown; statusCode?: unknown; message?: unknown };
  const known = fastifyError(typeof fst.code === 'string' ? fst.code : undefined, bodyLimit);
  if (known) return { status: known.status, body: { error: { code: known.code, message: known.message } }, headers: {} };
  // Any other 4xx Fastify raises (its errors carry statusCode) is the caller's; its message is generic.
  if (typeof fst.statusCode === 'number' && fst.statusCode >= 400 && fst.statusCode < 500) {
    const message = typeof fst.message === 'string' && fst.message ? fst.message : 'bad request';
    return { status: fst.statusCode, body: { error: { code: 'BAD_REQUEST', message } }, headers: {} };
  }
  return internal(500, requestId);
}

function internal(status: number, requestId: string): ErrorResponse {
  return {
    status,
    body: { error: { code: 'INTERNAL', message: `internal error; the server log has the details under request id ${requestId}` } },
    headers: {},
  };
}

function isFieldMap(v: unknown): v is Record<string, string[]> {
  return typeof v === 'object' && v !== null && Object.values(v).every((m) => Array.isArray(m) && m.every((s) => typeof s === 'string'));
}

/**
 * What a 5xx logs: type, code, message and stack, never the error's other properties (a pg error's
 * `detail` quotes row values such as email addresses).
 */
export function loggableError(e: unknown): Record<string, unknown> {
  const root = e instanceof BatonError && e.cause !== undefined ? e.cause : e;
  if (!(root instanceof Error)) return { type: typeof root, message: String(root) };
  const code = (root as { code?: unknown }).code;
  return { type: root.name, message: root.message, ...(typeof code === 'string' ? { code } : {}), stack: root.stack };
}

export function sendError(reply: FastifyReply, r: ErrorResponse): FastifyReply {
  return reply.code(r.status).headers(r.headers).type('application/json; charset=utf-8').send(r.body);
}

/** One error handler and one not-found handler for the whole server, so every error has the same shape. */
export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((e: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const r = errorResponse(e, request.id, bodyLimit);
    // HttpErrors are answers we chose (e.g. 503 while shutting down); anything else at 5xx is a fault to look at.
    if (r.status >= 500 && !(e instanceof HttpError)) request.log.error({ err: loggableError(e), route: request.routeOptions.url }, 'request failed');
    request.errorCode = r.body.error.code;
    return sendError(reply, r);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = (request.url.split('?')[0] ?? '').slice(0, 200);
    request.errorCode = 'ROUTE_NOT_FOUND';
    return sendError(reply, { status: 404, body: { error: { code: 'ROUTE_NOT_FOUND', message: `there is no route ${request.method} ${path}` } }, headers: {} });
  });
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Answers 405 with an Allow header for the methods a path does not serve (Fastify alone answers
 * 404). Refused in onRequest, before any body is read.
 */
export function allowOnly(app: FastifyInstance, url: string, allowed: readonly ('GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS')[]): void {
  // Fastify serves HEAD for every GET route itself.
  const allow = allowed.includes('GET') ? [...allowed, 'HEAD'] : [...allowed];
  const others = METHODS.filter((m) => !allow.includes(m));
  app.route({
    method: others,
    url,
    onRequest: async () => {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${url} allows only ${allow.join(', ')}`, { allow: allow.join(', ') });
    },
    handler: async () => undefined,
  });
}
