//go:build proof

package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/password"
	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
	"github.com/piao-performance/piao/internal/testfix"
)

const backupDemoPassword = "backup-round-trip-1"

// backupSource is the demo with sample actuals plus what the demo lacks:
// attachments (one of 2 MiB), an OIV observation, a validation with its
// document, a few hundred sealed audit events and a session.
func backupSource(t *testing.T) (url string, attachmentSums map[string]string) {
	t.Helper()
	url = testdb.Empty(t)
	env := map[string]string{"DATABASE_URL": url, "PIAO_LOG_LEVEL": "error", "PIAO_DEMO_PASSWORD": backupDemoPassword}
	if code, _, errOut := runWith(t, env, "demo", "--with-sample-actuals"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	attachmentSums = map[string]string{}
	for i, size := range []int{1, 70_000, 2 << 20} {
		data := make([]byte, size)
		rand.Read(data)
		sum := sha256.Sum256(data)
		name := []string{"uno.txt", "verbale.pdf", "grande.bin"}[i]
		attachmentSums[name] = hex.EncodeToString(sum[:])
		if _, err := conn.Exec(ctx, `INSERT INTO measurement_attachments (measurement_id, filename, content_type, size, sha256, data, uploaded_by)
			SELECT min(id), $1, 'application/pdf', $2, $3, $4, 'dir.economico' FROM measurements`,
			name, size, attachmentSums[name], data); err != nil {
			t.Fatal(err)
		}
	}
	doc := []byte("%PDF-1.4 documento di validazione della Relazione 2023")
	docSum := sha256.Sum256(doc)
	for _, q := range []string{
		`INSERT INTO oiv_observations (plan_id, year, objective_id, body, author)
			SELECT o.plan_id, 2023, o.id, 'Rilievo dell''OIV sull''obiettivo', 'oiv' FROM objectives o ORDER BY o.id LIMIT 1`,
		`INSERT INTO audit_events (actor, action, ente_id, object_type, object_key, detail)
			SELECT 'admin', 'test.event', (SELECT min(id) FROM enti), 'test', g::text, jsonb_build_object('n', g)
			FROM generate_series(1, 300) g`,
		`SELECT audit_seal()`,
		`INSERT INTO sessions (token, data, expiry) VALUES ('tok', '\x00', now() + interval '1 day')`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := conn.Exec(ctx, `INSERT INTO relazione_validations (plan_id, year, outcome, decided_on, document_name, document_type, document, document_sha256, author)
		SELECT min(id), 2023, 'validata', '2024-06-30', 'validazione.pdf', 'application/pdf', $1, $2, 'oiv' FROM plans`,
		doc, hex.EncodeToString(docSum[:])); err != nil {
		t.Fatal(err)
	}
	return url, attachmentSums
}

// openDataCSV returns the public indicators.csv of the reference plan as the
// server serves it to an anonymous visitor.
func openDataCSV(t *testing.T, url string) string {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	sessions, stop := server.NewSessions(pool, server.SessionOptions{})
	defer stop()
	srv := httptest.NewServer(server.New(store.New(pool), sessions, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("open data: %d %v", res.StatusCode, err)
	}
	return string(b)
}

func queryInt(t *testing.T, conn *pgx.Conn, q string) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestBackupRestoreWholeInstallation: backup, verify, restore into an empty
// database; the restored installation has the same rows, attachments byte
// for byte, verifying audit chains, accounts that sign in with their old
// passwords, no sessions, and byte-identical open data.
func TestBackupRestoreWholeInstallation(t *testing.T) {
	t.Parallel()
	src, sums := backupSource(t)
	file := filepath.Join(t.TempDir(), "installazione.piao-backup")
	srcEnv := map[string]string{"DATABASE_URL": src, "PIAO_LOG_LEVEL": "error"}
	code, out, errOut := runWith(t, srcEnv, "backup", "-o", file)
	if code != 0 || !strings.Contains(out, "Backup dell'installazione scritto") {
		t.Fatalf("backup: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := runWith(t, srcEnv, "backup", "verify", file); code != 0 || !strings.Contains(out, "è un backup integro") {
		t.Fatalf("backup verify: %d\n%s\n%s", code, out, errOut)
	}

	dst := testdb.Empty(t)
	dstEnv := map[string]string{"DATABASE_URL": dst, "PIAO_LOG_LEVEL": "error"}
	code, out, errOut = runWith(t, dstEnv, "restore", file)
	if code != 0 {
		t.Fatalf("restore: %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"Backup ripristinato e verificato", "3 allegati", "1 documenti di validazione", "cciaa-gran-sasso"} {
		if !strings.Contains(out, want) {
			t.Errorf("restore output lacks %q:\n%s", want, out)
		}
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for name, sum := range sums {
		var got string
		if err := conn.QueryRow(ctx, `SELECT encode(sha256(data), 'hex') FROM measurement_attachments WHERE filename = $1`, name).Scan(&got); err != nil || got != sum {
			t.Errorf("attachment %s after restore: sha256 %s %v, want %s", name, got, err, sum)
		}
	}
	if n := queryInt(t, conn, `SELECT count(*) FROM audit_events WHERE seq IS NOT NULL`); n < 300 {
		t.Errorf("sealed audit events after restore: %d, want at least 300", n)
	}
	if n := queryInt(t, conn, `SELECT count(*) FROM oiv_observations`); n != 1 {
		t.Errorf("observations after restore: %d, want 1", n)
	}
	if n := queryInt(t, conn, `SELECT count(*) FROM sessions`); n != 0 {
		t.Errorf("sessions after restore: %d, want 0 (excluded)", n)
	}
	rows, err := conn.Query(ctx, `SELECT username, password_hash FROM users WHERE password_hash <> '' ORDER BY username`)
	if err != nil {
		t.Fatal(err)
	}
	accounts := 0
	for rows.Next() {
		var user, hash string
		if err := rows.Scan(&user, &hash); err != nil {
			t.Fatal(err)
		}
		accounts++
		if !password.Check(backupDemoPassword, hash) {
			t.Errorf("account %s does not sign in with its old password after restore", user)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if accounts < 5 {
		t.Errorf("accounts with a password after restore: %d, want the demo's", accounts)
	}
	if code, out, errOut := runWith(t, dstEnv, "audit", "verify"); code != 0 {
		t.Errorf("audit verify after restore: %d\n%s\n%s", code, out, errOut)
	}
	if a, b := openDataCSV(t, src), openDataCSV(t, dst); a != b || len(a) < 1000 {
		t.Errorf("open data differs after restore (%d and %d bytes)", len(a), len(b))
	}

	// A second restore into the now full database is refused.
	if code, _, errOut := runWith(t, dstEnv, "restore", file); code != 1 || !strings.Contains(errOut, "non è vuoto") {
		t.Errorf("restore into a full database: %d %q", code, errOut)
	}
}

// TestRestoreRefusesDamagedBackup: a truncated file and a file with one
// byte changed are refused whole with an Italian message, and the target
// database stays empty.
func TestRestoreRefusesDamagedBackup(t *testing.T) {
	t.Parallel()
	src, _ := backupSource(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "ok.piao-backup")
	if code, _, errOut := runWith(t, map[string]string{"DATABASE_URL": src, "PIAO_LOG_LEVEL": "error"}, "backup", "-o", file); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0x01 // inside the dump: its SHA-256 no longer matches
	damaged := map[string][]byte{
		"truncated":    good[:len(good)*2/3],
		"one byte":     flipped,
		"no manifest":  good[:len(good)-8192],
		"not a backup": []byte("questo non è un backup"),
		"empty":        nil,
	}
	dst := testdb.Empty(t)
	for name, b := range damaged {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"backup", "verify", path}, {"restore", path}} {
			code, _, errOut := runWith(t, map[string]string{"DATABASE_URL": dst, "PIAO_LOG_LEVEL": "error"}, args...)
			if code != 1 || !strings.Contains(errOut, "il file di backup è danneggiato") {
				t.Errorf("%s: %s: exit %d, stderr %q", name, args[0], code, errOut)
			}
		}
	}
	conn, err := pgx.Connect(context.Background(), dst)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if n := queryInt(t, conn, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`); n != 0 {
		t.Errorf("tables written by refused restores: %d, want 0", n)
	}
}

// TestBackupRestoreEnte: `backup --ente` of the demo's ente (with
// attachments, a validation document, an observation, its accounts and
// audit trail) and `restore` into an installation that already holds
// another ente: a damaged copy is refused first with nothing written, then
// the file restores; the accounts sign in with their passwords, the audit
// chains verify, the public indicators.csv is byte-identical, and a second
// restore is refused because the ente exists.
func TestBackupRestoreEnte(t *testing.T) {
	t.Parallel()
	src, _ := backupSource(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "ente.piao-backup")
	srcEnv := map[string]string{"DATABASE_URL": src, "PIAO_LOG_LEVEL": "error"}
	code, out, errOut := runWith(t, srcEnv, "backup", "--ente", "cciaa-gran-sasso", "-o", file)
	if code != 0 || !strings.Contains(out, "Backup dell'ente cciaa-gran-sasso scritto") {
		t.Fatalf("backup --ente: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := runWith(t, srcEnv, "backup", "verify", file); code != 0 || !strings.Contains(out, "backup integro dell'ente cciaa-gran-sasso") {
		t.Fatalf("backup verify: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runWith(t, srcEnv, "backup", "--ente", "nessuno", "-o", filepath.Join(dir, "x")); code != 1 || !strings.Contains(errOut, "non esiste") {
		t.Errorf("backup of an unknown ente: %d %q", code, errOut)
	}

	dst, _ := testdb.URLs(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	other := testfix.ReferenceDoc(t)
	other.Ente.Slug, other.Ente.Name = "altro-ente", "Altro ente"
	if _, err := store.New(pool).LoadPlan(ctx, other, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	dstEnv := map[string]string{"DATABASE_URL": dst, "PIAO_LOG_LEVEL": "error"}

	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "troncato.piao-backup")
	if err := os.WriteFile(truncated, good[:len(good)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runWith(t, dstEnv, "restore", truncated); code != 1 || !strings.Contains(errOut, "il file di backup è danneggiato") {
		t.Errorf("restore of a truncated file: %d %q", code, errOut)
	}
	var enti int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM enti`).Scan(&enti); err != nil || enti != 1 {
		t.Errorf("enti after the refused restore: %d %v, want 1", enti, err)
	}

	code, out, errOut = runWith(t, dstEnv, "restore", file)
	if code != 0 {
		t.Fatalf("restore: %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"Ente cciaa-gran-sasso ripristinato e verificato", "3 allegati", "1 documenti di validazione", "risigillati"} {
		if !strings.Contains(out, want) {
			t.Errorf("restore output lacks %q:\n%s", want, out)
		}
	}
	rows, err := pool.Query(ctx, `SELECT u.username, u.password_hash FROM users u JOIN enti e ON e.id = u.ente_id
		WHERE e.slug = 'cciaa-gran-sasso' AND u.password_hash <> ''`)
	if err != nil {
		t.Fatal(err)
	}
	accounts := 0
	for rows.Next() {
		var user, hash string
		if err := rows.Scan(&user, &hash); err != nil {
			t.Fatal(err)
		}
		accounts++
		if !password.Check(backupDemoPassword, hash) {
			t.Errorf("account %s does not sign in with its password after the restore", user)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if accounts < 3 {
		t.Errorf("accounts of the ente with a password after restore: %d", accounts)
	}
	if code, out, errOut := runWith(t, dstEnv, "audit", "verify"); code != 0 {
		t.Errorf("audit verify after restore: %d\n%s\n%s", code, out, errOut)
	}
	if a, b := openDataCSV(t, src), openDataCSV(t, dst); a != b || len(a) < 1000 {
		t.Errorf("open data differs after the ente's restore (%d and %d bytes)", len(a), len(b))
	}
	if code, _, errOut := runWith(t, dstEnv, "restore", file); code != 1 || !strings.Contains(errOut, "l'ente cciaa-gran-sasso esiste già") {
		t.Errorf("second restore of the ente: %d %q", code, errOut)
	}
}
