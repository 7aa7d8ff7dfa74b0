import type { ChatOpenAI } from '@langchain/openai';
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import { z } from 'zod';
import type { Usage } from '../../domain/qualify/types.ts';

/**
 * Structured output from an OpenAI-compatible chat model, shared by every Baton model call: ask for a
 * JSON schema in the way the endpoint supports, then read the JSON back ourselves (the caller validates
 * it with zod) and account for its tokens.
 */

export type StructuredMethod = 'jsonSchema' | 'functionCalling' | 'jsonMode';

/** Returned by `rawJson` when the model wrote something that is not JSON. */
export const NOT_JSON = Symbol('not json');

/** Binds the answer schema: a forced tool call, response_format json_schema, or plain JSON mode. */
export function bindStructuredOutput(chat: ChatOpenAI, answer: { schema: z.ZodType; name: string; description: string }, method: StructuredMethod): Runnable<BaseMessage[], AIMessage> {
  const schema = z.toJSONSchema(answer.schema, { target: 'draft-7' }) as Record<string, unknown>;
  delete schema.$schema;
  if (method === 'functionCalling') {
    return chat.bindTools([{ type: 'function', function: { name: answer.name, description: answer.description, parameters: schema } }], {
      tool_choice: { type: 'function', function: { name: answer.name } },
    }) as Runnable<BaseMessage[], AIMessage>;
  }
  const response_format =
    method === 'jsonMode' ? { type: 'json_object' as const } : { type: 'json_schema' as const, json_schema: { name: answer.name, schema, strict: true } };
  return chat.withConfig({ response_format }) as Runnable<BaseMessage[], AIMessage>;
}

export function contentText(raw: AIMessage): string {
  return typeof raw.content === 'string' ? raw.content : raw.content.map((p) => ('text' in p && typeof p.text === 'string' ? p.text : '')).join('');
}

/** The JSON the model wrote, from a tool call or the content (a ```json fence is tolerated); NOT_JSON otherwise. */
export function rawJson(raw: AIMessage): unknown {
  const call = raw.tool_calls?.[0];
  if (call) return call.args;
  const text = contentText(raw).trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** Tokens billed for one answer and their cost at the configured prices (US dollars per million tokens). */
export function usageOf(raw: AIMessage, pricing: { inputPerMTok: number; outputPerMTok: number }): Usage {
  const input_tokens = raw.usage_metadata?.input_tokens ?? 0;
  const output_tokens = raw.usage_metadata?.output_tokens ?? 0;
  const cost_usd = (input_tokens * pricing.inputPerMTok + output_tokens * pricing.outputPerMTok) / 1_000_000;
  return { input_tokens, output_tokens, cost_usd: Math.round(cost_usd * 1e8) / 1e8 };
}
