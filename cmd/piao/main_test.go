package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/store"
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
	if code, out, _ := runWith(t, env, "migrate", "down", "1"); code != 0 || out != fmt.Sprintf("schema: versione %d\n", top-1) {
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
	// unlock: the account's sign-in locks go, and the trail says who did it
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	st := store.New(pool)
	for range store.DefaultThrottle.MaxAccount {
		if _, err := st.ReserveSignIn(context.Background(), "m.rossi", "203.0.113.9", store.DefaultThrottle); err != nil {
			t.Fatal(err)
		}
	}
	if n := countRows(t, url, "sign_in_throttle WHERE locked_until > now()"); n != 1 {
		t.Fatalf("%d locks before unlock", n)
	}
	code, out, _ = runWith(t, env, "user", "unlock", "m.rossi")
	if code != 0 || !strings.Contains(out, "sbloccato") || countRows(t, url, "sign_in_throttle WHERE locked_until > now()") != 0 ||
		countRows(t, url, "audit_events WHERE action = 'auth.unlock' AND object_key = 'm.rossi'") != 1 {
		t.Fatalf("unlock: %d %s", code, out)
	}
	if code, _, errOut := runWith(t, env, "user", "unlock", "nessuno"); code != 1 || !strings.Contains(errOut, "nessuno") {
		t.Fatalf("unlock unknown: %d %s", code, errOut)
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	url := testdb.URL(t)
	env := map[string]string{"DATABASE_URL": url, "PIAO_LOG_LEVEL": "error"}
	if code, _, errOut := runWith(t, env, "demo"); code != 0 {
		t.Fatalf("demo: %d %s", code, errOut)
	}
	n := countRows(t, url, "audit_events")
	code, out, _ := runWith(t, env, "audit", "verify")
	head := regexp.MustCompile(`Ultimo evento: (\d+:[0-9a-f]{64})\n$`).FindStringSubmatch(out)
	if code != 0 || !strings.HasPrefix(out, fmt.Sprintf("Registro di audit integro: %d eventi verificati, catena di hash completa.\n", n)) ||
		head == nil || !strings.HasPrefix(head[1], fmt.Sprintf("%d:", n)) {
		t.Fatalf("intact: %d %q", code, out)
	}
	if code, out, _ := runWith(t, env, "audit", "verify", "--anchor", head[1]); code != 0 || !strings.Contains(out, "ha l'impronta pubblicata") {
		t.Fatalf("anchor on an intact chain: %d %q", code, out)
	}
	if code, _, _ := runWith(t, env, "audit", "verify", "--anchor", "12:xyz"); code != 2 {
		t.Fatalf("malformed anchor: exit %d, want 2", code)
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// Someone who can disable the triggers alters event 2 and recomputes every
	// hash after it: the chain is consistent again, but the published head no
	// longer matches.
	rewrite := []string{`ALTER TABLE audit_events DISABLE TRIGGER USER`, `UPDATE audit_events SET reason = 'riscritto' WHERE seq = 2`}
	for k := 2; k <= n; k++ {
		rewrite = append(rewrite, fmt.Sprintf(`UPDATE audit_events e SET prev_hash = p.hash, hash = audit_event_hash(p.hash, e)
			FROM audit_events p WHERE e.seq = %d AND p.seq = %d`, k, k-1))
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
	code, _, errOut := runWith(t, env, "audit", "verify", "--anchor", head[1])
	if code != 1 || !strings.Contains(errOut, "la catena è stata riscritta") {
		t.Fatalf("rewritten chain with the published anchor: %d %q", code, errOut)
	}
	if _, err := conn.Exec(context.Background(), `ALTER TABLE audit_events DISABLE TRIGGER USER`); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`UPDATE audit_events SET reason = 'altered' WHERE seq = 2`,
		`ALTER TABLE audit_events ENABLE TRIGGER USER`} {
		if _, err := conn.Exec(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errOut = runWith(t, env, "audit", "verify")
	if code != 1 || !strings.Contains(errOut, "primo collegamento rotto all'evento n. 2 (il contenuto dell'evento è stato modificato)") {
		t.Fatalf("tampered: %d %q", code, errOut)
	}
	if code, _, _ := runWith(t, env, "audit", "check"); code != 2 {
		t.Fatalf("unknown subcommand: exit %d, want 2", code)
	}
}
