-- A published PIAO read in the plan editor (issue 19) is kept here for
-- review before it becomes the draft: the plan document the parser built
-- (edited by the administrator on the review page) and the parser's
-- uncertain cells, each with the source line and text it came from. A
-- review is pending until it is turned into the draft ("Crea bozza",
-- status applied) or discarded; every change is an audit event.
CREATE TABLE plan_imports (
    id          bigserial PRIMARY KEY,
    ente_id     bigint NOT NULL REFERENCES enti (id) ON DELETE CASCADE,
    plan_id     bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    uploaded_by text NOT NULL,
    file_name   text NOT NULL CHECK (length(file_name) <= 300),
    document    jsonb NOT NULL,             -- plan.Document as read (then as reviewed)
    problems    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(problems) = 'array'),
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'discarded')),
    version     int NOT NULL DEFAULT 1,     -- optimistic locking of the review form
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_imports_plan_idx ON plan_imports (plan_id, status);
