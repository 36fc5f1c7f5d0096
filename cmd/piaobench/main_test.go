package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/synth"
)

// TestSmallRun runs the whole benchmark on a tiny load: every route answers
// without errors, the table and the JSON agree, and the database is dropped.
func TestSmallRun(t *testing.T) {
	if testing.Short() {
		t.Skip("needs PostgreSQL: run without -short")
	}
	admin := os.Getenv(envURL)
	if admin == "" {
		t.Fatalf("%s is not set: run the tests with `make test`", envURL)
	}
	path := filepath.Join(t.TempDir(), "bench.json")
	var stdout, stderr bytes.Buffer
	args := []string{"-enti", "2", "-indicators", "80", "-years", "2", "-c", "2", "-cd", "3", "-big", "200", "-d", "150ms", "-warmup", "2", "-json", path}
	if code := run(context.Background(), args, os.Getenv, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	var rep report
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Routes) != 28 {
		t.Fatalf("%d routes in the JSON, want 8 pages, 12 public reads, 2 dashboards, 4 Relazione downloads, the measurement save and the engine", len(rep.Routes))
	}
	for _, r := range rep.Routes {
		if r.Requests == 0 || r.Errors > 0 || r.P50ms <= 0 {
			t.Errorf("%s: %d requests, %d errors (%s), p50 %v", r.Label, r.Requests, r.Errors, r.ErrorSample, r.P50ms)
		}
		if !strings.Contains(stdout.String(), r.Label) {
			t.Errorf("%s missing from the table", r.Label)
		}
		if (r.Key == "static" || r.Key == engineKey) != (r.RatioToStatic == nil) {
			t.Errorf("%s: ratio to static %v", r.Label, r.RatioToStatic)
		}
	}
	for i, key := range []string{dashRefKey, dashBigKey} {
		d := rep.Routes[20+i]
		if d.Key != key || d.Target != targets[key] || (d.Verdict != "met" && d.Verdict != "missed") || d.Concurrency != 3 ||
			!strings.HasSuffix(d.Path, "/cruscotto") || d.MeanBytes < 1000 {
			t.Errorf("dashboard row %+v", d)
		}
	}
	if d := rep.Routes[21]; !strings.Contains(d.Label, "200 indicators") || !strings.Contains(d.Path, "/enti/synth-003/") ||
		rep.Load.BigEnte != "synth-003" || rep.Load.BigIndicators != 200 {
		t.Errorf("large dashboard %s %s, load %+v", d.Label, d.Path, rep.Load)
	}
	for i, key := range []string{relRefPDF, relRefXLSX, relBigPDF, relBigXLSX} {
		d := rep.Routes[22+i]
		if d.Key != key || d.Target != targets[key] || (d.Verdict != "met" && d.Verdict != "missed") || d.Concurrency != 1 ||
			!strings.Contains(d.Path, "/relazione/") || d.MeanBytes < 5000 {
			t.Errorf("Relazione row %+v", d)
		}
	}
	if s := rep.Routes[26]; s.Key != saveKey || s.Target != targets[saveKey] || (s.Verdict != "met" && s.Verdict != "missed") ||
		s.TargetMet == nil || s.Concurrency != 2 {
		t.Errorf("save row %+v", s)
	}
	if e := rep.Routes[27]; e.Key != engineKey || e.Target == "" || rep.Engine.Indicators != engineIndicators || e.Verdict == "" {
		t.Errorf("engine row %+v, info %+v", e, rep.Engine)
	}
	for _, r := range rep.Routes[:20] {
		if (targets[r.Key] == "") != (r.Verdict == "") || (r.Verdict != "" && r.Verdict != "met" && r.Verdict != "missed") {
			t.Errorf("%s: verdict %q, target %q", r.Label, r.Verdict, targets[r.Key])
		}
	}
	for _, r := range rep.Routes[8:20] {
		if !strings.HasPrefix(r.Key, "public-") || (strings.HasSuffix(r.Key, "-304") != (r.MeanBytes == 0)) {
			t.Errorf("public row %s: %d bytes", r.Key, r.MeanBytes)
		}
	}
	if len(rep.Consistency) != 6 {
		t.Errorf("consistency checks: %+v", rep.Consistency)
	}
	if rep.RSSBytes <= 0 || rep.Database == "" {
		t.Errorf("rss %d, database %q", rep.RSSBytes, rep.Database)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var left bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, rep.Database).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left {
		t.Errorf("database %s was not dropped", rep.Database)
	}
}

