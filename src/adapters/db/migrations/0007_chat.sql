-- Chat: website conversations with their policy state, the knowledge base that grounds answers,
-- draft answers to emailed questions, and the secrets the service keeps for itself. Times come from
-- the application's Clock (parameters), never now(), so the simulator runs on virtual time.

-- A website chat starts before anyone knows who the visitor is: its conversation has no lead until
-- the visitor gives an email, and then it joins that lead's one history (email and chat).
ALTER TABLE conversations ALTER COLUMN lead_id DROP NOT NULL;

-- Chat messages are numbered within their conversation, so a reconnecting widget asks for what it
-- missed (SSE Last-Event-ID) and a transcript has one order.
ALTER TABLE messages ADD COLUMN seq integer CHECK (seq IS NULL OR seq >= 1);
CREATE UNIQUE INDEX messages_conversation_seq_idx ON messages (conversation_id, seq) WHERE seq IS NOT NULL;

-- One website chat. `state` is the conversation policy's memory (what was asked, how many questions,
-- what was offered); `qualification` the accumulated qualification. Both are internal: the visitor
-- never sees them. `mode` is who answers: the bot, or a person who took the conversation over.
CREATE TABLE chat_sessions (
  id                uuid PRIMARY KEY,
  conversation_id   uuid NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE,
  lead_id           uuid REFERENCES leads(id) ON DELETE SET NULL,
  lang              text NOT NULL CHECK (lang IN ('en', 'zh')),
  page              text,
  state             jsonb NOT NULL DEFAULT '{}'::jsonb,
  qualification     jsonb,
  mode              text NOT NULL DEFAULT 'bot' CHECK (mode IN ('bot', 'human')),
  taken_by          text,
  taken_at          timestamptz,
  -- Counters for the input limits, and the last message number handed out.
  visitor_messages  integer NOT NULL DEFAULT 0 CHECK (visitor_messages >= 0),
  last_seq          integer NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  -- The Slack thread that mirrors the conversation (the card's thread once there is a card), and
  -- the last message number mirrored there.
  slack_channel     text,
  slack_ts          text,
  mirrored_seq      integer NOT NULL DEFAULT 0 CHECK (mirrored_seq >= 0),
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  last_visitor_at   timestamptz
);
CREATE INDEX chat_sessions_lead_idx ON chat_sessions (lead_id, updated_at) WHERE lead_id IS NOT NULL;
-- Not unique: a returning visitor's later chats share their candidate card's thread; a reply there
-- goes to the most recently active one.
CREATE INDEX chat_sessions_thread_idx ON chat_sessions (slack_channel, slack_ts) WHERE slack_ts IS NOT NULL;
CREATE INDEX chat_sessions_human_idx ON chat_sessions (taken_by) WHERE mode = 'human';

-- The knowledge base: Markdown files the team writes (product, pricing policy, security,
-- integrations), split into passages. A passage's vector is in `embeddings` (subject_type
-- 'kb_passage', subject_id = passage id), one per embedding model.
CREATE TABLE kb_documents (
  id         text PRIMARY KEY CHECK (id <> ''),
  title      text NOT NULL,
  sha256     text NOT NULL,
  loaded_at  timestamptz NOT NULL
);
CREATE TABLE kb_passages (
  id           text PRIMARY KEY,
  document_id  text NOT NULL REFERENCES kb_documents(id) ON DELETE CASCADE,
  ord          integer NOT NULL CHECK (ord >= 0),
  -- Where the passage sits: "Security > Data residency", and the heading's anchor for a link.
  heading      text NOT NULL,
  anchor       text,
  body         text NOT NULL,
  UNIQUE (document_id, ord)
);

-- A grounded draft answer to a question a lead asked by email, for an SDR to send, edit or discard.
-- `answer` is null when nothing relevant was found (a person answers instead).
CREATE TABLE reply_drafts (
  id            uuid PRIMARY KEY,
  lead_id       uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  message_id    uuid REFERENCES messages(id) ON DELETE CASCADE,
  candidate_id  uuid REFERENCES candidates(id) ON DELETE SET NULL,
  question      text NOT NULL,
  answer        text,
  sources       jsonb NOT NULL DEFAULT '[]'::jsonb,
  status        text NOT NULL CHECK (status IN ('proposed', 'sent', 'discarded')),
  sent_text     text,
  decided_by    text,
  decided_at    timestamptz,
  created_at    timestamptz NOT NULL
);
CREATE INDEX reply_drafts_lead_idx ON reply_drafts (lead_id, created_at);
CREATE UNIQUE INDEX reply_drafts_message_idx ON reply_drafts (message_id) WHERE message_id IS NOT NULL;

-- Secrets the service makes for itself when none is configured (the chat token key on embedded
-- defaults), so they survive a restart.
CREATE TABLE service_secrets (
  name        text PRIMARY KEY,
  value       text NOT NULL,
  created_at  timestamptz NOT NULL
);
