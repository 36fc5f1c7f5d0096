-- The open-data index lists the enti with plans in name order, a page at a
-- time (store.ListEntiPage): with this index a page reads its own rows, not
-- every ente of the installation, so it costs the same at 60 enti as at 6,000
-- (issue 17, "flat with growth").
CREATE INDEX enti_name_slug_idx ON enti (name, slug);
