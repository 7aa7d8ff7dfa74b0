import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage, SystemMessage, type AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import type { Logger } from '../log.ts';
import { BatonError, ModelBehaviorError, toBatonError } from '../../domain/errors.ts';
import { separateOwnWords } from '../../domain/qualify/own-words.ts';
import type { QualificationDraft } from '../../domain/qualify/assemble.ts';
import type { EngineInfo, Qualification, QualificationEngine, QualifyInput, Usage } from '../../domain/qualify/types.ts';
import { answerCacheKey, type AnswerCache } from './cache.ts';
import { ModelAnswer } from './model-answer.ts';
import { render, type PromptFile } from './prompts.ts';
import { bindStructuredOutput, contentText, NOT_JSON, rawJson, usageOf } from './structured.ts';
import { backoffMs, isRetryable, isTimeout, retryAfterMs, statusOf, type RetryPolicy } from './retry.ts';

/** Turns a draft into a Qualification: drops ungrounded evidence, applies the MQL rule, scores. */
export type Finalize = (input: QualifyInput, draft: QualificationDraft, engine: EngineInfo) => Qualification;

export interface OpenAiEngineOptions {
  apiKey: string;
  /** OpenAI-compatible endpoint (Azure, Ollama, vLLM...); default OpenAI's own. */
  baseURL?: string;
  model: string;
  /** Per attempt. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** How structured output is requested: `jsonSchema` (response_format), `functionCalling` (a tool) or `jsonMode`. */
  method: 'jsonSchema' | 'functionCalling' | 'jsonMode';
  /** US dollars per million tokens, for cost accounting. */
  pricing: { inputPerMTok: number; outputPerMTok: number };
  prompt: PromptFile;
  cache: AnswerCache;
  /** Used when the model fails or misbehaves; the result is flagged. */
  fallback: QualificationEngine;
  finalize: Finalize;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
}

const ENGINE_VERSION = 'openai-1';

/**
 * Qualification by an OpenAI-compatible chat model through LangChain.js: one call per message,
 * structured output checked by the same zod schema, cached by content, with retries on transient
 * failures and a flagged fallback to the offline engine when the model fails or misbehaves.
 */
export class OpenAiQualificationEngine implements QualificationEngine {
  readonly name = 'openai';
  private readonly model: Runnable<BaseMessage[], AIMessage>;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: OpenAiEngineOptions) {
    const chat = new ChatOpenAI({
      model: o.model,
      apiKey: o.apiKey,
      temperature: 0,
      timeout: o.timeoutMs,
      // Retries are ours: LangChain's would also retry answers that fail the schema, slowly.
      maxRetries: 0,
      configuration: o.baseURL ? { baseURL: o.baseURL } : {},
    });
    this.model = bindStructuredOutput(chat, { schema: ModelAnswer, name: ANSWER_NAME, description: 'Report the qualification of the message.' }, o.method);
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private info(): EngineInfo {
    return { name: this.name, version: ENGINE_VERSION, model: this.o.model, prompt_version: this.o.prompt.version };
  }

  messages(input: QualifyInput): { role: 'system' | 'user'; content: string }[] {
    const own = separateOwnWords(input.reply, input.lead?.name);
    const lead = input.lead && Object.keys(input.lead).length ? Object.entries(input.lead).map(([k, v]) => `${k}: ${String(v)}`).join('\n') : '(empty)';
    const thread = input.thread?.length
      ? input.thread.map((m, i) => `[${i + 1}] written by ${m.from === 'us' ? 'US (never evidence)' : 'THE LEAD'}:\n<<<\n${m.text}\n>>>`).join('\n\n')
      : '(none)';
    const user = render(this.o.prompt.userTemplate, {
      date: input.date,
      channel: input.channel,
      lead,
      thread,
      own_words: own.body || '(empty)',
      signature: own.signature || '(none)',
      quoted: own.quoted || '(none)',
    });
    return [
      { role: 'system', content: this.o.prompt.system },
      { role: 'user', content: user },
    ];
  }

  async qualify(input: QualifyInput): Promise<Qualification> {
    const messages = this.messages(input);
    const key = answerCacheKey(this.o.model, this.o.prompt.version, messages);
    const cached = await this.o.cache.get(key);
    if (cached) {
      // Already paid for: no usage is reported for this message.
      return this.o.finalize(input, { ...toDraft(cached.answer), flags: ['cache_hit'] }, this.info());
    }
    try {
      const { answer, usage } = await this.call(messages);
      await this.o.cache.set(key, { answer, usage, model: this.o.model, promptVersion: this.o.prompt.version });
      return { ...this.o.finalize(input, { ...toDraft(answer), flags: [] }, this.info()), usage };
    } catch (e) {
      const err = toBatonError(e);
      // A malformed answer was still billed: keep its usage on the fallback result.
      const spent = (e as { usage?: Usage }).usage;
      this.o.logger.warn({ code: err.code, fault: err.fault, model: this.o.model }, 'model qualification failed; using the offline engine');
      const q = await this.o.fallback.qualify(input);
      return { ...q, flags: [...q.flags, 'model_fallback', `model_error:${err.code}`], ...(spent ? { usage: spent } : {}) };
    }
  }

  /** One model answer, retried on transient failures. */
  private async call(messages: { role: 'system' | 'user'; content: string }[]): Promise<{ answer: ModelAnswer; usage: Usage }> {
    const lc = [new SystemMessage(messages[0]!.content), new HumanMessage(messages[1]!.content)];
    for (let attempt = 0; ; attempt++) {
      let raw: AIMessage;
      try {
        raw = await this.model.invoke(lc);
      } catch (e) {
        if (attempt < this.o.retry.retries && isRetryable(e)) {
          // A server-given Retry-After wins over our backoff, within reason.
          const wait = Math.min(60_000, retryAfterMs(e) ?? backoffMs(attempt, this.o.retry));
          this.o.logger.info({ attempt: attempt + 1, status: statusOf(e), waitMs: wait }, 'model call failed; retrying');
          await this.sleep(wait);
          continue;
        }
        throw modelCallError(e);
      }
      // Parsed here rather than by LangChain, so a malformed answer still reports what it cost.
      const usage = usageOf(raw, this.o.pricing);
      const json = rawJson(raw);
      if (json === NOT_JSON) {
        throw Object.assign(new ModelBehaviorError('model answer is not JSON', { preview: contentText(raw).slice(0, 80) }), { usage });
      }
      const parsed = ModelAnswer.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        throw Object.assign(new ModelBehaviorError(`model answer does not fit the qualification schema: ${issues.join('; ')}`, { issues }), { usage });
      }
      return { answer: parsed.data, usage };
    }
  }
}

