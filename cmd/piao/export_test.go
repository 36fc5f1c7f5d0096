package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/testdb"
)

func TestExportImport(t *testing.T) {
	t.Parallel()
	const ente, planSlug = "cciaa-gran-sasso", "piao-2023-2025"
	urlA, urlB := testdb.URL(t), testdb.URL(t)
	envA := map[string]string{"DATABASE_URL": urlA, "PIAO_LOG_LEVEL": "error", "PIAO_DEMO_PASSWORD": "password-demo-lunga"}
	envB := map[string]string{"DATABASE_URL": urlB, "PIAO_LOG_LEVEL": "error"}
	if code, _, errOut := runWith(t, envA, "demo", "--with-sample-actuals"); code != 0 {
		t.Fatalf("demo: %d %s", code, errOut)
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "piano.json")
	code, out, errOut := runWith(t, envA, "export", "--ente", ente, "--plan", planSlug, "-o", file)
	if code != 0 || !strings.Contains(out, "esportato in "+file) || !strings.Contains(out, "allegati esclusi") {
		t.Fatalf("export -o: %d %q %s", code, out, errOut)
	}
	saved, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(saved, []byte("{\n  \"ente\": {\n    \"slug\": \"cciaa-gran-sasso\",")) || !bytes.HasSuffix(saved, []byte("}\n")) ||
		!bytes.Contains(saved, []byte(`"demo": true`)) {
		t.Fatalf("export file is not the indented document with its state:\n%.300s", saved)
	}
	if code, out, _ := runWith(t, envA, "export", "--ente", ente, "--plan", planSlug); code != 0 || out != string(saved) {
		t.Fatalf("export to stdout differs from the file (exit %d)", code)
	}

	code, out, errOut = runWith(t, envB, "import", file)
	if code != 0 || !strings.Contains(out, "importato: "+ente+"/"+planSlug) {
		t.Fatalf("import: %d %q %s", code, out, errOut)
	}
	measurements := countRows(t, urlB, "measurements")
	audit := countRows(t, urlB, "audit_events")
	if measurements == 0 {
		t.Fatal("import wrote no measurements")
	}
	code, _, errOut = runWith(t, envB, "import", file)
	if code != 1 || !strings.Contains(errOut, "esiste già: nulla è stato modificato") {
		t.Fatalf("second import: want exit 1, got %d %q", code, errOut)
	}
	if countRows(t, urlB, "measurements") != measurements || countRows(t, urlB, "audit_events") != audit {
		t.Fatal("a refused import changed the database")
	}
	code, out, errOut = runWith(t, envB, "import", "--replace", file)
	if code != 0 || !strings.Contains(out, "sostituito") {
		t.Fatalf("import --replace: %d %q %s", code, out, errOut)
	}
	if code, out, errOut := runWith(t, envB, "export", "--ente", ente, "--plan", planSlug); code != 0 || out != string(saved) {
		t.Fatalf("export of the imported plan differs from the file (exit %d): %s", code, errOut)
	}

	bad := []struct{ name, body, want string }{
		{"malformed.json", `{"ente": {"slug": "x",}}`, "JSON non valido alla riga 1"},
		{"unknown.json", strings.Replace(string(saved), `"source_title"`, `"sorgente": 1, "source_title"`, 1), `campo sconosciuto "sorgente"`},
		{"empty.json", "", "vuoto o troncato"},
		{"twice.json", string(saved) + "{}", "altro contenuto dopo il documento"},
		{"invalid.json", strings.Replace(string(saved), `"slug": "piao-2023-2025"`, `"slug": "Piano 1"`, 1), "piano non valido"},
	}
	for _, b := range bad {
		path := filepath.Join(dir, b.name)
		if err := os.WriteFile(path, []byte(b.body), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runWith(t, envB, "import", "--replace", path)
		if code != 1 || !strings.Contains(errOut, b.want) || !strings.Contains(errOut, "nulla è stato importato") {
			t.Errorf("%s: want exit 1 and %q, got %d %q", b.name, b.want, code, errOut)
		}
	}
	if code, out, _ := runWith(t, envB, "export", "--ente", ente, "--plan", planSlug); code != 0 || out != string(saved) {
		t.Fatal("a refused import changed the plan")
	}

	if code, _, errOut := runWith(t, envB, "export", "--ente", ente, "--plan", "nessuno"); code != 1 || !strings.Contains(errOut, "inesistente") {
		t.Errorf("export of a missing plan: %d %q", code, errOut)
	}
	for _, args := range [][]string{{"import"}, {"import", "a.json", "b.json"}, {"import", "a.json", "--force"}, {"export", "--ente", ente}} {
		if code, _, _ := runWith(t, envB, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
