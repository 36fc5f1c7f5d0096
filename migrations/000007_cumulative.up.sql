-- Whether an indicator's value accumulates over the year (a count of events:
-- compared pro rata at in-year monitoring) or is a point-in-time value.
ALTER TABLE indicators ADD COLUMN cumulative boolean NOT NULL DEFAULT false;
