-- Entering actuals in the browser: workflow columns on measurements, evidence
-- attachments stored in PostgreSQL, and the per-plan choice of showing
-- submitted values at in-year monitoring.
ALTER TABLE measurements
    ADD COLUMN submitted_by  text NOT NULL DEFAULT '',
    ADD COLUMN submitted_at  timestamptz,
    ADD COLUMN reviewed_by   text NOT NULL DEFAULT '',
    ADD COLUMN reviewed_at   timestamptz,
    ADD COLUMN review_comment text NOT NULL DEFAULT '';

ALTER TABLE scoring_rules ADD COLUMN show_submitted_midyear boolean NOT NULL DEFAULT false;

CREATE TABLE measurement_attachments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    measurement_id bigint NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
    filename       text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type   text NOT NULL CHECK (content_type IN ('application/pdf', 'application/vnd.oasis.opendocument.text',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'image/png', 'image/jpeg')),
    size           int NOT NULL CHECK (size > 0 AND size <= 10485760),
    sha256         text NOT NULL,
    data           bytea NOT NULL,
    uploaded_by    text NOT NULL,
    uploaded_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (octet_length(data) = size)
);
CREATE INDEX measurement_attachments_measurement_idx ON measurement_attachments (measurement_id);

-- History reads the audit trail by object; the period reopen needs its reason kept.
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_key);
