package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/testdb"
)

func near(a *float64, want float64) bool { return a != nil && math.Abs(*a-want) < 1e-6 }

// TestScoreReferencePlanEndToEnd loads the reference plan, imports
// internal/seed/testdata/measurements-2023-final.csv (test values, not real data), sets a
// behaviour score and checks `piao score --format json` against values
// computed by hand in the comments.
func TestScoreReferencePlanEndToEnd(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": testdb.Empty(t), "PIAO_LOG_LEVEL": "error"}
	if code, _, errOut := runWith(t, env, "demo"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	code, out, errOut := runWith(t, env, "measurements", "import", fixture,
		"--ente", "cciaa-gran-sasso", "--plan", "piao-2023-2025", "--close")
	if code != 0 || !strings.Contains(out, "72 misurazioni nuove") || !strings.Contains(out, "31/12/2023 chiuso") {
		t.Fatalf("import: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runWith(t, env, "behaviour", "set", "--ente", "cciaa-gran-sasso", "--plan", "piao-2023-2025",
		"--year", "2023", "--role", "sg", "--score", "90"); code != 0 {
		t.Fatalf("behaviour: %s", errOut)
	}
	code, out, errOut = runWith(t, env, "score", "--ente", "cciaa-gran-sasso", "--plan", "piao-2023-2025", "--year", "2023", "--format", "json")
	if code != 0 {
		t.Fatalf("score: %s", errOut)
	}
	var rep scoreReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	ind := map[string]scoreLine{}
	for _, l := range rep.Indicators {
		ind[l.Key] = l
	}
	obj := map[string]scoreLine{}
	for _, l := range rep.Objectives {
		obj[l.Key] = l
	}
	check := func(what string, got *float64, want float64) {
		t.Helper()
		if !near(got, want) {
			if got == nil {
				t.Errorf("%s: no value, want %v", what, want)
			} else {
				t.Errorf("%s: got %v, want %v", what, *got, want)
			}
		}
	}
	if rep.Measured != 72 || !rep.PeriodClosed {
		t.Errorf("measured %d, closed %v", rep.Measured, rep.PeriodClosed)
	}
	// Strategic objectives: 3.2 = 1 / 2 → 50; 3.3 = (183 / 200 = 91,5 + SI 100) / 2 = 95,75; 4.2 = 4 / 5 → 80;
	// every other one at 100 (2.1: 6 / 5 and 2.3: 9 / 8 are capped).
	check("3.2", obj["3.2"].Achievement, 50)
	check("3.3", obj["3.3"].Achievement, 95.75)
	check("4.2", obj["4.2"].Achievement, 80)
	check("2.3", obj["2.3"].Achievement, 100)
	// Areas: 1 = 100; 2 = 100; 3 = (100 + 50 + 95,75) / 3 = 81,91666…; 4 = (100 + 80) / 2 = 90; 5 = 100.
	// Ente = (100 + 100 + 81,91666… + 90 + 100) / 5 = 94,383333…
	check("area 3", rep.Areas[2].Achievement, 245.75/3)
	check("area 4", rep.Areas[3].Achievement, 90)
	check("ente", rep.EnteScore.Achievement, (100+100+245.75/3+90+100)/5)
	// Operational: O.1.1.5 = 4 / 5 → 80; O.3.3.1 = (91,5 + 8 × 100) / 9 = 99,0555…; O.4.2.1 = 4 / 5 → 80; the other 18 at 100.
	// PO.1.2 (average of the 21 operational objectives) = (1800 + 80 + 891,5 / 9 + 80) / 21 = 98,05026…
	opSum := 1800 + 80 + 891.5/9 + 80
	check("O.3.3.1", obj["O.3.3.1"].Achievement, 891.5/9)
	check("PO.1.2/1 actual", ind["PO.1.2/1"].Actual, opSum/21)
	check("PO.1.2/1 achievement (≥ 80, capped)", ind["PO.1.2/1"].Achievement, 100)
	// PO.1.1 (operational + transversal + extraordinary): TR.2 (lavoro agile) is not applicable and left out;
	// TR.4 = (100 + 43 / 53 × 100) / 2; OT_2 = 1 / 2 → 50. Sum = opSum + (100 + 100 + TR.4 + 100 + 100) + (100 + 50 + 100), over 29.
	tr4 := (100 + 4300.0/53) / 2
	check("TR.4", obj["TR.4"].Achievement, tr4)
	check("PO.1.1/1 actual", ind["PO.1.1/1"].Actual, (opSum+400+tr4+250)/29)
	// PO.1.3: strategic objectives at 100% = 1.1, 2.1, 2.2, 2.3, 3.1, 4.1, 5.1, 5.2 → 8 (≥ 2 → capped 100).
	check("PO.1.3/1 actual", ind["PO.1.3/1"].Actual, 8)
	// PO.2.1: margine di struttura 1,2 M / 1,5 M = 0,8 ≥ 0,7 yes; tesoreria 3 / 2,5 = 1,2 ≥ 1,5 no;
	// cash flow 9 / 10 = 0,9 ≤ 1 yes; rigidità 4,5 / 5 × 100 = 90% ≤ 100% yes → 3 met.
	check("PO.2.1/1 actual", ind["PO.2.1/1"].Actual, 3)
	check("PO.2.1/3 achievement", ind["PO.2.1/3"].Achievement, 1.2/1.5*100)
	// Benchmarking: −19,91 − (−5,7) = −14,21 days against ≤ 10 → 100.
	check("PO.4.1/1 actual", ind["PO.4.1/1"].Actual, -14.21)
	check("PO.4.1/1", ind["PO.4.1/1"].Achievement, 100)
	// Not applicable and missing are excluded and flagged.
	if s := obj["TR.2"]; s.Status != "non_applicabile" || s.NA != 2 {
		t.Errorf("TR.2: %+v", s)
	}
	if s := obj["C.2.1"]; s.Status != "mancante" || s.Missing != 4 {
		t.Errorf("C.2.1: %+v", s)
	}
	// Segretario Generale: 18 objectives with a score (TR.2 excluded): 16 at 100, O.1.1.5 at 80, OT_2 at 50
	// → results 1730 / 18 = 96,111…; with behaviour 90: 0,7 × 96,111… + 0,3 × 90 = 94,2777… → Eccellente.
	var sg individualLine
	for _, il := range rep.Individuals {
		if il.Role == "sg" {
			sg = il
		}
	}
	check("sg results", sg.Results, 1730.0/18)
	check("sg total", sg.Total, 0.7*1730/18+27)
	if sg.Band != "Eccellente" {
		t.Errorf("sg band %q", sg.Band)
	}

	// The table format shows the same numbers the Italian way.
	code, out, _ = runWith(t, env, "score", "--ente", "cciaa-gran-sasso", "--plan", "piao-2023-2025", "--year", "2023")
	if code != 0 || !strings.Contains(out, "94,38%") || !strings.Contains(out, "VALUTAZIONE INDIVIDUALE") {
		t.Errorf("table output:\n%s", out)
	}
}

// TestMeasurementsImportIsAllOrNothing: one bad row, and nothing is written.
func TestMeasurementsImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	url := testdb.Empty(t)
	env := map[string]string{"DATABASE_URL": url, "PIAO_LOG_LEVEL": "error"}
	if code, _, errOut := runWith(t, env, "demo"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	bad := "indicator_id,year,period,value,numerator,denominator\n" +
		"3.3/1,2023,final,183,,\n" + // fine
		"O.1.1.5/1,2023,final,,4,0\n" + // zero denominator
		"PO.1.2/1,2023,final,90,,\n" + // derived: never entered
		"nope/1,2023,final,1,,\n" + // unknown indicator
		"3.3/2,2023,final,forse,,\n" + // not SI/NO
		"3.3/1,2031,final,1,,\n" + // year outside the plan
		"3.1/1,2023,final,\"1.234,5\",,\n" // thousands separator
	path := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runWith(t, env, "measurements", "import", path, "--ente", "cciaa-gran-sasso", "--plan", "piao-2023-2025")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"riga 3, colonna denominator", "riga 4", "calcolato dal sistema", "riga 5", "inesistente",
		"riga 6, colonna value", "riga 7, colonna year", "riga 8, colonna value", "nessuna misurazione importata"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("errors lack %q:\n%s", want, errOut)
		}
	}
	if n := countRows(t, url, "measurements"); n != 0 {
		t.Fatalf("%d measurements written despite errors", n)
	}
	// a closed period refuses new rows, and again writes nothing
	good := fixture
	if code, _, errOut := runWith(t, env, "measurements", "import", good, "--ente", "cciaa-gran-sasso", "--plan", "piao-2023-2025", "--close"); code != 0 {
		t.Fatal(errOut)
	}
	before := countRows(t, url, "measurements")
	code, _, errOut = runWith(t, env, "measurements", "import", good, "--ente", "cciaa-gran-sasso", "--plan", "piao-2023-2025")
	if code != 1 || !strings.Contains(errOut, "è chiuso") || countRows(t, url, "measurements") != before {
		t.Fatalf("import into a closed period: %d %s", code, errOut)
	}
}

// fixture holds test measurements for the reference plan (not real data).
const fixture = "../../internal/seed/testdata/measurements-2023-final.csv"
