-- Email sequences: versioned definitions, enrolments, the outbox that makes every send exactly-once,
-- per-day send quotas, raw inbound mail and the qualifications it produced. Times come from the
-- application's Clock (parameters), never now(), so the simulator runs on virtual time.

-- A sequence file loaded into the store. An edit is a new version; enrolments keep the version they
-- started on unless moved on purpose.
CREATE TABLE sequences (
  id          text NOT NULL CHECK (id ~ '^[a-z0-9][a-z0-9-]*$'),
  version     integer NOT NULL CHECK (version >= 1),
  kind        text NOT NULL CHECK (kind IN ('inbound', 'outbound', 'nurture')),
  name        text NOT NULL,
  definition  jsonb NOT NULL,
  checksum    text NOT NULL,
  source      text,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (id, version)
);

CREATE TABLE enrolments (
  id                 uuid PRIMARY KEY,
  lead_id            uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  sequence_id        text NOT NULL,
  sequence_version   integer NOT NULL,
  status             text NOT NULL CHECK (status IN ('active', 'paused', 'completed', 'stopped')),
  -- The step to run next (index into the definition's steps).
  step_index         integer NOT NULL DEFAULT 0 CHECK (step_index >= 0),
  -- Outbox rows created so far; the next one's key is '<enrolment>:<outbox_seq>'.
  outbox_seq         integer NOT NULL DEFAULT 0,
  -- The email of the current step, written but not yet accepted by SMTP.
  pending_outbox_id  uuid,
  mailbox            text NOT NULL,
  -- Random and unguessable: the reply address reply+<token>@<reply domain> and the unsubscribe link.
  reply_token        text NOT NULL UNIQUE,
  conversation_id    uuid,
  paused_until       timestamptz,
  pause_reason       text,
  soft_bounces       integer NOT NULL DEFAULT 0,
  last_intent        text,
  stop_reason        text,
  enrolled_by        text NOT NULL,
  started_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  ended_at           timestamptz,
  FOREIGN KEY (sequence_id, sequence_version) REFERENCES sequences (id, version)
);
-- One active (or paused) sequence per lead.
CREATE UNIQUE INDEX enrolments_one_live_idx ON enrolments (lead_id) WHERE status IN ('active', 'paused');
CREATE INDEX enrolments_lead_idx ON enrolments (lead_id, started_at);
CREATE INDEX enrolments_sequence_idx ON enrolments (sequence_id, status);

-- Written before the SMTP call: the unique step_key makes a step's email exist once, whatever retries.
CREATE TABLE outbox (
  id             uuid PRIMARY KEY,
  step_key       text NOT NULL UNIQUE,
  enrolment_id   uuid REFERENCES enrolments(id) ON DELETE CASCADE,
  lead_id        uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  sequence_id    text,
  step_index     integer,
  step_id        text,
  mailbox        text NOT NULL,
  to_address     text NOT NULL,
  message_id     text NOT NULL UNIQUE,
  email          jsonb NOT NULL,
  -- Sent whatever the hour (a reply to a form the person has just sent).
  immediate      boolean NOT NULL DEFAULT false,
  status         text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
  attempts       integer NOT NULL DEFAULT 0,
  not_before     timestamptz NOT NULL,
  last_error     text,
  smtp_response  text,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  sent_at        timestamptz
);
CREATE INDEX outbox_enrolment_idx ON outbox (enrolment_id, created_at);
CREATE INDEX outbox_lead_idx ON outbox (lead_id, created_at);
CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE status = 'sent';

-- Caps: messages taken per scope ('mailbox:<address>', 'sequence:<id>') per local day, reserved in the
-- same transaction that marks a message as sending; last_at spaces sends out.
CREATE TABLE send_quota (
  scope    text NOT NULL,
  day      date NOT NULL,
  used     integer NOT NULL DEFAULT 0 CHECK (used >= 0),
  last_at  timestamptz,
  PRIMARY KEY (scope, day)
);

-- Every inbound message as received, kept until processed (and after, for audit and replays).
CREATE TABLE inbound_mail (
  id            uuid PRIMARY KEY,
  sha256        text NOT NULL UNIQUE,
  message_id    text,
  via           text NOT NULL CHECK (via IN ('smtp', 'imap', 'http', 'simulator')),
  envelope      jsonb NOT NULL DEFAULT '{}'::jsonb,
  raw           bytea NOT NULL,
  status        text NOT NULL CHECK (status IN ('received', 'processed', 'failed')),
  kind          text,
  lead_id       uuid REFERENCES leads(id) ON DELETE CASCADE,
  enrolment_id  uuid REFERENCES enrolments(id) ON DELETE SET NULL,
  outcome       jsonb,
  error         text,
  received_at   timestamptz NOT NULL,
  processed_at  timestamptz
);
CREATE INDEX inbound_mail_lead_idx ON inbound_mail (lead_id, received_at);

-- What the qualification engine said about each inbound message of a lead.
CREATE TABLE qualifications (
  id             bigserial PRIMARY KEY,
  lead_id        uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  message_id     uuid REFERENCES messages(id) ON DELETE CASCADE,
  intent         text NOT NULL,
  score          integer NOT NULL,
  mql            boolean NOT NULL,
  route          text,
  qualification  jsonb NOT NULL,
  at             timestamptz NOT NULL
);
CREATE INDEX qualifications_lead_idx ON qualifications (lead_id, at);
