ALTER TABLE indicators DROP COLUMN early_warning;
