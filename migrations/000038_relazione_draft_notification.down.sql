DELETE FROM notifications WHERE kind = 'relazione_draft_sent';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('entry_returned', 'entry_approved',
    'relazione_ready', 'deadline_soon', 'deadline_overdue', 'approval_digest'));
