-- Back to one validation row per year (the current one; the history of
-- corrected and withdrawn decisions is lost) and to one rules row per plan
-- (the latest version).
DELETE FROM relazione_validations WHERE ended_at IS NOT NULL;
DROP INDEX IF EXISTS relazione_validations_history;
DROP INDEX IF EXISTS relazione_validations_current;
ALTER TABLE relazione_validations
    DROP COLUMN id, DROP COLUMN ended_at, DROP COLUMN ended_by, DROP COLUMN end_kind, DROP COLUMN end_reason;
ALTER TABLE relazione_validations ADD PRIMARY KEY (plan_id, year);

ALTER TABLE scoring_rules
    ADD COLUMN cap              numeric NOT NULL DEFAULT 100 CHECK (cap BETWEEN 100 AND 1000),
    ADD COLUMN min_threshold    numeric NOT NULL DEFAULT 0 CHECK (min_threshold >= 0 AND min_threshold < 100),
    ADD COLUMN lte_rule         text NOT NULL DEFAULT 'ratio' CHECK (lte_rule IN ('ratio', 'linear')),
    ADD COLUMN objective_rule   text NOT NULL DEFAULT 'weighted_mean' CHECK (objective_rule IN ('weighted_mean', 'all_met')),
    ADD COLUMN full_band        numeric NOT NULL DEFAULT 100,
    ADD COLUMN partial_band     numeric NOT NULL DEFAULT 80,
    ADD COLUMN results_share    numeric NOT NULL DEFAULT 70,
    ADD COLUMN behaviour_share  numeric NOT NULL DEFAULT 30,
    ADD COLUMN individual_bands jsonb NOT NULL DEFAULT '[{"min": 90, "label": "Eccellente"}, {"min": 75, "label": "Buono"}, {"min": 60, "label": "Adeguato"}, {"min": 0, "label": "Non adeguato"}]',
    ADD CHECK (partial_band > 0 AND partial_band <= full_band AND full_band <= cap),
    ADD CHECK (results_share >= 0 AND behaviour_share >= 0 AND results_share + behaviour_share = 100),
    ADD CHECK (jsonb_typeof(individual_bands) = 'array' AND jsonb_array_length(individual_bands) > 0);
UPDATE scoring_rules r SET cap = v.cap, min_threshold = v.min_threshold, lte_rule = v.lte_rule, objective_rule = v.objective_rule,
    full_band = v.full_band, partial_band = v.partial_band, results_share = v.results_share,
    behaviour_share = v.behaviour_share, individual_bands = v.individual_bands
FROM (SELECT DISTINCT ON (plan_id) * FROM scoring_rule_versions ORDER BY plan_id, version_no DESC) v
WHERE v.plan_id = r.plan_id;
DROP TABLE scoring_rule_versions;
