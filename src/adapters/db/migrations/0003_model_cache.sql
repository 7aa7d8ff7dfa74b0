-- Model answers kept by a digest of everything the model saw (model, prompt version, messages), so
-- the same message is never paid for twice, across restarts and processes.
CREATE TABLE model_answer_cache (
  key             text PRIMARY KEY,
  model           text NOT NULL,
  prompt_version  text NOT NULL,
  answer          jsonb NOT NULL,
  usage           jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
