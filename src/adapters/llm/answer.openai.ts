import OpenAI from 'openai';
import { z } from 'zod';
import { ModelBehaviorError } from '../../domain/errors.ts';
import type { ModelAnswerer, ModelDraft } from '../../domain/kb/grounding.ts';
import type { Passage } from '../../domain/kb/types.ts';
import type { Logger } from '../log.ts';
import { withModelRetry } from './embed.openai.ts';
import { render, type PromptFile } from './prompts.ts';
import type { RetryPolicy } from './retry.ts';

/** What the model returns: evidence (the cited passage numbers) checked by the caller, then the text. */
export const KbModelAnswer = z.object({
  answer: z.string().describe('the answer, written only from the cited passages; at most three sentences'),
  cited: z.array(z.number().int()).describe('numbers of the passages the answer rests on (1-based); empty when they do not answer the question'),
});
export type KbModelAnswer = z.infer<typeof KbModelAnswer>;

export interface ModelAnswererOptions {
  apiKey: string;
  /** OpenAI-compatible endpoint; default OpenAI's own. */
  baseURL?: string;
  model: string;
  /** Per attempt, in milliseconds. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** prompts/kb-answer.v1.md, loaded with loadPrompt. */
  prompt: PromptFile;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/** The numbered passages as the prompt shows them. */
export function numberedPassages(passages: readonly Passage[]): string {
  return passages.map((p, i) => `[${i + 1}] ${p.heading}\n<<<\n${p.body}\n>>>`).join('\n\n');
}

/**
 * A ModelAnswerer on an OpenAI-compatible chat completions endpoint (JSON mode). It returns what the
 * model wrote; the knowledge base checks the citations (checkModelAnswer) and falls back to the
 * extractive answer when they do not hold. Throws a BatonError on a failed call or malformed output.
 */
export function createModelAnswerer(o: ModelAnswererOptions): ModelAnswerer {
  const client = new OpenAI({ apiKey: o.apiKey, ...(o.baseURL ? { baseURL: o.baseURL } : {}), timeout: o.timeoutMs, maxRetries: 0 });
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = o.logger.child({ component: 'kb.answer.openai', model: o.model });
  return {
    model: o.model,
    async write(question, passages, lang): Promise<ModelDraft> {
      const system = render(o.prompt.system, { lang: lang === 'zh' ? 'Chinese (简体中文)' : 'English' });
      const user = render(o.prompt.userTemplate, { question, passages: numberedPassages(passages) });
      const res = await withModelRetry(
        () =>
          client.chat.completions.create({
            model: o.model,
            temperature: 0,
            response_format: { type: 'json_object' },
            messages: [
              { role: 'system', content: system },
              { role: 'user', content: user },
            ],
          }),
        { retry: o.retry, logger: log, sleep },
      );
      const content = res.choices?.[0]?.message?.content ?? '';
      let json: unknown;
      try {
        json = JSON.parse(content);
      } catch {
        throw new ModelBehaviorError('the model answer is not JSON', { preview: content.slice(0, 80) });
      }
      const parsed = KbModelAnswer.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        throw new ModelBehaviorError(`the model answer does not fit {answer, cited}: ${issues.join('; ')}`, { issues });
      }
      return { text: parsed.data.answer, cited: parsed.data.cited };
    },
  };
}
