DROP INDEX IF EXISTS audit_events_object_idx;
DROP TABLE IF EXISTS measurement_attachments;
ALTER TABLE scoring_rules DROP COLUMN IF EXISTS show_submitted_midyear;
ALTER TABLE measurements DROP COLUMN IF EXISTS submitted_by, DROP COLUMN IF EXISTS submitted_at,
    DROP COLUMN IF EXISTS reviewed_by, DROP COLUMN IF EXISTS reviewed_at, DROP COLUMN IF EXISTS review_comment;
