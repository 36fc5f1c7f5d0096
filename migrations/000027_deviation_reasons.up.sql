-- Scostamenti (issue 18): at the final period an indicator not fully achieved,
-- or not applicable, needs its dirigente's motivazione before approval: what
-- happened, why, and the corrective action. They live on the measurement so
-- they are saved, versioned and audited with the value; at 30/06 only the
-- corrective action is used, as an optional note beside an early warning.
ALTER TABLE measurements
    ADD COLUMN deviation_what   text NOT NULL DEFAULT '' CHECK (char_length(deviation_what) <= 2000),
    ADD COLUMN deviation_why    text NOT NULL DEFAULT '' CHECK (char_length(deviation_why) <= 2000),
    ADD COLUMN deviation_action text NOT NULL DEFAULT '' CHECK (char_length(deviation_action) <= 2000);
