//go:build proof

// The bench tool's own runs (short loads against a real server, one with two
// replicas) are load runs: `make proof` runs them, CI with it.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
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
	if !strings.Contains(stdout.String(), "\nreplicas (every route without errors") {
		t.Errorf("no verdict on the replicas:\n%s", stdout.String())
	}
}
