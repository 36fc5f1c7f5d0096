ALTER TABLE measurements DROP COLUMN benchmark_used;
