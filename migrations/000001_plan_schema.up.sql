-- The plan structure of a PIAO performance section: enti, plans and their revisions,
-- organisation (units and manager roles), areas, objectives of every kind, indicators with
-- baselines and targets, individual objectives, data-quality notes, and the audit trail.
-- Integrity lives here, not only in Go: foreign keys keep every child in its parent's plan,
-- check constraints keep the enumerations closed.

CREATE TABLE enti (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text NOT NULL CHECK (btrim(name) <> ''),
    short_name  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plans (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ente_id      bigint NOT NULL REFERENCES enti (id) ON DELETE CASCADE,
    slug         text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title        text NOT NULL CHECK (btrim(title) <> ''),
    start_year   int NOT NULL CHECK (start_year BETWEEN 2000 AND 2100),
    end_year     int NOT NULL CHECK (end_year BETWEEN 2000 AND 2100),
    source_title text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (ente_id, slug),
    CHECK (end_year >= start_year)
);

-- A revision (aggiornamento) is a dated update of a plan; seq 1 is the first version
-- loaded. Targets record the revision that set them, so every change keeps its history.
CREATE TABLE revisions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id        bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    seq            int NOT NULL CHECK (seq >= 1),
    label          text NOT NULL CHECK (btrim(label) <> ''),
    adopted_on     date,
    act_reference  text NOT NULL DEFAULT '',
    reason         text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, seq),
    UNIQUE (id, plan_id)
);

-- Organisation belongs to the ente and outlives a single plan.
CREATE TABLE units (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ente_id    bigint NOT NULL REFERENCES enti (id) ON DELETE CASCADE,
    key        text NOT NULL CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name       text NOT NULL CHECK (btrim(name) <> ''),
    parent_id  bigint,
    UNIQUE (ente_id, key),
    UNIQUE (id, ente_id),
    FOREIGN KEY (parent_id, ente_id) REFERENCES units (id, ente_id),
    CHECK (parent_id IS NULL OR parent_id <> id)
);

-- A manager role (Segretario Generale, dirigente di area): the owner of objectives and
-- the holder of individual objectives. People are linked to roles by a later capability.
CREATE TABLE roles (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ente_id  bigint NOT NULL REFERENCES enti (id) ON DELETE CASCADE,
    key      text NOT NULL CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title    text NOT NULL CHECK (btrim(title) <> ''),
    unit_id  bigint,
    rpct     boolean NOT NULL DEFAULT false,
    UNIQUE (ente_id, key),
    UNIQUE (id, ente_id),
    FOREIGN KEY (unit_id, ente_id) REFERENCES units (id, ente_id)
);

CREATE TABLE areas (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id  bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    number   int NOT NULL CHECK (number >= 1),
    title    text NOT NULL CHECK (btrim(title) <> ''),
    UNIQUE (plan_id, number),
    UNIQUE (id, plan_id)
);

CREATE TABLE objectives (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id          bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('strategic', 'common', 'operational', 'transversal', 'extraordinary', 'organisational')),
    code             text NOT NULL CHECK (code ~ '^[A-Za-z0-9._-]+$'),
    code_text        text NOT NULL DEFAULT '',
    group_label      text NOT NULL DEFAULT '',
    area_id          bigint,
    parent_id        bigint,
    -- Always 'strategic': with the composite key below it makes the database check that a
    -- parent is a strategic objective of the same plan.
    parent_kind      text NOT NULL DEFAULT 'strategic' CHECK (parent_kind = 'strategic'),
    parent_text      text NOT NULL DEFAULT '',
    title            text NOT NULL CHECK (btrim(title) <> ''),
    description      text NOT NULL DEFAULT '',
    programme        text NOT NULL DEFAULT '',
    stakeholders     text NOT NULL DEFAULT '',
    owner_text       text NOT NULL DEFAULT '',
    units_text       text NOT NULL DEFAULT '',
    external_parties text NOT NULL DEFAULT '',
    resources        text NOT NULL DEFAULT '',
    footnote         text NOT NULL DEFAULT '',
    source_line      int NOT NULL DEFAULT 0 CHECK (source_line >= 0),
    position         int NOT NULL,
    UNIQUE (plan_id, code),
    UNIQUE (id, plan_id),
    UNIQUE (id, plan_id, kind),
    FOREIGN KEY (area_id, plan_id) REFERENCES areas (id, plan_id),
    FOREIGN KEY (parent_id, plan_id, parent_kind) REFERENCES objectives (id, plan_id, kind),
    -- operational and common objectives hang under a strategic one; the others stand alone
    CHECK ((kind IN ('operational', 'common')) = (parent_id IS NOT NULL)),
    -- strategic, common and operational objectives belong to an area
    CHECK (kind NOT IN ('strategic', 'common', 'operational') OR area_id IS NOT NULL)
);
CREATE INDEX objectives_parent_idx ON objectives (parent_id);

