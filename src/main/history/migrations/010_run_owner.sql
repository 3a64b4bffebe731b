-- The process that started a run. At start-up a process fails only the
-- "running" runs whose owner is gone: the CLI and the app share one data
-- folder, and neither may fail the other's fills in progress. NULL: a run
-- from before this migration (its owner is long gone).
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
