DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['areas', 'behaviour_scores', 'indicator_objective_refs', 'indicator_refs', 'indicators',
        'individual_indicators', 'individual_objectives', 'measurements', 'objectives', 'oiv_observations', 'periods',
        'quality_notes', 'relazione_validations', 'revisions', 'scoring_rule_versions', 'scoring_rules', 'targets',
        'plans', 'enti'] LOOP
        EXECUTE format('DROP TRIGGER public_version ON %I', t);
    END LOOP;
END $$;
DROP FUNCTION public_version_ente();
DROP FUNCTION public_version_plan();
DROP FUNCTION public_version_row();
DROP FUNCTION bump_public_version(bigint);
DROP TABLE public_versions;
