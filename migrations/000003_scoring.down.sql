DROP TABLE IF EXISTS behaviour_scores;
DROP TABLE IF EXISTS measurements;
DROP TABLE IF EXISTS periods;
DROP TABLE IF EXISTS indicator_objective_refs;
ALTER TABLE indicators DROP COLUMN IF EXISTS weight;
DROP TABLE IF EXISTS scoring_rules;
