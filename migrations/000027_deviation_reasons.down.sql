ALTER TABLE measurements DROP COLUMN deviation_what, DROP COLUMN deviation_why, DROP COLUMN deviation_action;
