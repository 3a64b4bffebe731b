-- What a run was started for: 'fill' (the Fill button, the CLI) or
-- 'spot-heal' (a one-click heal); it names the versions the run makes.
-- Runs from before this migration were all recorded as fills.
ALTER TABLE runs ADD COLUMN purpose TEXT NOT NULL DEFAULT 'fill' CHECK (purpose IN ('fill', 'spot-heal'));
