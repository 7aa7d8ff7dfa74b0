-- Baton's foundation schema: accounts, leads, attribution, lifecycle, consent and suppression,
-- conversations, audit log, embeddings. Runs unchanged on PGlite (PostgreSQL 18) and PostgreSQL 15.

CREATE EXTENSION IF NOT EXISTS vector;

-- A company, keyed by its email/web domain.
CREATE TABLE accounts (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  domain      text NOT NULL UNIQUE CHECK (domain = lower(domain) AND domain <> ''),
  name        text,
  industry    text,
  employees   integer CHECK (employees IS NULL OR employees >= 0),
  country     text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A person. `email` is normalised (trimmed, lower-cased) and unique. The store gives ids time-ordered
-- (UUIDv7), so the primary key grows at its right edge; the default serves rows written by hand.
CREATE TABLE leads (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email             text NOT NULL UNIQUE CHECK (email = lower(email) AND position('@' in email) > 1),
  email_domain      text NOT NULL,
  account_id        uuid,
  first_name        text,
  last_name         text,
  full_name         text,
  title             text,
  company           text,
  phone             text,
  country           text,
  time_zone         text,
  industry          text,
  employees         integer CHECK (employees IS NULL OR employees >= 0),
  owner             text,
  attributes        jsonb NOT NULL DEFAULT '{}'::jsonb,
  stage             text NOT NULL DEFAULT 'lead' CHECK (stage IN (
                      'lead', 'contacted', 'engaged', 'mql_candidate', 'mql', 'sql', 'opportunity', 'customer',
                      'nurture', 'disqualified', 'unsubscribed', 'bounced')),
  stage_changed_at  timestamptz NOT NULL DEFAULT now(),
  consent_status    text NOT NULL DEFAULT 'unknown' CHECK (consent_status IN ('unknown', 'granted', 'withdrawn')),
  consent_source    text,
  consent_at        timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  -- The touch that created the lead (its original source, for attribution), kept on the lead's own row
  -- so that a new lead costs one row: written once when the lead is inserted, never changed afterwards
  -- (leads_first_touch_kept below). Later touches go to lead_sources.
  first_channel     text,
  first_source      text,
  first_campaign    text,
  first_partner     text,
  first_detail      jsonb,
  first_touched_at  timestamptz
);
-- account_id is not a foreign key, and not indexed: the key's check on every inserted lead cost about a
-- fifth of an import, and no query reads leads by account yet. Accounts are never deleted (nothing in
-- Baton deletes one) and the store links only ids it has just read or created in the same transaction;
-- a later migration that deletes accounts or lists an account's leads adds the key or the index back.

CREATE FUNCTION baton_keep_first_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the first touch of lead % is kept forever: it cannot be changed', OLD.id;
END;
$$;
CREATE TRIGGER leads_first_touch_kept BEFORE UPDATE OF first_channel, first_source, first_campaign, first_partner, first_detail, first_touched_at ON leads
  FOR EACH ROW WHEN (OLD.first_touched_at IS NOT NULL AND
    (OLD.first_channel, OLD.first_source, OLD.first_campaign, OLD.first_partner, OLD.first_detail, OLD.first_touched_at)
    IS DISTINCT FROM (NEW.first_channel, NEW.first_source, NEW.first_campaign, NEW.first_partner, NEW.first_detail, NEW.first_touched_at))
  EXECUTE FUNCTION baton_keep_first_touch();

-- Every later touch that brought a lead back: import, web form, webhook, referral, event, partner.
-- Append-only. The first touch is on the lead itself (leads.first_*); the latest is the newest row here,
-- or the first touch when there is none.
CREATE TABLE lead_sources (
  id          bigserial PRIMARY KEY,
  lead_id     uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  channel     text NOT NULL,
  source      text NOT NULL,
  campaign    text,
  partner     text,
  detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
  touched_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lead_sources_lead_idx ON lead_sources (lead_id, touched_at);

-- The full history of lifecycle moves: who or what moved the lead, and why.
CREATE TABLE stage_transitions (
  id          bigserial PRIMARY KEY,
  lead_id     uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  from_stage  text,
  to_stage    text NOT NULL,
  actor       text NOT NULL,
  reason      text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stage_transitions_lead_idx ON stage_transitions (lead_id, at, id);

-- Never contact these. `value` is a normalised email or domain, or, for erased people, the
-- sha256 hex digest of the normalised email (value_hashed), so nothing personal is kept.
CREATE TABLE suppressions (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('email', 'domain')),
  value         text NOT NULL,
  value_hashed  boolean NOT NULL DEFAULT false,
  reason        text NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complained', 'erased', 'manual')),
  note          text,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, value)
);

CREATE TABLE conversations (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lead_id       uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  channel       text NOT NULL CHECK (channel IN ('email', 'chat', 'sms', 'webhook')),
  subject       text,
  external_ref  text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_lead_idx ON conversations (lead_id);

CREATE TABLE messages (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  conversation_id  uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  author           text NOT NULL CHECK (author IN ('lead', 'us', 'sdr', 'bot', 'system')),
  body_text        text NOT NULL,
  body_html        text,
  headers          jsonb NOT NULL DEFAULT '{}'::jsonb,
  message_id       text,
  at               timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, at);
CREATE UNIQUE INDEX messages_message_id_idx ON messages (message_id) WHERE message_id IS NOT NULL;

-- Append-only record of every decision and change. Holds ids, never email addresses or bodies.
CREATE TABLE audit_log (
  id            bigserial PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT now(),
  actor         text NOT NULL,
  action        text NOT NULL,
  subject_type  text NOT NULL,
  subject_id    text,
  data          jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id);

CREATE FUNCTION baton_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION baton_forbid_change();
-- History rows go only with their lead (GDPR erase); they are never edited.
CREATE TRIGGER lead_sources_append_only BEFORE UPDATE ON lead_sources
  FOR EACH ROW EXECUTE FUNCTION baton_forbid_change();
CREATE TRIGGER stage_transitions_append_only BEFORE UPDATE ON stage_transitions
  FOR EACH ROW EXECUTE FUNCTION baton_forbid_change();

-- Embeddings of conversations, knowledge passages and candidates. Dimensions vary by model, so the
-- column is untyped; each model gets an expression index at its own width (the offline one: 256).
CREATE TABLE embeddings (
  id            bigserial PRIMARY KEY,
  subject_type  text NOT NULL,
  subject_id    text NOT NULL,
  model         text NOT NULL,
  dims          integer NOT NULL CHECK (dims > 0),
  content_hash  text NOT NULL,
  embedding     vector NOT NULL CHECK (vector_dims(embedding) = dims),
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subject_type, subject_id, model)
);
CREATE INDEX embeddings_offline256_idx ON embeddings
  USING hnsw ((embedding::vector(256)) vector_cosine_ops) WHERE dims = 256;

-- Replays of POST requests carrying an Idempotency-Key return the first answer.
CREATE TABLE idempotency_keys (
  scope         text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  response      jsonb NOT NULL,
  status_code   integer NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
