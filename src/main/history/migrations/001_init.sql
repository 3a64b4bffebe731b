-- History v1: projects, images, masks, runs, samples, versions.
-- Pixels live in the content-addressed store; rows keep hashes and metadata.

CREATE TABLE projects (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE images (
  id            INTEGER PRIMARY KEY,
  project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  file_name     TEXT NOT NULL,
  source_path   TEXT,
  content_hash  TEXT NOT NULL,
  format        TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'tiff')),
  width         INTEGER NOT NULL CHECK (width > 0),
  height        INTEGER NOT NULL CHECK (height > 0),
  bit_depth     INTEGER NOT NULL CHECK (bit_depth IN (8, 16)),
  channels      INTEGER NOT NULL CHECK (channels IN (3, 4)),
  orientation   INTEGER NOT NULL DEFAULT 1,
  has_icc       INTEGER NOT NULL DEFAULT 0,
  bytes         INTEGER NOT NULL,
  created_at    TEXT NOT NULL
);
CREATE INDEX images_project ON images(project_id);

CREATE TABLE masks (
  id            INTEGER PRIMARY KEY,
  image_id      INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  content_hash  TEXT NOT NULL,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  coverage      REAL NOT NULL,
  created_at    TEXT NOT NULL
);

CREATE TABLE versions (
  id            INTEGER PRIMARY KEY,
  project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  parent_id     INTEGER REFERENCES versions(id),
  run_id        INTEGER REFERENCES runs(id),
  sample_id     INTEGER REFERENCES samples(id),
  label         TEXT NOT NULL,
  created_at    TEXT NOT NULL
);
CREATE INDEX versions_project ON versions(project_id);

CREATE TABLE runs (
  id               INTEGER PRIMARY KEY,
  project_id       INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  base_version_id  INTEGER NOT NULL REFERENCES versions(id),
  mask_id          INTEGER NOT NULL REFERENCES masks(id),
  method           TEXT NOT NULL,
  params_json      TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
  error            TEXT,
  device           TEXT NOT NULL,
  started_at       TEXT NOT NULL,
  finished_at      TEXT,
  timings_json     TEXT
);
CREATE INDEX runs_project ON runs(project_id);

CREATE TABLE samples (
  id            INTEGER PRIMARY KEY,
  run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  idx           INTEGER NOT NULL,
  seed          INTEGER NOT NULL,
  -- The sample is stored as a crop of the changed region, not a full frame.
  content_hash  TEXT NOT NULL,
  x             INTEGER NOT NULL,
  y             INTEGER NOT NULL,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  millis        INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  UNIQUE (run_id, idx)
);
