-- The SDR desk: MQL candidates waiting for a person's decision. Times come from the application's
-- Clock (parameters), never now(), so the simulator runs on virtual time.

-- One candidate per qualification episode of a lead: opened when a qualification makes the lead an
-- MQL candidate, refreshed in place by the lead's newer messages while undecided, then decided once.
CREATE TABLE candidates (
  id                uuid PRIMARY KEY,
  lead_id           uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  -- The qualification the card shows (the newest one while undecided), and a copy of it: the SDR
  -- decided on what they saw, even if qualification rows are later pruned.
  qualification_id  bigint REFERENCES qualifications(id) ON DELETE SET NULL,
  qualification     jsonb NOT NULL,
  -- The SDR's correction of the machine's BANT, kept beside it (never written over it).
  bant_correction   jsonb,
  status            text NOT NULL CHECK (status IN ('open', 'snoozed', 'approved', 'rejected')),
  owner             text,
  due_at            timestamptz,
  snoozed_until     timestamptz,
  -- How many newer qualifications refreshed the candidate after it opened.
  refreshes         integer NOT NULL DEFAULT 0 CHECK (refreshes >= 0),
  decided_at        timestamptz,
  decided_by        text,
  reject_reason     text CHECK (reject_reason IN (
                      'no_budget', 'not_decision_maker', 'no_need', 'bad_timing', 'bad_fit', 'competitor', 'spam', 'other')),
  note              text,
  -- Bumped by every change, so a stale card or modal can be told apart from the current record.
  version           integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  -- Where the card was posted, so it is updated in place.
  slack_channel     text,
  slack_ts          text,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  CHECK ((status IN ('approved', 'rejected')) = (decided_at IS NOT NULL AND decided_by IS NOT NULL)),
  CHECK ((status = 'rejected') = (reject_reason IS NOT NULL)),
  CHECK ((status = 'snoozed') = (snoozed_until IS NOT NULL))
);
-- One undecided (open or snoozed) candidate per lead: a second qualification updates it instead.
CREATE UNIQUE INDEX candidates_one_undecided_idx ON candidates (lead_id) WHERE status IN ('open', 'snoozed');
CREATE INDEX candidates_lead_idx ON candidates (lead_id, created_at);
CREATE INDEX candidates_queue_idx ON candidates (status, due_at);
CREATE UNIQUE INDEX candidates_card_idx ON candidates (slack_channel, slack_ts) WHERE slack_ts IS NOT NULL;