// TestSmallRunReplicas runs a few routes and the saves against two `piao
// serve` processes on one database: no errors, and every replica serves the
// new version of the public files after writes made through the other.
func TestSmallRunReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("needs PostgreSQL: run without -short")
	}
	if os.Getenv(envURL) == "" {
		t.Fatalf("%s is not set: run the tests with `make test`", envURL)
	}
	bin := filepath.Join(t.TempDir(), "piao")
	if out, err := exec.Command("go", "build", "-o", bin, "../piao").CombinedOutput(); err != nil {
		t.Fatalf("build piao: %v\n%s", err, out)
	}
	path := filepath.Join(t.TempDir(), "bench.json")
	var stdout, stderr bytes.Buffer
	args := []string{"-enti", "2", "-indicators", "80", "-years", "2", "-c", "4", "-big", "200", "-d", "150ms", "-warmup", "2",
		"-replicas", "2", "-piao", bin, "-only", "^(public-reference-tree|public-reference-csv-304|" + saveKey + ")$", "-json", path}
	if code := run(context.Background(), args, os.Getenv, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	rep, err := readJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Routes) != 4 || len(rep.Replicas) != 2 || len(rep.Consistency) != 6 {
		t.Fatalf("%d routes, %d replicas, %d checks\n%s", len(rep.Routes), len(rep.Replicas), len(rep.Consistency), stdout.String())
	}
	for _, r := range rep.Routes {
		if r.Requests == 0 || r.Errors > 0 {
			t.Errorf("%s: %d requests, %d errors (%s)", r.Label, r.Requests, r.Errors, r.ErrorSample)
		}
	}
	for _, x := range rep.Replicas {
		if x.PeakRSSBytes <= 0 || x.ExitError != "" {
			t.Errorf("replica %+v", x)
		}
	}
	for _, c := range rep.Consistency {
		if len(c.ETags) != 2 || !c.Same || (c.When == "after the writes") != c.Moved {
			t.Errorf("consistency %+v", c)
		}
	}
}

func TestCheckLoopback(t *testing.T) {
	for raw, ok := range map[string]bool{
		"http://127.0.0.1:8080/x": true, "http://[::1]:80/": true,
		"http://10.0.0.1/": false, "http://example.com/": false, "http://localhost/": false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := checkLoopback(u) == nil; got != ok {
			t.Errorf("%s: allowed %v, want %v", raw, got, ok)
		}
	}
}

