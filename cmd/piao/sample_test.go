package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/testdb"
)

func referenceSample(t *testing.T) (*plan.Document, []measure.Row) {
	t.Helper()
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := sampleActuals(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, rows
}

// sampleCSV writes rows as a measurements CSV, the file a user would import.
func sampleCSV(t *testing.T, doc *plan.Document, rows []measure.Row) string {
	t.Helper()
	formula := map[string]string{}
	for _, o := range doc.Objectives {
		for _, in := range o.Indicators {
			formula[in.Key] = in.Formula
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(measure.Columns)
	f := func(m map[string]float64, k string) string {
		if v, ok := m[k]; ok {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	for _, r := range rows {
		rec := map[string]string{"indicator_id": r.Indicator, "year": strconv.Itoa(r.Year), "period": r.Period, "reason": r.Reason}
		switch {
		case r.NotApplicable:
			rec["not_applicable"] = "SI"
		case r.Value != nil:
			rec["value"] = strconv.FormatFloat(*r.Value, 'f', -1, 64)
		case formula[r.Indicator] == plan.FormulaRatioPrevious:
			rec["value"], rec["previous"] = f(r.Inputs, "current"), f(r.Inputs, "previous")
		default:
			for _, k := range []string{"numerator", "denominator", "benchmark"} {
				rec[k] = f(r.Inputs, k)
			}
			rec["value"] = f(r.Inputs, "value")
		}
		var line []string
		for _, c := range measure.Columns {
			line = append(line, rec[c])
		}
		_ = w.Write(line)
	}
	w.Flush()
	return b.String()
}

// TestSampleActualsAreValidAndPlausible: the sample is deterministic, only
// 2023, and exactly what `piao measurements import` would accept from a CSV
// file; the indicators named in the brief have the values it asks for.
func TestSampleActualsAreValidAndPlausible(t *testing.T) {
	doc, rows := referenceSample(t)
	if _, again := referenceSample(t); !reflect.DeepEqual(rows, again) {
		t.Fatal("sampleActuals is not deterministic")
	}
	catalogue := map[string]measure.Indicator{}
	indicators := map[string]*plan.Indicator{}
	for oi := range doc.Objectives {
		for ii := range doc.Objectives[oi].Indicators {
			in := &doc.Objectives[oi].Indicators[ii]
			indicators[in.Key] = in
			var keys []string
			for _, x := range in.Inputs {
				keys = append(keys, x.Key)
			}
			catalogue[in.Key] = measure.Indicator{Key: in.Key, Formula: in.Formula, Unit: in.Unit, Inputs: keys}
		}
	}
	parsed, err := measure.ParseCSV(strings.NewReader(sampleCSV(t, doc, rows)), catalogue, doc.Plan.StartYear, doc.Plan.EndYear)
	if err != nil {
		t.Fatalf("the sample is not a valid measurements file:\n%v", err)
	}
	if !reflect.DeepEqual(parsed, rows) {
		t.Fatal("the sample read back from CSV differs from the rows written")
	}

	byKey := map[string]measure.Row{}
	finals := 0
	for _, r := range rows {
		if r.Year != 2023 {
			t.Fatalf("%s: year %d, want only 2023", r.Indicator, r.Year)
		}
		if r.Period == measure.Final {
			finals++
			byKey[r.Indicator] = r
		}
		in := indicators[r.Indicator]
		if in.Formula == plan.FormulaRatio && in.Unit == plan.UnitPercent && r.Inputs["numerator"] > r.Inputs["denominator"] &&
			*sampleTarget(in).Value <= 100 { // above 100% only where the target is (indice di struttura primario)
			t.Errorf("%s %s: %v over 100%%", r.Indicator, r.Period, r.Inputs)
		}
		if in.Unit == plan.UnitPercent && r.Value != nil && (*r.Value < 0 || *r.Value > 100) {
			t.Errorf("%s %s: %v%% is not a percentage", r.Indicator, r.Period, *r.Value)
		}
		if r.NotApplicable && !strings.HasPrefix(r.Indicator, "TR.2/") {
			t.Errorf("%s %s: not applicable (%s); only lavoro agile should be", r.Indicator, r.Period, r.Reason)
		}
	}
	// Every entered indicator with a 2023 target has its 31 December row.
	want := 0
	for key, in := range indicators {
		if in.Formula != plan.FormulaDerived && sampleTarget(in) != nil {
			want++
			if _, ok := byKey[key]; !ok {
				t.Errorf("%s: no final 2023 row", key)
			}
		}
	}
	if finals != want {
		t.Errorf("%d final rows, want %d", finals, want)
	}
	if r := byKey["O.1.1.8/1"]; r.Value == nil || *r.Value >= 0 {
		t.Errorf("O.1.1.8/1 payment timeliness: %+v, want days in advance (negative)", r)
	}
	if r := byKey["PO.4.1/1"]; r.Inputs["value"] != *byKey["O.1.1.8/1"].Value || r.Inputs["benchmark"] >= 0 {
		t.Errorf("PO.4.1/1 benchmarking: %v, want the O.1.1.8/1 value against a negative Chieti-Pescara value", r.Inputs)
	}
	for _, k := range []string{"TR.2/1", "TR.2/2"} {
		if r := byKey[k]; !r.NotApplicable || r.Reason != "Lavoro agile non attivato nel 2023 (dato dimostrativo)" {
			t.Errorf("%s: %+v, want not applicable because lavoro agile was not activated", k, r)
		}
	}
	for _, s := range sampleSameMeasure {
		if !reflect.DeepEqual(byKey[s[0]].Value, byKey[s[1]].Value) {
			t.Errorf("%s and %s measure the same thing but differ", s[0], s[1])
		}
	}
}

func sampleQueryInt(t *testing.T, url, sql string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// samplePeriods returns "year kind open|closed" for every period of the plan.
func samplePeriods(t *testing.T, url string) []string {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, _ := conn.Query(context.Background(), `SELECT year || ' ' || kind || ' ' || CASE WHEN closed_at IS NULL THEN 'open' ELSE 'closed' END
		FROM periods ORDER BY year, kind DESC`)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sampleScore(t *testing.T, env map[string]string, period string) scoreReport {
	t.Helper()
	code, out, errOut := runWith(t, env, "score", "--ente", "cciaa-gran-sasso", "--plan", "piao-2023-2025", "--year", "2023",
		"--period", period, "--format", "json")
	if code != 0 {
		t.Fatalf("score %s: %d %s", period, code, errOut)
	}
	var rep scoreReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// checkSampleLoaded checks the database after the sample was loaded: n
// measurements, all approved and demo, the 2023 periods closed and the others
// open.
func checkSampleLoaded(t *testing.T, url string, n int) {
	t.Helper()
	if got := countRows(t, url, "measurements"); got != n {
		t.Errorf("%d measurements, want %d", got, n)
	}
	if bad := sampleQueryInt(t, url, `SELECT count(*) FROM measurements WHERE status <> 'approved' OR NOT demo`); bad != 0 {
		t.Errorf("%d measurements not approved or not marked demo", bad)
	}
	if got := sampleQueryInt(t, url, `SELECT count(*) FROM measurements m JOIN periods p ON p.id = m.period_id WHERE p.year <> 2023`); got != 0 {
		t.Errorf("%d measurements outside 2023", got)
	}
	want := []string{"2023 midyear closed", "2023 final closed", "2024 midyear open", "2024 final open", "2025 midyear open", "2025 final open"}
	if got := samplePeriods(t, url); !reflect.DeepEqual(got, want) {
		t.Errorf("periods %q, want %q", got, want)
	}
}

func TestDemoWithSampleActuals(t *testing.T) {
	_, rows := referenceSample(t)
	url := testdb.Empty(t)
	env := map[string]string{"DATABASE_URL": url, "PIAO_LOG_LEVEL": "error", "PIAO_DEMO_PASSWORD": "una-password-di-prova"}
	line := fmt.Sprintf("Misurazioni dimostrative 2023: %d valori approvati, periodi 30/06/2023 e 31/12/2023 chiusi (dati dimostrativi, non reali).", len(rows))

	code, out, errOut := runWith(t, env, "demo", "--with-sample-actuals")
	if code != 0 || !strings.Contains(out, line) || !strings.Contains(out, "caricato") || !strings.Contains(out, "Account dimostrativi") {
		t.Fatalf("demo --with-sample-actuals: code %d\n%s\n%s", code, out, errOut)
	}
	checkSampleLoaded(t, url, len(rows))

	rep := sampleScore(t, env, "final")
	if !rep.Demo || !rep.PeriodClosed || rep.EnteScore.Achievement == nil {
		t.Fatalf("score 2023: demo %v, closed %v, ente %v", rep.Demo, rep.PeriodClosed, rep.EnteScore.Achievement)
	}
	bands := map[string][]string{}
	for _, o := range rep.Objectives {
		bands[o.Status] = append(bands[o.Status], o.Key)
	}
	t.Logf("ente %.2f%% (%s); objectives per band: raggiunto %d, parzialmente_raggiunto %d %v, non_raggiunto %d %v, non_applicabile %d %v, mancante %d %v",
		*rep.EnteScore.Achievement, rep.EnteScore.Status, len(bands["raggiunto"]), len(bands["parzialmente_raggiunto"]),
		bands["parzialmente_raggiunto"], len(bands["non_raggiunto"]), bands["non_raggiunto"], len(bands["non_applicabile"]),
		bands["non_applicabile"], len(bands["mancante"]), bands["mancante"])
	for _, b := range []string{"raggiunto", "parzialmente_raggiunto", "non_raggiunto"} {
		if len(bands[b]) == 0 {
			t.Errorf("no objective %s", b)
		}
	}
	if len(bands["raggiunto"]) <= len(rep.Objectives)/2 {
		t.Errorf("only %d of %d objectives met: the sample should mostly meet its targets", len(bands["raggiunto"]), len(rep.Objectives))
	}
	if len(bands["mancante"]) != 0 {
		t.Errorf("objectives without data: %v", bands["mancante"])
	}
	for _, o := range rep.Objectives {
		if o.Key == "TR.2" && o.Status != "non_applicabile" {
			t.Errorf("TR.2 (lavoro agile): %s, want non_applicabile", o.Status)
		}
	}
	for _, in := range rep.Indicators {
		switch in.Key {
		case "O.1.1.8/1", "PO.4.1/1":
			if in.Actual == nil || *in.Actual >= 0 || in.Status != "raggiunto" {
				t.Errorf("%s: actual %v, %s; want days in advance, raggiunto", in.Key, in.Actual, in.Status)
			}
		}
	}
	if mid := sampleScore(t, env, "midyear"); !mid.Demo || !mid.PeriodClosed || mid.Measured == 0 {
		t.Errorf("score 2023 midyear: demo %v, closed %v, %d measured", mid.Demo, mid.PeriodClosed, mid.Measured)
	}

	// Again without --replace: refused, nothing changed.
	audit := countRows(t, url, "audit_events")
	code, out, errOut = runWith(t, env, "demo", "--with-sample-actuals")
	if code != 1 || !strings.Contains(errOut, "esiste già") || strings.Contains(out, "Misurazioni") {
		t.Fatalf("second demo: want exit 1 and a message, got %d\n%s\n%s", code, out, errOut)
	}
	if got := countRows(t, url, "audit_events"); got != audit {
		t.Errorf("refused demo wrote %d audit events", got-audit)
	}
	checkSampleLoaded(t, url, len(rows))

	// With --replace: the plan and its sample again, periods as before.
	code, out, errOut = runWith(t, env, "demo", "--replace", "--with-sample-actuals")
	if code != 0 || !strings.Contains(out, "sostituito") || !strings.Contains(out, line) {
		t.Fatalf("demo --replace --with-sample-actuals: code %d\n%s\n%s", code, out, errOut)
	}
	checkSampleLoaded(t, url, len(rows))
	if again := sampleScore(t, env, "final"); !reflect.DeepEqual(again.EnteScore, rep.EnteScore) {
		t.Errorf("ente score after --replace %+v, before %+v", again.EnteScore, rep.EnteScore)
	}

	// Plain demo --replace drops the sample.
	if code, _, errOut := runWith(t, env, "demo", "--replace"); code != 0 {
		t.Fatalf("demo --replace: %s", errOut)
	}
	if got := countRows(t, url, "measurements"); got != 0 {
		t.Errorf("demo --replace without the sample left %d measurements", got)
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeDemoIfEmptyLoadsSample: what `make run` does on an empty database
// loads the plan with its sample, and the public sees the 2023 actuals.
func TestServeDemoIfEmptyLoadsSample(t *testing.T) {
	_, rows := referenceSample(t)
	url := testdb.Empty(t)
	env := map[string]string{"DATABASE_URL": url, "PIAO_ADDR": "127.0.0.1:0", "PIAO_DEMO_PASSWORD": "una-password-di-prova"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--migrate", "--demo-if-empty"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &logs)
	}()
	listening := regexp.MustCompile(`msg=listening url=(http://\S+)`)
	var base string
	for deadline := time.Now().Add(60 * time.Second); base == ""; {
		if m := listening.FindStringSubmatch(logs.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d before listening:\n%s", code, logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", logs.String())
		}
	}
	if !strings.Contains(stdout.String(), fmt.Sprintf("Misurazioni dimostrative 2023: %d valori approvati", len(rows))) {
		t.Errorf("serve --demo-if-empty output lacks the sample:\n%s", stdout.String())
	}
	checkSampleLoaded(t, url, len(rows))

	// Anonymous open data: 2023 periods are closed, so actuals are public.
	res, err := http.Get(base + "/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.csv")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if res.StatusCode != 200 || err != nil || len(recs) < 2 {
		t.Fatalf("open data: %d %v", res.StatusCode, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	withActual := 0
	for _, r := range recs[1:] {
		if r[col["year"]] == "2023" && r[col["actual"]] != "" {
			withActual++
		}
		if r[col["year"]] != "2023" && r[col["actual"]] != "" {
			t.Errorf("open data: actual for %s %s", r[col["indicator_id"]], r[col["year"]])
		}
	}
	if withActual == 0 {
		t.Error("open data: no 2023 actual visible to the public")
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited with %d:\n%s", code, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
