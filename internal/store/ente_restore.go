package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/piao-performance/piao/internal/model"
)

// The restore of one ente's backup (the export is in ente_backup.go).

// EnteSource gives a restore the rows and blobs of a checked backup file.
type EnteSource interface {
	// Rows calls fn with every row of table, in the file's order.
	Rows(table string, fn func(line []byte) error) error
	// Blob returns the bytes a row's binary column names.
	Blob(name string) ([]byte, error)
}

// AccountsTakenError is returned by ImportEnte when an account of the backup
// has the username, e-mail address or single sign-on identity of an account
// already in the target; Names are the target's accounts.
type AccountsTakenError struct{ Names []string }

func (e *AccountsTakenError) Error() string {
	return "accounts already exist in the target: " + strings.Join(e.Names, ", ")
}

// EnteImportCheck is what ImportEnte compares the restored rows with, before
// it commits: the manifest's digests and the original chain's head.
type EnteImportCheck struct {
	Tables    []model.TableDigest
	OpenData  []model.FileDigest
	AuditHead model.AuditHead
	Actor     string         // who restores, for the audit event
	Detail    map[string]any // what the audit event records about the file
}

// EnteImport is what ImportEnte did.
type EnteImport struct {
	EnteID    int64
	Rows      int64
	Blobs     model.BlobCheck
	Chain     model.ChainReport // the restored ente's chain, re-sealed
	OldHead   model.AuditHead   // the original chain's head, verified in the file
	Restored  []model.TableDigest
	OpenData  []model.FileDigest // the restored plans' open data, equal to the backup's
	Problems  []string           // differences from the manifest; non-empty means nothing was committed
	Committed bool
}

