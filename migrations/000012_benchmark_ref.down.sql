DROP INDEX indicators_benchmark_idx;
ALTER TABLE indicators DROP CONSTRAINT indicators_benchmark_difference, DROP CONSTRAINT indicators_benchmark_all_or_none,
    DROP COLUMN benchmark_indicator, DROP COLUMN benchmark_plan, DROP COLUMN benchmark_ente;
