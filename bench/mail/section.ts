import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchServerUrl, serverProblem, TempDatabases } from '../lib/postgres.ts';
import type { BenchContext, BenchSection, SectionResult } from '../lib/section.ts';
import { runBenchWorker } from '../lib/worker.ts';
import type { InboundResult } from './inbound.ts';
import type { LatencyResult } from './latency.ts';
import type { SendsResult } from './sends.ts';
import type { WorkerInput, WorkerResult } from './worker.ts';
import type { Backend } from './setup.ts';

/**
 * The email channel, each figure in a fresh process, on the embedded PGlite and on a PostgreSQL server:
 *
 * - sends/s: BENCH_MAIL_SENDS (2000) leads enrolled in a one-email sequence sent at once, then a
 *   real-mode Worker at each of BENCH_MAIL_CONCURRENCY (4,8) runs advance -> outbox -> SMTP (the
 *   nodemailer pool) -> a loopback sink in its own process, until every outbox row is sent;
 * - inbound/s: BENCH_MAIL_INBOUND (1000) answers to sent emails (human replies from the eval datasets,
 *   out-of-office answers, RFC 3464 bounces) through receiveInbound while a Worker at
 *   BENCH_MAIL_INBOUND_CONCURRENCY (4) processes them, until every message is processed;
 * - web lead -> first email: startService (embedded sink, HTTP on a free port, default worker poll),
 *   BENCH_MAIL_LEADS (200) POST /v1/leads one after another, BENCH_MAIL_GAP_MS (100) apart, after 5
 *   warm-up leads; from the POST to the sink accepting the lead's welcome email.
 *
 * Target (the issue): a web lead's first email within 60 s.
 * Environment: the above, and BATON_BENCH_DATABASE_URL as for the import section.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const FIRST_EMAIL_TARGET_MS = 60_000;

export const mailSection: BenchSection = {
  name: 'mail',
  title: 'Email channel (sends, inbound, web lead to first email)',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const sends = Number(process.env.BENCH_MAIL_SENDS ?? 2000);
    const concurrencies = (process.env.BENCH_MAIL_CONCURRENCY ?? '4,8').split(',').map(Number);
    const inboundCount = Number(process.env.BENCH_MAIL_INBOUND ?? 1000);
    const inboundConcurrency = Number(process.env.BENCH_MAIL_INBOUND_CONCURRENCY ?? 4);
    const leads = Number(process.env.BENCH_MAIL_LEADS ?? 200);
    const gapMs = Number(process.env.BENCH_MAIL_GAP_MS ?? 100);
    const warmup = 5;
    const load = loadavg()[0] ?? NaN;
    const datasets = [join(ROOT, 'evals', 'datasets', 'dev.jsonl'), join(ROOT, '..', 'shared', 'evals', 'sample.jsonl')].filter((p) => existsSync(p));

    const results: WorkerResult[] = [];
    let k = 0;
    const measure = async (backend: Backend, target: (workDir: string) => Promise<string>, make: (t: { backend: Backend; target: string; workDir: string }) => WorkerInput, what: string) => {
      ctx.log(`${label(backend)}: ${what}`);
      const workDir = join(ctx.tmpDir, `m${k++}`);
      mkdirSync(workDir, { recursive: true });
      const input = make({ backend, target: await target(workDir), workDir });
      results.push(await runBenchWorker<WorkerInput, WorkerResult>(WORKER, input, `mail bench worker (${label(backend)}, ${what})`));
    };
    const runAll = async (backend: Backend, target: (workDir: string) => Promise<string>, cleanup: () => Promise<void>) => {
      for (const concurrency of concurrencies) {
        await measure(backend, target, (t) => ({ ...t, kind: 'sends', sends, concurrency }), `${sends.toLocaleString('en-US')} sends at concurrency ${concurrency}`);
        await cleanup();
      }
      await measure(backend, target, (t) => ({ ...t, kind: 'inbound', messages: inboundCount, concurrency: inboundConcurrency, datasets }), `${inboundCount.toLocaleString('en-US')} inbound messages`);
      await cleanup();
      await measure(backend, target, (t) => ({ ...t, kind: 'latency', leads, warmup, gapMs }), `${leads} web leads to first email`);
      await cleanup();
    };

    await runAll(
      'pglite',
      async (workDir) => join(workDir, 'pglite'),
      async () => undefined,
    );
    const notes: string[] = [];
    const serverUrl = benchServerUrl();
    const server = await serverProblem(serverUrl);
    if (server) {
      notes.push(`PostgreSQL server skipped: ${server}`);
    } else {
      const temp = new TempDatabases(serverUrl);
      try {
        await runAll('postgres', () => temp.create(), () => temp.dropAll());
      } finally {
        await temp.dropAll();
      }
    }

    const sendRuns = results.filter((r): r is SendsResult => r.kind === 'sends');
    const inboundRuns = results.filter((r): r is InboundResult => r.kind === 'inbound');
    const latencyRuns = results.filter((r): r is LatencyResult => r.kind === 'latency');
    const f1 = (x: number) => Math.round(x * 10) / 10;
    const cpuPct = (cpuMs: number, wallMs: number) => Math.round((cpuMs / wallMs) * 100);

    for (const r of sendRuns) {
      const bad = r.outbox.sent !== r.sends || r.sink.accepted !== r.sends || r.sink.distinct !== r.sends;
      if (bad) notes.push(`${label(r.backend)} sends at ${r.concurrency}: outbox ${JSON.stringify(r.outbox)}, sink accepted ${r.sink.accepted} (${r.sink.distinct} distinct): NOT exactly once.`);
    }
    for (const r of inboundRuns) {
      const seen = `${r.classified.reply ?? 0} replies, ${r.classified.auto_reply ?? 0} auto-replies, ${r.classified.bounce ?? 0} bounces`;
      const others = Object.entries(r.classified).filter(([kind]) => !['reply', 'auto_reply', 'bounce'].includes(kind));
      notes.push(
        `${label(r.backend)} inbound: sent in ${r.sentIn.reply} replies, ${r.sentIn.auto_reply} auto-replies, ${r.sentIn.bounce} bounces; the pipeline saw ${seen}` +
          `${others.length ? `, ${others.map(([kind, n]) => `${n} ${kind}`).join(', ')}` : ''}; ${r.qualifications} qualifications stored` +
          `${r.status.failed ? `; ${r.status.failed} FAILED` : ''}.`,
      );
    }
    for (const r of latencyRuns) {
      const met = r.latencyMs.max < FIRST_EMAIL_TARGET_MS;
      notes.push(
        `${label(r.backend)}: web lead to first email p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, max ${r.latencyMs.max} ms (target: every lead within ${FIRST_EMAIL_TARGET_MS / 1000} s: ${met ? 'met' : 'NOT met'}); the first lead after start ${f1(r.coldMs)} ms.` +
          `${r.sinkFiles !== r.leads + r.warmup ? ` The sink holds ${r.sinkFiles} emails for ${r.leads + r.warmup} leads.` : ''}`,
      );
    }

    return {
      tables: [
        {
          title: 'Sends: enrolled lead -> advance -> outbox -> SMTP pool -> loopback sink (sent rows / wall time)',
          columns: ['backend', 'concurrency', 'SMTP pool', 'sends', 'wall s', 'sends/s', '1st half/s', '2nd half/s', 'settled s', 'CPU % of 1 core', 'peak RSS MB', 'peak heap MB', 'max RSS MB'],
          rows: sendRuns.map((r) => [
            label(r.backend),
            r.concurrency,
            r.smtpPool,
            r.sends,
            Math.round(r.wallMs) / 1000,
            f1(r.sendsPerSec),
            f1(r.halvesPerSec[0]),
            f1(r.halvesPerSec[1]),
            Math.round(r.settledMs) / 1000,
            cpuPct(r.cpuMs, Math.max(r.wallMs, r.settledMs)),
            Math.round(r.memory.peakRssMb),
            Math.round(r.memory.peakHeapMb),
            Math.round(r.memory.maxRssMb),
          ]),
        },
        {
          title: 'Inbound: raw MIME -> receiveInbound -> worker -> classified, matched, qualified and acted on',
          columns: ['backend', 'concurrency', 'messages', 'MIME KB', 'received s', 'wall s', 'messages/s', 'CPU % of 1 core', 'peak RSS MB', 'peak heap MB', 'max RSS MB'],
          rows: inboundRuns.map((r) => [label(r.backend), r.concurrency, r.messages, Math.round(r.mimeBytes / 1024), Math.round(r.receiveMs) / 1000, Math.round(r.wallMs) / 1000, f1(r.messagesPerSec), cpuPct(r.cpuMs, r.wallMs), Math.round(r.memory.peakRssMb), Math.round(r.memory.peakHeapMb), Math.round(r.memory.maxRssMb)]),
        },
        {
          title: 'Web lead -> first email: POST /v1/leads on startService until the embedded sink accepts the welcome email (ms)',
          columns: ['backend', 'leads', 'gap ms', 'p50', 'p95', 'max', 'mean', 'cold start', 'POST p50', 'POST p95', 'peak RSS MB', 'max RSS MB'],
          rows: latencyRuns.map((r) => [label(r.backend), r.leads, r.gapMs, r.latencyMs.p50, r.latencyMs.p95, r.latencyMs.max, r.latencyMs.mean, f1(r.coldMs), r.postMs.p50, r.postMs.p95, Math.round(r.memory.peakRssMb), Math.round(r.memory.maxRssMb)]),
        },
      ],
      notes: [
        `Machine: ${availableParallelism()} cores, load average ${load.toFixed(1)} when the section started. The configuration is a fresh install's (offline engine, one mailbox, SMTP pool ${sendRuns[0]?.smtpPool ?? 5}, worker poll ${latencyRuns[0]?.pollMs ?? 1000} ms)`,
        'except MAIL_SPACING_SECONDS=0 and caps raised: with the default 10 s spacing one mailbox sends at most 6 emails a minute, so',
        'a burst of web leads queues behind it (the n-th lead of a burst waits about 10 x (n - 1) s), and these figures would measure the pacing.',
        'Sends and inbound: the sink runs in its own process, as a real SMTP server would; setup (storing and enrolling the leads, and for',
        'inbound sending each lead its first email) is not timed. Wall time ends at the last sent_at / processed_at; the halves are the',
        'sends/s of the first and the second 50% of the messages; settled: until the advances that plan each lead\'s next step are done too.',
        'CPU is this process\'s (Baton, and PGlite when embedded), until the queue settled. The latency run is the',
        'service itself, its sink embedded. Peak RSS and heap: sampled every 10 ms during the timed part, in-process PGlite included; max RSS',
        'is the process high-water mark, setup included.',
        `Inbound: 14 in 20 messages are human replies (the email cases of ${datasets.map((d) => relative(ROOT, d)).join(' and ')} not labelled out_of_office or bounce,`,
        'repeated), then 3 out-of-office answers (two with auto-reply headers; one without, which the pipeline takes for a reply and qualifies),',
        '2 hard bounces and 1 soft bounce (RFC 3464).',
        ...notes,
      ],
      figures: { sends: sendRuns, inbound: inboundRuns, latency: latencyRuns, firstEmailTargetMs: FIRST_EMAIL_TARGET_MS, skipped: server ? { postgres: server } : {} },
    };
  },
};

const label = (b: string) => (b === 'pglite' ? 'PGlite' : 'PostgreSQL');
