-- The OIV is told by e-mail when the Segretario sends it the text of a year's
-- Relazione (store.SendDraftToOIV): a new, mandatory kind of notification.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('entry_returned', 'entry_approved',
    'relazione_ready', 'relazione_draft_sent', 'deadline_soon', 'deadline_overdue', 'approval_digest'));
