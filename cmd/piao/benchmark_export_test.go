package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/testdb"
)

func indicatorActual(t *testing.T, env map[string]string, key string) float64 {
	t.Helper()
	for _, in := range sampleScore(t, env, "final").Indicators {
		if in.Key == key {
			if in.Actual == nil {
				t.Fatalf("%s: no actual", key)
			}
			return *in.Actual
		}
	}
	t.Fatalf("%s: not in the scorecard", key)
	return 0
}

// TestExportCarriesBenchmarkValues: the demo's entered benchmark agrees with
// the other demo ente's value; a plan exported with the benchmark value it
// used, and imported where that ente is missing, keeps the published figure
// (PO.4.1/1: −12,67, not the −10,95 an older entered benchmark gives) and
// says so; exporting it again gives the same file.
func TestExportCarriesBenchmarkValues(t *testing.T) {
	t.Parallel()
	urlA, urlB := testdb.URL(t), testdb.URL(t)
	envA := map[string]string{"DATABASE_URL": urlA, "PIAO_LOG_LEVEL": "error", "PIAO_DEMO_PASSWORD": "password-demo-lunga"}
	envB := map[string]string{"DATABASE_URL": urlB, "PIAO_LOG_LEVEL": "error"}
	if code, _, errOut := runWith(t, envA, "demo", "--with-sample-actuals"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	if got := indicatorActual(t, envA, "PO.4.1/1"); !near(&got, -12.67) {
		t.Fatalf("demo PO.4.1/1: %v, want −12,67 (−18,37 against Chieti-Pescara's −5,7)", got)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, urlA)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var entered float64
	if err := conn.QueryRow(ctx, `SELECT (m.inputs ->> 'benchmark')::float8 FROM measurements m
		JOIN indicators i ON i.id = m.indicator_id JOIN periods p ON p.id = m.period_id
		WHERE i.key = 'PO.4.1/1' AND p.kind = 'final' AND p.year = 2023`).Scan(&entered); err != nil || entered != -5.7 {
		t.Fatalf("demo's entered benchmark: %v %v, want Chieti-Pescara's −5,7", entered, err)
	}
	// An entered benchmark that disagrees with the other ente (as the demo had
	// before): the engine uses the other ente's value, so the figure stays.
	if _, err := conn.Exec(ctx, `UPDATE measurements m SET inputs = jsonb_set(m.inputs, '{benchmark}', '-7.42')
		FROM indicators i, periods p WHERE i.id = m.indicator_id AND p.id = m.period_id
		AND i.key = 'PO.4.1/1' AND p.kind = 'final' AND p.year = 2023`); err != nil {
		t.Fatal(err)
	}
	if got := indicatorActual(t, envA, "PO.4.1/1"); !near(&got, -12.67) {
		t.Fatalf("PO.4.1/1 with a stale entered benchmark: %v, want −12,67", got)
	}

	file := filepath.Join(t.TempDir(), "piano.json")
	if code, _, errOut := runWith(t, envA, "export", "--ente", "cciaa-gran-sasso", "--plan", "piao-2023-2025", "-o", file); code != 0 {
		t.Fatalf("export: %s", errOut)
	}
	saved, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if compact := strings.Join(strings.Fields(string(saved)), ""); !strings.Contains(compact,
		`"benchmark":{"value":-5.7,"ente":"cciaa-chieti-pescara","ente_name":"CameradiCommerciodiChieti-Pescara","plan":"piao-2023-2025","indicator":"TP.1/1"}`) {
		t.Fatal("the export does not carry the benchmark value it used")
	}
	code, out, errOut := runWith(t, envB, "import", file)
	if code != 0 || !strings.Contains(out, "Benchmark di PO.4.1/1 al 31/12/2023") || !strings.Contains(out, "−5,7") {
		t.Fatalf("import without the benchmark ente: %d\n%s\n%s", code, out, errOut)
	}
	if got := indicatorActual(t, envB, "PO.4.1/1"); !near(&got, -12.67) {
		t.Errorf("PO.4.1/1 imported without Chieti-Pescara: %v, want the published −12,67", got)
	}
	if code, again, errOut := runWith(t, envB, "export", "--ente", "cciaa-gran-sasso", "--plan", "piao-2023-2025"); code != 0 || again != string(saved) {
		t.Errorf("export of the imported plan differs from the file (exit %d) %s", code, errOut)
	}
}
