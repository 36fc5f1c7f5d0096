-- The sessions of one account (store.SessionStore.OfUserCtx: how many end
-- when an administrator disables it), found without reading every session.
-- NULLs are indexed too: the rows written before migration 000039 have no
-- account yet and are read with the account's own.
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
