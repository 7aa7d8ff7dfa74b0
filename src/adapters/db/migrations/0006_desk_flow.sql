-- The desk's workflow around candidates: SLA bookkeeping, the handoff to sales with its outcome,
-- and the turns of round-robin assignment. Times come from the application's Clock (parameters).

-- SLA state of a candidate: hot (tighter due time), when its owner was last reminded, and how many
-- times it was escalated (each escalation reassigns it and sets a new due time).
ALTER TABLE candidates ADD COLUMN hot boolean NOT NULL DEFAULT false;
ALTER TABLE candidates ADD COLUMN reminded_at timestamptz;
ALTER TABLE candidates ADD COLUMN escalations integer NOT NULL DEFAULT 0 CHECK (escalations >= 0);
-- The last escalation, so "escalated today" is one indexed range instead of an audit-log scan.
ALTER TABLE candidates ADD COLUMN escalated_at timestamptz;
CREATE INDEX candidates_escalated_idx ON candidates (escalated_at) WHERE escalated_at IS NOT NULL;
CREATE INDEX candidates_decided_idx ON candidates (decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX candidates_owner_idx ON candidates (owner) WHERE status IN ('open', 'snoozed');

-- An approved candidate handed to an account executive, and what sales made of it:
-- pending -> sql | rejected; sql -> won | lost.
CREATE TABLE handoffs (
  id              uuid PRIMARY KEY,
  candidate_id    uuid NOT NULL UNIQUE REFERENCES candidates(id) ON DELETE CASCADE,
  lead_id         uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  ae              text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'sql', 'rejected', 'won', 'lost')),
  reason          text,
  note            text,
  -- The brief as sent, so the AE's view and the CRM's copy stay what was handed over.
  brief           jsonb NOT NULL,
  -- Where the AE's Slack message is, so the outcome buttons update it in place.
  slack_channel   text,
  slack_ts        text,
  outcome_by      text,
  outcome_at      timestamptz,
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  CHECK ((status = 'pending') = (outcome_at IS NULL))
);
CREATE INDEX handoffs_lead_idx ON handoffs (lead_id);
CREATE INDEX handoffs_ae_idx ON handoffs (ae, status);

-- Named counters (round-robin turns of owners and AEs), so turns survive restarts.
CREATE TABLE desk_counters (
  name   text PRIMARY KEY,
  value  bigint NOT NULL
);

-- The candidate card lists an account's other contacts: the first query that reads leads by account
-- (migration 0001 left the index out until one did).
CREATE INDEX leads_account_idx ON leads (account_id) WHERE account_id IS NOT NULL;
