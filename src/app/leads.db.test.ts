import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from './deps.ts';
import { eraseLead, getLeadDetail, intakeLead, moveLeadStage } from './leads.ts';
import { LeadInputSchema } from '../domain/lead-input.ts';
import { emailHash } from '../domain/lead.ts';
import { IllegalTransitionError, SuppressedError } from '../domain/errors.ts';
import type { ManualClock } from '../domain/clock.ts';
import { addSuppression, findSuppressions } from '../adapters/db/store/suppressions.ts';
import { listAudit } from '../adapters/db/store/audit.ts';
import { createTestDeps } from '../testing/deps.ts';

let deps: AppDeps & { clock: ManualClock; close: () => Promise<void> };
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(async () => deps?.close());

const form = { channel: 'web_form', source: 'pricing-page' };
const lead = (fields: Record<string, unknown>) => LeadInputSchema.parse(fields);

describe('lead store', () => {
  it('creates a lead with its account and original source', async () => {
    const { lead: l, created } = await intakeLead(deps, lead({ email: '  Dana@Kestrel.example ', first_name: 'Dana', company: 'Kestrel', campaign: 'spring' }), form, 'test');
    expect(created).toBe(true);
    expect(l.email).toBe('dana@kestrel.example');
    expect(l.stage).toBe('lead');
    expect(l.accountId).not.toBeNull();
    const detail = await getLeadDetail(deps, l.id);
    expect(detail.firstTouch).toMatchObject({ channel: 'web_form', source: 'pricing-page', campaign: 'spring', firstTouch: true });
    const { rows } = await deps.db.query<{ domain: string; name: string }>('SELECT domain, name FROM accounts WHERE id = $1', [l.accountId]);
    expect(rows[0]).toEqual({ domain: 'kestrel.example', name: 'Kestrel' });
  });

  it('dedupes by normalised email and merges without erasing known values', async () => {
    deps.clock.advance(60_000);
    const { lead: again, created } = await intakeLead(
      deps,
      lead({ email: 'DANA@kestrel.example', first_name: 'Someone Else', title: 'VP Revenue Operations', country: 'us' }),
      { channel: 'csv_import', source: 'tradeshow-2026', campaign: 'booth' },
      'test',
    );
    expect(created).toBe(false);
    expect(again.firstName).toBe('Dana'); // known value kept
    expect(again.title).toBe('VP Revenue Operations'); // gap filled
    expect(again.country).toBe('US');
    expect(again.company).toBe('Kestrel'); // not erased by a row without it
    const detail = await getLeadDetail(deps, again.id);
    expect(detail.sources).toHaveLength(2);
    expect(detail.firstTouch?.source).toBe('pricing-page'); // the original source is never overwritten
    expect(detail.latestTouch?.source).toBe('tradeshow-2026');
    expect(detail.sources.map((s) => [s.source, s.firstTouch])).toEqual([['pricing-page', true], ['tradeshow-2026', false]]);
    // The first touch lives on the lead's row, and nothing may change it there.
    await expect(deps.db.query(`UPDATE leads SET first_source = 'rewritten' WHERE id = $1`, [again.id])).rejects.toThrow(/kept forever/);
    await expect(deps.db.query(`UPDATE leads SET first_touched_at = now() WHERE id = $1`, [again.id])).rejects.toThrow(/kept forever/);
    const { rows } = await deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM leads WHERE email = 'dana@kestrel.example'`);
    expect(rows[0]?.n).toBe(1);
  });

  it('refuses suppressed addresses and whole suppressed domains, and stores nothing', async () => {
    await addSuppression(deps.db, { kind: 'email', value: 'gone@acme.example', reason: 'unsubscribed', createdBy: 'test' });
    await addSuppression(deps.db, { kind: 'domain', value: 'competitor.example', reason: 'manual', createdBy: 'test' });
    await expect(intakeLead(deps, lead({ email: 'Gone@Acme.example' }), form, 'test')).rejects.toBeInstanceOf(SuppressedError);
    await expect(intakeLead(deps, lead({ email: 'spy@competitor.example' }), form, 'test')).rejects.toThrow(/suppressed \(manual\)/);
    const { rows } = await deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM leads WHERE email IN ('gone@acme.example', 'spy@competitor.example')`);
    expect(rows[0]?.n).toBe(0);
  });

  it('moves through the lifecycle, records who and why, and refuses illegal moves', async () => {
    const { lead: l } = await intakeLead(deps, lead({ email: 'lc@flow.example' }), form, 'test');
    await moveLeadStage(deps, l.id, { to: 'contacted', actor: 'sequence:welcome', reason: 'first email sent' });
    deps.clock.advance(1000);
    await moveLeadStage(deps, l.id, { to: 'engaged', actor: 'system:inbound', reason: 'replied' });
    await expect(moveLeadStage(deps, l.id, { to: 'customer', actor: 'user:U1' })).rejects.toBeInstanceOf(IllegalTransitionError);
    const detail = await getLeadDetail(deps, l.id);
    expect(detail.lead.stage).toBe('engaged');
    expect(detail.history.map((h) => [h.fromStage, h.toStage, h.actor, h.reason])).toEqual([
      ['lead', 'contacted', 'sequence:welcome', 'first email sent'],
      ['contacted', 'engaged', 'system:inbound', 'replied'],
    ]);
    const audit = await listAudit(deps.db, 'lead', l.id);
    expect(audit.map((a) => a.action)).toEqual(['lead.created', 'lead.stage_changed', 'lead.stage_changed']);
  });

  it('keeps the audit log append-only', async () => {
    await expect(deps.db.query(`UPDATE audit_log SET actor = 'x'`)).rejects.toThrow(/append-only/);
    await expect(deps.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });

  it('erases a person entirely and keeps only a digest that blocks re-import', async () => {
    const { lead: l } = await intakeLead(deps, lead({ email: 'erase.me@privacy.example', first_name: 'Erin', title: 'CTO' }), form, 'test');
    await moveLeadStage(deps, l.id, { to: 'contacted', actor: 'test' });
    const conv = await deps.db.query<{ id: string }>(`INSERT INTO conversations (lead_id, channel) VALUES ($1, 'email') RETURNING id`, [l.id]);
    await deps.db.query(`INSERT INTO messages (conversation_id, direction, author, body_text) VALUES ($1, 'inbound', 'lead', 'my budget is 40k')`, [conv.rows[0]?.id]);
    await addSuppression(deps.db, { kind: 'email', value: 'erase.me@privacy.example', reason: 'unsubscribed', createdBy: 'test' });

    const result = await eraseLead(deps, 'Erase.Me@privacy.example', 'cli');
    expect(result).toEqual({ erased: true, leadId: l.id });

    for (const table of ['leads', 'lead_sources', 'stage_transitions', 'conversations', 'messages']) {
      const { rows } = await deps.db.query<{ n: number }>(
        table === 'leads' ? `SELECT count(*)::int AS n FROM leads WHERE id = $1` : table === 'messages' ? `SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1` : `SELECT count(*)::int AS n FROM ${table} WHERE lead_id = $1`,
        [table === 'messages' ? conv.rows[0]?.id : l.id],
      );
      expect(rows[0]?.n, table).toBe(0);
    }
    // Nothing personal remains in suppressions or the audit log: only the digest.
    const sup = await deps.db.query<{ value: string; reason: string }>(`SELECT value, reason FROM suppressions WHERE value LIKE '%privacy.example%' OR value = $1`, [emailHash('erase.me@privacy.example')]);
    expect(sup.rows).toEqual([{ value: emailHash('erase.me@privacy.example'), reason: 'erased' }]);
    const audit = await deps.db.query<{ data: string }>(`SELECT data::text AS data FROM audit_log`);
    expect(audit.rows.some((r) => r.data.includes('privacy.example'))).toBe(false);

    expect((await findSuppressions(deps.db, ['erase.me@privacy.example'])).get('erase.me@privacy.example')?.reason).toBe('erased');
    await expect(intakeLead(deps, lead({ email: 'erase.me@privacy.example' }), form, 'test')).rejects.toThrow(/suppressed \(erased\)/);
  });

  it('records an erasure request for someone never stored', async () => {
    expect(await eraseLead(deps, 'stranger@nowhere.example', 'cli')).toEqual({ erased: false, leadId: null });
    await expect(intakeLead(deps, lead({ email: 'stranger@nowhere.example' }), form, 'test')).rejects.toBeInstanceOf(SuppressedError);
  });
});
