package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// One ente's backup is a logical export: the rows of every table that holds
// the ente's data, as JSON objects (to_jsonb of the row, so every column
// keeps PostgreSQL's exact text: numerics, timestamps with microseconds,
// arrays, jsonb), read back with jsonb_populate_record. The original ids stay
// in the file; a restore gives every row a new id and rewrites every
// reference, so it works in an installation that already holds other enti.
// The references to rewrite are found in the catalog (foreign keys, followed
// through composite keys to the identity column they end at), so a column
// added by a later migration is carried without a change here.

// enteTable is one table of an ente's backup. where selects the ente's rows
// of alias t with $1 the ente's id; order fixes the order rows are written
// and restored in (the restored ids follow it, so the id-independent digests
// of a backup and of its restore read the rows in the same order).
type enteTable struct {
	name  string
	where string
	order string
	blobs []string // bytea columns written as entries of their own, byte for byte
	// carry replaces a column's value in the file by an expression on t,
	// at backup only (a restore's proof reads the rows as stored).
	carry map[string]string
	// rekey names text columns that embed ids (notifications.dedupe_key,
	// "kind:m<measurement id>:…"): a restore prefixes them with
	// "restored:<new ente id>:", so they can neither collide with a key of
	// the target nor swallow a later notification whose new ids happen to
	// match the old ones; the digests leave them out.
	rekey []string
}

const (
	enteInPlans      = `t.plan_id IN (SELECT p.id FROM plans p WHERE p.ente_id = $1)`
	enteInObjectives = `t.objective_id IN (SELECT o.id FROM objectives o JOIN plans p ON p.id = o.plan_id WHERE p.ente_id = $1)`
	enteInIndicators = `t.indicator_id IN (SELECT i.id FROM indicators i JOIN plans p ON p.id = i.plan_id WHERE p.ente_id = $1)`
)

// liveBenchmark is, for a measurement of a difference indicator taking its
// benchmark from another ente, that ente's approved value of the same period
// in the shape of plan.BenchmarkValue, else the stored benchmark_used; the
// same lookup as scoring_read.go (Actuals) and plan_export.go.
const liveBenchmark = `coalesce((SELECT jsonb_build_object('value', rm.value::float8, 'ente', e.slug, 'ente_name', e.name,
		'plan', rp.slug, 'indicator', ri.key)
	FROM indicators i JOIN periods p ON p.id = t.period_id
	JOIN enti e ON e.slug = i.benchmark_ente
	JOIN plans rp ON rp.ente_id = e.id AND rp.slug = i.benchmark_plan
	JOIN indicators ri ON ri.plan_id = rp.id AND ri.key = i.benchmark_indicator
	JOIN periods pe ON pe.plan_id = rp.id AND pe.year = p.year AND pe.kind = p.kind
	JOIN measurements rm ON rm.indicator_id = ri.id AND rm.period_id = pe.id
	WHERE i.id = t.indicator_id AND i.formula = 'difference' AND rm.status = 'approved' AND rm.value IS NOT NULL), t.benchmark_used)`

