import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './adapters/log.ts';
import { buildRawMessage } from './adapters/email/mime.ts';
import { loadConfig } from './config/load.ts';
import { startService, type RunningService } from './main.ts';

// The email channel inside the real service on embedded defaults: the fast lane over HTTP, the local
// SMTP sink, one-click unsubscribe, and replies by HTTP and by SMTP into one pipeline.

const KEY = 'email-test-key-0123456789';
let dir: string;
let svc: RunningService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-email-'));
  const config = loadConfig({}, { BATON_DATA_DIR: dir, PORT: 0, INBOUND_SMTP_PORT: 0, WORKER_POLL_MS: 100, BATON_API_KEY: KEY, MAIL_SPACING_SECONDS: 0, MAIL_REPLY_DOMAIN: 'replies.example.test', BATON_DEMO: 'off' });
  svc = await startService(config, { logger: createLogger({ level: 'silent', logPii: false }) });
});
afterAll(async () => {
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${KEY}` };

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function postLead(email: string, firstName: string) {
  const res = await fetch(`${svc.url}/v1/leads`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ email, first_name: firstName, source: 'pricing-page' }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { lead: { id: string } }).lead.id;
}

const stageOf = async (id: string) => ((await (await fetch(`${svc.url}/v1/leads/${id}`, { headers: auth })).json()) as { lead: { stage: string } }).lead.stage;
const sink = () => {
  const s = svc.outreach.sink;
  if (!s) throw new Error('the service runs without its local sink');
  return s;
};

describe('email channel in the service', () => {
  it('a web lead gets its first email through the local SMTP sink within seconds, with one-click unsubscribe headers', async () => {
    const leadId = await postLead('fast@lane.example', 'Fay');
    const msg = await until(() => sink().messages.find((m) => m.envelopeTo.includes('fast@lane.example')), 'the fast-lane email');
    const mail = await simpleParser(msg.raw);
    expect(mail.subject).toBe('Thanks for reaching out, Fay');
    const raw = msg.raw.toString('latin1');
    expect(raw).toMatch(/\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
    const listUnsub = /\r\nList-Unsubscribe: (<[^>]+>),\s*(<mailto:[^>]+>)/.exec(raw.replace(/\r\n[ \t]+/g, ' '));
    expect(listUnsub?.[1]).toMatch(new RegExp(`^<${svc.url.replace(/[.]/g, '\\.')}/u/[A-Za-z0-9_-]+>$`));
    expect(listUnsub?.[2]).toMatch(/^<mailto:unsubscribe\+[A-Za-z0-9_-]+@replies\.example\.test>$/);
    expect(await stageOf(leadId)).toBe('contacted');

    // The link points at this service (BATON_PUBLIC_URL unset).
    const path = new URL(listUnsub?.[1]?.slice(1, -1) ?? '').pathname;
    // A GET (what link scanners do) shows a page and changes nothing.
    const page = await fetch(`${svc.url}${path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect(await stageOf(leadId)).toBe('contacted');
    // The one-click POST (RFC 8058) suppresses at once.
    const click = await fetch(`${svc.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(click.status).toBe(200);
    expect(await stageOf(leadId)).toBe('unsubscribed');
    // A second click is harmless; an unknown token is a 404 page, never a 500.
    expect((await fetch(`${svc.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect((await fetch(`${svc.url}/u/AAAAAAAAAAAAAAAAAAAAAA`, { method: 'POST' })).status).toBe(404);
  });

  it('POST /v1/inbound/email takes one raw MIME message with the API key, and refuses the rest clearly', async () => {
    const leadId = await postLead('reply@http.example', 'Rae');
    const msg = await until(() => sink().messages.find((m) => m.envelopeTo.includes('reply@http.example')), 'the fast-lane email');
    const sent = await simpleParser(msg.raw);
    const reply = await buildRawMessage({
      from: 'Rae <reply@http.example>',
      to: sent.replyTo?.value[0]?.address ?? '',
      subject: `Re: ${sent.subject ?? ''}`,
      text: `We are not ready yet, please get back to me in September.\n\nOn Tue, Ann wrote:\n> ${sent.text?.split('\n')[0] ?? ''}`,
      inReplyTo: sent.messageId ?? '',
      references: [sent.messageId ?? ''],
    });
    const url = `${svc.url}/v1/inbound/email`;
    expect((await fetch(url, { method: 'POST', headers: { authorization: 'Bearer wrong-key-0123456789', 'content-type': 'message/rfc822' }, body: reply })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'hello' })).status).toBe(415);
    const broken = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'message/rfc822' }, body: 'this is not an email at all' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe('MAIL_UNPARSEABLE');
    const ok = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'message/rfc822' }, body: reply });
    expect(ok.status).toBe(202);
    const first = (await ok.json()) as { id: string; duplicate: boolean };
    expect(first.duplicate).toBe(false);
    // The same bytes again (a provider retry) are recognised.
    const again = (await (await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'message/rfc822' }, body: reply })).json()) as { id: string; duplicate: boolean };
    expect(again).toEqual({ id: first.id, duplicate: true });
    await until(async () => ((await stageOf(leadId)) === 'contacted' ? undefined : true), 'the reply to be processed');
    const { rows } = await svc.baton.db.query<{ status: string; pause_reason: string | null }>(`SELECT status, pause_reason FROM enrolments WHERE lead_id = $1`, [leadId]);
    expect(rows[0]?.status).toBe('paused');
    expect(rows[0]?.pause_reason).toMatch(/later/);
  });

  it('the inbound SMTP server takes a reply for the reply domain and refuses other domains', async () => {
    const leadId = await postLead('smtp@reply.example', 'Sam');
    const msg = await until(() => sink().messages.find((m) => m.envelopeTo.includes('smtp@reply.example')), 'the fast-lane email');
    const sent = await simpleParser(msg.raw);
    const port = svc.inboundSmtpPort;
    expect(port).toBeGreaterThan(0);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: port ?? 0, secure: false, ignoreTLS: true });
    try {
      await expect(transport.sendMail({ from: 'x@elsewhere.example', to: 'someone@not-ours.example', subject: 'relay?', text: 'relay test' })).rejects.toThrow(/550/);
      await transport.sendMail({
        from: 'Sam <smtp@reply.example>',
        to: sent.replyTo?.value[0]?.address ?? '',
        subject: `Re: ${sent.subject ?? ''}`,
        text: 'Yes, interested. I run the sales team and we have budget approved for Q3; can we talk next week?',
        inReplyTo: sent.messageId ?? '',
        references: [sent.messageId ?? ''],
      });
    } finally {
      transport.close();
    }
    const stage = await until(async () => {
      const s = await stageOf(leadId);
      return s === 'contacted' ? undefined : s;
    }, 'the SMTP reply to be processed');
    expect(['engaged', 'mql_candidate']).toContain(stage);
    const { rows } = await svc.baton.db.query<{ status: string }>(`SELECT status FROM enrolments WHERE lead_id = $1`, [leadId]);
    expect(rows[0]?.status).toBe('stopped');
  });
});
