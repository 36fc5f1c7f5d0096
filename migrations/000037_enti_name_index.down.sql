DROP INDEX IF EXISTS enti_name_slug_idx;
