-- Forms posted after the session expired (issue 16): the values typed are kept
-- here under a one-time random token carried through sign-in (?ripristino=),
-- so the form comes back filled. Only text fields are kept, never files or
-- passwords; a row is taken once, and rows older than a day are pruned on
-- every insert. Like the sessions table, this is transient state outside the
-- audit trail: nothing is saved to a measurement until the user saves again.
CREATE TABLE pending_forms (
    token      text PRIMARY KEY,
    path       text NOT NULL,              -- the path the form was posted to: the only page that takes it back
    form       jsonb NOT NULL,             -- url.Values: name → values
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_forms_created_idx ON pending_forms (created_at);
