import './node20.ts';
import type { App } from '@slack/bolt';
import { getCandidate } from '../db/store/candidates.ts';
import { getLeadById } from '../db/store/leads.ts';
import { decide, editBant, reassign, snooze } from '../../app/desk/candidates.ts';
import type { DeskDeps } from '../../app/desk/deps.ts';
import { recordOutcome } from '../../app/desk/handoff.ts';
import { DecisionConflictError, effectiveBant, NotSdrError, StaleCandidateError } from '../../domain/desk/decision.ts';
import { AE_REJECT_REASON_LABELS, AE_REJECT_REASONS, HandoffConflictError, NotSalesError, StaleHandoffError } from '../../domain/desk/outcome.ts';
import { deciders } from '../../domain/desk/team.ts';
import type { HandoffOutcome } from '../../domain/desk/views.ts';
import { BatonError, NotFoundError, toBatonError, ValidationError } from '../../domain/errors.ts';
import type { Logger } from '../log.ts';
import { ACTIONS, alreadyDecidedText, editBantModal, handoffRejectModal, MODALS, reassignModal, rejectModal, snoozeModal, type CardRef, type HandoffRef, type ModalMetadata } from './blocks.ts';
import { readBantCorrection, readRejection, readSelected, snoozeUntil, type ViewState } from './choices.ts';
import type { SlackNotifier } from './notifier.ts';
import { mention, slackDate } from './text.ts';

/**
 * The Bolt listeners: each acknowledges at once, translates the click or submission, and calls one
 * use-case; the use-case queues the card's (or the AE's message's) update in place, and the clicker
 * is told, by an ephemeral message, anything that went wrong. No business rule lives here.
 */
export interface HandlerContext {
  /** The desk's deps; throws until bind() gave them. */
  deps(): DeskDeps;
  readonly notifier: SlackNotifier;
  readonly channelId: string;
  /** The team's time zone (tomorrow 09:00 for a snooze). */
  readonly zone: string;
  readonly logger: Logger;
}

type Client = App['client'];

/** Where an interaction happened, so the answer goes to the same place. */
interface Where {
  readonly user: string;
  readonly channel: string | null;
  readonly ts: string | null;
}

/** The person's sentence for an error; unexpected ones are logged and said plainly. */
export function explain(e: unknown, logger: Logger): string {
  if (e instanceof DecisionConflictError) return alreadyDecidedText(e.status, e.decidedBy, e.decidedAt);
  if (e instanceof NotSdrError) return 'Only members of the SDR group may decide or change candidates. Nothing was changed.';
  if (e instanceof StaleCandidateError) return 'The card changed since you looked at it (a new message came in, or someone edited it). Look at it again and retry.';
  if (e instanceof HandoffConflictError) {
    return e.status === 'pending' ? e.message : `Already marked ${e.status} by ${mention(e.outcomeBy)}${e.outcomeAt ? ` at ${slackDate(e.outcomeAt)}` : ''}.`;
  }
  if (e instanceof StaleHandoffError) return 'The handoff changed since this message was posted. Look at it again and retry.';
  if (e instanceof NotSalesError) return 'Only the account executives and the team lead may record a sales outcome. Nothing was changed.';
  if (e instanceof NotFoundError) return 'That candidate or handoff no longer exists.';
  if (e instanceof ValidationError) return `That did not work: ${e.message}.`;
  const err = toBatonError(e);
  logger.error({ code: err.code, err: err.message }, 'slack: a desk action failed');
  return err instanceof BatonError && err.fault === 'user' ? err.message : 'Something went wrong on our side; nothing was changed. Try again in a moment.';
}

function parseRef<T extends CardRef | HandoffRef>(value: string | undefined, key: 'c' | 'h'): T {
  try {
    const v = JSON.parse(value ?? '') as Record<string, unknown>;
    if (typeof v[key] === 'string' && typeof v.v === 'number') return v as T;
  } catch {
    // falls through to the error below
  }
  throw new ValidationError('the button carries no candidate; the message is from an older version', {}, 'SLACK_BAD_BUTTON');
}

function parseMeta(raw: string | undefined): ModalMetadata {
  try {
    const v = JSON.parse(raw ?? '') as ModalMetadata;
    if (typeof v.c === 'string' && typeof v.v === 'number') return v;
  } catch {
    // falls through
  }
  throw new ValidationError('the form carries no candidate', {}, 'SLACK_BAD_MODAL');
}

