import type { EnrolmentFact, LeadFact, OpenJobFact, OutboxFact } from '../../adapters/db/store/simulation.ts';
import { addBusinessDays, isInSendWindow, localDate, recipientTimeZone, startOfLocalDate, type SendWindow } from '../../domain/sequence/calendar.ts';
import type { SequenceDefinition } from '../../domain/sequence/definition.ts';
import type { OutreachSettings } from '../outreach/deps.ts';
import type { FactKind, Reaction } from './repliers.ts';
import type { PersonaKind } from './scenario.ts';

/**
 * What must hold after a simulated run, each a function over what the world saw (every message the
 * SMTP sink took, with its virtual time, and every reply, bounce and opt-out the world sent) and the
 * database at the end. Each returns its violations in words; an empty list means it held.
 */

/** One message the SMTP server accepted, at virtual time. */
export interface SentFact {
  readonly messageId: string;
  readonly to: string;
  readonly at: Date;
}

/** One RCPT TO the server refused (a hard bounce at the door). */
export interface RefusedFact {
  readonly to: string;
  readonly at: Date;
}

/** One thing the world did to Baton, when it was delivered. */
export interface WorldFact {
  readonly kind: FactKind;
  readonly persona: PersonaKind;
  readonly optOut?: Reaction['optOut'];
  readonly email: string;
  readonly at: Date;
  /** The Message-ID of our message it answers. */
  readonly about: string;
  readonly returnDay?: string | null;
  readonly askedDay?: string;
  /** The world's own Message-ID for messages (replies, reports), null for a click. */
  readonly ownMessageId: string | null;
}

export interface Evidence {
  readonly settings: OutreachSettings;
  readonly end: Date;
  readonly sent: readonly SentFact[];
  readonly refused: readonly RefusedFact[];
  readonly world: readonly WorldFact[];
  /** World events that could not be delivered (the simulator's own faults), in words. */
  readonly worldFailures: readonly string[];
  readonly outbox: readonly OutboxFact[];
  readonly enrolments: readonly EnrolmentFact[];
  readonly leads: readonly LeadFact[];
  /** Suppressed address -> reason. */
  readonly suppressed: ReadonlyMap<string, string>;
  /** `id@version` -> definition. */
  readonly sequences: ReadonlyMap<string, SequenceDefinition>;
  readonly openJobs: readonly OpenJobFact[];
  readonly inbound: readonly { status: string; kind: string | null; n: number }[];
}

export interface InvariantResult {
  readonly violations: readonly string[];
  /** Counts that are not violations (e.g. auto-replies whose writer was still away when the run ended). */
  readonly notes: Readonly<Record<string, number>>;
}

export interface Invariant {
  readonly name: string;
  readonly title: string;
  check(ix: Index): InvariantResult;
}

const DAY = 86_400_000;
/** An immediate (fast-lane) email counts as the answer to a form only this soon after the form. */
export const IMMEDIATE_GRACE_MS = 60 * 60_000;

/** Lookups built once over the evidence. */
export class Index {
  readonly outboxByMessageId = new Map<string, OutboxFact>();
  readonly enrolments = new Map<string, EnrolmentFact>();
  readonly leads = new Map<string, LeadFact>();
  readonly leadsByEmail = new Map<string, LeadFact>();
  /** Sends of each enrolment, in time order, with their outbox rows. */
  readonly sendsByEnrolment = new Map<string, { sent: SentFact; row: OutboxFact }[]>();
  /** Every attempt at an address (accepted or refused), in time order. */
  readonly attemptsByAddress = new Map<string, { at: Date; messageId: string | null }[]>();
  readonly softBouncesAbout = new Map<string, Date[]>();
  readonly queuedKeys = new Set<string>();

