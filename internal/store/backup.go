package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// BackupExcluded names the tables whose rows a backup leaves out, each with
// the reason; every other table of the schema is backed up, found in the
// catalog, so a table added by a later migration is included without a
// change here.
func BackupExcluded() map[string]string {
	return map[string]string{
		"sessions":         "sign-in sessions: a restored installation starts with everyone signed out",
		"sign_in_throttle": "failed sign-in counters: transient protection, rebuilt by use",
	}
}

// BackupSnapshot runs fn while a read-only transaction holds a snapshot exported
// under the returned name (pg_dump --snapshot reads exactly the same data),
// and returns the digest of every table not in BackupExcluded as seen by that
// snapshot.
func (s *Store) BackupSnapshot(ctx context.Context, fn func(ctx context.Context, snapshot string) error) ([]model.TableDigest, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("begin snapshot: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	var snap string
	if err := tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&snap); err != nil {
		return nil, fmt.Errorf("export snapshot: %w", err)
	}
	digests, err := tableDigests(ctx, tx)
	if err != nil {
		return nil, err
	}
	if err := fn(ctx, snap); err != nil {
		return nil, err
	}
	return digests, nil
}

// TableDigests returns the digest of every table not in BackupExcluded, in
// one consistent snapshot.
func (s *Store) TableDigests(ctx context.Context) ([]model.TableDigest, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("begin digests: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	return tableDigests(ctx, tx)
}

// SchemaTables lists the base tables of the public schema, by name.
func (s *Store) SchemaTables(ctx context.Context) ([]string, error) {
	return schemaTables(ctx, s.pool)
}

func schemaTables(ctx context.Context, q querier) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return names, nil
}

// tableDigests reads every backed-up table in primary-key order, one row at
// a time, with the session settings that fix the rows' text.
func tableDigests(ctx context.Context, tx pgx.Tx) ([]model.TableDigest, error) {
	for _, set := range []string{
		`SET LOCAL TimeZone = 'UTC'`, `SET LOCAL DateStyle = 'ISO, YMD'`,
		`SET LOCAL IntervalStyle = 'postgres'`, `SET LOCAL extra_float_digits = 1`,
	} {
		if _, err := tx.Exec(ctx, set); err != nil {
			return nil, fmt.Errorf("digest settings: %w", err)
		}
	}
	tables, err := schemaTables(ctx, tx)
	if err != nil {
		return nil, err
	}
	excluded := BackupExcluded()
	var out []model.TableDigest
	for _, t := range tables {
		if _, skip := excluded[t]; skip {
			continue
		}
		d, err := tableDigest(ctx, tx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func tableDigest(ctx context.Context, tx pgx.Tx, table string) (model.TableDigest, error) {
	rows, err := tx.Query(ctx, `SELECT a.attname, a.atttypid = 'bytea'::regtype,
			coalesce(array_position(i.indkey::int2[], a.attnum), -1) -- int2vector counts from 0
		FROM pg_attribute a
		LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
		WHERE a.attrelid = to_regclass('public.' || quote_ident($1)) AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, table)
	if err != nil {
		return model.TableDigest{}, fmt.Errorf("columns of %s: %w", table, err)
	}
	type column struct {
		name  string
		bytea bool
		pkPos int
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (column, error) {
		var c column
		err := r.Scan(&c.name, &c.bytea, &c.pkPos)
		return c, err
	})
	if err != nil {
		return model.TableDigest{}, fmt.Errorf("columns of %s: %w", table, err)
	}
	exprs := make([]string, len(cols))
	var pk []column
	for i, c := range cols {
		id := pgx.Identifier{c.name}.Sanitize()
		exprs[i] = id
		if c.bytea {
			exprs[i] = "encode(sha256(" + id + "), 'hex')"
		}
		if c.pkPos >= 0 {
			pk = append(pk, c)
		}
	}
	slices.SortFunc(pk, func(a, b column) int { return a.pkPos - b.pkPos })
	order := "1"
	if len(pk) > 0 {
		keys := make([]string, len(pk))
		for i, c := range pk {
			keys[i] = pgx.Identifier{c.name}.Sanitize()
		}
		order = strings.Join(keys, ", ")
	}
	q := fmt.Sprintf(`SELECT ROW(%s)::text FROM %s ORDER BY %s`,
		strings.Join(exprs, ", "), pgx.Identifier{"public", table}.Sanitize(), order)
	if len(pk) == 0 {
		q = fmt.Sprintf(`SELECT r FROM (SELECT ROW(%s)::text AS r FROM %s) t ORDER BY r COLLATE "C"`,
			strings.Join(exprs, ", "), pgx.Identifier{"public", table}.Sanitize())
	}
	data, err := tx.Query(ctx, q)
	if err != nil {
		return model.TableDigest{}, fmt.Errorf("read %s: %w", table, err)
	}
	defer data.Close()
	h := sha256.New()
	d := model.TableDigest{Table: table}
	for data.Next() {
		var line string
		if err := data.Scan(&line); err != nil {
			return model.TableDigest{}, fmt.Errorf("read %s: %w", table, err)
		}
		h.Write([]byte(line))
		h.Write([]byte{'\n'})
		d.Rows++
	}
	if err := data.Err(); err != nil {
		return model.TableDigest{}, fmt.Errorf("read %s: %w", table, err)
	}
	d.SHA256 = hex.EncodeToString(h.Sum(nil))
	return d, nil
}

// CheckBlobs recomputes the SHA-256 of every stored attachment and
// validation document and counts those that differ from the recorded one.
func (s *Store) CheckBlobs(ctx context.Context) (model.BlobCheck, error) {
	var c model.BlobCheck
	err := s.pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(length(data)), 0),
			count(*) FILTER (WHERE encode(sha256(data), 'hex') <> sha256 OR length(data) <> size)
		FROM measurement_attachments`).Scan(&c.Attachments, &c.AttachmentBytes, &c.BadAttachments)
	if err != nil {
		return c, fmt.Errorf("check attachments: %w", err)
	}
	err = s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE document IS NOT NULL),
			count(*) FILTER (WHERE document IS NOT NULL AND encode(sha256(document), 'hex') IS DISTINCT FROM document_sha256)
		FROM relazione_validations`).Scan(&c.Documents, &c.BadDocuments)
	if err != nil {
		return c, fmt.Errorf("check validation documents: %w", err)
	}
	return c, nil
}

// DropRestoredSchema empties the public schema (DROP SCHEMA public CASCADE,
// then CREATE SCHEMA public) in one transaction. Only a restore calls it: on
// a database it found without tables and filled itself, when the restored
// data fails verification, so a failed restore leaves nothing behind.
func (s *Store) DropRestoredSchema(ctx context.Context) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DROP SCHEMA public CASCADE`); err != nil {
			return fmt.Errorf("drop restored schema: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE SCHEMA public`); err != nil {
			return fmt.Errorf("recreate public schema: %w", err)
		}
		return nil
	})
}
