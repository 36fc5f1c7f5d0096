package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestSmallRun runs the whole benchmark on a tiny load: every route answers
// without errors, the table and the JSON agree, and the database is dropped.
func TestSmallRun(t *testing.T) {
	admin := os.Getenv(envURL)
	if admin == "" {
		t.Fatalf("%s is not set: run the tests with `make test`", envURL)
	}
	path := filepath.Join(t.TempDir(), "bench.json")
	var stdout, stderr bytes.Buffer
	args := []string{"-enti", "2", "-indicators", "80", "-years", "2", "-c", "2", "-d", "150ms", "-warmup", "2", "-json", path}
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
	if len(rep.Routes) != 8 {
		t.Fatalf("%d routes in the JSON, want 7 pages and the engine", len(rep.Routes))
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
	if e := rep.Routes[7]; e.Key != engineKey || e.Target == "" || rep.Engine.Indicators != engineIndicators {
		t.Errorf("engine row %+v, info %+v", e, rep.Engine)
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
	for _, args := range [][]string{{"-c", "0"}, {"-d", "0s"}, {"-indicators", "3"}, {"extra"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, func(string) string { return "postgres://127.0.0.1/x" }, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
