-- Why a diffusion run did not use a faster device: one line per execution
-- provider tried before the one in `device` (e.g. CUDA's libraries missing).
-- NULL: nothing was passed over, a PatchMatch run, or a run from before this
-- migration.
ALTER TABLE runs ADD COLUMN device_note TEXT;
