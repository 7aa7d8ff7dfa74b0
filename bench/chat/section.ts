import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchServerUrl, serverProblem, TempDatabases } from '../lib/postgres.ts';
import type { BenchContext, BenchSection, SectionResult } from '../lib/section.ts';
import { runBenchWorker } from '../lib/worker.ts';
import type { Backend } from '../mail/setup.ts';
import type { ChatInput, ChatResult } from './measure.ts';

/**
 * The website chat through the real service (startService: HTTP on a free port, the offline engine,
 * the shipped knowledge base, the worker running), each backend in a fresh process:
 *
 * - round trip: BENCH_CHAT_SEQUENTIAL (30) visitors one after another, each a whole conversation
 *   (need and budget, a knowledge-base question, timeline, authority, an email; English and Chinese),
 *   timed from POST .../messages to the bot's answers in the response;
 * - under load: BENCH_CHAT_CONCURRENT (20) visitors chatting at once, twice;
 * - held: BENCH_CHAT_HELD (1000) conversations open at once, each with its server-sent-events stream
 *   connected; then every one gets a message, and the bot's answer must arrive on its own stream.
 *
 * Environment: the above, and BATON_BENCH_DATABASE_URL as for the import section.
 */

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

const label = (b: Backend): string => (b === 'pglite' ? 'PGlite' : 'PostgreSQL');

export const chatSection: BenchSection = {
  name: 'chat',
  title: 'Website chat (round trip on the offline engine, conversations held by one process)',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const sequential = Number(process.env.BENCH_CHAT_SEQUENTIAL ?? 30);
    const concurrent = Number(process.env.BENCH_CHAT_CONCURRENT ?? 20);
    const held = Number(process.env.BENCH_CHAT_HELD ?? 1000);
    const results: ChatResult[] = [];
    const notes: string[] = [];
    let k = 0;
    const measure = async (backend: Backend, target: (workDir: string) => Promise<string>): Promise<void> => {
      ctx.log(`${label(backend)}: ${sequential} conversations in turn, ${concurrent} at once, ${held} held open`);
      const workDir = join(ctx.tmpDir, `c${k++}`);
      mkdirSync(workDir, { recursive: true });
      const input: ChatInput = { kind: 'chat', backend, target: await target(workDir), workDir, sequential, concurrent, held };
      results.push(await runBenchWorker<ChatInput, ChatResult>(WORKER, input, `chat bench worker (${label(backend)})`));
    };
    await measure('pglite', async (workDir) => join(workDir, 'pglite'));
    const serverUrl = benchServerUrl();
    const problem = await serverProblem(serverUrl);
    if (problem) notes.push(`PostgreSQL server skipped: ${problem}`);
    else {
      const temp = new TempDatabases(serverUrl);
      try {
        await measure('postgres', () => temp.create());
      } finally {
        await temp.dropAll();
      }
    }
    const r1 = (x: number) => Math.round(x * 10) / 10;
    for (const r of results) {
      notes.push(
        `${label(r.backend)}: chat round trip p50 ${r1(r.roundTripMs.p50)} ms, p95 ${r1(r.roundTripMs.p95)} ms one visitor at a time; p50 ${r1(r.concurrentRoundTripMs.p50)} ms, p95 ${r1(r.concurrentRoundTripMs.p95)} ms with ${r.concurrent} at once. ` +
          `${r.held} conversations held open with their event streams in ${Math.round(r.heldOpenMs / 100) / 10} s; ${r.heldDelivered}/${r.held} saw their answer on their own stream (${Math.round(r.heldRoundMs / 100) / 10} s for the round); about ${Math.round(r.heldKbEach)} KB of RSS each (client and server in one process).`,
      );
      if (r.heldDelivered !== r.held) notes.push(`${label(r.backend)}: ${r.held - r.heldDelivered} held conversations did NOT get their answer.`);
    }
    return {
      tables: [
        {
          title: 'Chat round trip: POST /v1/chat/sessions/:id/messages -> the bot answers in the response (ms)',
          columns: ['backend', 'visitors at once', 'messages', 'p50', 'p95', 'max', 'mean', 'session start p50'],
          rows: results.flatMap((r) => [
            [label(r.backend), 1, r.roundTrips, r1(r.roundTripMs.p50), r1(r.roundTripMs.p95), r1(r.roundTripMs.max), r1(r.roundTripMs.mean), r1(r.startMs.p50)],
            [label(r.backend), r.concurrent, r.concurrentRoundTrips, r1(r.concurrentRoundTripMs.p50), r1(r.concurrentRoundTripMs.p95), r1(r.concurrentRoundTripMs.max), r1(r.concurrentRoundTripMs.mean), ''],
          ]),
        },
        {
          title: 'Conversations held by one process (each with its SSE stream open)',
          columns: ['backend', 'held', 'opened in s', 'answered on own stream', 'round s', 'RSS KB each', 'peak RSS MB', 'peak heap MB'],
          rows: results.map((r) => [label(r.backend), r.held, Math.round(r.heldOpenMs / 100) / 10, r.heldDelivered, Math.round(r.heldRoundMs / 100) / 10, Math.round(r.heldKbEach), Math.round(r.memory.peakRssMb), Math.round(r.memory.peakHeapMb)]),
        },
      ],
      notes,
      figures: { runs: results },
    };
  },
};