// enteTables lists, in dependency order (a table after every table it
// refers to, but itself), the tables holding an ente's rows.
// TestEnteBackupCoversSchema checks it against the catalog: every table of
// the schema is here or in EnteBackupExcluded, and the order follows the
// foreign keys.
func enteTables() []enteTable {
	return []enteTable{
		{name: "enti", where: `t.id = $1`, order: "t.id"},
		{name: "ente_legal", where: `t.ente_id = $1`, order: "t.ente_id"},
		{name: "units", where: `t.ente_id = $1`, order: "t.id"},
		{name: "roles", where: `t.ente_id = $1`, order: "t.id"},
		{name: "users", where: `t.ente_id = $1`, order: "t.id"},
		{name: "plans", where: `t.ente_id = $1`, order: "t.id"},
		{name: "revisions", where: enteInPlans, order: "t.id"},
		{name: "areas", where: enteInPlans, order: "t.id"},
		// Parents first: an operational or common objective must have its
		// strategic parent when inserted (a CHECK of migration 000001), and a
		// revision may give it a parent with a higher id.
		{name: "objectives", where: enteInPlans, order: "t.parent_id IS NOT NULL, t.id"},
		{name: "objective_owners", where: enteInObjectives, order: "t.objective_id, t.role_id"},
		{name: "objective_units", where: enteInObjectives, order: "t.objective_id, t.unit_id"},
		{name: "indicators", where: enteInPlans, order: "t.id"},
		{name: "indicator_inputs", where: enteInIndicators, order: "t.indicator_id, t.key"},
		{name: "indicator_refs", where: enteInPlans, order: "t.indicator_id, t.ref_indicator_id"},
		{name: "indicator_objective_refs", where: enteInPlans, order: "t.indicator_id, t.objective_id"},
		{name: "baselines", where: enteInIndicators, order: "t.indicator_id, t.year"},
		{name: "targets", where: enteInPlans, order: "t.indicator_id, t.year, t.revision_id"},
		{name: "individual_objectives", where: enteInPlans, order: "t.id"},
		{name: "individual_indicators", where: enteInPlans, order: "t.individual_id, t.indicator_id"},
		{name: "quality_notes", where: enteInPlans, order: "t.id"},
		{name: "scoring_rules", where: enteInPlans, order: "t.plan_id"},
		{name: "scoring_rule_versions", where: enteInPlans, order: "t.plan_id, t.version_no"},
		{name: "periods", where: enteInPlans, order: "t.id"},
		// The other ente's value a benchmark measurement was compared with
		// goes into benchmark_used, as `piao export` carries it
		// (plan_export.go, measurements): the target may not hold that ente.
		{name: "measurements", where: enteInPlans, order: "t.id", carry: map[string]string{"benchmark_used": liveBenchmark}},
		{name: "measurement_attachments", where: `t.measurement_id IN (SELECT m.id FROM measurements m JOIN plans p ON p.id = m.plan_id WHERE p.ente_id = $1)`,
			order: "t.id", blobs: []string{"data"}},
		{name: "behaviour_scores", where: enteInPlans, order: "t.plan_id, t.role_id, t.year"},
		{name: "oiv_observations", where: enteInPlans, order: "t.id"},
		{name: "relazione_validations", where: enteInPlans, order: "t.id", blobs: []string{"document"}},
		// the Relazione's prose drafts (migrations 000035, 000036)
		{name: "relazione_drafts", where: enteInPlans, order: "t.plan_id, t.year"},
		{name: "relazione_draft_sections", where: enteInPlans, order: "t.plan_id, t.year, t.position"},
		{name: "plan_drafts", where: enteInPlans, order: "t.plan_id"},
		// the reviews of a read PIAO (migration 000033), pending or done
		{name: "plan_imports", where: `t.ente_id = $1`, order: "t.id"},
		{name: "notifications", where: `t.ente_id = $1`, order: "t.id", rekey: []string{"dedupe_key"}},
		// The chain's order, not the ids': the restored events get new ids in
		// this order and audit_seal chains them by id (migration 000016).
		{name: "audit_events", where: `t.ente_id = $1`, order: "t.seq NULLS LAST, t.id"},
	}
}

// EnteBackupTables names the tables of an ente's backup, in the order they
// are written and restored.
func EnteBackupTables() []string {
	var out []string
	for _, t := range enteTables() {
		out = append(out, t.name)
	}
	return out
}

// EnteBackupExcluded names the tables of the schema an ente's backup leaves
// out, each with the reason.
func EnteBackupExcluded() map[string]string {
	return map[string]string{
		"sessions":          "sign-in sessions: everyone signs in again after a restore",
		"sign_in_throttle":  "failed sign-in counters: transient protection, rebuilt by use",
		"pending_forms":     "forms kept across a sign-in for a few minutes: transient",
		"schema_migrations": "the installation's schema version, not the ente's (it is in the header)",
		"public_versions":   "cache keys of the public pages: the triggers of migration 000026 write them as the rows are restored",
	}
}

// auditChainColumns are the audit_events columns audit_seal writes; they
// depend on the events' ids, so a restore recomputes them (the original
// chain is verified from the file first) and the digests leave them out.
var auditChainColumns = []string{"seq", "prev_hash", "hash"}

// enteColumn is one column of a backed-up table as the catalog describes it.
type enteColumn struct {
	name     string
	identity bool   // the row's own id: a restore assigns a new one
	ref      string // the table whose id this column holds ("" for none)
}

// enteSchema is the catalog's view of the backed-up tables.
type enteSchema map[string][]enteColumn

