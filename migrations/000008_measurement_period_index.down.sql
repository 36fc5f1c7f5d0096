DROP INDEX IF EXISTS measurements_period_updated_idx;
