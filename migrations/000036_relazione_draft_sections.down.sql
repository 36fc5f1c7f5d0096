DROP TABLE IF EXISTS relazione_draft_sections;