function toDraft(a: ModelAnswer): Omit<QualificationDraft, 'flags'> {
  const { budget, authority, need, timeline } = a.bant;
  const ev = (evidence: string | null) => (evidence ? { evidence } : {});
  return {
    intent: a.intent,
    bant: {
      budget: {
        status: budget.status,
        ...ev(budget.evidence),
        ...(budget.amount !== null && budget.currency ? { amount: budget.amount, currency: budget.currency.toUpperCase() } : {}),
      },
      authority: { status: authority.status, ...ev(authority.evidence), ...(authority.role ? { role: authority.role } : {}) },
      need: { status: need.status, ...ev(need.evidence) },
      timeline: { status: timeline.status, ...ev(timeline.evidence), ...(timeline.within_days !== null ? { within_days: timeline.within_days } : {}) },
    },
    ...(a.referral && (a.referral.name || a.referral.email)
      ? { referral: { ...(a.referral.name ? { name: a.referral.name } : {}), ...(a.referral.email ? { email: a.referral.email } : {}) } }
      : {}),
    confidence: a.confidence,
  };
}

const ANSWER_NAME = 'qualification';

function modelCallError(e: unknown): BatonError {
  const status = statusOf(e);
  if (status === 401 || status === 403) return new BatonError('MODEL_AUTH_FAILED', 'the model endpoint refused the API key (check OPENAI_API_KEY)', { fault: 'user', cause: e });
  if (status === 429) return new BatonError('MODEL_RATE_LIMITED', 'the model endpoint kept answering 429 (rate limit) after all retries', { fault: 'system', cause: e });
  if (isTimeout(e)) return new BatonError('MODEL_TIMEOUT', 'the model did not answer in time after all retries (see OPENAI_TIMEOUT_MS)', { fault: 'system', cause: e });
  if (status !== undefined) return new BatonError('MODEL_HTTP_ERROR', `the model endpoint answered HTTP ${status}`, { fault: 'system', cause: e, details: { status } });
  if (e instanceof ModelBehaviorError) return e;
  // With response_format json_schema the SDK parses the content itself and throws on non-JSON.
  if (e instanceof SyntaxError) return new ModelBehaviorError(`model answer is not JSON: ${e.message.slice(0, 120)}`, undefined, e);
  return new BatonError('MODEL_UNREACHABLE', `cannot reach the model endpoint: ${toBatonError(e).message}`, { fault: 'system', cause: e });
}
