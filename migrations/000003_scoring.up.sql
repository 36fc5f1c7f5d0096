-- Scoring: the per-plan rules (SMVP), monitoring periods, measurements (actuals)
-- and the evaluators' behaviour scores for individual scorecards.

-- One row per plan; the defaults are those of docs/DESIGN.md §4.
CREATE TABLE scoring_rules (
    plan_id          bigint PRIMARY KEY REFERENCES plans (id) ON DELETE CASCADE,
    cap              numeric NOT NULL DEFAULT 100 CHECK (cap BETWEEN 100 AND 1000),
    min_threshold    numeric NOT NULL DEFAULT 0 CHECK (min_threshold >= 0 AND min_threshold < 100),
    lte_rule         text NOT NULL DEFAULT 'ratio' CHECK (lte_rule IN ('ratio', 'linear')),
    objective_rule   text NOT NULL DEFAULT 'weighted_mean' CHECK (objective_rule IN ('weighted_mean', 'all_met')),
    full_band        numeric NOT NULL DEFAULT 100,
    partial_band     numeric NOT NULL DEFAULT 80,
    results_share    numeric NOT NULL DEFAULT 70,
    behaviour_share  numeric NOT NULL DEFAULT 30,
    individual_bands jsonb NOT NULL DEFAULT '[{"min": 90, "label": "Eccellente"}, {"min": 75, "label": "Buono"}, {"min": 60, "label": "Adeguato"}, {"min": 0, "label": "Non adeguato"}]',
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (partial_band > 0 AND partial_band <= full_band AND full_band <= cap),
    CHECK (results_share >= 0 AND behaviour_share >= 0 AND results_share + behaviour_share = 100),
    CHECK (jsonb_typeof(individual_bands) = 'array' AND jsonb_array_length(individual_bands) > 0)
);
INSERT INTO scoring_rules (plan_id) SELECT id FROM plans;

-- Indicator weights inside their objective (default 1: equal weights).
ALTER TABLE indicators ADD COLUMN weight numeric NOT NULL DEFAULT 1 CHECK (weight > 0);

-- Objectives a derived indicator aggregates by name (a named set), besides kinds.
CREATE TABLE indicator_objective_refs (
    indicator_id bigint NOT NULL,
    objective_id bigint NOT NULL,
    plan_id      bigint NOT NULL,
    position     int NOT NULL,
    PRIMARY KEY (indicator_id, objective_id),
    FOREIGN KEY (indicator_id, plan_id) REFERENCES indicators (id, plan_id) ON DELETE CASCADE,
    FOREIGN KEY (objective_id, plan_id) REFERENCES objectives (id, plan_id) ON DELETE CASCADE
);

-- Monitoring periods: 30 June (in-year monitoring) and 31 December (final) by default.
CREATE TABLE periods (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id        bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    year           int NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('midyear', 'final')),
    ends_on        date NOT NULL,
    entry_deadline date,
    closed_at      timestamptz,
    closed_by      text NOT NULL DEFAULT '',
    UNIQUE (plan_id, year, kind),
    UNIQUE (id, plan_id),
    CHECK (extract(year FROM ends_on) = year)
);

-- Actuals. Direct and SI/NO indicators have value; computed ones have their
-- inputs (keys as in indicator_inputs) and never a typed result; derived ones
-- are never stored (the engine computes them).
CREATE TABLE measurements (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id        bigint NOT NULL,
    indicator_id   bigint NOT NULL,
    period_id      bigint NOT NULL,
    value          numeric,
    inputs         jsonb NOT NULL DEFAULT '{}',
    not_applicable boolean NOT NULL DEFAULT false,
    reason         text NOT NULL DEFAULT '',
    note           text NOT NULL DEFAULT '',
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    demo           boolean NOT NULL DEFAULT false,
    version        int NOT NULL DEFAULT 1 CHECK (version >= 1),
    author         text NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (indicator_id, period_id),
    FOREIGN KEY (indicator_id, plan_id) REFERENCES indicators (id, plan_id) ON DELETE CASCADE,
    FOREIGN KEY (period_id, plan_id) REFERENCES periods (id, plan_id) ON DELETE CASCADE,
    CHECK (jsonb_typeof(inputs) = 'object'),
    -- not applicable: a reason and nothing else; otherwise a value or inputs
    CHECK (NOT not_applicable OR (btrim(reason) <> '' AND value IS NULL AND inputs = '{}')),
    CHECK (not_applicable OR value IS NOT NULL OR inputs <> '{}')
);
-- Plans loaded before this migration get the default periods too.
INSERT INTO periods (plan_id, year, kind, ends_on, entry_deadline)
SELECT p.id, y, k.kind, make_date(y, k.m, k.d), CASE k.kind WHEN 'midyear' THEN make_date(y, 7, 31) ELSE make_date(y + 1, 1, 31) END
FROM plans p CROSS JOIN LATERAL generate_series(p.start_year, p.end_year) AS y
CROSS JOIN (VALUES ('midyear', 6, 30), ('final', 12, 31)) AS k (kind, m, d);

CREATE INDEX measurements_period_idx ON measurements (period_id);

-- The evaluator's behaviour score (0–100) of a role for a year.
CREATE TABLE behaviour_scores (
    plan_id   bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    role_id   bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    year      int NOT NULL,
    score     numeric NOT NULL CHECK (score BETWEEN 0 AND 100),
    evaluator text NOT NULL,
    note      text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, role_id, year)
);
