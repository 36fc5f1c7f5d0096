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
		FROM periods WHERE plan_id = (SELECT p.id FROM plans p JOIN enti e ON e.id = p.ente_id WHERE e.slug = 'cciaa-gran-sasso')
		ORDER BY year, kind DESC`)
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
	const refPlan = `(SELECT p.id FROM plans p JOIN enti e ON e.id = p.ente_id WHERE e.slug = 'cciaa-gran-sasso')`
	if got := sampleQueryInt(t, url, `SELECT count(*) FROM measurements WHERE plan_id = `+refPlan); got != n {
		t.Errorf("%d measurements of the reference plan, want %d", got, n)
	}
	// the benchmark ente's one value: its 2023 payment timeliness
	if got := sampleQueryInt(t, url, `SELECT count(*) FROM measurements m JOIN indicators i ON i.id = m.indicator_id
		WHERE i.key = 'TP.1/1' AND m.value = -5.7 AND m.plan_id <> `+refPlan); got != 1 {
		t.Errorf("%d measurements of the benchmark ente, want 1", got)
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
	t.Parallel()
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
	t.Parallel()
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

// referenceSample is the reference plan and its demo sample.
func referenceSample(t *testing.T) (*plan.Document, []measure.Row) {
	t.Helper()
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := seed.SampleActuals(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, rows
}
