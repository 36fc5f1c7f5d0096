ALTER TABLE indicators DROP COLUMN IF EXISTS cumulative;