// loadEnteSchema reads the columns of every backed-up table and follows each
// foreign key to the identity column it ends at (through composite keys:
// measurements.plan_id reaches plans.id through indicators (id, plan_id)).
func loadEnteSchema(ctx context.Context, q querier) (enteSchema, error) {
	rows, err := q.Query(ctx, `SELECT c.relname, a.attname, a.attidentity <> ''
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY c.relname, a.attnum`)
	if err != nil {
		return nil, fmt.Errorf("ente backup: columns: %w", err)
	}
	type col struct {
		table, name string
		identity    bool
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (col, error) {
		var c col
		return c, r.Scan(&c.table, &c.name, &c.identity)
	})
	if err != nil {
		return nil, fmt.Errorf("ente backup: columns: %w", err)
	}
	rows, err = q.Query(ctx, `SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname
		FROM pg_constraint c
		CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, fcol)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
		JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fcol
		WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`)
	if err != nil {
		return nil, fmt.Errorf("ente backup: foreign keys: %w", err)
	}
	type fk struct{ table, col, refTable, refCol string }
	fks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (fk, error) {
		var f fk
		return f, r.Scan(&f.table, &f.col, &f.refTable, &f.refCol)
	})
	if err != nil {
		return nil, fmt.Errorf("ente backup: foreign keys: %w", err)
	}
	identity := map[[2]string]bool{}
	for _, c := range cols {
		if c.identity {
			identity[[2]string{c.table, c.name}] = true
		}
	}
	refs := map[[2]string][][2]string{}
	for _, f := range fks {
		k := [2]string{f.table, f.col}
		refs[k] = append(refs[k], [2]string{f.refTable, f.refCol})
	}
	// audit_events.ente_id has no foreign key on purpose (an event outlives
	// its ente), but it holds the ente's id all the same.
	refs[[2]string{"audit_events", "ente_id"}] = [][2]string{{"enti", "id"}}
	var resolve func(k [2]string, depth int) string
	resolve = func(k [2]string, depth int) string {
		if depth > 8 {
			return ""
		}
		for _, r := range refs[k] {
			if identity[r] {
				return r[0]
			}
			if t := resolve(r, depth+1); t != "" {
				return t
			}
		}
		return ""
	}
	wanted := map[string]bool{}
	for _, t := range enteTables() {
		wanted[t.name] = true
	}
	sch := enteSchema{}
	for _, c := range cols {
		if !wanted[c.table] {
			continue
		}
		ec := enteColumn{name: c.name, identity: c.identity}
		if !c.identity {
			ec.ref = resolve([2]string{c.table, c.name}, 0)
		}
		sch[c.table] = append(sch[c.table], ec)
	}
	return sch, nil
}

// EnteSink receives an ente's export, table by table in enteTables order:
// the blobs of a row before the row, and EndTable after its last row.
type EnteSink interface {
	// Blob stores one binary column's bytes and returns the name the row
	// refers to them by.
	Blob(table, column string, rank int64, data []byte) (string, error)
	// Row receives one row as a JSON object (one line, no newline).
	Row(table string, line []byte) error
	EndTable(d model.TableDigest) error
}

// EnteExport is what an export found besides the rows.
type EnteExport struct {
	Ente      string
	Tables    []model.TableDigest // id-independent digests, in enteTables order
	AuditHead model.AuditHead     // the ente's sealed chain head at the export
	Blobs     int64               // blobs written
	// OpenData has, for every plan, the size and SHA-256 of its open-data
	// rows as OpenData returns them, written as indicators.csv is (RFC 4180,
	// the columns of model.OpenDataColumns); the scored columns (actual,
	// achievement_pct, status) stay empty: the server computes them from
	// the measurements, which the table digests cover.
	OpenData []model.FileDigest
}

// ExportEnte seals the audit trail and writes every row of one ente to sink,
// in one snapshot.
func (s *Store) ExportEnte(ctx context.Context, slug string, sink EnteSink) (EnteExport, error) {
	if _, err := s.SealAudit(ctx); err != nil {
		return EnteExport{}, err
	}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return EnteExport{}, fmt.Errorf("begin ente export: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	var id int64
	if err := tx.QueryRow(ctx, `SELECT id FROM enti WHERE slug = $1`, slug).Scan(&id); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return EnteExport{}, fmt.Errorf("ente %q: %w", slug, ErrNotFound)
		}
		return EnteExport{}, fmt.Errorf("ente %q: %w", slug, err)
	}
	return exportEnte(ctx, tx, id, sink, true)
}

