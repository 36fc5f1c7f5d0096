DROP TABLE relazione_validations;
DROP TABLE oiv_observations;
ALTER TABLE revisions DROP COLUMN changes, DROP COLUMN content, DROP COLUMN reconstructed,
    DROP COLUMN in_force_text, DROP COLUMN in_force_from;
