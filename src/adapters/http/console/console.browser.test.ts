import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTestBrowser, type TestBrowser } from '../../../testing/browser.ts';
import { candidatesOfLead } from '../../db/store/candidates.ts';
import { getLeadById } from '../../db/store/leads.ts';
import { decide } from '../../../app/desk/candidates.ts';
import { createDeskFixture, type DeskFixture } from '../routes/desk-fixture.ts';
import { TEST_API_KEY } from '../test-support.ts';

// The review console in Debian's headless chromium, against a real service on a test database.

let fx: DeskFixture;
let page: Page;
let base: string;
let browser: TestBrowser;
/** What went wrong inside the page: script errors and CSP refusals ("Refused to ...") land here. */
let problems: string[] = [];
const leads: Record<'pat' | 'kim' | 'lee', { leadId: string; candidateId: string }> = {} as never;

beforeAll(async () => {
  fx = await createDeskFixture();
  leads.pat = await fx.candidate('pat@buyer.test', { firstName: 'Pat', lastName: 'Doe', company: 'Buyer Inc', title: 'VP of Sales' });
  leads.kim = await fx.candidate('kim@other.test', { firstName: 'Kim', lastName: 'Lo', company: 'Other Co' });
  leads.lee = await fx.candidate('lee@third.test', { firstName: 'Lee', lastName: 'Ray', company: 'Third Ltd' });
  base = await fx.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await openTestBrowser();
  ({ page, problems } = browser);
});

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

async function openConsole(path = '/console'): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.waitForSelector('body[data-ready="true"]');
}

async function openCard(name: string): Promise<void> {
  await page.locator('#tab-team').click();
  await page.locator('.queue-line a', { hasText: name }).click();
  await expect.poll(() => page.locator('#card-title').textContent()).toContain(name);
}

