import type { DeskNotifier, MessageRef } from '../app/desk/notifier.ts';
import { NotifierError } from '../app/desk/notifier.ts';
import type { Person } from '../domain/desk/team.ts';
import type { CandidateCard, ChatAlertView, ChatMirrorEntry, DeskStats, HandoffView } from '../domain/desk/views.ts';

/** One call the desk made to its notifier, with what it passed. */
export type NotifierCall =
  | { readonly method: 'showCard'; readonly card: CandidateCard; readonly ref: MessageRef | null; readonly result: MessageRef | null }
  | { readonly method: 'remind'; readonly owner: Person; readonly card: CandidateCard; readonly ref: MessageRef | null }
  | {
      readonly method: 'escalate';
      readonly card: CandidateCard;
      readonly ref: MessageRef | null;
      readonly from: Person | null;
      readonly to: Person;
      readonly teamLead: Person;
    }
  | { readonly method: 'summary'; readonly stats: DeskStats }
  | { readonly method: 'handoff'; readonly ae: Person; readonly view: HandoffView; readonly ref: MessageRef | null; readonly result: MessageRef | null }
  | { readonly method: 'chatAlert'; readonly alert: ChatAlertView; readonly ref: MessageRef | null; readonly result: MessageRef | null }
  | { readonly method: 'chatMirror'; readonly entry: ChatMirrorEntry; readonly ref: MessageRef };

export type NotifierMethod = NotifierCall['method'];
type CallOf<M extends NotifierMethod> = Extract<NotifierCall, { method: M }>;

/**
 * A DeskNotifier for tests: records every call (successful ones in `calls`, refused ones in
 * `failures`), posts messages as `C_DESK`/`<n>.000100`, and can be told to fail the next calls of a
 * method, e.g. with a rate limit (`rateLimited(1500)`) or a dead channel (`archived()`).
 */
export class RecordingNotifier implements DeskNotifier {
  readonly calls: NotifierCall[] = [];
  readonly failures: { readonly method: NotifierMethod; readonly error: NotifierError }[] = [];
  private readonly planned = new Map<NotifierMethod, NotifierError[]>();
  private posted = 0;

  constructor(
    readonly kind: 'slack' | 'none' = 'slack',
    readonly channel = 'C_DESK',
  ) {}

  /** The next `times` calls of `method` throw `error` (in addition to any planned already). */
  failNext(method: NotifierMethod, error: NotifierError, times = 1): this {
    const list = this.planned.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(error);
    this.planned.set(method, list);
    return this;
  }

  /** Calls of one method, in order. */
  of<M extends NotifierMethod>(method: M): CallOf<M>[] {
    return this.calls.filter((c): c is CallOf<M> => c.method === method);
  }

  /** The card calls of one candidate, in order. */
  cardsOf(candidateId: string): CallOf<'showCard'>[] {
    return this.of('showCard').filter((c) => c.card.candidate.id === candidateId);
  }

  private check(method: NotifierMethod): void {
    const next = this.planned.get(method)?.shift();
    if (next) {
      this.failures.push({ method, error: next });
      throw next;
    }
  }

  private post(ref: MessageRef | null): MessageRef {
    if (ref) return ref;
    this.posted += 1;
    return { channel: this.channel, ts: `${1_700_000_000 + this.posted}.000100` };
  }

  async showCard(card: CandidateCard, ref: MessageRef | null): Promise<MessageRef | null> {
    this.check('showCard');
    const result = this.kind === 'slack' ? this.post(ref) : null;
    this.calls.push({ method: 'showCard', card, ref, result });
    return result;
  }

  async remind(owner: Person, card: CandidateCard, ref: MessageRef | null): Promise<void> {
    this.check('remind');
    this.calls.push({ method: 'remind', owner, card, ref });
  }

  async escalate(input: { card: CandidateCard; ref: MessageRef | null; from: Person | null; to: Person; teamLead: Person }): Promise<void> {
    this.check('escalate');
    this.calls.push({ method: 'escalate', ...input });
  }

  async summary(stats: DeskStats): Promise<void> {
    this.check('summary');
    this.calls.push({ method: 'summary', stats });
  }

  async handoff(ae: Person, view: HandoffView, ref: MessageRef | null): Promise<MessageRef | null> {
    this.check('handoff');
    const result = this.kind === 'slack' ? this.post(ref) : null;
    this.calls.push({ method: 'handoff', ae, view, ref, result });
    return result;
  }

  async chatAlert(alert: ChatAlertView, ref: MessageRef | null): Promise<MessageRef | null> {
    this.check('chatAlert');
    const result = this.kind === 'slack' ? this.post(ref) : null;
    this.calls.push({ method: 'chatAlert', alert, ref, result });
    return result;
  }

  async chatMirror(entry: ChatMirrorEntry, ref: MessageRef): Promise<void> {
    this.check('chatMirror');
    this.calls.push({ method: 'chatMirror', entry, ref });
  }
}

/** A Slack rate limit: retry after `ms`. */
export function rateLimited(ms: number): NotifierError {
  return new NotifierError(`rate limited; retry after ${ms} ms`, { code: 'SLACK_RATE_LIMITED', retryable: true, retryAfterMs: ms });
}

/** The channel was archived: retrying cannot help until someone fixes the configuration. */
export function archived(): NotifierError {
  return new NotifierError('the channel is archived', { code: 'SLACK_CHANNEL_ARCHIVED', retryable: false });
}