CREATE TABLE objective_owners (
    objective_id bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    role_id      bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (objective_id, role_id)
);
CREATE INDEX objective_owners_role_idx ON objective_owners (role_id);

CREATE TABLE objective_units (
    objective_id bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    unit_id      bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    PRIMARY KEY (objective_id, unit_id)
);

CREATE TABLE indicators (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id          bigint NOT NULL,
    objective_id     bigint NOT NULL,
    key              text NOT NULL CHECK (key ~ '^[A-Za-z0-9._-]+/[0-9]+$'),
    code             text NOT NULL DEFAULT '',
    code_text        text NOT NULL DEFAULT '',
    name             text NOT NULL CHECK (btrim(name) <> ''),
    algorithm        text NOT NULL DEFAULT '',
    source           text NOT NULL DEFAULT '',
    unit             text NOT NULL CHECK (unit IN ('count', 'percent', 'days', 'ratio', 'yes_no', 'score', 'euro')),
    polarity         text NOT NULL CHECK (polarity IN ('higher_better', 'lower_better', 'exact')),
    formula          text NOT NULL CHECK (formula IN ('direct', 'ratio', 'difference', 'ratio_previous', 'yes_no', 'derived')),
    scale            numeric CHECK (scale > 0),
    derived_function text CHECK (derived_function IN ('avg_objectives', 'count_objectives_full', 'count_indicators_met')),
    derived_kinds    text[] NOT NULL DEFAULT '{}',
    component        boolean NOT NULL DEFAULT false,
    note             text NOT NULL DEFAULT '',
    position         int NOT NULL,
    UNIQUE (plan_id, key),
    UNIQUE (id, plan_id),
    FOREIGN KEY (objective_id, plan_id) REFERENCES objectives (id, plan_id) ON DELETE CASCADE,
    FOREIGN KEY (plan_id) REFERENCES plans (id) ON DELETE CASCADE,
    CHECK (formula <> 'ratio' OR scale IS NOT NULL),
    CHECK ((formula = 'derived') = (derived_function IS NOT NULL)),
    CHECK (derived_kinds <@ ARRAY['strategic', 'common', 'operational', 'transversal', 'extraordinary', 'organisational']),
    CHECK (formula <> 'yes_no' OR unit = 'yes_no')
);
CREATE INDEX indicators_objective_idx ON indicators (objective_id);

-- The values a computed indicator asks for (numerator, denominator, benchmark, ...).
CREATE TABLE indicator_inputs (
    indicator_id bigint NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    key          text NOT NULL CHECK (key ~ '^[a-z_]+$'),
    label        text NOT NULL CHECK (btrim(label) <> ''),
    position     int NOT NULL,
    PRIMARY KEY (indicator_id, key)
);

-- Indicators a derived indicator counts (e.g. the four stato-di-salute indicators).
CREATE TABLE indicator_refs (
    indicator_id     bigint NOT NULL,
    ref_indicator_id bigint NOT NULL,
    plan_id          bigint NOT NULL,
    position         int NOT NULL,
    PRIMARY KEY (indicator_id, ref_indicator_id),
    FOREIGN KEY (indicator_id, plan_id) REFERENCES indicators (id, plan_id) ON DELETE CASCADE,
    FOREIGN KEY (ref_indicator_id, plan_id) REFERENCES indicators (id, plan_id) ON DELETE CASCADE,
    CHECK (indicator_id <> ref_indicator_id)
);

CREATE TABLE baselines (
    indicator_id bigint NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    year         int NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    value        numeric,
    text         text NOT NULL CHECK (btrim(text) <> ''),
    footnote     text NOT NULL DEFAULT '',
    PRIMARY KEY (indicator_id, year)
);

