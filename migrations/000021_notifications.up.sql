-- E-mail notifications (issue 14, "Reminders and notifications by e-mail"):
-- a transactional outbox. A notification is inserted in the same transaction
-- as the event that causes it (an entry returned or approved, a final period
-- closed) or by the worker's daily tick (reminders, digest); the worker in
-- internal/mail sends it and records every step here. The application role
-- gets SELECT/INSERT/UPDATE/DELETE like every ordinary table
-- (internal/dbmigrate/roles.go grants after every migration).
CREATE TABLE notifications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ente_id         bigint REFERENCES enti (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('entry_returned', 'entry_approved', 'relazione_ready',
                                                  'deadline_soon', 'deadline_overdue', 'approval_digest')),
    -- optional messages honour the recipient's opt-out; mandatory ones do not
    optional        boolean NOT NULL,
    recipient_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    recipient_name  text NOT NULL DEFAULT '',
    recipient_email text NOT NULL CHECK (recipient_email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    subject         text NOT NULL,
    body_text       text NOT NULL,
    body_html       text NOT NULL,
    -- kind + object + recipient (+ day or week for the scheduled ones): a
    -- second enqueue of the same message is a no-op
    dedupe_key      text NOT NULL UNIQUE,
    -- queued → sending → sent; sending → queued (refused or interrupted before
    -- DATA, with backoff) or failed (after the last attempt, or refused for
    -- good); sending with data_started_at set and no answer → incerto (never
    -- resent without an administrator's "Riprova")
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'incerto')),
    attempts        int NOT NULL DEFAULT 0,
    -- NULL: as soon as possible (a new notification)
    next_attempt_at timestamptz,
    lease_until     timestamptz,
    data_started_at timestamptz,
    last_error      text NOT NULL DEFAULT '',
    message_id      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CHECK ((status = 'sending') = (lease_until IS NOT NULL))
);
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at NULLS FIRST, id) WHERE status = 'queued';
CREATE INDEX notifications_lease_idx ON notifications (lease_until) WHERE status = 'sending';
CREATE INDEX notifications_ente_idx ON notifications (ente_id, id DESC);

-- Per-user opt-out of the optional messages (reminders, digest).
ALTER TABLE users ADD COLUMN notify_optional boolean NOT NULL DEFAULT true;
