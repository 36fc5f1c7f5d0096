package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/internal/testdb"
)

func runWith(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdinText(env)), &out, &errb)
	return code, out.String(), errb.String()
}

func countRows(t *testing.T, url, table string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDemoLoadsRefusesAndReplaces(t *testing.T) {
	t.Parallel()
	url := testdb.Empty(t) // demo migrates by itself
	env := map[string]string{"DATABASE_URL": url, "PIAO_LOG_LEVEL": "error"}

	code, out, errOut := runWith(t, env, "demo")
	if code != 0 || !strings.Contains(out, "51 obiettivi, 88 indicatori, 63 obiettivi individuali") {
		t.Fatalf("first demo: code %d\n%s\n%s", code, out, errOut)
	}
	before := map[string]int{}
	for _, tb := range []string{"objectives", "indicators", "targets", "audit_events"} {
		before[tb] = countRows(t, url, tb)
	}

	code, _, errOut = runWith(t, env, "demo")
	if code != 1 || !strings.Contains(errOut, "esiste già") {
		t.Fatalf("second demo: want exit 1 and a message, got %d %q", code, errOut)
	}
	for tb, n := range before {
		if got := countRows(t, url, tb); got != n {
			t.Errorf("refused demo changed %s: %d -> %d", tb, n, got)
		}
	}

	code, out, errOut = runWith(t, env, "demo", "--replace")
	if code != 0 || !strings.Contains(out, "sostituito") {
		t.Fatalf("demo --replace: code %d\n%s\n%s", code, out, errOut)
	}
	if got := countRows(t, url, "objectives"); got != before["objectives"] {
		t.Errorf("after replace: %d objectives, want %d", got, before["objectives"])
	}
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	url := testdb.Empty(t)
	env := map[string]string{"DATABASE_URL": url, "PIAO_LOG_LEVEL": "error"}
	if code, out, _ := runWith(t, env, "migrate", "version"); code != 0 || !strings.Contains(out, "nessuna migrazione") {
		t.Fatalf("version on empty: %d %q", code, out)
	}
	code, out, _ := runWith(t, env, "migrate", "up")
	var top int
	if _, err := fmt.Sscanf(out, "schema: versione %d", &top); code != 0 || err != nil || top < 3 {
		t.Fatalf("up: %d %q", code, out)
	}
	// down 1 lands on the previous migration (numbers may skip: each change reserves its own)
	code, out, _ = runWith(t, env, "migrate", "down", "1")
	var prev int
	if _, err := fmt.Sscanf(out, "schema: versione %d\n", &prev); code != 0 || err != nil || prev >= top || prev < 1 {
		t.Fatalf("down 1: %d %q", code, out)
	}
	if code, out, _ := runWith(t, env, "migrate", "down"); code != 0 || !strings.Contains(out, "nessuna migrazione") {
		t.Fatalf("down: %d %q", code, out)
	}
	if code, _, errOut := runWith(t, env, "migrate", "down", "zero"); code != 2 || !strings.Contains(errOut, "numero intero positivo") {
		t.Fatalf("down zero: %d %q", code, errOut)
	}
}

func TestCommandLineErrors(t *testing.T) {
	t.Parallel()
	if code, _, errOut := runWith(t, nil, "fly"); code != 2 || !strings.Contains(errOut, "comando sconosciuto") {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
	if code, _, errOut := runWith(t, map[string]string{"PIAO_ADDR": "nowhere"}, "serve"); code != 2 || !strings.Contains(errOut, "PIAO_ADDR") {
		t.Fatalf("bad PIAO_ADDR: %d %q", code, errOut)
	}
	if code, _, _ := runWith(t, nil); code != 2 {
		t.Fatalf("no arguments: %d", code)
	}
	if code, _, errOut := runWith(t, map[string]string{"DATABASE_URL": "postgres://x"}, "demo", "--force"); code != 2 || !strings.Contains(errOut, "--replace") {
		t.Fatalf("bad demo flag: %d %q", code, errOut)
	}
}

// stdinText is what a test command reads on standard input: env["STDIN"].
func stdinText(env map[string]string) string { return env["STDIN"] }

func TestUserCommandsAndDemoAccounts(t *testing.T) {
	t.Parallel()
	url := testdb.Empty(t)
	env := map[string]string{"DATABASE_URL": url, "PIAO_LOG_LEVEL": "error", "PIAO_DEMO_PASSWORD": "password-demo-lunga"}
	code, out, errOut := runWith(t, env, "demo")
	if code != 0 || !strings.Contains(out, "segretario, dir.economico, dir.promozione, referente.promozione, oiv, admin") ||
		strings.Contains(out, "password-demo-lunga") {
		t.Fatalf("demo: %d\n%s\n%s", code, out, errOut)
	}
	// without PIAO_DEMO_PASSWORD a password is generated and printed once
	delete(env, "PIAO_DEMO_PASSWORD")
	code, out, _ = runWith(t, env, "demo", "--replace")
	if code != 0 || !strings.Contains(out, "Password degli account dimostrativi (mostrata solo ora") {
		t.Fatalf("demo without password: %s", out)
	}
	if n := countRows(t, url, "users"); n != 6 {
		t.Fatalf("%d demo users, want 6", n)
	}
	// a short PIAO_DEMO_PASSWORD is refused
	env["PIAO_DEMO_PASSWORD"] = "corta"
	if code, _, errOut := runWith(t, env, "demo", "--replace"); code != 1 || !strings.Contains(errOut, "almeno 12") {
		t.Fatalf("short demo password: %d %s", code, errOut)
	}
	delete(env, "PIAO_DEMO_PASSWORD")

	// user add with the password on stdin; never echoed
	env["STDIN"] = "una-password-sicura-123\n"
	code, out, errOut = runWith(t, env, "user", "add", "--username", "m.rossi", "--name", "Mario Rossi", "--role", "dirigente",
		"--ente", "cciaa-gran-sasso", "--position", "dir-ef", "--email", "m.rossi@example.org", "--password-stdin")
	if code != 0 || strings.Contains(out, "una-password-sicura") {
		t.Fatalf("user add: %d %s %s", code, out, errOut)
	}
	// the same username again, a dirigente without position, an unknown role
	if code, _, errOut := runWith(t, env, "user", "add", "--username", "m.rossi", "--name", "X", "--role", "lettore", "--ente", "cciaa-gran-sasso"); code != 1 || !strings.Contains(errOut, "esiste già") {
		t.Fatalf("duplicate: %d %s", code, errOut)
	}
	if code, _, errOut := runWith(t, env, "user", "add", "--username", "x.y", "--name", "X", "--role", "dirigente", "--ente", "cciaa-gran-sasso"); code != 1 || !strings.Contains(errOut, "posizione") {
		t.Fatalf("dirigente without position: %d %s", code, errOut)
	}
	if code, _, _ := runWith(t, env, "user", "add", "--username", "x.z", "--name", "X", "--role", "capo", "--ente", "cciaa-gran-sasso"); code != 1 {
		t.Fatalf("unknown role: %d", code)
	}
	delete(env, "STDIN")
	code, out, _ = runWith(t, env, "user", "passwd", "m.rossi")
	if code != 0 || !strings.Contains(out, "Nuova password (mostrata solo ora)") {
		t.Fatalf("passwd: %s", out)
	}
	if code, _, _ := runWith(t, env, "user", "disable", "m.rossi"); code != 0 {
		t.Fatal("disable")
	}
	code, out, _ = runWith(t, env, "user", "list", "--ente", "cciaa-gran-sasso")
	if code != 0 || !strings.Contains(out, "m.rossi") || !strings.Contains(out, "disattivato") || !strings.Contains(out, "dir-ef") {
		t.Fatalf("list:\n%s", out)
	}
	if code, _, errOut := runWith(t, env, "user", "disable", "nessuno"); code != 1 || !strings.Contains(errOut, "nessuno") {
		t.Fatalf("disable unknown: %d %s", code, errOut)
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	t.Parallel()
	url := testdb.URL(t)
	env := map[string]string{"DATABASE_URL": url, "PIAO_LOG_LEVEL": "error"}
	if code, _, errOut := runWith(t, env, "demo"); code != 0 {
		t.Fatalf("demo: %d %s", code, errOut)
	}
	n := countRows(t, url, "audit_events")
	ente := countRows(t, url, "audit_events WHERE ente_id = (SELECT id FROM enti WHERE slug = 'cciaa-gran-sasso')")
	code, out, _ := runWith(t, env, "audit", "verify")
	head := regexp.MustCompile(`\nCatena dell'ente cciaa-gran-sasso: \d+ eventi, ultimo evento (\d+:[0-9a-f]{64})\n`).FindStringSubmatch(out)
	if code != 0 || !strings.HasPrefix(out, fmt.Sprintf("Registro di audit integro: %d eventi verificati in 2 catene, catene di hash complete.\n", n)) ||
		head == nil || !strings.HasPrefix(head[1], fmt.Sprintf("%d:", ente)) {
		t.Fatalf("intact: %d %q", code, out)
	}
	anchor := []string{"audit", "verify", "--ente", "cciaa-gran-sasso", "--anchor", head[1]}
	if code, out, _ := runWith(t, env, anchor...); code != 0 || !strings.Contains(out, "ha l'impronta pubblicata") {
		t.Fatalf("anchor on an intact chain: %d %q", code, out)
	}
	for _, args := range [][]string{{"--ente", "cciaa-gran-sasso", "--anchor", "12:xyz"}, {"--anchor", head[1]}, {"--ente", "nessuno"}} {
		if code, _, _ := runWith(t, env, append([]string{"audit", "verify"}, args...)...); code != 2 {
			t.Fatalf("audit verify %v: exit %d, want 2", args, code)
		}
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// Someone who can disable the triggers alters event 2 of the ente's chain
	// and recomputes every hash after it: the chain is consistent again, but
	// the published head no longer matches.
	const inEnte = `(SELECT id FROM enti WHERE slug = 'cciaa-gran-sasso')`
	rewrite := []string{`ALTER TABLE audit_events DISABLE TRIGGER USER`, `UPDATE audit_events SET reason = 'riscritto' WHERE seq = 2 AND ente_id = ` + inEnte}
	for k := 2; k <= ente; k++ {
		rewrite = append(rewrite, fmt.Sprintf(`UPDATE audit_events e SET prev_hash = p.hash, hash = audit_event_hash(p.hash, e)
			FROM audit_events p WHERE e.seq = %d AND p.seq = %d AND e.ente_id = %s AND p.ente_id = e.ente_id`, k, k-1, inEnte))
	}
	rewrite = append(rewrite, `ALTER TABLE audit_events ENABLE TRIGGER USER`)
	for _, s := range rewrite {
		if _, err := conn.Exec(context.Background(), s); err != nil {
			t.Fatal(s, err)
		}
	}
	if code, _, _ := runWith(t, env, "audit", "verify"); code != 0 {
		t.Fatalf("a consistently rehashed chain: exit %d (the anchor is what catches it)", code)
	}
	code, _, errOut := runWith(t, env, anchor...)
	if code != 1 || !strings.Contains(errOut, "catena dell'ente cciaa-gran-sasso, l'evento n. "+strings.Split(head[1], ":")[0]) ||
		!strings.Contains(errOut, "la catena è stata riscritta") {
		t.Fatalf("rewritten chain with the published anchor: %d %q", code, errOut)
	}
	for _, s := range []string{`ALTER TABLE audit_events DISABLE TRIGGER USER`,
		`UPDATE audit_events SET reason = 'altered' WHERE seq = 2 AND ente_id = ` + inEnte,
		`ALTER TABLE audit_events ENABLE TRIGGER USER`} {
		if _, err := conn.Exec(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errOut = runWith(t, env, "audit", "verify")
	if code != 1 || !strings.Contains(errOut, "catena dell'ente cciaa-gran-sasso, primo collegamento rotto all'evento n. 2 (il contenuto dell'evento è stato modificato)") {
		t.Fatalf("tampered: %d %q", code, errOut)
	}
	// another ente's chain alone is still intact
	if code, out, _ := runWith(t, env, "audit", "verify", "--ente", "cciaa-chieti-pescara"); code != 0 || !strings.Contains(out, "in 1 catene") {
		t.Fatalf("installation chain: %d %q", code, out)
	}
	if code, _, _ := runWith(t, env, "audit", "check"); code != 2 {
		t.Fatalf("unknown subcommand: exit %d, want 2", code)
	}
}

// TestMigrateCreatesAppRole: with the owner in PIAO_MIGRATE_DATABASE_URL and
// the application in DATABASE_URL, `piao migrate up` creates the
// application's role, the commands run as it, and that role cannot switch
// the audit trail's guards off nor change an event.
func TestMigrateCreatesAppRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var role string
	// Roles outlive databases: this one is dropped after the test database
	// (cleanups run last-registered first).
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, os.Getenv(testdb.EnvURL))
		if err != nil {
			t.Log(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP ROLE IF EXISTS "+pgx.Identifier{role}.Sanitize()); err != nil {
			t.Log(err)
		}
	})
	owner := testdb.Empty(t)
	cfg, err := pgx.ParseConfig(owner)
	if err != nil {
		t.Fatal(err)
	}
	role = dbmigrate.AppRole(cfg.Database)
	app := fmt.Sprintf("postgres://%s:app-secret@%s/%s?sslmode=disable", role, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), cfg.Database)
	env := map[string]string{"DATABASE_URL": app, "PIAO_MIGRATE_DATABASE_URL": owner, "PIAO_LOG_LEVEL": "error"}
	code, out, errOut := runWith(t, env, "migrate", "up")
	if code != 0 || !strings.Contains(out, "ruolo dell'applicazione: "+role) {
		t.Fatalf("migrate up: %d %q %q", code, out, errOut)
	}
	if code, out, errOut = runWith(t, env, "migrate", "up"); code != 0 { // idempotent
		t.Fatalf("migrate up again: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runWith(t, env, "demo"); code != 0 {
		t.Fatalf("demo as the application role: %d %s", code, errOut)
	}
	if code, out, errOut := runWith(t, env, "audit", "verify"); code != 0 || !strings.Contains(out, "Registro di audit integro") {
		t.Fatalf("audit verify as the application role: %d %q %q", code, out, errOut)
	}
	conn, err := pgx.Connect(ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var isOwner bool
	if err := conn.QueryRow(ctx, `SELECT tableowner = current_user FROM pg_tables WHERE tablename = 'audit_events'`).Scan(&isOwner); err != nil || isOwner {
		t.Fatalf("the application owns audit_events: %v %v", isOwner, err)
	}
	for _, s := range []string{`ALTER TABLE audit_events DISABLE TRIGGER USER`, `UPDATE audit_events SET reason = 'x'`,
		`DELETE FROM audit_events`, `TRUNCATE audit_events`} {
		if _, err := conn.Exec(ctx, s); err == nil {
			t.Fatalf("%s: accepted as the application role", s)
		}
	}
}

// TestMigrateRefusesNewerSchema: a database migrated by a later release
// (a version above the newest this binary embeds) is refused with an Italian
// sentence and left as it is.
func TestMigrateRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	url := testdb.Empty(t)
	env := map[string]string{"DATABASE_URL": url, "PIAO_LOG_LEVEL": "error"}
	if code, _, errOut := runWith(t, env, "migrate", "up"); code != 0 {
		t.Fatalf("up: %s", errOut)
	}
	latest, err := dbmigrate.Latest()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `UPDATE schema_migrations SET version = $1`, latest+7); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"migrate", "up"}, {"migrate", "down", "1"}} {
		code, _, errOut := runWith(t, env, args...)
		if code != 1 || !strings.Contains(errOut, "più recente di quello che questo programma conosce") ||
			!strings.Contains(errOut, fmt.Sprintf("versione %d", latest+7)) {
			t.Errorf("%v on a newer schema: exit %d, stderr %q", args, code, errOut)
		}
	}
	var v int
	if err := conn.QueryRow(context.Background(), `SELECT version FROM schema_migrations`).Scan(&v); err != nil || v != int(latest)+7 {
		t.Errorf("schema_migrations after the refusals: %d %v, want %d", v, err, latest+7)
	}
}
