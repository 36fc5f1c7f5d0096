-- The draft of the Relazione sulla performance of a plan year, written as
-- prose (issue 18): one row per plan and year. Its status goes bozza →
-- inviata (sent to the OIV: edits are locked) → validata (the OIV's decision
-- on the year froze it). Every write adds 1 to version, so a stale form is
-- refused (409).
CREATE TABLE relazione_drafts (
    plan_id      bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    year         int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    status       text NOT NULL DEFAULT 'bozza' CHECK (status IN ('bozza', 'inviata', 'validata')),
    version      int NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL CHECK (btrim(created_by) <> ''),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL CHECK (btrim(updated_by) <> ''),
    sent_at      timestamptz,
    sent_by      text NOT NULL DEFAULT '',
    validated_at timestamptz,
    PRIMARY KEY (plan_id, year),
    CHECK (status = 'bozza' OR sent_at IS NOT NULL),
    CHECK (status <> 'validata' OR validated_at IS NOT NULL)
);
