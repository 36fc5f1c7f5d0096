-- A difference indicator may take its benchmark input from another ente's
-- indicator (the reference plan compares its payment timeliness with the
-- CCIAA di Chieti-Pescara's): named by slugs and key, resolved when scoring,
-- so either ente can be loaded or replaced first.
ALTER TABLE indicators
    ADD COLUMN benchmark_ente      text,
    ADD COLUMN benchmark_plan      text,
    ADD COLUMN benchmark_indicator text,
    ADD CONSTRAINT indicators_benchmark_all_or_none CHECK (
        (benchmark_ente IS NULL) = (benchmark_plan IS NULL) AND (benchmark_plan IS NULL) = (benchmark_indicator IS NULL)),
    ADD CONSTRAINT indicators_benchmark_difference CHECK (benchmark_ente IS NULL OR formula = 'difference');
CREATE INDEX indicators_benchmark_idx ON indicators (benchmark_ente, benchmark_plan, benchmark_indicator) WHERE benchmark_ente IS NOT NULL;
