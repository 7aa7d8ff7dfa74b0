import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { allowOnly, HttpError } from '../errors.ts';

/**
 * Serves the review console: one static page, a vanilla ES module and a stylesheet, read once at
 * start; /console/candidates/:id and /console/chats/:id are the same page. The page holds no data (it reads the desk API with the caller's key), so it is served
 * without the guard. A strict Content-Security-Policy allows only our own script and style (no
 * inline code), and the script writes data into the page as text only.
 */

const dir = new URL('./', import.meta.url);
const read = (name: string): Buffer => readFileSync(new URL(name, dir));

const ASSETS: Readonly<Record<string, { type: string; body: Buffer }>> = {
  'console.js': { type: 'text/javascript; charset=utf-8', body: read('console.js') },
  'console.css': { type: 'text/css; charset=utf-8', body: read('console.css') },
};
const PAGE = read('index.html');

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    // Small files, changed by deploys: always revalidate rather than show an old script against a new API.
    .header('cache-control', 'no-cache');
}

export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  const page = async (_request: unknown, reply: FastifyReply) => secure(reply).type('text/html; charset=utf-8').send(PAGE);
  app.get('/console', page);
  app.get('/console/', page);
  // The same page; its script opens the candidate named in the path.
  app.get('/console/candidates/:id', page);
  // And the chat named in the path (the chat pane).
  app.get('/console/chats/:id', page);

  app.get<{ Params: { name: string } }>('/console/assets/:name', async (request, reply) => {
    // Only the known files: the name never reaches the file system.
    const asset = Object.hasOwn(ASSETS, request.params.name) ? ASSETS[request.params.name] : undefined;
    if (!asset) throw new HttpError(404, 'NOT_FOUND', `the console has no asset ${request.params.name.slice(0, 100)}`);
    return secure(reply).type(asset.type).send(asset.body);
  });

  allowOnly(app, '/console', ['GET']);
  allowOnly(app, '/console/candidates/:id', ['GET']);
  allowOnly(app, '/console/chats/:id', ['GET']);
  allowOnly(app, '/console/assets/:name', ['GET']);
}