// exportEnte writes ente id's rows from tx (which fixes the snapshot) to
// sink and returns their digests. A restore calls it on its own transaction,
// with a sink that keeps nothing, to compare what it wrote with the manifest.
//
// The digest of a table is a SHA-256 over its rows in order (sorted, for a
// table without an id of its own), each row as a JSON object with sorted
// keys in which a row's own id and every reference are replaced by the
// referenced row's rank (its position, from 1, in its table's export),
// binary columns by their SHA-256, and the audit chain columns and re-keyed
// columns are left out: so the digests of a backup and of its restore agree
// although every id differs.
func exportEnte(ctx context.Context, tx pgx.Tx, enteID int64, sink EnteSink, carry bool) (EnteExport, error) {
	for _, set := range []string{`SET LOCAL TimeZone = 'UTC'`, `SET LOCAL DateStyle = 'ISO, YMD'`,
		`SET LOCAL IntervalStyle = 'postgres'`, `SET LOCAL extra_float_digits = 1`} {
		if _, err := tx.Exec(ctx, set); err != nil {
			return EnteExport{}, fmt.Errorf("ente export settings: %w", err)
		}
	}
	sch, err := loadEnteSchema(ctx, tx)
	if err != nil {
		return EnteExport{}, err
	}
	var out EnteExport
	if err := tx.QueryRow(ctx, `SELECT slug FROM enti WHERE id = $1`, enteID).Scan(&out.Ente); err != nil {
		return out, fmt.Errorf("ente export: %w", err)
	}
	// Ranks first, for every table with an identity: a row may refer to a
	// later row of its own table (units.parent_id, objectives.parent_id).
	ranks := map[string]map[int64]int64{}
	for _, t := range enteTables() {
		idCol := identityColumn(sch[t.name])
		if idCol == "" {
			continue
		}
		rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT t.%s FROM %s t WHERE %s ORDER BY %s`,
			pgx.Identifier{idCol}.Sanitize(), pgx.Identifier{t.name}.Sanitize(), t.where, t.order), enteID)
		if err != nil {
			return out, fmt.Errorf("ente export: ids of %s: %w", t.name, err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return out, fmt.Errorf("ente export: ids of %s: %w", t.name, err)
		}
		m := make(map[int64]int64, len(ids))
		for i, id := range ids {
			m[id] = int64(i + 1)
		}
		ranks[t.name] = m
	}
	for _, t := range enteTables() {
		if !carry {
			t.carry = nil
		}
		d, n, err := exportTable(ctx, tx, enteID, t, sch[t.name], ranks, sink)
		if err != nil {
			return out, err
		}
		out.Blobs += n
		out.Tables = append(out.Tables, d)
		if err := sink.EndTable(d); err != nil {
			return out, err
		}
	}
	if out.OpenData, err = enteOpenData(ctx, tx, enteID, out.Ente); err != nil {
		return out, err
	}
	err = tx.QueryRow(ctx, `SELECT e.seq, encode(e.hash, 'hex') FROM audit_events e
		WHERE e.ente_id = $1 AND e.seq IS NOT NULL ORDER BY e.seq DESC LIMIT 1`, enteID).Scan(&out.AuditHead.Seq, &out.AuditHead.Hash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return out, fmt.Errorf("ente export: audit head: %w", err)
	}
	return out, nil
}

// enteOpenData digests the open data of every plan of the ente, by slug.
func enteOpenData(ctx context.Context, tx pgx.Tx, enteID int64, ente string) ([]model.FileDigest, error) {
	rows, err := tx.Query(ctx, `SELECT slug FROM plans WHERE ente_id = $1 ORDER BY slug`, enteID)
	if err != nil {
		return nil, fmt.Errorf("ente export: plans: %w", err)
	}
	plans, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("ente export: plans: %w", err)
	}
	var out []model.FileDigest
	for _, p := range plans {
		_, od, err := openData(ctx, tx, ente, p)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		cw.UseCRLF = true
		if err := cw.Write(model.OpenDataColumns()); err != nil {
			return nil, fmt.Errorf("ente export: open data: %w", err)
		}
		for _, r := range od {
			if err := cw.Write(r.Values()); err != nil {
				return nil, fmt.Errorf("ente export: open data: %w", err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return nil, fmt.Errorf("ente export: open data: %w", err)
		}
		sum := sha256.Sum256(buf.Bytes())
		out = append(out, model.FileDigest{Name: p + "/indicators.csv", Size: int64(buf.Len()), SHA256: hex.EncodeToString(sum[:])})
	}
	return out, nil
}

func identityColumn(cols []enteColumn) string {
	for _, c := range cols {
		if c.identity {
			return c.name
		}
	}
	return ""
}

func exportTable(ctx context.Context, tx pgx.Tx, enteID int64, t enteTable, cols []enteColumn, ranks map[string]map[int64]int64, sink EnteSink) (model.TableDigest, int64, error) {
	d := model.TableDigest{Table: t.name}
	sel := "to_jsonb(t)"
	if len(t.blobs) > 0 {
		sel += " - " + quoteTextArray(t.blobs)
	}
	for col, expr := range t.carry {
		sel += " || jsonb_build_object(" + quoteLiteral(col) + ", " + expr + ")"
	}
	for _, b := range t.blobs {
		sel += ", t." + pgx.Identifier{b}.Sanitize()
	}
	rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT %s FROM %s t WHERE %s ORDER BY %s`,
		sel, pgx.Identifier{t.name}.Sanitize(), t.where, t.order), enteID)
	if err != nil {
		return d, 0, fmt.Errorf("ente export: read %s: %w", t.name, err)
	}
	defer rows.Close()
	h := sha256.New()
	idCol := identityColumn(cols)
	var sorted []string
	var blobs int64
	for rows.Next() {
		var obj []byte
		bin := make([][]byte, len(t.blobs))
		dest := []any{&obj}
		for i := range bin {
			dest = append(dest, &bin[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return d, 0, fmt.Errorf("ente export: read %s: %w", t.name, err)
		}
		var row map[string]json.RawMessage
		if err := json.Unmarshal(obj, &row); err != nil {
			return d, 0, fmt.Errorf("ente export: row of %s: %w", t.name, err)
		}
		d.Rows++
		digest := make(map[string]any, len(row))
		for k, v := range row {
			digest[k] = v
		}
		for _, c := range cols {
			switch {
			case c.name == idCol:
				digest[c.name] = d.Rows
			case c.ref != "":
				v, ok, err := rowID(row, c.name)
				if err != nil {
					return d, 0, fmt.Errorf("ente export: %s.%s: %w", t.name, c.name, err)
				}
				if !ok {
					continue
				}
				r, in := ranks[c.ref][v]
				if !in {
					// A reference out of the ente (a notification to an
					// installation-wide account): the file says null, as a
					// deleted recipient would (ON DELETE SET NULL).
					row[c.name] = json.RawMessage("null")
					digest[c.name] = nil
					continue
				}
				digest[c.name] = r
			}
		}
		if t.name == "audit_events" {
			for _, c := range auditChainColumns {
				delete(digest, c)
			}
		}
		for _, c := range t.rekey {
			delete(digest, c)
		}
		for i, b := range t.blobs {
			if bin[i] == nil {
				row[b] = json.RawMessage("null")
				digest[b] = nil
				continue
			}
			s := sha256.Sum256(bin[i])
			digest[b] = hex.EncodeToString(s[:])
			name, err := sink.Blob(t.name, b, d.Rows, bin[i])
			if err != nil {
				return d, 0, err
			}
			enc, _ := json.Marshal(name)
			row[b] = enc
			blobs++
		}
		line, err := json.Marshal(row)
		if err != nil {
			return d, 0, fmt.Errorf("ente export: row of %s: %w", t.name, err)
		}
		if err := sink.Row(t.name, line); err != nil {
			return d, 0, err
		}
		dl, err := json.Marshal(digest)
		if err != nil {
			return d, 0, fmt.Errorf("ente export: digest of %s: %w", t.name, err)
		}
		if idCol == "" {
			sorted = append(sorted, string(dl))
			continue
		}
		h.Write(dl)
		h.Write([]byte{'\n'})
	}
	if err := rows.Err(); err != nil {
		return d, 0, fmt.Errorf("ente export: read %s: %w", t.name, err)
	}
	// A table without an id of its own is ordered by the ids it refers to,
	// which a restore renumbers (objectives are restored parents first): its
	// digest takes its rows sorted. Such tables are small (links, targets,
	// baselines), so holding their digest lines is bounded by the plan's size.
	slices.Sort(sorted)
	for _, l := range sorted {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	d.SHA256 = hex.EncodeToString(h.Sum(nil))
	return d, blobs, nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func quoteTextArray(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteLiteral(n)
	}
	return "ARRAY[" + strings.Join(q, ", ") + "]::text[]"
}

// rowID reads an integer column of a row; ok is false for null.
func rowID(row map[string]json.RawMessage, col string) (int64, bool, error) {
	raw, present := row[col]
	if !present || string(raw) == "null" {
		return 0, false, nil
	}
	var v int64
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false, err
	}
	return v, true, nil
}
