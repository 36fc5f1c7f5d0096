DROP TABLE IF EXISTS relazione_drafts;
