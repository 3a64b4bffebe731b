-- Fill requests send the mask as its bounding box, and the stored PNG is that
-- box, placed at (box_x, box_y) on the width × height photo. Masks stored
-- before this migration are whole-frame PNGs: their box is the whole frame.
ALTER TABLE masks ADD COLUMN box_x INTEGER NOT NULL DEFAULT 0;
ALTER TABLE masks ADD COLUMN box_y INTEGER NOT NULL DEFAULT 0;
ALTER TABLE masks ADD COLUMN box_width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE masks ADD COLUMN box_height INTEGER NOT NULL DEFAULT 0;
UPDATE masks SET box_width = width, box_height = height;
