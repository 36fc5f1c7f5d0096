-- Issue 14, "Guards on every irreversible or public step".
--
-- 1. Scoring rules are versioned by year. A change applies from a chosen year
--    onwards and never rewrites a year whose Relazione is validated: the rules
--    of year Y are the version with the greatest version_no among those with
--    from_year <= Y. The existing rules become version 1, in force from the
--    plan's first year. scoring_rules keeps the plan's settings that are not
--    the method (show_submitted_midyear) and the form version (bumped by every
--    change, so a stale form is refused).
CREATE TABLE scoring_rule_versions (
    plan_id          bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    version_no       int NOT NULL CHECK (version_no >= 1),
    from_year        int NOT NULL CHECK (from_year BETWEEN 2000 AND 2100),
    cap              numeric NOT NULL DEFAULT 100 CHECK (cap BETWEEN 100 AND 1000),
    min_threshold    numeric NOT NULL DEFAULT 0 CHECK (min_threshold >= 0 AND min_threshold < 100),
    lte_rule         text NOT NULL DEFAULT 'ratio' CHECK (lte_rule IN ('ratio', 'linear')),
    objective_rule   text NOT NULL DEFAULT 'weighted_mean' CHECK (objective_rule IN ('weighted_mean', 'all_met')),
    full_band        numeric NOT NULL DEFAULT 100,
    partial_band     numeric NOT NULL DEFAULT 80,
    results_share    numeric NOT NULL DEFAULT 70,
    behaviour_share  numeric NOT NULL DEFAULT 30,
    individual_bands jsonb NOT NULL DEFAULT '[{"min": 90, "label": "Eccellente"}, {"min": 75, "label": "Buono"}, {"min": 60, "label": "Adeguato"}, {"min": 0, "label": "Non adeguato"}]',
    reason           text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    created_by       text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, version_no),
    CHECK (partial_band > 0 AND partial_band <= full_band AND full_band <= cap),
    CHECK (results_share >= 0 AND behaviour_share >= 0 AND results_share + behaviour_share = 100),
    CHECK (jsonb_typeof(individual_bands) = 'array' AND jsonb_array_length(individual_bands) > 0)
);

INSERT INTO scoring_rule_versions (plan_id, version_no, from_year, cap, min_threshold, lte_rule, objective_rule, full_band,
    partial_band, results_share, behaviour_share, individual_bands, created_at)
SELECT r.plan_id, 1, p.start_year, r.cap, r.min_threshold, r.lte_rule, r.objective_rule, r.full_band, r.partial_band,
    r.results_share, r.behaviour_share, r.individual_bands, r.updated_at
FROM scoring_rules r JOIN plans p ON p.id = r.plan_id;

ALTER TABLE scoring_rules
    DROP COLUMN cap, DROP COLUMN min_threshold, DROP COLUMN lte_rule, DROP COLUMN objective_rule,
    DROP COLUMN full_band, DROP COLUMN partial_band, DROP COLUMN results_share, DROP COLUMN behaviour_share,
    DROP COLUMN individual_bands;

-- 2. The OIV's decisions on a year's Relazione are a history, not a row that
--    a new decision silently replaces. Every decision keeps its row and its
--    document; the current one has ended_at NULL. A correction ends the
--    current decision ('corrected', with the reason) and adds the new one; a
--    withdrawal ends it ('withdrawn', with the reason) and adds nothing, so
--    the year is no longer validated.
ALTER TABLE relazione_validations DROP CONSTRAINT relazione_validations_pkey;
ALTER TABLE relazione_validations
    ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ADD COLUMN ended_at timestamptz,
    ADD COLUMN ended_by text NOT NULL DEFAULT '',
    ADD COLUMN end_kind text CHECK (end_kind IN ('corrected', 'withdrawn')),
    ADD COLUMN end_reason text NOT NULL DEFAULT '' CHECK (length(end_reason) <= 4000),
    ADD CHECK ((ended_at IS NULL) = (end_kind IS NULL)),
    ADD CHECK (end_kind IS NULL OR btrim(end_reason) <> '');
CREATE UNIQUE INDEX relazione_validations_current ON relazione_validations (plan_id, year) WHERE ended_at IS NULL;
CREATE INDEX relazione_validations_history ON relazione_validations (plan_id, year, created_at);
