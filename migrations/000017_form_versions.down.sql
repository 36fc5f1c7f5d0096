ALTER TABLE users DROP COLUMN version;
ALTER TABLE plan_drafts ALTER COLUMN version SET DEFAULT 1;
DROP SEQUENCE plan_draft_versions;
ALTER TABLE plan_drafts ALTER COLUMN version TYPE int;
ALTER TABLE periods DROP COLUMN version;
ALTER TABLE scoring_rules DROP COLUMN version;
