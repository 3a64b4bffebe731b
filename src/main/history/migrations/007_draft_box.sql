-- Drafts are saved as their bounding boxes, like fill masks (005): each
-- layer's PNG is its box, placed at (x, y) on the photo. A NULL hash is a
-- layer left empty (a draft of the exclusion mask alone has no fill mask);
-- its box is then 0 × 0. Drafts saved before this migration are whole-frame
-- PNGs: their box is the whole frame. SQLite cannot drop content_hash's
-- NOT NULL in place, so the table is rebuilt.
CREATE TABLE mask_drafts_boxed (
  project_id        INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  version_id        INTEGER NOT NULL REFERENCES versions(id),
  content_hash      TEXT,
  box_x             INTEGER NOT NULL DEFAULT 0,
  box_y             INTEGER NOT NULL DEFAULT 0,
  box_width         INTEGER NOT NULL DEFAULT 0,
  box_height        INTEGER NOT NULL DEFAULT 0,
  exclusion_hash    TEXT,
  exclusion_x       INTEGER NOT NULL DEFAULT 0,
  exclusion_y       INTEGER NOT NULL DEFAULT 0,
  exclusion_width   INTEGER NOT NULL DEFAULT 0,
  exclusion_height  INTEGER NOT NULL DEFAULT 0,
  updated_at        TEXT NOT NULL
);
INSERT INTO mask_drafts_boxed (project_id, version_id, content_hash, box_width, box_height,
    exclusion_hash, exclusion_width, exclusion_height, updated_at)
  SELECT d.project_id, d.version_id, d.content_hash, i.width, i.height,
    d.exclusion_hash, CASE WHEN d.exclusion_hash IS NULL THEN 0 ELSE i.width END,
    CASE WHEN d.exclusion_hash IS NULL THEN 0 ELSE i.height END, d.updated_at
  FROM mask_drafts d
  JOIN images i ON i.id = (SELECT MIN(id) FROM images WHERE project_id = d.project_id);
DROP TABLE mask_drafts;
ALTER TABLE mask_drafts_boxed RENAME TO mask_drafts;
