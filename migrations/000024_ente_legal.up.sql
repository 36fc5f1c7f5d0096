-- The footer pages of an ente (issue 16): the accessibility statement with the
-- fields of the AgID model, the privacy notice and the legal notes. One row per
-- ente once an administrator saved them; with no row, the pages show the
-- software's default text, marked as such. Texts are plain text, paragraphs
-- separated by an empty line.
CREATE TABLE ente_legal (
    ente_id          bigint PRIMARY KEY REFERENCES enti (id) ON DELETE CASCADE,
    -- conforme, parziale, non-conforme; '' while not declared
    conformity       text NOT NULL DEFAULT '' CHECK (conformity IN ('', 'conforme', 'parziale', 'non-conforme')),
    non_accessible   text NOT NULL DEFAULT '',
    -- autovalutazione, terzi; '' while not declared
    method           text NOT NULL DEFAULT '' CHECK (method IN ('', 'autovalutazione', 'terzi')),
    prepared_on      date,
    reviewed_on      date,
    feedback_contact text NOT NULL DEFAULT '',
    agid_form_url    text NOT NULL DEFAULT '',
    privacy          text NOT NULL DEFAULT '',
    legal_notes      text NOT NULL DEFAULT '',
    -- every save adds 1, so a stale form is refused (409)
    version          int NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       text NOT NULL DEFAULT ''
);
