-- OIV work: what each plan revision states (for the diff between any two) and
-- from when it governs (periods are scored against the revision in force at
-- their end), the OIV's observations on objectives and indicators, and the
-- validation outcome of each year's Relazione sulla performance.

ALTER TABLE revisions
    ADD COLUMN in_force_from  date,
    ADD COLUMN in_force_text  text NOT NULL DEFAULT '',
    ADD COLUMN reconstructed  boolean NOT NULL DEFAULT false,
    -- revision.Content: objectives, texts, indicators and targets as the revision states them
    ADD COLUMN content        jsonb,
    -- plan.Change list: what this revision changed in the previous one, with reasons
    ADD COLUMN changes        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(changes) = 'array');

CREATE TABLE oiv_observations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id       bigint NOT NULL,
    year          int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    objective_id  bigint NOT NULL,
    indicator_id  bigint,
    body          text NOT NULL CHECK (btrim(body) <> '' AND length(body) <= 4000),
    author        text NOT NULL CHECK (btrim(author) <> ''),
    created_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (objective_id, plan_id) REFERENCES objectives (id, plan_id) ON DELETE CASCADE,
    FOREIGN KEY (indicator_id, plan_id) REFERENCES indicators (id, plan_id) ON DELETE CASCADE
);
CREATE INDEX oiv_observations_plan_idx ON oiv_observations (plan_id, year);

-- One outcome per plan year; a new decision replaces the old one (the audit
-- trail keeps both).
CREATE TABLE relazione_validations (
    plan_id        bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    year           int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    outcome        text NOT NULL CHECK (outcome IN ('validata', 'validata_con_riserva', 'non_validata')),
    decided_on     date NOT NULL,
    act_reference  text NOT NULL DEFAULT '' CHECK (length(act_reference) <= 200),
    notes          text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    document_name  text NOT NULL CHECK (btrim(document_name) <> ''),
    document_type  text NOT NULL,
    document       bytea NOT NULL CHECK (length(document) > 0),
    document_sha256 text NOT NULL,
    author         text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, year),
    CHECK (outcome = 'validata' OR btrim(notes) <> '')
);
