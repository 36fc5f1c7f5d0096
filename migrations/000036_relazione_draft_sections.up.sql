-- The sections of a Relazione draft (migration 000035), in the order of the
-- official structure. generated holds the text the system wrote from the data,
-- as paragraphs of sentences each with its sources (table slug and rows), kept
-- for comparison once the Segretario edits it; edited is the Segretario's text
-- (NULL while the generated one stands). Free sections (context, resources,
-- gender) have no generated text: only edited.
CREATE TABLE relazione_draft_sections (
    plan_id      bigint NOT NULL,
    year         int NOT NULL,
    key          text NOT NULL CHECK (key ~ '^[a-z][a-z-]{0,39}$'),
    position     int NOT NULL CHECK (position >= 0),
    free         boolean NOT NULL DEFAULT false,
    generated    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(generated) = 'array'),
    generated_at timestamptz NOT NULL DEFAULT now(),
    edited       text CHECK (length(edited) <= 100000),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, year, key),
    UNIQUE (plan_id, year, position),
    FOREIGN KEY (plan_id, year) REFERENCES relazione_drafts (plan_id, year) ON DELETE CASCADE,
    CHECK (NOT free OR generated = '[]'::jsonb)
);
