import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../../src/config/schema.ts';
import { startService } from '../../src/main.ts';
import { storedLead } from '../import/data.ts';
import { sampleMemory, type MemoryFigures } from '../lib/memory.ts';
import { benchConfig, waitUntil, type MailTarget } from './setup.ts';

export interface LatencyInput extends MailTarget {
  kind: 'latency';
  /** Leads timed, after `warmup` untimed ones. */
  leads: number;
  warmup: number;
  /** Pause between one POST's answer and the next POST. */
  gapMs: number;
}

export interface Quantiles {
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

export interface LatencyResult {
  kind: 'latency';
  backend: string;
  leads: number;
  warmup: number;
  gapMs: number;
  pollMs: number;
  /** From sending the POST to the sink accepting that lead's first email. */
  latencyMs: Quantiles;
  /** The first warm-up lead's latency: a service that has just started. */
  coldMs: number;
  /** The POST /v1/leads answer alone. */
  postMs: Quantiles;
  /** Emails the sink kept, warm-up included (one per lead expected). */
  sinkFiles: number;
  wallMs: number;
  memory: MemoryFigures;
}

/**
 * Inbound web lead to first email, through the real service: startService on the measurement's
 * database with the embedded SMTP sink (no SMTP_URL), HTTP on a free port, the worker at its default
 * poll interval. Leads are POSTed to /v1/leads (channel web_form) one after another; the fast lane
 * enrols each and the worker sends the welcome email. The sink keeps each message as
 * <timestamp>-<n>.eml, the timestamp being the moment it accepted the message, which is the end of
 * each measurement.
 */
export async function measureLatency(input: LatencyInput): Promise<LatencyResult> {
  // Without BATON_DATA_DIR (server database) the sink writes to ./mail-sink: keep it in the scratch directory.
  process.chdir(input.workDir);
  const config = benchConfig(input, { PORT: '0', HOST: '127.0.0.1' });
  const sinkDir = sinkDirectory(config);
  const service = await startService(config);
  try {
    const total = input.warmup + input.leads;
    const postedAt = new Map<string, number>();
    const postMs: number[] = [];
    const memory = sampleMemory();
    const t0 = Date.now();
    for (let i = 0; i < total; i++) {
      const l = storedLead(i);
      const body = { email: l.email, first_name: l.firstName, last_name: l.lastName, company: l.company, title: l.title, country: l.country, channel: 'web_form', source: 'bench-form' };
      const at = Date.now();
      const p0 = performance.now();
      const res = await fetch(`${service.url}/v1/leads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`POST /v1/leads answered ${res.status}: ${text.slice(0, 300)}`);
      if (i >= input.warmup) postMs.push(performance.now() - p0);
      postedAt.set(l.email, at);
      await new Promise((r) => setTimeout(r, input.gapMs));
    }
    await waitUntil(
      `${total} first emails in ${sinkDir}`,
      async () => {
        const n = emlFiles(sinkDir).length;
        return n >= total || `${n} of ${total}`;
      },
      120_000,
      20,
    );
    const mem = memory.stop();

    const acceptedAt = new Map<string, number>();
    const files = emlFiles(sinkDir);
    for (const f of files) {
      const to = recipientOf(readFileSync(join(sinkDir, f)));
      if (to && !acceptedAt.has(to)) acceptedAt.set(to, acceptedTime(f));
    }
    const latencies: number[] = [];
    let coldMs = NaN;
    for (let i = 0; i < total; i++) {
      const email = storedLead(i).email;
      const sent = postedAt.get(email) as number;
      const got = acceptedAt.get(email);
      if (got === undefined) throw new Error(`no email in the sink for lead ${i}`);
      if (i === 0) coldMs = got - sent;
      if (i >= input.warmup) latencies.push(got - sent);
    }
    return {
      kind: 'latency',
      backend: input.backend,
      leads: input.leads,
      warmup: input.warmup,
      gapMs: input.gapMs,
      pollMs: config.WORKER_POLL_MS,
      latencyMs: quantiles(latencies),
      coldMs,
      postMs: quantiles(postMs),
      sinkFiles: files.length,
      wallMs: Math.max(...acceptedAt.values()) - t0,
      memory: mem,
    };
  } finally {
    await service.stop('bench done');
  }
}

/** Where the embedded sink keeps mail, as buildMailer in src/main.ts places it. */
function sinkDirectory(config: Config): string {
  return config.DATABASE_URL ? resolve('mail-sink') : resolve(config.BATON_DATA_DIR, 'mail-sink');
}

function emlFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.eml') && !n.startsWith('.'));
  } catch {
    return [];
  }
}

/** The sink names a file after the moment it accepted the message: 20260302T100000123Z-7.eml. */
function acceptedTime(name: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-\d+\.eml$/.exec(name);
  if (!m) throw new Error(`the sink file ${name} is not named <timestamp>-<n>.eml; bench/mail/latency.ts needs updating`);
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

function recipientOf(raw: Buffer): string | null {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/, 1)[0] ?? '';
  const to = /^To:[ \t]*(.+(?:\r?\n[ \t].+)*)/im.exec(head)?.[1] ?? '';
  return /[^\s<>",]+@[^\s<>",]+/.exec(to)?.[0]?.toLowerCase() ?? null;
}

/** p50, p95, max and mean of a sample, to 0.1. */
export function quantiles(values: readonly number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return { p50: round1(q(0.5)), p95: round1(q(0.95)), max: round1(sorted.at(-1) ?? NaN), mean: round1(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)) };
}