describe('the review console in chromium', () => {
  it('lists the queue, approves one candidate and rejects another with a reason and note', async () => {
    await openConsole();
    // The team queue, before anyone is picked: all three candidates.
    await expect.poll(() => page.locator('#queue-list .queue-line').count()).toBe(3);
    await expect.poll(() => page.locator('[data-stat="team"]').textContent()).toBe('3');

    // "You are": Ana, an SDR; the choice is kept for the next visit.
    await page.locator('#me').selectOption('U1');
    expect(await page.evaluate("localStorage.getItem('baton.desk.me')")).toBe('U1');

    await openCard('Pat Doe');
    const card = page.locator('#card');
    await expect.poll(() => card.textContent()).toContain('Buyer Inc');
    // The BANT with its quoted evidence, and the conversation with the lead's words.
    expect(await card.locator('table.bant tr[data-criterion="budget"]').textContent()).toContain('a budget of $40k');
    expect(await card.locator('.thread .msg.lead').first().textContent()).toContain('We need a tool for this');
    expect(await card.locator('.thread .msg.us').count()).toBeGreaterThan(0);

    await card.locator('[data-action="approve"]').click();
    await expect.poll(() => page.locator('#decided').textContent()).toMatch(/^Approved by Ana at /);
    expect(await card.locator('[data-action="approve"]').count()).toBe(0);

    await openCard('Kim Lo');
    await card.locator('[data-action="reject"]').click();
    await page.locator('#reject-reason').selectOption('bad_timing');
    await page.locator('#reject-note').fill('Budget opens in Q3; call back then.');
    await page.locator('#reject-form button[type="submit"]').click();
    await expect.poll(() => page.locator('#decided').textContent()).toContain('Rejected by Ana at');
    const decided = (await page.locator('#decided').textContent()) ?? '';
    expect(decided).toContain('Bad timing');
    expect(decided).toContain('Budget opens in Q3; call back then.');

    // The queue follows: only Lee is left.
    await expect.poll(() => page.locator('#queue-list .queue-line').count()).toBe(1);

    // And the database says the same.
    const [pat] = await candidatesOfLead(fx.h.db, leads.pat.leadId);
    expect(pat).toMatchObject({ status: 'approved', decidedBy: 'user:U1', rejectReason: null });
    expect((await getLeadById(fx.h.db, leads.pat.leadId))?.stage).toBe('mql');
    const [kim] = await candidatesOfLead(fx.h.db, leads.kim.leadId);
    expect(kim).toMatchObject({ status: 'rejected', decidedBy: 'user:U1', rejectReason: 'bad_timing', note: 'Budget opens in Q3; call back then.' });
    expect((await getLeadById(fx.h.db, leads.kim.leadId))?.stage).toBe('nurture');
    expect(problems).toEqual([]);
  });

  it('tells the loser of a race who decided first, and a link opens the named candidate', async () => {
    await openConsole(`/console/candidates/${leads.lee.candidateId}`);
    await expect.poll(() => page.locator('#card-title').textContent()).toContain('Lee Ray');
    // Ben approves in another window (Slack, another tab) while Ana still looks at the open card.
    await decide(fx.desk, { candidateId: leads.lee.candidateId, action: 'approve', by: 'user:U2' });
    await page.locator('#card [data-action="approve"]').click();
    await expect.poll(() => page.locator('#flash').textContent()).toMatch(/^Already approved by Ben at /);
    // The card reloads in its decided state.
    await expect.poll(() => page.locator('#decided').textContent()).toMatch(/^Approved by Ben at /);
    const [lee] = await candidatesOfLead(fx.h.db, leads.lee.leadId);
    expect(lee).toMatchObject({ status: 'approved', decidedBy: 'user:U2' });
    expect(problems).toEqual([]);
  });

  it('lets the AE of an approved candidate record the sales outcome', async () => {
    await openConsole(`/console/candidates/${leads.pat.candidateId}`);
    const handoff = page.locator('#handoff');
    await expect.poll(() => handoff.textContent()).toContain('Handoff to sales');
    const ae = await fx.h.db.query<{ ae: string }>('SELECT ae FROM handoffs WHERE candidate_id = $1', [leads.pat.candidateId]);
    const aeId = ae.rows[0]?.ae ?? '';
    expect(aeId).toMatch(/^UA\d$/);
    await page.locator('#me').selectOption(aeId);
    await handoff.locator('[data-action="outcome-sql"]').click();
    await page.locator('#outcome-note').fill('Demo booked for Tuesday');
    await page.locator('#outcome-form button[type="submit"]').click();
    await expect.poll(() => page.locator('#handoff-status').textContent()).toBe('Accepted as SQL');
    // Next come won or lost; SQL and rejected are gone.
    expect(await page.locator('#handoff [data-action]').evaluateAll((b) => b.map((x) => x.getAttribute('data-action')))).toEqual(['outcome-won', 'outcome-lost']);
    expect((await getLeadById(fx.h.db, leads.pat.leadId))?.stage).toBe('sql');
    expect(problems).toEqual([]);
  });
});

describe('the review console with BATON_API_KEY set', () => {
  let keyed: DeskFixture;
  let keyedBase: string;
  beforeAll(async () => {
    keyed = await createDeskFixture({ BATON_API_KEY: TEST_API_KEY });
    await keyed.candidate('ida@keyed.test', { firstName: 'Ida', lastName: 'Key', company: 'Keyed Co' });
    keyedBase = await keyed.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await keyed?.close();
  });

  it('asks for the key once, then shows the queue', async () => {
    await page.goto(`${keyedBase}/console`);
    await page.locator('#key-dialog').waitFor({ state: 'visible' });
    await page.locator('#key-input').fill(TEST_API_KEY);
    await page.locator('#key-form button[type="submit"]').click();
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('#tab-team').click();
    await expect.poll(() => page.locator('#queue-list .queue-line').allTextContents()).toEqual([expect.stringContaining('Ida Key')]);
    expect(await page.evaluate("sessionStorage.getItem('baton.desk.key')")).toBe(TEST_API_KEY);
    // A reload in the same tab does not ask again.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#key-dialog').isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });
});
