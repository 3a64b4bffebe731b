-- Batch folder jobs and their items. An item is claimed ('running') before
-- work starts and finished ('done'/'failed'/'skipped') after its output was
-- renamed into place, so a killed process leaves at most the item in flight.

CREATE TABLE batch_jobs (
  id            INTEGER PRIMARY KEY,
  input_dir     TEXT NOT NULL,
  output_dir    TEXT NOT NULL,
  options_json  TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('running', 'paused', 'cancelled', 'done')),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  finished_at   TEXT
);

CREATE TABLE batch_items (
  id            INTEGER PRIMARY KEY,
  job_id        INTEGER NOT NULL REFERENCES batch_jobs(id) ON DELETE CASCADE,
  rel_path      TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'skipped')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  error_code    TEXT,
  error         TEXT,
  input_hash    TEXT,
  output_path   TEXT,
  output_hash   TEXT,
  millis        INTEGER,
  started_at    TEXT,
  finished_at   TEXT,
  UNIQUE (job_id, rel_path)
);
CREATE INDEX batch_items_job_status ON batch_items(job_id, status);
