package main

import (
	"bytes"
	"context"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/synth"
)

// TestSmallRun runs the whole benchmark on a tiny load: every route answers
// without errors, the table and the JSON agree, and the database is dropped.
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

// TestListensOn: a replica counts as ready only on its own socket; the port
// of a process that is not it, or a port nobody listens on, does not count.
func TestListensOn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if !listensOn(os.Getpid(), port) {
		t.Fatal("this process's listening socket is not found")
	}
	if listensOn(os.Getppid(), port) {
		t.Fatal("the parent process is said to listen on this process's port")
	}
	ln.Close()
	if listensOn(os.Getpid(), port) {
		t.Fatal("a closed socket still counts")
	}
}

func TestReplicaFailures(t *testing.T) {
	good := func() *report {
		return &report{
			Routes: []routeResult{{Key: "static", Requests: 10}, {Key: "public-reference-csv-304", Requests: 10, Verdict: "missed"},
				{Key: saveKey, Label: "reference: measurement save", Requests: 10, Verdict: "met"}},
			Consistency: []consistencyCheck{{When: "before the writes", Path: "/a", Same: true},
				{When: "after the writes", Path: "/a", Same: true, Moved: true}},
			Replicas: []replicaInfo{{Addr: "127.0.0.1:1"}, {Addr: "127.0.0.1:2"}},
		}
	}
	if why := replicaFailures(good()); len(why) != 0 {
		t.Fatalf("a run meeting the criteria (a ratio missed is not one of them): %v", why)
	}
	for name, spoil := range map[string]func(r *report){
		"errors":            func(r *report) { r.Routes[1].Errors = 1 },
		"saves missed":      func(r *report) { r.Routes[2].Verdict = "missed" },
		"no saves":          func(r *report) { r.Routes = r.Routes[:2] },
		"different":         func(r *report) { r.Consistency[0].Same = false },
		"stale":             func(r *report) { r.Consistency[1].Moved = false },
		"not checked after": func(r *report) { r.Consistency = r.Consistency[:1] },
		"replica exited":    func(r *report) { r.Replicas[1].ExitError = "exit status 1" },
	} {
		r := good()
		spoil(r)
		if why := replicaFailures(r); len(why) != 1 {
			t.Errorf("%s: %v, want one failure", name, why)
		}
	}
}
