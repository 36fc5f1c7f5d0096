DROP INDEX IF EXISTS targets_plan_year_idx;
