DROP INDEX IF EXISTS sessions_user_id_idx;
