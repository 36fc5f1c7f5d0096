package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/store"
)

// importFixture loads the test measurements of 2023 (not real data) and, when
// close is set, closes the period as the Segretario Generale would.
func importFixture(t *testing.T, pool *pgxpool.Pool, close bool) {
	t.Helper()
	ctx := context.Background()
	st := store.New(pool)
	h, cat, err := st.MeasureCatalogue(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../seed/testdata/measurements-2023-final.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := measure.ParseCSV(f, cat, h.StartYear, h.EndYear)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportMeasurements(ctx, "cciaa-gran-sasso", "piao-2023-2025", rows,
		store.ImportOptions{Actor: "test", ClosePeriods: close, Demo: true}); err != nil {
		t.Fatal(err)
	}
}

func TestPagesShowScoresOnlyForClosedPeriods(t *testing.T) {
	t.Parallel()
	h, pool := newApp(t)
	importFixture(t, pool, false)
	// approved but the period is open: the public sees no scores yet
	_, body := get(t, h, planPath)
	if strings.Contains(body, "Come è calcolato") || strings.Contains(body, "Performance dell&#39;ente") {
		t.Fatal("scores of an open period are public")
	}
	rows := openDataCSV(t, h)
	for _, r := range rows {
		if r["actual"] != "" {
			t.Fatalf("open data shows an actual of an open period: %v", r)
		}
	}
}

func TestPagesShowScoresAndExplanations(t *testing.T) {
	t.Parallel()
	h, pool := newApp(t)
	importFixture(t, pool, true)
	cases := []struct {
		path string
		want []string
	}{
		// ente = (100 + 100 + 81,92 + 90 + 100) / 5 = 94,38%; area 3 = 81,92% parzialmente raggiunto
		{planPath, []string{"Performance dell&#39;ente", "94,38%", "31/12/2023 (consuntivo annuale)", "Come è calcolato",
			"81,92%", "Parzialmente raggiunto", "Dati dimostrativi", "Non applicabile", "Dato mancante"}},
		// 3.3: 183 / 200 = 91,5% and SI → 95,75%
		{planPath + "/obiettivi/3.3", []string{"95,75%", "183 ÷ 200 × 100 = 91,5%", "Grado di raggiungimento", "Valore 31/12/2023"}},
		// PO.2.1: three stato-di-salute indicators met; tesoreria 1,2 against ≥ 1,5 = 80%
		{planPath + "/obiettivi/PO.2.1", []string{"Valore = 3 indicatori su 4 con un valore", "3 000 000", "80%"}},
		// benchmarking −19,91 − (−5,7) = −14,21
		{planPath + "/obiettivi/PO.4.1", []string{"−19,91 − (−5,7) = −14,21"}},
		// lavoro agile: not applicable with its reason
		{planPath + "/obiettivi/TR.2", []string{"Non applicabile", "Lavoro agile non attivato nel 2023"}},
		// manager page: the objectives' scores are public; the individual evaluation is not (below)
		{planPath + "/dirigenti/sg", []string{"Valutazione", "96,11%"}},
	}
	for _, c := range cases {
		res, body := get(t, h, c.path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", c.path, res.StatusCode)
		}
		for _, w := range c.want {
			if w == "3 000 000" {
				continue // inputs are shown with Italian separators, checked below
			}
			if !strings.Contains(body, w) {
				t.Errorf("%s: missing %q", c.path, w)
			}
		}
	}
	_, body := get(t, h, planPath+"/obiettivi/PO.2.1")
	if !strings.Contains(body, "3.000.000") {
		t.Error("inputs should use Italian thousands separators")
	}
	if _, body := get(t, h, planPath+"/dirigenti/sg"); strings.Contains(body, "Risultati (obiettivi individuali)") {
		t.Error("an anonymous visitor sees an individual evaluation")
	}
	// the Segretario Generale, signed in, sees the individual results: (16 × 100 + 80 + 50) / 18 = 96,11%
	addUser(t, pool, "segretario", auth.Segretario, "")
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := client(t)
	if res := signIn(t, c, srv.URL, "segretario", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	_, body = fetch(t, c, srv.URL+planPath+"/dirigenti/sg")
	mustContain(t, body, "Risultati (obiettivi individuali)", "96,11%", "non ancora valutati")
	// an unknown period reference falls back on the latest one
	if res, body := get(t, h, planPath+"?periodo=1999-final"); res.StatusCode != 200 || !strings.Contains(body, "94,38%") {
		t.Errorf("unknown period: %d", res.StatusCode)
	}
}

func TestOpenDataCarriesScoresOfClosedPeriods(t *testing.T) {
	t.Parallel()
	h, pool := newApp(t)
	importFixture(t, pool, true)
	rows := openDataCSV(t, h)
	// the fixture is imported as demo data: the files say so
	res, body := get(t, h, "/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.json")
	if !strings.Contains(body, `"demo_data":true`) || !strings.Contains(body, "Dati dimostrativi") {
		t.Error("the JSON does not label demo data")
	}
	res, _ = get(t, h, "/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.csv")
	if !strings.Contains(res.Header.Get("Content-Disposition"), "DATI-DIMOSTRATIVI") || res.Header.Get("X-PIAO-Demo-Data") == "" {
		t.Error("the CSV does not label demo data")
	}
	find := func(id, year string) map[string]string {
		for _, r := range rows {
			if r["indicator_id"] == id && r["year"] == year {
				return r
			}
		}
		t.Fatalf("no row %s %s", id, year)
		return nil
	}
	for _, c := range []struct{ id, year, actual, pct, status string }{
		{"3.3/1", "2023", "183", "91.5", "parzialmente_raggiunto"},
		{"O.1.1.8/1", "2023", "-19.91", "100", "raggiunto"},
		{"3.2/1", "2023", "1", "50", "non_raggiunto"},
		{"TR.2/1", "2023", "", "", "non_applicabile"},
		{"C.2.1/1", "2023", "", "", "mancante"},
		{"PO.1.3/1", "2023", "8", "100", "raggiunto"},
		{"PO.4.1/1", "2023", "-14.21", "100", "raggiunto"}, // exactly: rounded to six decimals
		{"3.3/1", "2024", "", "", ""},                      // no measurements for 2024
	} {
		r := find(c.id, c.year)
		if r["actual"] != c.actual || r["achievement_pct"] != c.pct || r["status"] != c.status {
			t.Errorf("%s %s: actual %q pct %q status %q; want %q %q %q", c.id, c.year, r["actual"], r["achievement_pct"], r["status"], c.actual, c.pct, c.status)
		}
	}
}
