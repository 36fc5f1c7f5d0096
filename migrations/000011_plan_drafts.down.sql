DROP TABLE plan_drafts;