-- Targets per year, each set by a revision. The target in force for a revision is the
-- row with the highest revision seq not after it.
CREATE TABLE targets (
    indicator_id bigint NOT NULL,
    plan_id      bigint NOT NULL,
    revision_id  bigint NOT NULL,
    year         int NOT NULL,
    operator     text NOT NULL CHECK (operator IN ('>=', '<=', '=', 'yes')),
    value        numeric NOT NULL,
    text         text NOT NULL CHECK (btrim(text) <> ''),
    PRIMARY KEY (indicator_id, year, revision_id),
    FOREIGN KEY (indicator_id, plan_id) REFERENCES indicators (id, plan_id) ON DELETE CASCADE,
    FOREIGN KEY (revision_id, plan_id) REFERENCES revisions (id, plan_id) ON DELETE CASCADE,
    CHECK (operator <> 'yes' OR value IN (0, 1))
);

-- Target years must fall inside the plan's years: a cross-table rule, so a trigger.
CREATE FUNCTION targets_year_in_plan() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    y0 int;
    y1 int;
BEGIN
    SELECT start_year, end_year INTO y0, y1 FROM plans WHERE id = NEW.plan_id;
    IF NEW.year < y0 OR NEW.year > y1 THEN
        RAISE EXCEPTION 'target year % outside plan years %-%', NEW.year, y0, y1
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER targets_year_in_plan BEFORE INSERT OR UPDATE ON targets
    FOR EACH ROW EXECUTE FUNCTION targets_year_in_plan();

-- Individual objectives (section 4.3.4): a role's scorecard entry repeating a plan objective.
CREATE TABLE individual_objectives (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id      bigint NOT NULL,
    role_id      bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    objective_id bigint NOT NULL,
    code_text    text NOT NULL DEFAULT '',
    group_label  text NOT NULL DEFAULT '',
    title        text NOT NULL CHECK (btrim(title) <> ''),
    weight       numeric CHECK (weight > 0),
    source_line  int NOT NULL DEFAULT 0 CHECK (source_line >= 0),
    position     int NOT NULL,
    UNIQUE (id, plan_id),
    FOREIGN KEY (objective_id, plan_id) REFERENCES objectives (id, plan_id) ON DELETE CASCADE,
    FOREIGN KEY (plan_id) REFERENCES plans (id) ON DELETE CASCADE
);
CREATE INDEX individual_objectives_role_idx ON individual_objectives (role_id);

CREATE TABLE individual_indicators (
    individual_id bigint NOT NULL,
    indicator_id  bigint NOT NULL,
    plan_id       bigint NOT NULL,
    name          text NOT NULL DEFAULT '',
    algorithm     text NOT NULL DEFAULT '',
    target_text   text NOT NULL DEFAULT '',
    position      int NOT NULL,
    PRIMARY KEY (individual_id, indicator_id),
    FOREIGN KEY (individual_id, plan_id) REFERENCES individual_objectives (id, plan_id) ON DELETE CASCADE,
    FOREIGN KEY (indicator_id, plan_id) REFERENCES indicators (id, plan_id) ON DELETE CASCADE
);

CREATE TABLE quality_notes (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id        bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('repeated_code', 'wrong_parent', 'inverted_formula', 'repeated_year_header', 'text_baseline', 'bare_number_target', 'inconsistency', 'ambiguous', 'typo')),
    objective_id   bigint,
    indicator_id   bigint,
    source_line    int NOT NULL DEFAULT 0 CHECK (source_line >= 0),
    source_text    text NOT NULL DEFAULT '',
    interpretation text NOT NULL CHECK (btrim(interpretation) <> ''),
    position       int NOT NULL,
    FOREIGN KEY (objective_id, plan_id) REFERENCES objectives (id, plan_id) ON DELETE CASCADE,
    FOREIGN KEY (indicator_id, plan_id) REFERENCES indicators (id, plan_id) ON DELETE CASCADE
);

-- Append-only record of every state change. Hash chaining and the role grants that
-- forbid UPDATE and DELETE come with the audit capability; the shape is fixed now.
CREATE TABLE audit_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    -- no foreign key: the trail must survive the deletion of what it describes
    ente_id     bigint,
    object_type text NOT NULL DEFAULT '',
    object_key  text NOT NULL DEFAULT '',
    reason      text NOT NULL DEFAULT '',
    detail      jsonb NOT NULL DEFAULT '{}'
);