// ImportEnte restores one ente from src in one transaction: every row with a
// new id and every reference rewritten, blobs byte for byte, the original
// audit chain verified event by event from the file and then re-sealed in
// the same order under the new ids (its hashes cover the ids, so they
// cannot be kept; the original head goes into the restore's own audit
// event, "ente.restore"). Before committing it exports the restored ente
// again and compares the digests with want, checks every blob's SHA-256 and
// the new chain; any difference rolls everything back (Problems says what).
func (s *Store) ImportEnte(ctx context.Context, slug string, src EnteSource, want EnteImportCheck) (EnteImport, error) {
	var res EnteImport
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM enti WHERE slug = $1)`, slug).Scan(&exists); err != nil {
			return fmt.Errorf("ente restore: %w", err)
		}
		if exists {
			return fmt.Errorf("ente %q: %w", slug, ErrEnteExists)
		}
		if err := checkAccountsFree(ctx, tx, src); err != nil {
			return err
		}
		sch, err := loadEnteSchema(ctx, tx)
		if err != nil {
			return err
		}
		// The trigger of migration 000016 stamps an event with now(); a
		// restored event keeps the time it happened, so the trigger is off
		// for this transaction only (ALTER TABLE is transactional; its lock
		// holds other writers of audit_events until the commit).
		if _, err := tx.Exec(ctx, `ALTER TABLE audit_events DISABLE TRIGGER audit_events_unsealed`); err != nil {
			return fmt.Errorf("ente restore: audit trigger: %w", err)
		}
		ids := map[string]map[int64]int64{}
		for _, t := range enteTables() {
			n, err := importTable(ctx, tx, t, sch[t.name], ids, src, &res)
			if err != nil {
				return err
			}
			res.Rows += n
		}
		if _, err := tx.Exec(ctx, `ALTER TABLE audit_events ENABLE TRIGGER audit_events_unsealed`); err != nil {
			return fmt.Errorf("ente restore: audit trigger: %w", err)
		}
		if res.OldHead != want.AuditHead {
			res.Problems = append(res.Problems, fmt.Sprintf("la catena di audit nel file termina a %s, il manifesto dice %s", res.OldHead, want.AuditHead))
		}
		if len(ids["enti"]) != 1 {
			return enteFileError("contiene %d enti invece di uno", len(ids["enti"]))
		}
		res.EnteID = ids["enti"][firstKey(ids["enti"])]
		var restored string
		if err := tx.QueryRow(ctx, `SELECT slug FROM enti WHERE id = $1`, res.EnteID).Scan(&restored); err != nil {
			return fmt.Errorf("ente restore: %w", err)
		}
		if restored != slug {
			return enteFileError("l'intestazione nomina l'ente %s, le righe l'ente %s", slug, restored)
		}
		if _, err := tx.Exec(ctx, `SELECT audit_seal()`); err != nil {
			return fmt.Errorf("ente restore: seal: %w", err)
		}

		// The proof, before anything is committed.
		got, err := exportEnte(ctx, tx, res.EnteID, discardSink{}, false)
		if err != nil {
			return err
		}
		res.Restored = got.Tables
		res.Problems = append(res.Problems, compareDigests(want.Tables, got.Tables)...)
		res.OpenData = got.OpenData
		if !slices.Equal(got.OpenData, want.OpenData) {
			res.Problems = append(res.Problems, fmt.Sprintf("i dati aperti dei piani (%v) differiscono da quelli del backup (%v)", got.OpenData, want.OpenData))
		}
		if res.Blobs, err = checkEnteBlobs(ctx, tx, res.EnteID); err != nil {
			return err
		}
		if res.Blobs.BadAttachments > 0 || res.Blobs.BadDocuments > 0 {
			res.Problems = append(res.Problems, fmt.Sprintf("%d allegati e %d documenti non corrispondono alla loro impronta SHA-256", res.Blobs.BadAttachments, res.Blobs.BadDocuments))
		}
		if res.Chain, err = verifyAuditChain(ctx, tx, res.EnteID); err != nil {
			return err
		}
		res.Chain.Ente = slug
		if res.Chain.BrokenAt != 0 {
			res.Problems = append(res.Problems, fmt.Sprintf("la catena di audit ripristinata non è integra all'evento %d: %s", res.Chain.BrokenAt, res.Chain.Problem))
		}
		if len(res.Problems) > 0 {
			return errEnteProblems
		}
		detail := map[string]any{"original_head": res.OldHead.String(), "restored_head": res.Chain.Head.String(), "events": res.Chain.Events}
		for k, v := range want.Detail {
			detail[k] = v
		}
		enteID := res.EnteID
		if err := appendAudit(ctx, tx, AuditEvent{Actor: want.Actor, Action: "ente.restore", EnteID: &enteID,
			ObjectType: "ente", ObjectKey: slug, Detail: detail}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT audit_seal()`); err != nil {
			return fmt.Errorf("ente restore: seal: %w", err)
		}
		return nil
	})
	if errors.Is(err, errEnteProblems) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Committed = true
	return res, nil
}

var errEnteProblems = errors.New("restored ente differs from the backup")

func firstKey(m map[int64]int64) int64 {
	for k := range m {
		return k
	}
	return 0
}

type discardSink struct{}

func (discardSink) Blob(string, string, int64, []byte) (string, error) { return "", nil }
func (discardSink) Row(string, []byte) error                           { return nil }
func (discardSink) EndTable(model.TableDigest) error                   { return nil }

func compareDigests(want, got []model.TableDigest) []string {
	var problems []string
	g := map[string]model.TableDigest{}
	for _, d := range got {
		g[d.Table] = d
	}
	for _, w := range want {
		d, ok := g[w.Table]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("la tabella %s del manifesto manca", w.Table))
		case d.Rows != w.Rows:
			problems = append(problems, fmt.Sprintf("tabella %s: %d righe, il manifesto ne indica %d", w.Table, d.Rows, w.Rows))
		case d.SHA256 != w.SHA256:
			problems = append(problems, fmt.Sprintf("tabella %s: le righe differiscono dall'impronta del manifesto", w.Table))
		}
		delete(g, w.Table)
	}
	for t, d := range g {
		if d.Rows > 0 {
			problems = append(problems, fmt.Sprintf("tabella %s: %d righe non presenti nel manifesto", t, d.Rows))
		}
	}
	slices.Sort(problems)
	return problems
}

