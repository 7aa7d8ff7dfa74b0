import './node20.ts';
import type { App } from '@slack/bolt';
import { getDraft } from '../db/store/drafts.ts';
import type { DeskDeps } from '../../app/desk/deps.ts';
import { DraftDecidedError, discardDraft, sendDraft } from '../../app/desk/drafts.ts';
import { NotSdrError } from '../../domain/desk/decision.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Logger } from '../log.ts';
import { ACTIONS, draftEditModal, MODALS, type DraftModalMetadata, type DraftRef } from './blocks.ts';
import { explain } from './handlers.ts';
import { mention, slackDate } from './text.ts';

/**
 * The draft answer's listeners on a candidate card: Send, Edit & send (a modal, then send the text),
 * Discard. Each acknowledges at once and calls one use-case; the use-case queues the card's update in
 * place, and the clicker is told ephemerally why nothing happened when something refused.
 */
export interface DraftHandlerContext {
  /** The desk's deps; throws until bind() gave them. */
  deps(): DeskDeps;
  /** Where a refusal goes when the click carries no channel (a modal). */
  readonly channelId: string;
  readonly logger: Logger;
}

type Client = App['client'];

interface Where {
  readonly user: string;
  readonly channel: string | null;
  readonly ts: string | null;
}

interface ActionBody {
  user: { id: string };
  trigger_id?: string;
  channel?: { id: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts?: string };
}

interface ViewBody {
  user: { id: string };
  view: { private_metadata?: string; state: { values: Record<string, Record<string, { value?: string | null }>> } };
}

/** The draft a button names; a button without one is from an older version of the card. */
export function parseDraftRef(value: string | undefined): DraftRef {
  try {
    const v = JSON.parse(value ?? '') as Record<string, unknown>;
    if (typeof v.d === 'string' && v.d) return { d: v.d };
  } catch {
    // falls through to the error below
  }
  throw new ValidationError('the button carries no draft; the card is from an older version', {}, 'SLACK_BAD_BUTTON');
}

function parseDraftMeta(raw: string | undefined): DraftModalMetadata {
  try {
    const v = JSON.parse(raw ?? '') as DraftModalMetadata;
    if (typeof v.d === 'string' && v.d) return v;
  } catch {
    // falls through
  }
  throw new ValidationError('the form carries no draft', {}, 'SLACK_BAD_MODAL');
}

/**
 * The person's sentence for a refused send or discard: a decided draft names who decided and when;
 * a refused send of a draft without an answer (read again) points at writing one.
 */
export async function explainDraft(deps: Pick<DeskDeps, 'db'>, draftId: string, e: unknown, logger: Logger): Promise<string> {
  if (e instanceof NotSdrError) return 'Only members of the SDR group may send or discard draft answers. Nothing was sent.';
  if (e instanceof NotFoundError) return 'That draft no longer exists (the lead may have been erased). Nothing was sent.';
  if (e instanceof DraftDecidedError) {
    const d = e.draft;
    const at = d.decidedAt ? ` at ${slackDate(d.decidedAt)}` : '';
    return `Already ${d.status} by ${mention(d.decidedBy)}${at}.${d.status === 'sent' ? ' It was sent once; nothing more went out.' : ''}`;
  }
  if (e instanceof ValidationError && draftId) {
    const d = await getDraft(deps.db, draftId).catch(() => null);
    if (d?.status === 'proposed' && !d.answer) return 'This draft has no answer (the knowledge base had none): write one with *Write & send*.';
  }
  return explain(e, logger);
}

export function registerDraftHandlers(app: App, ctx: DraftHandlerContext): void {
  const whereOf = (b: ActionBody): Where => ({ user: b.user.id, channel: b.channel?.id ?? b.container?.channel_id ?? null, ts: b.message?.ts ?? b.container?.message_ts ?? null });

  const tell = async (client: Client, where: Where, text: string): Promise<void> => {
    try {
      await client.chat.postEphemeral({ channel: where.channel ?? ctx.channelId, user: where.user, text });
    } catch (e) {
      ctx.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'slack: could not tell the person');
    }
  };

  /** Runs the use-case; a refusal becomes a sentence for the person, success wakes the worker for the card. */
  const run = async (client: Client, where: Where, draftId: string, work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (e) {
      await tell(client, where, await explainDraft(ctx.deps(), draftId, e, ctx.logger));
      return;
    }
    ctx.deps().wake?.();
  };

  const onButton = (actionId: string, work: (deps: DeskDeps, draftId: string, actor: string) => Promise<unknown>) =>
    app.action(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const where = whereOf(body as ActionBody);
      let ref: DraftRef;
      try {
        ref = parseDraftRef((action as { value?: string }).value);
      } catch (e) {
        return tell(client, where, explain(e, ctx.logger));
      }
      await run(client, where, ref.d, () => work(ctx.deps(), ref.d, `user:${where.user}`));
    });

  onButton(ACTIONS.draftSend, (deps, id, actor) => sendDraft(deps, id, actor));
  onButton(ACTIONS.draftDiscard, (deps, id, actor) => discardDraft(deps, id, actor));

  // Edit & send: refuse before the modal opens when the person may not send or the draft is decided,
  // so nobody writes an answer that cannot go out.
  app.action(ACTIONS.draftEdit, async ({ ack, body, action, client }) => {
    await ack();
    const b = body as ActionBody;
    const where = whereOf(b);
    let draftId = '';
    try {
      draftId = parseDraftRef((action as { value?: string }).value).d;
      const deps = ctx.deps();
      if (!(await deps.isSdr(where.user))) throw new NotSdrError(`user:${where.user}`);
      const d = await getDraft(deps.db, draftId);
      if (!d) throw new NotFoundError('draft', draftId);
      if (d.status !== 'proposed') throw new DraftDecidedError(d);
      if (!b.trigger_id) return;
      const meta: DraftModalMetadata = { d: d.id, ...(where.channel ? { channel: where.channel } : {}), ...(where.ts ? { ts: where.ts } : {}) };
      await client.views.open({ trigger_id: b.trigger_id, view: draftEditModal(meta, d) as never });
    } catch (e) {
      await tell(client, where, await explainDraft(ctx.deps(), draftId, e, ctx.logger));
    }
  });

  app.view(MODALS.draftEdit, async ({ ack, body, client }) => {
    const b = body as ViewBody;
    let meta: DraftModalMetadata;
    try {
      meta = parseDraftMeta(b.view.private_metadata);
    } catch (e) {
      await ack();
      return tell(client, { user: b.user.id, channel: null, ts: null }, explain(e, ctx.logger));
    }
    const text = (b.view.state.values.text?.value?.value ?? '').trim();
    if (!text) return void (await ack({ response_action: 'errors', errors: { text: 'Write the answer to send, or cancel.' } }));
    await ack();
    const where: Where = { user: b.user.id, channel: meta.channel ?? null, ts: meta.ts ?? null };
    await run(client, where, meta.d, () => sendDraft(ctx.deps(), meta.d, `user:${b.user.id}`, text));
  });
}
