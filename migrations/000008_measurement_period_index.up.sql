-- The dashboard cache reads count and last update of a period's measurements on
-- every view: an index on (period_id, updated_at) answers it from the index.
CREATE INDEX measurements_period_updated_idx ON measurements (period_id, updated_at);
