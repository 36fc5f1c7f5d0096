-- The account a session is signed in as, written from the session's own data
-- at every commit (store.SessionStore): reading a session joins its account in
-- the same statement, so a signed-in request costs one round trip for both
-- (issue 17). NULL for an anonymous session and for rows written before this
-- migration, which are read the old way. No foreign key: the join finds an
-- account that is no longer there, or no longer active, as nothing.
ALTER TABLE sessions ADD COLUMN user_id bigint;
