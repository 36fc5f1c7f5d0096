ALTER TABLE users DROP COLUMN notify_optional;
DROP TABLE notifications;
