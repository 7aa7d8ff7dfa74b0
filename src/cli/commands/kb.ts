import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { buildEmbedder, openBaton, openKnowledgeBase } from '../../main.ts';
import { createLogger } from '../../adapters/log.ts';
import { loadKnowledge } from '../../app/kb/knowledge.ts';
import { ValidationError } from '../../domain/errors.ts';
import { answerText } from '../../domain/kb/answer.ts';
import type { GroundedAnswer } from '../../domain/kb/types.ts';

/** `baton kb load` and `baton kb ask`: the knowledge base the chat and email drafts answer from. */
export function registerKbCommands(program: Command): void {
  const kb = program.command('kb').description('the knowledge base: Markdown files that grounded answers are taken from');

  kb.command('load')
    .description('load the Markdown files of a directory (recursively): changed files are re-chunked and re-embedded, removed ones dropped')
    .option('--dir <dir>', 'the knowledge directory', 'knowledge')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { dir: string; json?: boolean }) => {
      await withBaton(async (deps) => {
        const s = await loadKnowledge(deps, resolve(opts.dir));
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(s)}\n`
            : `knowledge loaded from ${opts.dir}: ${s.added} added, ${s.updated} updated, ${s.removed} removed, ${s.unchanged} unchanged; ${s.passages} passages\n`,
        );
      });
    });

  kb.command('ask')
    .description('answer a question from the loaded knowledge, with its sources, or say that nothing relevant is there')
    .argument('<question>', 'the question, in English or Chinese')
    .option('--lang <lang>', 'en or zh (default: from the question)')
    .option('--json', 'print the answer as JSON')
    .action(async (question: string, opts: { lang?: string; json?: boolean }) => {
      if (opts.lang !== undefined && opts.lang !== 'en' && opts.lang !== 'zh') throw new ValidationError(`--lang "${opts.lang}" is not a language; use en or zh`, { lang: opts.lang }, 'KB_BAD_LANG');
      if (!question.trim()) throw new ValidationError('the question is empty', undefined, 'KB_EMPTY_QUESTION');
      const lang = (opts.lang as 'en' | 'zh' | undefined) ?? (/[\p{Script=Han}]/u.test(question) ? 'zh' : 'en');
      await withBaton(async (deps, config) => {
        const answer = await openKnowledgeBase(config, deps, deps.embedder).answer(question, { lang });
        process.stdout.write(`${opts.json ? JSON.stringify(answer, null, 2) : describeAnswer(answer, lang)}\n`);
      });
    });
}

/** An answer for a person at a terminal: the text with its sources, then where each source is. */
export function describeAnswer(answer: GroundedAnswer, lang: 'en' | 'zh'): string {
  if (answer.kind === 'no_answer') {
    return answer.reason === 'empty'
      ? 'no answer: the knowledge base is empty; load it with `baton kb load --dir <dir>`'
      : 'no answer: nothing relevant in the knowledge base; a person should follow up';
  }
  const where = answer.sources.map((s) => `  ${s.documentId}${s.anchor ? `#${s.anchor}` : ''}  (${s.passageId})`);
  return [answerText(answer, lang), '', 'sources:', ...where].join('\n');
}

async function withBaton(fn: (deps: Parameters<typeof loadKnowledge>[0], config: ReturnType<typeof loadConfig>) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const level = config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL;
  const baton = await openBaton(config, { logger: createLogger({ level, logPii: config.BATON_LOG_PII, destination: 2 }) });
  try {
    // The configured embedder: OPENAI_EMBEDDING_MODEL, else the offline one; the same as the service uses.
    await fn({ db: baton.db, clock: baton.clock, logger: baton.logger, embedder: buildEmbedder(config, baton.logger) }, config);
  } finally {
    await baton.close();
  }
}
