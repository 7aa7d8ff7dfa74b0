import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage, SystemMessage, type AIMessage } from '@langchain/core/messages';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { ModelBehaviorError, toBatonError } from '../../domain/errors.ts';
import type { Usage } from '../../domain/qualify/types.ts';
import {
  groundedOpener,
  usableFacts,
  type PersonaliseInput,
  type PersonaliseResult,
  type Personaliser,
} from '../../domain/sequence/personalise.ts';
import { answerCacheKey, type AnswerCache, type CachedAnswer } from './cache.ts';
import { render, type PromptFile } from './prompts.ts';
import { bindStructuredOutput, NOT_JSON, rawJson, usageOf } from './structured.ts';
import { backoffMs, isRetryable, retryAfterMs, statusOf, type RetryPolicy } from './retry.ts';

/**
 * Personalised first lines by an OpenAI-compatible chat model through LangChain.js. The model sees
 * the facts it is given and the rendered template, nothing else; whatever it writes passes
 * `groundedOpener` or is dropped. It never throws: any failure is `{ opener: null }` with a reason.
 *
 * Callers pass only lead and account fields (`personaliseFacts` picks them). The lead's email address
 * is never a fact: it gives the model nothing it may write and would send personal data to the
 * endpoint for no purpose; `usableFacts` drops it even when a caller passes it.
 */

/** What the model returns. */
export const OpenerAnswer = z.object({
  opener: z
    .string()
    .describe('one sentence to follow the greeting, built only from the given facts and template; empty string when the facts give nothing to say'),
});
export type OpenerAnswer = z.infer<typeof OpenerAnswer>;

export interface OpenAiPersonaliserOptions {
  apiKey: string;
  /** OpenAI-compatible endpoint (Azure, Ollama, vLLM...); default OpenAI's own. */
  baseURL?: string;
  model: string;
  /** Per attempt, in milliseconds. */
  timeoutMs: number;
  retry: RetryPolicy;
  logger: Logger;
  /** Answers kept by model, prompt version and the exact messages; default: none. */
  cache?: AnswerCache;
  /** prompts/personalise.v1.md, loaded with loadPrompt. */
  prompt: PromptFile;
  /** How structured output is requested; default `jsonSchema`. Use the qualification engine's setting. */
  method?: 'jsonSchema' | 'functionCalling' | 'jsonMode';
  /** US dollars per million tokens, for cost accounting; default 0 (usage then counts tokens only). */
  pricing?: { inputPerMTok: number; outputPerMTok: number };
  sleep?: (ms: number) => Promise<void>;
}

const ANSWER_NAME = 'opener';

