-- Autosaved mask drafts: the mask being painted, one per project, so a crash
-- or a reload never loses a careful selection.
CREATE TABLE mask_drafts (
  project_id    INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  version_id    INTEGER NOT NULL REFERENCES versions(id),
  content_hash  TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
