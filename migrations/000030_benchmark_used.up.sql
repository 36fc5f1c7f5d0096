-- The other ente's value a difference measurement was compared with, kept
-- when a plan is imported into an installation without that ente (issue 20):
-- {"value": -5.7, "ente": "cciaa-chieti-pescara", "ente_name": "…",
--  "plan": "…", "indicator": "TP.1/1"}. The engine uses it when the live
-- value of that ente is absent, so the published figures do not change.
ALTER TABLE measurements ADD COLUMN benchmark_used jsonb
    CHECK (benchmark_used IS NULL OR jsonb_typeof(benchmark_used -> 'value') = 'number');