  constructor(readonly ev: Evidence) {
    for (const o of ev.outbox) this.outboxByMessageId.set(o.messageId, o);
    for (const e of ev.enrolments) this.enrolments.set(e.id, e);
    for (const l of ev.leads) {
      this.leads.set(l.id, l);
      this.leadsByEmail.set(l.email, l);
    }
    for (const s of [...ev.sent].sort((a, b) => a.at.getTime() - b.at.getTime())) {
      const row = this.outboxByMessageId.get(s.messageId);
      if (row?.enrolmentId) push(this.sendsByEnrolment, row.enrolmentId, { sent: s, row });
      push(this.attemptsByAddress, s.to, { at: s.at, messageId: s.messageId });
    }
    for (const r of ev.refused) push(this.attemptsByAddress, r.to, { at: r.at, messageId: null });
    for (const list of this.attemptsByAddress.values()) list.sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const w of ev.world) if (w.kind === 'soft_bounce') push(this.softBouncesAbout, w.about, w.at);
    for (const j of ev.openJobs) if (j.status === 'queued' && j.key) this.queuedKeys.add(j.key);
  }

  /** The recipient's zone and country as Baton decides them. */
  where(lead: LeadFact | undefined): { zone: string; country: string | null } {
    if (!lead) return { zone: this.ev.settings.senderZone, country: null };
    return { zone: recipientTimeZone({ time_zone: lead.timeZone, country: lead.country }, this.ev.settings.senderZone).zone, country: lead.country };
  }

  definition(sequenceId: string | null, enrolmentId: string | null): SequenceDefinition | undefined {
    const e = enrolmentId ? this.enrolments.get(enrolmentId) : undefined;
    if (e) return this.ev.sequences.get(`${e.sequenceId}@${e.sequenceVersion}`);
    if (!sequenceId) return undefined;
    // No enrolment: the latest version.
    let best: SequenceDefinition | undefined;
    let version = 0;
    for (const [k, d] of this.ev.sequences) {
      const [id, v] = k.split('@');
      if (id === sequenceId && Number(v) > version) {
        best = d;
        version = Number(v);
      }
    }
    return best;
  }

  window(def: SequenceDefinition | undefined): SendWindow {
    return def?.sendWindow ?? this.ev.settings.sendWindow;
  }

  enrolmentOf(messageId: string): EnrolmentFact | undefined {
    const id = this.outboxByMessageId.get(messageId)?.enrolmentId;
    return id ? this.enrolments.get(id) : undefined;
  }

  /** Was the enrolment running (active or paused) at `at`? */
  liveAt(e: EnrolmentFact, at: Date): boolean {
    return e.startedAt.getTime() <= at.getTime() && (e.endedAt === null || e.endedAt.getTime() > at.getTime());
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

const iso = (d: Date) => d.toISOString();
const ok = (violations: string[], notes: Record<string, number> = {}): InvariantResult => ({ violations, notes });

const noDuplicateSends: Invariant = {
  name: 'no_duplicate_sends',
  title: 'no duplicate sends (by Message-ID, and by enrolment and step unless a soft bounce asked for the step again)',
  check(ix) {
    const out: string[] = [];
    const seen = new Map<string, number>();
    for (const s of ix.ev.sent) seen.set(s.messageId, (seen.get(s.messageId) ?? 0) + 1);
    for (const [id, n] of seen) if (n > 1) out.push(`message ${id} reached the server ${n} times`);
    let retried = 0;
    for (const [enrolmentId, sends] of ix.sendsByEnrolment) {
      const byStep = new Map<number, { sent: SentFact }[]>();
      for (const s of sends) if (s.row.stepIndex !== null) push(byStep, s.row.stepIndex, s);
      for (const [step, list] of byStep) {
        for (let i = 1; i < list.length; i += 1) {
          const prev = list[i - 1] as { sent: SentFact };
          const cur = list[i] as { sent: SentFact };
          if (prev.sent.messageId === cur.sent.messageId) continue; // counted above
          const bounced = (ix.softBouncesAbout.get(prev.sent.messageId) ?? []).some((t) => t.getTime() >= prev.sent.at.getTime() && t.getTime() <= cur.sent.at.getTime());
          if (bounced) retried += 1;
          else out.push(`enrolment ${enrolmentId} sent step ${step} again at ${iso(cur.sent.at)} (first at ${iso(prev.sent.at)}) without a soft bounce in between`);
        }
      }
    }
    return ok(out, { steps_resent_after_soft_bounce: retried });
  },
};

const everySendRecorded: Invariant = {
  name: 'every_send_recorded',
  title: 'every message the server took is an outbox row marked sent, and every row marked sent reached the server',
  check(ix) {
    const out: string[] = [];
    const arrived = new Set(ix.ev.sent.map((s) => s.messageId));
    for (const s of ix.ev.sent) {
      const row = ix.outboxByMessageId.get(s.messageId);
      if (!row) out.push(`the server took ${s.messageId} at ${iso(s.at)}, which no outbox row sent`);
      else if (row.status !== 'sent') out.push(`the server took ${s.messageId} but its outbox row is ${row.status}`);
    }
    for (const o of ix.ev.outbox) if (o.status === 'sent' && !arrived.has(o.messageId)) out.push(`outbox ${o.id} is marked sent but the server never got ${o.messageId}`);
    return ok(out);
  },
};

/** Attempts at `address` strictly after `at`. */
function attemptsAfter(ix: Index, address: string, at: Date): { at: Date; messageId: string | null }[] {
  return (ix.attemptsByAddress.get(address) ?? []).filter((a) => a.at.getTime() > at.getTime());
}

const noSendAfterOptOut: Invariant = {
  name: 'no_send_after_opt_out',
  title: 'nothing sent after an opt-out (one-click, mailto, reply, complaint), and every opt-out suppressed the address',
  check(ix) {
    const out: string[] = [];
    const firstOptOut = new Map<string, { at: Date; via: string }>();
    for (const w of ix.ev.world) {
      if (w.kind !== 'opt_out') continue;
      const prev = firstOptOut.get(w.email);
      if (!prev || w.at < prev.at) firstOptOut.set(w.email, { at: w.at, via: w.optOut ?? 'unknown' });
    }
    for (const [email, o] of firstOptOut) {
      for (const a of attemptsAfter(ix, email, o.at)) out.push(`${a.messageId ?? 'an attempt'} went to ${email} at ${iso(a.at)}, after its ${o.via} opt-out at ${iso(o.at)}`);
      if (!ix.ev.suppressed.has(email)) out.push(`the ${o.via} opt-out of ${email} at ${iso(o.at)} did not suppress the address`);
    }
    return ok(out, { opt_outs: firstOptOut.size });
  },
};

const noSendAfterHardBounce: Invariant = {
  name: 'no_send_after_hard_bounce',
  title: 'nothing sent after a hard bounce (a 5.1.1 report or a refusal at RCPT TO), and every hard bounce suppressed the address',
  check(ix) {
    const out: string[] = [];
    const first = new Map<string, Date>();
    const note = (email: string, at: Date) => {
      const prev = first.get(email);
      if (!prev || at < prev) first.set(email, at);
    };
    for (const w of ix.ev.world) if (w.kind === 'hard_bounce') note(w.email, w.at);
    for (const r of ix.ev.refused) note(r.to, r.at);
    for (const [email, at] of first) {
      for (const a of attemptsAfter(ix, email, at)) out.push(`${a.messageId ?? 'an attempt'} went to ${email} at ${iso(a.at)}, after it bounced hard at ${iso(at)}`);
      if (!ix.ev.suppressed.has(email)) out.push(`the hard bounce of ${email} at ${iso(at)} did not suppress the address`);
    }
    return ok(out, { hard_bounced_addresses: first.size });
  },
};

const insideSendWindows: Invariant = {
  name: 'inside_send_windows',
  title: "nothing outside the recipient's send window, except the fast lane's first answer to a form",
  check(ix) {
    const out: string[] = [];
    let immediate = 0;
    for (const s of ix.ev.sent) {
      const row = ix.outboxByMessageId.get(s.messageId);
      if (!row) continue; // every_send_recorded reports it
      const lead = ix.leads.get(row.leadId);
      const { zone, country } = ix.where(lead);
      const def = ix.definition(row.sequenceId, row.enrolmentId);
      if (isInSendWindow(s.at, zone, ix.window(def), country)) continue;
      if (row.immediate) {
        const e = row.enrolmentId ? ix.enrolments.get(row.enrolmentId) : undefined;
        const firstEmail = def?.steps.findIndex((st) => st.type === 'email');
        const step = row.stepIndex === null ? undefined : def?.steps[row.stepIndex];
        const isFastLaneFirst = def?.kind === 'inbound' && row.stepIndex === firstEmail && step?.type === 'email' && step.immediate;
        const firstOfEnrolment = (ix.sendsByEnrolment.get(row.enrolmentId ?? '')?.[0]?.sent.messageId ?? s.messageId) === s.messageId;
        const soon = e !== undefined && s.at.getTime() - e.startedAt.getTime() <= IMMEDIATE_GRACE_MS;
        if (isFastLaneFirst && firstOfEnrolment && soon) {
          immediate += 1;
          continue;
        }
        out.push(`${s.messageId} (${row.sequenceId} step ${row.stepIndex}, immediate) went out at ${iso(s.at)}, ${localTime(s.at, zone)} in ${zone}, ${soon ? 'not as the first email' : `${Math.round((s.at.getTime() - (e?.startedAt.getTime() ?? 0)) / 60_000)} min after enrolment`}`);
        continue;
      }
      out.push(`${s.messageId} (${row.sequenceId} step ${row.stepIndex}) went out at ${iso(s.at)}, ${localTime(s.at, zone)} in ${zone}${country ? ` (${country})` : ''}, outside the window`);
    }
    return ok(out, { immediate_outside_window: immediate });
  },
};

function localTime(at: Date, zone: string): string {
  return at.toLocaleString('en-GB', { timeZone: zone, weekday: 'short', day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' });
}

const capsHeld: Invariant = {
  name: 'caps_held',
  title: 'caps held: per mailbox per day, per sequence per day (sender-local days), and the spacing between two sends of a mailbox',
  check(ix) {
    const s = ix.ev.settings;
    const out: string[] = [];
    const perMailbox = new Map<string, number>();
    const perSequence = new Map<string, { n: number; cap: number }>();
    const lastByMailbox = new Map<string, Date>();
    let full = 0;
    for (const f of [...ix.ev.sent].sort((a, b) => a.at.getTime() - b.at.getTime())) {
      const row = ix.outboxByMessageId.get(f.messageId);
      if (!row) continue;
      const day = localDate(f.at, s.senderZone);
      const mk = `${row.mailbox} ${day}`;
      perMailbox.set(mk, (perMailbox.get(mk) ?? 0) + 1);
      if (row.sequenceId) {
        const cap = ix.definition(row.sequenceId, row.enrolmentId)?.dailyCap ?? s.sequenceDailyCap;
        const sk = `${row.sequenceId} ${day}`;
        perSequence.set(sk, { n: (perSequence.get(sk)?.n ?? 0) + 1, cap });
      }
      const last = lastByMailbox.get(row.mailbox);
      if (last && s.spacingMs > 0 && f.at.getTime() - last.getTime() < s.spacingMs) out.push(`mailbox ${row.mailbox} sent at ${iso(last)} and again at ${iso(f.at)}, closer than ${s.spacingMs / 1000} s`);
      lastByMailbox.set(row.mailbox, f.at);
    }
    for (const [k, n] of perMailbox) {
      if (n > s.mailboxDailyCap) out.push(`mailbox ${k}: ${n} sends, cap ${s.mailboxDailyCap}`);
      if (n === s.mailboxDailyCap) full += 1;
    }
    for (const [k, v] of perSequence) if (v.n > v.cap) out.push(`sequence ${k}: ${v.n} sends, cap ${v.cap}`);
    return ok(out, { mailbox_days_at_cap: full });
  },
};

/** When a not-now reply allows the sequence to write again (the asked day, local), else null. */
function notNowResume(ix: Index, w: WorldFact, e: EnrolmentFact): Date | null {
  if (w.persona !== 'not_now' || !w.askedDay) return null;
  return startOfLocalDate(w.askedDay, ix.where(ix.leads.get(e.leadId)).zone);
}

const humanReplyStopped: Invariant = {
  name: 'human_reply_stopped_sequence',
  title: 'every human reply stopped its sequence (a "not now" with a month: nothing before that month)',
  check(ix) {
    const out: string[] = [];
    const notes = { replies: 0, not_now_paused: 0, not_now_resumed: 0 };
    for (const w of ix.ev.world) {
      if (w.kind !== 'reply' && !(w.kind === 'opt_out' && w.optOut === 'reply')) continue;
      notes.replies += 1;
      const e = ix.enrolmentOf(w.about);
      if (!e) {
        out.push(`a ${w.persona} reply about ${w.about} belongs to no enrolment`);
        continue;
      }
      const resume = notNowResume(ix, w, e);
      const later = (ix.sendsByEnrolment.get(e.id) ?? []).filter((s) => s.sent.at.getTime() > w.at.getTime());
      for (const s of later) {
        if (resume && s.sent.at.getTime() >= resume.getTime()) continue;
        out.push(`enrolment ${e.id} (${e.sequenceId}) sent ${s.sent.messageId} at ${iso(s.sent.at)} after a ${w.persona} reply at ${iso(w.at)}${resume ? ` that asked to wait until ${w.askedDay}` : ''}`);
      }
      if (resume) {
        if (later.length > 0) notes.not_now_resumed += 1;
        else if (e.status === 'paused') notes.not_now_paused += 1;
      }
      const live = e.status === 'active' || e.status === 'paused';
      if (live && ix.liveAt(e, w.at) && !resume) out.push(`enrolment ${e.id} (${e.sequenceId}) is still ${e.status} after a ${w.persona} reply at ${iso(w.at)}`);
    }
    return ok(out, notes);
  },
};

/** The end of the pause an auto-reply asks for: the local start of its return day, or the default pause. */
function pauseEnd(ix: Index, w: WorldFact, e: EnrolmentFact): Date {
  if (w.returnDay) return startOfLocalDate(w.returnDay, ix.where(ix.leads.get(e.leadId)).zone);
  return new Date(w.at.getTime() + ix.ev.settings.autoReplyPauseDays * DAY);
}

const autoReplyPaused: Invariant = {
  name: 'auto_reply_paused',
  title: 'every auto-reply paused its sequence: nothing sent between it and the return date',
  check(ix) {
    const out: string[] = [];
    let paused = 0;
    for (const w of ix.ev.world) {
      if (w.kind !== 'auto_reply') continue;
      const e = ix.enrolmentOf(w.about);
      if (!e) {
        out.push(`an auto-reply about ${w.about} belongs to no enrolment`);
        continue;
      }
      if (!ix.liveAt(e, w.at)) continue;
      paused += 1;
      const until = pauseEnd(ix, w, e);
      for (const s of ix.sendsByEnrolment.get(e.id) ?? []) {
        const t = s.sent.at.getTime();
        if (t > w.at.getTime() && t < until.getTime()) out.push(`enrolment ${e.id} (${e.sequenceId}) sent ${s.sent.messageId} at ${iso(s.sent.at)} while its lead was away (auto-reply at ${iso(w.at)}, back ${w.returnDay ?? iso(until)})`);
      }
    }
    return ok(out, { auto_replies_to_live_sequences: paused });
  },
};

/** Is something queued that will move the enrolment on? */
function hasNextMove(ix: Index, e: EnrolmentFact): boolean {
  return ix.queuedKeys.has(`advance:${e.id}`) || (e.pendingOutboxId !== null && ix.queuedKeys.has(`send:${e.pendingOutboxId}`));
}

const autoReplyResumed: Invariant = {
  name: 'auto_reply_resumed',
  title: 'every auto-reply pause ended: after the return date the sequence wrote again, waits for its window or cap, or ended normally',
  check(ix) {
    const out: string[] = [];
    const notes = { resumed_and_sent: 0, resumed_waiting: 0, ended_after_return: 0, away_when_run_ended: 0 };
    for (const w of ix.ev.world) {
      if (w.kind !== 'auto_reply') continue;
      const e = ix.enrolmentOf(w.about);
      if (!e || !ix.liveAt(e, w.at)) continue;
      const until = pauseEnd(ix, w, e);
      if (until.getTime() >= ix.ev.end.getTime()) {
        notes.away_when_run_ended += 1;
        continue;
      }
      const sentAfter = (ix.sendsByEnrolment.get(e.id) ?? []).some((s) => s.sent.at.getTime() >= until.getTime());
      if (sentAfter) notes.resumed_and_sent += 1;
      else if (e.status === 'completed' || e.status === 'stopped') {
        if (e.endedAt && e.endedAt.getTime() >= until.getTime()) notes.ended_after_return += 1;
        else out.push(`enrolment ${e.id} (${e.sequenceId}) ended (${e.status}: ${e.stopReason ?? 'no reason'}) at ${e.endedAt ? iso(e.endedAt) : '?'} while paused for an auto-reply until ${iso(until)}`);
      } else if ((e.status === 'active' || e.status === 'paused') && hasNextMove(ix, e)) {
        // Active and waiting for its window or a cap, or still paused because the sequence's own wait outlasts the absence.
        notes.resumed_waiting += 1;
      }
      else out.push(`enrolment ${e.id} (${e.sequenceId}) is ${e.status}${e.pausedUntil ? ` until ${iso(e.pausedUntil)}` : ''} at the end, ${Math.round((ix.ev.end.getTime() - until.getTime()) / 3_600_000)} h after its lead came back`);
    }
    return ok(out, notes);
  },
};

/** The earliest time the next email may go when the waits between two steps start at `from`. */
function afterWaits(ix: Index, def: SequenceDefinition, fromIndex: number, toIndex: number, from: Date, lead: LeadFact | undefined): Date {
  const { zone, country } = ix.where(lead);
  let t = from;
  for (let i = fromIndex + 1; i < toIndex; i += 1) {
    const s = def.steps[i];
    if (s?.type !== 'wait') continue;
    if (s.business_days) t = addBusinessDays(t, s.business_days, zone, ix.window(def), country);
    else t = new Date(t.getTime() + (s.minutes ?? (s.hours ? s.hours * 60 : (s.days ?? 1) * 24 * 60)) * 60_000);
  }
  return t;
}

const waitsRespected: Invariant = {
  name: 'waits_respected',
  title: 'waits respected: no email of a sequence before the waits since its previous one ran out (a pause never speeds a sequence up)',
  check(ix) {
    const out: string[] = [];
    let pairs = 0;
    const notNowAbout = new Map<string, Date[]>();
    for (const w of ix.ev.world) {
      if (w.persona !== 'not_now' || w.kind !== 'reply') continue;
      const e = ix.enrolmentOf(w.about);
      if (e) push(notNowAbout, e.id, w.at);
    }
    for (const [enrolmentId, sends] of ix.sendsByEnrolment) {
      const e = ix.enrolments.get(enrolmentId);
      const def = ix.definition(e?.sequenceId ?? null, enrolmentId);
      if (!e || !def) continue;
      for (let i = 1; i < sends.length; i += 1) {
        const a = sends[i - 1] as { sent: SentFact; row: OutboxFact };
        const b = sends[i] as { sent: SentFact; row: OutboxFact };
        if (a.row.stepIndex === null || b.row.stepIndex === null || b.row.stepIndex <= a.row.stepIndex) continue;
        // The lead asked for a date: that date, not the wait, decides.
        if ((notNowAbout.get(enrolmentId) ?? []).some((t) => t > a.sent.at && t < b.sent.at)) continue;
        pairs += 1;
        const earliest = afterWaits(ix, def, a.row.stepIndex, b.row.stepIndex, a.sent.at, ix.leads.get(e.leadId));
        if (b.sent.at.getTime() < earliest.getTime()) {
          out.push(`enrolment ${enrolmentId} (${def.id}) sent step ${b.row.stepIndex} at ${iso(b.sent.at)}, ${Math.round((earliest.getTime() - b.sent.at.getTime()) / 3_600_000)} h before the wait after step ${a.row.stepIndex} (sent ${iso(a.sent.at)}) ran out at ${iso(earliest)}`);
        }
      }
    }
    return ok(out, { follow_ups_checked: pairs });
  },
};

const DEFERRAL_WORDS = /daily cap|send window|spacing between sends/i;

const neverDropped: Invariant = {
  name: 'never_dropped',
  title: 'never dropped: no message given up for a cap or a window, every enrolment running with its next step queued, paused with a date, or ended for a recorded reason, every inbound message processed, no job failed',
  check(ix) {
    const out: string[] = [];
    const notes = { pending_at_end: 0 };
    for (const o of ix.ev.outbox) {
      if ((o.status === 'failed' || o.status === 'cancelled') && DEFERRAL_WORDS.test(o.lastError ?? '')) {
        out.push(`outbox ${o.id} was ${o.status} for a cap or window: ${o.lastError}`);
      }
      if (o.status === 'sending') out.push(`outbox ${o.id} is still sending at the end`);
      if (o.status === 'pending') {
        notes.pending_at_end += 1;
        if (!ix.queuedKeys.has(`send:${o.id}`)) out.push(`outbox ${o.id} is pending with no send job queued`);
      }
    }
    for (const e of ix.ev.enrolments) {
      if (e.status === 'active' && !hasNextMove(ix, e)) out.push(`enrolment ${e.id} (${e.sequenceId}) is active with nothing queued to move it on`);
      if (e.status === 'paused' && (!e.pausedUntil || !ix.queuedKeys.has(`advance:${e.id}`))) out.push(`enrolment ${e.id} (${e.sequenceId}) is paused ${e.pausedUntil ? `until ${iso(e.pausedUntil)} with no job to resume it` : 'with no end (a held reply never decided)'}`);
      if (e.status === 'stopped' && !e.stopReason) out.push(`enrolment ${e.id} (${e.sequenceId}) stopped without a reason`);
    }
    for (const j of ix.ev.openJobs) {
      if (j.status === 'failed') out.push(`job ${j.task} ${j.key ?? ''} failed: ${j.lastError ?? ''}`);
      if (j.status === 'running') out.push(`job ${j.task} ${j.key ?? ''} is still running at the end`);
    }
    for (const i of ix.ev.inbound) if (i.status !== 'processed') out.push(`${i.n} inbound message(s) ${i.status}${i.kind ? ` (${i.kind})` : ''}`);
    return ok(out, notes);
  },
};

const worldDelivered: Invariant = {
  name: 'world_delivered',
  title: "every reply, bounce and opt-out the world sent was taken (the simulator's own health)",
  check(ix) {
    return ok([...ix.ev.worldFailures]);
  },
};

export const INVARIANTS: readonly Invariant[] = [
  noDuplicateSends,
  everySendRecorded,
  noSendAfterOptOut,
  noSendAfterHardBounce,
  insideSendWindows,
  capsHeld,
  humanReplyStopped,
  autoReplyPaused,
  autoReplyResumed,
  waitsRespected,
  neverDropped,
  worldDelivered,
];

export interface InvariantReport {
  readonly name: string;
  readonly title: string;
  readonly violations: readonly string[];
  readonly notes: Readonly<Record<string, number>>;
}

/** Runs every invariant over the evidence. */
export function checkInvariants(ev: Evidence): InvariantReport[] {
  const ix = new Index(ev);
  return INVARIANTS.map((inv) => ({ name: inv.name, title: inv.title, ...inv.check(ix) }));
}
