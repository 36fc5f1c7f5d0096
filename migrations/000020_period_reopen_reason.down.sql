ALTER TABLE periods
    DROP COLUMN reopened_at,
    DROP COLUMN reopened_by,
    DROP COLUMN reopen_reason;
