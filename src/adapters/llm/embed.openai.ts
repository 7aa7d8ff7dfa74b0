import OpenAI from 'openai';
import { BatonError, ModelBehaviorError, toBatonError } from '../../domain/errors.ts';
import type { Embedder } from '../../domain/kb/types.ts';
import type { Logger } from '../log.ts';
import { backoffMs, isRetryable, isTimeout, retryAfterMs, statusOf, type RetryPolicy } from './retry.ts';

export interface OpenAiEmbedderOptions {
  apiKey: string;
  /** OpenAI-compatible endpoint (Azure, Ollama, vLLM...); default OpenAI's own. */
  baseURL?: string;
  /** Embedding model, e.g. `text-embedding-3-small`; stored beside each vector. */
  model: string;
  /** Ask the model for vectors of this width (text-embedding-3 models); default the model's own. */
  dimensions?: number;
  /** Texts per request; default 96. */
  batchSize?: number;
  /** Per attempt, in milliseconds. */
  timeoutMs: number;
  retry: RetryPolicy;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs a model call, retrying transient failures (rate limits, 5xx, timeouts) with backoff or the server's Retry-After. */
export async function withModelRetry<T>(call: () => Promise<T>, o: { retry: RetryPolicy; logger: Logger; sleep: (ms: number) => Promise<void> }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (attempt < o.retry.retries && isRetryable(e)) {
        const wait = Math.min(60_000, retryAfterMs(e) ?? backoffMs(attempt, o.retry));
        o.logger.info({ attempt: attempt + 1, status: statusOf(e), waitMs: wait }, 'model call failed; retrying');
        await o.sleep(wait);
        continue;
      }
      throw modelCallError(e);
    }
  }
}

/** A failed model call as a BatonError that says whose fault it is and what to check. */
export function modelCallError(e: unknown): BatonError {
  if (e instanceof BatonError) return e;
  const status = statusOf(e);
  if (status === 401 || status === 403) return new BatonError('MODEL_AUTH_FAILED', 'the model endpoint refused the API key (check OPENAI_API_KEY)', { fault: 'user', cause: e });
  if (status === 404) return new BatonError('MODEL_NOT_FOUND', 'the model endpoint does not know this model or path (check the model name and OPENAI_BASE_URL)', { fault: 'user', cause: e });
  if (status === 429) return new BatonError('MODEL_RATE_LIMITED', 'the model endpoint kept answering 429 (rate limit) after all retries', { fault: 'system', cause: e });
  if (isTimeout(e)) return new BatonError('MODEL_TIMEOUT', 'the model did not answer in time after all retries (see OPENAI_TIMEOUT_MS)', { fault: 'system', cause: e });
  if (status !== undefined) return new BatonError('MODEL_HTTP_ERROR', `the model endpoint answered HTTP ${status}`, { fault: 'system', cause: e, details: { status } });
  return new BatonError('MODEL_UNREACHABLE', `cannot reach the model endpoint: ${toBatonError(e).message}`, { fault: 'system', cause: e });
}

/**
 * An Embedder on an OpenAI-compatible `/embeddings` endpoint: texts sent in batches, each answer
 * checked (one finite vector per text, one width), transient failures retried.
 */
export function createOpenAiEmbedder(o: OpenAiEmbedderOptions): Embedder {
  // Retries are ours (withModelRetry), so the SDK's own are off.
  const client = new OpenAI({ apiKey: o.apiKey, ...(o.baseURL ? { baseURL: o.baseURL } : {}), timeout: o.timeoutMs, maxRetries: 0 });
  const batchSize = Math.max(1, o.batchSize ?? 96);
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = o.logger.child({ component: 'embed.openai', model: o.model });

  async function batch(texts: readonly string[]): Promise<number[][]> {
    const res = await withModelRetry(
      () =>
        client.embeddings.create({
          model: o.model,
          input: [...texts],
          // The SDK asks for base64 by default; plain floats are what every compatible server speaks.
          encoding_format: 'float',
          ...(o.dimensions ? { dimensions: o.dimensions } : {}),
        }),
      { retry: o.retry, logger: log, sleep },
    );
    const data = Array.isArray(res?.data) ? res.data : [];
    if (data.length !== texts.length) throw new ModelBehaviorError(`the embedding endpoint returned ${data.length} vectors for ${texts.length} texts`);
    const vectors: number[][] = new Array<number[]>(texts.length);
    for (const [i, d] of data.entries()) {
      const at = typeof d.index === 'number' ? d.index : i;
      const v = d.embedding as unknown;
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)) || at < 0 || at >= texts.length) {
        throw new ModelBehaviorError('the embedding endpoint returned a vector that is not a list of numbers', { index: at });
      }
      vectors[at] = v as number[];
    }
    if (vectors.some((v) => v === undefined) || new Set(vectors.map((v) => v.length)).size > 1) {
      throw new ModelBehaviorError('the embedding endpoint returned vectors of different widths or left some out');
    }
    return vectors;
  }

  return {
    model: o.model,
    async embed(texts) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) out.push(...(await batch(texts.slice(i, i + batchSize))));
      return out;
    },
  };
}