// checkAccountsFree refuses a restore whose accounts would collide with the
// target's: usernames, e-mail addresses and single sign-on identities are
// unique in the installation (migrations 000004 and 000015).
func checkAccountsFree(ctx context.Context, tx pgx.Tx, src EnteSource) error {
	var names, emails, sso []string
	err := src.Rows("users", func(line []byte) error {
		var u struct {
			Username   string  `json:"username"`
			Email      string  `json:"email"`
			SSOIssuer  *string `json:"sso_issuer"`
			SSOSubject *string `json:"sso_subject"`
		}
		if err := json.Unmarshal(line, &u); err != nil {
			return fmt.Errorf("ente restore: account: %w", err)
		}
		names = append(names, u.Username)
		emails = append(emails, strings.ToLower(u.Email))
		if u.SSOSubject != nil {
			issuer := ""
			if u.SSOIssuer != nil {
				issuer = *u.SSOIssuer
			}
			sso = append(sso, issuer+"\x1f"+*u.SSOSubject)
		}
		return nil
	})
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT username FROM users WHERE username = ANY($1) OR (email <> '' AND lower(email) = ANY($2))
		OR (sso_subject IS NOT NULL AND coalesce(sso_issuer, '') || E'\x1f' || sso_subject = ANY($3)) ORDER BY username`, names, emails, sso)
	if err != nil {
		return fmt.Errorf("ente restore: accounts: %w", err)
	}
	taken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("ente restore: accounts: %w", err)
	}
	if len(taken) > 0 {
		return &AccountsTakenError{Names: taken}
	}
	return nil
}

type deferredRef struct {
	newID, oldRef int64
	col           string
}

// Rows go to the server in batches (one round trip for many inserts), of at
// most restoreBatchRows rows or about restoreBatchBytes of row text and
// blobs, so a restore's memory stays bounded whatever the ente's size.
const (
	restoreBatchRows  = 500
	restoreBatchBytes = 16 << 20
)

// importTable inserts one table's rows, in the file's order, with new ids.
// Each row goes through jsonb_populate_record, so its columns take the
// exact text the export wrote. A reference to the table itself that points
// to a row of the current batch sends the batch first; one that points to a
// later row is set after the table's last row.
func importTable(ctx context.Context, tx pgx.Tx, t enteTable, cols []enteColumn, ids map[string]map[int64]int64, src EnteSource, res *EnteImport) (int64, error) {
	idCol := identityColumn(cols)
	var insCols, exprs []string
	args := 1
	isBlob := map[string]int{}
	for _, c := range cols {
		if c.identity {
			continue
		}
		insCols = append(insCols, pgx.Identifier{c.name}.Sanitize())
		if i := slices.Index(t.blobs, c.name); i >= 0 {
			args++
			isBlob[c.name] = args
			exprs = append(exprs, fmt.Sprintf("$%d::bytea", args))
			continue
		}
		exprs = append(exprs, "r."+pgx.Identifier{c.name}.Sanitize())
	}
	q := fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM jsonb_populate_record(NULL::%s, $1) r`,
		pgx.Identifier{t.name}.Sanitize(), strings.Join(insCols, ", "), strings.Join(exprs, ", "), pgx.Identifier{t.name}.Sanitize())
	if idCol != "" {
		q += " RETURNING " + pgx.Identifier{idCol}.Sanitize()
		ids[t.name] = map[int64]int64{}
	}
	var (
		n        int64
		deferred []deferredRef
		chain    originalChain
		batch    = &pgx.Batch{}
		queued   int
		inBatch  = map[int64]bool{} // old ids of this table queued, not yet sent
	)
	flush := func() error {
		if batch.Len() == 0 {
			return nil
		}
		err := tx.SendBatch(ctx, batch).Close()
		batch, queued = &pgx.Batch{}, 0
		clear(inBatch)
		return err
	}
	err := src.Rows(t.name, func(line []byte) error {
		var row map[string]json.RawMessage
		if err := json.Unmarshal(line, &row); err != nil {
			return enteFileError("la riga %d della tabella %s non è leggibile: %v", n+1, t.name, err)
		}
		n++
		if t.name == "audit_events" {
			chain.queueCheck(batch, line, res)
			for _, c := range auditChainColumns {
				row[c] = json.RawMessage("null")
			}
		}
		var oldID int64
		var selfRefs []deferredRef
		for _, c := range cols {
			switch {
			case c.identity:
				v, ok, err := rowID(row, c.name)
				if err != nil || !ok {
					return enteFileError("la riga %d della tabella %s non ha un identificativo", n, t.name)
				}
				oldID = v
			case c.ref != "":
				v, ok, err := rowID(row, c.name)
				if err != nil {
					return enteFileError("la colonna %s.%s non è leggibile: %v", t.name, c.name, err)
				}
				if !ok {
					continue
				}
				if c.ref == t.name && inBatch[v] {
					// the parent is in the batch: send it, to know its new id
					if err := flush(); err != nil {
						return err
					}
				}
				nv, mapped := ids[c.ref][v]
				if !mapped {
					if c.ref != t.name {
						return enteFileError("la riga %d della tabella %s rimanda a %s %d, assente nel backup", n, t.name, c.ref, v)
					}
					selfRefs = append(selfRefs, deferredRef{oldRef: v, col: c.name})
					row[c.name] = json.RawMessage("null")
					continue
				}
				row[c.name] = json.RawMessage(fmt.Sprint(nv))
			}
		}
		for _, c := range t.rekey {
			var v *string
			if err := json.Unmarshal(row[c], &v); err != nil {
				return enteFileError("la colonna %s.%s non è leggibile: %v", t.name, c, err)
			}
			if v != nil {
				enc, _ := json.Marshal(fmt.Sprintf("restored:%d:%s", ids["enti"][firstKey(ids["enti"])], *v))
				row[c] = enc
			}
		}
		params := make([]any, 1+len(isBlob))
		for name, pos := range isBlob {
			raw := row[name]
			if string(raw) == "null" || raw == nil {
				continue
			}
			var entry string
			if err := json.Unmarshal(raw, &entry); err != nil {
				return enteFileError("la colonna %s.%s non è leggibile: %v", t.name, name, err)
			}
			b, err := src.Blob(entry)
			if err != nil {
				return err
			}
			params[pos-1] = b
			queued += len(b)
			row[name] = json.RawMessage("null")
		}
		obj, err := json.Marshal(row)
		if err != nil {
			return fmt.Errorf("ente restore: row %d of %s: %w", n, t.name, err)
		}
		params[0] = string(obj)
		queued += len(obj)
		rowN := n
		if idCol != "" {
			inBatch[oldID] = true
		}
		if idCol == "" {
			batch.Queue(q, params...).Exec(func(pgconn.CommandTag) error { return nil })
		} else {
			batch.Queue(q, params...).QueryRow(func(r pgx.Row) error {
				var newID int64
				if err := r.Scan(&newID); err != nil {
					return fmt.Errorf("ente restore: insert row %d into %s: %w", rowN, t.name, err)
				}
				ids[t.name][oldID] = newID
				for _, d := range selfRefs {
					d.newID = newID
					deferred = append(deferred, d)
				}
				return nil
			})
		}
		if batch.Len() >= restoreBatchRows || queued >= restoreBatchBytes {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return n, withTable(err, t.name)
	}
	for _, d := range deferred {
		nv, ok := ids[t.name][d.oldRef]
		if !ok {
			return n, enteFileError("la riga %d della tabella %s rimanda a %s %d, assente nel backup", d.newID, t.name, t.name, d.oldRef)
		}
		batch.Queue(fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE %s = $2`, pgx.Identifier{t.name}.Sanitize(),
			pgx.Identifier{d.col}.Sanitize(), pgx.Identifier{idCol}.Sanitize()), nv, d.newID)
		if batch.Len() >= restoreBatchRows {
			if err := flush(); err != nil {
				return n, withTable(err, t.name)
			}
		}
	}
	if err := flush(); err != nil {
		return n, withTable(err, t.name)
	}
	return n, nil
}

// withTable names the table of a failed insert, unless the error already
// says what failed (a chain or file error, or this function's own).
func withTable(err error, table string) error {
	var chain *ChainFileError
	var file *EnteFileError
	if errors.As(err, &chain) || errors.As(err, &file) || strings.HasPrefix(err.Error(), "ente restore:") {
		return err
	}
	return fmt.Errorf("ente restore: %s: %w", table, err)
}

// originalChain follows the original audit chain through the file.
type originalChain struct {
	seq  int64
	last string
}

// queueCheck verifies one event of the original chain as the file holds it,
// with the database's own audit_event_hash over the original ids: the
// events follow each other from seq 1, each links to the previous hash and
// its hash is its content's. Unsealed events (committed after the last
// seal) come last and are only counted. The check runs in the batch, before
// the event's insert; the batch stops at the first broken link.
func (c *originalChain) queueCheck(b *pgx.Batch, line []byte, res *EnteImport) {
	b.Queue(`SELECT r.seq, encode(r.prev_hash, 'hex'), encode(r.hash, 'hex'), encode(audit_event_hash(r.prev_hash, r), 'hex')
		FROM jsonb_populate_record(NULL::audit_events, $1) r`, string(line)).QueryRow(func(row pgx.Row) error {
		var (
			s                  *int64
			prev, hash, recomp *string
		)
		if err := row.Scan(&s, &prev, &hash, &recomp); err != nil {
			return fmt.Errorf("ente restore: audit event: %w", err)
		}
		if s == nil {
			return nil
		}
		p := ""
		if prev != nil {
			p = *prev
		}
		switch {
		case *s != c.seq+1:
			return &ChainFileError{Seq: *s, Problem: fmt.Sprintf("evento mancante: atteso il n. %d", c.seq+1)}
		case p != c.last:
			return &ChainFileError{Seq: *s, Problem: "il collegamento all'evento precedente non corrisponde"}
		case hash == nil || recomp == nil || *hash != *recomp:
			return &ChainFileError{Seq: *s, Problem: "il contenuto dell'evento è stato modificato"}
		}
		c.seq, c.last = *s, *hash
		res.OldHead = model.AuditHead{Seq: *s, Hash: *hash}
		return nil
	})
}

// ChainFileError says the original audit chain in a backup file does not
// verify; nothing is restored.
type ChainFileError struct {
	Seq     int64
	Problem string
}

func (e *ChainFileError) Error() string {
	return fmt.Sprintf("audit chain in the backup broken at event %d: %s", e.Seq, e.Problem)
}

// checkEnteBlobs recomputes the SHA-256 of one ente's attachments and
// validation documents.
func checkEnteBlobs(ctx context.Context, tx pgx.Tx, enteID int64) (model.BlobCheck, error) {
	var c model.BlobCheck
	err := tx.QueryRow(ctx, `SELECT count(*), coalesce(sum(length(a.data)), 0),
			count(*) FILTER (WHERE encode(sha256(a.data), 'hex') <> a.sha256 OR length(a.data) <> a.size)
		FROM measurement_attachments a JOIN measurements m ON m.id = a.measurement_id JOIN plans p ON p.id = m.plan_id
		WHERE p.ente_id = $1`, enteID).Scan(&c.Attachments, &c.AttachmentBytes, &c.BadAttachments)
	if err != nil {
		return c, fmt.Errorf("check attachments: %w", err)
	}
	err = tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE v.document IS NOT NULL),
			count(*) FILTER (WHERE v.document IS NOT NULL AND encode(sha256(v.document), 'hex') IS DISTINCT FROM v.document_sha256)
		FROM relazione_validations v JOIN plans p ON p.id = v.plan_id WHERE p.ente_id = $1`, enteID).Scan(&c.Documents, &c.BadDocuments)
	if err != nil {
		return c, fmt.Errorf("check validation documents: %w", err)
	}
	return c, nil
}

// EnteFileError is an ente backup whose content is inconsistent although its
// checksums hold (rows without ids, references to rows not in the file,
// another ente in the rows than in the header): the whole file is refused.
// Reason is Italian: the CLI shows it.
type EnteFileError struct{ Reason string }

func (e *EnteFileError) Error() string { return "ente restore: backup file: " + e.Reason }

func enteFileError(format string, args ...any) error {
	return &EnteFileError{Reason: fmt.Sprintf(format, args...)}
}
