import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../adapters/db/store/audit.ts';
import { currentEnrolment } from '../../adapters/db/store/sequences.ts';
import { ValidationError } from '../../domain/errors.ts';
import { testTeam } from '../../testing/desk.ts';
import { composeReply, createOutreachHarness, type OutreachHarness } from '../../testing/outreach.ts';
import { enrolLead } from '../outreach/enrol.ts';
import { receiveInbound } from '../outreach/inbound.ts';
import type { DeskDeps } from './deps.ts';
import { findLead, NothingToDoError, pauseLead, resumeLead, summaryLines, UnknownLeadError } from './lookup.ts';
import { noNotifier } from './notifier.ts';

describe('lead lookups: find, pause, resume', () => {
  let h: OutreachHarness;
  let desk: DeskDeps;
  let leadId: string;

  beforeEach(async () => {
    h = await createOutreachHarness();
    desk = { ...h.deps, isSdr: (id) => ['U1', 'U2', 'U3'].includes(id), team: testTeam(), notifier: noNotifier, crm: null };
    leadId = await h.addLead('pat@buyer.test', { firstName: 'Pat', company: 'Buyer Inc', title: 'COO' });
    await enrolLead(h.deps, { leadId, sequenceId: 'inbound-fast-lane', actor: 'test' });
    await h.worker.runDue();
  });
  afterEach(async () => {
    await h.close();
  });

  it('finds a lead by email: stage, live sequence, no candidate yet', async () => {
    const s = await findLead(desk, '  <mailto:PAT@buyer.test|PAT@buyer.test>');
    expect(s).toMatchObject({ lead: { id: leadId, name: 'Pat', company: 'Buyer Inc', stage: 'contacted' }, score: null, candidate: null, handoff: null });
    expect(s.enrolments).toMatchObject([{ sequenceId: 'inbound-fast-lane', status: 'active', step: 2, manual: false }]);
    expect(summaryLines(s)).toEqual(['Pat, COO, Buyer Inc <pat@buyer.test>: stage contacted', 'Sequence inbound-fast-lane, step 3: active']);
    await expect(findLead(desk, 'nobody@buyer.test')).rejects.toThrow(UnknownLeadError);
    await expect(findLead(desk, 'nobody@buyer.test')).rejects.toThrow('no lead has the email nobody@buyer.test');
    await expect(findLead(desk, 'not an email')).rejects.toThrow(ValidationError);
  });

  it('a manual pause holds the sequence until someone resumes it', async () => {
    const paused = await pauseLead(desk, { email: 'pat@buyer.test', by: 'user:U1' });
    expect(paused.enrolments).toHaveLength(1);
    expect(await currentEnrolment(h.db, leadId)).toMatchObject({ status: 'paused', pausedUntil: null, pauseReason: 'manual: paused by user:U1' });
    await h.worker.runDue({ until: new Date('2026-03-20T00:00:00Z') });
    expect(h.sink.messages).toHaveLength(1);
    await expect(pauseLead(desk, { email: 'pat@buyer.test', by: 'user:U2' })).rejects.toThrow('pat@buyer.test is already paused by hand; resume it to start again');
    expect((await findLead(desk, 'pat@buyer.test')).enrolments[0]).toMatchObject({ status: 'paused', manual: true });

    await resumeLead(desk, { email: 'pat@buyer.test', by: 'user:UA1' });
    expect((await currentEnrolment(h.db, leadId))?.status).toBe('active');
    await h.worker.runDue({ until: new Date('2026-03-21T00:00:00Z') });
    expect(h.sink.messages).toHaveLength(2);
    await expect(resumeLead(desk, { email: 'pat@buyer.test', by: 'user:U1' })).rejects.toThrow('pat@buyer.test is not paused: its sequence is running');
    expect((await listAudit(h.db, 'lead', leadId)).filter((a) => a.action.startsWith('enrolment.')).map((a) => `${a.actor} ${a.action}`)).toEqual([
      'user:U1 enrolment.paused',
      'user:UA1 enrolment.resumed',
    ]);
  });

  it('an out-of-office return day does not end a manual pause taken during the absence', async () => {
    const raw = await composeReply(h.sink.messages.at(-1)?.raw ?? Buffer.alloc(0), {
      from: 'pat@buyer.test',
      subject: 'Automatic reply: Thanks',
      text: 'I am out of the office until March 10 with limited access to email.',
      date: h.clock.now(),
      headers: { 'Auto-Submitted': 'auto-replied' },
      threaded: false,
    });
    await receiveInbound(h.deps, raw, { via: 'simulator' });
    await h.worker.runDue();
    expect((await currentEnrolment(h.db, leadId))?.pausedUntil?.toISOString().slice(0, 10)).toBe('2026-03-10');

    await pauseLead(desk, { email: 'pat@buyer.test', by: 'user:U1' });
    await h.worker.runDue({ until: new Date('2026-03-25T00:00:00Z') });
    expect((await currentEnrolment(h.db, leadId))).toMatchObject({ status: 'paused', pausedUntil: null });
    expect(h.sink.messages).toHaveLength(1);
  });

  it('an out-of-office arriving during a manual pause does not replace it with its return day', async () => {
    await pauseLead(desk, { email: 'pat@buyer.test', by: 'user:U1' });
    const raw = await composeReply(h.sink.messages.at(-1)?.raw ?? Buffer.alloc(0), {
      from: 'pat@buyer.test',
      subject: 'Automatic reply: Thanks',
      text: 'I am out of the office until March 10 with limited access to email.',
      date: h.clock.now(),
      headers: { 'Auto-Submitted': 'auto-replied' },
      threaded: false,
    });
    await receiveInbound(h.deps, raw, { via: 'simulator' });
    await h.worker.runDue({ until: new Date('2026-03-25T00:00:00Z') });
    expect(await currentEnrolment(h.db, leadId)).toMatchObject({ status: 'paused', pausedUntil: null, pauseReason: 'manual: paused by user:U1' });
    expect(h.sink.messages).toHaveLength(1);
  });

  it('refuses outsiders, unknown emails and leads with nothing to pause', async () => {
    await expect(pauseLead(desk, { email: 'pat@buyer.test', by: 'user:STRANGER' })).rejects.toThrow(/not on the sales team/);
    await expect(pauseLead(desk, { email: 'who@buyer.test', by: 'user:U1' })).rejects.toThrow(UnknownLeadError);
    await h.addLead('idle@buyer.test');
    const e = await pauseLead(desk, { email: 'idle@buyer.test', by: 'api:key' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NothingToDoError);
    expect((e as Error).message).toBe('idle@buyer.test is in no live sequence: there is nothing to pause');
    await expect(resumeLead(desk, { email: 'idle@buyer.test', by: 'user:UL' })).rejects.toThrow('idle@buyer.test is in no live sequence: there is nothing to resume');
  });
});
