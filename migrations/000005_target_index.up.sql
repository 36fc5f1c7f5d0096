-- Scoring reads the targets of one plan and year; without this index it scans
-- the targets of every plan in the database (found by `make bench`).
CREATE INDEX targets_plan_year_idx ON targets (plan_id, year);
