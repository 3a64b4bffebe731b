-- The autosaved draft also keeps the exclusion mask ("protect from sampling"),
-- when one was painted. NULL: no exclusion mask.
ALTER TABLE mask_drafts ADD COLUMN exclusion_hash TEXT;