export function createOpenAiPersonaliser(o: OpenAiPersonaliserOptions): Personaliser {
  const chat = new ChatOpenAI({
    model: o.model,
    apiKey: o.apiKey,
    // A little variety reads more natural; the grounding check, not the temperature, keeps it honest.
    temperature: 0.3,
    timeout: o.timeoutMs,
    // Retries are ours: LangChain's would also retry answers that fail the schema, slowly.
    maxRetries: 0,
    configuration: o.baseURL ? { baseURL: o.baseURL } : {},
  });
  const model = bindStructuredOutput(chat, { schema: OpenerAnswer, name: ANSWER_NAME, description: 'Give the first line of the email.' }, o.method ?? 'jsonSchema');
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pricing = o.pricing ?? { inputPerMTok: 0, outputPerMTok: 0 };
  const source = { model: o.model, prompt_version: o.prompt.version };

  function messages(input: PersonaliseInput, facts: Record<string, string>): { role: 'system' | 'user'; content: string }[] {
    const lang = input.lang === 'zh' ? 'Chinese (简体中文)' : input.lang === 'en' ? 'English' : 'the language of the email template';
    const user = render(o.prompt.userTemplate, {
      lang,
      facts: Object.entries(facts)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n'),
      subject: input.template.subject.replace(/\s+/g, ' ').trim(),
      body: input.template.body.trim(),
    });
    return [
      { role: 'system', content: o.prompt.system },
      { role: 'user', content: user },
    ];
  }

  /** One model answer, retried on transient failures; a malformed answer is not retried. */
  async function call(msgs: { role: 'system' | 'user'; content: string }[]): Promise<{ answer: OpenerAnswer; usage: Usage }> {
    const lc = [new SystemMessage(msgs[0]!.content), new HumanMessage(msgs[1]!.content)];
    for (let attempt = 0; ; attempt++) {
      let raw: AIMessage;
      try {
        raw = await model.invoke(lc);
      } catch (e) {
        if (attempt < o.retry.retries && isRetryable(e)) {
          const wait = Math.min(60_000, retryAfterMs(e) ?? backoffMs(attempt, o.retry));
          o.logger.info({ attempt: attempt + 1, status: statusOf(e), waitMs: wait }, 'personalise model call failed; retrying');
          await sleep(wait);
          continue;
        }
        throw e;
      }
      const usage = usageOf(raw, pricing);
      const json = rawJson(raw);
      if (json === NOT_JSON) throw Object.assign(new ModelBehaviorError('opener answer is not JSON'), { usage });
      const parsed = OpenerAnswer.safeParse(json);
      if (!parsed.success) throw Object.assign(new ModelBehaviorError('opener answer does not fit its schema'), { usage });
      return { answer: parsed.data, usage };
    }
  }

  async function cached(key: string): Promise<OpenerAnswer | undefined> {
    try {
      const hit = await o.cache?.get(key);
      // Read back through the schema: the shared cache is typed for qualification answers (see store).
      const parsed = hit ? OpenerAnswer.safeParse(hit.answer) : undefined;
      return parsed?.success ? parsed.data : undefined;
    } catch (e) {
      o.logger.warn({ code: toBatonError(e).code }, 'personalise cache read failed; asking the model');
      return undefined;
    }
  }

  async function store(key: string, answer: OpenerAnswer, usage: Usage): Promise<void> {
    if (!o.cache) return;
    try {
      // AnswerCache's value type names the qualification answer, but both stores keep `answer` as
      // opaque JSON, the key space is separate (the prompt version is hashed in) and `cached` re-checks
      // the shape with zod, so this widening is never trusted on the way back.
      const value: CachedAnswer = { answer: answer as unknown as CachedAnswer['answer'], usage, model: o.model, promptVersion: o.prompt.version };
      await o.cache.set(key, value);
    } catch (e) {
      o.logger.warn({ code: toBatonError(e).code }, 'personalise cache write failed');
    }
  }

  function judge(answer: OpenerAnswer, facts: Record<string, string>, input: PersonaliseInput, usage: Usage | undefined): PersonaliseResult {
    const paid = usage ? { usage } : {};
    const opener = unquote(answer.opener.trim());
    if (!opener) return { opener: null, reason: 'nothing_to_say', ...source, ...paid };
    const check = groundedOpener(opener, facts, `${input.template.subject}\n${input.template.body}`);
    if (!check.ok) {
      // The refused words are model output, not lead data, but they stay out of logs like all of it.
      o.logger.info({ template: input.template.name, refused: check.offending.length }, 'personalised opener refused: not grounded');
      return { opener: null, reason: `not_grounded: ${check.offending.slice(0, 5).join(', ')}`, ...source, ...paid };
    }
    return { opener, reason: 'ok', ...source, ...paid };
  }

  return {
    async personalise(input: PersonaliseInput): Promise<PersonaliseResult> {
      const facts = usableFacts(input.facts);
      if (Object.keys(facts).length === 0) return { opener: null, reason: 'no_facts' };
      let spent: Usage | undefined;
      try {
        const msgs = messages(input, facts);
        const key = answerCacheKey(o.model, o.prompt.version, msgs);
        const hit = await cached(key);
        if (hit) return judge(hit, facts, input, undefined);
        let answer: OpenerAnswer;
        try {
          ({ answer, usage: spent } = await call(msgs));
        } catch (e) {
          // A malformed answer was still billed.
          spent = (e as { usage?: Usage }).usage;
          throw e;
        }
        await store(key, answer, spent);
        return judge(answer, facts, input, spent);
      } catch (e) {
        const err = toBatonError(e);
        o.logger.warn({ template: input.template.name, code: err.code, status: statusOf(e), model: o.model }, 'personalise model failed; sending the template as it is');
        return { opener: null, reason: 'model_failed', ...(spent ? { usage: spent } : {}) };
      }
    },
  };
}

/** Models like to wrap a line in quotes; one matching pair around the whole line is taken off. */
function unquote(s: string): string {
  const m = /^(["“'「])([\s\S]*)(["”'」])$/.exec(s);
  if (!m) return s;
  const pairs: Record<string, string> = { '"': '"', '“': '”', "'": "'", '「': '」' };
  return pairs[m[1]!] === m[3] ? (m[2] ?? '').trim() : s;
}
