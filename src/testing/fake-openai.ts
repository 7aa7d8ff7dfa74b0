import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashedFeatures } from '../domain/embed/hashed.ts';

/** One scripted answer of the fake server. */
export type FakeReply =
  | { kind: 'json'; content: unknown; usage?: { prompt_tokens: number; completion_tokens: number } }
  | { kind: 'text'; content: string }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'hang' };

/**
 * One scripted answer to `POST /v1/embeddings`. `vectors` embeds each input with the offline hashed
 * features at `dims` (default 256), so a test gets meaningful similarities from the fake model.
 */
export type FakeEmbeddingReply =
  | { kind: 'vectors'; dims?: number }
  | { kind: 'raw'; body: unknown }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'hang' };

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: { model?: string; messages?: { role: string; content: string }[]; response_format?: unknown; tools?: unknown; input?: unknown; encoding_format?: string; dimensions?: number };
}

/**
 * A local OpenAI-compatible HTTP server for tests: answers `POST /v1/chat/completions` from a script
 * (one reply per request, the last one repeating) and records every request it got. It also answers
 * `POST /v1/embeddings`, by default with hashed vectors, from a second script (`embeddings()`).
 */
export class FakeOpenAi {
  readonly requests: RecordedRequest[] = [];
  private script: FakeReply[] = [];
  private embeddingScript: FakeEmbeddingReply[] = [{ kind: 'vectors' }];
  private server: Server | undefined;
  private readonly hanging = new Set<() => void>();
  url = '';

  /** Sets the replies for the next requests; the last one answers every request after them. */
  reply(...replies: FakeReply[]): this {
    this.script = replies;
    return this;
  }

  /** Sets the answers of the next embedding requests; the last one answers every request after them. */
  embeddings(...replies: FakeEmbeddingReply[]): this {
    this.embeddingScript = replies.length ? replies : [{ kind: 'vectors' }];
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body: RecordedRequest['body'] = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'];
        } catch {
          // recorded as empty: the test will see it
        }
        this.requests.push({ path: req.url ?? '', headers: req.headers, body });
        if (req.method === 'POST' && req.url?.endsWith('/embeddings')) {
          const next = (this.embeddingScript.length > 1 ? this.embeddingScript.shift() : this.embeddingScript[0]) ?? { kind: 'vectors' };
          this.answerEmbeddings(next, body, res);
          return;
        }
        if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
          return;
        }
        const next = (this.script.length > 1 ? this.script.shift() : this.script[0]) ?? { kind: 'status', status: 500 };
        this.answer(next, body, res);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  private answer(next: FakeReply, body: RecordedRequest['body'], res: ServerResponse): void {
    if (next.kind === 'hang') {
      // Never answers; released at stop() so the server can close.
      this.hanging.add(() => res.destroy());
      return;
    }
    if (next.kind === 'status') {
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(JSON.stringify(next.body ?? { error: { message: `status ${next.status}`, type: 'fake' } }));
      return;
    }
    const content = next.kind === 'json' ? JSON.stringify(next.content) : next.content;
    const usage = next.kind === 'json' && next.usage ? next.usage : { prompt_tokens: 900, completion_tokens: 150 };
    // Answer in the shape the request asked for: a tool call when tools were sent, else content.
    const tools = body.tools as { function: { name: string } }[] | undefined;
    const message = tools?.length
      ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: tools[0]!.function.name, arguments: content } }] }
      : { role: 'assistant', content };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${this.requests.length}`,
        object: 'chat.completion',
        created: 1_760_000_000,
        model: body.model ?? 'fake',
        choices: [{ index: 0, message, finish_reason: tools?.length ? 'tool_calls' : 'stop' }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    );
  }

  private answerEmbeddings(next: FakeEmbeddingReply, body: RecordedRequest['body'], res: ServerResponse): void {
    if (next.kind === 'hang' || next.kind === 'status') {
      this.answer(next, body, res);
      return;
    }
    if (next.kind === 'raw') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
      return;
    }
    const inputs = Array.isArray(body.input) ? (body.input as unknown[]).map(String) : [String(body.input ?? '')];
    const dims = next.dims ?? body.dimensions ?? 256;
    const data = inputs.map((text, index) => {
      const v = Array.from(hashedFeatures(text, dims));
      const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
      return { object: 'embedding', index, embedding: v.map((x) => x / norm) };
    });
    const tokens = inputs.reduce((s, t) => s + Math.ceil(t.length / 4), 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data, model: body.model ?? 'fake', usage: { prompt_tokens: tokens, total_tokens: tokens } }));
  }

  async stop(): Promise<void> {
    for (const release of this.hanging) release();
    this.hanging.clear();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