interface ActionBody {
  user: { id: string };
  trigger_id?: string;
  channel?: { id: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts?: string };
}

function whereOf(body: ActionBody): Where {
  return { user: body.user.id, channel: body.channel?.id ?? body.container?.channel_id ?? null, ts: body.message?.ts ?? body.container?.message_ts ?? null };
}

export function registerHandlers(app: App, ctx: HandlerContext): void {
  const tell = async (client: Client, where: Where, text: string): Promise<void> => {
    try {
      // In the channel of the click when there is one, else the desk channel; only the clicker sees it.
      await client.chat.postEphemeral({ channel: where.channel ?? ctx.channelId, user: where.user, text });
    } catch (e) {
      ctx.logger.warn({ err: toBatonError(e).message }, 'slack: could not tell the person');
    }
  };

  /**
   * Runs one desk change for a person; every failure becomes a sentence for them. The use-cases queue
   * the desk.card job, which updates the card in place (one renderer for every change, with the
   * rate-limit handling of the job): wake the worker so it runs now rather than at its next poll.
   */
  const run = async (client: Client, where: Where, work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (e) {
      await tell(client, where, explain(e, ctx.logger));
      return;
    }
    ctx.deps().wake?.();
  };

  /** Refuses a non-member before a modal opens, so nobody fills a form that cannot be saved. */
  const mayDecide = async (client: Client, where: Where): Promise<boolean> => {
    if (await ctx.deps().isSdr(where.user)) return true;
    await tell(client, where, explain(new NotSdrError(`user:${where.user}`), ctx.logger));
    return false;
  };

  const openModal = async (client: Client, triggerId: string | undefined, view: Record<string, unknown>, where: Where): Promise<void> => {
    if (!triggerId) return;
    try {
      await client.views.open({ trigger_id: triggerId, view: view as never });
    } catch (e) {
      await tell(client, where, explain(e, ctx.logger));
    }
  };

  const buttonValue = (action: unknown): string | undefined => (action as { value?: string }).value;

  app.action(ACTIONS.approve, async ({ ack, body, action, client }) => {
    await ack();
    const where = whereOf(body as ActionBody);
    let ref: CardRef;
    try {
      ref = parseRef<CardRef>(buttonValue(action), 'c');
    } catch (e) {
      return tell(client, where, explain(e, ctx.logger));
    }
    await run(client, where, () => decide(ctx.deps(), { candidateId: ref.c, action: 'approve', by: `user:${where.user}`, expectedVersion: ref.v }));
  });

  const cardModal = (actionId: string, build: (meta: ModalMetadata, candidateId: string) => Promise<Record<string, unknown>>) =>
    app.action(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const b = body as ActionBody;
      const where = whereOf(b);
      try {
        const ref = parseRef<CardRef>(buttonValue(action), 'c');
        if (!(await mayDecide(client, where))) return;
        const meta: ModalMetadata = { c: ref.c, v: ref.v, ...(where.channel ? { channel: where.channel } : {}), ...(where.ts ? { ts: where.ts } : {}) };
        await openModal(client, b.trigger_id, await build(meta, ref.c), where);
      } catch (e) {
        await tell(client, where, explain(e, ctx.logger));
      }
    });

  const candidateOf = async (id: string) => {
    const c = await getCandidate(ctx.deps().db, id);
    if (!c) throw new NotFoundError('candidate', id);
    return c;
  };

  cardModal(ACTIONS.reject, async (meta, id) => {
    const c = await candidateOf(id);
    const lead = await getLeadById(ctx.deps().db, c.leadId);
    const name = [lead?.firstName, lead?.lastName].filter(Boolean).join(' ') || lead?.email || 'this lead';
    return rejectModal(meta, name);
  });
  cardModal(ACTIONS.editBant, async (meta, id) => {
    const c = await candidateOf(id);
    return editBantModal(meta, effectiveBant(c.qualification.bant, c.bantCorrection));
  });
  cardModal(ACTIONS.snooze, async (meta) => snoozeModal(meta));
  cardModal(ACTIONS.reassign, async (meta, id) => {
    const c = await candidateOf(id);
    return reassignModal(meta, deciders(ctx.deps().team), c.owner?.replace(/^user:/, '') ?? null);
  });

  interface ViewBody {
    user: { id: string };
    view: { private_metadata?: string; state: { values: ViewState } };
  }
  const submission = (body: unknown) => {
    const b = body as ViewBody;
    const meta = parseMeta(b.view.private_metadata);
    const where: Where = { user: b.user.id, channel: meta.channel ?? null, ts: meta.ts ?? null };
    return { meta, where, state: b.view.state.values, by: `user:${b.user.id}` };
  };

  app.view(MODALS.reject, async ({ ack, body, client }) => {
    const { meta, where, state, by } = submission(body);
    const r = readRejection(state);
    if (!r.ok) return void (await ack({ response_action: 'errors', errors: r.errors }));
    await ack();
    await run(client, where, () => decide(ctx.deps(), { candidateId: meta.c, action: 'reject', by, reason: r.reason, ...(r.note ? { note: r.note } : {}), expectedVersion: meta.v }));
  });

  app.view(MODALS.editBant, async ({ ack, body, client }) => {
    const { meta, where, state, by } = submission(body);
    let shown;
    try {
      const c = await candidateOf(meta.c);
      shown = effectiveBant(c.qualification.bant, c.bantCorrection);
    } catch (e) {
      await ack();
      return tell(client, where, explain(e, ctx.logger));
    }
    const r = readBantCorrection(state, shown);
    if (!r.ok) return void (await ack({ response_action: 'errors', errors: r.errors }));
    await ack();
    const correction = r.correction;
    if (!correction) return tell(client, where, 'Nothing changed, so nothing was stored.');
    await run(client, where, () => editBant(ctx.deps(), { candidateId: meta.c, by, correction, expectedVersion: meta.v }));
  });

  app.view(MODALS.snooze, async ({ ack, body, client }) => {
    const { meta, where, state, by } = submission(body);
    await ack();
    await run(client, where, () => {
      const until = snoozeUntil(readSelected(state, 'until') ?? '', ctx.deps().clock.now(), ctx.zone);
      return snooze(ctx.deps(), { candidateId: meta.c, by, until });
    });
  });

  app.view(MODALS.reassign, async ({ ack, body, client }) => {
    const { meta, where, state, by } = submission(body);
    const owner = readSelected(state, 'owner');
    if (!owner) return void (await ack({ response_action: 'errors', errors: { owner: 'Pick a person.' } }));
    await ack();
    await run(client, where, () => reassign(ctx.deps(), { candidateId: meta.c, by, owner: `user:${owner}` }));
  });

  // The AE's outcome buttons. recordOutcome updates the AE's message through the desk.handoff job.
  const outcome = (actionId: string, value: HandoffOutcome) =>
    app.action(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const where = whereOf(body as ActionBody);
      await run(client, where, async () => {
        const ref = parseRef<HandoffRef>(buttonValue(action), 'h');
        await recordOutcome(ctx.deps(), { handoffId: ref.h, outcome: value, by: `user:${where.user}`, expectedVersion: ref.v });
      });
    });
  outcome(ACTIONS.handoffSql, 'sql');
  outcome(ACTIONS.handoffWon, 'won');
  outcome(ACTIONS.handoffLost, 'lost');

  app.action(ACTIONS.handoffReject, async ({ ack, body, action, client }) => {
    await ack();
    const b = body as ActionBody;
    const where = whereOf(b);
    try {
      const ref = parseRef<HandoffRef>(buttonValue(action), 'h');
      const meta: ModalMetadata = { c: ref.h, v: ref.v, ...(where.channel ? { channel: where.channel } : {}), ...(where.ts ? { ts: where.ts } : {}) };
      await openModal(client, b.trigger_id, handoffRejectModal(meta, AE_REJECT_REASONS.map((r) => ({ value: r, label: AE_REJECT_REASON_LABELS[r] }))), where);
    } catch (e) {
      await tell(client, where, explain(e, ctx.logger));
    }
  });

  app.view(MODALS.handoffReject, async ({ ack, body, client }) => {
    const { meta, where, state, by } = submission(body);
    const r = readRejection(state);
    if (!r.ok) return void (await ack({ response_action: 'errors', errors: r.errors }));
    await ack();
    await run(client, where, () => recordOutcome(ctx.deps(), { handoffId: meta.c, outcome: 'rejected', by, reason: r.reason, ...(r.note ? { note: r.note } : {}), expectedVersion: meta.v }));
  });
}
