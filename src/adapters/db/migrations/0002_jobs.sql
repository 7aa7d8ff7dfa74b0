-- Durable jobs for Baton's own queue (src/adapters/queue): claimed with FOR UPDATE SKIP LOCKED under a
-- lease, so several worker processes can share a server database and the embedded PGlite works too.
-- Every time here (run_at, locked_until, created_at...) is written from the application's Clock, never
-- from now(), so tests and the simulator can run the queue on virtual time.

CREATE TABLE jobs (
  id            bigserial PRIMARY KEY,
  task          text NOT NULL CHECK (task <> ''),
  payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Optional dedupe key chosen by the caller, e.g. 'send:<enrolment>:<step>'. At most one QUEUED job
  -- holds a key; a running job does not block a new one (a job may schedule its own successor).
  key           text CHECK (key IS NULL OR key <> ''),
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  -- Higher runs first among due jobs.
  priority      integer NOT NULL DEFAULT 0,
  run_at        timestamptz NOT NULL,
  -- Claims so far, counting the running one; doubles as the fencing token of the current lease.
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts  integer NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
  locked_by     text,
  locked_until  timestamptz,
  last_error    text,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  CHECK (status <> 'running' OR (locked_by IS NOT NULL AND locked_until IS NOT NULL))
);

-- The claim query: due queued jobs, best priority first, then oldest.
CREATE INDEX jobs_due_idx ON jobs (priority DESC, run_at, id) WHERE status = 'queued';
-- Dedupe: one queued job per key; ON CONFLICT in addJobs() uses this index as its arbiter.
CREATE UNIQUE INDEX jobs_queued_key_idx ON jobs (key) WHERE status = 'queued' AND key IS NOT NULL;
-- The next moment anything becomes due (virtual-time runs jump the clock to it).
CREATE INDEX jobs_queued_run_at_idx ON jobs (run_at) WHERE status = 'queued';
-- Reclaiming leases of workers that died.
CREATE INDEX jobs_lease_idx ON jobs (locked_until) WHERE status = 'running';
-- Purging finished jobs.
CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE finished_at IS NOT NULL;
