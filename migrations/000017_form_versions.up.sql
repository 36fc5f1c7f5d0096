-- Every state-changing form carries the version of what it was built from, so
-- that a stale form is refused (409) instead of silently undoing a newer
-- change (issue 13, "No lost updates anywhere").

-- The plan's scoring rules: the rules form posts the version it showed.
ALTER TABLE scoring_rules ADD COLUMN version int NOT NULL DEFAULT 1 CHECK (version >= 1);

-- A period: closing, reopening and changing the deadline each add 1, so a
-- stale "Chiudi" cannot undo a reopening made after the page was built.
ALTER TABLE periods ADD COLUMN version int NOT NULL DEFAULT 1 CHECK (version >= 1);

-- Draft versions come from one sequence and never repeat, not even across a
-- discarded draft and the next one: a form built on a discarded draft can never
-- match (and discard or change) a newer draft that restarted at version 1.
CREATE SEQUENCE plan_draft_versions AS bigint;
SELECT setval('plan_draft_versions', coalesce((SELECT max(version) FROM plan_drafts), 0) + 1, false);
ALTER TABLE plan_drafts
    ALTER COLUMN version TYPE bigint,
    ALTER COLUMN version SET DEFAULT nextval('plan_draft_versions');
ALTER SEQUENCE plan_draft_versions OWNED BY plan_drafts.version;

-- An account: every change (enabled, disabled, new password) adds 1, so a
-- stale "Disattiva" cannot undo a reactivation made after the page was built.
ALTER TABLE users ADD COLUMN version int NOT NULL DEFAULT 1 CHECK (version >= 1);