func TestSummarise(t *testing.T) {
	var lat []time.Duration
	for i := 100; i >= 1; i-- {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	var r routeResult
	summarise(&r, lat, 2*time.Second)
	if r.Requests != 100 || r.RPS != 50 || r.P50ms != 50 || r.P95ms != 95 || r.P99ms != 99 || r.MaxMs != 100 || r.MeanMs != 50.5 {
		t.Errorf("%+v", r)
	}
}

func TestInvalidFlags(t *testing.T) {
	for _, args := range [][]string{{"-c", "0"}, {"-cd", "0"}, {"-cd", "257"}, {"-big", "3"}, {"-d", "0s"}, {"-indicators", "3"}, {"extra"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, func(string) string { return "postgres://127.0.0.1/x" }, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestJudge(t *testing.T) {
	x := routeResult{Key: saveKey, Requests: 100, P50ms: 10, P95ms: 31, P99ms: 40, MeanMs: 12, MaxMs: 50}
	e := engineInfo{AllocsPerIndicator: 0.5}
	for _, c := range []struct {
		target, verdict string
	}{
		{"", ""}, {"p95 ≤ 30 ms", "missed"}, {"p95 ≤ 31 ms", "met"}, {"p50 ≤ 10 ms, p99 ≤ 40 ms", "met"},
		{"≤ 30 ms", "missed"}, {"mean ≤ 12.5 ms", "met"}, {"p95 ≈ 30 ms", "unknown"}, {"≤ 1 alloc/indicator", "unknown"},
	} {
		if v, met, _ := judge(c.target, x, e); v != c.verdict || (met != nil) != (v == "met" || v == "missed") {
			t.Errorf("%q: %q %v, want %q", c.target, v, met, c.verdict)
		}
	}
	x.RPS = 1200
	for _, c := range []struct {
		target, verdict string
	}{
		{"≥ 1000 req/s", "met"}, {"≥ 1200 req/s", "met"}, {"≥ 1201 req/s", "missed"}, {"p95 ≤ 31 ms, ≥ 1000 req/s", "met"},
		{"p95 ≤ 30 ms, ≥ 1000 req/s", "missed"}, {"p95 ≤ 31 ms, ≥ 2000 req/s", "missed"}, {"≤ 2000 req/s", "unknown"},
		{"p95 ≥ 1000 req/s", "unknown"}, {"≥ 30 ms", "unknown"},
	} {
		if v, met, _ := judge(c.target, x, e); v != c.verdict || (met != nil) != (v == "met" || v == "missed") {
			t.Errorf("%q: %q %v, want %q", c.target, v, met, c.verdict)
		}
	}
	if _, _, why := judge("p95 ≤ 25 ms, ≥ 1300 req/s", x, e); why != "p95 31.0 ms > 25 ms, 1200 req/s < 1300 req/s" {
		t.Errorf("why %q", why)
	}
	if v, _, _ := judge("≥ 0.25 ×static", x, e); v != "unknown" {
		t.Errorf("a ratio without the ceiling: %q", v)
	}
	ratio := 0.3
	x.RatioToStatic = &ratio
	for target, want := range map[string]string{"≥ 0.25 ×static": "met", "≥ 0.3 ×static": "met", "≥ 0.5 ×static": "missed", "≤ 0.5 ×static": "unknown"} {
		if v, _, _ := judge(target, x, e); v != want {
			t.Errorf("%q: %q, want %q", target, v, want)
		}
	}
	x.Key = engineKey
	if v, _, _ := judge("≤ 60 ms, ≤ 1 alloc/indicator", x, e); v != "met" {
		t.Errorf("engine: %q", v)
	}
	if v, _, why := judge("≤ 60 ms, ≤ 0.1 alloc/indicator", x, e); v != "missed" || !strings.Contains(why, "alloc/indicator") {
		t.Errorf("engine: %q %q", v, why)
	}
	x.Errors = 1
	if v, met, _ := judge("p95 ≤ 60 ms", x, e); v != "invalid" || met != nil {
		t.Errorf("errors: %q", v)
	}
}

func TestSaveFields(t *testing.T) {
	direct := saveIndicator{Key: "O.3.3.1/1", Formula: "direct"}
	if v := direct.fields(3, 7); v.Get("valore") != "153" || v.Get("versione") != "7" || v.Get("azione") != "salva" {
		t.Errorf("direct: %v", v)
	}
	ratio := saveIndicator{Key: "O.3.3.1/3", Formula: "ratio", Inputs: []string{"numerator", "denominator"}}
	if v := ratio.fields(0, 0); v.Get("in_numerator") != "40" || v.Get("in_denominator") != "100" || v.Has("valore") {
		t.Errorf("ratio: %v", v)
	}
	for _, page := range []string{`<input type="hidden" name="versione" value="12"/>`, `x name="versione" value="12">`} {
		if v, ok := versionIn([]byte(page)); !ok || v != 12 {
			t.Errorf("%s: %d %v", page, v, ok)
		}
	}
}

func TestSaveIndicators(t *testing.T) {
	ref, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	inds := saveIndicators(ref, benchPosition)
	if len(inds) < 8 || inds[0].Key != "O.3.3.1/1" || inds[0].Formula != plan.FormulaDirect {
		t.Fatalf("%d indicators, first %+v", len(inds), inds[0])
	}
	seen := map[string]bool{}
	for _, in := range inds {
		if seen[in.Key] || in.Formula == plan.FormulaDerived {
			t.Errorf("%+v: repeated or derived", in)
		}
		seen[in.Key] = true
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 5000: "5,000", 1234567: "1,234,567", -5000: "-5,000"} {
		if got := thousands(n); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}

func TestDashboardRoutes(t *testing.T) {
	ref, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	cfg := synth.Config{Enti: 2, IndicatorsPerEnte: 80, Years: 2, StartYear: 2024, Seed: 1}
	big := bigEnte(cfg, 120)
	if big.Doc.Ente.Slug != "synth-003" {
		t.Errorf("large ente %s, want the next index synth-003", big.Doc.Ente.Slug)
	}
	n := 0
	for _, o := range big.Doc.Objectives {
		n += len(o.Indicators)
	}
	if n != 120 {
		t.Errorf("large ente: %d indicators, want 120", n)
	}
	rts := dashboardRoutes(ref, big.Doc, 5000, 32)
	if len(rts) != 2 || rts[0].Path != "/enti/cciaa-gran-sasso/piani/piao-2023-2025/cruscotto" || rts[0].User != dashRefUser ||
		rts[1].Label != "synthetic 5,000 indicators: dashboard" || rts[1].Path != "/enti/synth-003/piani/piao-2024-2025/cruscotto" ||
		rts[1].User != dashBigUser || rts[0].Concurrency != 32 || rts[1].Concurrency != 32 {
		t.Errorf("%+v", rts)
	}
}
