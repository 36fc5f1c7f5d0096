-- How in-year monitoring warns about an indicator (issue 14, "early warning
-- at 30/06 against expected progress"): 'auto' infers it (pro rata of the
-- annual target for cumulative values, the target itself otherwise),
-- 'pro_rata' and 'target' force one comparison, 'none' never warns.
ALTER TABLE indicators ADD COLUMN early_warning text NOT NULL DEFAULT 'auto'
    CHECK (early_warning IN ('auto', 'pro_rata', 'target', 'none'));
