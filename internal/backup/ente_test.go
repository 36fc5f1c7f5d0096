package backup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"reflect"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/backup"
	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/password"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
	"github.com/piao-performance/piao/internal/testfix"
)

type nopSink struct{}

func (nopSink) Blob(string, string, int64, []byte) (string, error) { return "", nil }
func (nopSink) Row(string, []byte) error                           { return nil }
func (nopSink) EndTable(model.TableDigest) error                   { return nil }

// enteDigests is the id-independent picture of one ente.
func enteDigests(t *testing.T, st *store.Store, slug string) []model.TableDigest {
	t.Helper()
	exp, err := st.ExportEnte(context.Background(), slug, nopSink{})
	if err != nil {
		t.Fatal(err)
	}
	return exp.Tables
}

// TestEnteBackupRoundTrip: one ente (the reference plan with its sample
// actuals, an account, an attachment, an OIV observation) is backed up and
// restored into an installation that already holds another ente: the rows,
// the attachment's bytes, the audit chain and the open data come back, the
// account signs in with its password, the other ente is untouched; a second
// restore of the same file is refused.
func TestEnteBackupRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	src, srcPool := ref.Store, ref.Pool
	hash, err := password.Hash("una-password-lunga")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.CreateUser(ctx, store.NewUser{Ente: testfix.Ente, Username: "mario.rossi", DisplayName: "Mario Rossi",
		Email: "mario.rossi@example.it", Role: auth.Segretario, PasswordHash: hash}, "test"); err != nil {
		t.Fatal(err)
	}
	var objective string
	if err := srcPool.QueryRow(ctx, `SELECT code FROM objectives WHERE plan_id = $1 ORDER BY id LIMIT 1`, ref.Plan.ID).Scan(&objective); err != nil {
		t.Fatal(err)
	}
	if _, err := src.AddObservation(ctx, ref.Plan, model.Observation{Year: ref.Plan.StartYear, Objective: objective, Body: "Osservazione dell'OIV"}, "oiv"); err != nil {
		t.Fatal(err)
	}
	attachment := []byte("%PDF-1.4 allegato\x00\x01\x02 byte per byte")
	sum := sha256.Sum256(attachment)
	if _, err := srcPool.Exec(ctx, `INSERT INTO measurement_attachments (measurement_id, filename, content_type, size, sha256, data, uploaded_by)
		SELECT id, 'prova.pdf', 'application/pdf', $1, $2, $3, 'test' FROM measurements WHERE plan_id = $4 ORDER BY id LIMIT 1`,
		len(attachment), hex.EncodeToString(sum[:]), attachment, ref.Plan.ID); err != nil {
		t.Fatal(err)
	}
	v, err := dbmigrate.Latest() // the fixture's template is migrated to the latest
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	m, err := backup.WriteEnte(ctx, src, testfix.Ente, v, &file, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if m.AuditHead == nil || m.AuditHead.Seq == 0 {
		t.Fatalf("manifest without the audit head: %+v", m.AuditHead)
	}
	_, wantOpen, err := src.OpenData(ctx, testfix.Ente, testfix.Plan)
	if err != nil {
		t.Fatal(err)
	}

	// The target holds another ente first, so every id differs.
	_, dstPool := testdb.Pools(t) // a restore runs as the schema's owner, as piao restore does
	dst := store.New(dstPool)
	other := testfix.ReferenceDoc(t)
	other.Ente.Slug, other.Ente.Name = "altro-ente", "Altro ente"
	if _, err := dst.LoadPlan(ctx, other, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	otherBefore := enteDigests(t, dst, "altro-ente")

	c, err := backup.Check(bytes.NewReader(file.Bytes()), t.TempDir())
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	defer c.Close()
	if c.Header.Kind != backup.KindEnte || c.Header.Ente != testfix.Ente {
		t.Fatalf("header %+v", c.Header)
	}
	rep, err := backup.RestoreEnte(ctx, c, dst, v, "test")
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if rep.Blobs.Attachments != 1 || rep.Blobs.AttachmentBytes != int64(len(attachment)) || rep.Chain.Events == 0 || rep.OldHead != *m.AuditHead {
		t.Errorf("report: %+v", rep)
	}

	// What the restore proved before committing holds after it too.
	if got := enteDigests(t, dst, testfix.Ente); !reflect.DeepEqual(withoutAudit(got), withoutAudit(m.Tables)) {
		t.Errorf("restored ente differs:\n got %v\nwant %v", got, m.Tables)
	}
	if got := enteDigests(t, dst, "altro-ente"); !reflect.DeepEqual(got, otherBefore) {
		t.Errorf("the other ente changed:\n got %v\nwant %v", got, otherBefore)
	}
	chains, err := dst.VerifyAuditChains(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chains {
		if ch.BrokenAt != 0 {
			t.Errorf("chain %q broken at %d: %s", ch.Ente, ch.BrokenAt, ch.Problem)
		}
	}
	_, gotOpen, err := dst.OpenData(ctx, testfix.Ente, testfix.Plan)
	if err != nil {
		t.Fatal(err)
	}
	if len(gotOpen) == 0 || !reflect.DeepEqual(gotOpen, wantOpen) {
		t.Errorf("open data differs: %d rows, want %d", len(gotOpen), len(wantOpen))
	}
	var data []byte
	if err := dstPool.QueryRow(ctx, `SELECT a.data FROM measurement_attachments a JOIN measurements m ON m.id = a.measurement_id
		JOIN plans p ON p.id = m.plan_id JOIN enti e ON e.id = p.ente_id WHERE e.slug = $1`, testfix.Ente).Scan(&data); err != nil || !bytes.Equal(data, attachment) {
		t.Errorf("attachment: %q, %v", data, err)
	}
	u, h, err := dst.Credentials(ctx, "mario.rossi")
	if err != nil || !password.Check("una-password-lunga", h) || u.EnteSlug != testfix.Ente {
		t.Errorf("the restored account does not sign in: %+v %v", u, err)
	}

	// The same file again: the ente exists, refused, nothing written.
	before := enteDigests(t, dst, testfix.Ente)
	_, err = backup.RestoreEnte(ctx, c, dst, v, "test")
	var exists *backup.EnteExistsError
	if !errors.As(err, &exists) {
		t.Fatalf("second restore: %v, want EnteExistsError", err)
	}
	if got := enteDigests(t, dst, testfix.Ente); !reflect.DeepEqual(got, before) {
		t.Errorf("a refused restore changed the ente")
	}
}

// withoutAudit drops the audit table: after a restore it holds one more
// event, "ente.restored".
func withoutAudit(ds []model.TableDigest) []model.TableDigest {
	var out []model.TableDigest
	for _, d := range ds {
		if d.Table != "audit_events" {
			out = append(out, d)
		}
	}
	return out
}
