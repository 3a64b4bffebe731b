-- Deleting a project keeps its rows as a tombstone (deleted_at set), so no
-- row id is ever handed out again: cached proxies, the renderer and file URLs
-- key pixels by version, run and sample id. Its stored pixels do go:
-- blob_sweep queues their hashes until nothing live refers to them and the
-- file has not been touched recently (a put of the same content may be about
-- to insert a row that refers to it).
ALTER TABLE projects ADD COLUMN deleted_at TEXT;
CREATE TABLE blob_sweep (
  hash       TEXT PRIMARY KEY,
  queued_at  TEXT NOT NULL
);
