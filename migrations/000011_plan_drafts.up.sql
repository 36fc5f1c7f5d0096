-- Editing a plan in the browser: the administrator's changes collect in a
-- draft (the whole plan document as JSON) until they are adopted as a new
-- revision, in one transaction, or discarded. One draft per plan.
CREATE TABLE plan_drafts (
    plan_id        bigint PRIMARY KEY REFERENCES plans (id) ON DELETE CASCADE,
    base_seq       int NOT NULL,              -- the revision the draft started from
    label          text NOT NULL CHECK (btrim(label) <> '' AND length(label) <= 200),
    in_force_from  date NOT NULL,
    adopted_on     date,
    act_reference  text NOT NULL DEFAULT '' CHECK (length(act_reference) <= 200),
    reason         text NOT NULL CHECK (btrim(reason) <> '' AND length(reason) <= 2000),
    document       jsonb NOT NULL,            -- plan.Document without State
    version        int NOT NULL DEFAULT 1,    -- optimistic locking of concurrent edits
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
