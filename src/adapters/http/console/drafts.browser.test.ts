import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTestBrowser, type TestBrowser } from '../../../testing/browser.ts';
import { getDraft } from '../../db/store/drafts.ts';
import { discardDraft } from '../../../app/desk/drafts.ts';
import { createDraftFixture, type DraftFixture } from '../routes/desk-fixture.ts';

// Grounded draft answers on the console's candidate card, in Debian's headless chromium, against a real
// service on a test database (the shipped knowledge, the scripted engine, the worker run by hand).

let fx: DraftFixture;
let page: Page;
let base: string;
let browser: TestBrowser;
/** What went wrong inside the page: script errors and CSP refusals ("Refused to ...") land here. */
let problems: string[] = [];
beforeAll(async () => {
  fx = await createDraftFixture();
  base = await fx.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await openTestBrowser();
  ({ page, problems } = browser);
});

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

/** Opens a candidate's card as Ana (U1, an SDR). */
async function openAsAna(candidateId: string, name: string): Promise<void> {
  await page.goto(`${base}/console`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('#me').selectOption('U1');
  await page.goto(`${base}/console/candidates/${candidateId}`);
  await page.waitForSelector('body[data-ready="true"]');
  await expect.poll(() => page.locator('#card-title').textContent()).toContain(name);
}

describe('draft answers on the review console in chromium', () => {
  it('Ana edits the grounded draft and sends it; the email goes out threaded on the lead’s reply', async () => {
    const pat = await fx.asking('pat@buyer.test', { firstName: 'Pat', lastName: 'Doe', company: 'Buyer Inc' }, 'We have a budget of $40k and I am the VP of Sales. Do you integrate with HubSpot?');
    const proposed = await getDraft(fx.c.h.db, pat.draftId);
    expect(proposed?.answer).toMatch(/HubSpot/);
    await openAsAna(pat.candidateId, 'Pat Doe');

    const draft = page.locator('#draft');
    await expect.poll(() => draft.locator('#draft-questions').textContent()).toContain('Do you integrate with HubSpot?');
    expect(await page.locator('#draft-text').inputValue()).toBe(proposed?.answer);
    expect(await page.locator('#draft-sources').textContent()).toContain('Integrations > HubSpot');
    expect(await page.locator('#draft-none').count()).toBe(0);

    const edit = 'Yes: HubSpot contacts and companies sync both ways, and each qualification lands on the contact’s timeline. Shall I show you on a call?';
    await page.locator('#draft-text').fill(edit);
    const before = fx.c.h.sink.messages.length;
    await draft.locator('[data-action="draft-send"]').click();
    await expect.poll(() => page.locator('#draft-decided').textContent()).toMatch(/^Sent by Ana at /);
    expect(await page.locator('#draft-sent').textContent()).toBe(edit);
    expect(await page.locator('#draft [data-action]').count()).toBe(0);
    expect(await page.locator('#flash').textContent()).toMatch(/^Sent/);
    expect(await getDraft(fx.c.h.db, pat.draftId)).toMatchObject({ status: 'sent', decidedBy: 'user:U1', sentText: edit });

    // The worker sends it: one email to Pat, threaded on the reply that asked.
    await fx.c.worker.runDue();
    await fx.c.worker.runDue();
    const sent = fx.c.h.sink.messages.slice(before).filter((m) => m.envelopeTo.includes('pat@buyer.test'));
    expect(sent).toHaveLength(1);
    const raw = sent[0]?.raw.toString() ?? '';
    const asked = await fx.c.h.db.query<{ message_id: string }>(`SELECT message_id FROM messages WHERE id = (SELECT message_id FROM reply_drafts WHERE id = $1)`, [pat.draftId]);
    const theirs = asked.rows[0]?.message_id ?? '';
    expect(theirs).toMatch(/^<.+>$/);
    expect(raw).toContain(`In-Reply-To: ${theirs}`);
    expect(raw).toMatch(/^Subject: Re: /m);
    expect(raw.replace(/=\r?\n/g, '').replace(/\r?\n/g, ' ')).toContain('HubSpot contacts and companies sync both ways');
    expect(problems).toEqual([]);
  });

  it('asks Ana to write the answer the knowledge base lacked, and tells her who decided first when she loses the race', async () => {
    const kim = await fx.asking('kim@other.test', { firstName: 'Kim', lastName: 'Lo', company: 'Other Co' }, 'Budget is $40k and I sign. Do you support SAP Ariba punchout catalogs?');
    await openAsAna(kim.candidateId, 'Kim Lo');
    await expect.poll(() => page.locator('#draft-none').textContent()).toBe('No answer in the knowledge base: write one.');
    expect(await page.locator('#draft-text').inputValue()).toBe('');
    expect(await page.locator('#draft-sources').count()).toBe(0);

    // Sending nothing is refused in the page; the draft stays proposed.
    await page.locator('[data-action="draft-send"]').click();
    await expect.poll(() => page.locator('#flash').textContent()).toContain('write one');
    expect((await getDraft(fx.c.h.db, kim.draftId))?.status).toBe('proposed');

    // Ben discards it elsewhere while Ana writes; her send loses and the card says who won.
    await page.locator('#draft-text').fill('Not yet: SAP Ariba punchout is planned.');
    await discardDraft(fx.c.deps, kim.draftId, 'user:U2');
    await page.locator('[data-action="draft-send"]').click();
    await expect.poll(() => page.locator('#flash').textContent()).toMatch(/^Already discarded by Ben at /);
    await expect.poll(() => page.locator('#draft-decided').textContent()).toMatch(/^Discarded by Ben at /);
    expect(await getDraft(fx.c.h.db, kim.draftId)).toMatchObject({ status: 'discarded', decidedBy: 'user:U2', sentText: null });
    expect(problems).toEqual([]);
  });
});
