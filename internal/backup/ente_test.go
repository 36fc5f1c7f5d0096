package backup_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/backup"
	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/password"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/seed"
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
	// a Relazione draft: the draft and its sections (a composite key on the plan) travel too
	edited := "Testo scritto dal Segretario Generale."
	if err := src.CreateRelazioneDraft(ctx, ref.Plan, ref.Plan.StartYear, []model.DraftSection{
		{Key: "sintesi", Generated: []model.DraftParagraph{{Sentences: []model.DraftSentence{{Text: "Frase generata dai dati."}}}}},
		{Key: "contesto", Free: true, Edited: &edited},
	}, "segretario"); err != nil {
		t.Fatal(err)
	}
	// The benchmarking KPI compares with another ente's live value, which
	// the target will not hold: the backup carries it.
	bench, err := seed.BenchmarkEnte()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.LoadPlan(ctx, bench, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	live := -2.5
	if _, err := src.ImportMeasurements(ctx, bench.Ente.Slug, bench.Plan.Slug, []measure.Row{{Indicator: "TP.1/1", Year: 2023, Period: "final", Value: &live}},
		store.ImportOptions{Actor: "test", Status: "approved", ClosePeriods: true}); err != nil {
		t.Fatal(err)
	}
	benchActual := func(st *store.Store) (float64, string) {
		t.Helper()
		h, err := st.PlanHeader(ctx, testfix.Ente, testfix.Plan)
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.Period(ctx, h.ID, 2023, "final")
		if err != nil {
			t.Fatal(err)
		}
		c, err := scores.Load(ctx, st, h, p, model.Public)
		if err != nil {
			t.Fatal(err)
		}
		r, i := c.Indicator("PO.4.1/1")
		return r.Actual, c.Result.Provenance[i]
	}
	wantBench, wantProv := benchActual(src)
	if !strings.Contains(wantProv, "Chieti-Pescara") {
		t.Fatalf("the source does not use the other ente's value: %v %s", wantBench, wantProv)
	}

	attachment := []byte("%PDF-1.4 allegato\x00\x01\x02 byte per byte")
	sum := sha256.Sum256(attachment)
	if _, err := srcPool.Exec(ctx, `INSERT INTO measurement_attachments (measurement_id, filename, content_type, size, sha256, data, uploaded_by)
		SELECT id, 'prova.pdf', 'application/pdf', $1, $2, $3, 'test' FROM measurements WHERE plan_id = $4 ORDER BY id LIMIT 1`,
		len(attachment), hex.EncodeToString(sum[:]), attachment, ref.Plan.ID); err != nil {
		t.Fatal(err)
	}
	// A unit whose parent was created after it (a higher id).
	for _, q := range []string{
		`INSERT INTO units (ente_id, key, name) SELECT id, 'zz-figlia', 'Unità figlia' FROM enti WHERE slug = $1`,
		`INSERT INTO units (ente_id, key, name) SELECT id, 'zz-madre', 'Unità madre' FROM enti WHERE slug = $1`,
		`UPDATE units SET parent_id = (SELECT id FROM units WHERE key = 'zz-madre') WHERE key = 'zz-figlia' AND $1 <> ''`,
	} {
		if _, err := srcPool.Exec(ctx, q, testfix.Ente); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// A sent notification to the account; its dedupe key embeds ids.
	const notifyQ = `INSERT INTO notifications (ente_id, kind, optional, recipient_id, recipient_name, recipient_email, subject, body_text, body_html, dedupe_key, status, sent_at)
		SELECT e.id, 'entry_approved', true, u.id, 'Mario Rossi', 'mario.rossi@example.it', 'Valore approvato', 'testo', '<p>testo</p>', 'entry_approved:m1:v1:u1', 'sent', now()
		FROM enti e LEFT JOIN users u ON u.username = 'mario.rossi' WHERE e.slug = $1`
	if _, err := srcPool.Exec(ctx, notifyQ, testfix.Ente); err != nil {
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
	if m.AuditHead == nil || m.AuditHead.Seq == 0 || len(m.OpenData) != 1 || m.OpenData[0].Size < 1000 {
		t.Fatalf("manifest without the audit head or the open data: %+v %+v", m.AuditHead, m.OpenData)
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
	// the same dedupe key, by chance, in the other ente: no collision
	if _, err := dstPool.Exec(ctx, notifyQ, "altro-ente"); err != nil {
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
	if !reflect.DeepEqual(rep.OpenData, m.OpenData) {
		t.Errorf("open data after restore %v, the manifest says %v", rep.OpenData, m.OpenData)
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
	if got, prov := benchActual(dst); got != wantBench || !strings.Contains(prov, "Chieti-Pescara") {
		t.Errorf("benchmarking KPI after restore: %v (%s), want %v (%s)", got, prov, wantBench, wantProv)
	}
	var parent string
	if err := dstPool.QueryRow(ctx, `SELECT p.key FROM units u JOIN units p ON p.id = u.parent_id JOIN enti e ON e.id = u.ente_id
		WHERE e.slug = $1 AND u.key = 'zz-figlia'`, testfix.Ente).Scan(&parent); err != nil || parent != "zz-madre" {
		t.Errorf("unit's parent after restore: %q %v", parent, err)
	}
	var key, recipient string
	if err := dstPool.QueryRow(ctx, `SELECT n.dedupe_key, u.username FROM notifications n JOIN users u ON u.id = n.recipient_id
		JOIN enti e ON e.id = n.ente_id WHERE e.slug = $1`, testfix.Ente).Scan(&key, &recipient); err != nil ||
		!strings.HasPrefix(key, "restored:") || !strings.HasSuffix(key, ":entry_approved:m1:v1:u1") || recipient != "mario.rossi" {
		t.Errorf("restored notification: key %q, recipient %q, %v", key, recipient, err)
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
// event, "ente.restore".
func withoutAudit(ds []model.TableDigest) []model.TableDigest {
	var out []model.TableDigest
	for _, d := range ds {
		if d.Table != "audit_events" {
			out = append(out, d)
		}
	}
	return out
}

// rewrite copies a backup, letting edit change any entry but the manifest
// and fix the manifest, then puts the edited entries' right sizes and
// SHA-256 in the manifest: only the restore's own checks can catch the edit.
func rewrite(t *testing.T, file []byte, edit func(name string, b []byte) []byte, fix func(*backup.Manifest)) []byte {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(file))
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	sums := map[string]backup.FileSum{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if h.Name == "manifest.json" {
			var m backup.Manifest
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			for i, f := range m.Files {
				if s, ok := sums[f.Name]; ok {
					m.Files[i] = s
				}
			}
			if fix != nil {
				fix(&m)
			}
			if b, err = json.Marshal(m); err != nil {
				t.Fatal(err)
			}
		} else if e := edit(h.Name, b); !bytes.Equal(e, b) {
			b = e
			s := sha256.Sum256(b)
			sums[h.Name] = backup.FileSum{Name: h.Name, Size: int64(len(b)), SHA256: hex.EncodeToString(s[:])}
		}
		h.Size = int64(len(b))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func unchanged(string, []byte) []byte { return nil }

// TestEnteRestoreRefusals: a truncated file, a changed byte, an edited audit
// event, a manifest that does not match the rows, another schema version
// and an account whose username the target holds are each refused whole;
// the target's tables are exactly as before.
func TestEnteRestoreRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ref := testfix.Reference(t)
	if _, err := ref.Store.CreateUser(ctx, store.NewUser{Ente: testfix.Ente, Username: "anna.bianchi", DisplayName: "Anna Bianchi",
		Role: auth.Lettore, PasswordHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"}, "test"); err != nil {
		t.Fatal(err)
	}
	v, err := dbmigrate.Latest()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := backup.WriteEnte(ctx, ref.Store, testfix.Ente, v, &buf, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()

	_, dstPool := testdb.Pools(t)
	dst := store.New(dstPool)
	before, err := dst.TableDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	restore := func(b []byte, version uint) error {
		c, err := backup.Check(bytes.NewReader(b), t.TempDir())
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = backup.RestoreEnte(ctx, c, dst, version, "test")
		return err
	}

	for _, cut := range []int{100, len(file) / 3, len(file) / 2, len(file) - 3000} {
		if err := restore(file[:cut], v); !errors.Is(err, backup.ErrCorrupt) {
			t.Errorf("file cut at %d of %d bytes: %v, want refused as corrupt", cut, len(file), err)
		}
	}
	flipped := bytes.Clone(file)
	i := bytes.Index(flipped, []byte(`"slug":"`+testfix.Plan))
	if i < 0 {
		t.Fatal("the plan's row not found in the file")
	}
	flipped[i+9] ^= 1
	if err := restore(flipped, v); !errors.Is(err, backup.ErrCorrupt) {
		t.Errorf("a changed byte: %v, want refused as corrupt", err)
	}

	tampered := rewrite(t, file, func(name string, b []byte) []byte {
		if strings.HasSuffix(name, "-audit_events.jsonl") {
			return bytes.Replace(b, []byte(`"actor":"`), []byte(`"actor":"X`), 1)
		}
		return b
	}, nil)
	var chain *store.ChainFileError
	if err := restore(tampered, v); !errors.As(err, &chain) || chain.Seq != 1 {
		t.Errorf("an edited audit event: %v, want the chain broken at event 1", err)
	}

	wrongDigest := rewrite(t, file, func(_ string, b []byte) []byte { return b }, func(m *backup.Manifest) {
		for i := range m.Tables {
			if m.Tables[i].Table == "indicators" {
				m.Tables[i].SHA256 = strings.Repeat("0", 64)
			}
		}
	})
	var verr *backup.VerifyError
	if err := restore(wrongDigest, v); !errors.As(err, &verr) || len(verr.Problems) != 1 || !strings.Contains(verr.Problems[0], "indicators") {
		t.Errorf("a manifest that does not match the rows: %v, want one problem with indicators", err)
	}

	if err := restore(file, v-1); !errors.Is(err, backup.ErrSchemaDiffers) {
		t.Errorf("another schema version: %v", err)
	}

	if _, err := dst.CreateUser(ctx, store.NewUser{Username: "anna.bianchi", DisplayName: "Altra Anna", Role: auth.Admin, PasswordHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"}, "test"); err != nil {
		t.Fatal(err)
	}
	if before, err = dst.TableDigests(ctx); err != nil {
		t.Fatal(err)
	}
	var taken *store.AccountsTakenError
	if err := restore(file, v); !errors.As(err, &taken) || len(taken.Names) != 1 || taken.Names[0] != "anna.bianchi" {
		t.Errorf("a username the target holds: %v", err)
	}
	after, err := dst.TableDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("a refused restore changed the target:\n%v\n%v", after, before)
	}
	if _, err := dst.ExportEnte(ctx, testfix.Ente, nopSink{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the ente after the refusals: %v, want not found", err)
	}
}
